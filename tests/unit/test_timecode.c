/* test_timecode.c - the glass-to-glass instrument's time code (client/room/timecode.c):
 * a code drawn into a 1280x720 picture reads back at full size; scaled down by 2, 3 and
 * 4 with libyuv (box filter, as the MCU's compositor scales, and bilinear) into a cell
 * of a busy 1280x720 composite with noise added, it still reads back, wherever the cell
 * is; a picture without a code, or with stripes that look like its start pattern,
 * reads nothing; a code with a wrong bit is refused; elapsed time wraps at 2^24 ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libyuv.h>

#include "client/room/timecode.h"

#define W 1280
#define H 720

static uint32_t lcg_state = 12345;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

/* A busy picture: a diagonal gradient with random blocks of every grey. */
static void busy_picture(uint8_t *y, int w, int h, int phase)
{
    for (int row = 0; row < h; row++)
        for (int x = 0; x < w; x++) y[row * w + x] = (uint8_t)(16 + ((x + row + phase) % 220));
    for (int i = 0; i < 200; i++) {
        int bw = 4 + (int)(lcg() % 40), bh = 4 + (int)(lcg() % 40);
        int bx = (int)(lcg() % (uint32_t)(w - bw)), by = (int)(lcg() % (uint32_t)(h - bh));
        uint8_t v = (uint8_t)(16 + lcg() % 220);
        for (int row = by; row < by + bh; row++) memset(y + row * w + bx, v, (size_t)bw);
    }
}

static void add_noise(uint8_t *y, int n, int amplitude)
{
    for (int i = 0; i < n; i++) {
        int v = y[i] + (int)(lcg() % (uint32_t)(2 * amplitude + 1)) - amplitude;
        y[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

static void test_reads_full_size(void **state)
{
    (void)state;
    static const uint32_t stamps[] = {0, 1, 0x123456, 0xABCDEF, TIMECODE_MASK, 0x800000};
    uint8_t *y = malloc(W * H);
    for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
        uint32_t read = 0;
        busy_picture(y, W, H, (int)i * 7);
        timecode_draw(y, W, W, H, stamps[i]);
        assert_true(timecode_read(y, W, W, H, &read));
        assert_int_equal(read, stamps[i]);
    }
    free(y);
}

/* The sender's 1280x720 picture with a code, scaled by 1/divisor into the cell at
 * (col, row) of a busy composite (cells of W/divisor x H/divisor), with noise. */
static void check_scaled(int divisor, int col, int row, enum FilterMode filter, uint32_t stamp)
{
    int cw = (W / divisor) & ~1, ch = (H / divisor) & ~1;
    uint8_t *picture = malloc(W * H), *canvas = malloc(W * H);
    uint32_t read = 0;

    busy_picture(picture, W, H, divisor);
    timecode_draw(picture, W, W, H, stamp);
    busy_picture(canvas, W, H, 3 * divisor + col);
    ScalePlane(picture, W, W, H, canvas + row * ch * W + col * cw, W, cw, ch, filter);
    add_noise(canvas, W * H, 20);
    assert_true(timecode_read(canvas, W, W, H, &read));
    assert_int_equal(read, stamp);
    free(picture);
    free(canvas);
}

static void test_reads_scaled_into_a_cell(void **state)
{
    (void)state;
    for (int divisor = 2; divisor <= 4; divisor++)
        for (int cell = 0; cell < divisor * divisor; cell++) {
            uint32_t stamp = lcg() & TIMECODE_MASK;
            check_scaled(divisor, cell % divisor, cell / divisor, kFilterBox, stamp);
            check_scaled(divisor, cell % divisor, cell / divisor, kFilterBilinear, stamp);
        }
}

static void test_no_code_reads_nothing(void **state)
{
    (void)state;
    uint8_t *y = malloc(W * H);
    uint32_t read;

    for (int i = 0; i < 20; i++) {
        busy_picture(y, W, H, i);
        add_noise(y, W * H, 20);
        assert_false(timecode_read(y, W, W, H, &read));
    }
    /* black and white stripes of equal width: a start pattern in every row */
    for (int stripe = 2; stripe <= 40; stripe++) {
        for (int row = 0; row < H; row++)
            for (int x = 0; x < W; x++) y[row * W + x] = (x / stripe) % 2 ? 16 : 235;
        assert_false(timecode_read(y, W, W, H, &read));
    }
    free(y);
}

static void test_wrong_bit_is_refused(void **state)
{
    (void)state;
    uint8_t *y = malloc(W * H);
    uint32_t read;
    int module = W / 54, x0 = (W - TIMECODE_MODULES * module) / 2;

    for (int bit = 6; bit < TIMECODE_MODULES - 4; bit += 5) {
        memset(y, 128, W * H);
        timecode_draw(y, W, W, H, 0x5A5A5A);
        /* invert one module in every row of the code */
        for (int row = 0; row < H; row++)
            for (int x = x0 + bit * module; x < x0 + (bit + 1) * module; x++)
                y[row * W + x] = (uint8_t)(251 - y[row * W + x]);
        assert_false(timecode_read(y, W, W, H, &read));
    }
    free(y);
}

static void test_small_picture_is_left_alone(void **state)
{
    (void)state;
    uint8_t y[100 * 60];
    memset(y, 77, sizeof(y));
    timecode_draw(y, 100, 100, 60, 0x123456);
    for (size_t i = 0; i < sizeof(y); i++) assert_int_equal(y[i], 77);
}

static void test_elapsed_wraps(void **state)
{
    (void)state;
    assert_int_equal(timecode_elapsed_ms(1000, 960), 40);
    assert_int_equal(timecode_elapsed_ms(5, TIMECODE_MASK - 4), 10);
    uint32_t a = timecode_now();
    assert_true(a <= TIMECODE_MASK);
    assert_true(timecode_elapsed_ms(timecode_now(), a) < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_full_size),
        cmocka_unit_test(test_reads_scaled_into_a_cell),
        cmocka_unit_test(test_no_code_reads_nothing),
        cmocka_unit_test(test_wrong_bit_is_refused),
        cmocka_unit_test(test_small_picture_is_left_alone),
        cmocka_unit_test(test_elapsed_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
