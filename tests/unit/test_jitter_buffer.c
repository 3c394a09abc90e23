/* test_jitter_buffer.c - reordering, duplicates, loss, wrap-around, deadlines, NACK,
 * keyframe requests, the lip-sync delay floor and bounded memory (mixer/rtp/jitter_buffer.c). Time is driven by the
 * test: every call gets its `now`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/jitter_buffer.h"
#include "mixer/rtp/rtp.h"
#include "tests/unit/rtp_fixture.h"

#define FRAME_TICKS 3000 /* 30 fps at 90 kHz */
#define FRAME_US    33333
#define MS          1000

/* A synthetic VP8 packet: descriptor S=1/PID 0 and a frame tag on a frame's first
 * packet (P=0 for a keyframe), a continuation descriptor otherwise. */
static size_t vp8_packet(uint8_t *buf, uint16_t seq, uint32_t ts, bool first, bool last,
                         bool keyframe)
{
    size_t n = rtp_write_header(buf, last, 96, seq, ts, 0x1234);
    buf[n++] = first ? 0x10 : 0x00;
    buf[n++] = first ? (keyframe ? 0x00 : 0x01) : 0xAA;
    buf[n++] = (uint8_t)seq;
    return n;
}

/* Packet `index` (0..per_frame-1) of video frame `frame`. */
static size_t frame_packet(uint8_t *buf, uint16_t seq0, uint32_t ts0, int frame, int index,
                           int per_frame, bool keyframe)
{
    return vp8_packet(buf, (uint16_t)(seq0 + frame * per_frame + index),
                      ts0 + (uint32_t)frame * FRAME_TICKS, index == 0, index == per_frame - 1,
                      keyframe);
}

static struct jitter_buffer *video_buffer(int64_t min_delay, unsigned nacks)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_VP8, &c);
    c.min_delay_us = min_delay;
    c.max_nacks = nacks;
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    assert_non_null(jb);
    return jb;
}

static void push_frame(struct jitter_buffer *jb, uint16_t seq0, uint32_t ts0, int frame,
                       int per_frame, bool keyframe, int64_t now, int skip_index)
{
    uint8_t buf[64];
    for (int i = 0; i < per_frame; i++) {
        if (i == skip_index) continue;
        size_t n = frame_packet(buf, seq0, ts0, frame, i, per_frame, keyframe);
        assert_int_equal(jitter_buffer_push(jb, buf, n, now), 0);
    }
}

static void expect_frame(struct jitter_buffer *jb, int64_t now, uint32_t ts, size_t packets)
{
    struct jitter_frame f;
    assert_int_equal(jitter_buffer_pull(jb, now, &f), 1);
    assert_int_equal(f.rtp_timestamp, ts);
    assert_int_equal(f.packet_count, packets);
    assert_false(f.lost);
    for (size_t i = 1; i < f.packet_count; i++)
        assert_int_equal((uint16_t)(f.packets[i].sequence - f.packets[i - 1].sequence), 1);
    struct rtp_header h;
    assert_int_equal(rtp_parse(f.packets[packets - 1].data, f.packets[packets - 1].size, &h), 0);
    assert_true(h.marker);
}

static void expect_nothing(struct jitter_buffer *jb, int64_t now)
{
    struct jitter_frame f;
    assert_int_equal(jitter_buffer_pull(jb, now, &f), 0);
}

static void test_in_order(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 0);
    for (int k = 0; k < 20; k++) {
        int64_t now = k * FRAME_US;
        push_frame(jb, 100, 9000, k, 3, k == 0, now, -1);
        expect_frame(jb, now, 9000 + (uint32_t)k * FRAME_TICKS, 3);
        expect_nothing(jb, now);
    }
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_int_equal(s->frames, 20);
    assert_int_equal(s->lost, 0);
    assert_int_equal(s->dropped_frames, 0);
    assert_int_equal(s->buffered_packets, 0);
    assert_false(jitter_buffer_keyframe_request(jb, 0));
    jitter_buffer_free(jb);
}

static void test_reordered_and_duplicated(void **state)
{
    struct jitter_buffer *jb = video_buffer(30 * MS, 0);
    uint8_t buf[64];
    /* Frames 0 and 1, 3 packets each, arrive as 1:2 0:1 1:0 0:0 0:2 1:1 0:1(dup). */
    const int order[][2] = {{1, 2}, {0, 1}, {1, 0}, {0, 0}, {0, 2}, {1, 1}};
    for (size_t i = 0; i < 6; i++) {
        size_t n = frame_packet(buf, 500, 0, order[i][0], order[i][1], 3, order[i][0] == 0);
        assert_int_equal(jitter_buffer_push(jb, buf, n, (int64_t)i * MS), 0);
    }
    size_t n = frame_packet(buf, 500, 0, 0, 1, 3, true);
    assert_int_equal(jitter_buffer_push(jb, buf, n, 6 * MS), -1);
    assert_int_equal(jitter_buffer_stats(jb)->duplicates, 1);
    expect_frame(jb, 100 * MS, 0, 3);
    expect_frame(jb, 100 * MS, FRAME_TICKS, 3);
    /* A copy of a packet already handed out is late. */
    assert_int_equal(jitter_buffer_push(jb, buf, n, 101 * MS), -1);
    assert_int_equal(jitter_buffer_stats(jb)->late, 1);
    assert_int_equal(jitter_buffer_stats(jb)->lost, 0);
    jitter_buffer_free(jb);
}

static void test_wraparound(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 0);
    uint16_t seq0 = 65530;
    uint32_t ts0 = UINT32_MAX - 4 * FRAME_TICKS;
    for (int k = 0; k < 10; k++) {
        int64_t now = k * FRAME_US;
        push_frame(jb, seq0, ts0, k, 4, k == 0, now, -1);
        expect_frame(jb, now, ts0 + (uint32_t)k * FRAME_TICKS, 4);
    }
    assert_int_equal(jitter_buffer_stats(jb)->frames, 10);
    assert_int_equal(jitter_buffer_stats(jb)->lost, 0);
    jitter_buffer_free(jb);
}

static void test_playout_delay_and_deadline(void **state)
{
    struct jitter_buffer *jb = video_buffer(50 * MS, 0);
    push_frame(jb, 1, 0, 0, 2, true, 0, -1);
    expect_nothing(jb, 49 * MS); /* complete, not yet due */
    expect_frame(jb, 50 * MS, 0, 2);
    /* Frame 1 is missing its first packet: it waits until its deadline, ... */
    push_frame(jb, 1, 0, 1, 2, false, FRAME_US, 0);
    expect_nothing(jb, FRAME_US + 49 * MS);
    assert_int_equal(jitter_buffer_stats(jb)->dropped_frames, 0);
    /* ... is then dropped, and a keyframe is wanted. */
    expect_nothing(jb, FRAME_US + 50 * MS);
    assert_int_equal(jitter_buffer_stats(jb)->dropped_frames, 1);
    assert_int_equal(jitter_buffer_stats(jb)->lost, 1);
    assert_true(jitter_buffer_keyframe_request(jb, FRAME_US + 50 * MS));
    jitter_buffer_free(jb);
}

static void test_loss_waits_for_keyframe_and_rate_limits_requests(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 0);
    int64_t t = 0;
    push_frame(jb, 10, 0, 0, 3, true, t, -1);
    expect_frame(jb, t, 0, 3);
    t += FRAME_US;
    push_frame(jb, 10, 0, 1, 3, false, t, 1); /* middle packet lost */
    push_frame(jb, 10, 0, 2, 3, false, t + FRAME_US, -1);
    expect_nothing(jb, t + FRAME_US); /* frame 1 dropped, frame 2 too */
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_int_equal(s->dropped_frames, 2);
    assert_int_equal(s->lost, 1);

    int64_t first_request = t + FRAME_US;
    assert_true(jitter_buffer_keyframe_request(jb, first_request));
    assert_false(jitter_buffer_keyframe_request(jb, first_request + 100 * MS));
    assert_false(jitter_buffer_keyframe_request(jb, first_request + 499 * MS));
    assert_true(jitter_buffer_keyframe_request(jb, first_request + 500 * MS));
    assert_int_equal(s->keyframe_requests, 2);

    /* Non-keyframes keep being dropped; the keyframe restarts the stream. */
    push_frame(jb, 10, 0, 3, 3, false, t + 2 * FRAME_US, -1);
    expect_nothing(jb, t + 2 * FRAME_US);
    push_frame(jb, 10, 0, 4, 3, true, t + 3 * FRAME_US, -1);
    expect_frame(jb, t + 3 * FRAME_US, 4 * FRAME_TICKS, 3);
    push_frame(jb, 10, 0, 5, 3, false, t + 4 * FRAME_US, -1);
    expect_frame(jb, t + 4 * FRAME_US, 5 * FRAME_TICKS, 3);
    assert_false(jitter_buffer_keyframe_request(jb, first_request + 2000 * MS));
    assert_int_equal(s->dropped_frames, 3);
    jitter_buffer_free(jb);
}

static void test_starts_with_keyframe(void **state)
{
    /* Joining mid-stream: the first frames are not keyframes. */
    struct jitter_buffer *jb = video_buffer(0, 0);
    push_frame(jb, 1, 0, 0, 2, false, 0, -1);
    expect_nothing(jb, 0);
    assert_true(jitter_buffer_keyframe_request(jb, 0));
    push_frame(jb, 1, 0, 1, 2, true, FRAME_US, -1);
    expect_frame(jb, FRAME_US, FRAME_TICKS, 2);
    jitter_buffer_free(jb);
}

static void test_nack_candidates(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 2);
    jitter_buffer_set_rtt(jb, 20 * MS);        /* delay becomes >= 20 ms */
    push_frame(jb, 1000, 0, 0, 5, true, 0, 2); /* seq 1002 missing */
    uint16_t seqs[8];
    assert_int_equal(jitter_buffer_nack(jb, 0, seqs, 8), 1);
    assert_int_equal(seqs[0], 1002);
    assert_int_equal(jitter_buffer_nack(jb, 5 * MS, seqs, 8), 0); /* once per RTT */
    assert_int_equal(jitter_buffer_nack(jb, 19 * MS, seqs, 8), 0);
    /* After the deadline, not any more (and not a third time anyway). */
    int64_t delay = jitter_buffer_stats(jb)->delay_us;
    assert_true(delay >= 20 * MS);
    assert_int_equal(jitter_buffer_nack(jb, delay, seqs, 8), 0);
    jitter_buffer_free(jb);

    jb = video_buffer(100 * MS, 2);
    jitter_buffer_set_rtt(jb, 20 * MS);
    push_frame(jb, 65534, 0, 0, 6, true, 0, 1);   /* 65535 missing */
    push_frame(jb, 65534, 0, 1, 6, false, MS, 3); /* 7 (after the wrap) missing */
    assert_int_equal(jitter_buffer_nack(jb, 2 * MS, seqs, 8), 2);
    assert_int_equal(seqs[0], 65535);
    assert_int_equal(seqs[1], 7);                                  /* 65534 + 6 + 3, wrapped */
    assert_int_equal(jitter_buffer_nack(jb, 22 * MS, seqs, 1), 1); /* `max` honoured */
    assert_int_equal(seqs[0], 65535);
    assert_int_equal(jitter_buffer_nack(jb, 23 * MS, seqs, 8), 1);
    assert_int_equal(seqs[0], 7);
    /* The retransmission arrives: no more NACKs for it, the frame completes. */
    uint8_t buf[64];
    size_t n = frame_packet(buf, 65534, 0, 0, 1, 6, true);
    assert_int_equal(jitter_buffer_push(jb, buf, n, 30 * MS), 0);
    assert_int_equal(jitter_buffer_nack(jb, 60 * MS, seqs, 8), 0); /* 7: nacked twice */
    assert_int_equal(jitter_buffer_stats(jb)->nacks, 4);
    expect_frame(jb, 100 * MS, 0, 6);
    jitter_buffer_free(jb);
}

static struct jitter_buffer *audio_buffer(void)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_OPUS, &c);
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    assert_non_null(jb);
    return jb;
}

static size_t opus_packet(uint8_t *buf, uint16_t seq, uint32_t ts)
{
    size_t n = rtp_write_header(buf, false, 111, seq, ts, 77);
    buf[n++] = 0xfc; /* TOC: code 0 */
    buf[n++] = (uint8_t)seq;
    return n;
}

static void test_audio_loss_reported(void **state)
{
    struct jitter_buffer *jb = audio_buffer();
    uint8_t buf[32];
    const int arrive[] = {0, 1, 3, 4}; /* packet 2 lost */
    for (int i = 0; i < 4; i++) {
        int k = arrive[i];
        size_t n = opus_packet(buf, (uint16_t)(40 + k), (uint32_t)(960 * k));
        assert_int_equal(jitter_buffer_push(jb, buf, n, k * 20 * MS), 0);
    }
    struct jitter_frame f;
    assert_int_equal(jitter_buffer_pull(jb, 19 * MS, &f), 0); /* 20 ms minimum */
    for (int k = 0; k < 5; k++) {
        int64_t now = 20 * MS + k * 20 * MS;
        assert_int_equal(jitter_buffer_pull(jb, now, &f), 1);
        assert_int_equal(f.rtp_timestamp, (uint32_t)(960 * k));
        if (k == 2) {
            assert_true(f.lost);
            assert_int_equal(f.packet_count, 0);
            assert_non_null(f.next); /* packet 3, for FEC */
            assert_int_equal(f.next->sequence, 43);
        } else {
            assert_false(f.lost);
            assert_int_equal(f.packet_count, 1);
            assert_int_equal(f.packets[0].sequence, 40 + k);
        }
        assert_int_equal(jitter_buffer_pull(jb, now, &f), 0);
    }
    /* The lost packet turning up now is late. */
    size_t n = opus_packet(buf, 42, 1920);
    assert_int_equal(jitter_buffer_push(jb, buf, n, 200 * MS), -1);
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_int_equal(s->lost, 1);
    assert_int_equal(s->loss_records, 1);
    assert_int_equal(s->late, 1);
    assert_int_equal(s->frames, 4);
    jitter_buffer_free(jb);
}

static void test_audio_reordered(void **state)
{
    struct jitter_buffer *jb = audio_buffer();
    uint8_t buf[32];
    const int arrive[] = {1, 0, 3, 2, 4};
    for (int i = 0; i < 5; i++) {
        size_t n = opus_packet(buf, (uint16_t)(65534 + arrive[i]), (uint32_t)(960 * arrive[i]));
        assert_int_equal(jitter_buffer_push(jb, buf, n, i * 20 * MS), 0);
    }
    jitter_buffer_drain(jb);
    struct jitter_frame f;
    for (int k = 0; k < 5; k++) {
        assert_int_equal(jitter_buffer_pull(jb, 0, &f), 1);
        assert_false(f.lost);
        assert_int_equal(f.packets[0].sequence, (uint16_t)(65534 + k));
    }
    assert_int_equal(jitter_buffer_pull(jb, 0, &f), 0);
    assert_int_equal(jitter_buffer_stats(jb)->lost, 0);
    jitter_buffer_free(jb);
}

static void test_jitter_raises_delay_within_bounds(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 0);
    /* Arrivals off by up to +-30 ms around the frame clock. */
    unsigned seed = 7;
    for (int k = 0; k < 200; k++) {
        seed = seed * 1103515245u + 12345u;
        int64_t wobble = (int64_t)((seed >> 8) % 60000) - 30000;
        push_frame(jb, 1, 0, k, 1, k == 0, 100 * MS + k * FRAME_US + wobble, -1);
    }
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_true(s->jitter_us > 5 * MS);
    assert_int_equal(s->delay_us, s->jitter_us * 4 > 200 * MS ? 200 * MS : s->jitter_us * 4);
    jitter_buffer_free(jb);

    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_VP8, &c);
    c.max_delay_us = 10 * MS;
    jb = jitter_buffer_new(&c);
    for (int k = 0; k < 50; k++)
        push_frame(jb, 1, 0, k, 1, k == 0, (k % 2) * 40 * MS + k * FRAME_US, -1);
    assert_int_equal(jitter_buffer_stats(jb)->delay_us, 10 * MS);
    jitter_buffer_free(jb);
}

/* Lip sync: a floor raises the delay (and the playout time) without changing the
 * delay the stream needs by itself; it never passes max_delay_us; 0 removes it. */
static void test_delay_floor(void **state)
{
    struct jitter_buffer *jb = audio_buffer();
    uint8_t buf[32];
    for (int k = 0; k < 3; k++) {
        size_t n = opus_packet(buf, (uint16_t)k, (uint32_t)(960 * k));
        assert_int_equal(jitter_buffer_push(jb, buf, n, k * 20 * MS), 0);
    }
    assert_int_equal(jitter_buffer_own_delay(jb), 20 * MS); /* the audio minimum */
    assert_int_equal(jitter_buffer_stats(jb)->delay_us, 20 * MS);
    jitter_buffer_set_delay_floor(jb, 70 * MS);
    assert_int_equal(jitter_buffer_stats(jb)->delay_us, 70 * MS);
    assert_int_equal(jitter_buffer_own_delay(jb), 20 * MS);
    struct jitter_frame f;
    assert_int_equal(jitter_buffer_pull(jb, 69 * MS, &f), 0); /* packet 0 waits for the floor */
    assert_int_equal(jitter_buffer_pull(jb, 70 * MS, &f), 1);
    assert_int_equal(f.packets[0].sequence, 0);
    jitter_buffer_set_delay_floor(jb, 900 * MS); /* clamped to max */
    assert_int_equal(jitter_buffer_stats(jb)->delay_us, 200 * MS);
    jitter_buffer_set_delay_floor(jb, 0);
    assert_int_equal(jitter_buffer_stats(jb)->delay_us, 20 * MS);
    jitter_buffer_free(jb);
}

static void test_bounded_memory_under_flood(void **state)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_VP8, &c);
    c.max_packets = 64;
    c.max_bytes = 16 * 1024;
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    uint8_t *buf = malloc(20000);
    unsigned seed = 99;
    size_t refused = 0;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t size = 13 + (seed >> 4) % (i % 100 == 0 ? 19000 : 1200);
        for (size_t k = 0; k < size; k++) buf[k] = (uint8_t)(seed >> (k % 24));
        uint16_t seq = (uint16_t)(i % 7 == 0 ? seed >> 16 : (unsigned)i); /* some wild jumps */
        rtp_write_header(buf, (seed & 3) == 0, 96, seq, (uint32_t)(i / 3) * 3000, 5);
        if (jitter_buffer_push(jb, buf, size, i * 100) < 0) refused++;
        const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
        assert_true(s->buffered_packets <= c.max_packets);
        assert_true(s->buffered_bytes <= c.max_bytes);
        if (i % 10 == 0) {
            struct jitter_frame f;
            while (jitter_buffer_pull(jb, i * 100, &f) == 1) assert_true(f.packet_count > 0);
            uint16_t seqs[32];
            jitter_buffer_nack(jb, i * 100, seqs, 32);
        }
    }
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_true(s->overflow > 0);
    assert_true(s->malformed > 0); /* larger than max_bytes */
    assert_true(refused > 0);
    /* Garbage that is not RTP at all. */
    assert_int_equal(jitter_buffer_push(jb, (const uint8_t *)"\x01\x02", 2, 0), -1);
    free(buf);
    jitter_buffer_free(jb);
}

static void test_flood_without_pulling(void **state)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_VP8, &c);
    c.max_packets = 100;
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    uint8_t buf[64];
    for (int k = 0; k < 1000; k++) push_frame(jb, 0, 0, k, 2, k % 50 == 0, 0, -1);
    const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
    assert_true(s->buffered_packets <= 100);
    assert_int_equal(s->overflow, 2000 - s->buffered_packets);
    assert_true(jitter_buffer_keyframe_request(jb, 0));
    (void)buf;
    jitter_buffer_free(jb);
}

static void test_release_when_complete_and_drain(void **state)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_VP8, &c);
    c.release_when_complete = true;
    c.min_delay_us = 150 * MS;
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    /* An offline tool: all packets "arrive" at time 0, frames come out at once. */
    for (int k = 0; k < 5; k++) push_frame(jb, 7, 0, k, 3, k == 0, 0, k == 2 ? 1 : -1);
    push_frame(jb, 7, 0, 5, 3, true, 0, -1);
    expect_frame(jb, 0, 0, 3);
    expect_frame(jb, 0, FRAME_TICKS, 3);
    expect_nothing(jb, 0);                   /* frame 2 incomplete, not due */
    jitter_buffer_drain(jb);                 /* end of input */
    expect_frame(jb, 0, 5 * FRAME_TICKS, 3); /* 2 dropped, 3 and 4 not keyframes */
    expect_nothing(jb, 0);
    assert_int_equal(jitter_buffer_stats(jb)->dropped_frames, 3);
    assert_int_equal(jitter_buffer_stats(jb)->buffered_packets, 0);
    jitter_buffer_free(jb);
}

static void test_sender_restart(void **state)
{
    struct jitter_buffer *jb = video_buffer(0, 0);
    for (int k = 0; k < 5; k++) {
        push_frame(jb, 40000, 0, k, 2, k == 0, k * FRAME_US, -1);
        expect_frame(jb, k * FRAME_US, (uint32_t)k * FRAME_TICKS, 2);
    }
    /* The sender restarts 30000 sequence numbers back, with new timestamps: the
     * first 15 packets look late, the 16th starts the stream over. */
    uint8_t buf[64];
    int64_t t = 10 * FRAME_US;
    int late = 0;
    for (int k = 0; k < 10; k++) {
        for (int i = 0; i < 2; i++) {
            size_t n = frame_packet(buf, 10000, 777, k, i, 2, k == 0 || k == 9);
            if (jitter_buffer_push(jb, buf, n, t + k * FRAME_US) < 0) late++;
        }
    }
    assert_int_equal(late, 15);
    assert_int_equal(jitter_buffer_stats(jb)->late, 15);
    /* Frame 7 lost its head in the restart, frame 8 is no keyframe: frame 9 is next. */
    struct jitter_frame f;
    int frames = 0;
    while (jitter_buffer_pull(jb, t + 12 * FRAME_US, &f) == 1) {
        assert_int_equal(f.rtp_timestamp, 777 + 9 * FRAME_TICKS);
        frames++;
    }
    assert_int_equal(frames, 1);
    jitter_buffer_free(jb);
}

static void test_bad_config_refused(void **state)
{
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_OPUS, &c);
    c.min_delay_us = 300 * MS;
    assert_null(jitter_buffer_new(&c));
    jitter_buffer_default_config(MEDIA_CODEC_OPUS, &c);
    c.max_packets = 0;
    assert_null(jitter_buffer_new(&c));
    jitter_buffer_default_config(MEDIA_CODEC_NONE, &c);
    assert_null(jitter_buffer_new(&c));
}

/* The H.264 capture, with neighbours swapped (so a packet is late by up to a frame
 * interval, within the 100 ms delay) and duplicates, through jitter buffer and
 * depacketizer: every frame comes out whole and in order. */
static void test_fixture_through_buffer_and_depacketizer(void **state)
{
    struct rtp_fixture f;
    assert_int_equal(rtp_fixture_load("tests/fixtures/rtp/h264.rtp", &f), 0);
    size_t *order = malloc(f.count * sizeof(*order));
    for (size_t i = 0; i < f.count; i++) order[i] = i;
    for (size_t i = 0; i + 1 < f.count; i += 2) { /* swap neighbours */
        size_t t = order[i];
        order[i] = order[i + 1];
        order[i + 1] = t;
    }
    int markers = 0;
    for (size_t i = 0; i < f.count; i++) {
        struct rtp_header h;
        rtp_parse(f.packet[i], f.length[i], &h);
        markers += h.marker;
    }
    struct jitter_buffer_config c;
    jitter_buffer_default_config(MEDIA_CODEC_H264, &c);
    c.min_delay_us = 100 * MS;
    struct jitter_buffer *jb = jitter_buffer_new(&c);
    struct depacketizer *d = depacketizer_new(MEDIA_CODEC_H264);
    int frames = 0;
    uint32_t last_ts = 0, first_ts = 0;
    int64_t now = 0;
    for (size_t i = 0; i < f.count; i++) {
        /* A packet arrives after it was sent (at its media time), a few ms late, and
         * after the packets before it in arrival order. */
        struct rtp_header h;
        rtp_parse(f.packet[order[i]], f.length[order[i]], &h);
        if (i == 0) first_ts = h.timestamp - 3000; /* frame 0 sent at 33 ms */
        int64_t arrival =
            (int64_t)(uint32_t)(h.timestamp - first_ts) * 1000 / 90 + (int64_t)(i % 4) * MS;
        if (arrival > now) now = arrival;
        jitter_buffer_push(jb, f.packet[order[i]], f.length[order[i]], now);
        if (i % 5 == 0) jitter_buffer_push(jb, f.packet[order[i]], f.length[order[i]], now);
        struct jitter_frame jf;
        while (jitter_buffer_pull(jb, now, &jf) == 1) {
            for (size_t k = 0; k < jf.packet_count; k++)
                assert_int_equal(depacketizer_push(d, jf.packets[k].data, jf.packets[k].size), 0);
            struct encoded_frame ef;
            assert_int_equal(depacketizer_pull(d, &ef), 1);
            if (frames > 0) assert_true(ef.rtp_timestamp > last_ts);
            last_ts = ef.rtp_timestamp;
            frames++;
        }
    }
    jitter_buffer_drain(jb);
    struct jitter_frame jf;
    while (jitter_buffer_pull(jb, 0, &jf) == 1) {
        for (size_t k = 0; k < jf.packet_count; k++)
            depacketizer_push(d, jf.packets[k].data, jf.packets[k].size);
        struct encoded_frame ef;
        assert_int_equal(depacketizer_pull(d, &ef), 1);
        frames++;
    }
    assert_int_equal(frames, markers);
    assert_true(jitter_buffer_stats(jb)->duplicates > 0);
    assert_int_equal(jitter_buffer_stats(jb)->lost, 0);
    assert_int_equal(depacketizer_stats(d)->dropped_nal_units, 0);
    depacketizer_free(d);
    jitter_buffer_free(jb);
    free(order);
    rtp_fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_reordered_and_duplicated),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_playout_delay_and_deadline),
        cmocka_unit_test(test_loss_waits_for_keyframe_and_rate_limits_requests),
        cmocka_unit_test(test_starts_with_keyframe),
        cmocka_unit_test(test_nack_candidates),
        cmocka_unit_test(test_audio_loss_reported),
        cmocka_unit_test(test_audio_reordered),
        cmocka_unit_test(test_jitter_raises_delay_within_bounds),
        cmocka_unit_test(test_delay_floor),
        cmocka_unit_test(test_bounded_memory_under_flood),
        cmocka_unit_test(test_flood_without_pulling),
        cmocka_unit_test(test_release_when_complete_and_drain),
        cmocka_unit_test(test_sender_restart),
        cmocka_unit_test(test_bad_config_refused),
        cmocka_unit_test(test_fixture_through_buffer_and_depacketizer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
