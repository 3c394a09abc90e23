/* mix_audio_codec.c - Opus/G.711 decoding to 48 kHz mono and Opus encoding of mix
 * frames, over libavcodec (and libswresample for 8 kHz G.711). See mix_audio_codec.h. */
#include "mixer/mix_audio_codec.h"

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct mix_audio_decoder {
    AVCodecContext *ctx;
    AVPacket *packet;
    AVFrame *frame;
    SwrContext *swr;        /* when the decoder's output is not 48 kHz mono s16 */
};

static const AVCodec *find_decoder(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_OPUS: /* FFmpeg's own decoder, not libopus: see below */
        return avcodec_find_decoder(AV_CODEC_ID_OPUS);
    case MEDIA_CODEC_PCMU: return avcodec_find_decoder(AV_CODEC_ID_PCM_MULAW);
    case MEDIA_CODEC_PCMA: return avcodec_find_decoder(AV_CODEC_ID_PCM_ALAW);
    default: return NULL;
    }
}

struct mix_audio_decoder *mix_audio_decoder_new(enum media_codec codec)
{
    const AVCodec *av = find_decoder(codec);
    if (!av)
        return NULL;
    struct mix_audio_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->ctx = avcodec_alloc_context3(av);
    dec->packet = av_packet_alloc();
    dec->frame = av_frame_alloc();
    if (!dec->ctx || !dec->packet || !dec->frame)
        goto fail;
    dec->ctx->thread_count = 1;
    dec->ctx->sample_rate = (int)media_codec_clock_rate(codec);
    if (codec == MEDIA_CODEC_OPUS) {
        /* FFmpeg's native Opus decoder (float) rather than libopus: libopus 1.3's
         * multistream decode, the way libavcodec calls it, runs CPUID on every
         * packet, which traps to the hypervisor on virtual machines (measured: 30 %
         * of a 50-room audio mix). */
        dec->ctx->sample_rate = AUDIO_SAMPLE_RATE;
        dec->ctx->request_sample_fmt = AV_SAMPLE_FMT_FLT;
    }
    av_channel_layout_default(&dec->ctx->ch_layout, 1);
    if (avcodec_open2(dec->ctx, av, NULL) < 0)
        goto fail;
    return dec;
fail:
    mix_audio_decoder_free(dec);
    return NULL;
}

void mix_audio_decoder_free(struct mix_audio_decoder *dec)
{
    if (!dec)
        return;
    avcodec_free_context(&dec->ctx);
    av_packet_free(&dec->packet);
    av_frame_free(&dec->frame);
    swr_free(&dec->swr);
    free(dec);
}

static bool is_native(const AVFrame *f)
{
    return f->format == AV_SAMPLE_FMT_S16 && f->sample_rate == AUDIO_SAMPLE_RATE &&
           f->ch_layout.nb_channels == 1;
}

static bool is_float_mono(const AVFrame *f)
{
    return (f->format == AV_SAMPLE_FMT_FLT || f->format == AV_SAMPLE_FMT_FLTP) &&
           f->sample_rate == AUDIO_SAMPLE_RATE && f->ch_layout.nb_channels == 1;
}

static void float_to_s16(const float *in, int16_t *out, int n)
{
    for (int i = 0; i < n; i++) {
        float v = in[i] * 32768.0f;
        out[i] = v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : (int16_t)lrintf(v);
    }
}

/* Converts a decoded frame of another format into `out`; returns samples or -1. */
static int convert(struct mix_audio_decoder *dec, const AVFrame *f, int16_t *out, int room)
{
    if (!dec->swr) {
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        AVChannelLayout in_layout;
        if (av_channel_layout_copy(&in_layout, &f->ch_layout) < 0)
            return -1;
        int rc = swr_alloc_set_opts2(&dec->swr, &mono, AV_SAMPLE_FMT_S16, AUDIO_SAMPLE_RATE,
                                     &in_layout, f->format, f->sample_rate, 0, NULL);
        av_channel_layout_uninit(&in_layout);
        if (rc < 0 || swr_init(dec->swr) < 0) {
            swr_free(&dec->swr);
            return -1;
        }
    }
    uint8_t *planes[1] = {(uint8_t *)out};
    return swr_convert(dec->swr, planes, room, (const uint8_t **)f->extended_data,
                       f->nb_samples);
}

int mix_audio_decoder_decode(struct mix_audio_decoder *dec, const uint8_t *payload,
                             size_t size, int16_t *out)
{
    if (!payload || size == 0 || size > 65536)
        return -1;
    if (av_new_packet(dec->packet, (int)size) < 0)
        return -1;
    memcpy(dec->packet->data, payload, size);
    int rc = avcodec_send_packet(dec->ctx, dec->packet);
    av_packet_unref(dec->packet);
    if (rc < 0)
        return -1;
    int total = 0;
    while (avcodec_receive_frame(dec->ctx, dec->frame) == 0) {
        int room = MIX_AUDIO_MAX_DECODED - total;
        int n;
        if (is_native(dec->frame)) {
            n = dec->frame->nb_samples < room ? dec->frame->nb_samples : room;
            memcpy(out + total, dec->frame->data[0], (size_t)n * sizeof *out);
        } else if (is_float_mono(dec->frame)) {
            n = dec->frame->nb_samples < room ? dec->frame->nb_samples : room;
            float_to_s16((const float *)dec->frame->data[0], out + total, n);
        } else {
            n = convert(dec, dec->frame, out + total, room);
        }
        av_frame_unref(dec->frame);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

struct mix_audio_encoder {
    AVCodecContext *ctx;
    AVFrame *frame;
    AVPacket *packet;
};

void mix_audio_encoder_config_init(struct mix_audio_encoder_config *cfg)
{
    cfg->bitrate = 32000;
    cfg->complexity = 5;
}

struct mix_audio_encoder *mix_audio_encoder_new(const struct mix_audio_encoder_config *cfg)
{
    if (!cfg || cfg->bitrate < 6000 || cfg->bitrate > 510000 || cfg->complexity < 0 ||
        cfg->complexity > 10)
        return NULL;
    const AVCodec *av = avcodec_find_encoder_by_name("libopus");
    if (!av)
        return NULL;
    struct mix_audio_encoder *enc = calloc(1, sizeof *enc);
    if (!enc)
        return NULL;
    enc->ctx = avcodec_alloc_context3(av);
    enc->frame = av_frame_alloc();
    enc->packet = av_packet_alloc();
    if (!enc->ctx || !enc->frame || !enc->packet)
        goto fail;
    AVCodecContext *ctx = enc->ctx;
    ctx->sample_rate = AUDIO_SAMPLE_RATE;
    ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&ctx->ch_layout, 1);
    ctx->bit_rate = cfg->bitrate;
    ctx->time_base = (AVRational){1, AUDIO_SAMPLE_RATE};
    ctx->frame_size = AUDIO_FRAME_SAMPLES;
    ctx->compression_level = cfg->complexity;
    ctx->thread_count = 1;
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "application", "voip", 0);
    av_dict_set(&opts, "frame_duration", "20", 0);
    av_dict_set(&opts, "vbr", "on", 0);
    int rc = avcodec_open2(ctx, av, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        goto fail;
    enc->frame->format = AV_SAMPLE_FMT_S16;
    enc->frame->sample_rate = AUDIO_SAMPLE_RATE;
    enc->frame->nb_samples = AUDIO_FRAME_SAMPLES;
    if (av_channel_layout_copy(&enc->frame->ch_layout, &ctx->ch_layout) < 0)
        goto fail;
    return enc;
fail:
    mix_audio_encoder_free(enc);
    return NULL;
}

void mix_audio_encoder_free(struct mix_audio_encoder *enc)
{
    if (!enc)
        return;
    avcodec_free_context(&enc->ctx);
    av_frame_free(&enc->frame);
    av_packet_free(&enc->packet);
    free(enc);
}

int mix_audio_encoder_encode(struct mix_audio_encoder *enc, const int16_t *pcm, int64_t pts,
                             struct encoded_frame *out)
{
    /* The frame borrows the caller's samples: no copy (libopus reads them during the
     * send call, which does not keep a reference to an unrefcounted frame). */
    AVFrame *f = enc->frame;
    f->data[0] = (uint8_t *)pcm;
    f->extended_data = f->data;
    f->linesize[0] = AUDIO_FRAME_SAMPLES * (int)sizeof *pcm;
    f->pts = pts;
    int rc = avcodec_send_frame(enc->ctx, f);
    f->data[0] = NULL;
    if (rc < 0)
        return -1;
    av_packet_unref(enc->packet);
    rc = avcodec_receive_packet(enc->ctx, enc->packet);
    if (rc == AVERROR(EAGAIN))
        return 0;
    if (rc < 0)
        return -1;
    out->codec = MEDIA_CODEC_OPUS;
    out->data = enc->packet->data;
    out->size = (size_t)enc->packet->size;
    /* libavcodec shifts output pts back by the pre-skip; the RTP clock counts input. */
    out->rtp_timestamp = (uint32_t)(enc->packet->pts + enc->ctx->initial_padding);
    out->keyframe = true;
    return 1;
}

const uint8_t *mix_audio_encoder_extradata(const struct mix_audio_encoder *enc, size_t *size)
{
    *size = (size_t)enc->ctx->extradata_size;
    return enc->ctx->extradata;
}

int mix_audio_encoder_delay(const struct mix_audio_encoder *enc)
{
    return enc->ctx->initial_padding;
}
