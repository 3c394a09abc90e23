/* test_send_history.c - the ring of sent RTP packets (mcu/rtp/send_history.c): lookup,
 * eviction by newer sequence numbers and by age, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/rtp/send_history.h"
#include "mixer/rtp/rtp.h"

static size_t make_packet(uint8_t *buf, uint16_t seq, size_t payload)
{
    size_t n = rtp_write_header(buf, false, 96, seq, seq * 3000u, 0x42);
    memset(buf + n, (int)(seq & 0xff), payload);
    return n + payload;
}

static void test_put_get(void **state)
{
    (void)state;
    struct send_history *h = send_history_new(500, 0);
    assert_non_null(h);
    assert_int_equal(send_history_capacity(h), 512);
    uint8_t pkt[200];
    for (uint16_t s = 65500; s != 100; s++) {
        size_t n = make_packet(pkt, s, 20 + s % 50);
        assert_int_equal(send_history_put(h, pkt, n, 0), 0);
    }
    assert_int_equal(send_history_count(h), 136);
    size_t len = 0;
    const uint8_t *got = send_history_get(h, 65535, 0, &len);
    assert_non_null(got);
    size_t n = make_packet(pkt, 65535, 20 + 65535 % 50);
    assert_int_equal(len, n);
    assert_memory_equal(got, pkt, n);
    assert_non_null(send_history_get(h, 0, 0, &len));
    assert_null(send_history_get(h, 100, 0, &len)); /* never stored */
    assert_null(send_history_get(h, 1000, 0, &len));
    send_history_free(h);
}

static void test_eviction_by_sequence(void **state)
{
    (void)state;
    struct send_history *h = send_history_new(3, 0); /* rounds up to 4 */
    assert_int_equal(send_history_capacity(h), 4);
    uint8_t pkt[64];
    for (uint16_t s = 1; s <= 6; s++) send_history_put(h, pkt, make_packet(pkt, s, 10), 0);
    size_t len;
    assert_null(send_history_get(h, 1, 0, &len));
    assert_null(send_history_get(h, 2, 0, &len));
    for (uint16_t s = 3; s <= 6; s++) assert_non_null(send_history_get(h, s, 0, &len));
    assert_int_equal(send_history_count(h), 4);
    send_history_free(h);
}

static void test_eviction_by_age(void **state)
{
    (void)state;
    struct send_history *h = send_history_new(16, 1000000);
    uint8_t pkt[64];
    send_history_put(h, pkt, make_packet(pkt, 7, 10), 5000000);
    size_t len;
    assert_non_null(send_history_get(h, 7, 6000000, &len));
    assert_null(send_history_get(h, 7, 6000001, &len));
    send_history_free(h);
}

static void test_bad_input(void **state)
{
    (void)state;
    assert_null(send_history_new(0, 0));
    assert_null(send_history_new(SEND_HISTORY_MAX_CAPACITY + 1, 0));
    struct send_history *h = send_history_new(8, 0);
    uint8_t pkt[SEND_HISTORY_MAX_PACKET + 1];
    memset(pkt, 0, sizeof pkt);
    make_packet(pkt, 1, 0);
    assert_int_equal(send_history_put(h, pkt, 11, 0), -1);                     /* short */
    assert_int_equal(send_history_put(h, pkt, sizeof pkt, 0), -1);             /* too big */
    assert_int_equal(send_history_put(h, pkt, SEND_HISTORY_MAX_PACKET, 0), 0); /* just fits */
    pkt[0] = 0x40;
    assert_int_equal(send_history_put(h, pkt, 20, 0), -1); /* version 1 */
    assert_int_equal(send_history_put(h, NULL, 20, 0), -1);
    assert_int_equal(send_history_count(h), 1);
    send_history_free(h);
    send_history_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_eviction_by_sequence),
        cmocka_unit_test(test_eviction_by_age),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
