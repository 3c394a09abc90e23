/* test_packetizer.c - frames to RTP packets (mixer/packetizer*.c): packetize then
 * depacketize gives the input back; MTU, markers, sequence numbers and timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/rtp/rtp.h"
#include "tests/unit/rtp_fixture.h"

#define MAX_FRAMES 64

/* Frames copied out of a capture by the depacketizer. */
struct frame_list {
    size_t count;
    struct encoded_frame frame[MAX_FRAMES];
};

static void frames_from_fixture(const char *path, enum media_codec codec, struct frame_list *out)
{
    struct rtp_fixture f;
    assert_int_equal(rtp_fixture_load(path, &f), 0);
    struct depacketizer *d = depacketizer_new(codec);
    out->count = 0;
    for (size_t i = 0; i < f.count; i++) {
        depacketizer_push(d, f.packet[i], f.length[i]);
        struct encoded_frame fr;
        if (depacketizer_pull(d, &fr) == 1 && out->count < MAX_FRAMES) {
            uint8_t *copy = malloc(fr.size);
            memcpy(copy, fr.data, fr.size);
            fr.data = copy;
            out->frame[out->count++] = fr;
        }
    }
    depacketizer_free(d);
    rtp_fixture_free(&f);
    assert_true(out->count >= 10);
}

static void frames_free(struct frame_list *l)
{
    for (size_t i = 0; i < l->count; i++) free((void *)l->frame[i].data);
    l->count = 0;
}

struct roundtrip_counts {
    size_t packets;
    size_t stap_a, fu_a, single; /* H.264 payload kinds seen */
};

/* Packetizes every frame, checks each packet's header, depacketizes, compares. */
static void roundtrip(const struct packetizer_config *cfg, const struct frame_list *frames,
                      struct roundtrip_counts *counts)
{
    struct packetizer *p = packetizer_new(cfg);
    assert_non_null(p);
    struct depacketizer *d = depacketizer_new(cfg->codec);
    size_t mtu = cfg->mtu ? cfg->mtu : PACKETIZER_DEFAULT_MTU;
    bool video = media_codec_kind(cfg->codec) == MEDIA_VIDEO;
    uint16_t expected_seq = cfg->first_sequence;
    memset(counts, 0, sizeof(*counts));
    for (size_t i = 0; i < frames->count; i++) {
        const struct encoded_frame *in = &frames->frame[i];
        int n = packetizer_push(p, in);
        assert_true(n >= 1);
        const uint8_t *pkt;
        size_t len;
        int pulled = 0;
        while (packetizer_pull(p, &pkt, &len) == 1) {
            pulled++;
            assert_true(len <= mtu);
            struct rtp_header h;
            assert_int_equal(rtp_parse(pkt, len, &h), 0);
            assert_int_equal(h.sequence, expected_seq);
            expected_seq++;
            assert_int_equal(h.timestamp, in->rtp_timestamp);
            assert_int_equal(h.ssrc, cfg->ssrc);
            assert_int_equal(h.payload_type, cfg->payload_type);
            if (video) assert_int_equal(h.marker, pulled == n);
            if (cfg->codec == MEDIA_CODEC_VP8) {
                uint16_t pid = (uint16_t)(((h.payload[2] & 0x7f) << 8) | h.payload[3]);
                assert_int_equal(pid, (cfg->first_picture_id + i) & 0x7fff);
                assert_int_equal((h.payload[0] & 0x10) != 0, pulled == 1); /* S */
            }
            if (cfg->codec == MEDIA_CODEC_H264) {
                uint8_t type = h.payload[0] & 0x1f;
                if (type == 24)
                    counts->stap_a++;
                else if (type == 28)
                    counts->fu_a++;
                else
                    counts->single++;
            }
            counts->packets++;
            assert_int_equal(depacketizer_push(d, pkt, len), 0);
        }
        assert_int_equal(pulled, n);
        assert_int_equal(packetizer_next_sequence(p), expected_seq);
        struct encoded_frame out;
        assert_int_equal(depacketizer_pull(d, &out), 1);
        assert_int_equal(out.size, in->size);
        assert_memory_equal(out.data, in->data, in->size);
        assert_int_equal(out.rtp_timestamp, in->rtp_timestamp);
        assert_int_equal(out.keyframe, in->keyframe);
    }
    const struct packetizer_stats *s = packetizer_stats(p);
    assert_int_equal(s->frames, frames->count);
    assert_int_equal(s->packets, counts->packets);
    assert_int_equal(s->refused_frames, 0);
    depacketizer_free(d);
    packetizer_free(p);
}

static void test_vp8_roundtrip(void **state)
{
    struct frame_list frames;
    frames_from_fixture("tests/fixtures/rtp/vp8.rtp", MEDIA_CODEC_VP8, &frames);
    struct roundtrip_counts counts;
    /* Small MTU, sequence numbers and picture IDs that wrap during the run. */
    struct packetizer_config cfg = {.codec = MEDIA_CODEC_VP8,
                                    .ssrc = 0x11223344,
                                    .payload_type = 96,
                                    .first_sequence = 65530,
                                    .first_picture_id = 0x7ffa,
                                    .mtu = 120};
    roundtrip(&cfg, &frames, &counts);
    assert_true(counts.packets > 2 * frames.count);
    cfg.mtu = 0; /* default 1200 */
    roundtrip(&cfg, &frames, &counts);
    assert_int_equal(counts.packets, frames.count); /* these small frames fit */
    frames_free(&frames);
}

static void test_h264_roundtrip(void **state)
{
    struct frame_list frames;
    frames_from_fixture("tests/fixtures/rtp/h264.rtp", MEDIA_CODEC_H264, &frames);
    struct roundtrip_counts counts;
    struct packetizer_config cfg = {.codec = MEDIA_CODEC_H264,
                                    .ssrc = 7,
                                    .payload_type = 102,
                                    .first_sequence = 65000,
                                    .mtu = 200};
    roundtrip(&cfg, &frames, &counts);
    assert_true(counts.fu_a > 0);
    assert_true(counts.single > 0);
    assert_int_equal(counts.stap_a, 0);
    cfg.h264_stap_a = true;
    roundtrip(&cfg, &frames, &counts);
    assert_true(counts.stap_a > 0); /* SPS + PPS at least */
    assert_true(counts.fu_a > 0);
    frames_free(&frames);
}

static void test_h264_three_byte_start_codes(void **state)
{
    /* 3-byte start codes and a trailing zero: the depacketizer writes 4-byte codes. */
    static const uint8_t in[] = {0,    0,    1,    0x67, 0x42, 0x00, 0x1e, 0,    0,    1,    0x68,
                                 0xce, 0x3c, 0x80, 0,    0,    0,    1,    0x65, 0x88, 0x84, 0x21};
    static const uint8_t want[] = {0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1e,
                                   0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80,
                                   0, 0, 0, 1, 0x65, 0x88, 0x84, 0x21};
    struct packetizer_config cfg = {
        .codec = MEDIA_CODEC_H264, .payload_type = 100, .h264_stap_a = true};
    struct packetizer *p = packetizer_new(&cfg);
    struct encoded_frame f = {
        .codec = MEDIA_CODEC_H264, .data = in, .size = sizeof in, .rtp_timestamp = 3000};
    assert_int_equal(packetizer_push(p, &f), 1); /* one STAP-A with all three */
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(packetizer_pull(p, &pkt, &len), 1);
    assert_int_equal(pkt[RTP_HEADER_MIN] & 0x1f, 24);
    struct depacketizer *d = depacketizer_new(MEDIA_CODEC_H264);
    assert_int_equal(depacketizer_push(d, pkt, len), 0);
    struct encoded_frame out;
    assert_int_equal(depacketizer_pull(d, &out), 1);
    assert_int_equal(out.size, sizeof want);
    assert_memory_equal(out.data, want, sizeof want);
    assert_true(out.keyframe);
    depacketizer_free(d);
    packetizer_free(p);
}

static void test_large_frame_split_evenly(void **state)
{
    size_t size = 100000;
    uint8_t *data = malloc(size);
    for (size_t i = 0; i < size; i++) data[i] = (uint8_t)(i * 7 + 1);
    data[0] = 0x01; /* VP8 interframe tag */
    struct packetizer_config cfg = {.codec = MEDIA_CODEC_VP8, .payload_type = 96};
    struct packetizer *p = packetizer_new(&cfg);
    struct encoded_frame f = {.codec = MEDIA_CODEC_VP8, .data = data, .size = size};
    int n = packetizer_push(p, &f);
    size_t room = PACKETIZER_DEFAULT_MTU - RTP_HEADER_MIN - 4;
    assert_int_equal(n, (int)((size + room - 1) / room));
    const uint8_t *pkt;
    size_t len, smallest = SIZE_MAX, largest = 0;
    while (packetizer_pull(p, &pkt, &len) == 1) {
        assert_true(len <= PACKETIZER_DEFAULT_MTU);
        if (len < smallest) smallest = len;
        if (len > largest) largest = len;
    }
    assert_true(largest - smallest <= 1);
    packetizer_free(p);
    free(data);
}

static void test_audio_roundtrip_and_limits(void **state)
{
    struct frame_list frames;
    frames_from_fixture("tests/fixtures/rtp/opus.rtp", MEDIA_CODEC_OPUS, &frames);
    struct roundtrip_counts counts;
    struct packetizer_config cfg = {.codec = MEDIA_CODEC_OPUS, .ssrc = 99, .payload_type = 111};
    roundtrip(&cfg, &frames, &counts);
    assert_int_equal(counts.packets, frames.count);
    frames_free(&frames);

    /* Marker on the first audio packet only; a frame over the MTU is refused. */
    cfg.codec = MEDIA_CODEC_PCMU;
    cfg.payload_type = 0;
    cfg.mtu = 100;
    struct packetizer *p = packetizer_new(&cfg);
    uint8_t pcm[160] = {0};
    struct encoded_frame f = {.codec = MEDIA_CODEC_PCMU, .data = pcm, .size = 80};
    const uint8_t *pkt;
    size_t len;
    struct rtp_header h;
    assert_int_equal(packetizer_push(p, &f), 1);
    assert_int_equal(packetizer_pull(p, &pkt, &len), 1);
    assert_int_equal(rtp_parse(pkt, len, &h), 0);
    assert_true(h.marker);
    f.rtp_timestamp = 80;
    assert_int_equal(packetizer_push(p, &f), 1);
    assert_int_equal(packetizer_pull(p, &pkt, &len), 1);
    assert_int_equal(rtp_parse(pkt, len, &h), 0);
    assert_false(h.marker);
    uint16_t seq = packetizer_next_sequence(p);
    f.size = sizeof pcm;
    assert_int_equal(packetizer_push(p, &f), -1);
    assert_int_equal(packetizer_pull(p, &pkt, &len), 0);
    assert_int_equal(packetizer_next_sequence(p), seq);
    assert_int_equal(packetizer_stats(p)->refused_frames, 1);
    packetizer_free(p);
}

static void test_bad_input_refused(void **state)
{
    struct packetizer_config cfg = {.codec = MEDIA_CODEC_H264, .payload_type = 96, .mtu = 10};
    assert_null(packetizer_new(&cfg)); /* MTU below the minimum */
    cfg.mtu = 0;
    cfg.payload_type = 200;
    assert_null(packetizer_new(&cfg));
    cfg.payload_type = 96;
    struct packetizer *p = packetizer_new(&cfg);
    static const uint8_t no_start_code[] = {0x65, 1, 2, 3};
    static const uint8_t only_zeros[] = {0, 0, 1, 0, 0, 0, 0};
    struct encoded_frame f = {
        .codec = MEDIA_CODEC_H264, .data = no_start_code, .size = sizeof no_start_code};
    assert_int_equal(packetizer_push(p, &f), -1);
    f.data = only_zeros;
    f.size = sizeof only_zeros;
    assert_int_equal(packetizer_push(p, &f), -1);
    f.size = 0;
    assert_int_equal(packetizer_push(p, &f), -1);
    f.codec = MEDIA_CODEC_VP8; /* not this packetizer's codec */
    f.data = no_start_code;
    f.size = sizeof no_start_code;
    assert_int_equal(packetizer_push(p, &f), -1);
    assert_int_equal(packetizer_stats(p)->refused_frames, 4);
    assert_int_equal(packetizer_stats(p)->packets, 0);
    packetizer_free(p);
}

/* The fan-out's picture ID rewrite: only the packetizer's own descriptor form. */
static void test_vp8_set_picture_id(void **state)
{
    (void)state;
    uint8_t payload[6] = {0x90, 0x80, 0x80 | 0x12, 0x34, 0xaa, 0xbb};
    assert_true(packetizer_vp8_set_picture_id(payload, sizeof payload, 0x7abc));
    assert_int_equal(payload[0], 0x90);
    assert_int_equal(payload[2], 0x80 | 0x7a);
    assert_int_equal(payload[3], 0xbc);
    assert_int_equal(payload[4], 0xaa);
    uint8_t no_i[4] = {0x80, 0x00, 0x81, 0x02}; /* X but no picture ID */
    assert_false(packetizer_vp8_set_picture_id(no_i, sizeof no_i, 5));
    assert_int_equal(no_i[3], 0x02);
    assert_false(packetizer_vp8_set_picture_id(payload, 3, 5)); /* too short */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp8_roundtrip),
        cmocka_unit_test(test_h264_roundtrip),
        cmocka_unit_test(test_h264_three_byte_start_codes),
        cmocka_unit_test(test_large_frame_split_evenly),
        cmocka_unit_test(test_audio_roundtrip_and_limits),
        cmocka_unit_test(test_bad_input_refused),
        cmocka_unit_test(test_vp8_set_picture_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
