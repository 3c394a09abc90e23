/* test_rtcp.c - compound RTCP parsing and building (mcu/rtp/rtcp.c): every type round trip,
 * a hand-assembled Chromium-style SR+SDES, NACK and REMB encodings, and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/rtp/rtcp.h"

/* struct rtcp_compound is ~14 KiB: one per test, on the heap. */
static int setup(void **state)
{
    *state = calloc(1, sizeof(struct rtcp_compound));
    return *state ? 0 : -1;
}
static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* An SR followed by SDES, laid out as Chromium sends them at the start of a call
 * (hand-assembled, byte for byte after its RTCPSender: SR with no report blocks, then one
 * SDES chunk with a 16-character CNAME and two null bytes to the word boundary). */
static const uint8_t chromium_sr_sdes[] = {
    /* SR: V=2 P=0 RC=0, PT=200, length 6 (28 bytes) */
    0x80,
    0xc8,
    0x00,
    0x06,
    0x5a,
    0x0e,
    0x3c,
    0x21, /* SSRC */
    0xe7,
    0x3b,
    0x6f,
    0x1a,
    0x4c,
    0x6a,
    0x7e,
    0xfa, /* NTP */
    0x2b,
    0x1e,
    0x5a,
    0x10, /* RTP timestamp */
    0x00,
    0x00,
    0x01,
    0x2c, /* packets 300 */
    0x00,
    0x01,
    0x86,
    0xa0, /* octets 100000 */
    /* SDES: V=2 SC=1, PT=202, length 6 (28 bytes) */
    0x81,
    0xca,
    0x00,
    0x06,
    0x5a,
    0x0e,
    0x3c,
    0x21,
    0x01,
    0x10,
    'a',
    'b',
    'c',
    'd',
    'E',
    'F',
    'G',
    'H',
    'i',
    'j',
    'k',
    'l',
    'M',
    'N',
    'O',
    'P',
    0x00,
    0x00,
};

static void test_chromium_sr_sdes(void **state)
{
    struct rtcp_compound *c = *state;
    assert_int_equal(rtcp_parse(chromium_sr_sdes, sizeof chromium_sr_sdes, c), 0);
    assert_int_equal(c->count, 2);
    assert_int_equal(c->items[0].type, RTCP_ITEM_SR);
    const struct rtcp_sr *sr = &c->items[0].u.sr;
    assert_int_equal(sr->ssrc, 0x5a0e3c21u);
    assert_true(sr->ntp == 0xe73b6f1a4c6a7efaull);
    assert_int_equal(sr->rtp_timestamp, 0x2b1e5a10u);
    assert_int_equal(sr->packet_count, 300);
    assert_int_equal(sr->octet_count, 100000);
    assert_int_equal(sr->block_count, 0);
    assert_int_equal(c->items[1].type, RTCP_ITEM_SDES);
    assert_int_equal(c->items[1].u.sdes.ssrc, 0x5a0e3c21u);
    assert_string_equal(c->items[1].u.sdes.cname, "abcdEFGHijklMNOP");
    assert_int_equal(c->items[1].u.sdes.cname_length, 16);

    /* Building the same fields gives the same bytes. */
    uint8_t buf[128];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    struct rtcp_sender_info si = {sr->ssrc, sr->ntp, sr->rtp_timestamp, sr->packet_count,
                                  sr->octet_count};
    assert_int_equal(rtcp_build_sr(&b, &si, NULL, 0), 0);
    assert_int_equal(rtcp_build_sdes_cname(&b, 0x5a0e3c21u, "abcdEFGHijklMNOP"), 0);
    assert_int_equal(b.length, sizeof chromium_sr_sdes);
    assert_memory_equal(buf, chromium_sr_sdes, sizeof chromium_sr_sdes);
}

static void test_every_truncation_rejected(void **state)
{
    struct rtcp_compound *c = *state;
    for (size_t n = 0; n < sizeof chromium_sr_sdes; n++) {
        int rc = rtcp_parse(chromium_sr_sdes, n, c);
        if (n == 28)
            assert_int_equal(rc, 0); /* the SR alone is a whole packet */
        else
            assert_int_equal(rc, -1);
    }
}

static void assert_block_equal(const struct rtcp_report_block *a, const struct rtcp_report_block *b)
{
    assert_int_equal(a->ssrc, b->ssrc);
    assert_int_equal(a->fraction_lost, b->fraction_lost);
    assert_int_equal(a->cumulative_lost, b->cumulative_lost);
    assert_int_equal(a->ext_highest_seq, b->ext_highest_seq);
    assert_int_equal(a->jitter, b->jitter);
    assert_int_equal(a->lsr, b->lsr);
    assert_int_equal(a->dlsr, b->dlsr);
}

static const struct rtcp_report_block sample_blocks[3] = {
    {0x11111111u, 25, 1234, 0x0001fff0u, 42, 0xabcd1234u, 65536},
    {0x22222222u, 0, -5, 70000, 0, 0, 0}, /* negative loss (duplicates) */
    {0x33333333u, 255, 8388607, 0xffffffffu, 0xffffffffu, 1, 2},
};

static void test_sr_rr_roundtrip(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[512];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    struct rtcp_sender_info si = {0xdeadbeefu, 0x0102030405060708ull, 9999, 7, 700};
    assert_int_equal(rtcp_build_sr(&b, &si, sample_blocks, 2), 0);
    assert_int_equal(b.length, 28 + 2 * 24);
    assert_int_equal(rtcp_build_rr(&b, 0xcafef00du, sample_blocks, 3), 0);
    assert_int_equal(rtcp_build_rr(&b, 0x01020304u, NULL, 0), 0);
    assert_int_equal(b.length % 4, 0);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, 3);
    const struct rtcp_sr *sr = &c->items[0].u.sr;
    assert_int_equal(c->items[0].type, RTCP_ITEM_SR);
    assert_int_equal(sr->ssrc, si.ssrc);
    assert_true(sr->ntp == si.ntp);
    assert_int_equal(sr->rtp_timestamp, 9999);
    assert_int_equal(sr->packet_count, 7);
    assert_int_equal(sr->octet_count, 700);
    assert_int_equal(sr->block_count, 2);
    for (int i = 0; i < 2; i++) assert_block_equal(&sr->blocks[i], &sample_blocks[i]);
    assert_int_equal(c->items[1].type, RTCP_ITEM_RR);
    assert_int_equal(c->items[1].u.rr.ssrc, 0xcafef00du);
    assert_int_equal(c->items[1].u.rr.block_count, 3);
    for (int i = 0; i < 3; i++) assert_block_equal(&c->items[1].u.rr.blocks[i], &sample_blocks[i]);
    assert_int_equal(c->items[2].u.rr.block_count, 0);

    /* Cumulative loss beyond 24 bits is clamped, and a negative value is sign-extended. */
    struct rtcp_report_block big = {1, 0, 100000000, 0, 0, 0, 0};
    struct rtcp_report_block neg = {2, 0, -100000000, 0, 0, 0, 0};
    rtcp_builder_init(&b, buf, sizeof buf);
    assert_int_equal(rtcp_build_rr(&b, 9, &big, 1), 0);
    assert_int_equal(rtcp_build_rr(&b, 9, &neg, 1), 0);
    assert_int_equal(buf[13], 0x7f);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->items[0].u.rr.blocks[0].cumulative_lost, 8388607);
    assert_int_equal(c->items[1].u.rr.blocks[0].cumulative_lost, -8388608);
}

static void test_sdes_padding_all_lengths(void **state)
{
    struct rtcp_compound *c = *state;
    char cname[RTCP_CNAME_MAX + 2];
    for (size_t n = 1; n <= RTCP_CNAME_MAX; n++) {
        memset(cname, 'a' + (int)(n % 26), n);
        cname[n] = '\0';
        uint8_t buf[300];
        struct rtcp_builder b;
        rtcp_builder_init(&b, buf, sizeof buf);
        assert_int_equal(rtcp_build_sdes_cname(&b, (uint32_t)n, cname), 0);
        assert_int_equal(b.length % 4, 0);
        assert_true(b.length >= 4 + 4 + 2 + n + 1);
        assert_true(b.length <= 4 + 4 + 2 + n + 4);
        assert_int_equal(((buf[2] << 8) | buf[3]) + 1, b.length / 4);
        assert_int_equal(rtcp_parse(buf, b.length, c), 0);
        assert_int_equal(c->count, 1);
        assert_int_equal(c->items[0].u.sdes.ssrc, n);
        assert_string_equal(c->items[0].u.sdes.cname, cname);
    }
    uint8_t buf[300];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    memset(cname, 'x', RTCP_CNAME_MAX + 1);
    cname[RTCP_CNAME_MAX + 1] = '\0';
    assert_int_equal(rtcp_build_sdes_cname(&b, 1, cname), -1); /* too long */
    assert_int_equal(rtcp_build_sdes_cname(&b, 1, ""), -1);
    assert_int_equal(b.length, 0);
}

static void test_sdes_other_items_and_chunks(void **state)
{
    struct rtcp_compound *c = *state;
    /* Two chunks: NAME then CNAME "ab"; second chunk has only a NOTE (no CNAME). */
    const uint8_t pkt[] = {
        0x82, 0xca, 0x00, 0x06, 0, 0, 0,    1,    0x02, 0x01, 'n',  0x01, 0x02, 'a',
        'b',  0x00, 0,    0,    0, 2, 0x07, 0x02, 'h',  'i',  0x00, 0x00, 0x00, 0x00,
    };
    assert_int_equal(rtcp_parse(pkt, sizeof pkt, c), 0);
    assert_int_equal(c->count, 2);
    assert_string_equal(c->items[0].u.sdes.cname, "ab");
    assert_int_equal(c->items[1].u.sdes.ssrc, 2);
    assert_string_equal(c->items[1].u.sdes.cname, "");
}

static void test_bye_pli_fir_roundtrip(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[256];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    const uint32_t byes[3] = {5, 6, 0xffffffffu};
    assert_int_equal(rtcp_build_bye(&b, byes, 3), 0);
    assert_int_equal(rtcp_build_pli(&b, 0xaaaa, 0xbbbb), 0);
    assert_int_equal(rtcp_build_fir(&b, 0xaaaa, 0xcccc, 17), 0);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, 3);
    assert_int_equal(c->items[0].type, RTCP_ITEM_BYE);
    assert_int_equal(c->items[0].u.bye.ssrc_count, 3);
    assert_memory_equal(c->items[0].u.bye.ssrcs, byes, sizeof byes);
    assert_int_equal(c->items[1].type, RTCP_ITEM_PLI);
    assert_int_equal(c->items[1].u.pli.sender_ssrc, 0xaaaa);
    assert_int_equal(c->items[1].u.pli.media_ssrc, 0xbbbb);
    assert_int_equal(c->items[2].type, RTCP_ITEM_FIR);
    assert_int_equal(c->items[2].u.fir.sender_ssrc, 0xaaaa);
    assert_int_equal(c->items[2].u.fir.entry_count, 1);
    assert_int_equal(c->items[2].u.fir.entries[0].ssrc, 0xcccc);
    assert_int_equal(c->items[2].u.fir.entries[0].seq, 17);
    /* PLI wire format: 81 ce 00 02 */
    assert_int_equal(buf[16], 0x81);
    assert_int_equal(buf[17], 206);
    assert_int_equal(buf[19], 2);
}

static void test_nack_packing(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[256];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    const uint16_t seqs[] = {117, 105, 100, 101, 116, 200, 101}; /* unordered, a duplicate */
    assert_int_equal(rtcp_build_nack(&b, 1, 2, seqs, 7), 0);
    /* 100 + bits for 101 (bit 0), 105 (bit 4), 116 (bit 15); then 117; then 200 */
    const uint8_t want[] = {0x81, 205, 0x00, 0x05, 0,    0,   0,    1,    0,    0,   0,    2,
                            0x00, 100, 0x80, 0x11, 0x00, 117, 0x00, 0x00, 0x00, 200, 0x00, 0x00};
    assert_int_equal(b.length, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, 1);
    const struct rtcp_nack *n = &c->items[0].u.nack;
    assert_int_equal(n->sender_ssrc, 1);
    assert_int_equal(n->media_ssrc, 2);
    const uint16_t expanded[] = {100, 101, 105, 116, 117, 200};
    assert_int_equal(n->seq_count, 6);
    assert_memory_equal(n->seqs, expanded, sizeof expanded);
}

static void test_nack_wraparound(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    const uint16_t seqs[] = {3, 65535, 0, 65534};
    assert_int_equal(rtcp_build_nack(&b, 1, 2, seqs, 4), 0);
    assert_int_equal(b.length, 16); /* one entry across the wrap */
    assert_int_equal((buf[12] << 8) | buf[13], 65534);
    assert_int_equal((buf[14] << 8) | buf[15], 0x0013); /* 65535, 0, 3 */
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    const uint16_t expanded[] = {65534, 65535, 0, 3};
    assert_int_equal(c->items[0].u.nack.seq_count, 4);
    assert_memory_equal(c->items[0].u.nack.seqs, expanded, sizeof expanded);
    /* A hand-written NACK with PID 0xffff and every BLP bit set: 17 seqs across 0. */
    const uint8_t pkt[] = {0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(rtcp_parse(pkt, sizeof pkt, c), 0);
    assert_int_equal(c->items[0].u.nack.seq_count, 17);
    assert_int_equal(c->items[0].u.nack.seqs[0], 65535);
    assert_int_equal(c->items[0].u.nack.seqs[1], 0);
    assert_int_equal(c->items[0].u.nack.seqs[16], 15);
    assert_int_equal(rtcp_build_nack(&b, 1, 2, seqs, 0), -1);
}

static void test_remb(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    const uint32_t ssrcs[2] = {0x01020304u, 0x05060708u};
    assert_int_equal(rtcp_build_remb(&b, 9, 1000000, ssrcs, 2), 0);
    /* 1000000 = 250000 << 2: num 2, exp 2, mantissa 0x3d090 */
    const uint8_t fci[] = {'R', 'E', 'M', 'B', 0x02, (2 << 2) | 0x3, 0xd0, 0x90};
    assert_memory_equal(buf + 12, fci, sizeof fci);
    assert_int_equal(buf[0], 0x8f);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->items[0].type, RTCP_ITEM_REMB);
    assert_true(c->items[0].u.remb.bitrate_bps == 1000000);
    assert_int_equal(c->items[0].u.remb.ssrc_count, 2);
    assert_memory_equal(c->items[0].u.remb.ssrcs, ssrcs, sizeof ssrcs);

    /* A rate that needs rounding down: never more than asked, within one mantissa step. */
    uint64_t rates[] = {0, 1, 262143, 262144, 262145, 2500001, 123456789012ull, UINT64_MAX};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        rtcp_builder_init(&b, buf, sizeof buf);
        assert_int_equal(rtcp_build_remb(&b, 9, rates[i], NULL, 0), 0);
        assert_int_equal(rtcp_parse(buf, b.length, c), 0);
        uint64_t got = c->items[0].u.remb.bitrate_bps;
        assert_true(got <= rates[i]);
        assert_true(rates[i] - got <= rates[i] / 131072);
    }
    /* exp 63 with a full mantissa saturates instead of overflowing */
    const uint8_t huge[] = {0x8f, 206, 0,   4,   0,   0,   0,    9,    0,    0,
                            0,    0,   'R', 'E', 'M', 'B', 0x00, 0xff, 0xff, 0xff};
    assert_int_equal(rtcp_parse(huge, sizeof huge, c), 0);
    assert_true(c->items[0].u.remb.bitrate_bps == UINT64_MAX);
}

static void test_unknown_and_transport_cc_skipped(void **state)
{
    struct rtcp_compound *c = *state;
    const uint8_t pkt[] = {
        0x80, 204, 0, 2, 0, 0, 0, 1, 'n', 'a', 'm', 'e',                     /* APP */
        0x80, 207, 0, 1, 0, 0, 0, 1,                                         /* XR */
        0x8f, 205, 0, 3, 0, 0, 0, 1, 0,   0,   0,   2,   0,   1,   0,   0,   /* transport-cc */
        0x82, 206, 0, 2, 0, 0, 0, 1, 0,   0,   0,   2,                       /* PSFB fmt 2 (SLI) */
        0x8f, 206, 0, 3, 0, 0, 0, 1, 0,   0,   0,   2,   'A', 'B', 'C', 'D', /* AFB, not REMB */
        0x81, 206, 0, 2, 0, 0, 0, 3, 0,   0,   0,   4,                       /* PLI */
    };
    assert_int_equal(rtcp_parse(pkt, sizeof pkt, c), 0);
    assert_int_equal(c->unknown, 4);
    assert_int_equal(c->transport_cc, 1);
    assert_int_equal(c->count, 2);
    assert_int_equal(c->items[0].type, RTCP_ITEM_TRANSPORT_CC);
    assert_int_equal(c->items[0].u.transport_cc.media_ssrc, 2);
    assert_int_equal(c->items[1].type, RTCP_ITEM_PLI);
    assert_int_equal(c->items[1].u.pli.media_ssrc, 4);
}

static void expect_rejected(struct rtcp_compound *c, const uint8_t *p, size_t n)
{
    assert_int_equal(rtcp_parse(p, n, c), -1);
}

#define REJECT(c, ...)                      \
    do {                                    \
        const uint8_t p_[] = {__VA_ARGS__}; \
        expect_rejected(c, p_, sizeof p_);  \
    } while (0)

static void test_malformed_rejected(void **state)
{
    struct rtcp_compound *c = *state;
    assert_int_equal(rtcp_parse(NULL, 0, c), -1);
    REJECT(c, 0x80, 201, 0);                                       /* short header */
    REJECT(c, 0x40, 201, 0, 1, 0, 0, 0, 1);                        /* version 1 */
    REJECT(c, 0x80, 201, 0, 2, 0, 0, 0, 1);                        /* length past end */
    REJECT(c, 0x80, 201, 0, 1, 0, 0, 0, 1, 0x80);                  /* trailing byte */
    REJECT(c, 0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 201, 0, 1);       /* trailing half header */
    REJECT(c, 0x81, 201, 0, 1, 0, 0, 0, 1);                        /* RR RC=1, no block */
    REJECT(c, 0x81, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* SR RC=1, no block */
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    REJECT(c, 0x80, 200, 0, 1, 0, 0, 0, 1);                 /* SR without sender info */
    REJECT(c, 0xa0, 201, 0, 1, 0, 0, 0, 0);                 /* padding count 0 */
    REJECT(c, 0xa0, 201, 0, 1, 0, 0, 0, 9);                 /* padding longer than body */
    REJECT(c, 0xa0, 201, 0, 1, 0, 0, 0, 4);                 /* padding eats the SSRC */
    REJECT(c, 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 'a', 'b'); /* SDES item past end */
    REJECT(c, 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 'a', 'b'); /* SDES no terminator */
    REJECT(c, 0x82, 202, 0, 2, 0, 0, 0, 1, 1, 1, 'a', 0);   /* SDES SC=2, one chunk */
    REJECT(c, 0x81, 202, 0, 1, 0, 0, 0, 1);                 /* SDES chunk without items */
    REJECT(c, 0x82, 203, 0, 1, 0, 0, 0, 1);                 /* BYE SC=2, one SSRC */
    REJECT(c, 0x81, 206, 0, 1, 0, 0, 0, 1);                 /* PLI without media SSRC */
    REJECT(c, 0x81, 205, 0, 1, 0, 0, 0, 1);                 /* NACK without media SSRC */
    REJECT(c, 0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2);     /* NACK without FCI */
    REJECT(c, 0x84, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0);     /* FIR without FCI */
    REJECT(c, 0x8f, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B'); /* REMB cut */
    REJECT(c, 0x8f, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 2, 0, 0,
           1); /* REMB 2 SSRCs, none there */
    REJECT(c, 0x8f, 206, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 2, 0, 0, 1, 0, 0, 0,
           7); /* REMB 2 SSRCs, one there */
    /* A good packet followed by a bad one rejects the whole compound. */
    REJECT(c, 0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x80, 201, 0, 5, 0, 0, 0, 1);
}

static void test_padding_accepted(void **state)
{
    struct rtcp_compound *c = *state;
    /* RR with 4 bytes of padding at the end (P bit set). */
    const uint8_t pkt[] = {0xa0, 201, 0, 2, 0, 0, 0, 7, 0, 0, 0, 4};
    assert_int_equal(rtcp_parse(pkt, sizeof pkt, c), 0);
    assert_int_equal(c->count, 1);
    assert_int_equal(c->items[0].u.rr.ssrc, 7);
}

static void test_builder_capacity(void **state)
{
    (void)state;
    uint8_t buf[256];
    struct rtcp_builder b;
    const uint16_t seqs[] = {1, 50};
    const uint32_t ssrc = 1;
    struct rtcp_sender_info si = {1, 2, 3, 4, 5};
    /* Each builder into a buffer one word too small: -1 and nothing written. */
    struct {
        size_t need;
        int which;
    } cases[] = {
        {28, 0}, {8, 1}, {12, 2}, {8, 3}, {12, 4}, {20, 5}, {20, 6}, {24, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int room = 0; room < 2; room++) {
            size_t cap = room ? cases[i].need : cases[i].need - 4;
            memset(buf, 0xee, sizeof buf);
            rtcp_builder_init(&b, buf, cap);
            int rc = -2;
            switch (cases[i].which) {
            case 0: rc = rtcp_build_sr(&b, &si, NULL, 0); break;
            case 1: rc = rtcp_build_rr(&b, 1, NULL, 0); break;
            case 2: rc = rtcp_build_sdes_cname(&b, 1, "x"); break;
            case 3: rc = rtcp_build_bye(&b, &ssrc, 1); break;
            case 4: rc = rtcp_build_pli(&b, 1, 2); break;
            case 5: rc = rtcp_build_fir(&b, 1, 2, 3); break;
            case 6: rc = rtcp_build_nack(&b, 1, 2, seqs, 2); break;
            case 7: rc = rtcp_build_remb(&b, 1, 5, &ssrc, 1); break;
            }
            assert_int_equal(rc, room ? 0 : -1);
            assert_int_equal(b.length, room ? cases[i].need : 0);
            assert_int_equal(buf[cap], 0xee); /* nothing past capacity */
        }
    }
    /* Out-of-range arguments. */
    rtcp_builder_init(&b, buf, sizeof buf);
    struct rtcp_report_block blocks[32] = {0};
    assert_int_equal(rtcp_build_rr(&b, 1, blocks, 32), -1);
    assert_int_equal(rtcp_build_sr(&b, &si, blocks, 32), -1);
    assert_int_equal(rtcp_build_bye(&b, &ssrc, 0), -1);
    assert_int_equal(b.length, 0);
}

static void test_compound_rr_sdes_pli(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[128];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    assert_int_equal(rtcp_build_rr(&b, 10, sample_blocks, 1), 0);
    assert_int_equal(rtcp_build_sdes_cname(&b, 10, "me"), 0);
    assert_int_equal(rtcp_build_pli(&b, 10, 20), 0);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, 3);
    assert_int_equal(c->items[0].type, RTCP_ITEM_RR);
    assert_int_equal(c->items[1].type, RTCP_ITEM_SDES);
    assert_int_equal(c->items[2].type, RTCP_ITEM_PLI);
}

static void test_pool_overflow_counted(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t buf[1024];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    for (int i = 0; i < RTCP_MAX_ITEMS + 8; i++)
        assert_int_equal(rtcp_build_pli(&b, 1, (uint32_t)i), 0);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, RTCP_MAX_ITEMS);
    assert_int_equal(c->overflow, 8);
    assert_int_equal(c->items[RTCP_MAX_ITEMS - 1].u.pli.media_ssrc, RTCP_MAX_ITEMS - 1);
}

static void test_ntp_time(void **state)
{
    (void)state;
    assert_true(rtcp_ntp_from_unix_us(0) == (2208988800ull << 32));
    assert_true(rtcp_ntp_from_unix_us(1500000) == ((2208988801ull << 32) | 0x80000000u));
    assert_int_equal(rtcp_ntp_middle32(0x1122334455667788ull), 0x33445566u);
}

/* Mutations of valid compounds (bit flips, byte changes, cuts) never read out of bounds
 * (run under ASan) and, when accepted, leave every item inside the pools. Deterministic. */
static uint32_t next_random(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void test_mutations_stay_in_bounds(void **state)
{
    struct rtcp_compound *c = *state;
    uint8_t base[512];
    struct rtcp_builder b;
    rtcp_builder_init(&b, base, sizeof base);
    struct rtcp_sender_info si = {1, 2, 3, 4, 5};
    const uint16_t seqs[] = {1, 2, 9, 40, 41};
    const uint32_t ssrcs[] = {7, 8};
    assert_int_equal(rtcp_build_sr(&b, &si, sample_blocks, 2), 0);
    assert_int_equal(rtcp_build_sdes_cname(&b, 1, "cname"), 0);
    assert_int_equal(rtcp_build_nack(&b, 1, 2, seqs, 5), 0);
    assert_int_equal(rtcp_build_fir(&b, 1, 2, 3), 0);
    assert_int_equal(rtcp_build_remb(&b, 1, 300000, ssrcs, 2), 0);
    assert_int_equal(rtcp_build_bye(&b, ssrcs, 2), 0);
    uint32_t x = 0x9e3779b9u;
    int accepted = 0, rejected = 0;
    for (int round = 0; round < 200000; round++) {
        uint8_t pkt[512];
        size_t n = b.length;
        memcpy(pkt, base, n);
        int edits = 1 + (int)(next_random(&x) % 4);
        for (int i = 0; i < edits; i++) {
            size_t at = next_random(&x) % n;
            switch (next_random(&x) % 3) {
            case 0: pkt[at] ^= (uint8_t)(1u << (next_random(&x) % 8)); break;
            case 1: pkt[at] = (uint8_t)next_random(&x); break;
            case 2: n = at + 1; break;
            }
        }
        /* parse from a heap copy of exactly n bytes so ASan sees any overread */
        uint8_t *exact = malloc(n);
        assert_non_null(exact);
        memcpy(exact, pkt, n);
        int rc = rtcp_parse(exact, n, c);
        free(exact);
        if (rc != 0) {
            rejected++;
            continue;
        }
        accepted++;
        assert_true(c->count <= RTCP_MAX_ITEMS);
        assert_true(c->block_used <= RTCP_POOL_BLOCKS);
        assert_true(c->nack_seq_used <= RTCP_POOL_NACK_SEQS);
        assert_true(c->fir_used <= RTCP_POOL_FIR_ENTRIES);
        assert_true(c->ssrc_used <= RTCP_POOL_SSRCS);
        for (size_t i = 0; i < c->count; i++) {
            const struct rtcp_item *it = &c->items[i];
            if (it->type == RTCP_ITEM_NACK)
                assert_true(it->u.nack.seqs + it->u.nack.seq_count <=
                            c->nack_seqs + c->nack_seq_used);
            if (it->type == RTCP_ITEM_RR)
                assert_true(it->u.rr.blocks + it->u.rr.block_count <= c->blocks + c->block_used);
            if (it->type == RTCP_ITEM_SDES) assert_true(it->u.sdes.cname_length <= RTCP_CNAME_MAX);
        }
    }
    assert_true(accepted > 0);
    assert_true(rejected > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chromium_sr_sdes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_truncation_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sr_rr_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdes_padding_all_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdes_other_items_and_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bye_pli_fir_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nack_packing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nack_wraparound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_and_transport_cc_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_padding_accepted, setup, teardown),
        cmocka_unit_test(test_builder_capacity),
        cmocka_unit_test_setup_teardown(test_compound_rr_sdes_pli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_overflow_counted, setup, teardown),
        cmocka_unit_test(test_ntp_time),
        cmocka_unit_test_setup_teardown(test_mutations_stay_in_bounds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
