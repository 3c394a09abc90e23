/* test_click.c - the glass-to-glass instrument's click (client/room/click.c): written
 * into buffers of any length at any time, a burst split across buffers comes out the
 * same as written whole; mixed with a full-scale 440 Hz tone and read back as a
 * receiver would (the stream shifted by a known delay, in buffers of other lengths,
 * mono and stereo), every click is found once with its delay right within 0.2 ms, also
 * when lowered to 0.4 under three quieter tones; the tone alone, whatever its phase,
 * gives no onset, nor does a tone whose phase jumps every 20 ms; delays wrap at whole
 * seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "client/room/click.h"

#define RATE              48000
#define SECONDS           6
#define FRAMES            ((size_t)RATE * SECONDS)
#define CLICK_ACCURACY_US 200

static uint32_t lcg_state = 4242;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

/* Frame n's time (us) in a stream whose frame 0 is at start_us, rounded like a
 * buffer's first-sample time would be. */
static int64_t time_of(int64_t start_us, size_t n)
{
    return start_us + (int64_t)llround((double)n * 1e6 / RATE);
}

/* The click from start_us on, written in buffers of random lengths (1..2000 frames). */
static void write_in_pieces(int16_t *out, size_t frames, int channels, int64_t start_us)
{
    for (size_t n = 0; n < frames;) {
        size_t len = 1 + lcg() % 2000;
        if (len > frames - n) len = frames - n;
        click_write(out + n * (size_t)channels, len, channels, RATE, time_of(start_us, n));
        n += len;
    }
}

/* Adds a 440 Hz tone of `amplitude` (of full scale) starting at `phase` (radians),
 * saturating. */
static void add_tone(int16_t *pcm, size_t frames, int channels, double amplitude, double phase)
{
    for (size_t n = 0; n < frames; n++) {
        double t = sin(phase + 2 * 3.14159265358979323846 * 440 * (double)n / RATE);
        for (int c = 0; c < channels; c++) {
            long v = pcm[n * (size_t)channels + (size_t)c] + lrint(amplitude * 32767 * t);
            pcm[n * (size_t)channels + (size_t)c] = (int16_t)(v > 32767    ? 32767
                                                              : v < -32768 ? -32768
                                                                           : v);
        }
    }
}

/* Detects in buffers of random lengths, the stream heard `delay_us` after it was
 * written; returns the number of onsets, their times in onsets[]. */
static size_t detect_in_pieces(const int16_t *pcm, size_t frames, int channels, int64_t start_us,
                               int64_t delay_us, int64_t *onsets, size_t max)
{
    struct click_detector d;
    size_t found = 0;

    click_detector_init(&d);
    for (size_t n = 0; n < frames;) {
        size_t len = 1 + lcg() % 1500;
        if (len > frames - n) len = frames - n;
        found += click_detect(&d, pcm + n * (size_t)channels, len, channels, RATE,
                              time_of(start_us, n) + delay_us, onsets + found, max - found);
        n += len;
    }
    return found;
}

static void test_pieces_equal_whole(void **state)
{
    (void)state;
    int16_t *whole = calloc(FRAMES, sizeof(int16_t));
    int16_t *pieces = calloc(FRAMES, sizeof(int16_t));
    const int64_t start = 987654000000 + 999000; /* 1 ms before a whole second */
    size_t loud = 0;

    click_write(whole, FRAMES, 1, RATE, start);
    write_in_pieces(pieces, FRAMES, 1, start);
    for (size_t n = 0; n < FRAMES; n++) {
        /* the pieces' first-sample times are rounded to the us: the sine may differ by
         * the value of that rounding (a 4 kHz sine moves 0.03 of full scale per us) */
        assert_true(abs(whole[n] - pieces[n]) <= 32767 * 0.03);
        if (abs(whole[n]) > 3000) loud++;
    }
    /* SECONDS bursts of 10 ms, most of each sample loud */
    assert_in_range(loud, SECONDS * RATE / 100 / 2, SECONDS * RATE / 100);
    /* 1 ms before the whole second: silence; its burst peaks at 0.7 of full scale */
    assert_int_equal(whole[0], 0);
    int16_t peak = 0;
    for (size_t n = RATE / 1000; n < RATE / 1000 + RATE / 100; n++)
        if (whole[n] > peak) peak = whole[n];
    assert_in_range(peak, (int)(0.69 * 32767), (int)(0.71 * 32767));
    free(whole);
    free(pieces);
}

/* The click scaled by `scale` (a limiter's gain), a 440 Hz tone of `tone` added. */
static void check_clicks_with_tone(int channels, int64_t start, int64_t delay_us, double phase,
                                   double scale, double tone)
{
    int16_t *pcm = calloc(FRAMES * (size_t)channels, sizeof(int16_t));
    int64_t onsets[64];

    write_in_pieces(pcm, FRAMES, channels, start);
    for (size_t i = 0; i < FRAMES * (size_t)channels; i++) pcm[i] = (int16_t)lrint(pcm[i] * scale);
    add_tone(pcm, FRAMES, channels, tone, phase);
    size_t found = detect_in_pieces(pcm, FRAMES, channels, start, delay_us, onsets, 64);
    /* a whole second in every second of the stream, so SECONDS clicks (one may be cut
     * at either end: the stream does not start at a whole second) */
    assert_in_range(found, SECONDS - 1, SECONDS);
    for (size_t i = 0; i < found; i++) {
        int64_t delay = click_delay_us(onsets[i]);
        assert_true(llabs(delay - delay_us) <= CLICK_ACCURACY_US);
        if (i) assert_in_range(onsets[i] - onsets[i - 1], 999000, 1001000);
    }
    free(pcm);
}

static void test_clicks_found_in_a_tone(void **state)
{
    (void)state;
    check_clicks_with_tone(1, 123456789012, 87300, 0.0, 1.0, 1.0);
    check_clicks_with_tone(1, 5000000 + 500000, 412000, 1.3, 1.0, 0.5);
    check_clicks_with_tone(2, 77777777777, 1500, 2.9, 1.0, 1.0);
    check_clicks_with_tone(2, 1000000, 250000, 4.4, 1.0, 0.3); /* starts at a whole second */
    /* lowered by a limiter to 0.4 under three rooms' tones (0.375) */
    check_clicks_with_tone(1, 31415926535, 123456, 0.7, 0.4 / 0.7, 0.375);
    check_clicks_with_tone(1, 27182818284, 999, 5.1, 0.4 / 0.7, 0.375);
}

static void test_tone_alone_no_onset(void **state)
{
    (void)state;
    int16_t *pcm = calloc(FRAMES, sizeof(int16_t));
    int64_t onsets[8];

    for (int k = 0; k < 8; k++) {
        memset(pcm, 0, FRAMES * sizeof(int16_t));
        add_tone(pcm, FRAMES, 1, 1.0, k * 0.8);
        assert_int_equal(detect_in_pieces(pcm, FRAMES, 1, 1000000 + k * 1234, 0, onsets, 8), 0);
    }
    free(pcm);
}

/* A tone that jumps: every 20 ms (a lost or skipped frame) its phase moves on by a
 * random amount, so the waveform steps by up to its whole height at once. */
static void test_tone_with_jumps_no_onset(void **state)
{
    (void)state;
    int16_t *pcm = calloc(FRAMES, sizeof(int16_t));
    int64_t onsets[8];
    double phase = 0;

    for (size_t n = 0; n < FRAMES; n++) {
        if (n % 960 == 0) phase += (lcg() % 1000) / 1000.0 * 6.28;
        phase += 2 * 3.14159265358979323846 * 440 / RATE;
        pcm[n] = (int16_t)lrint(0.6 * 32767 * sin(phase));
    }
    assert_int_equal(detect_in_pieces(pcm, FRAMES, 1, 3000000, 0, onsets, 8), 0);
    free(pcm);
}

static void test_silence_no_onset(void **state)
{
    (void)state;
    int16_t pcm[960] = {0};
    int64_t onsets[4];
    struct click_detector d;
    click_detector_init(&d);
    for (int i = 0; i < 100; i++)
        assert_int_equal(click_detect(&d, pcm, 960, 1, RATE, i * 20000, onsets, 4), 0);
}

static void test_delay_wraps(void **state)
{
    (void)state;
    assert_int_equal(click_delay_us(5000123), 123);
    assert_int_equal(click_delay_us(4999999), 999999);
    assert_int_equal(click_delay_us(-1), 999999);
    assert_int_equal(click_delay_us(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces_equal_whole),  cmocka_unit_test(test_clicks_found_in_a_tone),
        cmocka_unit_test(test_tone_alone_no_onset), cmocka_unit_test(test_tone_with_jumps_no_onset),
        cmocka_unit_test(test_silence_no_onset),    cmocka_unit_test(test_delay_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
