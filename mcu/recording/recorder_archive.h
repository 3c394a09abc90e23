/* recorder_archive.h - the recordings archive on disk: where a file goes
 * (ARCHIVE/YYYY/MM/DD/CONFERENCE-YYYYMMDDTHHMMSSZ.EXT), its SHA-256 (OpenSSL EVP),
 * and its sidecar NAME.json, the export format of one recording:
 *
 *   {"version": 1, "file": "so-y-te-20240501T080000Z.webm", "conference": "so-y-te",
 *    "title": "...", "segment": 1, "status": "complete", "reason": "",
 *    "start": "2024-05-01T08:00:00.000Z", "end": "...", "start_ms": ..., "end_ms": ...,
 *    "duration_ms": 600000, "size": 123456, "video_codec": "VP8", "audio_codec": "opus",
 *    "width": 1280, "height": 720, "sha256": "...",
 *    "rooms": [{"id": "p1", "name": "Ha Noi", "joined_ms": ..., "left_ms": 0}]}
 *
 * Sidecars are written atomically (temp file, fsync, rename, fsync of the folder).
 * These calls block on disk: the recorder's writer thread and start-up use them. */
#ifndef HOINGHI_MCU_RECORDER_ARCHIVE_H
#define HOINGHI_MCU_RECORDER_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "mcu/recording/recorder.h"

#define RECORDER_PART_SUFFIX ".part"

/* Creates ARCHIVE/YYYY/MM/DD (UTC of start_ms) and returns a free name there for a
 * file of `conference_id` (neither NAME, NAME.part nor NAME.json exists), to
 * g_free(). NULL with the reason in err. */
char *recorder_archive_name(const char *archive_dir, const char *conference_id, int64_t start_ms,
                            const char *ext, char *err, size_t errlen);

/* SHA-256 of a whole file as lower-case hex, and its size. 0 or -1 (errno set). */
int recorder_sha256_file(const char *path, char hex[65], uint64_t *size);

/* An exclusive flock on a recording's NAME.part, taken without waiting: the writer
 * holds it while the file is open, start-up recovery takes it before it touches a
 * .part, so recovery never finalises a file that another mcud (one on another state
 * directory sharing this archive) is still writing. Returns the descriptor that holds
 * the lock (close() releases it), or -1 with errno EWOULDBLOCK when another open file
 * holds it (or open's errno). */
int recorder_part_lock(const char *part_path);

/* fsync of the folder that holds `path` (after a create or rename). */
int recorder_sync_parent(const char *path);

/* The sidecar of res->path (res->path + ".json"), written atomically. 0 or -1. */
int recorder_sidecar_write(const struct recorder_result *res);
/* Reads MEDIA_PATH.json into *out (out->path = media_path). 0 or -1. */
int recorder_sidecar_read(const char *media_path, struct recorder_result *out);

/* JSON text of a result (to g_free()), and back (out->path is left NULL). */
char *recorder_result_to_json(const struct recorder_result *res);
int recorder_result_from_json(const char *text, struct recorder_result *out);

/* A deep copy. */
void recorder_result_copy(struct recorder_result *dst, const struct recorder_result *src);

#endif
