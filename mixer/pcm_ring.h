/* pcm_ring.h - a fixed-size ring of int16 samples between an audio decoder (which
 * produces packets of any duration: 2.5..120 ms, G.711 resampler remainders) and the
 * audio mixer (which takes exactly one 20 ms tick at a time).
 *
 * Allocated once; writes never block and never grow it: when a write does not fit,
 * the oldest samples are dropped to make room (counted in `overflows`), which keeps
 * the latency bounded if a sender runs fast. A read of a tick either gets a whole tick
 * or nothing (counted in `underruns`) - the caller then conceals or sends silence.
 * Mono (the mixer's format). One thread at a time. */
#ifndef HOINGHI_MIXER_PCM_RING_H
#define HOINGHI_MIXER_PCM_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcm_ring_stats {
    uint64_t written;     /* samples written */
    uint64_t dropped;     /* oldest samples dropped to make room */
    uint64_t overflows;   /* writes that had to drop */
    uint64_t underruns;   /* reads that found less than asked */
};

struct pcm_ring;

/* Room for `capacity` samples (e.g. 200 ms: 9600). NULL on allocation failure. */
struct pcm_ring *pcm_ring_new(size_t capacity);
void pcm_ring_free(struct pcm_ring *ring);

/* Appends n samples, dropping the oldest if needed (if n > capacity, only the newest
 * `capacity` samples are kept). */
void pcm_ring_write(struct pcm_ring *ring, const int16_t *pcm, size_t n);

/* Reads exactly n samples into out and returns true, or reads nothing and returns
 * false if fewer are buffered. */
bool pcm_ring_read(struct pcm_ring *ring, int16_t *out, size_t n);

/* Samples buffered. */
size_t pcm_ring_level(const struct pcm_ring *ring);

/* Drops everything buffered (e.g. when the stream restarts). */
void pcm_ring_clear(struct pcm_ring *ring);

const struct pcm_ring_stats *pcm_ring_stats(const struct pcm_ring *ring);

#endif
