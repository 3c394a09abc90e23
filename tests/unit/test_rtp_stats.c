/* test_rtp_stats.c - receive/send statistics (mcu/rtp/rtp_stats.c): probation, sequence wrap,
 * loss and fraction lost, reordering, duplicates, big jumps, jitter, LSR/DLSR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/rtp/rtp_stats.h"

#define SSRC    0x1234u
#define TS_STEP 960u /* 20 ms at 48 kHz */

/* Feeds seq with a timestamp that follows it and a perfectly regular arrival. */
static int feed(struct rtp_recv_stats *s, uint16_t seq)
{
    uint32_t ts = (uint32_t)seq * TS_STEP;
    return rtp_recv_stats_update(s, seq, ts, ts + 5000, 100);
}

static void test_probation(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    struct rtcp_report_block rb;
    rtp_recv_stats_init(&s, SSRC, 48000);
    assert_false(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(feed(&s, 500), 0); /* on probation */
    assert_false(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(feed(&s, 502), 0); /* not in sequence: probation restarts */
    assert_int_equal(feed(&s, 503), 1); /* two in sequence: valid */
    assert_int_equal(s.received, 1);
    for (uint16_t q = 504; q < 600; q++) assert_int_equal(feed(&s, q), 1);
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.ssrc, SSRC);
    assert_int_equal(rb.ext_highest_seq, 599);
    assert_int_equal(rb.cumulative_lost, 0);
    assert_int_equal(rb.fraction_lost, 0);
    assert_int_equal(rtp_recv_stats_expected(&s), 599 - 503 + 1);
    assert_int_equal(s.discarded, 2);
}

static void test_sequence_wrap(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    rtp_recv_stats_init(&s, SSRC, 48000);
    uint16_t q = 65500;
    for (int i = 0; i < 100; i++, q++) feed(&s, q); /* 65500 .. 65535, 0 .. 63 */
    assert_int_equal(q, 64);
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 65536u + 63u);
    assert_int_equal(rtp_recv_stats_expected(&s), 99); /* base is the second packet */
    assert_int_equal(rtp_recv_stats_cumulative_lost(&s), 0);
    /* a late packet from before the wrap does not add a cycle */
    feed(&s, 65530);
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 65536u + 63u);
    /* and a second wrap adds another */
    for (int i = 0; i < 70000; i++, q++) feed(&s, q);
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 2 * 65536u + (uint16_t)(q - 1));
}

static void test_loss_and_fraction(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    struct rtcp_report_block rb;
    rtp_recv_stats_init(&s, SSRC, 48000);
    /* 1000 (probation), then 1001..1100 with 1011..1015 and 1050 missing: 6 lost of 100 */
    for (uint16_t q = 1000; q <= 1100; q++)
        if (!((q >= 1011 && q <= 1015) || q == 1050)) feed(&s, q);
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.cumulative_lost, 6);
    assert_int_equal(rb.fraction_lost, 6 * 256 / 100);
    /* next interval: 50 packets, 10 lost -> 51/256 */
    for (uint16_t q = 1101; q <= 1150; q++)
        if (q % 5 != 1) feed(&s, q); /* 1101, 1106, .. 1146 lost */
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.cumulative_lost, 16);
    assert_int_equal(rb.fraction_lost, 10 * 256 / 50);
    /* next interval: none lost -> 0, cumulative unchanged */
    for (uint16_t q = 1151; q <= 1200; q++) feed(&s, q);
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.cumulative_lost, 16);
    assert_int_equal(rb.fraction_lost, 0);
    assert_int_equal(rb.ext_highest_seq, 1200);
}

static void test_reorder_and_duplicates(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    struct rtcp_report_block rb;
    rtp_recv_stats_init(&s, SSRC, 48000);
    const uint16_t order[] = {9, 10, 11, 13, 12, 14, 16, 15, 17};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) feed(&s, order[i]);
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 17);
    assert_int_equal(rtp_recv_stats_cumulative_lost(&s), 0);
    /* duplicates count as received, as RFC 3550 A.3 says: loss goes negative */
    feed(&s, 17);
    feed(&s, 16);
    assert_int_equal(rtp_recv_stats_cumulative_lost(&s), -2);
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.cumulative_lost, -2);
    assert_int_equal(rb.fraction_lost, 0); /* negative interval loss is 0 */
}

static void test_big_jump_needs_confirmation(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    rtp_recv_stats_init(&s, SSRC, 48000);
    for (uint16_t q = 100; q < 200; q++) feed(&s, q);
    assert_int_equal(feed(&s, 20000), 0); /* a jump: held back */
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 199);
    assert_int_equal(feed(&s, 200), 1); /* the old stream goes on */
    assert_int_equal(feed(&s, 30000), 0);
    assert_int_equal(feed(&s, 30001), 1); /* confirmed: restart from here */
    assert_int_equal(rtp_recv_stats_ext_highest(&s), 30001);
    assert_int_equal(rtp_recv_stats_expected(&s), 1);
    assert_int_equal(rtp_recv_stats_cumulative_lost(&s), 0);
}

static void test_jitter_known_pattern(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    rtp_recv_stats_init(&s, SSRC, 90000);
    /* constant transit: no jitter */
    for (uint16_t q = 0; q < 50; q++) rtp_recv_stats_update(&s, q, q * 3000u, q * 3000u + 777u, 10);
    assert_int_equal(rtp_recv_stats_jitter(&s), 0);
    /* arrivals alternately on time and 450 units (5 ms) late: |D| = 450 every packet,
     * J converges to 450; compare with the floating-point formula of RFC 3550 6.4.1 */
    double j = 0;
    for (uint16_t q = 50; q < 400; q++) {
        uint32_t late = (q % 2) ? 450 : 0;
        rtp_recv_stats_update(&s, q, q * 3000u, q * 3000u + 777u + late, 10);
        if (q > 50 || late)
            j += (450.0 - j) / 16.0; /* first step: D = 450 too */
        else
            j += (0.0 - j) / 16.0;
    }
    assert_true(fabs((double)rtp_recv_stats_jitter(&s) - j) <= 1.0);
    assert_true(rtp_recv_stats_jitter(&s) >= 440);
    /* a timestamp wrap in the middle does not disturb it */
    struct rtp_recv_stats w;
    rtp_recv_stats_init(&w, SSRC, 90000);
    uint32_t ts = 0xffffffffu - 10 * 3000u;
    for (uint16_t q = 0; q < 30; q++, ts += 3000u) rtp_recv_stats_update(&w, q, ts, ts + 123u, 10);
    assert_int_equal(rtp_recv_stats_jitter(&w), 0);
}

static void test_lsr_dlsr(void **state)
{
    (void)state;
    struct rtp_recv_stats s;
    struct rtcp_report_block rb;
    rtp_recv_stats_init(&s, SSRC, 48000);
    feed(&s, 1);
    feed(&s, 2);
    assert_true(rtp_recv_stats_report(&s, 0, &rb));
    assert_int_equal(rb.lsr, 0);
    assert_int_equal(rb.dlsr, 0);
    rtp_recv_stats_on_sr(&s, 0x0000aaaabbbb0000ull, 10000000);
    assert_true(rtp_recv_stats_report(&s, 10500000, &rb)); /* 0.5 s later */
    assert_int_equal(rb.lsr, 0xaaaabbbbu);
    assert_int_equal(rb.dlsr, 32768);
    assert_true(rtp_recv_stats_report(&s, 12250000, &rb)); /* 2.25 s */
    assert_int_equal(rb.dlsr, 2 * 65536 + 16384);
}

static void test_arrival_units_and_send_stats(void **state)
{
    (void)state;
    assert_int_equal(rtp_stats_arrival_units(1000000, 90000), 90000);
    assert_int_equal(rtp_stats_arrival_units(20000, 48000), 960);
    /* a wallclock-sized time: consistent differences despite wrapping */
    int64_t t = 1700000000000000;
    assert_int_equal(
        (uint32_t)(rtp_stats_arrival_units(t + 1000000, 90000) - rtp_stats_arrival_units(t, 90000)),
        90000);
    struct rtp_send_stats ss;
    rtp_send_stats_init(&ss, 77);
    assert_false(ss.have_last);
    rtp_send_stats_update(&ss, 100, 5000, 1);
    rtp_send_stats_update(&ss, 250, 8000, 2);
    assert_int_equal(ss.ssrc, 77);
    assert_int_equal(ss.packets, 2);
    assert_int_equal(ss.octets, 350);
    assert_int_equal(ss.last_rtp_timestamp, 8000);
    assert_true(ss.last_wallclock_us == 2);
}

/* The SR's RTP time: the last packet's timestamp advanced by the wallclock since, in
 * the stream's clock; wraps like RTP timestamps. */
static void test_send_timestamp_for_sr(void **state)
{
    (void)state;
    struct rtp_send_stats s;
    rtp_send_stats_init(&s, 7);
    rtp_send_stats_update(&s, 100, 90000, 5000000);
    assert_int_equal(rtp_send_stats_timestamp_at(&s, 90000, 5000000), 90000);
    assert_int_equal(rtp_send_stats_timestamp_at(&s, 90000, 5500000), 90000 + 45000);
    assert_int_equal(rtp_send_stats_timestamp_at(&s, 48000, 5020000), 90000 + 960);
    /* asked a little before the last packet (clocks read in another order) */
    assert_int_equal(rtp_send_stats_timestamp_at(&s, 90000, 4990000), 90000 - 900);
    rtp_send_stats_update(&s, 100, 0xFFFFFF00u, 6000000);
    assert_int_equal(rtp_send_stats_timestamp_at(&s, 90000, 6010000), 0xFFFFFF00u + 900u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probation),
        cmocka_unit_test(test_sequence_wrap),
        cmocka_unit_test(test_loss_and_fraction),
        cmocka_unit_test(test_reorder_and_duplicates),
        cmocka_unit_test(test_big_jump_needs_confirmation),
        cmocka_unit_test(test_jitter_known_pattern),
        cmocka_unit_test(test_lsr_dlsr),
        cmocka_unit_test(test_arrival_units_and_send_stats),
        cmocka_unit_test(test_send_timestamp_for_sr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
