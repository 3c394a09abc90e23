/* test_keyframe_limiter.c - keyframe requests coalesced per profile (mcu/rtp/keyframe_limiter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mcu/rtp/keyframe_limiter.h"

#define MS 1000

static void test_first_request_is_granted_at_once(void **state)
{
    (void)state;
    struct keyframe_limiter l;
    keyframe_limiter_init(&l, 500 * MS);
    assert_false(keyframe_limiter_due(&l, 0)); /* nobody asked */
    keyframe_limiter_ask(&l);
    assert_true(keyframe_limiter_due(&l, 1000));
    assert_false(keyframe_limiter_due(&l, 1001)); /* cleared */
}

static void test_many_receivers_one_keyframe_per_interval(void **state)
{
    (void)state;
    struct keyframe_limiter l;
    keyframe_limiter_init(&l, 500 * MS);
    int granted = 0;
    /* 20 receivers asking every 10 ms for 2 s, the media thread checking every 10 ms */
    for (int64_t t = 0; t < 2000 * MS; t += 10 * MS) {
        for (int r = 0; r < 20; r++) keyframe_limiter_ask(&l);
        if (keyframe_limiter_due(&l, t)) granted++;
    }
    assert_int_equal(granted, 4); /* at 0, 500, 1000, 1500 ms */
    assert_int_equal(l.asked, 20 * 200);
    assert_int_equal(l.granted, 4);
}

static void test_request_inside_interval_is_kept_not_lost(void **state)
{
    (void)state;
    struct keyframe_limiter l;
    keyframe_limiter_init(&l, 500 * MS);
    keyframe_limiter_ask(&l);
    assert_true(keyframe_limiter_due(&l, 0));
    keyframe_limiter_ask(&l); /* a PLI 100 ms later */
    assert_false(keyframe_limiter_due(&l, 100 * MS));
    assert_false(keyframe_limiter_due(&l, 499 * MS));
    assert_true(keyframe_limiter_due(&l, 500 * MS));   /* granted when the window opens */
    assert_false(keyframe_limiter_due(&l, 2000 * MS)); /* and only once */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_request_is_granted_at_once),
        cmocka_unit_test(test_many_receivers_one_keyframe_per_interval),
        cmocka_unit_test(test_request_inside_interval_is_kept_not_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
