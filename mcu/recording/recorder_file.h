/* recorder_file.h - one recording file being written: the mix engine's encoded frames
 * (one video profile and the full audio mix) muxed as they are into WebM (VP8 + Opus)
 * or Matroska (H.264 + Opus) by libavformat, over a file descriptor of our own so
 * that write errors keep their errno (ENOSPC, EIO) and the writer can fdatasync.
 *
 * Crash safety: the muxer writes the header at once and then whole clusters of at
 * most RECORDER_FILE_CLUSTER_MS (a new cluster also starts at every video keyframe);
 * every finished cluster goes to the kernel straight away (flush_packets), so a
 * process killed with -9 leaves a file that plays up to its last finished cluster.
 * recorder_file_sync() also asks the disk (fdatasync), for power loss. Only the
 * trailer (cues, duration, segment size) seeks back; a file without it plays.
 *
 * Times are microseconds from the start of this file; they are written in
 * milliseconds (Matroska's usual time base). Not thread-safe: one thread per file. */
#ifndef HOINGHI_MCU_RECORDER_FILE_H
#define HOINGHI_MCU_RECORDER_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define RECORDER_FILE_CLUSTER_MS 1000

struct recorder_file_config {
    const char *path;                 /* created; must not exist */
    bool webm;                        /* WebM (VP8 only) rather than Matroska */
    enum media_codec video_codec;     /* VP8, H264, or NONE for audio only */
    int width, height, fps;
    const uint8_t *opus_header;       /* OpusHead; NULL: no audio track */
    size_t opus_header_size;
    const char *title;                /* file metadata; may be NULL */
};

struct recorder_file;

/* Creates the file and writes the header. With a video track `first_video` is the
 * first frame (a keyframe; for H.264 its SPS/PPS become the codec private data).
 * NULL on failure with the reason in err. */
struct recorder_file *recorder_file_open(const struct recorder_file_config *cfg,
                                         const struct encoded_frame *first_video,
                                         char *err, size_t errlen);

/* One frame at `time_us`. Returns 0, or -1 with the reason in err (the file then
 * refuses everything but recorder_file_close). */
int recorder_file_write(struct recorder_file *f, enum media_kind kind,
                        const struct encoded_frame *frame, int64_t time_us,
                        char *err, size_t errlen);

/* Pushes what the muxer holds to the kernel and fdatasyncs. 0 or -1 (reason in err). */
int recorder_file_sync(struct recorder_file *f, char *err, size_t errlen);

/* End of the last frame written (its time + its duration), microseconds. */
int64_t recorder_file_duration_us(const struct recorder_file *f);
/* Bytes handed to the kernel so far. */
uint64_t recorder_file_bytes(const struct recorder_file *f);

/* With `finish` (and no earlier error) writes the trailer; then syncs and closes;
 * frees f. Returns 0, or -1 with the reason in err if anything failed (the file is
 * closed either way). */
int recorder_file_close(struct recorder_file *f, bool finish, char *err, size_t errlen);

/* Copies every packet of the Matroska/WebM file `in` into a new file `out` (same
 * container as `out`'s name says: .webm or .mkv): a file cut short (no trailer)
 * comes out whole, with cues and a duration. Reads up to the first damaged spot.
 * Returns 0 with the media duration (microseconds) in *duration_us, or -1 with the
 * reason in err (no `out` is left behind). */
int recorder_file_remux(const char *in, const char *out, int64_t *duration_us,
                        char *err, size_t errlen);

#endif
