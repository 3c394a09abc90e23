/* mix_transcode.h - mcu-mix's fallback for input streams the mixer cannot take as
 * they are: decode with libavcodec, then video -> I420 (libswscale) -> VP8
 * (video_encoder, 1.5 Mbit/s at the input's size rounded to even), audio -> 48 kHz
 * mono (libswresample) -> Opus in 20 ms frames (mix_audio_codec). The re-encoded
 * frames keep the input's timing. One instance per stream. */
#ifndef HOINGHI_MIXER_TOOLS_MIX_TRANSCODE_H
#define HOINGHI_MIXER_TOOLS_MIX_TRANSCODE_H

#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "mixer/media/media.h"

struct mix_transcode;

/* Called for each re-encoded frame, `time_us` on the input's clock. */
typedef int (*mix_transcode_out)(void *opaque, const struct encoded_frame *frame, int64_t time_us);

/* NULL if the stream cannot be decoded. */
struct mix_transcode *mix_transcode_new(const AVStream *stream);
void mix_transcode_free(struct mix_transcode *t);

/* The codec of what comes out: MEDIA_CODEC_VP8 or MEDIA_CODEC_OPUS. */
enum media_codec mix_transcode_codec(const struct mix_transcode *t);

/* Feeds one demuxed packet (NULL at end of stream: flush), `time_us` is the packet's
 * time relative to the file's start. Returns 0, or -1 on an error. */
int mix_transcode_feed(struct mix_transcode *t, const AVPacket *packet, int64_t start_us,
                       mix_transcode_out out, void *opaque);

#endif
