/* mix_audio_codec.c - Opus decoding and encoding of mix frames over libopus, and
 * G.711 decoding to 48 kHz mono over libavcodec + libswresample. See
 * mix_audio_codec.h. */
#include "mixer/codec/mix_audio_codec.h"

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <opus.h>
#include <libswresample/swresample.h>
#include <stdlib.h>
#include <string.h>

/* Largest Opus packet we produce: 20 ms at 510 kbit/s is 1275 bytes. */
#define OPUS_PACKET_MAX 1500
#define OPUS_HEAD_SIZE  19

struct mix_audio_decoder {
    OpusDecoder *opus;   /* Opus */
    AVCodecContext *ctx; /* G.711 */
    AVPacket *packet;
    AVFrame *frame;
    SwrContext *swr; /* 8 kHz to 48 kHz */
};

static int open_g711(struct mix_audio_decoder *dec, enum media_codec codec)
{
    const AVCodec *av = avcodec_find_decoder(codec == MEDIA_CODEC_PCMU ? AV_CODEC_ID_PCM_MULAW
                                                                       : AV_CODEC_ID_PCM_ALAW);
    if (!av) return -1;
    dec->ctx = avcodec_alloc_context3(av);
    dec->packet = av_packet_alloc();
    dec->frame = av_frame_alloc();
    if (!dec->ctx || !dec->packet || !dec->frame) return -1;
    dec->ctx->thread_count = 1;
    dec->ctx->sample_rate = (int)media_codec_clock_rate(codec);
    av_channel_layout_default(&dec->ctx->ch_layout, 1);
    return avcodec_open2(dec->ctx, av, NULL) < 0 ? -1 : 0;
}

struct mix_audio_decoder *mix_audio_decoder_new(enum media_codec codec)
{
    if (codec != MEDIA_CODEC_OPUS && codec != MEDIA_CODEC_PCMU && codec != MEDIA_CODEC_PCMA)
        return NULL;
    struct mix_audio_decoder *dec = calloc(1, sizeof *dec);
    if (!dec) return NULL;
    int rc = -1;
    if (codec == MEDIA_CODEC_OPUS) {
        int err;
        dec->opus = opus_decoder_create(AUDIO_SAMPLE_RATE, AUDIO_CHANNELS, &err);
        rc = dec->opus && err == OPUS_OK ? 0 : -1;
    } else {
        rc = open_g711(dec, codec);
    }
    if (rc < 0) {
        mix_audio_decoder_free(dec);
        return NULL;
    }
    return dec;
}

void mix_audio_decoder_free(struct mix_audio_decoder *dec)
{
    if (!dec) return;
    opus_decoder_destroy(dec->opus);
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

/* Converts a decoded frame of another format into `out`; returns samples or -1. */
static int convert(struct mix_audio_decoder *dec, const AVFrame *f, int16_t *out, int room)
{
    if (!dec->swr) {
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        AVChannelLayout in_layout = {0}; /* _copy() uninits its destination first */
        if (av_channel_layout_copy(&in_layout, &f->ch_layout) < 0) return -1;
        int rc = swr_alloc_set_opts2(&dec->swr, &mono, AV_SAMPLE_FMT_S16, AUDIO_SAMPLE_RATE,
                                     &in_layout, f->format, f->sample_rate, 0, NULL);
        av_channel_layout_uninit(&in_layout);
        if (rc < 0 || swr_init(dec->swr) < 0) {
            swr_free(&dec->swr);
            return -1;
        }
    }
    uint8_t *planes[1] = {(uint8_t *)out};
    return swr_convert(dec->swr, planes, room, (const uint8_t **)f->extended_data, f->nb_samples);
}

static int decode_g711(struct mix_audio_decoder *dec, const uint8_t *payload, size_t size,
                       int16_t *out)
{
    if (av_new_packet(dec->packet, (int)size) < 0) return -1;
    memcpy(dec->packet->data, payload, size);
    int rc = avcodec_send_packet(dec->ctx, dec->packet);
    av_packet_unref(dec->packet);
    if (rc < 0) return -1;
    int total = 0;
    while (avcodec_receive_frame(dec->ctx, dec->frame) == 0) {
        int room = MIX_AUDIO_MAX_DECODED - total;
        int n;
        if (is_native(dec->frame)) {
            n = dec->frame->nb_samples < room ? dec->frame->nb_samples : room;
            memcpy(out + total, dec->frame->data[0], (size_t)n * sizeof *out);
        } else {
            n = convert(dec, dec->frame, out + total, room);
        }
        av_frame_unref(dec->frame);
        if (n < 0) return -1;
        total += n;
    }
    return total;
}

int mix_audio_decoder_decode(struct mix_audio_decoder *dec, const uint8_t *payload, size_t size,
                             int16_t *out)
{
    if (!payload || size == 0 || size > 65536) return -1;
    if (!dec->opus) return decode_g711(dec, payload, size, out);
    int n = opus_decode(dec->opus, payload, (opus_int32)size, out, MIX_AUDIO_MAX_DECODED, 0);
    return n < 0 ? -1 : n;
}

struct mix_audio_encoder {
    OpusEncoder *opus;
    size_t state_size; /* bytes of *opus (position independent) */
    int lookahead;     /* samples: the Opus pre-skip */
    uint8_t packet[OPUS_PACKET_MAX];
    uint8_t head[OPUS_HEAD_SIZE]; /* OpusHead for containers */
};

void mix_audio_encoder_config_init(struct mix_audio_encoder_config *cfg)
{
    cfg->bitrate = 32000;
    cfg->complexity = 5;
}

/* The Opus identification header (RFC 7845 section 5.1), mono, mapping family 0. */
static void write_head(uint8_t *h, int pre_skip)
{
    memcpy(h, "OpusHead", 8);
    h[8] = 1; /* version */
    h[9] = AUDIO_CHANNELS;
    h[10] = (uint8_t)(pre_skip & 0xff);
    h[11] = (uint8_t)(pre_skip >> 8);
    uint32_t rate = AUDIO_SAMPLE_RATE;
    for (int i = 0; i < 4; i++) h[12 + i] = (uint8_t)(rate >> (8 * i));
    h[16] = h[17] = 0; /* output gain */
    h[18] = 0;         /* mapping family */
}

struct mix_audio_encoder *mix_audio_encoder_new(const struct mix_audio_encoder_config *cfg)
{
    if (!cfg || cfg->bitrate < 6000 || cfg->bitrate > 510000 || cfg->complexity < 0 ||
        cfg->complexity > 10)
        return NULL;
    struct mix_audio_encoder *enc = calloc(1, sizeof *enc);
    if (!enc) return NULL;
    enc->state_size = (size_t)opus_encoder_get_size(AUDIO_CHANNELS);
    enc->opus = malloc(enc->state_size);
    if (!enc->opus ||
        opus_encoder_init(enc->opus, AUDIO_SAMPLE_RATE, AUDIO_CHANNELS, OPUS_APPLICATION_VOIP) !=
            OPUS_OK ||
        opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(cfg->bitrate)) != OPUS_OK ||
        opus_encoder_ctl(enc->opus, OPUS_SET_COMPLEXITY(cfg->complexity)) != OPUS_OK ||
        opus_encoder_ctl(enc->opus, OPUS_SET_VBR(1)) != OPUS_OK ||
        opus_encoder_ctl(enc->opus, OPUS_SET_VBR_CONSTRAINT(0)) != OPUS_OK ||
        opus_encoder_ctl(enc->opus, OPUS_GET_LOOKAHEAD(&enc->lookahead)) != OPUS_OK) {
        mix_audio_encoder_free(enc);
        return NULL;
    }
    write_head(enc->head, enc->lookahead);
    return enc;
}

void mix_audio_encoder_free(struct mix_audio_encoder *enc)
{
    if (!enc) return;
    free(enc->opus);
    free(enc);
}

int mix_audio_encoder_encode(struct mix_audio_encoder *enc, const int16_t *pcm, int64_t pts,
                             struct encoded_frame *out)
{
    opus_int32 n = opus_encode(enc->opus, pcm, AUDIO_FRAME_SAMPLES, enc->packet,
                               (opus_int32)sizeof enc->packet);
    if (n < 0) return -1;
    if (n == 0) return 0;
    out->codec = MEDIA_CODEC_OPUS;
    out->data = enc->packet;
    out->size = (size_t)n;
    out->rtp_timestamp = (uint32_t)pts;
    out->keyframe = true;
    return 1;
}

void mix_audio_encoder_copy_state(struct mix_audio_encoder *dst,
                                  const struct mix_audio_encoder *src)
{
    if (dst != src && dst->state_size == src->state_size)
        memcpy(dst->opus, src->opus, src->state_size);
}

int mix_audio_encoder_set_complexity(struct mix_audio_encoder *enc, int complexity)
{
    if (complexity < 0 || complexity > 10) return -1;
    return opus_encoder_ctl(enc->opus, OPUS_SET_COMPLEXITY(complexity)) == OPUS_OK ? 0 : -1;
}

void mix_audio_encoder_reset(struct mix_audio_encoder *enc)
{
    opus_encoder_ctl(enc->opus, OPUS_RESET_STATE);
}

const uint8_t *mix_audio_encoder_extradata(const struct mix_audio_encoder *enc, size_t *size)
{
    *size = sizeof enc->head;
    return enc->head;
}

int mix_audio_encoder_delay(const struct mix_audio_encoder *enc) { return enc->lookahead; }
