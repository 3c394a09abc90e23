/* video_encoder.h - one output profile's video encoder (libavcodec over libvpx VP8 or
 * libx264 H.264): I420 pictures in, encoded frames out. One instance per output
 * profile (codec, size, bitrate); everyone who receives that profile gets the same
 * packets ("encode once, send many").
 *
 * Settings (all realtime, no look-ahead, no B-frames: one picture in, at most one
 * encoded frame out, immediately):
 *   VP8   deadline realtime, cpu-used -6 (libwebrtc's choice for real-time VP8 on
 *         desktop CPUs: fast, good enough quality), CBR with a 1 s buffer, q 2..56,
 *         error resilient, lag-in-frames 0, no alt-ref, max intra rate 300 %.
 *   H.264 preset "veryfast" (configurable), tune zerolatency, profile constrained
 *         baseline (x264's baseline: constraint_set0/1 flags), level 3.1, SPS/PPS
 *         repeated before every IDR, Annex B output, no scene-cut keyframes, ABR with
 *         VBV (max rate = bitrate, 1 s buffer).
 *   Both  keyframe interval 3000 frames (100 s at 30 fps): keyframes come on demand
 *         (PLI/FIR from a receiver -> video_encoder_request_keyframe()).
 *
 * Bitrate changes: H.264 changes live (libavcodec's libx264 wrapper compares the
 * context's bitrate before every frame and calls x264_encoder_reconfig). libavcodec
 * 5.x offers no way to change libvpx's target bitrate on an open encoder, so VP8
 * reopens the encoder at the next picture, which therefore is a keyframe (counted in
 * stats.reopens). Callers should change VP8 bitrate rarely (profiles are fixed;
 * receivers move between profiles).
 *
 * Pictures of another size than the profile are scaled with libyuv (kFilterBox) into
 * an encoder-owned picture first, so one canvas can feed several profiles.
 *
 * Timestamps: `pts` is in the 90 kHz RTP clock, 64-bit and increasing (a pts not
 * above the previous one is bumped by 1); output rtp_timestamp is its low 32 bits.
 *
 * Threads: one thread at a time per encoder; encoders of different profiles may run
 * in parallel. */
#ifndef HOINGHI_MIXER_VIDEO_ENCODER_H
#define HOINGHI_MIXER_VIDEO_ENCODER_H

#include <stdbool.h>
#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/media/media.h"

struct video_encoder_config {
    enum media_codec codec;  /* MEDIA_CODEC_VP8 or MEDIA_CODEC_H264 */
    int width, height;       /* even */
    int fps;                 /* nominal frame rate for rate control; default 30 */
    int bitrate;             /* bits per second */
    int keyframe_interval;   /* frames; default 3000 */
    int threads;             /* encoder threads; default 1 (the pool parallelises) */
    int vp8_cpu_used;        /* -16..16; default -6 */
    const char *h264_preset; /* x264 preset; default "veryfast" */
};

struct video_encoder_stats {
    uint64_t pictures_in;
    uint64_t frames_out;
    uint64_t keyframes_out;
    uint64_t bytes_out;
    uint64_t reopens; /* VP8 bitrate changes */
    uint64_t errors;
};

struct video_encoder;

/* Fills cfg with the defaults above for the given codec, size and bitrate. */
void video_encoder_config_init(struct video_encoder_config *cfg, enum media_codec codec, int width,
                               int height, int bitrate);

/* NULL on a bad config, a missing encoder or allocation failure. */
struct video_encoder *video_encoder_new(const struct video_encoder_config *cfg);
void video_encoder_free(struct video_encoder *enc);

/* Encodes one picture (YUV420P/YUVJ420P, any size; not modified, not kept). Then
 * call video_encoder_receive() until it returns 0. Returns 0, or -1 on error. */
int video_encoder_encode(struct video_encoder *enc, const AVFrame *picture, int64_t pts);

/* Takes the next encoded frame: returns 1 and fills *out (data valid until the next
 * call on this encoder), 0 when there is none, -1 on error. */
int video_encoder_receive(struct video_encoder *enc, struct encoded_frame *out);

/* The next encoded picture will be a keyframe. */
void video_encoder_request_keyframe(struct video_encoder *enc);

/* New target bitrate from the next picture on (see above). Returns 0 or -1. */
int video_encoder_set_bitrate(struct video_encoder *enc, int bitrate);

const struct video_encoder_config *video_encoder_config(const struct video_encoder *enc);
const struct video_encoder_stats *video_encoder_stats(const struct video_encoder *enc);

#endif
