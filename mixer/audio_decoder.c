/* audio_decoder.c - Opus / G.711 decoding over libavcodec, conversion to 48 kHz mono
 * s16 with libswresample, Opus loss concealment. See audio_decoder.h. */
#include "mixer/audio_decoder.h"

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PACKET_MS 120

struct audio_decoder {
    enum media_codec codec;
    AVCodecContext *ctx;
    AVPacket *packet;
    AVFrame *frame;
    SwrContext *swr;
    int swr_format, swr_rate, swr_channels;  /* what swr was set up for */
    uint8_t last_toc;                        /* Opus: TOC of the last good packet */
    bool have_toc;
    struct audio_decoder_stats stats;
};

struct audio_decoder *audio_decoder_new(enum media_codec codec)
{
    const AVCodec *av = NULL;
    int rate = 8000;
    if (codec == MEDIA_CODEC_OPUS) {
        /* libopus: its PLC is reachable (see header); the native decoder's is not. */
        av = avcodec_find_decoder_by_name("libopus");
        if (!av)
            av = avcodec_find_decoder(AV_CODEC_ID_OPUS);
        rate = AUDIO_SAMPLE_RATE;
    } else if (codec == MEDIA_CODEC_PCMU) {
        av = avcodec_find_decoder(AV_CODEC_ID_PCM_MULAW);
    } else if (codec == MEDIA_CODEC_PCMA) {
        av = avcodec_find_decoder(AV_CODEC_ID_PCM_ALAW);
    }
    if (!av)
        return NULL;
    struct audio_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->codec = codec;
    dec->ctx = avcodec_alloc_context3(av);
    dec->packet = av_packet_alloc();
    dec->frame = av_frame_alloc();
    if (!dec->ctx || !dec->packet || !dec->frame)
        goto fail;
    dec->ctx->sample_rate = rate;
    /* Mono output: libopus downmixes a stereo stream itself. */
    av_channel_layout_default(&dec->ctx->ch_layout, 1);
    dec->ctx->request_sample_fmt = AV_SAMPLE_FMT_S16;
    if (avcodec_open2(dec->ctx, av, NULL) < 0)
        goto fail;
    return dec;
fail:
    audio_decoder_free(dec);
    return NULL;
}

void audio_decoder_free(struct audio_decoder *dec)
{
    if (!dec)
        return;
    avcodec_free_context(&dec->ctx);
    av_packet_free(&dec->packet);
    av_frame_free(&dec->frame);
    swr_free(&dec->swr);
    free(dec);
}

/* (Re)configures the resampler for the decoded frame's format. */
static int setup_swr(struct audio_decoder *dec, const AVFrame *f)
{
    if (dec->swr && f->format == dec->swr_format && f->sample_rate == dec->swr_rate &&
        f->ch_layout.nb_channels == dec->swr_channels)
        return 0;
    swr_free(&dec->swr);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    AVChannelLayout in = f->ch_layout; /* shallow: swr only reads it */
    if (swr_alloc_set_opts2(&dec->swr, &mono, AV_SAMPLE_FMT_S16, AUDIO_SAMPLE_RATE, &in,
                            f->format, f->sample_rate, 0, NULL) < 0 ||
        swr_init(dec->swr) < 0) {
        swr_free(&dec->swr);
        return -1;
    }
    dec->swr_format = f->format;
    dec->swr_rate = f->sample_rate;
    dec->swr_channels = f->ch_layout.nb_channels;
    return 0;
}

/* Sends one packet and converts every frame it yields into out. */
static int decode_packet(struct audio_decoder *dec, const uint8_t *data, size_t size,
                         int64_t pts, int16_t *out, size_t capacity)
{
    if (av_new_packet(dec->packet, (int)size) < 0)
        return -1;
    memcpy(dec->packet->data, data, size);
    dec->packet->pts = pts;
    int rc = avcodec_send_packet(dec->ctx, dec->packet);
    av_packet_unref(dec->packet);
    if (rc < 0)
        return -1;
    size_t written = 0;
    for (;;) {
        rc = avcodec_receive_frame(dec->ctx, dec->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            break;
        if (rc < 0 || setup_swr(dec, dec->frame) < 0) {
            av_frame_unref(dec->frame);
            return -1;
        }
        int room = (int)(capacity - written);
        if (swr_get_out_samples(dec->swr, dec->frame->nb_samples) > room) {
            av_frame_unref(dec->frame);
            return -1;
        }
        uint8_t *dst = (uint8_t *)(out + written);
        int n = swr_convert(dec->swr, &dst, room, (const uint8_t **)dec->frame->extended_data,
                            dec->frame->nb_samples);
        av_frame_unref(dec->frame);
        if (n < 0)
            return -1;
        written += (size_t)n;
    }
    return (int)written;
}

int audio_decoder_decode(struct audio_decoder *dec, const struct encoded_frame *frame,
                         int16_t *out, size_t capacity)
{
    dec->stats.packets_in++;
    size_t max_g711 = 8 * MAX_PACKET_MS; /* 8 kHz, one byte a sample */
    if (!frame || !frame->data || frame->size == 0 || capacity < AUDIO_DECODER_MAX_SAMPLES ||
        (dec->codec != MEDIA_CODEC_OPUS && frame->size > max_g711) || frame->size > 65536) {
        dec->stats.errors++;
        return -1;
    }
    int n = decode_packet(dec, frame->data, frame->size, frame->rtp_timestamp, out, capacity);
    if (n < 0) {
        dec->stats.errors++;
        return -1;
    }
    if (dec->codec == MEDIA_CODEC_OPUS) {
        dec->last_toc = frame->data[0];
        dec->have_toc = true;
    }
    dec->stats.samples_out += (uint64_t)n;
    return n;
}

/* A TOC byte (RFC 6716 3.1) with the last packet's mode and bandwidth, 20 ms, one
 * frame (code 0). Configs: 0-11 SILK (4 durations each: 10/20/40/60 ms), 12-15 hybrid
 * (10/20 ms), 16-31 CELT (2.5/5/10/20 ms). */
static uint8_t plc_toc(uint8_t last)
{
    int config = last >> 3, stereo = (last >> 2) & 1;
    if (config < 12)
        config = (config & ~3) | 1;
    else if (config < 16)
        config = (config & ~1) | 1;
    else
        config = config | 3;
    return (uint8_t)((config << 3) | (stereo << 2));
}

int audio_decoder_conceal(struct audio_decoder *dec, int16_t *out, size_t capacity)
{
    size_t tick = AUDIO_FRAME_SAMPLES;
    if (capacity < AUDIO_DECODER_MAX_SAMPLES)
        return -1;
    dec->stats.concealed++;
    if (dec->codec == MEDIA_CODEC_OPUS && dec->have_toc) {
        uint8_t toc = plc_toc(dec->last_toc);
        int n = decode_packet(dec, &toc, 1, AV_NOPTS_VALUE, out, capacity);
        if (n >= 0) {
            dec->stats.samples_out += (uint64_t)n;
            return n;
        }
        dec->stats.errors++;
    }
    memset(out, 0, tick * sizeof *out);
    dec->stats.samples_out += tick;
    return (int)tick;
}

const struct audio_decoder_stats *audio_decoder_stats(const struct audio_decoder *dec)
{
    return &dec->stats;
}
