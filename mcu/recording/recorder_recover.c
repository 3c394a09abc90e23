/* recorder_recover.c - start-up: finalises the recordings a dead mcud left as
 * NAME.part (remux into NAME, checksum, sidecar marked "interrupted"). See
 * recorder_recover() in recorder.h. */
#include "mcu/recording/recorder.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcu/core/log.h"
#include "mcu/recording/recorder_archive.h"
#include "mixer/mux/webm_writer.h"

#define MAX_DEPTH 4 /* ARCHIVE/YYYY/MM/DD */

static void find_parts(const char *dir, int depth, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d) return;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        char *path = g_build_filename(dir, name, NULL);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            find_parts(path, depth + 1, out);
        } else if (S_ISREG(st.st_mode) && g_str_has_suffix(name, RECORDER_PART_SUFFIX)) {
            g_ptr_array_add(out, path);
            path = NULL;
        }
        g_free(path);
    }
    g_dir_close(d);
}

/* What the file name says when there is no sidecar: CONFERENCE-YYYYMMDDTHHMMSSZ[-N].EXT */
static void result_from_name(const char *path, struct recorder_result *res)
{
    memset(res, 0, sizeof *res);
    char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');
    if (dot) *dot = '\0';
    res->segment = 1;
    for (char *p = base; (p = strchr(p, '-')) != NULL; p++) {
        struct tm tm = {0};
        char *end = strptime(p + 1, "%Y%m%dT%H%M%SZ", &tm);
        if (!end || (*end && *end != '-')) continue;
        res->start_ms = (int64_t)timegm(&tm) * 1000;
        *p = '\0';
        break;
    }
    res->conference_id = g_strdup(base);
    if (g_str_has_suffix(path, ".webm")) {
        snprintf(res->video_codec, sizeof res->video_codec, "VP8");
    } else {
        snprintf(res->video_codec, sizeof res->video_codec, "H264");
    }
    snprintf(res->audio_codec, sizeof res->audio_codec, "opus");
    g_free(base);
}

/* Finalises one .part into *res. Returns 0, or 1 (res untouched) when another open
 * file holds the part's lock: a live recording of another mcud, left alone. */
static int recover_one(const char *part, struct recorder_result *res)
{
    int lock_fd = recorder_part_lock(part);
    if (lock_fd < 0 && errno == EWOULDBLOCK) return 1;
    char *path = g_strndup(part, strlen(part) - strlen(RECORDER_PART_SUFFIX));
    if (recorder_sidecar_read(path, res) != 0) {
        result_from_name(path, res);
        res->path = g_strdup(path);
    }
    const char *ext = strrchr(path, '.');
    char *tmp = g_strdup_printf("%.*s.recovered%s", (int)(ext - path), path, ext);
    unlink(tmp);
    char err[RECORDER_REASON_MAX] = "";
    int64_t duration_us = 0;
    if (webm_remux(part, tmp, &duration_us, err, sizeof err) == 0 && rename(tmp, path) == 0) {
        unlink(part);
        res->duration_ms = duration_us / 1000;
    } else {
        log_warn("recordings: %s cannot be remuxed (%s); kept as it is", part, err);
        unlink(tmp);
        if (rename(part, path) != 0) {
            log_warn("recordings: cannot rename %s: %s", part, g_strerror(errno));
            g_free(res->path);
            res->path = g_strdup(part);
        }
    }
    recorder_sync_parent(res->path);
    if (recorder_sha256_file(res->path, res->sha256, &res->size) != 0) res->sha256[0] = '\0';
    res->status = RECORDER_FILE_INTERRUPTED;
    snprintf(res->reason, sizeof res->reason,
             "mcud stopped while recording; finalised at start-up");
    if (res->start_ms) res->end_ms = res->start_ms + res->duration_ms;
    if (recorder_sidecar_write(res) != 0)
        log_warn("recordings: cannot write the sidecar of %s: %s", res->path, g_strerror(errno));
    g_free(tmp);
    g_free(path);
    if (lock_fd >= 0) close(lock_fd);
    return 0;
}

int recorder_recover(const char *archive_dir,
                     void (*found)(void *opaque, const struct recorder_result *res), void *opaque)
{
    struct stat st;
    if (stat(archive_dir, &st) != 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode)) return -1;
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    find_parts(archive_dir, 0, parts);
    int n = 0;
    for (guint i = 0; i < parts->len; i++) {
        struct recorder_result res;
        if (recover_one(parts->pdata[i], &res) != 0) {
            log_warn("recordings: %s is being written by another process; left alone",
                     (const char *)parts->pdata[i]);
            continue;
        }
        n++;
        log_warn("recordings: %s was interrupted (%lld ms); finalised, sha256 %s", res.path,
                 (long long)res.duration_ms, res.sha256[0] ? res.sha256 : "unreadable");
        if (found) found(opaque, &res);
        recorder_result_clear(&res);
    }
    g_ptr_array_free(parts, TRUE);
    return n;
}
