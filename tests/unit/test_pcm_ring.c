/* test_pcm_ring.c - the sample ring between audio decoders and the mixer tick
 * (mixer/pcm_ring.c): order kept across wrap-around, whole-tick reads, bounded
 * latency by dropping the oldest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mixer/pcm_ring.h"

static void fill_counting(int16_t *p, size_t n, int16_t *next)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (*next)++;
}

static void test_variable_writes_fixed_reads(void **state)
{
    (void)state;
    struct pcm_ring *r = pcm_ring_new(1000);
    assert_non_null(r);
    int16_t in[700], out[480];
    int16_t next_in = 0, next_out = 0;
    /* packets of 120 to 600 samples, reads of 480: order survives the wrap */
    static const size_t sizes[] = {120, 240, 600, 120, 240, 480, 120};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        fill_counting(in, sizes[k], &next_in);
        pcm_ring_write(r, in, sizes[k]);
        while (pcm_ring_level(r) >= 480) {
            assert_true(pcm_ring_read(r, out, 480));
            for (size_t i = 0; i < 480; i++)
                assert_int_equal(out[i], next_out++);
        }
    }
    assert_int_equal(pcm_ring_stats(r)->dropped, 0);
    size_t left = pcm_ring_level(r);
    assert_int_equal(left, (size_t)(next_in - next_out));
    assert_false(pcm_ring_read(r, out, 480)); /* a short read takes nothing */
    assert_int_equal(pcm_ring_level(r), left);
    assert_int_equal(pcm_ring_stats(r)->underruns, 1);
    pcm_ring_free(r);
}

static void test_overflow_drops_oldest(void **state)
{
    (void)state;
    struct pcm_ring *r = pcm_ring_new(100);
    int16_t in[250], out[100];
    int16_t next = 0;
    fill_counting(in, 80, &next);
    pcm_ring_write(r, in, 80);
    fill_counting(in, 50, &next); /* 130 > 100: the 30 oldest go */
    pcm_ring_write(r, in, 50);
    assert_int_equal(pcm_ring_level(r), 100);
    assert_true(pcm_ring_read(r, out, 100));
    assert_int_equal(out[0], 30);
    assert_int_equal(out[99], 129);
    fill_counting(in, 250, &next); /* larger than the ring: the newest 100 */
    pcm_ring_write(r, in, 250);
    assert_true(pcm_ring_read(r, out, 100));
    assert_int_equal(out[0], 130 + 150);
    assert_int_equal(pcm_ring_stats(r)->dropped, 30 + 150);
    assert_int_equal(pcm_ring_stats(r)->overflows, 1);
    pcm_ring_clear(r);
    assert_int_equal(pcm_ring_level(r), 0);
    assert_null(pcm_ring_new(0));
    pcm_ring_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variable_writes_fixed_reads),
        cmocka_unit_test(test_overflow_drops_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
