/* audio_mixer.c - top-N sum, per-output soft limiting, minus-self mixes, active
 * speaker. See audio_mixer.h for the contract. */
#include "mixer/audio/audio_mixer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/audio/limiter.h"

#define N AUDIO_FRAME_SAMPLES

struct mixer_input {
    const int16_t *pcm; /* this tick's frame (borrowed), NULL if none */
    int channels;
    bool has_level; /* a level was given or measured this tick */
    float level_dbov;
    bool mixed;             /* in the last tick's mix */
    bool own;               /* hears its own mix after the last tick */
    int hold_left;          /* ticks of own mix left after its last contribution */
    struct limiter limiter; /* own mix's limiter */
    int16_t mono[N];        /* downmix of a stereo frame */
    int16_t out[N];         /* own (minus-self) mix */
};

struct audio_mixer {
    struct audio_mixer_config cfg;
    struct mixer_input *inputs;
    struct speaker_detector *speaker;
    struct limiter full_limiter;
    int32_t sum[N];
    int32_t work[N];
    int16_t full[N];
    uint8_t *levels;    /* scratch, per slot */
    bool *picked;       /* scratch, per slot */
    float *levels_dbov; /* scratch, per slot */
    struct audio_mixer_stats stats;
};

void audio_mixer_config_init(struct audio_mixer_config *cfg)
{
    cfg->max_inputs = 32;
    cfg->top_n = 4;
    cfg->own_hold_ticks = 50;
    speaker_detector_config_init(&cfg->speaker);
}

struct audio_mixer *audio_mixer_new(const struct audio_mixer_config *cfg)
{
    if (!cfg || cfg->max_inputs == 0 || cfg->top_n == 0 || cfg->own_hold_ticks < 0) return NULL;
    struct audio_mixer *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *cfg;
    m->inputs = calloc(cfg->max_inputs, sizeof *m->inputs);
    m->levels = calloc(cfg->max_inputs, sizeof *m->levels);
    m->picked = calloc(cfg->max_inputs, sizeof *m->picked);
    m->levels_dbov = calloc(cfg->max_inputs, sizeof *m->levels_dbov);
    m->speaker = speaker_detector_new(cfg->max_inputs, &cfg->speaker);
    if (!m->inputs || !m->levels || !m->picked || !m->levels_dbov || !m->speaker) {
        audio_mixer_free(m);
        return NULL;
    }
    limiter_init(&m->full_limiter);
    for (size_t i = 0; i < cfg->max_inputs; i++) audio_mixer_remove(m, i);
    return m;
}

void audio_mixer_free(struct audio_mixer *m)
{
    if (!m) return;
    speaker_detector_free(m->speaker);
    free(m->inputs);
    free(m->levels);
    free(m->picked);
    free(m->levels_dbov);
    free(m);
}

size_t audio_pick_loudest(const uint8_t *levels, size_t count, size_t top_n, bool *picked)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) picked[i] = false;
    /* top_n is small (a handful): repeated selection beats sorting. */
    while (n < top_n) {
        size_t best = count;
        for (size_t i = 0; i < count; i++) {
            if (picked[i] || levels[i] >= AUDIO_LEVEL_SILENT) continue;
            if (best == count || levels[i] < levels[best]) best = i;
        }
        if (best == count) break;
        picked[best] = true;
        n++;
    }
    return n;
}

size_t audio_mixer_select(const struct audio_mixer *m, const uint8_t *levels, size_t count,
                          bool *decode)
{
    return audio_pick_loudest(levels, count, m->cfg.top_n, decode);
}

static float rms_dbov(const int16_t *pcm)
{
    double energy = 0;
    for (size_t i = 0; i < N; i++) energy += (double)pcm[i] * pcm[i];
    if (energy <= 0) return -127.0f;
    double db = 10.0 * log10(energy / N / (32768.0 * 32768.0));
    return db < -127.0 ? -127.0f : (float)db;
}

int audio_mixer_put(struct audio_mixer *m, size_t slot, const int16_t *pcm, int channels, int level)
{
    if (slot >= m->cfg.max_inputs || level > AUDIO_LEVEL_SILENT || level < AUDIO_LEVEL_UNKNOWN)
        return -1;
    if (pcm && channels != 1 && channels != 2) return -1;
    if (!pcm && level == AUDIO_LEVEL_UNKNOWN) return -1;
    struct mixer_input *in = &m->inputs[slot];
    in->pcm = NULL;
    if (pcm && channels == 2) {
        for (size_t i = 0; i < N; i++)
            in->mono[i] = (int16_t)(((int32_t)pcm[2 * i] + pcm[2 * i + 1]) / 2);
        in->pcm = in->mono;
    } else if (pcm) {
        in->pcm = pcm;
    }
    in->channels = 1;
    in->has_level = true;
    in->level_dbov = level == AUDIO_LEVEL_UNKNOWN ? rms_dbov(in->pcm) : -(float)level;
    return 0;
}

static void update_own_state(struct audio_mixer *m, struct mixer_input *in,
                             const struct limiter *full_before)
{
    bool was_own = in->own;
    if (in->mixed) {
        in->hold_left = m->cfg.own_hold_ticks;
        in->own = true;
    } else if (in->hold_left > 0) {
        in->hold_left--;
        in->own = true;
    } else {
        in->own = false;
    }
    if (in->own && !was_own) in->limiter = *full_before; /* continue where the shared mix was */
}

void audio_mixer_mix(struct audio_mixer *m)
{
    size_t count = m->cfg.max_inputs;
    for (size_t i = 0; i < count; i++) {
        struct mixer_input *in = &m->inputs[i];
        m->levels_dbov[i] = in->has_level ? in->level_dbov : -127.0f;
        long rfc = lrintf(-m->levels_dbov[i]);
        if (!in->pcm || rfc > AUDIO_LEVEL_SILENT) rfc = AUDIO_LEVEL_SILENT;
        m->levels[i] = (uint8_t)(rfc < 0 ? 0 : rfc);
    }
    audio_pick_loudest(m->levels, count, m->cfg.top_n, m->picked);

    memset(m->sum, 0, sizeof m->sum);
    for (size_t i = 0; i < count; i++) {
        struct mixer_input *in = &m->inputs[i];
        in->mixed = m->picked[i];
        if (!in->mixed) continue;
        for (size_t s = 0; s < N; s++) m->sum[s] += in->pcm[s];
    }

    struct limiter full_before = m->full_limiter;
    limiter_process(&m->full_limiter, m->sum, m->full, N);

    for (size_t i = 0; i < count; i++) {
        struct mixer_input *in = &m->inputs[i];
        update_own_state(m, in, &full_before);
        if (!in->own) continue;
        if (in->mixed) {
            for (size_t s = 0; s < N; s++) m->work[s] = m->sum[s] - in->pcm[s];
            limiter_process(&in->limiter, m->work, in->out, N);
        } else {
            limiter_process(&in->limiter, m->sum, in->out, N);
        }
        m->stats.own_mixes++;
    }

    speaker_detector_update(m->speaker, m->levels_dbov, count);

    for (size_t i = 0; i < count; i++) {
        m->inputs[i].pcm = NULL;
        m->inputs[i].has_level = false;
    }
    m->stats.ticks++;
}

const int16_t *audio_mixer_full(const struct audio_mixer *m) { return m->full; }

enum audio_mix_kind audio_mixer_output(const struct audio_mixer *m, size_t slot,
                                       const int16_t **pcm)
{
    if (slot >= m->cfg.max_inputs) {
        if (pcm) *pcm = NULL;
        return AUDIO_MIX_NONE;
    }
    const struct mixer_input *in = &m->inputs[slot];
    if (pcm) *pcm = in->own ? in->out : m->full;
    return in->own ? AUDIO_MIX_OWN : AUDIO_MIX_SHARED;
}

bool audio_mixer_was_mixed(const struct audio_mixer *m, size_t slot)
{
    return slot < m->cfg.max_inputs && m->inputs[slot].mixed;
}

int audio_mixer_active_speaker(const struct audio_mixer *m)
{
    return speaker_detector_current(m->speaker);
}

float audio_mixer_level(const struct audio_mixer *m, size_t slot)
{
    return slot < m->cfg.max_inputs ? m->levels_dbov[slot] : -127.0f;
}

void audio_mixer_remove(struct audio_mixer *m, size_t slot)
{
    if (slot >= m->cfg.max_inputs) return;
    struct mixer_input *in = &m->inputs[slot];
    in->pcm = NULL;
    in->has_level = false;
    in->mixed = false;
    in->own = false;
    in->hold_left = 0;
    limiter_init(&in->limiter);
    m->levels_dbov[slot] = -127.0f;
    speaker_detector_remove(m->speaker, slot);
}

const struct audio_mixer_stats *audio_mixer_stats(const struct audio_mixer *m) { return &m->stats; }
