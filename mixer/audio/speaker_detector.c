/* speaker_detector.c - active speaker with margin, switch delay and hold time. */
#include "mixer/audio/speaker_detector.h"

#include <stdlib.h>

#define SILENT_DBOV (-127.0f)
#define RISE        0.5f  /* smoothing weight of a louder new level */
#define FALL        0.15f /* smoothing weight of a quieter new level */

struct speaker_detector {
    struct speaker_detector_config cfg;
    size_t max_inputs;
    float *smoothed;     /* per slot, dBov */
    int current;         /* speaker slot or -1 */
    int candidate;       /* slot currently challenging, or -1 */
    int candidate_ticks; /* consecutive ticks the candidate has qualified */
    int ticks_since_switch;
};

void speaker_detector_config_init(struct speaker_detector_config *cfg)
{
    cfg->hold_ticks = 50;
    cfg->switch_ticks = 10;
    cfg->margin_db = 6.0f;
    cfg->voice_threshold_dbov = -50.0f;
}

struct speaker_detector *speaker_detector_new(size_t max_inputs,
                                              const struct speaker_detector_config *cfg)
{
    struct speaker_detector *sd = calloc(1, sizeof *sd);
    if (!sd) return NULL;
    sd->smoothed = malloc(max_inputs * sizeof *sd->smoothed);
    if (!sd->smoothed && max_inputs > 0) {
        free(sd);
        return NULL;
    }
    for (size_t i = 0; i < max_inputs; i++) sd->smoothed[i] = SILENT_DBOV;
    if (cfg)
        sd->cfg = *cfg;
    else
        speaker_detector_config_init(&sd->cfg);
    sd->max_inputs = max_inputs;
    sd->current = -1;
    sd->candidate = -1;
    return sd;
}

void speaker_detector_free(struct speaker_detector *sd)
{
    if (!sd) return;
    free(sd->smoothed);
    free(sd);
}

static void smooth_levels(struct speaker_detector *sd, const float *levels, size_t count)
{
    for (size_t i = 0; i < sd->max_inputs; i++) {
        float level = i < count ? levels[i] : SILENT_DBOV;
        if (level < SILENT_DBOV) level = SILENT_DBOV;
        float w = level > sd->smoothed[i] ? RISE : FALL;
        sd->smoothed[i] += (level - sd->smoothed[i]) * w;
    }
}

static int loudest_other(const struct speaker_detector *sd)
{
    int best = -1;
    for (size_t i = 0; i < sd->max_inputs; i++) {
        if ((int)i == sd->current || sd->smoothed[i] < sd->cfg.voice_threshold_dbov) continue;
        if (best < 0 || sd->smoothed[i] > sd->smoothed[best]) best = (int)i;
    }
    return best;
}

int speaker_detector_update(struct speaker_detector *sd, const float *levels_dbov, size_t count)
{
    smooth_levels(sd, levels_dbov, count);
    sd->ticks_since_switch++;

    int challenger = loudest_other(sd);
    if (challenger >= 0 && sd->current >= 0 &&
        sd->smoothed[challenger] < sd->smoothed[sd->current] + sd->cfg.margin_db)
        challenger = -1;

    if (challenger < 0) {
        sd->candidate = -1;
        sd->candidate_ticks = 0;
        return sd->current;
    }
    if (challenger != sd->candidate) {
        sd->candidate = challenger;
        sd->candidate_ticks = 0;
    }
    sd->candidate_ticks++;

    int held = sd->current >= 0 && sd->ticks_since_switch < sd->cfg.hold_ticks;
    if (sd->candidate_ticks >= sd->cfg.switch_ticks && !held) {
        sd->current = sd->candidate;
        sd->candidate = -1;
        sd->candidate_ticks = 0;
        sd->ticks_since_switch = 0;
    }
    return sd->current;
}

int speaker_detector_current(const struct speaker_detector *sd) { return sd->current; }

void speaker_detector_remove(struct speaker_detector *sd, size_t slot)
{
    if (slot >= sd->max_inputs) return;
    sd->smoothed[slot] = SILENT_DBOV;
    if (sd->current == (int)slot) sd->current = -1;
    if (sd->candidate == (int)slot) {
        sd->candidate = -1;
        sd->candidate_ticks = 0;
    }
}
