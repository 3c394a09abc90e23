/* audio_mixer.h - one conference's audio mix, one call per 20 ms tick.
 *
 * Format: everything is AUDIO_FRAME_SAMPLES (960) int16 samples at 48 kHz. The mix
 * is mono (speech conferences gain nothing from a stereo mix and it halves the work);
 * a stereo input is downmixed as (L + R) / 2.
 *
 * A tick:
 *   1. (optional) audio_mixer_select() from the RFC 6464 levels of the packets that
 *      arrived says which inputs are worth decoding: only the loudest `top_n`.
 *   2. audio_mixer_put() for each input that has a frame this tick (and, with
 *      pcm == NULL, a level only for inputs that were not decoded).
 *   3. audio_mixer_mix() sums the loudest `top_n` inputs with frames in 32 bits and
 *      runs each output through its own soft limiter (limiter.h).
 *   4. audio_mixer_full() is the mix of everyone; audio_mixer_output() says, per
 *      input, whether it hears the shared full mix (AUDIO_MIX_SHARED: encode once,
 *      send many) or needs its own minus-self mix (AUDIO_MIX_OWN: full minus its own
 *      contribution, limited separately).
 *
 * Who gets an own mix: an input that was mixed this tick, and, for `own_hold_ticks`
 * ticks after its last contribution, the same input still (its own mix then equals
 * the full mix). The hold keeps a room from hopping between two encoders on every
 * tick of a talk spurt; with own_hold_ticks = 0 the rule is exactly "contributed this
 * tick". When an input moves from shared to own, its limiter starts as a copy of the
 * full mix's limiter, so the samples are continuous; the caller should likewise
 * start its encoder from a copy of the full mix encoder's state (as the mix engine
 * does), or at least reset one, at that moment.
 *
 * Threads: not thread-safe; one conference's tick calls it from one thread at a time.
 * Pointers returned stay valid until the next audio_mixer_mix() or _free(). */
#ifndef HOINGHI_MIXER_AUDIO_MIXER_H
#define HOINGHI_MIXER_AUDIO_MIXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/audio_format.h"
#include "mixer/audio/speaker_detector.h"

/* Pass as `level` to audio_mixer_put() when no RFC 6464 level is known: the mixer
 * measures the frame's RMS level instead. */
#define AUDIO_LEVEL_UNKNOWN (-1)

struct audio_mixer_config {
    size_t max_inputs;  /* slots 0..max_inputs-1; default 32 */
    size_t top_n;       /* inputs mixed per tick; default 4 */
    int own_hold_ticks; /* see above; default 50 (1 s) */
    struct speaker_detector_config speaker;
};

enum audio_mix_kind {
    AUDIO_MIX_NONE,   /* unknown slot */
    AUDIO_MIX_SHARED, /* hears audio_mixer_full() */
    AUDIO_MIX_OWN,    /* hears its own minus-self mix */
};

struct audio_mixer_stats {
    uint64_t ticks;
    uint64_t own_mixes; /* own (minus-self) outputs produced, summed over ticks */
};

struct audio_mixer;

void audio_mixer_config_init(struct audio_mixer_config *cfg);

/* NULL on bad config (max_inputs 0, top_n 0) or allocation failure. */
struct audio_mixer *audio_mixer_new(const struct audio_mixer_config *cfg);
void audio_mixer_free(struct audio_mixer *m);

/* Pure helper, also used inside the mixer: marks in `picked` the (at most) `top_n`
 * loudest of `count` RFC 6464 levels (0 loudest .. 127 silent; silent never picked;
 * ties go to the lower slot). Returns how many were picked. */
size_t audio_pick_loudest(const uint8_t *levels, size_t count, size_t top_n, bool *picked);

/* Which inputs to decode this tick, from their RFC 6464 levels (AUDIO_LEVEL_SILENT
 * for inputs with no packet): audio_pick_loudest() with the mixer's top_n. */
size_t audio_mixer_select(const struct audio_mixer *m, const uint8_t *levels, size_t count,
                          bool *decode);

/* Gives input `slot` its frame for this tick: `pcm` holds AUDIO_FRAME_SAMPLES frames
 * of `channels` (1 or 2) interleaved samples and must stay valid until
 * audio_mixer_mix() returns (no copy is made). `level` is the RFC 6464 level
 * (0..127) or AUDIO_LEVEL_UNKNOWN. pcm == NULL gives a level only (for speaker
 * detection of an input that was not decoded). Returns 0, or -1 on a bad argument. */
int audio_mixer_put(struct audio_mixer *m, size_t slot, const int16_t *pcm, int channels,
                    int level);

/* Mixes this tick's inputs and forgets them (the next tick starts empty). */
void audio_mixer_mix(struct audio_mixer *m);

/* The full mix of the last tick. */
const int16_t *audio_mixer_full(const struct audio_mixer *m);

/* What input `slot` hears after the last tick; *pcm is set to the samples. */
enum audio_mix_kind audio_mixer_output(const struct audio_mixer *m, size_t slot,
                                       const int16_t **pcm);

/* Whether input `slot` was in the last tick's mix. */
bool audio_mixer_was_mixed(const struct audio_mixer *m, size_t slot);

/* Active speaker after the last tick, or -1. */
int audio_mixer_active_speaker(const struct audio_mixer *m);

/* Level (dBov, -127..0) the mixer used for `slot` in the last tick. */
float audio_mixer_level(const struct audio_mixer *m, size_t slot);

/* Forgets everything about a slot (participant left or slot reused). */
void audio_mixer_remove(struct audio_mixer *m, size_t slot);

const struct audio_mixer_stats *audio_mixer_stats(const struct audio_mixer *m);

#endif
