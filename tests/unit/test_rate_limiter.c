/* test_rate_limiter.c - token buckets and the bounded table of them (mcu/core/rate_limiter.c),
 * on a clock the test drives: the burst is allowed at once, the next event waits
 * exactly the refill time, addresses do not share buckets, and the table never holds
 * more than its bound (refilled buckets go first, then the least recently used). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mcu/core/rate_limiter.h"

#define SECOND 1000000LL

/* The wait is computed in floating point: allow it to be one microsecond long. */
#define assert_wait(retry, expected) assert_in_range((retry), (expected), (expected) + 1)

/* 6 per minute = one every 10 s, burst 3. */
static const struct token_bucket_rate six_per_minute = {.per_second = 6.0 / 60.0, .burst = 3};

static void test_burst_then_refill_time(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    int64_t retry = -1;
    int64_t t = 1000 * SECOND;
    for (int i = 0; i < 3; i++) assert_true(token_bucket_take(&b, &six_per_minute, t, &retry));
    assert_int_equal(retry, 0);
    assert_false(token_bucket_take(&b, &six_per_minute, t, &retry));
    assert_wait(retry, 10 * SECOND);
    assert_false(token_bucket_take(&b, &six_per_minute, t + 4 * SECOND, &retry));
    assert_wait(retry, 6 * SECOND);
    assert_false(token_bucket_take(&b, &six_per_minute, t + 10 * SECOND - 1, &retry));
    assert_true(retry > 0 && retry <= 2);
    assert_true(token_bucket_take(&b, &six_per_minute, t + 10 * SECOND, &retry));
    assert_false(token_bucket_take(&b, &six_per_minute, t + 10 * SECOND, NULL));
    /* A long pause refills to the burst, never beyond it. */
    assert_false(token_bucket_is_full(&b, &six_per_minute, t + 39 * SECOND));
    assert_true(token_bucket_is_full(&b, &six_per_minute, t + 3600 * SECOND));
    for (int i = 0; i < 3; i++)
        assert_true(token_bucket_take(&b, &six_per_minute, t + 3600 * SECOND, NULL));
    assert_false(token_bucket_take(&b, &six_per_minute, t + 3600 * SECOND, NULL));
}

static void test_clock_going_back_is_harmless(void **state)
{
    (void)state;
    struct token_bucket b = {0};
    for (int i = 0; i < 3; i++)
        assert_true(token_bucket_take(&b, &six_per_minute, 50 * SECOND, NULL));
    assert_false(token_bucket_take(&b, &six_per_minute, 10 * SECOND, NULL)); /* no refill */
    assert_true(token_bucket_take(&b, &six_per_minute, 60 * SECOND, NULL));
}

static void test_addresses_have_their_own_buckets(void **state)
{
    (void)state;
    struct rate_limiter *l = rate_limiter_new(&six_per_minute, 16);
    assert_non_null(l);
    int64_t retry = 0;
    for (int i = 0; i < 3; i++) assert_true(rate_limiter_allow(l, "192.0.2.1", 0, NULL));
    assert_false(rate_limiter_allow(l, "192.0.2.1", 0, &retry));
    assert_wait(retry, 10 * SECOND);
    assert_true(rate_limiter_allow(l, "192.0.2.2", 0, NULL));
    assert_true(rate_limiter_allow(l, "2001:db8::1", 0, NULL));
    assert_int_equal(rate_limiter_size(l), 3);
    assert_false(rate_limiter_allow(l, "192.0.2.1", 5 * SECOND, &retry));
    assert_wait(retry, 5 * SECOND);
    assert_true(rate_limiter_allow(l, "192.0.2.1", 10 * SECOND, NULL));
    rate_limiter_free(l);
}

static void test_table_stays_bounded_and_forgets_oldest(void **state)
{
    (void)state;
    struct rate_limiter *l = rate_limiter_new(&six_per_minute, 4);
    char key[32];
    /* Four addresses spend their burst at t = 0..3 s. */
    for (int a = 0; a < 4; a++) {
        snprintf(key, sizeof key, "10.0.0.%d", a);
        for (int i = 0; i < 3; i++) assert_true(rate_limiter_allow(l, key, a * SECOND, NULL));
        assert_false(rate_limiter_allow(l, key, a * SECOND, NULL));
    }
    /* 10.0.0.0 is used again, so 10.0.0.1 is now the least recently used. */
    assert_false(rate_limiter_allow(l, "10.0.0.0", 4 * SECOND, NULL));
    assert_true(rate_limiter_allow(l, "10.0.0.9", 4 * SECOND, NULL));
    assert_int_equal(rate_limiter_size(l), 4);
    assert_int_equal(rate_limiter_evictions(l), 1);
    /* The evicted address starts again with a full bucket; the others remember. */
    assert_false(rate_limiter_allow(l, "10.0.0.0", 4 * SECOND, NULL));
    assert_true(rate_limiter_allow(l, "10.0.0.1", 4 * SECOND, NULL)); /* evicts 10.0.0.2 */
    assert_int_equal(rate_limiter_evictions(l), 2);
    assert_int_equal(rate_limiter_size(l), 4);
    /* Thousands of addresses: the table never grows past its bound. */
    for (int a = 0; a < 5000; a++) {
        snprintf(key, sizeof key, "198.51.%d.%d", a / 256, a % 256);
        assert_true(rate_limiter_allow(l, key, 5 * SECOND, NULL));
        assert_true(rate_limiter_size(l) <= 4);
    }
    rate_limiter_free(l);
}

static void test_refilled_buckets_go_before_busy_ones(void **state)
{
    (void)state;
    struct rate_limiter *l = rate_limiter_new(&six_per_minute, 2);
    assert_true(rate_limiter_allow(l, "quiet", 0, NULL)); /* one token used at t=0 */
    for (int i = 0; i < 3; i++) assert_true(rate_limiter_allow(l, "busy", 25 * SECOND, NULL));
    /* At t=30 s "quiet" has refilled (it is the least recently used too); make "busy"
     * the older one and check that the refilled "quiet" is still the one dropped. */
    assert_false(rate_limiter_allow(l, "busy", 29 * SECOND, NULL));
    assert_true(rate_limiter_allow(l, "quiet", 30 * SECOND, NULL)); /* now most recent */
    assert_true(rate_limiter_allow(l, "new", 45 * SECOND, NULL));   /* "quiet" is full again */
    assert_int_equal(rate_limiter_evictions(l), 0);                 /* forgot, not evicted */
    /* "busy" is remembered: 2 tokens at 45 s (a forgotten one would have 3). */
    assert_true(rate_limiter_allow(l, "busy", 45 * SECOND, NULL));
    assert_true(rate_limiter_allow(l, "busy", 45 * SECOND, NULL));
    assert_false(rate_limiter_allow(l, "busy", 45 * SECOND, NULL));
    rate_limiter_free(l);
}

static void test_bad_settings_are_refused(void **state)
{
    (void)state;
    struct token_bucket_rate zero = {.per_second = 0, .burst = 3};
    struct token_bucket_rate no_burst = {.per_second = 1, .burst = 0.5};
    assert_null(rate_limiter_new(&zero, 4));
    assert_null(rate_limiter_new(&no_burst, 4));
    assert_null(rate_limiter_new(&six_per_minute, 0));
    assert_null(rate_limiter_new(NULL, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refill_time),
        cmocka_unit_test(test_clock_going_back_is_harmless),
        cmocka_unit_test(test_addresses_have_their_own_buckets),
        cmocka_unit_test(test_table_stays_bounded_and_forgets_oldest),
        cmocka_unit_test(test_refilled_buckets_go_before_busy_ones),
        cmocka_unit_test(test_bad_settings_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
