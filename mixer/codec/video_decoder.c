/* video_decoder.c - VP8 / H.264 decoding over libavcodec with keyframe-gated error
 * recovery. See video_decoder.h. */
#include "mixer/codec/video_decoder.h"

#include <libavcodec/avcodec.h>
#include <libyuv.h>
#include <stdlib.h>
#include <string.h>

struct video_decoder {
    enum media_codec codec;
    AVCodecContext *ctx;
    AVPacket *packet;
    AVFrame *decoded;   /* what libavcodec returned: the newest picture */
    AVFrame *received;  /* the one being received */
    AVFrame *converted; /* 4:2:2 / 4:4:4 converted to I420 */
    bool waiting_keyframe;
    /* While waiting: a keyframe went in, its picture has not come out yet (H.264 with
     * B-frames holds pictures back for reordering). Frames after it are decoded. */
    bool keyframe_in;
    unsigned frames_since_keyframe_in;
    struct video_decoder_stats stats;
};

struct video_decoder *video_decoder_new(enum media_codec codec)
{
    enum AVCodecID id = codec == MEDIA_CODEC_VP8    ? AV_CODEC_ID_VP8
                        : codec == MEDIA_CODEC_H264 ? AV_CODEC_ID_H264
                                                    : AV_CODEC_ID_NONE;
    const AVCodec *av = id != AV_CODEC_ID_NONE ? avcodec_find_decoder(id) : NULL;
    if (!av) return NULL;
    struct video_decoder *dec = calloc(1, sizeof *dec);
    if (!dec) return NULL;
    dec->codec = codec;
    dec->waiting_keyframe = true;
    dec->ctx = avcodec_alloc_context3(av);
    dec->packet = av_packet_alloc();
    dec->decoded = av_frame_alloc();
    dec->received = av_frame_alloc();
    dec->converted = av_frame_alloc();
    if (!dec->ctx || !dec->packet || !dec->decoded || !dec->received || !dec->converted) goto fail;
    dec->ctx->thread_count = 1;
    /* VP8 has no reordering. H.264 may (Main/High profile B-frames): libavcodec's
     * reordering stays on (its own guess, or the SPS's num_reorder_frames); streams
     * without B-frames still come out one picture per frame. */
    if (codec == MEDIA_CODEC_VP8) dec->ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
    dec->ctx->max_pixels = VIDEO_DECODER_MAX_PIXELS;
    dec->ctx->err_recognition = AV_EF_EXPLODE;
    if (avcodec_open2(dec->ctx, av, NULL) < 0) goto fail;
    return dec;
fail:
    video_decoder_free(dec);
    return NULL;
}

void video_decoder_free(struct video_decoder *dec)
{
    if (!dec) return;
    avcodec_free_context(&dec->ctx);
    av_packet_free(&dec->packet);
    av_frame_free(&dec->decoded);
    av_frame_free(&dec->received);
    av_frame_free(&dec->converted);
    free(dec);
}

static bool h264_has_idr(const uint8_t *p, size_t size)
{
    /* Walk the Annex B start codes (00 00 01 or 00 00 00 01) and look at NAL types. */
    for (size_t i = 0; i + 3 < size; i++) {
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) {
            if ((p[i + 3] & 0x1f) == 5) return true;
            i += 2;
        }
    }
    return false;
}

bool video_bitstream_is_keyframe(enum media_codec codec, const uint8_t *data, size_t size)
{
    if (!data) return false;
    if (codec == MEDIA_CODEC_VP8)
        /* RFC 6386 9.1: P bit 0 = key frame, then the start code 9d 01 2a. */
        return size >= 10 && !(data[0] & 1) && data[3] == 0x9d && data[4] == 0x01 &&
               data[5] == 0x2a;
    if (codec == MEDIA_CODEC_H264) return h264_has_idr(data, size);
    return false;
}

static enum video_decode_status fail_and_wait(struct video_decoder *dec)
{
    dec->stats.errors++;
    dec->waiting_keyframe = true;
    dec->keyframe_in = false;
    avcodec_flush_buffers(dec->ctx);
    return VIDEO_DECODE_NEED_KEYFRAME;
}

/* Returns the picture to hand out: the decoded one if it is I420 already, else a
 * libyuv conversion; NULL for formats we do not take. */
static const AVFrame *as_i420(struct video_decoder *dec)
{
    AVFrame *in = dec->decoded;
    if (in->format == AV_PIX_FMT_YUV420P || in->format == AV_PIX_FMT_YUVJ420P) return in;
    bool is422 = in->format == AV_PIX_FMT_YUV422P || in->format == AV_PIX_FMT_YUVJ422P;
    bool is444 = in->format == AV_PIX_FMT_YUV444P || in->format == AV_PIX_FMT_YUVJ444P;
    if (!is422 && !is444) return NULL;
    AVFrame *out = dec->converted;
    if (out->width != in->width || out->height != in->height || !out->buf[0]) {
        av_frame_unref(out);
        out->format = AV_PIX_FMT_YUV420P;
        out->width = in->width;
        out->height = in->height;
        if (av_frame_get_buffer(out, 32) < 0) return NULL;
    } else if (av_frame_make_writable(out) < 0) {
        return NULL; /* someone (the compositor) holds the last one: got a new buffer */
    }
    int rc = (is422 ? I422ToI420 : I444ToI420)(
        in->data[0], in->linesize[0], in->data[1], in->linesize[1], in->data[2], in->linesize[2],
        out->data[0], out->linesize[0], out->data[1], out->linesize[1], out->data[2],
        out->linesize[2], in->width, in->height);
    if (rc != 0) return NULL;
    out->pts = in->pts;
    return out;
}

/* A keyframe whose picture has not come out after this many frames was not one that
 * decodes (H.264 holds back at most 16 pictures). */
#define MAX_FRAMES_BEFORE_PICTURE 17

enum video_decode_status video_decoder_decode(struct video_decoder *dec,
                                              const struct encoded_frame *frame,
                                              const AVFrame **picture)
{
    *picture = NULL;
    dec->stats.frames_in++;
    if (!frame || !frame->data || frame->size == 0 || frame->size > INT32_MAX / 2)
        return fail_and_wait(dec);
    bool keyframe =
        frame->keyframe || video_bitstream_is_keyframe(dec->codec, frame->data, frame->size);
    if (dec->waiting_keyframe && !keyframe && !dec->keyframe_in) {
        dec->stats.dropped++;
        return VIDEO_DECODE_NEED_KEYFRAME;
    }

    /* libavcodec wants input padding; frames are borrowed, so copy into our packet. */
    if (av_new_packet(dec->packet, (int)frame->size) < 0) return fail_and_wait(dec);
    memcpy(dec->packet->data, frame->data, frame->size);
    dec->packet->pts = frame->rtp_timestamp;
    int rc = avcodec_send_packet(dec->ctx, dec->packet);
    av_packet_unref(dec->packet);
    if (rc < 0 && rc != AVERROR(EAGAIN)) return fail_and_wait(dec);
    if (dec->waiting_keyframe && keyframe && !dec->keyframe_in) {
        dec->keyframe_in = true;
        dec->frames_since_keyframe_in = 0;
    }

    /* Take every picture the decoder has: with reordering (B-frames) none may come out
     * for a frame and more than one for a later one. They come in display order; the
     * newest is shown, older ones are counted as superseded. */
    bool got = false;
    for (;;) {
        av_frame_unref(dec->received);
        rc = avcodec_receive_frame(dec->ctx, dec->received);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
        if (rc < 0) return fail_and_wait(dec);
        if (dec->received->decode_error_flags || (dec->received->flags & AV_FRAME_FLAG_CORRUPT))
            return fail_and_wait(dec);
        if (got) dec->stats.superseded++;
        av_frame_unref(dec->decoded);
        av_frame_move_ref(dec->decoded, dec->received);
        got = true;
    }
    if (!got) {
        if (dec->keyframe_in && ++dec->frames_since_keyframe_in >= MAX_FRAMES_BEFORE_PICTURE)
            return fail_and_wait(dec);
        return dec->waiting_keyframe && !dec->keyframe_in ? VIDEO_DECODE_NEED_KEYFRAME
                                                          : VIDEO_DECODE_NO_PICTURE;
    }
    const AVFrame *out = as_i420(dec);
    if (!out) return fail_and_wait(dec);
    if (dec->keyframe_in) dec->waiting_keyframe = dec->keyframe_in = false;
    dec->stats.pictures_out++;
    dec->stats.width = out->width;
    dec->stats.height = out->height;
    *picture = out;
    return VIDEO_DECODE_PICTURE;
}

void video_decoder_frame_lost(struct video_decoder *dec)
{
    if (!dec->waiting_keyframe || dec->keyframe_in) avcodec_flush_buffers(dec->ctx);
    dec->waiting_keyframe = true;
    dec->keyframe_in = false;
}

bool video_decoder_needs_keyframe(const struct video_decoder *dec)
{
    return dec->waiting_keyframe && !dec->keyframe_in;
}

const struct video_decoder_stats *video_decoder_stats(const struct video_decoder *dec)
{
    return &dec->stats;
}
