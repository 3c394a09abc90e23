/* mix_transcode.c - re-encodes an input stream the mixer cannot take as it is: any
 * libavcodec video to VP8, any audio to Opus. See mix_transcode.h. */
#include "mixer/tools/mix_transcode.h"

#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/media/audio_format.h"
#include "mixer/codec/mix_audio_codec.h"
#include "mixer/codec/video_encoder.h"

#define TRANSCODE_VIDEO_BITRATE 1500000
#define AUDIO_QUEUE_MAX         (AUDIO_SAMPLE_RATE * 2)

struct mix_transcode {
    enum AVMediaType type;
    AVRational time_base;
    AVCodecContext *decoder;
    AVFrame *decoded;
    /* video */
    struct SwsContext *sws;
    AVFrame *i420;
    struct video_encoder *video_encoder;
    /* audio */
    SwrContext *swr;
    struct mix_audio_encoder *audio_encoder;
    int16_t *queue; /* 48 kHz mono samples waiting for a whole frame */
    size_t queued;
    int64_t queue_start_us; /* time of queue[0]; INT64_MIN until known */
};

struct mix_transcode *mix_transcode_new(const AVStream *stream)
{
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    enum AVMediaType type = stream->codecpar->codec_type;
    if (!codec || (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO)) return NULL;
    struct mix_transcode *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->type = type;
    t->time_base = stream->time_base;
    t->queue_start_us = INT64_MIN;
    t->decoder = avcodec_alloc_context3(codec);
    t->decoded = av_frame_alloc();
    if (!t->decoder || !t->decoded ||
        avcodec_parameters_to_context(t->decoder, stream->codecpar) < 0)
        goto fail;
    t->decoder->pkt_timebase = stream->time_base;
    t->decoder->thread_count = 1;
    if (avcodec_open2(t->decoder, codec, NULL) < 0) goto fail;
    if (type == AVMEDIA_TYPE_AUDIO) {
        struct mix_audio_encoder_config ec;
        mix_audio_encoder_config_init(&ec);
        ec.bitrate = 48000;
        t->audio_encoder = mix_audio_encoder_new(&ec);
        t->queue = malloc(AUDIO_QUEUE_MAX * sizeof *t->queue);
        if (!t->audio_encoder || !t->queue) goto fail;
    } else {
        t->i420 = av_frame_alloc();
        if (!t->i420) goto fail;
    }
    return t;
fail:
    mix_transcode_free(t);
    return NULL;
}

void mix_transcode_free(struct mix_transcode *t)
{
    if (!t) return;
    avcodec_free_context(&t->decoder);
    av_frame_free(&t->decoded);
    sws_freeContext(t->sws);
    av_frame_free(&t->i420);
    video_encoder_free(t->video_encoder);
    swr_free(&t->swr);
    mix_audio_encoder_free(t->audio_encoder);
    free(t->queue);
    free(t);
}

enum media_codec mix_transcode_codec(const struct mix_transcode *t)
{
    return t->type == AVMEDIA_TYPE_VIDEO ? MEDIA_CODEC_VP8 : MEDIA_CODEC_OPUS;
}

static int64_t frame_time_us(const struct mix_transcode *t, const AVFrame *f, int64_t start_us)
{
    int64_t ts = f->best_effort_timestamp;
    if (ts == AV_NOPTS_VALUE) return INT64_MIN;
    return av_rescale_q(ts, t->time_base, AV_TIME_BASE_Q) - start_us;
}

static int video_frame(struct mix_transcode *t, int64_t time_us, mix_transcode_out out,
                       void *opaque)
{
    AVFrame *in = t->decoded;
    int w = in->width & ~1, h = in->height & ~1;
    if (w < 16 || h < 16) return -1;
    if (!t->video_encoder) {
        struct video_encoder_config vc;
        video_encoder_config_init(&vc, MEDIA_CODEC_VP8, w, h, TRANSCODE_VIDEO_BITRATE);
        t->video_encoder = video_encoder_new(&vc);
        t->i420->format = AV_PIX_FMT_YUV420P;
        t->i420->width = w;
        t->i420->height = h;
        if (!t->video_encoder || av_frame_get_buffer(t->i420, 32) < 0) return -1;
    }
    t->sws = sws_getCachedContext(t->sws, in->width, in->height, in->format, w, h,
                                  AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!t->sws || av_frame_make_writable(t->i420) < 0 ||
        sws_scale(t->sws, (const uint8_t *const *)in->data, in->linesize, 0, in->height,
                  t->i420->data, t->i420->linesize) < 0)
        return -1;
    if (time_us == INT64_MIN) return 0;
    if (video_encoder_encode(t->video_encoder, t->i420, time_us * 9 / 100) < 0) return -1;
    struct encoded_frame frame;
    int got;
    while ((got = video_encoder_receive(t->video_encoder, &frame)) == 1)
        if (out(opaque, &frame, time_us) < 0) return -1;
    return got;
}

static int audio_frame(struct mix_transcode *t, int64_t time_us, mix_transcode_out out,
                       void *opaque)
{
    AVFrame *in = t->decoded;
    if (!t->swr) {
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        AVChannelLayout in_layout = {0}; /* _copy() uninits its destination first */
        if (av_channel_layout_copy(&in_layout, &in->ch_layout) < 0) return -1;
        if (in_layout.nb_channels == 0 || in_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
            int n = in_layout.nb_channels ? in_layout.nb_channels : 1;
            av_channel_layout_uninit(&in_layout);
            av_channel_layout_default(&in_layout, n);
        }
        int rc = swr_alloc_set_opts2(&t->swr, &mono, AV_SAMPLE_FMT_S16, AUDIO_SAMPLE_RATE,
                                     &in_layout, in->format, in->sample_rate, 0, NULL);
        av_channel_layout_uninit(&in_layout);
        if (rc < 0 || swr_init(t->swr) < 0) return -1;
    }
    if (t->queue_start_us == INT64_MIN) t->queue_start_us = time_us == INT64_MIN ? 0 : time_us;
    int room = (int)(AUDIO_QUEUE_MAX - t->queued);
    uint8_t *dst[1] = {(uint8_t *)(t->queue + t->queued)};
    int n = swr_convert(t->swr, dst, room, in ? (const uint8_t **)in->extended_data : NULL,
                        in ? in->nb_samples : 0);
    if (n < 0) return -1;
    t->queued += (size_t)n;
    size_t used = 0;
    while (t->queued - used >= AUDIO_FRAME_SAMPLES) {
        struct encoded_frame frame;
        int64_t start = t->queue_start_us + (int64_t)used * 1000000 / AUDIO_SAMPLE_RATE;
        int got = mix_audio_encoder_encode(t->audio_encoder, t->queue + used,
                                           av_rescale(start, AUDIO_SAMPLE_RATE, 1000000), &frame);
        used += AUDIO_FRAME_SAMPLES;
        if (got < 0 || (got == 1 && out(opaque, &frame, start) < 0)) return -1;
    }
    memmove(t->queue, t->queue + used, (t->queued - used) * sizeof *t->queue);
    t->queued -= used;
    t->queue_start_us += (int64_t)used * 1000000 / AUDIO_SAMPLE_RATE;
    return 0;
}

int mix_transcode_feed(struct mix_transcode *t, const AVPacket *packet, int64_t start_us,
                       mix_transcode_out out, void *opaque)
{
    int rc = avcodec_send_packet(t->decoder, packet);
    if (rc < 0 && rc != AVERROR_EOF) return packet ? 0 : -1; /* a corrupt packet: skip it */
    for (;;) {
        rc = avcodec_receive_frame(t->decoder, t->decoded);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
        if (rc < 0) return -1;
        int64_t time_us = frame_time_us(t, t->decoded, start_us);
        rc = t->type == AVMEDIA_TYPE_VIDEO ? video_frame(t, time_us, out, opaque)
                                           : audio_frame(t, time_us, out, opaque);
        av_frame_unref(t->decoded);
        if (rc < 0) return -1;
    }
    return 0;
}
