/* video_encoder.c - VP8 (libvpx) and H.264 (libx264) realtime encoding through
 * libavcodec. See video_encoder.h for the settings and why. */
#include "mixer/codec/video_encoder.h"

#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libyuv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTP_VIDEO_CLOCK 90000

struct video_encoder {
    struct video_encoder_config cfg;
    char preset[32]; /* owned copy of cfg.h264_preset */
    AVCodecContext *ctx;
    AVFrame *input;   /* reference to the picture being sent */
    AVFrame *scaled;  /* picture scaled to the profile size */
    AVPacket *packet; /* last encoded frame handed out */
    bool keyframe_requested;
    bool reopen_pending;
    int64_t last_pts;
    struct video_encoder_stats stats;
};

void video_encoder_config_init(struct video_encoder_config *cfg, enum media_codec codec, int width,
                               int height, int bitrate)
{
    cfg->codec = codec;
    cfg->width = width;
    cfg->height = height;
    cfg->fps = 30;
    cfg->bitrate = bitrate;
    cfg->keyframe_interval = 3000;
    cfg->threads = 1;
    cfg->vp8_cpu_used = -6;
    cfg->h264_preset = "veryfast";
}

static int open_codec(struct video_encoder *enc)
{
    const struct video_encoder_config *cfg = &enc->cfg;
    bool vp8 = cfg->codec == MEDIA_CODEC_VP8;
    const AVCodec *codec = avcodec_find_encoder_by_name(vp8 ? "libvpx" : "libx264");
    if (!codec) return -1;
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    if (!ctx) return -1;
    ctx->width = cfg->width;
    ctx->height = cfg->height;
    ctx->pix_fmt = AV_PIX_FMT_YUV420P;
    ctx->time_base = (AVRational){1, RTP_VIDEO_CLOCK};
    ctx->framerate = (AVRational){cfg->fps, 1};
    ctx->bit_rate = cfg->bitrate;
    ctx->rc_max_rate = cfg->bitrate;
    ctx->rc_buffer_size = cfg->bitrate; /* 1 s */
    ctx->gop_size = cfg->keyframe_interval;
    ctx->max_b_frames = 0;
    ctx->thread_count = cfg->threads;

    AVDictionary *opts = NULL;
    char number[16];
    if (vp8) {
        ctx->rc_min_rate = cfg->bitrate; /* min == max == target: libvpx CBR */
        ctx->rc_initial_buffer_occupancy = cfg->bitrate / 2;
        ctx->qmin = 2;
        ctx->qmax = 56;
        ctx->keyint_min = cfg->keyframe_interval;
        /* libvpx gets each frame's duration from ticks_per_frame, in time_base units:
         * with the 90 kHz time base it must be one frame's worth of ticks, or the first
         * frames are budgeted as if the rate were 90000 fps. */
        ctx->ticks_per_frame = RTP_VIDEO_CLOCK / cfg->fps;
        snprintf(number, sizeof number, "%d", cfg->vp8_cpu_used);
        av_dict_set(&opts, "deadline", "realtime", 0);
        av_dict_set(&opts, "cpu-used", number, 0);
        av_dict_set(&opts, "error-resilient", "default", 0);
        av_dict_set(&opts, "lag-in-frames", "0", 0);
        av_dict_set(&opts, "auto-alt-ref", "0", 0);
        av_dict_set(&opts, "max-intra-rate", "300", 0);
    } else {
        ctx->level = 31;
        av_dict_set(&opts, "preset", enc->preset, 0);
        av_dict_set(&opts, "tune", "zerolatency", 0);
        av_dict_set(&opts, "profile", "baseline", 0);
        av_dict_set(&opts, "forced-idr", "1", 0);
        av_dict_set(&opts, "x264-params", "repeat-headers=1:annexb=1:scenecut=0", 0);
    }
    int rc = avcodec_open2(ctx, codec, &opts);
    av_dict_free(&opts);
    if (rc < 0) {
        avcodec_free_context(&ctx);
        return -1;
    }
    avcodec_free_context(&enc->ctx);
    enc->ctx = ctx;
    return 0;
}

struct video_encoder *video_encoder_new(const struct video_encoder_config *cfg)
{
    if (!cfg || (cfg->codec != MEDIA_CODEC_VP8 && cfg->codec != MEDIA_CODEC_H264) ||
        cfg->width < 16 || cfg->height < 16 || cfg->width % 2 || cfg->height % 2 ||
        cfg->width > 4096 || cfg->height > 4096 || cfg->fps <= 0 || cfg->fps > 120 ||
        cfg->bitrate < 10000 || cfg->keyframe_interval <= 0 || cfg->threads <= 0 ||
        cfg->vp8_cpu_used < -16 || cfg->vp8_cpu_used > 16)
        return NULL;
    struct video_encoder *enc = calloc(1, sizeof *enc);
    if (!enc) return NULL;
    enc->cfg = *cfg;
    snprintf(enc->preset, sizeof enc->preset, "%s",
             cfg->h264_preset ? cfg->h264_preset : "veryfast");
    enc->cfg.h264_preset = enc->preset;
    enc->last_pts = INT64_MIN;
    enc->input = av_frame_alloc();
    enc->scaled = av_frame_alloc();
    enc->packet = av_packet_alloc();
    if (!enc->input || !enc->scaled || !enc->packet || open_codec(enc) < 0) {
        video_encoder_free(enc);
        return NULL;
    }
    return enc;
}

void video_encoder_free(struct video_encoder *enc)
{
    if (!enc) return;
    avcodec_free_context(&enc->ctx);
    av_frame_free(&enc->input);
    av_frame_free(&enc->scaled);
    av_packet_free(&enc->packet);
    free(enc);
}

/* The picture at the profile's size: the input itself, or a libyuv scale of it. */
static const AVFrame *fit_to_profile(struct video_encoder *enc, const AVFrame *pic)
{
    if (pic->width == enc->cfg.width && pic->height == enc->cfg.height) return pic;
    AVFrame *out = enc->scaled;
    if (!out->buf[0]) {
        out->format = AV_PIX_FMT_YUV420P;
        out->width = enc->cfg.width;
        out->height = enc->cfg.height;
        if (av_frame_get_buffer(out, 32) < 0) return NULL;
    } else if (av_frame_make_writable(out) < 0) {
        return NULL;
    }
    if (I420Scale(pic->data[0], pic->linesize[0], pic->data[1], pic->linesize[1], pic->data[2],
                  pic->linesize[2], pic->width, pic->height, out->data[0], out->linesize[0],
                  out->data[1], out->linesize[1], out->data[2], out->linesize[2], out->width,
                  out->height, kFilterBox) != 0)
        return NULL;
    return out;
}

int video_encoder_encode(struct video_encoder *enc, const AVFrame *picture, int64_t pts)
{
    if (!picture || picture->width < 2 || picture->height < 2 || !picture->data[0] ||
        (picture->format != AV_PIX_FMT_YUV420P && picture->format != AV_PIX_FMT_YUVJ420P)) {
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
    const AVFrame *src = fit_to_profile(enc, picture);
    if (!src || av_frame_ref(enc->input, src) < 0) {
        enc->stats.errors++;
        return -1;
    }
    if (pts <= enc->last_pts) pts = enc->last_pts + 1;
    enc->last_pts = pts;
    enc->input->pts = pts;
    enc->input->format = AV_PIX_FMT_YUV420P;
    enc->input->pict_type = enc->keyframe_requested ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    int rc = avcodec_send_frame(enc->ctx, enc->input);
    av_frame_unref(enc->input);
    if (rc < 0) {
        enc->stats.errors++;
        return -1;
    }
    enc->keyframe_requested = false;
    enc->stats.pictures_in++;
    return 0;
}

int video_encoder_receive(struct video_encoder *enc, struct encoded_frame *out)
{
    av_packet_unref(enc->packet);
    int rc = avcodec_receive_packet(enc->ctx, enc->packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return 0;
    if (rc < 0) {
        enc->stats.errors++;
        return -1;
    }
    out->codec = enc->cfg.codec;
    out->data = enc->packet->data;
    out->size = (size_t)enc->packet->size;
    out->rtp_timestamp = (uint32_t)enc->packet->pts;
    out->keyframe = (enc->packet->flags & AV_PKT_FLAG_KEY) != 0;
    enc->stats.frames_out++;
    enc->stats.bytes_out += out->size;
    if (out->keyframe) enc->stats.keyframes_out++;
    return 1;
}

void video_encoder_request_keyframe(struct video_encoder *enc) { enc->keyframe_requested = true; }

int video_encoder_set_bitrate(struct video_encoder *enc, int bitrate)
{
    if (bitrate < 10000) return -1;
    if (bitrate == enc->cfg.bitrate) return 0;
    enc->cfg.bitrate = bitrate;
    if (enc->cfg.codec == MEDIA_CODEC_VP8) {
        enc->reopen_pending = true;
    } else {
        /* Picked up by the libx264 wrapper before the next frame (x264_encoder_reconfig). */
        enc->ctx->bit_rate = bitrate;
        enc->ctx->rc_max_rate = bitrate;
        enc->ctx->rc_buffer_size = bitrate;
    }
    return 0;
}

const struct video_encoder_config *video_encoder_config(const struct video_encoder *enc)
{
    return &enc->cfg;
}

const struct video_encoder_stats *video_encoder_stats(const struct video_encoder *enc)
{
    return &enc->stats;
}
