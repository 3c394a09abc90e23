/* pcm_ring.c - bounded sample ring between audio decoders and the mixer tick. */
#include "mixer/pcm_ring.h"

#include <stdlib.h>
#include <string.h>

struct pcm_ring {
    int16_t *samples;
    size_t capacity;
    size_t head;          /* index of the oldest sample */
    size_t level;         /* samples buffered */
    struct pcm_ring_stats stats;
};

struct pcm_ring *pcm_ring_new(size_t capacity)
{
    if (capacity == 0)
        return NULL;
    struct pcm_ring *ring = calloc(1, sizeof *ring);
    if (!ring)
        return NULL;
    ring->samples = malloc(capacity * sizeof *ring->samples);
    if (!ring->samples) {
        free(ring);
        return NULL;
    }
    ring->capacity = capacity;
    return ring;
}

void pcm_ring_free(struct pcm_ring *ring)
{
    if (!ring)
        return;
    free(ring->samples);
    free(ring);
}

void pcm_ring_write(struct pcm_ring *ring, const int16_t *pcm, size_t n)
{
    ring->stats.written += n;
    if (n > ring->capacity) {
        ring->stats.dropped += n - ring->capacity;
        pcm += n - ring->capacity;
        n = ring->capacity;
    }
    size_t free_space = ring->capacity - ring->level;
    if (n > free_space) {
        size_t drop = n - free_space;
        ring->head = (ring->head + drop) % ring->capacity;
        ring->level -= drop;
        ring->stats.dropped += drop;
        ring->stats.overflows++;
    }
    size_t tail = (ring->head + ring->level) % ring->capacity;
    size_t first = n < ring->capacity - tail ? n : ring->capacity - tail;
    memcpy(ring->samples + tail, pcm, first * sizeof *pcm);
    memcpy(ring->samples, pcm + first, (n - first) * sizeof *pcm);
    ring->level += n;
}

bool pcm_ring_read(struct pcm_ring *ring, int16_t *out, size_t n)
{
    if (n > ring->level) {
        ring->stats.underruns++;
        return false;
    }
    size_t first = n < ring->capacity - ring->head ? n : ring->capacity - ring->head;
    memcpy(out, ring->samples + ring->head, first * sizeof *out);
    memcpy(out + first, ring->samples, (n - first) * sizeof *out);
    ring->head = (ring->head + n) % ring->capacity;
    ring->level -= n;
    return true;
}

size_t pcm_ring_level(const struct pcm_ring *ring)
{
    return ring->level;
}

void pcm_ring_clear(struct pcm_ring *ring)
{
    ring->head = 0;
    ring->level = 0;
}

const struct pcm_ring_stats *pcm_ring_stats(const struct pcm_ring *ring)
{
    return &ring->stats;
}
