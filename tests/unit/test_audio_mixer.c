/* test_audio_mixer.c - audio mix, minus-self, soft limiting, active speaker and top-N
 * (mixer/audio/audio_mixer.c, mixer/audio/limiter.c, mixer/audio/speaker_detector.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "mixer/audio/audio_mixer.h"
#include "mixer/audio/limiter.h"
#include "tests/unit/media_synth.h"

#define FS   AUDIO_SAMPLE_RATE
#define TICK AUDIO_FRAME_SAMPLES

static struct audio_mixer *new_mixer(size_t max_inputs, size_t top_n, int hold)
{
    struct audio_mixer_config cfg;
    audio_mixer_config_init(&cfg);
    cfg.max_inputs = max_inputs;
    cfg.top_n = top_n;
    cfg.own_hold_ticks = hold;
    struct audio_mixer *m = audio_mixer_new(&cfg);
    assert_non_null(m);
    return m;
}

static double amp(const int16_t *pcm, double freq)
{
    return synth_tone_amplitude(pcm, TICK, 1, freq, FS);
}

static void test_two_tones_and_minus_self(void **state)
{
    (void)state;
    struct audio_mixer *m = new_mixer(4, 4, 0);
    int16_t a[TICK], b[TICK];
    for (int t = 0; t < 5; t++) {
        synth_tone(a, TICK, 1, 450, 6000, FS, (size_t)t * TICK);
        synth_tone(b, TICK, 1, 1000, 6000, FS, (size_t)t * TICK);
        assert_int_equal(audio_mixer_put(m, 0, a, 1, AUDIO_LEVEL_UNKNOWN), 0);
        assert_int_equal(audio_mixer_put(m, 1, b, 1, AUDIO_LEVEL_UNKNOWN), 0);
        audio_mixer_mix(m);
    }
    const int16_t *full = audio_mixer_full(m);
    assert_true(fabs(amp(full, 450) - 6000) < 300);
    assert_true(fabs(amp(full, 1000) - 6000) < 300);

    const int16_t *own0, *own1, *own2;
    assert_int_equal(audio_mixer_output(m, 0, &own0), AUDIO_MIX_OWN);
    assert_int_equal(audio_mixer_output(m, 1, &own1), AUDIO_MIX_OWN);
    assert_int_equal(audio_mixer_output(m, 2, &own2), AUDIO_MIX_SHARED);
    assert_ptr_equal(own2, full);
    assert_true(own0 != full && own1 != full);
    /* Room 0 hears room 1's tone, not its own; and the other way round. */
    assert_true(amp(own0, 450) < 30);
    assert_true(fabs(amp(own0, 1000) - 6000) < 300);
    assert_true(amp(own1, 1000) < 30);
    assert_true(fabs(amp(own1, 450) - 6000) < 300);
    assert_true(audio_mixer_was_mixed(m, 0) && !audio_mixer_was_mixed(m, 2));
    audio_mixer_free(m);
}

static void test_silent_input_shares_full_mix(void **state)
{
    (void)state;
    struct audio_mixer *m = new_mixer(3, 4, 2);
    int16_t tone[TICK], silence[TICK] = {0};
    synth_tone(tone, TICK, 1, 500, 8000, FS, 0);
    audio_mixer_put(m, 0, tone, 1, AUDIO_LEVEL_UNKNOWN);
    audio_mixer_put(m, 1, silence, 1, AUDIO_LEVEL_UNKNOWN);
    audio_mixer_mix(m);
    assert_int_equal(audio_mixer_output(m, 0, NULL), AUDIO_MIX_OWN);
    assert_int_equal(audio_mixer_output(m, 1, NULL), AUDIO_MIX_SHARED);
    assert_int_equal(audio_mixer_output(m, 2, NULL), AUDIO_MIX_SHARED);
    assert_int_equal(audio_mixer_output(m, 99, NULL), AUDIO_MIX_NONE);
    /* Room 0 stops: its own mix is held for 2 ticks, then it shares. */
    for (int t = 0; t < 2; t++) {
        audio_mixer_put(m, 0, silence, 1, AUDIO_LEVEL_UNKNOWN);
        audio_mixer_mix(m);
        assert_int_equal(audio_mixer_output(m, 0, NULL), AUDIO_MIX_OWN);
    }
    audio_mixer_mix(m);
    assert_int_equal(audio_mixer_output(m, 0, NULL), AUDIO_MIX_SHARED);
    audio_mixer_free(m);
}

static void test_stereo_input_downmixed(void **state)
{
    (void)state;
    struct audio_mixer *m = new_mixer(2, 4, 0);
    int16_t st[2 * TICK];
    for (int t = 0; t < 3; t++) {
        synth_tone(st, TICK, 2, 800, 10000, FS, (size_t)t * TICK);
        for (size_t i = 0; i < TICK; i++) st[2 * i + 1] = 0; /* tone on the left only */
        audio_mixer_put(m, 0, st, 2, AUDIO_LEVEL_UNKNOWN);
        audio_mixer_mix(m);
    }
    assert_true(fabs(amp(audio_mixer_full(m), 800) - 5000) < 250);
    assert_int_equal(audio_mixer_put(m, 0, st, 3, AUDIO_LEVEL_UNKNOWN), -1);
    audio_mixer_free(m);
}

/* The limiter's levels in int16 units: limited peaks come out at the threshold
 * (-4 dBFS) and no sample reaches the ceiling (-3 dBFS), which leaves room for the
 * Opus round trip's overshoot under -1 dBTP (the golden test measures that). */
#define THRESHOLD_S16 (LIMITER_THRESHOLD * 32767.0)
#define CEILING_S16   (LIMITER_CEILING * 32767.0)

/* Several full-scale inputs in phase: the sum is up to 6x full scale. The output
 * must follow the sign of the sum (no wrap-around), stay under the ceiling and show
 * no flat-topped clipping. */
static void test_loud_inputs_never_wrap_or_clip(void **state)
{
    (void)state;
    enum { INPUTS = 6, TICKS = 50 };
    struct audio_mixer *m = new_mixer(INPUTS, INPUTS, 0);
    int16_t in[INPUTS][TICK];
    int32_t *expected = calloc((size_t)TICKS * TICK, sizeof *expected);
    int16_t *out = calloc((size_t)TICKS * TICK, sizeof *out);
    assert_non_null(expected);
    assert_non_null(out);
    for (int t = 0; t < TICKS; t++) {
        for (int k = 0; k < INPUTS; k++) {
            /* same tone, slightly different frequencies: beats make the sum vary */
            synth_tone(in[k], TICK, 1, 300 + 7 * k, 32767, FS, (size_t)t * TICK);
            audio_mixer_put(m, (size_t)k, in[k], 1, AUDIO_LEVEL_UNKNOWN);
            for (size_t i = 0; i < TICK; i++) expected[(size_t)t * TICK + i] += in[k][i];
        }
        audio_mixer_mix(m);
        memcpy(out + (size_t)t * TICK, audio_mixer_full(m), sizeof(int16_t) * TICK);
    }
    size_t total = (size_t)TICKS * TICK, run = 0, longest_run = 0;
    int peak = 0;
    for (size_t i = LIMITER_LOOKAHEAD; i < total; i++) {
        int32_t want = expected[i - LIMITER_LOOKAHEAD];
        int v = out[i];
        if (abs(v) > peak) peak = abs(v);
        if (want > 2000) assert_true(v > 0);
        if (want < -2000) assert_true(v < 0);
        assert_true(abs(v) < CEILING_S16);
        if (abs(v) > 0.95 * THRESHOLD_S16 && v == out[i - 1])
            run++;
        else
            run = 0;
        if (run > longest_run) longest_run = run;
    }
    assert_true(peak > 0.97 * THRESHOLD_S16); /* limited to the threshold, not muted */
    assert_true(longest_run <= 3);
    free(expected);
    free(out);
    audio_mixer_free(m);
}

/* A single quiet input passes the limiter unchanged (delayed by the look-ahead). */
static void test_quiet_input_is_transparent(void **state)
{
    (void)state;
    struct limiter lim;
    limiter_init(&lim);
    int32_t in[TICK];
    int16_t out[TICK];
    for (size_t i = 0; i < TICK; i++)
        in[i] = (int32_t)(10000 * sin(2 * M_PI * 440 * (double)i / FS));
    limiter_process(&lim, in, out, TICK);
    for (size_t i = 0; i < LIMITER_LOOKAHEAD; i++) assert_int_equal(out[i], 0);
    for (size_t i = LIMITER_LOOKAHEAD; i < TICK; i++)
        assert_int_equal(out[i], in[i - LIMITER_LOOKAHEAD]);
}

/* The output does not depend on how the input is cut into blocks: a quiet passage,
 * a burst far over full scale, the release back to unity gain (2 s) and quiet, fed
 * in whole ticks and one sample at a time, come out sample for sample the same. */
static void test_limiter_same_output_for_any_block_size(void **state)
{
    (void)state;
    enum { TICKS = 100 };
    static int32_t in[TICKS * TICK];
    static int16_t by_tick[TICKS * TICK], by_sample[TICKS * TICK];
    for (size_t i = 0; i < TICKS * TICK; i++) {
        double amp = i >= 5 * TICK && i < 8 * TICK ? 90000 : 12000;
        in[i] = (int32_t)(amp * sin(2 * M_PI * 330 * (double)i / FS));
    }
    struct limiter a, b;
    limiter_init(&a);
    limiter_init(&b);
    for (size_t t = 0; t < TICKS; t++) limiter_process(&a, in + t * TICK, by_tick + t * TICK, TICK);
    for (size_t i = 0; i < TICKS * TICK; i++) limiter_process(&b, in + i, by_sample + i, 1);
    for (size_t i = 0; i < TICKS * TICK; i++)
        if (by_tick[i] != by_sample[i])
            fail_msg("sample %zu: %d by tick, %d by sample", i, by_tick[i], by_sample[i]);
    /* The burst was limited, and the quiet end passes unchanged (gain back to 1). */
    assert_true(abs(by_tick[6 * TICK + 100]) < CEILING_S16);
    size_t last = TICKS * TICK - 1;
    assert_int_equal(by_tick[last], in[last - LIMITER_LOOKAHEAD]);
}

/* The ceiling holds for the worst inputs: a step from silence to 20x full scale
 * (the attack has only the look-ahead to act), a full-scale square wave and single
 * clicks far over full scale; and a sine a little over the threshold comes out
 * near the threshold, not squashed. */
static void test_limiter_output_stays_under_ceiling(void **state)
{
    (void)state;
    enum { TICKS = 20 };
    static int32_t in[TICKS * TICK];
    static int16_t out[TICKS * TICK];
    for (int kind = 0; kind < 4; kind++) {
        for (size_t i = 0; i < TICKS * TICK; i++) {
            double v = 0;
            if (kind == 0) /* silence, then a 20x full-scale 1 kHz sine */
                v = i < 3 * TICK ? 0 : 20 * 32767.0 * sin(2 * M_PI * 1000 * (double)i / FS);
            else if (kind == 1) /* full-scale 200 Hz square */
                v = (i / 120) % 2 ? 32767 : -32767;
            else if (kind == 2) /* a click of 6x full scale every 10 ms on silence */
                v = i % 480 == 0 ? 6 * 32767 : 0;
            else /* a 440 Hz sine at -2 dBFS: 2 dB over the threshold */
                v = 0.794 * 32767 * sin(2 * M_PI * 440 * (double)i / FS);
            in[i] = (int32_t)lrint(v);
        }
        struct limiter lim;
        limiter_init(&lim);
        limiter_process(&lim, in, out, TICKS * TICK);
        int peak = 0;
        for (size_t i = 0; i < TICKS * TICK; i++)
            if (abs(out[i]) > peak) peak = abs(out[i]);
        if (peak >= CEILING_S16)
            fail_msg("input %d: peak %d reaches the ceiling %.0f", kind, peak, CEILING_S16);
        if (kind == 3) {
            int settled = 0; /* the last 100 ms, after the attack */
            for (size_t i = (TICKS - 5) * TICK; i < TICKS * TICK; i++)
                if (abs(out[i]) > settled) settled = abs(out[i]);
            assert_true(settled > 0.98 * THRESHOLD_S16 && settled < 1.01 * THRESHOLD_S16);
        }
    }
}

static void run_levels(struct audio_mixer *m, const int *levels, size_t n, int ticks)
{
    for (int t = 0; t < ticks; t++) {
        for (size_t i = 0; i < n; i++)
            if (levels[i] >= 0) audio_mixer_put(m, i, NULL, 1, levels[i]);
        audio_mixer_mix(m);
    }
}

static void test_active_speaker_hysteresis(void **state)
{
    (void)state;
    struct audio_mixer_config cfg;
    audio_mixer_config_init(&cfg);
    cfg.max_inputs = 3;
    cfg.speaker.hold_ticks = 50;
    cfg.speaker.switch_ticks = 10;
    cfg.speaker.margin_db = 6;
    struct audio_mixer *m = audio_mixer_new(&cfg);
    assert_non_null(m);
    assert_int_equal(audio_mixer_active_speaker(m), -1);

    /* Room 0 talks: it becomes the speaker, but not on the first tick. */
    int lv_a[3] = {20, 127, 127};
    run_levels(m, lv_a, 3, 2);
    assert_int_equal(audio_mixer_active_speaker(m), -1);
    run_levels(m, lv_a, 3, 60);
    assert_int_equal(audio_mixer_active_speaker(m), 0);

    /* Room 1 equally loud: no switch (needs the margin). */
    int lv_b[3] = {20, 18, 127};
    run_levels(m, lv_b, 3, 100);
    assert_int_equal(audio_mixer_active_speaker(m), 0);

    /* A short loud burst from room 2 (fewer ticks than switch_ticks): no switch. */
    int lv_c[3] = {20, 18, 3};
    run_levels(m, lv_c, 3, 4);
    run_levels(m, lv_b, 3, 40);
    assert_int_equal(audio_mixer_active_speaker(m), 0);

    /* Room 1 clearly louder for long enough: switch. */
    int lv_d[3] = {30, 10, 127};
    run_levels(m, lv_d, 3, 30);
    assert_int_equal(audio_mixer_active_speaker(m), 1);

    /* Room 0 comes back louder straight away: room 1 holds the floor for 1 s. */
    int lv_e[3] = {5, 30, 127};
    run_levels(m, lv_e, 3, 25);
    assert_int_equal(audio_mixer_active_speaker(m), 1);
    run_levels(m, lv_e, 3, 40);
    assert_int_equal(audio_mixer_active_speaker(m), 0);

    /* The speaker leaves. */
    audio_mixer_remove(m, 0);
    assert_int_equal(audio_mixer_active_speaker(m), -1);
    audio_mixer_free(m);
}

static void test_pick_loudest(void **state)
{
    (void)state;
    uint8_t levels[7] = {40, 10, 127, 30, 10, 50, 20};
    bool picked[7];
    assert_int_equal(audio_pick_loudest(levels, 7, 4, picked), 4);
    bool want[7] = {false, true, false, true, true, false, true};
    for (int i = 0; i < 7; i++) assert_int_equal(picked[i], want[i]);
    /* Silent inputs are never picked, even with room to spare. */
    uint8_t quiet[3] = {127, 60, 127};
    assert_int_equal(audio_pick_loudest(quiet, 3, 4, picked), 1);
    assert_true(picked[1] && !picked[0] && !picked[2]);
}

/* Six tones of falling loudness, top-4: the mix holds the four loudest only, and
 * the decode selection from RFC 6464 levels agrees. */
static void test_top_n_mixes_the_loudest(void **state)
{
    (void)state;
    enum { INPUTS = 6 };
    struct audio_mixer *m = new_mixer(INPUTS, 4, 0);
    static const double freq[INPUTS] = {300, 500, 700, 900, 1100, 1300};
    /* order of loudness deliberately not the slot order */
    static const double level[INPUTS] = {1000, 3000, 500, 2500, 2000, 1500};
    int16_t in[INPUTS][TICK];
    uint8_t rfc[INPUTS];
    for (int t = 0; t < 3; t++) {
        for (int k = 0; k < INPUTS; k++) {
            synth_tone(in[k], TICK, 1, freq[k], level[k], FS, (size_t)t * TICK);
            audio_mixer_put(m, (size_t)k, in[k], 1, AUDIO_LEVEL_UNKNOWN);
            double dbov = 20 * log10(synth_rms(in[k], TICK) / 32768.0);
            rfc[k] = (uint8_t)lrint(-dbov);
        }
        audio_mixer_mix(m);
    }
    const int16_t *full = audio_mixer_full(m);
    for (int k = 0; k < INPUTS; k++) {
        bool loud = level[k] >= 1500;
        double a = amp(full, freq[k]);
        if (loud)
            assert_true(fabs(a - level[k]) < 100);
        else
            assert_true(a < 20);
        assert_int_equal(audio_mixer_was_mixed(m, (size_t)k), loud);
    }
    bool decode[INPUTS];
    assert_int_equal(audio_mixer_select(m, rfc, INPUTS, decode), 4);
    for (int k = 0; k < INPUTS; k++) assert_int_equal(decode[k], level[k] >= 1500);
    audio_mixer_free(m);
}

static void test_bad_config_and_arguments(void **state)
{
    (void)state;
    struct audio_mixer_config cfg;
    audio_mixer_config_init(&cfg);
    cfg.top_n = 0;
    assert_null(audio_mixer_new(&cfg));
    struct audio_mixer *m = new_mixer(2, 4, 0);
    int16_t pcm[TICK] = {0};
    assert_int_equal(audio_mixer_put(m, 2, pcm, 1, AUDIO_LEVEL_UNKNOWN), -1);
    assert_int_equal(audio_mixer_put(m, 0, pcm, 1, 128), -1);
    assert_int_equal(audio_mixer_put(m, 0, NULL, 1, AUDIO_LEVEL_UNKNOWN), -1);
    audio_mixer_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_tones_and_minus_self),
        cmocka_unit_test(test_silent_input_shares_full_mix),
        cmocka_unit_test(test_stereo_input_downmixed),
        cmocka_unit_test(test_loud_inputs_never_wrap_or_clip),
        cmocka_unit_test(test_quiet_input_is_transparent),
        cmocka_unit_test(test_limiter_same_output_for_any_block_size),
        cmocka_unit_test(test_limiter_output_stays_under_ceiling),
        cmocka_unit_test(test_active_speaker_hysteresis),
        cmocka_unit_test(test_pick_loudest),
        cmocka_unit_test(test_top_n_mixes_the_loudest),
        cmocka_unit_test(test_bad_config_and_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
