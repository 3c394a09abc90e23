/* test_rtp.c - RTP header parsing and building (mixer/rtp/rtp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/rtp/rtp.h"

static void test_roundtrip_fixed_header(void **state)
{
    (void)state;
    uint8_t pkt[32] = {0};
    size_t n = rtp_write_header(pkt, true, 96, 0xfffe, 123456789u, 0xdeadbeefu);
    assert_int_equal(n, 12);
    memcpy(pkt + 12, "abcd", 4);
    struct rtp_header h;
    assert_int_equal(rtp_parse(pkt, 16, &h), 0);
    assert_true(h.marker);
    assert_int_equal(h.payload_type, 96);
    assert_int_equal(h.sequence, 0xfffe);
    assert_int_equal(h.timestamp, 123456789u);
    assert_int_equal(h.ssrc, 0xdeadbeefu);
    assert_int_equal(h.payload_length, 4);
    assert_memory_equal(h.payload, "abcd", 4);
    rtp_set_ssrc(pkt, 42);
    rtp_set_sequence(pkt, 7);
    rtp_set_timestamp(pkt, 99);
    rtp_set_payload_type(pkt, 100);
    assert_int_equal(rtp_parse(pkt, 16, &h), 0);
    assert_int_equal(h.ssrc, 42);
    assert_int_equal(h.sequence, 7);
    assert_int_equal(h.timestamp, 99);
    assert_int_equal(h.payload_type, 100);
    assert_true(h.marker);
}

/* RFC 4588: an RTX packet (a one-byte extension, padding) gives back the original. */
static void test_rtx_unwrap(void **state)
{
    (void)state;
    uint8_t rtx[64] = {0};
    size_t n = rtp_write_header(rtx, true, 97, 500, 9000, 0x11111111u);
    rtx[0] |= 0x10; /* extension */
    const uint8_t ext[] = {0xbe, 0xde, 0x00, 0x01, 0x30, 0x07, 0x00, 0x00};
    memcpy(rtx + n, ext, sizeof ext);
    n += sizeof ext;
    rtx[n++] = 0x12; /* original sequence number 0x1234 */
    rtx[n++] = 0x34;
    memcpy(rtx + n, "vp8!", 4);
    n += 4;
    rtx[0] |= 0x20; /* three bytes of padding */
    rtx[n++] = 0;
    rtx[n++] = 0;
    rtx[n++] = 3;
    struct rtp_header h;
    assert_int_equal(rtp_parse(rtx, n, &h), 0);
    uint8_t out[64];
    int len = rtp_rtx_unwrap(rtx, &h, 96, 0x22222222u, out, sizeof out);
    assert_int_equal(len, 12 + 8 + 4);
    struct rtp_header o;
    assert_int_equal(rtp_parse(out, (size_t)len, &o), 0);
    assert_int_equal(o.payload_type, 96);
    assert_true(o.marker);
    assert_false(o.padding);
    assert_int_equal(o.sequence, 0x1234);
    assert_int_equal(o.timestamp, 9000);
    assert_int_equal(o.ssrc, 0x22222222u);
    assert_int_equal(o.extension_count, 1);
    assert_int_equal(o.payload_length, 4);
    assert_memory_equal(o.payload, "vp8!", 4);
    assert_int_equal(rtp_rtx_unwrap(rtx, &h, 96, 1, out, 10), -1); /* too small */

    /* padding only: a probe, nothing to unwrap */
    uint8_t probe[32] = {0};
    n = rtp_write_header(probe, false, 97, 501, 9000, 0x11111111u);
    probe[0] |= 0x20;
    memset(probe + n, 0, 10);
    n += 10;
    probe[n - 1] = 10;
    assert_int_equal(rtp_parse(probe, n, &h), 0);
    assert_int_equal(rtp_rtx_unwrap(probe, &h, 96, 1, out, sizeof out), 0);
}

static void test_one_byte_extension_audio_level(void **state)
{
    (void)state;
    /* V=2 X=1, PT 111, ext profile 0xBEDE length 1 word: id 1 len 1 (0x80|30), pad */
    uint8_t pkt[] = {0x90, 111,  0,    1,    0,    0,    0,    160,  0,    0,   0,
                     5,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0x9e, 0x00, 0x00, 0xAA};
    struct rtp_header h;
    assert_int_equal(rtp_parse(pkt, sizeof pkt, &h), 0);
    assert_int_equal(h.extension_profile, 0xBEDE);
    assert_int_equal(h.extension_count, 1);
    bool voice = false;
    uint8_t level = 0;
    assert_int_equal(rtp_audio_level(&h, 1, &voice, &level), 0);
    assert_true(voice);
    assert_int_equal(level, 30);
    assert_int_equal(h.payload_length, 1);
    assert_int_equal(h.payload[0], 0xAA);
    assert_int_equal(rtp_audio_level(&h, 2, &voice, &level), -1);
}

static void test_malformed_rejected(void **state)
{
    (void)state;
    struct rtp_header h;
    uint8_t short_pkt[11] = {0x80};
    assert_int_equal(rtp_parse(short_pkt, sizeof short_pkt, &h), -1);
    uint8_t bad_version[12] = {0x40};
    assert_int_equal(rtp_parse(bad_version, sizeof bad_version, &h), -1);
    uint8_t csrc_overrun[16] = {0x82}; /* says 2 CSRCs, has room for 1 */
    assert_int_equal(rtp_parse(csrc_overrun, sizeof csrc_overrun, &h), -1);
    uint8_t ext_overrun[16] = {0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0x00, 0x05};
    assert_int_equal(rtp_parse(ext_overrun, sizeof ext_overrun, &h), -1);
    uint8_t bad_padding[14] = {0xA0}; /* padding count 0 */
    assert_int_equal(rtp_parse(bad_padding, sizeof bad_padding, &h), -1);
    bad_padding[13] = 9; /* more padding than payload */
    assert_int_equal(rtp_parse(bad_padding, sizeof bad_padding, &h), -1);
    bad_padding[13] = 2;
    assert_int_equal(rtp_parse(bad_padding, sizeof bad_padding, &h), 0);
    assert_int_equal(h.payload_length, 0);
}

static void test_rtcp_demux_and_sequence_compare(void **state)
{
    (void)state;
    uint8_t rtcp_pli[] = {0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    uint8_t rtp_pkt[12] = {0x80, 96};
    assert_true(rtp_is_rtcp(rtcp_pli, sizeof rtcp_pli));
    assert_false(rtp_is_rtcp(rtp_pkt, sizeof rtp_pkt));
    assert_true(rtp_sequence_compare(1, 65535) > 0);
    assert_true(rtp_sequence_compare(65535, 1) < 0);
    assert_int_equal(rtp_sequence_compare(5, 5), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_fixed_header),
        cmocka_unit_test(test_rtx_unwrap),
        cmocka_unit_test(test_one_byte_extension_audio_level),
        cmocka_unit_test(test_malformed_rejected),
        cmocka_unit_test(test_rtcp_demux_and_sequence_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
