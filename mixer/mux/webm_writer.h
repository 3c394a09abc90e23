/* webm_writer.h - the one Matroska/WebM writer: encoded frames (VP8 or H.264 video,
 * Opus audio) muxed as they are, with no second encode, into WebM (VP8 + Opus) or
 * Matroska (H.264 or VP8, + Opus) by libavformat, over a file descriptor of our own
 * so that write errors keep their errno (ENOSPC, EIO) and the writer can fdatasync.
 * Used by mcud's recorder (mcu/recording/recorder.c) and by mcu-mix.
 *
 * Crash safety: the muxer writes the header as soon as it can (see webm_writer_open)
 * and then whole clusters of at most WEBM_WRITER_CLUSTER_MS (a new cluster also starts
 * at every video keyframe); every finished cluster goes to the kernel straight away
 * (flush_packets), so a process killed with -9 leaves a file that plays up to its last
 * finished cluster. webm_writer_sync() also asks the disk (fdatasync), for power loss.
 * Only the trailer (cues, duration, segment size) seeks back; a file without it plays.
 *
 * Times are microseconds from the start of the file; they are written in milliseconds
 * (Matroska's usual time base). Not thread-safe: one thread per writer. */
#ifndef HOINGHI_MIXER_MUX_WEBM_WRITER_H
#define HOINGHI_MIXER_MUX_WEBM_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define WEBM_WRITER_CLUSTER_MS 1000

struct webm_writer_config {
    const char *path;
    bool webm;                    /* WebM (VP8 only) rather than Matroska */
    bool replace;                 /* an existing file is replaced; else it must not exist */
    enum media_codec video_codec; /* VP8, H264, or NONE for audio only */
    int width, height, fps;
    const uint8_t *opus_header; /* OpusHead (channels and pre-skip are read from it);
                                         NULL: no audio track */
    size_t opus_header_size;
    const char *title; /* file metadata; may be NULL */
};

struct webm_writer;

/* True if the file name asks for WebM (ends in .webm, any case), else Matroska. */
bool webm_writer_name_is_webm(const char *path);

/* Creates the file. The header is written at once when there is no video track or
 * when `first_video` is given (the first frame, a keyframe; for H.264 its SPS/PPS
 * become the codec private data; it is not written: pass it to webm_writer_write
 * next). With a video track and no `first_video` the header waits for the first video
 * frame written, and audio frames before it are dropped. NULL on failure with the
 * reason in err (a file whose header failed is removed). */
struct webm_writer *webm_writer_open(const struct webm_writer_config *cfg,
                                     const struct encoded_frame *first_video, char *err,
                                     size_t errlen);

/* One frame at `time_us`. Returns 0, or -1 with the reason in err (the writer then
 * refuses everything but webm_writer_close). */
int webm_writer_write(struct webm_writer *w, enum media_kind kind,
                      const struct encoded_frame *frame, int64_t time_us, char *err, size_t errlen);

/* Pushes what the muxer holds to the kernel and fdatasyncs. 0 or -1 (reason in err). */
int webm_writer_sync(struct webm_writer *w, char *err, size_t errlen);

/* End of the last frame written (its time + its duration), microseconds. */
int64_t webm_writer_duration_us(const struct webm_writer *w);
/* Bytes handed to the kernel so far. */
uint64_t webm_writer_bytes(const struct webm_writer *w);

/* With `finish` (and no earlier error) writes the trailer (and the header first if
 * no frame came to write it); then syncs and closes; frees w. Returns 0, or -1 with
 * the reason in err if anything failed (the file is closed either way). */
int webm_writer_close(struct webm_writer *w, bool finish, char *err, size_t errlen);

/* Copies every packet of the Matroska/WebM file `in` into a new file `out` (the
 * container `out`'s name says: .webm or .mkv): a file cut short (no trailer) comes out
 * whole, with cues and a duration. Reads up to the first damaged spot. Returns 0 with
 * the media duration (microseconds) in *duration_us, or -1 with the reason in err (no
 * `out` is left behind). */
int webm_remux(const char *in, const char *out, int64_t *duration_us, char *err, size_t errlen);

#endif
