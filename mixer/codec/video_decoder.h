/* video_decoder.h - one inbound video stream's decoder (libavcodec): VP8 or H.264
 * (Annex B) encoded frames in, I420 pictures out.
 *
 * Pictures are AVFrames in AV_PIX_FMT_YUV420P or AV_PIX_FMT_YUVJ420P (4:2:2 and
 * 4:4:4 streams are converted with libyuv; other formats count as errors). A
 * returned picture is owned by the decoder and valid until its next call; to keep
 * it, take a reference (av_frame_ref, which compositor_set_input() does): no copy.
 *
 * Errors and recovery: the decoder starts waiting for a keyframe. While waiting,
 * non-keyframes are dropped without decoding and VIDEO_DECODE_NEED_KEYFRAME is
 * returned (send a PLI/FIR). Any decode error (the frame is rejected, or the picture
 * comes out flagged corrupt) is counted, the decoder is flushed and waits for a
 * keyframe again; the first keyframe that decodes cleanly ends the wait. A frame is a
 * keyframe if its encoded_frame says so or its bitstream does (VP8 key frame header,
 * H.264 IDR NAL unit). Corrupt input never crashes: that is what the unit tests feed.
 *
 * Reordering: H.264 Main and High profile streams may have B-frames, sent in decode
 * order (their RTP timestamps / pts go back within a group of pictures). libavcodec
 * reorders them and gives pictures out in display order, some frames later; so a
 * frame may give VIDEO_DECODE_NO_PICTURE (also right after a keyframe: the wait for
 * a keyframe ends when the keyframe's picture comes out, and the frames after the
 * keyframe are decoded meanwhile), and when one call yields several pictures the
 * newest is returned (the others are counted as superseded). VP8, and H.264 without
 * B-frames, give one picture per frame. A picture's pts is its frame's rtp_timestamp.
 *
 * Threads: one decoder per stream, used by one thread at a time; different decoders
 * may run in parallel. Decoding itself is single-threaded (the worker pool
 * parallelises across streams; frame threads would add a frame of latency). */
#ifndef HOINGHI_MIXER_VIDEO_DECODER_H
#define HOINGHI_MIXER_VIDEO_DECODER_H

#include <stdbool.h>
#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/media/media.h"

/* Pictures larger than this (in pixels) are refused: garbage headers must not make
 * the decoder allocate gigabytes. 4096x2304. */
#define VIDEO_DECODER_MAX_PIXELS (4096 * 2304)

enum video_decode_status {
    VIDEO_DECODE_PICTURE,       /* *picture is a new picture */
    VIDEO_DECODE_NO_PICTURE,    /* accepted; nothing to show yet */
    VIDEO_DECODE_NEED_KEYFRAME, /* dropped or failed: ask the sender for a keyframe */
};

struct video_decoder_stats {
    uint64_t frames_in; /* encoded frames given */
    uint64_t pictures_out;
    uint64_t errors;     /* decode errors (bad data, corrupt pictures) */
    uint64_t dropped;    /* non-keyframes dropped while waiting for a keyframe */
    uint64_t superseded; /* pictures that came out with a newer one in one call */
    int width, height;   /* size of the last picture */
};

struct video_decoder;

/* codec: MEDIA_CODEC_VP8 or MEDIA_CODEC_H264. NULL if unsupported or out of memory. */
struct video_decoder *video_decoder_new(enum media_codec codec);
void video_decoder_free(struct video_decoder *dec);

/* Decodes one whole encoded frame. On VIDEO_DECODE_PICTURE, *picture is set. */
enum video_decode_status video_decoder_decode(struct video_decoder *dec,
                                              const struct encoded_frame *frame,
                                              const AVFrame **picture);

/* Tells the decoder a frame was lost before the next one it will get (the jitter
 * buffer gave up on it): references are broken, so it waits for a keyframe. */
void video_decoder_frame_lost(struct video_decoder *dec);

/* True while the decoder waits for a keyframe (from the start, after an error, after
 * a lost frame) and none has gone in since. */
bool video_decoder_needs_keyframe(const struct video_decoder *dec);

const struct video_decoder_stats *video_decoder_stats(const struct video_decoder *dec);

/* Whether an encoded frame's bitstream starts a keyframe: a VP8 key frame, or an
 * H.264 access unit holding an IDR slice. */
bool video_bitstream_is_keyframe(enum media_codec codec, const uint8_t *data, size_t size);

#endif
