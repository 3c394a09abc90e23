/* test_depacketizer.c - RTP payloads to frames (mixer/depacketizer*.c), on captures
 * recorded with GStreamer (tests/fixtures/rtp/). Video frames are decoded with
 * libavcodec to prove that the reassembly is right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libavcodec/avcodec.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/rtp.h"
#include "tests/unit/rtp_fixture.h"

#define FIXTURE_WIDTH  176
#define FIXTURE_HEIGHT 144

/* Decodes frames one at a time and counts what comes out. */
struct decoder {
    AVCodecContext *ctx;
    AVPacket *pkt;
    AVFrame *frame;
    int decoded;
    int errors;
    int width, height;
    int samples; /* audio: per decoded frame, last seen */
};

static void decoder_open(struct decoder *d, enum AVCodecID id)
{
    memset(d, 0, sizeof(*d));
    const AVCodec *codec = avcodec_find_decoder(id);
    assert_non_null(codec);
    d->ctx = avcodec_alloc_context3(codec);
    assert_non_null(d->ctx);
    d->ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
    d->ctx->err_recognition = AV_EF_EXPLODE;
    assert_int_equal(avcodec_open2(d->ctx, codec, NULL), 0);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    assert_non_null(d->pkt);
    assert_non_null(d->frame);
}

static void decoder_receive(struct decoder *d)
{
    for (;;) {
        int rc = avcodec_receive_frame(d->ctx, d->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
        if (rc < 0) {
            d->errors++;
            return;
        }
        d->decoded++;
        d->width = d->frame->width;
        d->height = d->frame->height;
        d->samples = d->frame->nb_samples;
        if (d->frame->decode_error_flags) d->errors++;
        av_frame_unref(d->frame);
    }
}

static void decoder_feed(struct decoder *d, const struct encoded_frame *f)
{
    assert_int_equal(av_new_packet(d->pkt, (int)f->size), 0);
    memcpy(d->pkt->data, f->data, f->size);
    if (avcodec_send_packet(d->ctx, d->pkt) < 0) d->errors++;
    av_packet_unref(d->pkt);
    decoder_receive(d);
}

static void decoder_close(struct decoder *d)
{
    avcodec_send_packet(d->ctx, NULL);
    decoder_receive(d);
    av_packet_free(&d->pkt);
    av_frame_free(&d->frame);
    avcodec_free_context(&d->ctx);
}

/* Pushes the packets of `f` (all but the one at index `skip`, if any) and collects
 * the frames. Returns the number of frames; counts keyframes and feeds `dec`. */
static int depacketize(enum media_codec codec, const struct rtp_fixture *f, size_t skip,
                       struct decoder *dec, int *keyframes, struct depacketizer_stats *stats)
{
    struct depacketizer *d = depacketizer_new(codec);
    assert_non_null(d);
    int frames = 0;
    *keyframes = 0;
    for (size_t i = 0; i < f->count; i++) {
        if (i == skip) continue;
        assert_int_equal(depacketizer_push(d, f->packet[i], f->length[i]), 0);
        struct encoded_frame out;
        while (depacketizer_pull(d, &out) == 1) {
            assert_int_equal(out.codec, codec);
            assert_true(out.size > 0);
            frames++;
            if (out.keyframe) (*keyframes)++;
            if (dec) decoder_feed(dec, &out);
        }
    }
    *stats = *depacketizer_stats(d);
    depacketizer_free(d);
    return frames;
}

/* Frames and keyframes in a capture, by its RTP headers and the stateless inspector. */
static void count_frames(enum media_codec codec, const struct rtp_fixture *f, int *frames,
                         int *keyframe_starts)
{
    *frames = 0;
    *keyframe_starts = 0;
    for (size_t i = 0; i < f->count; i++) {
        struct rtp_header h;
        assert_int_equal(rtp_parse(f->packet[i], f->length[i], &h), 0);
        bool audio = media_codec_kind(codec) == MEDIA_AUDIO;
        if (audio || h.marker) (*frames)++;
        struct depacketizer_packet_info info;
        assert_int_equal(depacketizer_inspect(codec, h.payload, h.payload_length, &info), 0);
        if (info.keyframe && info.frame_start) (*keyframe_starts)++;
    }
}

static void load(const char *name, struct rtp_fixture *f)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/rtp/%s", name);
    assert_int_equal(rtp_fixture_load(path, f), 0);
    assert_true(f->count > 10);
}

static void check_video_fixture(const char *name, enum media_codec codec, enum AVCodecID id)
{
    struct rtp_fixture f;
    load(name, &f);
    int expected_frames, keyframe_starts;
    count_frames(codec, &f, &expected_frames, &keyframe_starts);
    assert_true(expected_frames >= 10);
    assert_true(expected_frames < (int)f.count); /* some frames span packets */

    struct decoder dec;
    decoder_open(&dec, id);
    int keyframes;
    struct depacketizer_stats stats;
    int frames = depacketize(codec, &f, SIZE_MAX, &dec, &keyframes, &stats);
    decoder_close(&dec);

    assert_int_equal(frames, expected_frames);
    assert_true(keyframes >= 2); /* keyframe interval 10 */
    assert_true(keyframes <= keyframe_starts);
    assert_int_equal(stats.malformed_packets, 0);
    assert_int_equal(stats.dropped_frames, 0);
    assert_int_equal(stats.frames, (uint64_t)frames);
    assert_int_equal(dec.errors, 0);
    assert_int_equal(dec.decoded, frames);
    assert_int_equal(dec.width, FIXTURE_WIDTH);
    assert_int_equal(dec.height, FIXTURE_HEIGHT);
    rtp_fixture_free(&f);
}

static void test_vp8_fixture_decodes(void **state)
{
    check_video_fixture("vp8.rtp", MEDIA_CODEC_VP8, AV_CODEC_ID_VP8);
}

static void test_h264_fixture_decodes(void **state)
{
    check_video_fixture("h264.rtp", MEDIA_CODEC_H264, AV_CODEC_ID_H264);
}

static void test_h264_output_is_annex_b(void **state)
{
    struct rtp_fixture f;
    load("h264.rtp", &f);
    struct depacketizer *d = depacketizer_new(MEDIA_CODEC_H264);
    bool first = true;
    for (size_t i = 0; i < f.count; i++) {
        depacketizer_push(d, f.packet[i], f.length[i]);
        struct encoded_frame out;
        if (depacketizer_pull(d, &out) == 1) {
            assert_true(out.size > 5);
            assert_memory_equal(out.data, "\0\0\0\1", 4);
            if (first) {
                /* The first access unit is an IDR with its parameter sets. */
                assert_true(out.keyframe);
                bool sps = false, idr = false;
                for (size_t k = 0; k + 4 < out.size; k++)
                    if (!memcmp(out.data + k, "\0\0\0\1", 4)) {
                        uint8_t type = out.data[k + 4] & 0x1f;
                        if (type == 7) sps = true;
                        if (type == 5) idr = true;
                    }
                assert_true(sps && idr);
                first = false;
            }
        }
    }
    assert_false(first);
    depacketizer_free(d);
    rtp_fixture_free(&f);
}

static void test_opus_fixture_decodes(void **state)
{
    struct rtp_fixture f;
    load("opus.rtp", &f);
    struct decoder dec;
    decoder_open(&dec, AV_CODEC_ID_OPUS);
    int keyframes;
    struct depacketizer_stats stats;
    int frames = depacketize(MEDIA_CODEC_OPUS, &f, SIZE_MAX, &dec, &keyframes, &stats);
    decoder_close(&dec);
    assert_int_equal(frames, (int)f.count);
    assert_int_equal(keyframes, frames);
    assert_int_equal(stats.malformed_packets, 0);
    assert_int_equal(dec.errors, 0);
    assert_int_equal(dec.decoded, frames);
    assert_int_equal(dec.samples, 960); /* 20 ms at 48 kHz */
    rtp_fixture_free(&f);
}

static void test_g711_fixtures(void **state)
{
    const char *names[] = {"pcmu.rtp", "pcma.rtp"};
    enum media_codec codecs[] = {MEDIA_CODEC_PCMU, MEDIA_CODEC_PCMA};
    for (int c = 0; c < 2; c++) {
        struct rtp_fixture f;
        load(names[c], &f);
        struct depacketizer *d = depacketizer_new(codecs[c]);
        for (size_t i = 0; i < f.count; i++) {
            struct rtp_header h;
            assert_int_equal(rtp_parse(f.packet[i], f.length[i], &h), 0);
            assert_int_equal(depacketizer_push(d, f.packet[i], f.length[i]), 0);
            struct encoded_frame out;
            assert_int_equal(depacketizer_pull(d, &out), 1);
            assert_int_equal(out.size, h.payload_length); /* payload as-is */
            assert_memory_equal(out.data, h.payload, out.size);
            assert_int_equal(out.rtp_timestamp, h.timestamp);
            assert_int_equal(depacketizer_pull(d, &out), 0);
        }
        depacketizer_free(d);
        rtp_fixture_free(&f);
    }
}

/* Index of a packet that is neither first nor last of its frame, or of a non-final
 * packet when frames have at most two. */
static size_t middle_packet(const struct rtp_fixture *f)
{
    for (size_t i = 1; i + 1 < f->count; i++) {
        struct rtp_header prev, cur;
        rtp_parse(f->packet[i - 1], f->length[i - 1], &prev);
        rtp_parse(f->packet[i], f->length[i], &cur);
        if (!prev.marker && !cur.marker && prev.timestamp == cur.timestamp) return i;
    }
    return SIZE_MAX;
}

static void test_vp8_lost_packet_drops_frame(void **state)
{
    struct rtp_fixture f;
    load("vp8.rtp", &f);
    int expected, starts, keyframes;
    count_frames(MEDIA_CODEC_VP8, &f, &expected, &starts);
    size_t lost = middle_packet(&f);
    assert_true(lost != SIZE_MAX);
    struct depacketizer_stats stats;
    int frames = depacketize(MEDIA_CODEC_VP8, &f, lost, NULL, &keyframes, &stats);
    assert_int_equal(frames, expected - 1);
    assert_int_equal(stats.dropped_frames, 1);
    rtp_fixture_free(&f);
}

static void test_h264_lost_fragment_drops_nal_unit(void **state)
{
    struct rtp_fixture f;
    load("h264.rtp", &f);
    int expected, starts, keyframes;
    count_frames(MEDIA_CODEC_H264, &f, &expected, &starts);
    /* Find a FU-A middle or end fragment (S=0) and lose it. */
    size_t lost = SIZE_MAX;
    for (size_t i = 1; i < f.count && lost == SIZE_MAX; i++) {
        struct rtp_header h;
        rtp_parse(f.packet[i], f.length[i], &h);
        if ((h.payload[0] & 0x1f) == 28 && !(h.payload[1] & 0x80)) lost = i;
    }
    assert_true(lost != SIZE_MAX);
    struct depacketizer_stats stats;
    int frames = depacketize(MEDIA_CODEC_H264, &f, lost, NULL, &keyframes, &stats);
    assert_int_equal(frames, expected);        /* the frame survives ... */
    assert_true(stats.dropped_nal_units >= 1); /* ... minus the broken NAL unit */
    rtp_fixture_free(&f);
}

/* Every truncation of every packet, and bit-flipped copies: no crash, no read past
 * the end (run under AddressSanitizer), every refusal counted. */
static void fuzz_fixture(const char *name, enum media_codec codec)
{
    struct rtp_fixture f;
    load(name, &f);
    struct depacketizer *d = depacketizer_new(codec);
    uint64_t refused = 0, pushed = 0;
    unsigned seed = 12345;
    uint16_t seq = 0;
    for (size_t i = 0; i < f.count && i < 40; i++) {
        for (size_t len = 0; len <= f.length[i]; len++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, f.packet[i], len);
            if (len >= RTP_HEADER_MIN) rtp_set_sequence(copy, seq++);
            if (len > RTP_HEADER_MIN && (len & 1)) {
                seed = seed * 1103515245u + 12345u;
                copy[RTP_HEADER_MIN + (seed >> 8) % (len - RTP_HEADER_MIN)] ^=
                    (uint8_t)(seed >> 16);
            }
            pushed++;
            if (depacketizer_push(d, copy, len) < 0) refused++;
            free(copy);
            struct encoded_frame out;
            while (depacketizer_pull(d, &out) == 1) assert_true(out.size > 0);
        }
    }
    const struct depacketizer_stats *s = depacketizer_stats(d);
    assert_int_equal(s->packets, pushed);
    assert_int_equal(s->malformed_packets, refused);
    assert_true(refused >= 12 * 40 / 2); /* at least the short headers */
    depacketizer_free(d);
    rtp_fixture_free(&f);
}

static void test_truncated_and_garbage_counted(void **state)
{
    fuzz_fixture("vp8.rtp", MEDIA_CODEC_VP8);
    fuzz_fixture("h264.rtp", MEDIA_CODEC_H264);
    fuzz_fixture("opus.rtp", MEDIA_CODEC_OPUS);
    fuzz_fixture("pcmu.rtp", MEDIA_CODEC_PCMU);
}

static size_t make_packet(uint8_t *buf, uint16_t seq, uint32_t ts, bool marker,
                          const uint8_t *payload, size_t len)
{
    size_t n = rtp_write_header(buf, marker, 96, seq, ts, 1);
    if (len) memcpy(buf + n, payload, len);
    return n + len;
}

static void test_malformed_payloads(void **state)
{
    uint8_t pkt[64];
    struct encoded_frame out;
    /* H.264: STAP-A whose NAL size runs past the payload. */
    struct depacketizer *d = depacketizer_new(MEDIA_CODEC_H264);
    const uint8_t stap_overrun[] = {24, 0x00, 0x09, 0x67, 0x42};
    assert_int_equal(
        depacketizer_push(d, pkt, make_packet(pkt, 1, 0, true, stap_overrun, sizeof stap_overrun)),
        -1);
    /* FU-B, MTAP16: interleaved mode, rejected. */
    const uint8_t fu_b[] = {29, 0x85, 0, 0, 1};
    assert_int_equal(depacketizer_push(d, pkt, make_packet(pkt, 2, 0, true, fu_b, sizeof fu_b)),
                     -1);
    /* Forbidden bit set. */
    const uint8_t forbidden[] = {0x85, 1, 2};
    assert_int_equal(
        depacketizer_push(d, pkt, make_packet(pkt, 3, 0, true, forbidden, sizeof forbidden)), -1);
    /* FU-A end fragment without a start: no frame comes out. */
    const uint8_t fu_end[] = {0x7c, 0x45, 1, 2, 3};
    assert_int_equal(
        depacketizer_push(d, pkt, make_packet(pkt, 4, 9000, true, fu_end, sizeof fu_end)), 0);
    assert_int_equal(depacketizer_pull(d, &out), 0);
    /* A good single NAL unit still gets through. */
    const uint8_t idr[] = {0x65, 0x88, 0x84};
    assert_int_equal(depacketizer_push(d, pkt, make_packet(pkt, 5, 18000, true, idr, sizeof idr)),
                     0);
    assert_int_equal(depacketizer_pull(d, &out), 1);
    assert_int_equal(out.size, 4 + sizeof idr);
    assert_false(out.keyframe); /* no SPS/PPS seen yet */
    assert_int_equal(depacketizer_stats(d)->malformed_packets, 3);
    depacketizer_free(d);

    /* VP8: X set with I and M, cut before the second picture ID byte. */
    d = depacketizer_new(MEDIA_CODEC_VP8);
    const uint8_t cut[] = {0x90, 0x80, 0x81};
    assert_int_equal(depacketizer_push(d, pkt, make_packet(pkt, 1, 0, true, cut, sizeof cut)), -1);
    /* A frame whose first packet is not a partition-0 start is dropped. */
    const uint8_t cont[] = {0x00, 1, 2, 3};
    assert_int_equal(depacketizer_push(d, pkt, make_packet(pkt, 2, 3000, true, cont, sizeof cont)),
                     0);
    assert_int_equal(depacketizer_pull(d, &out), 0);
    assert_int_equal(depacketizer_stats(d)->malformed_packets, 1);
    assert_true(depacketizer_stats(d)->dropped_frames >= 1);
    /* Out-of-order input is refused. */
    const uint8_t inter[] = {0x10, 0x01, 0, 0};
    assert_int_equal(
        depacketizer_push(d, pkt, make_packet(pkt, 2, 6000, true, inter, sizeof inter)), -1);
    depacketizer_free(d);

    /* Opus: an empty payload and a code-3 packet with zero frames. */
    d = depacketizer_new(MEDIA_CODEC_OPUS);
    assert_int_equal(depacketizer_push(d, pkt, make_packet(pkt, 1, 0, false, NULL, 0)), -1);
    const uint8_t code3[] = {0x03, 0x00};
    assert_int_equal(
        depacketizer_push(d, pkt, make_packet(pkt, 2, 960, false, code3, sizeof code3)), -1);
    assert_int_equal(depacketizer_pull(d, &out), 0);
    depacketizer_free(d);
    assert_null(depacketizer_new(MEDIA_CODEC_NONE));
}

int main(void)
{
    av_log_set_level(AV_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp8_fixture_decodes),
        cmocka_unit_test(test_h264_fixture_decodes),
        cmocka_unit_test(test_h264_output_is_annex_b),
        cmocka_unit_test(test_opus_fixture_decodes),
        cmocka_unit_test(test_g711_fixtures),
        cmocka_unit_test(test_vp8_lost_packet_drops_frame),
        cmocka_unit_test(test_h264_lost_fragment_drops_nal_unit),
        cmocka_unit_test(test_truncated_and_garbage_counted),
        cmocka_unit_test(test_malformed_payloads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
