/* test_video_codec.c - VP8 and H.264 encode/decode round trips (mixer/codec/video_encoder.c,
 * mixer/codec/video_decoder.c): colours survive, keyframes on demand, SPS/PPS on every
 * H.264 keyframe, bitrate changes, garbage counted and recovered from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>

#include "mixer/codec/video_decoder.h"
#include "mixer/codec/video_encoder.h"
#include "tests/unit/media_synth.h"

#define PW   320
#define PH   240
#define BG_Y 120
#define BG_U 90
#define BG_V 160

static int setup(void **state)
{
    (void)state;
    av_log_set_level(AV_LOG_QUIET); /* the garbage tests make decoders complain */
    return 0;
}

/* Background colour with a white 32x32 square moving right by 8 px a frame. */
static AVFrame *moving_picture(int n)
{
    AVFrame *f = synth_picture(PW, PH, BG_Y, BG_U, BG_V);
    assert_non_null(f);
    synth_fill(f, (8 * n) % (PW - 32), 100, 32, 32, 235, 128, 128);
    return f;
}

/* Fresh low-amplitude noise every frame: hard to compress, so the encoder runs at
 * its budget (full-range noise would not fit 150 kbit/s even at VP8's worst q). */
static AVFrame *noise_picture(uint32_t *seed)
{
    AVFrame *f = synth_picture(PW, PH, 0, 128, 128);
    assert_non_null(f);
    for (int p = 0; p < 3; p++) {
        int w = p ? PW / 2 : PW, h = p ? PH / 2 : PH;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                *seed = *seed * 1664525u + 1013904223u;
                f->data[p][y * f->linesize[p] + x] = (uint8_t)(112 + (*seed >> 27));
            }
    }
    return f;
}

struct packet_copy {
    uint8_t *data;
    size_t size;
    bool keyframe;
    uint32_t ts;
};

/* Encodes one picture, expects exactly one encoded frame and returns a copy of it. */
static struct packet_copy encode_one(struct video_encoder *enc, const AVFrame *pic, int64_t pts)
{
    struct encoded_frame out;
    assert_int_equal(video_encoder_encode(enc, pic, pts), 0);
    assert_int_equal(video_encoder_receive(enc, &out), 1);
    struct packet_copy p = {malloc(out.size), out.size, out.keyframe, out.rtp_timestamp};
    assert_non_null(p.data);
    memcpy(p.data, out.data, out.size);
    struct encoded_frame more;
    assert_int_equal(video_encoder_receive(enc, &more), 0);
    return p;
}

static enum video_decode_status decode(struct video_decoder *dec, enum media_codec codec,
                                       const struct packet_copy *p, const AVFrame **pic)
{
    struct encoded_frame in = {codec, p->data, p->size, p->ts, p->keyframe};
    return video_decoder_decode(dec, &in, pic);
}

static void roundtrip(enum media_codec codec)
{
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, codec, PW, PH, 500000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    assert_non_null(enc);
    struct video_decoder *dec = video_decoder_new(codec);
    assert_non_null(dec);
    assert_true(video_decoder_needs_keyframe(dec));
    const AVFrame *pic = NULL;
    for (int n = 0; n < 12; n++) {
        AVFrame *in = moving_picture(n);
        struct packet_copy p = encode_one(enc, in, 1000 + 3000 * n);
        av_frame_free(&in);
        assert_int_equal(p.ts, 1000 + 3000 * n);
        assert_int_equal(p.keyframe, n == 0);
        assert_int_equal(video_bitstream_is_keyframe(codec, p.data, p.size), n == 0);
        assert_int_equal(decode(dec, codec, &p, &pic), VIDEO_DECODE_PICTURE);
        free(p.data);
        assert_int_equal(pic->width, PW);
        assert_int_equal(pic->height, PH);
        /* background away from the square keeps its colour */
        assert_true(abs((int)synth_mean(pic, 0, 0, 0, PW, 96) - BG_Y) <= 4);
        assert_true(abs((int)synth_mean(pic, 1, 0, 0, PW, 96) - BG_U) <= 4);
        assert_true(abs((int)synth_mean(pic, 2, 0, 0, PW, 96) - BG_V) <= 4);
        /* and the square is where it was drawn */
        int sx = (8 * n) % (PW - 32);
        assert_true(synth_mean(pic, 0, sx + 8, 108, 16, 16) > 200);
    }
    assert_false(video_decoder_needs_keyframe(dec));
    assert_int_equal(video_decoder_stats(dec)->pictures_out, 12);
    assert_int_equal(video_decoder_stats(dec)->errors, 0);
    assert_int_equal(video_encoder_stats(enc)->keyframes_out, 1);
    video_decoder_free(dec);
    video_encoder_free(enc);
}

static void test_vp8_roundtrip(void **state)
{
    (void)state;
    roundtrip(MEDIA_CODEC_VP8);
}
static void test_h264_roundtrip(void **state)
{
    (void)state;
    roundtrip(MEDIA_CODEC_H264);
}

/* H.264 High profile with B-frames as libx264 makes it by default (a room system's
 * stream): frames go in in decode order, their timestamps going back within each
 * group of pictures; the pictures must come out in display order, each with its
 * square where its own frame drew it, none lost but the last few the decoder still
 * holds back. */
static void test_h264_high_bframes_in_display_order(void **state)
{
    (void)state;
    const AVCodec *x264 = avcodec_find_encoder_by_name("libx264");
    if (!x264) skip();
    AVCodecContext *enc = avcodec_alloc_context3(x264);
    assert_non_null(enc);
    enc->width = PW;
    enc->height = PH;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->time_base = (AVRational){1, 90000};
    enc->framerate = (AVRational){30, 1};
    enc->gop_size = 250;
    enc->max_b_frames = 3;
    enc->thread_count = 1;
    av_opt_set(enc->priv_data, "preset", "veryfast", 0);
    av_opt_set(enc->priv_data, "profile", "high", 0);
    /* no AV_CODEC_FLAG_GLOBAL_HEADER: Annex B with SPS/PPS in band, as RTP carries it */
    assert_int_equal(avcodec_open2(enc, x264, NULL), 0);

    struct video_decoder *dec = video_decoder_new(MEDIA_CODEC_H264);
    assert_non_null(dec);
    AVPacket *pkt = av_packet_alloc();
    enum { FRAMES = 40 };
    int pictures = 0, bframes = 0;
    int64_t last_pts = -1, last_in = -1;
    for (int n = 0; n <= FRAMES; n++) {
        int rc;
        if (n < FRAMES) {
            AVFrame *in = moving_picture(n);
            in->pts = 3000 * n;
            rc = avcodec_send_frame(enc, in);
            av_frame_free(&in);
        } else {
            rc = avcodec_send_frame(enc, NULL); /* the encoder's held-back frames */
        }
        assert_int_equal(rc, 0);
        while (avcodec_receive_packet(enc, pkt) == 0) {
            if (pkt->pts < last_in) bframes++; /* a timestamp that goes back */
            if (pkt->pts > last_in) last_in = pkt->pts;
            struct encoded_frame f = {MEDIA_CODEC_H264, pkt->data, (size_t)pkt->size,
                                      (uint32_t)pkt->pts, (pkt->flags & AV_PKT_FLAG_KEY) != 0};
            const AVFrame *pic = NULL;
            enum video_decode_status st = video_decoder_decode(dec, &f, &pic);
            assert_int_not_equal(st, VIDEO_DECODE_NEED_KEYFRAME);
            if (st == VIDEO_DECODE_PICTURE) {
                assert_true(pic->pts > last_pts); /* display order */
                last_pts = pic->pts;
                int shown = (int)(pic->pts / 3000);
                int sx = (8 * shown) % (PW - 32);
                assert_true(synth_mean(pic, 0, sx + 8, 108, 16, 16) > 200);
                assert_true(abs((int)synth_mean(pic, 1, 0, 0, PW, 96) - BG_U) <= 4);
                pictures++;
            }
            av_packet_unref(pkt);
        }
    }
    assert_true(bframes > 0); /* the stream had B-frames */
    const struct video_decoder_stats *st = video_decoder_stats(dec);
    assert_int_equal(st->errors, 0);
    assert_int_equal(st->dropped, 0);
    assert_int_equal(st->frames_in, FRAMES);
    assert_true(pictures + (int)st->superseded >= FRAMES - 4);
    assert_false(video_decoder_needs_keyframe(dec));
    av_packet_free(&pkt);
    avcodec_free_context(&enc);
    video_decoder_free(dec);
}

static bool has_nal(const struct packet_copy *p, int type)
{
    for (size_t i = 0; i + 3 < p->size; i++)
        if (p->data[i] == 0 && p->data[i + 1] == 0 && p->data[i + 2] == 1 &&
            (p->data[i + 3] & 0x1f) == type)
            return true;
    return false;
}

static const uint8_t *find_sps(const struct packet_copy *p)
{
    for (size_t i = 0; i + 6 < p->size; i++)
        if (p->data[i] == 0 && p->data[i + 1] == 0 && p->data[i + 2] == 1 &&
            (p->data[i + 3] & 0x1f) == 7)
            return p->data + i + 4;
    return NULL;
}

static void keyframe_on_demand(enum media_codec codec)
{
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, codec, PW, PH, 300000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    assert_non_null(enc);
    for (int n = 0; n < 8; n++) {
        if (n == 5) video_encoder_request_keyframe(enc);
        AVFrame *in = moving_picture(n);
        struct packet_copy p = encode_one(enc, in, 3000 * n);
        av_frame_free(&in);
        bool want_key = n == 0 || n == 5;
        assert_int_equal(p.keyframe, want_key);
        assert_int_equal(video_bitstream_is_keyframe(codec, p.data, p.size), want_key);
        if (codec == MEDIA_CODEC_H264) {
            /* Annex B; SPS and PPS before every IDR, none on other frames. */
            assert_true(p.size > 4 && p.data[0] == 0 && p.data[1] == 0);
            assert_int_equal(has_nal(&p, 7), want_key);
            assert_int_equal(has_nal(&p, 8), want_key);
            assert_int_equal(has_nal(&p, 5), want_key);
            if (want_key) {
                const uint8_t *sps = find_sps(&p);
                assert_non_null(sps);
                assert_int_equal(sps[0], 66); /* baseline */
                assert_true(sps[1] & 0x40);   /* constraint_set1: constrained */
                assert_int_equal(sps[2], 31); /* level 3.1 */
            }
        }
        free(p.data);
    }
    assert_int_equal(video_encoder_stats(enc)->keyframes_out, 2);
    video_encoder_free(enc);
}

static void test_vp8_keyframe_on_demand(void **state)
{
    (void)state;
    keyframe_on_demand(MEDIA_CODEC_VP8);
}
static void test_h264_keyframe_on_demand(void **state)
{
    (void)state;
    keyframe_on_demand(MEDIA_CODEC_H264);
}

/* Noise at 800 kbit/s for 2 s, then 150 kbit/s: the non-key frames of the second
 * half must shrink to well under half. */
static void bitrate_change(enum media_codec codec)
{
    enum { FRAMES = 45 };
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, codec, PW, PH, 800000);
    cfg.h264_preset = "ultrafast";
    struct video_encoder *enc = video_encoder_new(&cfg);
    assert_non_null(enc);
    uint32_t seed = 1;
    size_t bytes[2] = {0, 0};
    for (int half = 0; half < 2; half++) {
        if (half == 1) assert_int_equal(video_encoder_set_bitrate(enc, 150000), 0);
        for (int n = 0; n < FRAMES; n++) {
            AVFrame *in = noise_picture(&seed);
            struct packet_copy p = encode_one(enc, in, 3000 * (half * FRAMES + n));
            av_frame_free(&in);
            if (n >= 15 && !p.keyframe) /* let rate control settle */
                bytes[half] += p.size;
            free(p.data);
        }
    }
    double kbps0 = bytes[0] * 8.0 / ((FRAMES - 15) / 30.0) / 1000;
    double kbps1 = bytes[1] * 8.0 / ((FRAMES - 15) / 30.0) / 1000;
    print_message("%s: %.0f kbit/s, then %.0f kbit/s\n", media_codec_name(codec), kbps0, kbps1);
    assert_true(kbps1 < kbps0 * 0.5);
    assert_true(kbps1 < 300);
    assert_int_equal(video_encoder_stats(enc)->reopens, codec == MEDIA_CODEC_VP8 ? 1 : 0);
    assert_int_equal(video_encoder_config(enc)->bitrate, 150000);
    assert_int_equal(video_encoder_set_bitrate(enc, 5), -1);
    video_encoder_free(enc);
}

static void test_vp8_bitrate_change(void **state)
{
    (void)state;
    bitrate_change(MEDIA_CODEC_VP8);
}
static void test_h264_bitrate_change(void **state)
{
    (void)state;
    bitrate_change(MEDIA_CODEC_H264);
}

/* Good keyframe, good frames, then a damaged frame and garbage: errors are counted,
 * frames are dropped while waiting, and the next keyframe brings pictures back. */
static void garbage_recovers(enum media_codec codec)
{
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, codec, PW, PH, 400000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    struct video_decoder *dec = video_decoder_new(codec);
    assert_non_null(enc);
    assert_non_null(dec);
    const AVFrame *pic;
    struct packet_copy p[12];
    for (int n = 0; n < 12; n++) {
        if (n == 8) video_encoder_request_keyframe(enc);
        AVFrame *in = moving_picture(n);
        p[n] = encode_one(enc, in, 3000 * n);
        av_frame_free(&in);
    }
    /* A non-keyframe first: dropped, not decoded, keyframe needed. */
    assert_int_equal(decode(dec, codec, &p[1], &pic), VIDEO_DECODE_NEED_KEYFRAME);
    assert_int_equal(video_decoder_stats(dec)->dropped, 1);
    for (int n = 0; n < 3; n++)
        assert_int_equal(decode(dec, codec, &p[n], &pic), VIDEO_DECODE_PICTURE);

    /* Frame 3 arrives truncated. */
    struct packet_copy cut = p[3];
    cut.size = p[3].size / 3;
    assert_int_equal(decode(dec, codec, &cut, &pic), VIDEO_DECODE_NEED_KEYFRAME);
    assert_true(video_decoder_stats(dec)->errors >= 1);
    assert_true(video_decoder_needs_keyframe(dec));
    /* Following delta frames are dropped until the keyframe (frame 8). */
    for (int n = 4; n < 8; n++)
        assert_int_equal(decode(dec, codec, &p[n], &pic), VIDEO_DECODE_NEED_KEYFRAME);

    /* Pure garbage claiming to be a keyframe: an error, still waiting. */
    uint64_t errors = video_decoder_stats(dec)->errors;
    uint8_t junk[600];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof junk; i++) {
        seed = seed * 1664525u + 1013904223u;
        junk[i] = (uint8_t)(seed >> 24);
    }
    if (codec == MEDIA_CODEC_H264) /* an IDR NAL header over random slice data */
        memcpy(junk, "\x00\x00\x00\x01\x65", 5);
    struct packet_copy bad = {junk, sizeof junk, true, 0};
    assert_int_equal(decode(dec, codec, &bad, &pic), VIDEO_DECODE_NEED_KEYFRAME);
    assert_int_equal(video_decoder_stats(dec)->errors, errors + 1);
    struct encoded_frame empty = {codec, NULL, 0, 0, true};
    assert_int_equal(video_decoder_decode(dec, &empty, &pic), VIDEO_DECODE_NEED_KEYFRAME);

    /* The keyframe recovers; the frames after it decode again. */
    for (int n = 8; n < 12; n++) {
        assert_int_equal(decode(dec, codec, &p[n], &pic), VIDEO_DECODE_PICTURE);
        assert_true(abs((int)synth_mean(pic, 0, 0, 0, PW, 96) - BG_Y) <= 4);
    }
    assert_false(video_decoder_needs_keyframe(dec));
    for (int n = 0; n < 12; n++) free(p[n].data);
    video_decoder_free(dec);
    video_encoder_free(enc);
}

/* Hundreds of damaged copies of real frames (random bytes overwritten, random
 * truncation), keyframes included: every call returns a valid status and a
 * picture of the stream's size; a clean keyframe then decodes normally. */
static void mutations_never_crash(enum media_codec codec)
{
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, codec, PW, PH, 400000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    struct video_decoder *dec = video_decoder_new(codec);
    assert_non_null(enc);
    assert_non_null(dec);
    enum { FRAMES = 6 };
    struct packet_copy p[FRAMES];
    for (int n = 0; n < FRAMES; n++) {
        AVFrame *in = moving_picture(n);
        p[n] = encode_one(enc, in, 3000 * n);
        av_frame_free(&in);
    }
    uint32_t seed = 99;
    size_t biggest = 0;
    for (int n = 0; n < FRAMES; n++) biggest = p[n].size > biggest ? p[n].size : biggest;
    uint8_t *buf = malloc(biggest);
    assert_non_null(buf);
    const AVFrame *pic;
    for (int k = 0; k < 300; k++) {
        seed = seed * 1664525u + 1013904223u;
        const struct packet_copy *src = &p[(seed >> 8) % FRAMES];
        memcpy(buf, src->data, src->size);
        int flips = 1 + (int)((seed >> 4) % 8);
        for (int f = 0; f < flips; f++) {
            seed = seed * 1664525u + 1013904223u;
            buf[(seed >> 8) % src->size] = (uint8_t)(seed >> 24);
        }
        size_t size = (seed & 3) == 0 ? 1 + (seed >> 9) % src->size : src->size;
        struct packet_copy bad = {buf, size, src->keyframe, 0};
        enum video_decode_status st = decode(dec, codec, &bad, &pic);
        assert_true(st == VIDEO_DECODE_PICTURE || st == VIDEO_DECODE_NO_PICTURE ||
                    st == VIDEO_DECODE_NEED_KEYFRAME);
        if (st == VIDEO_DECODE_PICTURE)
            assert_true(pic->width > 0 && pic->height > 0 && pic->data[0]);
        if (k % 7 == 0) video_decoder_frame_lost(dec);
    }
    free(buf);
    print_message("%s: %llu errors in 300 damaged frames\n", media_codec_name(codec),
                  (unsigned long long)video_decoder_stats(dec)->errors);
    assert_true(video_decoder_stats(dec)->errors > 0);
    video_decoder_frame_lost(dec);
    assert_true(video_decoder_needs_keyframe(dec));
    assert_int_equal(decode(dec, codec, &p[1], &pic), VIDEO_DECODE_NEED_KEYFRAME);
    for (int n = 0; n < FRAMES; n++) {
        assert_int_equal(decode(dec, codec, &p[n], &pic), VIDEO_DECODE_PICTURE);
        assert_int_equal(pic->width, PW);
        assert_true(abs((int)synth_mean(pic, 0, 0, 0, PW, 96) - BG_Y) <= 4);
    }
    for (int n = 0; n < FRAMES; n++) free(p[n].data);
    video_decoder_free(dec);
    video_encoder_free(enc);
}

static void test_vp8_mutations_never_crash(void **state)
{
    (void)state;
    mutations_never_crash(MEDIA_CODEC_VP8);
}
static void test_h264_mutations_never_crash(void **state)
{
    (void)state;
    mutations_never_crash(MEDIA_CODEC_H264);
}

static void test_vp8_garbage_recovers(void **state)
{
    (void)state;
    garbage_recovers(MEDIA_CODEC_VP8);
}
static void test_h264_garbage_recovers(void **state)
{
    (void)state;
    garbage_recovers(MEDIA_CODEC_H264);
}

/* A 1280x720 canvas into a 640x360 profile: the encoder scales; colours survive. */
static void test_encoder_scales_to_profile(void **state)
{
    (void)state;
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, MEDIA_CODEC_VP8, 640, 360, 500000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    struct video_decoder *dec = video_decoder_new(MEDIA_CODEC_VP8);
    assert_non_null(enc);
    assert_non_null(dec);
    AVFrame *in = synth_picture(1280, 720, 60, 200, 100);
    synth_fill(in, 640, 0, 640, 720, 180, 60, 150);
    struct packet_copy p = encode_one(enc, in, 0);
    const AVFrame *pic;
    assert_int_equal(decode(dec, MEDIA_CODEC_VP8, &p, &pic), VIDEO_DECODE_PICTURE);
    assert_int_equal(pic->width, 640);
    assert_int_equal(pic->height, 360);
    assert_true(abs((int)synth_mean(pic, 0, 100, 100, 100, 100) - 60) <= 4);
    assert_true(abs((int)synth_mean(pic, 0, 420, 100, 100, 100) - 180) <= 4);
    free(p.data);
    av_frame_free(&in);
    video_decoder_free(dec);
    video_encoder_free(enc);
}

static void test_bad_configs(void **state)
{
    (void)state;
    struct video_encoder_config cfg;
    video_encoder_config_init(&cfg, MEDIA_CODEC_OPUS, PW, PH, 500000);
    assert_null(video_encoder_new(&cfg));
    video_encoder_config_init(&cfg, MEDIA_CODEC_VP8, 321, PH, 500000);
    assert_null(video_encoder_new(&cfg));
    assert_null(video_decoder_new(MEDIA_CODEC_PCMU));
    video_encoder_config_init(&cfg, MEDIA_CODEC_H264, PW, PH, 500000);
    struct video_encoder *enc = video_encoder_new(&cfg);
    assert_non_null(enc);
    AVFrame *wrong = av_frame_alloc();
    wrong->format = AV_PIX_FMT_RGB24;
    wrong->width = PW;
    wrong->height = PH;
    assert_int_equal(av_frame_get_buffer(wrong, 32), 0);
    assert_int_equal(video_encoder_encode(enc, wrong, 0), -1);
    av_frame_free(&wrong);
    video_encoder_free(enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp8_roundtrip),
        cmocka_unit_test(test_h264_roundtrip),
        cmocka_unit_test(test_h264_high_bframes_in_display_order),
        cmocka_unit_test(test_vp8_keyframe_on_demand),
        cmocka_unit_test(test_h264_keyframe_on_demand),
        cmocka_unit_test(test_vp8_bitrate_change),
        cmocka_unit_test(test_h264_bitrate_change),
        cmocka_unit_test(test_vp8_garbage_recovers),
        cmocka_unit_test(test_h264_garbage_recovers),
        cmocka_unit_test(test_vp8_mutations_never_crash),
        cmocka_unit_test(test_h264_mutations_never_crash),
        cmocka_unit_test(test_encoder_scales_to_profile),
        cmocka_unit_test(test_bad_configs),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
