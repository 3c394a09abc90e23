/* mix_output_file.h - mcu-mix's output: the mix engine's encoded frames (one video
 * profile and the full audio mix) muxed as they are, with no second encode, into WebM
 * (VP8 + Opus) or Matroska (H.264 + Opus) by libavformat. The container follows the
 * file name (.webm or .mkv); VP8 output may go to either, H.264 only to Matroska.
 *
 * The header is written at the first video frame (for H.264 its SPS/PPS become the
 * track's codec private data); audio frames that come before it are dropped. With no
 * video track the header is written at once. */
#ifndef HOINGHI_MIXER_TOOLS_MIX_OUTPUT_FILE_H
#define HOINGHI_MIXER_TOOLS_MIX_OUTPUT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

struct mix_output_file_config {
    const char *path;
    enum media_codec video_codec;     /* VP8, H264, or NONE for audio only */
    int width, height, fps;
    const uint8_t *opus_header;       /* OpusHead; NULL: no audio track */
    size_t opus_header_size;
    int opus_delay;                   /* pre-skip, samples */
};

struct mix_output_file;

/* NULL on failure, reason in err. */
struct mix_output_file *mix_output_file_open(const struct mix_output_file_config *cfg,
                                             char *err, size_t errlen);

/* One encoded frame at `time_us` (from the start of the mix). Returns 0 or -1. */
int mix_output_file_write(struct mix_output_file *f, enum media_kind kind,
                          const struct encoded_frame *frame, int64_t time_us);

/* Writes the trailer and closes; frees f. Returns 0, or -1 if anything failed. */
int mix_output_file_close(struct mix_output_file *f);

#endif
