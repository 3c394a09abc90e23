/* recorder_archive.c - archive names, SHA-256 of files and the JSON sidecars. See
 * recorder_archive.h. */
#include "mcu/recording/recorder_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcu/core/mcu_error.h"

#define SIDECAR_VERSION 1
#define HASH_CHUNK      (256 * 1024)
#define MAX_NAME_TRIES  100

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int recorder_part_lock(const char *part_path)
{
    int fd = open(part_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        close(fd);
        errno = saved == EINTR ? EWOULDBLOCK : saved;
        return -1;
    }
    return fd;
}

char *recorder_archive_name(const char *archive_dir, const char *conference_id, int64_t start_ms,
                            const char *ext, char *err, size_t errlen)
{
    time_t secs = (time_t)(start_ms / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        mcu_error_set(err, errlen, "bad start time");
        return NULL;
    }
    char day[16], stamp[32];
    strftime(day, sizeof day, "%Y/%m/%d", &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    char *dir = g_build_filename(archive_dir, day, NULL);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        mcu_error_set(err, errlen, "cannot create %s: %s", dir, g_strerror(errno));
        g_free(dir);
        return NULL;
    }
    for (int n = 1; n <= MAX_NAME_TRIES; n++) {
        char base[256];
        if (n == 1)
            snprintf(base, sizeof base, "%s-%s.%s", conference_id, stamp, ext);
        else
            snprintf(base, sizeof base, "%s-%s-%d.%s", conference_id, stamp, n, ext);
        char *path = g_build_filename(dir, base, NULL);
        char *part = g_strconcat(path, RECORDER_PART_SUFFIX, NULL);
        char *json = g_strconcat(path, ".json", NULL);
        bool taken = exists(path) || exists(part) || exists(json);
        g_free(part);
        g_free(json);
        if (!taken) {
            g_free(dir);
            return path;
        }
        g_free(path);
    }
    mcu_error_set(err, errlen, "no free file name in %s", dir);
    g_free(dir);
    return NULL;
}

int recorder_sha256_file(const char *path, char hex[65], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *buf = g_malloc(HASH_CHUNK);
    uint64_t total = 0;
    int rc = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 ? 0 : -1;
    while (rc == 0) {
        ssize_t n = read(fd, buf, HASH_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) rc = -1;
        if (n <= 0) break;
        total += (uint64_t)n;
        if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) rc = -1;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (rc == 0 && (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)) rc = -1;
    if (rc == 0) {
        for (unsigned i = 0; i < mdlen; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
        if (size) *size = total;
    }
    int saved = errno;
    EVP_MD_CTX_free(ctx);
    g_free(buf);
    close(fd);
    errno = saved;
    return rc;
}

int recorder_sync_parent(const char *path)
{
    char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    g_free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* --- JSON ------------------------------------------------------------------------------ */

static char *iso_time(int64_t ms)
{
    if (ms <= 0) return g_strdup("");
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char buf[40];
    if (!gmtime_r(&secs, &tm)) return g_strdup("");
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%03dZ", (int)(ms % 1000));
    return g_strdup(buf);
}

char *recorder_result_to_json(const struct recorder_result *res)
{
    json_t *rooms = json_array();
    for (size_t i = 0; i < res->room_count; i++) {
        const struct recorder_room *room = &res->rooms[i];
        json_array_append_new(
            rooms, json_pack("{s:s, s:s, s:I, s:I}", "id", room->id ? room->id : "", "name",
                             room->name ? room->name : "", "joined_ms", (json_int_t)room->joined_ms,
                             "left_ms", (json_int_t)room->left_ms));
    }
    char *base = res->path ? g_path_get_basename(res->path) : g_strdup("");
    char *start = iso_time(res->start_ms), *end = iso_time(res->end_ms);
    json_t *o = json_pack(
        "{s:i, s:s, s:s, s:s?, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I,"
        " s:s, s:s, s:i, s:i, s:s, s:o}",
        "version", SIDECAR_VERSION, "file", base, "conference",
        res->conference_id ? res->conference_id : "", "title", res->title, "segment", res->segment,
        "status", recorder_file_status_name(res->status), "reason", res->reason, "start", start,
        "end", end, "start_ms", (json_int_t)res->start_ms, "end_ms", (json_int_t)res->end_ms,
        "duration_ms", (json_int_t)res->duration_ms, "size", (json_int_t)res->size, "video_codec",
        res->video_codec, "audio_codec", res->audio_codec, "width", res->width, "height",
        res->height, "sha256", res->sha256, "rooms", rooms);
    g_free(base);
    g_free(start);
    g_free(end);
    if (!o) return NULL;
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    char *copy = text ? g_strdup(text) : NULL;
    free(text);
    return copy;
}

static void copy_field(char *dst, size_t size, json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    snprintf(dst, size, "%s", s ? s : "");
}

int recorder_result_from_json(const char *text, struct recorder_result *out)
{
    memset(out, 0, sizeof *out);
    json_t *o = json_loads(text, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    const char *conference = json_string_value(json_object_get(o, "conference"));
    int status = recorder_file_status_from_name(json_string_value(json_object_get(o, "status")));
    if (!conference || status < 0) {
        json_decref(o);
        return -1;
    }
    out->conference_id = g_strdup(conference);
    const char *title = json_string_value(json_object_get(o, "title"));
    out->title = title ? g_strdup(title) : NULL;
    out->segment = (int)json_integer_value(json_object_get(o, "segment"));
    out->status = (enum recorder_file_status)status;
    copy_field(out->reason, sizeof out->reason, o, "reason");
    out->start_ms = json_integer_value(json_object_get(o, "start_ms"));
    out->end_ms = json_integer_value(json_object_get(o, "end_ms"));
    out->duration_ms = json_integer_value(json_object_get(o, "duration_ms"));
    out->size = (uint64_t)json_integer_value(json_object_get(o, "size"));
    copy_field(out->video_codec, sizeof out->video_codec, o, "video_codec");
    copy_field(out->audio_codec, sizeof out->audio_codec, o, "audio_codec");
    out->width = (int)json_integer_value(json_object_get(o, "width"));
    out->height = (int)json_integer_value(json_object_get(o, "height"));
    copy_field(out->sha256, sizeof out->sha256, o, "sha256");
    json_t *rooms = json_object_get(o, "rooms");
    size_t n = json_is_array(rooms) ? json_array_size(rooms) : 0;
    out->rooms = n ? g_new0(struct recorder_room, n) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rooms, i);
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *name = json_string_value(json_object_get(r, "name"));
        struct recorder_room *room = &out->rooms[out->room_count++];
        room->id = g_strdup(id ? id : "");
        room->name = g_strdup(name ? name : "");
        room->joined_ms = json_integer_value(json_object_get(r, "joined_ms"));
        room->left_ms = json_integer_value(json_object_get(r, "left_ms"));
    }
    json_decref(o);
    return 0;
}

int recorder_sidecar_write(const struct recorder_result *res)
{
    char *text = recorder_result_to_json(res);
    if (!text) return -1;
    char *path = g_strconcat(res->path, ".json", NULL);
    char *tmp = g_strconcat(path, ".tmp", NULL);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        size_t len = strlen(text), done = 0;
        while (done < len) {
            ssize_t n = write(fd, text + done, len - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += (size_t)n;
        }
        bool ok = done == len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        if (ok && rename(tmp, path) == 0) rc = recorder_sync_parent(path);
        int saved = errno;
        if (rc != 0) unlink(tmp);
        errno = saved;
    }
    g_free(tmp);
    g_free(path);
    g_free(text);
    return rc;
}

int recorder_sidecar_read(const char *media_path, struct recorder_result *out)
{
    char *path = g_strconcat(media_path, ".json", NULL);
    char *text = NULL;
    int rc = -1;
    if (g_file_get_contents(path, &text, NULL, NULL) && recorder_result_from_json(text, out) == 0) {
        out->path = g_strdup(media_path);
        rc = 0;
    }
    g_free(text);
    g_free(path);
    return rc;
}

void recorder_result_copy(struct recorder_result *dst, const struct recorder_result *src)
{
    *dst = *src;
    dst->path = g_strdup(src->path);
    dst->conference_id = g_strdup(src->conference_id);
    dst->title = g_strdup(src->title);
    dst->rooms = src->room_count ? g_new0(struct recorder_room, src->room_count) : NULL;
    for (size_t i = 0; i < src->room_count; i++) {
        dst->rooms[i] = src->rooms[i];
        dst->rooms[i].id = g_strdup(src->rooms[i].id);
        dst->rooms[i].name = g_strdup(src->rooms[i].name);
    }
}
