/* test_mix_input.c - the audio queue of one mix input (mixer/engine/mix_input.c): samples
 * that stand in the queue through a whole window (latency the input does not need,
 * audio late against its video) are dropped in short steps down to the floor and
 * counted, a burst above the high mark at once; a queue that runs low within the window is left alone; samples keep
 * their order. Lip sync: the video jitter buffer holds the audio buffer's delay less the
 * video path's extra time, not the whole of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/engine/mix_input.h"

static struct mix_input *open_input(void)
{
    static struct mix_input in; /* large (queue inside): not on the stack */
    struct mix_input_config cfg = {.audio_codec = MEDIA_CODEC_OPUS,
                                   .video_codec = MEDIA_CODEC_NONE};
    assert_int_equal(mix_input_open(&in, &cfg), 0);
    return &in;
}

static uint16_t next_sample; /* numbers the samples (wrapping) */

/* Appends one tick of numbered samples, as a decoded packet would. */
static void put_tick(struct mix_input *in)
{
    assert_true(in->queued + AUDIO_FRAME_SAMPLES <= MIX_INPUT_AUDIO_QUEUE);
    for (size_t i = 0; i < AUDIO_FRAME_SAMPLES; i++)
        in->queue[in->queued + i] = (int16_t)next_sample++;
    in->queued += AUDIO_FRAME_SAMPLES;
}

static void standing_level_is_trimmed(void **state)
{
    (void)state;
    struct mix_input *in = open_input();
    next_sample = 0;
    for (int i = 0; i < 5; i++) put_tick(in); /* a burst: 5 ticks (100 ms) stand */
    uint16_t last = UINT16_MAX;
    for (int t = 0; t < 4 * MIX_INPUT_TRIM_TICKS; t++) {
        put_tick(in);
        assert_true(mix_input_take_tick(in));
        /* Samples stay in order; a trim skips some, never repeats or reorders. */
        uint16_t skipped = (uint16_t)((uint16_t)in->tick_pcm[0] - last - 1);
        assert_true(skipped <= MIX_INPUT_TRIM_STEP);
        for (size_t i = 1; i < AUDIO_FRAME_SAMPLES; i++)
            assert_int_equal((uint16_t)in->tick_pcm[i], (uint16_t)(in->tick_pcm[i - 1] + 1));
        last = (uint16_t)in->tick_pcm[AUDIO_FRAME_SAMPLES - 1];
    }
    assert_true(in->queued <= MIX_INPUT_TRIM_FLOOR);
    assert_int_equal(in->stats.audio_trimmed, 5 * AUDIO_FRAME_SAMPLES - MIX_INPUT_TRIM_FLOOR);
    assert_int_equal(in->stats.audio_underruns, 0);

    /* A burst above the high mark is trimmed from the next take on. */
    for (int i = 0; i < 8; i++) put_tick(in); /* 160 ms at once */
    put_tick(in);
    assert_true(mix_input_take_tick(in));
    for (int t = 1; t < MIX_INPUT_TRIM_TICKS; t++) {
        put_tick(in);
        assert_true(mix_input_take_tick(in));
    }
    /* Within one window the level is back at the high mark. */
    assert_true(in->queued <= MIX_INPUT_TRIM_HIGH + MIX_INPUT_TRIM_FLOOR);
    mix_input_close(in);
}

static void queue_that_runs_low_is_kept(void **state)
{
    (void)state;
    struct mix_input *in = open_input();
    next_sample = 0;
    put_tick(in);
    for (int t = 0; t < 4 * MIX_INPUT_TRIM_TICKS; t++) {
        /* Jitter: every window, two ticks come late and one early; the level
         * touches zero once per window. */
        if (t % MIX_INPUT_TRIM_TICKS == 0) {
            assert_true(mix_input_take_tick(in)); /* nothing arrived */
            continue;
        }
        if (t % MIX_INPUT_TRIM_TICKS == 1) put_tick(in);
        put_tick(in);
        assert_true(mix_input_take_tick(in));
    }
    assert_int_equal(in->stats.audio_trimmed, 0);
    mix_input_close(in);
}

/* Audio needs its 20 ms minimum, video next to nothing on a clean link: with a video
 * path 17 ms longer after the buffers, video waits 3 ms (it used to wait audio's 20);
 * with a video path longer than audio's need, audio waits for it and video not at all. */
static void lip_sync_floors(void **state)
{
    (void)state;
    static struct mix_input in;
    struct mix_input_config cfg = {.audio_codec = MEDIA_CODEC_OPUS, .video_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_input_open(&in, &cfg), 0);
    in.video_seen = true;
    mix_input_pull_audio(&in, 0, 17000);
    assert_int_equal(jitter_buffer_stats(in.audio_jb)->delay_us, 20000);
    assert_int_equal(jitter_buffer_stats(in.video_jb)->delay_us, 3000);
    mix_input_pull_audio(&in, 0, 30000);
    assert_int_equal(jitter_buffer_stats(in.audio_jb)->delay_us, 30000);
    assert_int_equal(jitter_buffer_stats(in.video_jb)->delay_us, 0);
    mix_input_close(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standing_level_is_trimmed),
        cmocka_unit_test(queue_that_runs_low_is_kept),
        cmocka_unit_test(lip_sync_floors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
