/* test_audio_codec.c - Opus encode/decode round trip, Opus loss concealment, Opus
 * bitrate change, G.711 decode + resample to 48 kHz, corrupt packets
 * (mixer/audio_encoder.c, mixer/audio_decoder.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>

#include "mixer/audio_decoder.h"
#include "mixer/audio_encoder.h"
#include "tests/unit/media_synth.h"

#define TICK AUDIO_FRAME_SAMPLES
#define RATE AUDIO_SAMPLE_RATE

static int setup(void **state)
{
    (void)state;
    av_log_set_level(AV_LOG_QUIET);
    return 0;
}

static double amp48(const int16_t *pcm, double freq)
{
    return synth_tone_amplitude(pcm, TICK, 1, freq, RATE);
}

/* Encodes `ticks` ticks of a tone and decodes them; returns all decoded samples
 * (caller frees) and their count. */
static int16_t *opus_roundtrip(struct audio_encoder *enc, struct audio_decoder *dec, int ticks,
                               double freq, double amplitude, size_t start, size_t *count)
{
    int16_t *all = calloc((size_t)ticks * TICK + AUDIO_DECODER_MAX_SAMPLES, sizeof *all);
    int16_t *out = malloc(AUDIO_DECODER_MAX_SAMPLES * sizeof *out);
    assert_non_null(all);
    assert_non_null(out);
    int16_t pcm[TICK];
    *count = 0;
    for (int t = 0; t < ticks; t++) {
        synth_tone(pcm, TICK, 1, freq, amplitude, RATE, start + (size_t)t * TICK);
        struct encoded_frame pkt;
        uint32_t ts = (uint32_t)(start + (size_t)t * TICK);
        assert_int_equal(audio_encoder_encode(enc, pcm, ts, &pkt), 1);
        assert_int_equal(pkt.codec, MEDIA_CODEC_OPUS);
        assert_int_equal(pkt.rtp_timestamp, ts);
        assert_true(pkt.size > 0 && pkt.size < 1500);
        int n = audio_decoder_decode(dec, &pkt, out, AUDIO_DECODER_MAX_SAMPLES);
        assert_int_equal(n, TICK);
        memcpy(all + *count, out, (size_t)n * sizeof *out);
        *count += (size_t)n;
    }
    free(out);
    return all;
}

static void test_opus_roundtrip_keeps_tone(void **state)
{
    (void)state;
    struct audio_encoder_config cfg;
    audio_encoder_config_init(&cfg);
    struct audio_encoder *enc = audio_encoder_new(&cfg);
    struct audio_decoder *dec = audio_decoder_new(MEDIA_CODEC_OPUS);
    assert_non_null(enc);
    assert_non_null(dec);
    size_t count;
    int16_t *all = opus_roundtrip(enc, dec, 25, 1000, 8000, 0, &count);
    assert_int_equal(count, 25 * TICK);
    /* Past the codec delay, every tick holds the tone at about its level, and not
     * much else (a tone two octaves up stays tiny). */
    for (int t = 5; t < 25; t++) {
        const int16_t *w = all + (size_t)t * TICK;
        double a = amp48(w, 1000);
        if (fabs(a - 8000) > 1200)
            fail_msg("tick %d: 1 kHz amplitude %.0f, want about 8000", t, a);
        assert_true(amp48(w, 4000) < 400);
    }
    const struct audio_decoder_stats *st = audio_decoder_stats(dec);
    assert_int_equal(st->packets_in, 25);
    assert_int_equal(st->errors, 0);
    assert_int_equal(audio_encoder_stats(enc)->packets_out, 25);
    free(all);
    audio_decoder_free(dec);
    audio_encoder_free(enc);
}

static void test_opus_loss_concealment(void **state)
{
    (void)state;
    struct audio_encoder_config cfg;
    audio_encoder_config_init(&cfg);
    struct audio_encoder *enc = audio_encoder_new(&cfg);
    struct audio_decoder *dec = audio_decoder_new(MEDIA_CODEC_OPUS);
    size_t count;
    free(opus_roundtrip(enc, dec, 15, 600, 8000, 0, &count));
    /* The next packet is lost: PLC carries the tone on (fading), not silence. */
    int16_t out[AUDIO_DECODER_MAX_SAMPLES];
    int n = audio_decoder_conceal(dec, out, AUDIO_DECODER_MAX_SAMPLES);
    assert_int_equal(n, TICK);
    double a = amp48(out, 600);
    print_message("PLC: 600 Hz amplitude %.0f after a loss\n", a);
    assert_true(a > 1000);
    assert_int_equal(audio_decoder_stats(dec)->concealed, 1);
    /* And decoding goes on afterwards. */
    int16_t *more = opus_roundtrip(enc, dec, 5, 600, 8000, 16 * TICK, &count);
    assert_true(amp48(more + 4 * TICK, 600) > 6000);
    free(more);
    /* G.711 has no PLC: silence. */
    struct audio_decoder *pcmu = audio_decoder_new(MEDIA_CODEC_PCMU);
    assert_non_null(pcmu);
    out[5] = 123;
    assert_int_equal(audio_decoder_conceal(pcmu, out, AUDIO_DECODER_MAX_SAMPLES), TICK);
    assert_true(synth_rms(out, TICK) == 0);
    audio_decoder_free(pcmu);
    audio_decoder_free(dec);
    audio_encoder_free(enc);
}

static void test_opus_bitrate_change(void **state)
{
    (void)state;
    struct audio_encoder_config cfg;
    audio_encoder_config_init(&cfg);
    cfg.bitrate = 64000;
    struct audio_encoder *enc = audio_encoder_new(&cfg);
    struct audio_decoder *dec = audio_decoder_new(MEDIA_CODEC_OPUS);
    assert_non_null(enc);
    size_t count;
    free(opus_roundtrip(enc, dec, 20, 700, 8000, 0, &count));
    uint64_t bytes_high = audio_encoder_stats(enc)->bytes_out;
    assert_int_equal(audio_encoder_set_bitrate(enc, 12000), 0);
    int16_t *low = opus_roundtrip(enc, dec, 20, 700, 8000, 20 * TICK, &count);
    uint64_t bytes_low = audio_encoder_stats(enc)->bytes_out - bytes_high;
    print_message("Opus: %llu bytes at 64 kbit/s, %llu at 12 kbit/s\n",
                  (unsigned long long)bytes_high, (unsigned long long)bytes_low);
    assert_true(bytes_low * 3 < bytes_high);
    assert_int_equal(audio_encoder_stats(enc)->reopens, 1);
    assert_true(fabs(amp48(low + 15 * TICK, 700) - 8000) < 1500); /* still the tone */
    assert_int_equal(audio_encoder_set_bitrate(enc, 1000), -1);
    free(low);
    audio_decoder_free(dec);
    audio_encoder_free(enc);
}

/* G.711 packets made by libavcodec's own G.711 encoder from an 8 kHz tone. */
static void g711_keeps_tone(enum media_codec codec, enum AVCodecID id)
{
    const AVCodec *c = avcodec_find_encoder(id);
    assert_non_null(c);
    AVCodecContext *ctx = avcodec_alloc_context3(c);
    ctx->sample_rate = 8000;
    ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&ctx->ch_layout, 1);
    assert_int_equal(avcodec_open2(ctx, c, NULL), 0);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    f->format = AV_SAMPLE_FMT_S16;
    f->sample_rate = 8000;
    f->nb_samples = 160;
    av_channel_layout_default(&f->ch_layout, 1);
    assert_int_equal(av_frame_get_buffer(f, 0), 0);

    struct audio_decoder *dec = audio_decoder_new(codec);
    assert_non_null(dec);
    enum { PACKETS = 20 };
    int16_t *all = calloc(PACKETS * TICK + AUDIO_DECODER_MAX_SAMPLES, sizeof *all);
    int16_t out[AUDIO_DECODER_MAX_SAMPLES];
    size_t count = 0;
    for (int p = 0; p < PACKETS; p++) {
        assert_int_equal(av_frame_make_writable(f), 0);
        synth_tone((int16_t *)f->data[0], 160, 1, 1000, 10000, 8000, (size_t)p * 160);
        assert_int_equal(avcodec_send_frame(ctx, f), 0);
        assert_int_equal(avcodec_receive_packet(ctx, pkt), 0);
        assert_int_equal(pkt->size, 160);
        struct encoded_frame in = {codec, pkt->data, (size_t)pkt->size, (uint32_t)p * 160, false};
        int n = audio_decoder_decode(dec, &in, out, AUDIO_DECODER_MAX_SAMPLES);
        assert_true(n > 0 && n <= TICK);
        memcpy(all + count, out, (size_t)n * sizeof *out);
        count += (size_t)n;
        av_packet_unref(pkt);
    }
    /* 160 samples at 8 kHz -> 960 at 48 kHz, less the resampler's start-up delay. */
    assert_true(count > (PACKETS - 1) * TICK && count <= PACKETS * TICK);
    for (int t = 2; t < PACKETS - 1; t++) {
        const int16_t *w = all + (size_t)t * TICK;
        double a = amp48(w, 1000);
        if (fabs(a - 10000) > 600)
            fail_msg("%s tick %d: 1 kHz amplitude %.0f, want about 10000",
                     media_codec_name(codec), t, a);
        assert_true(amp48(w, 3000) < 300);
    }
    /* A packet longer than 120 ms is refused. */
    uint8_t big[8 * 121] = {0};
    struct encoded_frame huge = {codec, big, sizeof big, 0, false};
    assert_int_equal(audio_decoder_decode(dec, &huge, out, AUDIO_DECODER_MAX_SAMPLES), -1);
    assert_int_equal(audio_decoder_stats(dec)->errors, 1);
    free(all);
    audio_decoder_free(dec);
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
}

static void test_pcmu_keeps_tone(void **state) { (void)state; g711_keeps_tone(MEDIA_CODEC_PCMU, AV_CODEC_ID_PCM_MULAW); }
static void test_pcma_keeps_tone(void **state) { (void)state; g711_keeps_tone(MEDIA_CODEC_PCMA, AV_CODEC_ID_PCM_ALAW); }

/* Stereo Opus from elsewhere (a browser) comes out mono, both channels summed. */
static void test_opus_stereo_stream_downmixed(void **state)
{
    (void)state;
    const AVCodec *c = avcodec_find_encoder_by_name("libopus");
    assert_non_null(c);
    AVCodecContext *ctx = avcodec_alloc_context3(c);
    ctx->sample_rate = RATE;
    ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    ctx->bit_rate = 96000;
    av_channel_layout_default(&ctx->ch_layout, 2);
    assert_int_equal(avcodec_open2(ctx, c, NULL), 0);
    assert_int_equal(ctx->frame_size, TICK);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    f->format = AV_SAMPLE_FMT_S16;
    f->sample_rate = RATE;
    f->nb_samples = TICK;
    av_channel_layout_default(&f->ch_layout, 2);
    assert_int_equal(av_frame_get_buffer(f, 0), 0);
    struct audio_decoder *dec = audio_decoder_new(MEDIA_CODEC_OPUS);
    int16_t out[AUDIO_DECODER_MAX_SAMPLES];
    double left = 0, right = 0;
    for (int t = 0; t < 15; t++) {
        assert_int_equal(av_frame_make_writable(f), 0);
        int16_t *s = (int16_t *)f->data[0];
        int16_t l[TICK], r[TICK];
        synth_tone(l, TICK, 1, 500, 8000, RATE, (size_t)t * TICK);
        synth_tone(r, TICK, 1, 1500, 8000, RATE, (size_t)t * TICK);
        for (int i = 0; i < TICK; i++)
            s[2 * i] = l[i], s[2 * i + 1] = r[i];
        f->pts = t * TICK;
        assert_int_equal(avcodec_send_frame(ctx, f), 0);
        while (avcodec_receive_packet(ctx, pkt) == 0) {
            struct encoded_frame in = {MEDIA_CODEC_OPUS, pkt->data, (size_t)pkt->size, 0, false};
            int n = audio_decoder_decode(dec, &in, out, AUDIO_DECODER_MAX_SAMPLES);
            assert_int_equal(n, TICK);
            left = amp48(out, 500);
            right = amp48(out, 1500);
            av_packet_unref(pkt);
        }
    }
    print_message("stereo -> mono: left tone %.0f, right tone %.0f\n", left, right);
    assert_true(left > 2000 && right > 2000);
    audio_decoder_free(dec);
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
}

static void test_corrupt_packets_counted(void **state)
{
    (void)state;
    struct audio_encoder_config cfg;
    audio_encoder_config_init(&cfg);
    struct audio_encoder *enc = audio_encoder_new(&cfg);
    struct audio_decoder *dec = audio_decoder_new(MEDIA_CODEC_OPUS);
    int16_t out[AUDIO_DECODER_MAX_SAMPLES];
    /* TOC code 3 with a frame count of 0 is invalid (RFC 6716 3.2.5). */
    static const uint8_t bad[] = {0xfb, 0x00};
    struct encoded_frame in = {MEDIA_CODEC_OPUS, bad, sizeof bad, 0, false};
    assert_int_equal(audio_decoder_decode(dec, &in, out, AUDIO_DECODER_MAX_SAMPLES), -1);
    struct encoded_frame empty = {MEDIA_CODEC_OPUS, NULL, 0, 0, false};
    assert_int_equal(audio_decoder_decode(dec, &empty, out, AUDIO_DECODER_MAX_SAMPLES), -1);
    assert_int_equal(audio_decoder_decode(dec, &in, out, 10), -1);
    assert_int_equal(audio_decoder_stats(dec)->errors, 3);
    /* Random bytes: either rejected or decoded to something, never a crash. */
    uint8_t junk[200];
    uint32_t seed = 3;
    for (int k = 0; k < 50; k++) {
        for (size_t i = 0; i < sizeof junk; i++) {
            seed = seed * 1664525u + 1013904223u;
            junk[i] = (uint8_t)(seed >> 24);
        }
        struct encoded_frame j = {MEDIA_CODEC_OPUS, junk, 1 + (seed % sizeof junk), 0, false};
        int n = audio_decoder_decode(dec, &j, out, AUDIO_DECODER_MAX_SAMPLES);
        assert_true(n >= -1 && n <= AUDIO_DECODER_MAX_SAMPLES);
    }
    /* Good packets decode afterwards. */
    size_t count;
    free(opus_roundtrip(enc, dec, 3, 1000, 8000, 0, &count));
    assert_null(audio_decoder_new(MEDIA_CODEC_VP8));
    cfg.bitrate = 1;
    assert_null(audio_encoder_new(&cfg));
    audio_decoder_free(dec);
    audio_encoder_free(enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opus_roundtrip_keeps_tone),
        cmocka_unit_test(test_opus_loss_concealment),
        cmocka_unit_test(test_opus_bitrate_change),
        cmocka_unit_test(test_pcmu_keeps_tone),
        cmocka_unit_test(test_pcma_keeps_tone),
        cmocka_unit_test(test_opus_stereo_stream_downmixed),
        cmocka_unit_test(test_corrupt_packets_counted),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
