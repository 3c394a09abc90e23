/* test_bandwidth_policy.c - high/low profile choice from loss and REMB (mcu/conference/bandwidth_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mcu/conference/bandwidth_policy.h"

#define S 1000000LL

/* Steps once a second from `from` (seconds) for `seconds`, returning the first move. */
static enum bandwidth_move run(struct bandwidth_policy *p, int from, int seconds, uint64_t send,
                               uint64_t remb, uint8_t loss, int *at)
{
    for (int t = from; t < from + seconds; t++) {
        enum bandwidth_move m = bandwidth_policy_step(p, t * S, send, remb, loss);
        if (m != BANDWIDTH_STAY) {
            if (at) *at = t;
            return m;
        }
    }
    return BANDWIDTH_STAY;
}

static void test_clear_link_stays_high(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    /* REMB tracks 1.5x what we send, no loss: never a move. */
    assert_int_equal(run(&p, 1, 60, 1500000, 2250000, 0, NULL), BANDWIDTH_STAY);
    /* Low bitrate content (REMB follows the rate down) is not congestion either. */
    assert_int_equal(run(&p, 61, 30, 300000, 450000, 0, NULL), BANDWIDTH_STAY);
}

static void test_loss_moves_down_after_two_seconds(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    int at = 0;
    assert_int_equal(run(&p, 10, 10, 1500000, 0, 60, &at), BANDWIDTH_DOWN);
    assert_int_equal(at, 11); /* the second congested second */
    /* A single lossy second is not enough. */
    bandwidth_policy_init(&p, 0);
    assert_int_equal(bandwidth_policy_step(&p, 10 * S, 1500000, 0, 60), BANDWIDTH_STAY);
    assert_int_equal(bandwidth_policy_step(&p, 11 * S, 1500000, 0, 0), BANDWIDTH_STAY);
    assert_int_equal(bandwidth_policy_step(&p, 12 * S, 1500000, 0, 60), BANDWIDTH_STAY);
}

static void test_remb_below_send_rate_moves_down(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    assert_int_equal(run(&p, 5, 5, 1500000, 700000, 0, NULL), BANDWIDTH_DOWN);
}

static void test_not_before_hold_time(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    int at = 0;
    assert_int_equal(run(&p, 1, 10, 1500000, 0, 100, &at), BANDWIDTH_DOWN);
    assert_true(at * S >= BANDWIDTH_HOLD_US);
}

static void test_back_up_when_clear_and_backoff_when_it_fails(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    int at = 0;
    assert_int_equal(run(&p, 5, 5, 1500000, 0, 100, &at), BANDWIDTH_DOWN);
    bandwidth_policy_moved(&p, true, at * S);
    int down_at = at;
    /* Still lossy: stays low. */
    assert_int_equal(run(&p, down_at + 1, 20, 500000, 0, 100, NULL), BANDWIDTH_STAY);
    /* Clear with headroom: up after the hold. */
    int clear_from = down_at + 21;
    assert_int_equal(run(&p, clear_from, 10, 500000, 900000, 0, &at), BANDWIDTH_UP);
    bandwidth_policy_moved(&p, false, at * S);
    int up_at = at;
    /* Congested again at once: down, and the hold doubles. */
    assert_int_equal(run(&p, up_at + 1, 10, 1500000, 0, 100, &at), BANDWIDTH_DOWN);
    assert_int_equal(p.hold_us, 2 * BANDWIDTH_HOLD_US);
    bandwidth_policy_moved(&p, true, at * S);
    int second_down = at;
    /* Clear again: not up before the doubled hold. */
    int up2 = 0;
    assert_int_equal(run(&p, second_down + 1, 20, 500000, 900000, 0, &up2), BANDWIDTH_UP);
    assert_true((up2 - second_down) * S >= 2 * BANDWIDTH_HOLD_US);
}

static void test_no_headroom_stays_low(void **state)
{
    struct bandwidth_policy p;
    bandwidth_policy_init(&p, 0);
    bandwidth_policy_moved(&p, true, 0);
    /* No loss, but the estimate is only what we send: no room for the high profile. */
    assert_int_equal(run(&p, 1, 30, 500000, 520000, 0, NULL), BANDWIDTH_STAY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clear_link_stays_high),
        cmocka_unit_test(test_loss_moves_down_after_two_seconds),
        cmocka_unit_test(test_remb_below_send_rate_moves_down),
        cmocka_unit_test(test_not_before_hold_time),
        cmocka_unit_test(test_back_up_when_clear_and_backoff_when_it_fails),
        cmocka_unit_test(test_no_headroom_stays_low),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
