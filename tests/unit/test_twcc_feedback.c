/* test_twcc_feedback.c - transport-cc feedback (mcu/rtp/twcc_feedback.c): arrivals with
 * losses, reordering, late packets, the 16-bit wrap, large gaps in numbers and in time,
 * bounded packets, each checked by decoding the built packet with a decoder written
 * here from the draft (draft-holmer-rmcat-transport-wide-cc-extensions-01, 3.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/rtp/rtcp.h"
#include "mcu/rtp/twcc_feedback.h"

#define MAX_STATUSES 4096

/* One decoded feedback packet. */
struct decoded {
    uint32_t sender_ssrc, media_ssrc;
    uint16_t base;
    size_t count;
    int32_t reference; /* 64 ms units, sign-extended from 24 bits */
    uint8_t fb_count;
    uint8_t status[MAX_STATUSES];     /* 0 not received, 1 small, 2 large */
    int64_t arrival_us[MAX_STATUSES]; /* as the sender reconstructs it */
    size_t length;                    /* bytes of the RTCP packet */
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

/* Decodes one transport-cc packet at p (len bytes available). 0 or -1 (malformed). */
static int decode(const uint8_t *p, size_t len, struct decoded *d)
{
    memset(d, 0, sizeof *d);
    if (len < 20 || (p[0] >> 6) != 2 || (p[0] & 0x1f) != 15 || p[1] != 205) return -1;
    size_t size = ((size_t)get16(p + 2) + 1) * 4;
    if (size > len) return -1;
    size_t end = size;
    if (p[0] & 0x20) {
        if (p[size - 1] == 0 || p[size - 1] > size - 20) return -1;
        end -= p[size - 1];
    }
    d->length = size;
    d->sender_ssrc = get32(p + 4);
    d->media_ssrc = get32(p + 8);
    d->base = get16(p + 12);
    d->count = get16(p + 14);
    uint32_t ref = get32(p + 16) >> 8;
    d->reference = (int32_t)(ref & 0x800000 ? ref | 0xff000000u : ref);
    d->fb_count = p[19];
    if (d->count == 0 || d->count > MAX_STATUSES) return -1;
    size_t at = 20, n = 0;
    while (n < d->count) {
        if (at + 2 > end) return -1;
        uint16_t chunk = get16(p + at);
        at += 2;
        if (!(chunk & 0x8000)) {
            size_t run = chunk & 0x1fff;
            if (run == 0) return -1;
            for (size_t i = 0; i < run && n < d->count; i++) d->status[n++] = (chunk >> 13) & 3;
        } else if (!(chunk & 0x4000)) {
            for (int i = 13; i >= 0 && n < d->count; i--) d->status[n++] = (chunk >> i) & 1;
        } else {
            for (int i = 6; i >= 0 && n < d->count; i--) d->status[n++] = (chunk >> (2 * i)) & 3;
        }
    }
    int64_t t = (int64_t)d->reference * 64000;
    for (size_t i = 0; i < d->count; i++) {
        if (d->status[i] == 0) continue;
        if (d->status[i] == 3) return -1;
        int64_t delta;
        if (d->status[i] == 1) {
            if (at + 1 > end) return -1;
            delta = p[at++];
        } else {
            if (at + 2 > end) return -1;
            delta = (int16_t)get16(p + at);
            at += 2;
        }
        t += delta * 250;
        d->arrival_us[i] = t;
    }
    return at + 3 < end ? -1 : 0; /* at most the zero padding to a word is left */
}

static struct twcc_feedback *new_feedback(void)
{
    struct twcc_feedback *f = malloc(sizeof *f);
    assert_non_null(f);
    twcc_feedback_init(f);
    return f;
}

/* Builds one packet into a fresh buffer and decodes it. Returns build's result. */
static int build_one(struct twcc_feedback *f, struct decoded *d)
{
    uint8_t buf[1500];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    int rc = twcc_feedback_build(f, &b, 0x11111111, 0x22222222);
    if (rc == 0) {
        assert_true(b.length <= TWCC_FEEDBACK_MAX_BYTES);
        assert_int_equal(b.length % 4, 0);
        assert_int_equal(decode(buf, b.length, d), 0);
        assert_int_equal(d->length, b.length);
        assert_int_equal(d->sender_ssrc, 0x11111111);
        assert_int_equal(d->media_ssrc, 0x22222222);
    }
    return rc;
}

static void assert_near(int64_t got, int64_t want)
{
    if (got < want - 125 || got > want + 125)
        fail_msg("arrival %lld us, want %lld +- 125", (long long)got, (long long)want);
}

static void test_in_order(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    assert_false(twcc_feedback_pending(f));
    assert_int_equal(build_one(f, d), 1);
    /* Odd spacing so that each delta rounds: the reconstruction must not drift. */
    for (int i = 0; i < 50; i++) twcc_feedback_record(f, (uint16_t)(100 + i), 5000123 + i * 3377);
    assert_true(twcc_feedback_pending(f));
    assert_int_equal(build_one(f, d), 0);
    assert_false(twcc_feedback_pending(f));
    assert_int_equal(d->base, 100);
    assert_int_equal(d->count, 50);
    assert_int_equal(d->fb_count, 0);
    assert_int_equal(d->reference, 5000123 / 64000);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(d->status[i], 1);
        assert_near(d->arrival_us[i], 5000123 + i * 3377);
    }
    /* The next one covers only what came since, and counts up. */
    twcc_feedback_record(f, 150, 6000000);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 150);
    assert_int_equal(d->count, 1);
    assert_int_equal(d->fb_count, 1);
    assert_near(d->arrival_us[0], 6000000);
    assert_int_equal(f->packets_built, 2);
    assert_int_equal(f->recorded, 51);
    free(d);
    free(f);
}

static void test_losses(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    /* 0..39 with 3, 4, 10 and 20..29 missing */
    for (int i = 0; i < 40; i++)
        if (i != 3 && i != 4 && i != 10 && !(i >= 20 && i < 30))
            twcc_feedback_record(f, (uint16_t)i, 1000000 + i * 1000);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 0);
    assert_int_equal(d->count, 40);
    for (int i = 0; i < 40; i++) {
        bool lost = i == 3 || i == 4 || i == 10 || (i >= 20 && i < 30);
        assert_int_equal(d->status[i], lost ? 0 : 1);
        if (!lost) assert_near(d->arrival_us[i], 1000000 + i * 1000);
    }
    free(d);
    free(f);
}

static void test_reordering_and_late(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    /* 0, 1, 3, 2: 2 arrives after 3, a negative delta (two bytes) */
    twcc_feedback_record(f, 0, 1000000);
    twcc_feedback_record(f, 1, 1001000);
    twcc_feedback_record(f, 3, 1002000);
    twcc_feedback_record(f, 2, 1003000);
    twcc_feedback_record(f, 5, 1004000);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->count, 6);
    assert_int_equal(d->status[2], 1);
    assert_int_equal(d->status[3], 2); /* 3 is after 2 in number, earlier in time */
    assert_int_equal(d->status[4], 0);
    assert_near(d->arrival_us[2], 1003000);
    assert_near(d->arrival_us[3], 1002000);
    assert_near(d->arrival_us[5], 1004000);
    /* 4 arrives after it was reported lost: the next feedback starts from it again. */
    twcc_feedback_record(f, 6, 1005000);
    twcc_feedback_record(f, 4, 1006000);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 4);
    assert_int_equal(d->count, 3);
    assert_int_equal(d->status[0], 1);
    assert_near(d->arrival_us[0], 1006000);
    assert_near(d->arrival_us[1], 1004000);
    assert_near(d->arrival_us[2], 1005000);
    /* a duplicate is counted, the first arrival kept */
    twcc_feedback_record(f, 6, 1009000);
    assert_int_equal(f->duplicates, 1);
    assert_false(twcc_feedback_pending(f));
    free(d);
    free(f);
}

static void test_wrap(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    for (int i = 0; i < 12; i++)
        if (i != 7) twcc_feedback_record(f, (uint16_t)(65530 + i), 2000000 + i * 500);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 65530);
    assert_int_equal(d->count, 12);
    assert_int_equal(d->status[7], 0); /* seq 1 */
    assert_near(d->arrival_us[11], 2000000 + 11 * 500);
    /* a late one from before the wrap, then onwards */
    twcc_feedback_record(f, 65535, 2100000);
    assert_int_equal(f->duplicates, 1);
    twcc_feedback_record(f, 1, 2100000);
    twcc_feedback_record(f, 6, 2101000);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 1);
    assert_int_equal(d->count, 6);
    free(d);
    free(f);
}

static void test_large_gap_in_numbers(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    for (int i = 0; i < 10; i++) twcc_feedback_record(f, (uint16_t)i, 1000000 + i * 1000);
    /* 5000 ahead before any feedback: the ring moves on, the ten are dropped unreported */
    twcc_feedback_record(f, 5000, 1100000);
    assert_int_equal(f->dropped, 10);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, (uint16_t)(5000 - TWCC_FEEDBACK_WINDOW + 1));
    assert_int_equal(d->count, TWCC_FEEDBACK_WINDOW);
    for (size_t i = 0; i + 1 < d->count; i++) assert_int_equal(d->status[i], 0);
    assert_int_equal(d->status[d->count - 1], 1);
    assert_true(d->length <= 32); /* the not-received run is one chunk */
    assert_near(d->arrival_us[d->count - 1], 1100000);
    /* a packet from before the ring is too old */
    twcc_feedback_record(f, 9, 1200000);
    assert_int_equal(f->too_old, 1);
    assert_false(twcc_feedback_pending(f));
    /* a reported range leaves the ring without counting */
    twcc_feedback_record(f, 5001, 1200000);
    assert_int_equal(build_one(f, d), 0);
    twcc_feedback_record(f, 9000, 1300000);
    assert_int_equal(f->dropped, 10);
    free(d);
    free(f);
}

static void test_large_gap_in_time(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    twcc_feedback_record(f, 0, 1000000);
    twcc_feedback_record(f, 1, 1000000 + 9000000); /* 9 s: beyond a two-byte delta */
    twcc_feedback_record(f, 2, 1000000 + 9000100);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->count, 1);
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->base, 1);
    assert_int_equal(d->count, 2);
    assert_near(d->arrival_us[0], 10000000);
    assert_near(d->arrival_us[1], 10000100);
    assert_int_equal(d->fb_count, 1);
    assert_int_equal(build_one(f, d), 1);
    free(d);
    free(f);
}

/* More than fits one packet: each packet stays within the bound, and the packets
 * together cover every number once, in order. */
static void test_bounded_packets(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    int64_t t = 3000000;
    int64_t want[1000];
    for (int i = 0; i < 1000; i++) {
        t += (i % 3 == 0) ? 70000 : 300; /* every third delta needs two bytes */
        want[i] = t;
        if (i % 17 != 5) twcc_feedback_record(f, (uint16_t)(40000 + i), t);
    }
    uint16_t expect = 40000;
    int packets = 0;
    while (twcc_feedback_pending(f)) {
        assert_int_equal(build_one(f, d), 0);
        assert_int_equal(d->base, expect);
        assert_int_equal(d->fb_count, (uint8_t)packets);
        for (size_t k = 0; k < d->count; k++) {
            int i = (uint16_t)(d->base + k) - 40000;
            assert_int_equal(d->status[k] != 0, i % 17 != 5);
            if (d->status[k]) assert_near(d->arrival_us[k], want[i]);
        }
        expect = (uint16_t)(expect + d->count);
        packets++;
        assert_true(packets < 10);
    }
    assert_int_equal(expect, 41000);
    assert_true(packets >= 2);
    free(d);
    free(f);
}

/* Statuses of every kind side by side: runs, one-bit and two-bit vectors. */
static void test_mixed_chunks(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    struct decoded *d = malloc(sizeof *d);
    static const char pattern[] = "sssssssssssssssssssslllllxxxxxxxxxxxxsxsxsxslsxlssxxxxlllll"
                                  "sssssssssssssxslllllllllllllllllllls";
    int64_t t = 0, want[sizeof pattern];
    for (size_t i = 0; i + 1 < sizeof pattern; i++) {
        if (pattern[i] == 'x') continue;
        t += pattern[i] == 's' ? 1000 : 100000;
        want[i] = t;
        twcc_feedback_record(f, (uint16_t)i, t);
    }
    assert_int_equal(build_one(f, d), 0);
    assert_int_equal(d->count, sizeof pattern - 1);
    for (size_t i = 0; i + 1 < sizeof pattern; i++) {
        int status = pattern[i] == 'x' ? 0 : pattern[i] == 's' ? 1 : 2;
        assert_int_equal(d->status[i], status);
        if (status) assert_near(d->arrival_us[i], want[i]);
    }
    free(d);
    free(f);
}

static void test_no_room_and_compound(void **state)
{
    (void)state;
    struct twcc_feedback *f = new_feedback();
    twcc_feedback_record(f, 7, 1000000);
    twcc_feedback_record(f, 8, 1000500);
    uint8_t small[16];
    struct rtcp_builder b;
    rtcp_builder_init(&b, small, sizeof small);
    assert_int_equal(twcc_feedback_build(f, &b, 1, 2), -1);
    assert_int_equal(b.length, 0);
    assert_true(twcc_feedback_pending(f));
    /* RR + transport-cc: the project's parser sees both (transport-cc recognised) */
    uint8_t buf[1500];
    rtcp_builder_init(&b, buf, sizeof buf);
    assert_int_equal(rtcp_build_rr(&b, 1, NULL, 0), 0);
    assert_int_equal(twcc_feedback_build(f, &b, 1, 2), 0);
    struct rtcp_compound *c = malloc(sizeof *c);
    assert_int_equal(rtcp_parse(buf, b.length, c), 0);
    assert_int_equal(c->count, 2);
    assert_int_equal(c->transport_cc, 1);
    assert_int_equal(c->items[1].type, RTCP_ITEM_TRANSPORT_CC);
    assert_int_equal(c->items[1].u.transport_cc.sender_ssrc, 1);
    assert_int_equal(c->items[1].u.transport_cc.media_ssrc, 2);
    free(c);
    free(f);
}

static void test_read_extension(void **state)
{
    (void)state;
    uint16_t seq = 0;
    const uint8_t two[] = {0xab, 0xcd}, three[] = {1, 2, 3};
    assert_int_equal(twcc_feedback_read_extension(two, 2, &seq), 0);
    assert_int_equal(seq, 0xabcd);
    assert_int_equal(twcc_feedback_read_extension(three, 3, &seq), -1);
    assert_int_equal(twcc_feedback_read_extension(NULL, 2, &seq), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_losses),
        cmocka_unit_test(test_reordering_and_late),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_large_gap_in_numbers),
        cmocka_unit_test(test_large_gap_in_time),
        cmocka_unit_test(test_bounded_packets),
        cmocka_unit_test(test_mixed_chunks),
        cmocka_unit_test(test_no_room_and_compound),
        cmocka_unit_test(test_read_extension),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
