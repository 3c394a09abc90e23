/* test_echo.c - the echo conference (mcu/conference/echo.c): SSRC rewrite, payload type and SSRC
 * filtering, PLI/FIR translation, NACKs answered from history, SR mirroring, periodic RR,
 * malformed input and full outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/conference/echo.h"
#include "mcu/rtp/rtcp.h"
#include "mixer/rtp/rtp.h"

#define APT   111
#define VPT   96
#define A_OUT 0xa0a0a0a0u
#define V_OUT 0xb0b0b0b0u
#define A_IN  0x11111111u
#define V_IN  0x22222222u
#define T0    1000000000

struct fixture {
    struct echo *e;
    struct echo_output out;
    struct rtcp_compound rtcp;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    struct echo_config cfg = {
        .audio_pt = APT,
        .video_pt = VPT,
        .audio_out_ssrc = A_OUT,
        .video_out_ssrc = V_OUT,
        .video_nack = true,
    };
    strcpy(cfg.cname, "test-cname");
    f->e = echo_new(&cfg);
    if (!f->e) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    echo_free(f->e);
    free(f);
    return 0;
}

/* An RTP packet with a one-byte header extension (abs-send-time-like, id 3) and payload. */
static size_t make_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                       bool marker, size_t payload)
{
    size_t n = rtp_write_header(buf, marker, pt, seq, ts, ssrc);
    buf[0] |= 0x10;
    const uint8_t ext[] = {0xbe, 0xde, 0x00, 0x01, 0x32, 0x01, 0x02, 0x03};
    memcpy(buf + n, ext, sizeof ext);
    n += sizeof ext;
    for (size_t i = 0; i < payload; i++) buf[n + i] = (uint8_t)(seq + i);
    return n + payload;
}

static int send_rtp(struct fixture *f, uint8_t pt, uint16_t seq, uint32_t ssrc, int64_t now)
{
    uint8_t pkt[256];
    size_t n = make_rtp(pkt, pt, seq, seq * 3000u, ssrc, seq % 3 == 0, 40);
    return echo_handle_rtp(f->e, pkt, n, now, &f->out);
}

static const struct echo_packet *only_packet(struct fixture *f, enum echo_packet_kind kind)
{
    assert_int_equal(f->out.count, 1);
    assert_int_equal(f->out.packets[0].kind, kind);
    return &f->out.packets[0];
}

static void test_ssrc_rewrite_keeps_the_rest(void **state)
{
    struct fixture *f = *state;
    uint8_t pkt[256];
    size_t n = make_rtp(pkt, VPT, 4242, 90000, V_IN, true, 100);
    assert_int_equal(echo_handle_rtp(f->e, pkt, n, T0, &f->out), 0);
    const struct echo_packet *p = only_packet(f, ECHO_PACKET_RTP);
    assert_int_equal(p->length, n);
    struct rtp_header h;
    assert_int_equal(rtp_parse(p->data, p->length, &h), 0);
    assert_int_equal(h.ssrc, V_OUT);
    assert_int_equal(h.sequence, 4242);
    assert_int_equal(h.timestamp, 90000);
    assert_int_equal(h.payload_type, VPT);
    assert_true(h.marker);
    assert_int_equal(h.extension_count, 1);
    assert_int_equal(h.extensions[0].id, 3);
    /* everything but the SSRC bytes is identical */
    assert_memory_equal(p->data, pkt, 8);
    assert_memory_equal(p->data + 12, pkt + 12, n - 12);

    echo_output_clear(&f->out);
    n = make_rtp(pkt, APT, 7, 960, A_IN, false, 30);
    assert_int_equal(echo_handle_rtp(f->e, pkt, n, T0, &f->out), 0);
    assert_int_equal(rtp_parse(only_packet(f, ECHO_PACKET_RTP)->data, n, &h), 0);
    assert_int_equal(h.ssrc, A_OUT);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.rtp_in, 2);
    assert_int_equal(st.rtp_out, 2);
}

static void test_unknown_pt_and_bad_rtp_dropped(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(send_rtp(f, 97, 1, V_IN, T0), -1); /* e.g. RTX */
    assert_int_equal(send_rtp(f, 63, 1, V_IN, T0), -1); /* e.g. RED */
    const uint8_t junk[] = {0x80, VPT, 0, 1, 0, 0};
    assert_int_equal(echo_handle_rtp(f->e, junk, sizeof junk, T0, &f->out), -1);
    uint8_t big[ECHO_PACKET_MAX + 1] = {0};
    make_rtp(big, VPT, 1, 0, V_IN, false, 10);
    assert_int_equal(echo_handle_rtp(f->e, big, sizeof big, T0, &f->out), -1);
    assert_int_equal(f->out.count, 0);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.dropped_pt, 2);
    assert_int_equal(st.dropped_malformed, 2);
    assert_int_equal(st.rtp_out, 0);
}

static void test_second_ssrc_dropped_until_first_goes_quiet(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(send_rtp(f, VPT, 1, V_IN, T0), 0);
    assert_int_equal(send_rtp(f, VPT, 500, 0x9999u, T0 + 1000), -1);
    assert_int_equal(send_rtp(f, VPT, 2, V_IN, T0 + 20000), 0);
    assert_int_equal(send_rtp(f, VPT, 501, 0x9999u, T0 + 20000 + ECHO_SSRC_TIMEOUT_US - 1), -1);
    assert_int_equal(send_rtp(f, VPT, 502, 0x9999u, T0 + 20000 + ECHO_SSRC_TIMEOUT_US), 0);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.dropped_ssrc, 2);
    /* the new SSRC is the inbound one now: PLIs go to it */
    echo_output_clear(&f->out);
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_pli(&b, 0x9999u, V_OUT);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0 + 3000000, &f->out), 0);
    const struct echo_packet *p = only_packet(f, ECHO_PACKET_RTCP);
    assert_int_equal(rtcp_parse(p->data, p->length, &f->rtcp), 0);
    assert_int_equal(f->rtcp.items[2].u.pli.media_ssrc, 0x9999u);
}

static void test_ssrc_hint(void **state)
{
    (void)state;
    struct echo_config cfg = {.video_pt = VPT, .video_out_ssrc = V_OUT, .video_in_ssrc_hint = V_IN};
    struct echo *e = echo_new(&cfg);
    assert_non_null(e);
    static struct echo_output out;
    echo_output_clear(&out);
    /* before any media: a PLI is already forwarded to the hinted SSRC */
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_pli(&b, 1, V_OUT);
    assert_int_equal(echo_handle_rtcp(e, buf, b.length, T0, &out), 0);
    assert_int_equal(out.count, 1);
    /* another SSRC is not taken while the hinted one may still come */
    uint8_t pkt[128];
    size_t n = make_rtp(pkt, VPT, 1, 0, 0x5555u, false, 10);
    assert_int_equal(echo_handle_rtp(e, pkt, n, T0, &out), -1);
    n = make_rtp(pkt, VPT, 1, 0, V_IN, false, 10);
    assert_int_equal(echo_handle_rtp(e, pkt, n, T0 + 10, &out), 0);
    echo_free(e);
}

static void test_pli_translated(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_pli(&b, V_IN, V_OUT);
    /* no inbound video yet: nobody to ask */
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    send_rtp(f, VPT, 1, V_IN, T0);
    echo_output_clear(&f->out);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0, &f->out), 0);
    const struct echo_packet *p = only_packet(f, ECHO_PACKET_RTCP);
    assert_int_equal(rtcp_parse(p->data, p->length, &f->rtcp), 0);
    assert_int_equal(f->rtcp.count, 3); /* RR + SDES + PLI */
    assert_int_equal(f->rtcp.items[0].type, RTCP_ITEM_RR);
    assert_int_equal(f->rtcp.items[1].type, RTCP_ITEM_SDES);
    assert_string_equal(f->rtcp.items[1].u.sdes.cname, "test-cname");
    assert_int_equal(f->rtcp.items[2].type, RTCP_ITEM_PLI);
    assert_int_equal(f->rtcp.items[2].u.pli.sender_ssrc, V_OUT);
    assert_int_equal(f->rtcp.items[2].u.pli.media_ssrc, V_IN);
    /* a PLI naming some other SSRC (or our audio) is not ours to answer */
    echo_output_clear(&f->out);
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_pli(&b, V_IN, A_OUT);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.plis_forwarded, 1);
}

static void test_fir_translated(void **state)
{
    struct fixture *f = *state;
    send_rtp(f, VPT, 1, V_IN, T0);
    uint8_t buf[64];
    struct rtcp_builder b;
    const uint8_t seqs_in[] = {5, 5, 6};
    const int want_out[] = {1, 0, 1}; /* a repeated seq is not a new request */
    uint8_t expect_seq = 0;
    for (int i = 0; i < 3; i++) {
        echo_output_clear(&f->out);
        rtcp_builder_init(&b, buf, sizeof buf);
        rtcp_build_fir(&b, V_IN, V_OUT, seqs_in[i]);
        assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0, &f->out), 0);
        assert_int_equal(f->out.count, want_out[i]);
        if (!want_out[i]) continue;
        assert_int_equal(rtcp_parse(f->out.packets[0].data, f->out.packets[0].length, &f->rtcp), 0);
        const struct rtcp_item *it = &f->rtcp.items[2];
        assert_int_equal(it->type, RTCP_ITEM_FIR);
        assert_int_equal(it->u.fir.entries[0].ssrc, V_IN);
        assert_int_equal(it->u.fir.entries[0].seq, expect_seq++);
    }
}

static void test_nack_answered_from_history(void **state)
{
    struct fixture *f = *state;
    uint8_t sent[10][256];
    size_t sent_len[10];
    for (uint16_t i = 0; i < 10; i++) {
        echo_output_clear(&f->out);
        assert_int_equal(send_rtp(f, VPT, (uint16_t)(65530 + i), V_IN, T0 + i * 1000), 0);
        memcpy(sent[i], f->out.packets[0].data, f->out.packets[0].length);
        sent_len[i] = f->out.packets[0].length;
    }
    echo_output_clear(&f->out);
    uint8_t buf[64];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    const uint16_t lost[] = {65533, 65535, 1, 200}; /* 200 was never sent */
    rtcp_build_nack(&b, V_IN, V_OUT, lost, 4);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0 + 20000, &f->out), 0);
    assert_int_equal(f->out.count, 3);
    const int idx[] = {3, 5, 7};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f->out.packets[i].kind, ECHO_PACKET_RTP);
        assert_int_equal(f->out.packets[i].length, sent_len[idx[i]]);
        assert_memory_equal(f->out.packets[i].data, sent[idx[i]], sent_len[idx[i]]);
    }
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.nacks_received, 1);
    assert_int_equal(st.nack_resent, 3);
    assert_int_equal(st.nack_missed, 1);
    /* too late: aged out of the history */
    echo_output_clear(&f->out);
    assert_int_equal(
        echo_handle_rtcp(f->e, buf, b.length, T0 + ECHO_HISTORY_AGE_US + 20000, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    /* a NACK for someone else's stream is ignored */
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_nack(&b, V_IN, 0x12345678u, lost, 4);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0 + 20000, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    echo_get_stats(f->e, &st);
    assert_int_equal(st.nacks_received, 2);
}

static void test_sr_mirrored_and_lsr_reported(void **state)
{
    struct fixture *f = *state;
    for (uint16_t s = 1; s <= 3; s++) send_rtp(f, APT, s, A_IN, T0 + s * 20000);
    echo_output_clear(&f->out);
    uint8_t buf[128];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    struct rtcp_sender_info si = {A_IN, 0xe73b6f1a4c6a7efaull, 123456, 50, 5000};
    rtcp_build_sr(&b, &si, NULL, 0);
    rtcp_build_sdes_cname(&b, A_IN, "their-cname");
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0 + 100000, &f->out), 0);
    const struct echo_packet *p = only_packet(f, ECHO_PACKET_RTCP);
    assert_int_equal(rtcp_parse(p->data, p->length, &f->rtcp), 0);
    assert_int_equal(f->rtcp.items[0].type, RTCP_ITEM_SR);
    const struct rtcp_sr *sr = &f->rtcp.items[0].u.sr;
    assert_int_equal(sr->ssrc, A_OUT);
    assert_true(sr->ntp == si.ntp);
    assert_int_equal(sr->rtp_timestamp, 123456);
    assert_int_equal(sr->packet_count, 3); /* ours, not theirs */
    assert_int_equal(sr->octet_count, 3 * 40);
    assert_int_equal(f->rtcp.items[1].u.sdes.ssrc, A_OUT);
    assert_string_equal(f->rtcp.items[1].u.sdes.cname, "test-cname");
    /* an SR from an unknown SSRC is not mirrored */
    echo_output_clear(&f->out);
    si.ssrc = 0x31337u;
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_sr(&b, &si, NULL, 0);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0 + 100000, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    /* the next RR carries LSR/DLSR for the audio stream */
    echo_tick(f->e, T0 + 600000, &f->out);
    p = only_packet(f, ECHO_PACKET_RTCP);
    assert_int_equal(rtcp_parse(p->data, p->length, &f->rtcp), 0);
    assert_int_equal(f->rtcp.items[0].type, RTCP_ITEM_RR);
    assert_int_equal(f->rtcp.items[0].u.rr.block_count, 1);
    const struct rtcp_report_block *rb = &f->rtcp.items[0].u.rr.blocks[0];
    assert_int_equal(rb->ssrc, A_IN);
    assert_int_equal(rb->lsr, (uint32_t)(0xe73b6f1a4c6a7efaull >> 16));
    assert_int_equal(rb->dlsr, 32768); /* 0.5 s */
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.srs_mirrored, 1);
}

static void test_tick_rr_interval(void **state)
{
    struct fixture *f = *state;
    echo_tick(f->e, T0, &f->out);
    assert_int_equal(f->out.count, 0); /* nothing heard: nothing to report */
    for (uint16_t s = 10; s < 20; s++) {
        if (s != 15) send_rtp(f, VPT, s, V_IN, T0 + s * 1000);
        send_rtp(f, APT, s, A_IN, T0 + s * 1000);
    }
    echo_output_clear(&f->out);
    echo_tick(f->e, T0 + 50000, &f->out);
    const struct echo_packet *p = only_packet(f, ECHO_PACKET_RTCP);
    assert_int_equal(rtcp_parse(p->data, p->length, &f->rtcp), 0);
    assert_int_equal(f->rtcp.count, 2);
    assert_int_equal(f->rtcp.items[0].u.rr.ssrc, V_OUT);
    assert_int_equal(f->rtcp.items[0].u.rr.block_count, 2);
    const struct rtcp_report_block *a = &f->rtcp.items[0].u.rr.blocks[0];
    const struct rtcp_report_block *v = &f->rtcp.items[0].u.rr.blocks[1];
    assert_int_equal(a->ssrc, A_IN);
    assert_int_equal(a->cumulative_lost, 0);
    assert_int_equal(a->ext_highest_seq, 19);
    assert_int_equal(v->ssrc, V_IN);
    assert_int_equal(v->cumulative_lost, 1);
    assert_true(v->fraction_lost > 0);
    assert_int_equal(f->rtcp.items[1].type, RTCP_ITEM_SDES);
    echo_output_clear(&f->out);
    echo_tick(f->e, T0 + 50000 + ECHO_RR_INTERVAL_US - 1, &f->out);
    assert_int_equal(f->out.count, 0);
    echo_tick(f->e, T0 + 50000 + ECHO_RR_INTERVAL_US, &f->out);
    assert_int_equal(f->out.count, 1);
}

static void test_garbage_rtcp_counted(void **state)
{
    struct fixture *f = *state;
    const uint8_t junk[][8] = {
        {0x80, 201, 0, 9, 0, 0, 0, 1}, /* length past end */
        {0x00, 0, 0, 0, 0, 0, 0, 0},   /* version 0 */
        {0x81, 206, 0, 1, 0, 0, 0, 1}, /* PLI without media SSRC */
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(echo_handle_rtcp(f->e, junk[i], sizeof junk[i], T0, &f->out), -1);
    assert_int_equal(echo_handle_rtcp(f->e, junk[0], 3, T0, &f->out), -1);
    assert_int_equal(echo_handle_rtcp(f->e, NULL, 0, T0, &f->out), -1);
    /* REMB, RR, transport-cc: counted, no output */
    uint8_t buf[128];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    rtcp_build_rr(&b, V_IN, NULL, 0);
    rtcp_build_remb(&b, V_IN, 500000, (const uint32_t[]){V_OUT}, 1);
    assert_int_equal(echo_handle_rtcp(f->e, buf, b.length, T0, &f->out), 0);
    assert_int_equal(f->out.count, 0);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.rtcp_malformed, 5);
    assert_int_equal(st.rtcp_in, 6);
    assert_int_equal(st.rr_received, 1);
    assert_int_equal(st.remb_received, 1);
}

static void test_full_output_counted(void **state)
{
    struct fixture *f = *state;
    for (uint16_t s = 0; s < ECHO_OUTPUT_MAX; s++)
        assert_int_equal(send_rtp(f, APT, s, A_IN, T0), 0);
    assert_int_equal(send_rtp(f, APT, ECHO_OUTPUT_MAX, A_IN, T0), -1);
    assert_int_equal(f->out.count, ECHO_OUTPUT_MAX);
    assert_int_equal(f->out.overflow, 1);
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.output_overflow, 1);
    assert_int_equal(st.rtp_out, ECHO_OUTPUT_MAX);
}

static void test_bad_config(void **state)
{
    (void)state;
    assert_null(echo_new(NULL));
    struct echo_config none = {0};
    assert_null(echo_new(&none));
    struct echo_config no_ssrc = {.audio_pt = APT};
    assert_null(echo_new(&no_ssrc));
    struct echo_config same_pt = {
        .audio_pt = 96, .video_pt = 96, .audio_out_ssrc = 1, .video_out_ssrc = 2};
    assert_null(echo_new(&same_pt));
    struct echo_config bad_pt = {.audio_pt = 200, .audio_out_ssrc = 1};
    assert_null(echo_new(&bad_pt));
    struct echo_config audio_only = {.audio_pt = APT, .audio_out_ssrc = 1, .video_nack = true};
    struct echo *e = echo_new(&audio_only);
    assert_non_null(e);
    echo_free(e);
    echo_free(NULL);
}

/* Random bytes into both entry points: never a crash, every packet accounted for. */
static void test_random_input_accounted(void **state)
{
    struct fixture *f = *state;
    uint32_t x = 12345;
    send_rtp(f, VPT, 1, V_IN, T0);
    for (int i = 0; i < 20000; i++) {
        uint8_t buf[200];
        size_t n = 0;
        x = x * 1103515245u + 12345u;
        n = (x >> 8) % sizeof buf;
        for (size_t k = 0; k < n; k++) {
            x = x * 1103515245u + 12345u;
            buf[k] = (uint8_t)(x >> 16);
        }
        if (n > 0 && i % 2) buf[0] = (uint8_t)(0x80 | (buf[0] & 0x3f)); /* often version 2 */
        uint8_t *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        echo_output_clear(&f->out);
        if (i % 4 < 2)
            echo_handle_rtcp(f->e, exact, n, T0 + i, &f->out);
        else
            echo_handle_rtp(f->e, exact, n, T0 + i, &f->out);
        free(exact);
        for (size_t k = 0; k < f->out.count; k++)
            assert_true(f->out.packets[k].length <= ECHO_PACKET_MAX);
    }
    struct echo_stats st;
    echo_get_stats(f->e, &st);
    assert_int_equal(st.rtcp_in, 10000);
    assert_int_equal(st.rtp_in, 10001);
    assert_int_equal(st.rtp_in, st.dropped_pt + st.dropped_ssrc + st.dropped_malformed +
                                    st.output_overflow + (st.rtp_out - st.nack_resent));
    assert_true(st.rtcp_malformed > 0);
}

/* With the transport-wide-cc extension: every packet's arrival (an unknown payload
 * type too) is recorded, and RR + SDES + transport-cc goes out at most every 50 ms. */
static void test_transport_cc(void **state)
{
    (void)state;
    struct echo_config cfg = {.audio_pt = APT, .audio_out_ssrc = A_OUT, .transport_cc_ext_id = 5};
    struct echo *e = echo_new(&cfg);
    struct echo_output *out = calloc(1, sizeof *out);
    struct rtcp_compound *c = calloc(1, sizeof *c);
    assert_non_null(e);
    size_t feedback = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t pkt[128];
        size_t n = rtp_write_header(pkt, false, i == 2 ? 99 : APT, (uint16_t)i, 960u * i, A_IN);
        pkt[0] |= 0x10;
        const uint8_t ext[] = {0xbe, 0xde, 0x00, 0x01, 0x51, 0x12, (uint8_t)(0x30 + i), 0x00};
        memcpy(pkt + n, ext, sizeof ext);
        memset(pkt + n + sizeof ext, 0xaa, 20);
        echo_handle_rtp(e, pkt, n + sizeof ext + 20, T0 + i * 20000, out);
        for (size_t k = 0; k < out->count; k++) {
            if (out->packets[k].kind != ECHO_PACKET_RTCP) continue;
            assert_int_equal(rtcp_parse(out->packets[k].data, out->packets[k].length, c), 0);
            assert_int_equal(c->items[0].type, RTCP_ITEM_RR);
            assert_int_equal(c->items[1].type, RTCP_ITEM_SDES);
            assert_int_equal(c->items[2].type, RTCP_ITEM_TRANSPORT_CC);
            if (feedback > 0) /* the first one is sent before the SSRC is learnt */
                assert_int_equal(c->items[2].u.transport_cc.media_ssrc, A_IN);
            feedback++;
        }
        echo_output_clear(out);
    }
    /* at 0 (the first packet), 60 ms and 120 ms; the rest at the next tick */
    assert_int_equal(feedback, 3);
    echo_tick(e, T0 + 150000, out);
    assert_true(out->count >= 1);
    assert_int_equal(out->packets[0].kind, ECHO_PACKET_RTCP);
    struct echo_stats st;
    echo_get_stats(e, &st);
    assert_int_equal(st.transport_cc_sent, 4);
    free(c);
    free(out);
    echo_free(e);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ssrc_rewrite_keeps_the_rest),
        T(test_unknown_pt_and_bad_rtp_dropped),
        T(test_second_ssrc_dropped_until_first_goes_quiet),
        cmocka_unit_test(test_ssrc_hint),
        T(test_pli_translated),
        T(test_fir_translated),
        T(test_nack_answered_from_history),
        T(test_sr_mirrored_and_lsr_reported),
        T(test_tick_rr_interval),
        T(test_garbage_rtcp_counted),
        T(test_full_output_counted),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_transport_cc),
        T(test_random_input_accounted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
