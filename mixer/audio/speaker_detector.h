/* speaker_detector.h - picks the active speaker of a conference from per-input audio
 * levels, one update per 20 ms tick, with hysteresis so the picture does not flap.
 *
 * Rules (all counted in ticks):
 *   - levels are smoothed per input (one-pole in dB, fast rise, slower fall);
 *   - an input below the voice threshold is never a candidate;
 *   - a candidate (the loudest input that is not the current speaker) must be louder
 *     than the current speaker by `margin_db` for `switch_ticks` ticks in a row;
 *   - after a switch, the new speaker holds the floor for at least `hold_ticks`;
 *   - with no speaker yet, the first candidate to stay loudest for `switch_ticks`
 *     ticks becomes the speaker.
 * The speaker keeps the floor while everyone is silent (a picture needs someone). */
#ifndef HOINGHI_MIXER_SPEAKER_DETECTOR_H
#define HOINGHI_MIXER_SPEAKER_DETECTOR_H

#include <stddef.h>

struct speaker_detector_config {
    int hold_ticks;             /* default 50 (1 s) */
    int switch_ticks;           /* default 10 (200 ms) */
    float margin_db;            /* default 6 dB */
    float voice_threshold_dbov; /* default -50 dBov */
};

struct speaker_detector;

void speaker_detector_config_init(struct speaker_detector_config *cfg);

/* `max_inputs` slots, numbered 0..max_inputs-1. NULL on allocation failure. */
struct speaker_detector *speaker_detector_new(size_t max_inputs,
                                              const struct speaker_detector_config *cfg);
void speaker_detector_free(struct speaker_detector *sd);

/* One tick: `levels_dbov[i]` is input i's level this tick in dBov (0 loudest,
 * -127 silent or absent), for i < count (count <= max_inputs; the others count as
 * silent). Returns the active speaker's slot, or -1 if none yet. */
int speaker_detector_update(struct speaker_detector *sd, const float *levels_dbov, size_t count);

/* The current speaker (-1 if none). */
int speaker_detector_current(const struct speaker_detector *sd);

/* Forgets a slot (participant left). If it was the speaker there is none. */
void speaker_detector_remove(struct speaker_detector *sd, size_t slot);

#endif
