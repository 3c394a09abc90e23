/* recorder.h - records one conference: the composite video of one output profile and
 * the full audio mix, as the mix engine encoded them (no second encode), into WebM
 * (VP8 + Opus) or Matroska (H.264 + Opus) files in an archive directory.
 *
 * Threads. recorder_push() is for the conference's media thread: it copies the frame
 * into a bounded queue under a lock and returns; a full queue drops the frame and
 * counts it (a dropped video frame makes the recorder skip video up to the next
 * keyframe, which it asks for). It never touches the disk and never waits for the
 * writer. The recorder's own thread writes the queue to disk with libavformat,
 * syncs, splits segments and finalises files. Everything else (new, pause, resume,
 * stop, status, results, rooms, free) is for the owner's thread.
 *
 * Timeline. Timestamps come from the mixer clock: each frame's `now_us` as the engine
 * passed it to its sink. Video sits on the frame grid of the canvas rate (frames take
 * consecutive slots; a clock two or more slots ahead means ticks were skipped and
 * leaves a gap), audio is laid end to end in 20 ms steps while it stays within 20 ms
 * of that clock, so A/V stay in sync within about a frame. Recording starts at a
 * video keyframe (audio before it is not kept); the recorder asks for one through
 * recorder_take_keyframe_request(), which the media thread polls. Paused time is cut
 * out: after resume the recorder waits for a keyframe again and the file's clock
 * carries on one video frame after the last frame before the pause, so each file's
 * timestamps are continuous and its duration is the recorded (not the wall) time.
 *
 * Segments. With segment_us > 0, once a file holds that much the recorder asks for a
 * keyframe and starts the next file at it; the files play back to back.
 *
 * Files. ARCHIVE/YYYY/MM/DD/CONFERENCE-YYYYMMDDTHHMMSSZ.webm|mkv (UTC start time of
 * the file; "-2", "-3" ... when taken), written as NAME.part and renamed when
 * finished, with a sidecar NAME.json (struct recorder_result as JSON, see
 * recorder_archive.h) that is written when the file starts ("recording") and
 * rewritten when it ends. Crash safety: see mixer/mux/webm_writer.h; the writer fdatasyncs the
 * file every RECORDER_SYNC_INTERVAL_US. recorder_recover() finalises what a crash
 * left behind.
 *
 * Errors. A write or sync error (ENOSPC, EIO, ...) or a file that cannot be created
 * stops the recording: the file is closed as it is (it plays up to the error),
 * renamed, checksummed and reported with status "failed" and the reason; the
 * recorder's state becomes RECORDER_FAILED with the reason, and it takes no more
 * frames. The conference is not affected. */
#ifndef HOINGHI_MCU_RECORDER_H
#define HOINGHI_MCU_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define RECORDER_DEFAULT_QUEUE_FRAMES 1024
#define RECORDER_DEFAULT_QUEUE_BYTES  (64u * 1024 * 1024)
#define RECORDER_SYNC_INTERVAL_US     1000000
#define RECORDER_REASON_MAX           256
#define RECORDER_MAX_ROOMS            256

struct recorder_config {
    const char *archive_dir;      /* created if missing */
    const char *conference_id;    /* [a-z0-9-]{1,64}: part of the file name */
    const char *title;            /* may be NULL */
    enum media_codec video_codec; /* VP8 -> .webm, H264 -> .mkv, NONE: audio only */
    int width, height, fps;       /* of the recorded profile */
    const uint8_t *opus_header;   /* OpusHead of the full mix (copied); NULL: no audio */
    size_t opus_header_size;
    int64_t segment_us;  /* 0: one file for the whole recording */
    size_t queue_frames; /* 0: RECORDER_DEFAULT_QUEUE_FRAMES */
    size_t queue_bytes;  /* 0: RECORDER_DEFAULT_QUEUE_BYTES */
};

enum recorder_state {
    RECORDER_STARTING, /* waiting for the first keyframe */
    RECORDER_RECORDING,
    RECORDER_PAUSED,
    RECORDER_STOPPING, /* stop asked; the writer finishes the queue */
    RECORDER_STOPPED,  /* every file finished */
    RECORDER_FAILED,   /* a write error stopped it (reason) */
};

enum recorder_file_status {
    RECORDER_FILE_RECORDING,   /* still being written (sidecar only) */
    RECORDER_FILE_COMPLETE,    /* finished normally */
    RECORDER_FILE_INTERRUPTED, /* the daemon died while writing; found at start-up */
    RECORDER_FILE_FAILED,      /* a write error ended it (reason) */
};

/* A room that attended while the file was written. Times are Unix milliseconds;
 * left_ms 0: still there when the file ended. */
struct recorder_room {
    char *id;
    char *name;
    int64_t joined_ms, left_ms;
};

/* One finished file: what the recordings index stores. Strings are owned. */
struct recorder_result {
    char *path; /* the file (absolute or as the archive dir was given) */
    char *conference_id;
    char *title;              /* may be NULL */
    int segment;              /* 1, 2, ... within one recording */
    int64_t start_ms, end_ms; /* Unix milliseconds (wall clock) */
    int64_t duration_ms;      /* media time in the file */
    uint64_t size;            /* bytes */
    char video_codec[16];     /* "VP8", "H264" or "" */
    char audio_codec[16];     /* "opus" or "" */
    int width, height;
    char sha256[65]; /* lower-case hex; "" when it could not be read */
    enum recorder_file_status status;
    char reason[RECORDER_REASON_MAX]; /* failed / interrupted: why */
    struct recorder_room *rooms;
    size_t room_count;
};

struct recorder_stats {
    uint64_t frames_written;
    uint64_t frames_dropped; /* queue full */
    uint64_t bytes_written;  /* handed to the kernel, all files */
    int files;               /* started so far */
};

struct recorder;

/* Starts the writer thread; nothing is written before the first keyframe. NULL with
 * a reason in err (bad config, no thread). */
struct recorder *recorder_new(const struct recorder_config *cfg, char *err, size_t errlen);

/* Media thread: one encoded frame of the recorded video profile (MEDIA_VIDEO) or of
 * the full audio mix (MEDIA_AUDIO) at mixer time `now_us`. Never blocks on disk. */
void recorder_push(struct recorder *r, enum media_kind kind, const struct encoded_frame *frame,
                   int64_t now_us);

/* Media thread: true once per request when the recorder wants a keyframe of its
 * profile (start, resume, segment split, a dropped video frame). */
bool recorder_take_keyframe_request(struct recorder *r);

int recorder_pause(struct recorder *r);  /* 0, or -1 if not recording */
int recorder_resume(struct recorder *r); /* 0, or -1 if not paused */

/* Asks the writer to write what is queued, finish the file and end. Does not wait;
 * recorder_done() tells when it has. Frames pushed afterwards are ignored. */
void recorder_stop(struct recorder *r);
/* True once the writer thread has ended (stopped or failed). */
bool recorder_done(struct recorder *r);

enum recorder_state recorder_state(struct recorder *r, char *reason, size_t reasonlen);
void recorder_get_stats(struct recorder *r, struct recorder_stats *out);
/* The file being written (NULL before the first keyframe or after the end); the
 * string is a copy for the caller to g_free(). */
char *recorder_current_path(struct recorder *r);

/* Rooms attending (owner's thread). Recorded in every file's result and sidecar. */
void recorder_room_joined(struct recorder *r, const char *id, const char *name);
void recorder_room_left(struct recorder *r, const char *id);

/* Takes the next finished file, if any: fills *out (free with
 * recorder_result_clear()) and returns true. */
bool recorder_take_result(struct recorder *r, struct recorder_result *out);

/* Stops if needed and waits for the writer to end (it finishes the file: trailer,
 * sync, checksum: this blocks on disk). The results stay to be taken. */
void recorder_wait(struct recorder *r);

/* recorder_wait(), then frees. Results not taken are logged and dropped. */
void recorder_free(struct recorder *r);

void recorder_result_clear(struct recorder_result *res);
const char *recorder_state_name(enum recorder_state s);
const char *recorder_file_status_name(enum recorder_file_status s);
/* -1 if not a status name. */
int recorder_file_status_from_name(const char *name);

/* Start-up: every NAME.part under `archive_dir` (a file whose writer died) is
 * finalised: remuxed into NAME (cues, duration; kept as it is when it cannot be
 * remuxed), checksummed, its sidecar rewritten with status "interrupted", and passed
 * to `found` (may be NULL). A .part whose lock (recorder_part_lock()) another open
 * file holds is being written by a live recorder (another mcud sharing the archive)
 * and is left alone. Returns how many were finalised, or -1 if the directory cannot
 * be read (a missing one is 0). Blocks while it works. */
int recorder_recover(const char *archive_dir,
                     void (*found)(void *opaque, const struct recorder_result *res), void *opaque);

#endif
