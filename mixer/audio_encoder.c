/* audio_encoder.c - Opus encoding of 20 ms mono ticks through libavcodec's libopus
 * wrapper. See audio_encoder.h. */
#include "mixer/audio_encoder.h"

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audio_encoder {
    struct audio_encoder_config cfg;
    AVCodecContext *ctx;
    AVFrame *frame;
    AVPacket *packet;
    bool reopen_pending;
    int64_t samples;            /* running sample count: the frames' pts */
    struct audio_encoder_stats stats;
};

void audio_encoder_config_init(struct audio_encoder_config *cfg)
{
    cfg->bitrate = 32000;
    cfg->fec = true;
    cfg->expected_loss_percent = 10;
}

static int open_codec(struct audio_encoder *enc)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("libopus");
    if (!codec)
        return -1;
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    if (!ctx)
        return -1;
    ctx->sample_rate = AUDIO_SAMPLE_RATE;
    ctx->sample_fmt = AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&ctx->ch_layout, AUDIO_CHANNELS);
    ctx->bit_rate = enc->cfg.bitrate;
    ctx->time_base = (AVRational){1, AUDIO_SAMPLE_RATE};
    AVDictionary *opts = NULL;
    char loss[8];
    snprintf(loss, sizeof loss, "%d", enc->cfg.expected_loss_percent);
    av_dict_set(&opts, "application", "voip", 0);
    av_dict_set(&opts, "frame_duration", "20", 0);
    av_dict_set(&opts, "vbr", "on", 0);
    av_dict_set(&opts, "fec", enc->cfg.fec ? "1" : "0", 0);
    av_dict_set(&opts, "packet_loss", loss, 0);
    int rc = avcodec_open2(ctx, codec, &opts);
    av_dict_free(&opts);
    if (rc < 0 || ctx->frame_size != AUDIO_FRAME_SAMPLES) {
        avcodec_free_context(&ctx);
        return -1;
    }
    avcodec_free_context(&enc->ctx);
    enc->ctx = ctx;
    return 0;
}

static bool valid_bitrate(int bitrate)
{
    return bitrate >= 6000 && bitrate <= 510000;
}

struct audio_encoder *audio_encoder_new(const struct audio_encoder_config *cfg)
{
    if (!cfg || !valid_bitrate(cfg->bitrate) || cfg->expected_loss_percent < 0 ||
        cfg->expected_loss_percent > 100)
        return NULL;
    struct audio_encoder *enc = calloc(1, sizeof *enc);
    if (!enc)
        return NULL;
    enc->cfg = *cfg;
    enc->frame = av_frame_alloc();
    enc->packet = av_packet_alloc();
    if (!enc->frame || !enc->packet || open_codec(enc) < 0) {
        audio_encoder_free(enc);
        return NULL;
    }
    enc->frame->format = AV_SAMPLE_FMT_S16;
    enc->frame->sample_rate = AUDIO_SAMPLE_RATE;
    enc->frame->nb_samples = AUDIO_FRAME_SAMPLES;
    av_channel_layout_default(&enc->frame->ch_layout, AUDIO_CHANNELS);
    if (av_frame_get_buffer(enc->frame, 0) < 0) {
        audio_encoder_free(enc);
        return NULL;
    }
    return enc;
}

void audio_encoder_free(struct audio_encoder *enc)
{
    if (!enc)
        return;
    avcodec_free_context(&enc->ctx);
    av_frame_free(&enc->frame);
    av_packet_free(&enc->packet);
    free(enc);
}

int audio_encoder_encode(struct audio_encoder *enc, const int16_t *pcm, uint32_t rtp_timestamp,
                         struct encoded_frame *out)
{
    if (!pcm) {
        enc->stats.errors++;
        return -1;
    }
    if (enc->reopen_pending) {
        if (open_codec(enc) < 0) {
            enc->stats.errors++;
            return -1;
        }
        enc->reopen_pending = false;
        enc->stats.reopens++;
    }
    /* The libopus wrapper may keep a reference to the frame: write into a fresh
     * buffer if so. */
    if (av_frame_make_writable(enc->frame) < 0) {
        enc->stats.errors++;
        return -1;
    }
    memcpy(enc->frame->data[0], pcm, AUDIO_FRAME_SAMPLES * sizeof *pcm);
    enc->frame->pts = enc->samples;
    enc->samples += AUDIO_FRAME_SAMPLES;
    enc->stats.frames_in++;
    if (avcodec_send_frame(enc->ctx, enc->frame) < 0) {
        enc->stats.errors++;
        return -1;
    }
    av_packet_unref(enc->packet);
    int rc = avcodec_receive_packet(enc->ctx, enc->packet);
    if (rc == AVERROR(EAGAIN))
        return 0;
    if (rc < 0) {
        enc->stats.errors++;
        return -1;
    }
    /* libopus emits one packet per 20 ms frame, synchronously: it is this tick's. */
    out->codec = MEDIA_CODEC_OPUS;
    out->data = enc->packet->data;
    out->size = (size_t)enc->packet->size;
    out->rtp_timestamp = rtp_timestamp;
    out->keyframe = false;
    enc->stats.packets_out++;
    enc->stats.bytes_out += out->size;
    return 1;
}

int audio_encoder_set_bitrate(struct audio_encoder *enc, int bitrate)
{
    if (!valid_bitrate(bitrate))
        return -1;
    if (bitrate != enc->cfg.bitrate) {
        enc->cfg.bitrate = bitrate;
        enc->reopen_pending = true;
    }
    return 0;
}

const struct audio_encoder_stats *audio_encoder_stats(const struct audio_encoder *enc)
{
    return &enc->stats;
}
