/* cmd_recordings.c - mcuctl recordings list|show|verify|export|delete: the recording
 * index (/api/v1/recordings). verify and export read the files at the paths the API
 * returns, so they run on mcud's machine (or where the archive is mounted at the same
 * path); list, show and delete work from anywhere. verify and export show their
 * progress on stderr (files and bytes done) when stderr is a terminal (not with
 * --json) or with --progress. */
#include "client/ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK           (256 * 1024)
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 2) /* between lines when not a terminal */

static const struct ctl_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct ctl_opt list_opts[] = {
    {"conference", "ID", "only this conference's recordings"},
    {NULL, NULL, NULL},
};
static const struct ctl_opt verify_opts[] = {
    {"conference", "ID", "only this conference's recordings"},
    {"progress", NULL,
     "show progress on stderr (default: when stderr is a terminal, without --json)"},
    {NULL, NULL, NULL},
};
static const struct ctl_opt export_opts[] = {
    {"progress", NULL,
     "show progress on stderr (default: when stderr is a terminal, without --json)"},
    {NULL, NULL, NULL},
};

/* Progress of a long operation over files, on stderr: on a terminal one line
 * rewritten in place; otherwise (--progress into a pipe or file) a line every half
 * second, after each file and at the end. */
struct progress {
    bool on, tty;
    const char *what; /* "verify", "export" */
    int files_done, files_total;
    uint64_t bytes_done, bytes_total;
    gint64 last_us;
};

static void progress_init(struct progress *p, struct ctl *ctl, const struct ctl_args *a,
                          const char *what)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO) == 1;
    p->on = ctl_opt_flag(a, "progress") || (p->tty && !ctl->json);
    p->what = what;
}

static void format_bytes(uint64_t n, char *out, size_t len)
{
    if (n >= (1ull << 30))
        snprintf(out, len, "%.1f GiB", (double)n / (1ull << 30));
    else if (n >= (1ull << 20))
        snprintf(out, len, "%.1f MiB", (double)n / (1ull << 20));
    else if (n >= (1ull << 10))
        snprintf(out, len, "%.1f KiB", (double)n / (1ull << 10));
    else
        snprintf(out, len, "%llu B", (unsigned long long)n);
}

/* force: a file finished or the end (always shown); otherwise rate-limited. */
static void progress_show(struct progress *p, bool force, bool end)
{
    if (!p->on) return;
    gint64 now = g_get_monotonic_time();
    if (!force && now - p->last_us < (p->tty ? G_USEC_PER_SEC / 10 : PROGRESS_INTERVAL_US)) return;
    p->last_us = now;
    char done[32], total[32];
    format_bytes(p->bytes_done, done, sizeof done);
    format_bytes(p->bytes_total, total, sizeof total);
    int percent = p->bytes_total ? (int)(p->bytes_done * 100 / p->bytes_total) : end ? 100 : 0;
    fprintf(stderr, "%s%s: %d/%d files, %s/%s (%d%%)%s", p->tty ? "\r" : "", p->what, p->files_done,
            p->files_total, done, total, percent, p->tty ? (end ? "\033[K\n" : "\033[K") : "\n");
    fflush(stderr);
}

static void progress_bytes(struct progress *p, size_t n)
{
    if (!p) return;
    p->bytes_done += n;
    progress_show(p, false, false);
}

static void progress_file_done(struct progress *p, uint64_t expected, uint64_t counted)
{
    /* A file that changed size or could not be read to its end: the total follows
     * what was read, so the last line says 100% when every file was done. */
    p->bytes_total = p->bytes_total - expected + counted;
    p->files_done++;
    progress_show(p, true, false);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

static const char *field(json_t *r, const char *key)
{
    return json_string_value(json_object_get(r, key));
}

/* GET /api/v1/recordings[?conference=ID] into *out. */
static int get_list(struct ctl *ctl, const char *conference, json_t **out)
{
    char *id = conference ? g_uri_escape_string(conference, NULL, FALSE) : NULL;
    char *path = g_strdup_printf("/api/v1/recordings%s%s", id ? "?conference=" : "", id ? id : "");
    int rc = ctl_call(ctl, "GET", path, NULL, out);
    g_free(path);
    g_free(id);
    return rc;
}

/* A call on /api/v1/recordings/ID. */
static int recording_call(struct ctl *ctl, const char *method, const char *id, json_t **out)
{
    char *escaped = ctl_escape(id);
    char *path = g_strdup_printf("/api/v1/recordings/%s", escaped);
    int rc = ctl_call(ctl, method, path, NULL, out);
    g_free(path);
    g_free(escaped);
    return rc;
}

static int cmd_list(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *out = NULL;
    int rc = get_list(ctl, ctl_opt_value(a, "conference"), &out);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
        json_decref(out);
        return CTL_OK;
    }
    static const char *const columns[] = {"ID",     "CONFERENCE", "STARTED", "DURATION", "SIZE MB",
                                          "CODECS", "STATUS",     "PATH",    NULL};
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    size_t i;
    json_t *r;
    json_array_foreach(out, i, r)
    {
        char **row = g_new0(char *, 9);
        row[0] = ctl_json_text(json_object_get(r, "id"));
        row[1] = ctl_json_text(json_object_get(r, "conference"));
        row[2] = ctl_local_time(json_object_get(r, "started_at"));
        row[3] = g_strdup_printf("%.1f s", json_number_value(json_object_get(r, "duration")));
        row[4] = g_strdup_printf("%.1f", json_number_value(json_object_get(r, "size")) / 1e6);
        row[5] = ctl_json_text(json_object_get(r, "codecs"));
        row[6] = ctl_json_text(json_object_get(r, "status"));
        row[7] = ctl_json_text(json_object_get(r, "path"));
        g_ptr_array_add(rows, row);
    }
    ctl_print_table(columns, rows);
    g_ptr_array_free(rows, TRUE);
    json_decref(out);
    return CTL_OK;
}

static int cmd_show(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *out = NULL;
    int rc = recording_call(ctl, "GET", a->positional[0], &out);
    if (rc != CTL_OK) return rc;
    ctl_print_json(out); /* the whole record, rooms included */
    json_decref(out);
    return CTL_OK;
}

/* SHA-256 of the file at `path` (lower-case hex, g_free) or NULL with errno set. */
static char *sha256_file(const char *path, struct progress *progress)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guchar *buf = g_malloc(COPY_CHUNK);
    size_t n;
    while ((n = fread(buf, 1, COPY_CHUNK, f)) > 0) {
        g_checksum_update(sum, buf, n);
        progress_bytes(progress, n);
    }
    bool ok = !ferror(f);
    int saved = errno;
    fclose(f);
    g_free(buf);
    char *hex = ok ? g_strdup(g_checksum_get_string(sum)) : NULL;
    g_checksum_free(sum);
    if (!ok) errno = saved ? saved : EIO;
    return hex;
}

/* The index row against the file's sidecar (PATH.json, written with the file): NULL
 * when they agree or there is no sidecar, else what differs (to g_free()). */
static char *sidecar_differs(json_t *r, const char *path)
{
    char *json_path = g_strconcat(path, ".json", NULL);
    json_t *side = json_load_file(json_path, 0, NULL);
    g_free(json_path);
    if (!side) return NULL;
    char *what = NULL;
    const char *sha = json_string_value(json_object_get(side, "sha256"));
    const char *status = json_string_value(json_object_get(side, "status"));
    json_t *dur = json_object_get(side, "duration_ms");
    if (sha && field(r, "sha256") && strcmp(sha, field(r, "sha256")) != 0)
        what =
            g_strdup_printf("the sidecar's sha256 is %s, the index's %s", sha, field(r, "sha256"));
    else if (status && field(r, "status") && strcmp(status, field(r, "status")) != 0)
        what = g_strdup_printf("the sidecar says %s, the index %s", status, field(r, "status"));
    else if (json_is_integer(dur) && json_is_integer(json_object_get(r, "duration_ms")) &&
             json_integer_value(dur) != json_integer_value(json_object_get(r, "duration_ms")))
        what = g_strdup_printf("the sidecar says %.1f s, the index %.1f s",
                               json_integer_value(dur) / 1000.0,
                               json_integer_value(json_object_get(r, "duration_ms")) / 1000.0);
    json_decref(side);
    return what;
}

/* One recording checked against its index row: "ok", "changed" (checksum or size),
 * "mismatch" (the index and the file's sidecar disagree), "missing" or "unreadable";
 * *why says what differs (to g_free(), may stay NULL). */
static const char *verify_one(json_t *r, char **actual, char **why, struct progress *progress)
{
    *actual = NULL;
    *why = NULL;
    const char *path = field(r, "path"), *expected = field(r, "sha256");
    struct stat st;
    if (!path || stat(path, &st) != 0) return "missing";
    *actual = sha256_file(path, progress);
    if (!*actual) return "unreadable";
    json_t *size = json_object_get(r, "size");
    if (json_is_integer(size) && (uint64_t)json_integer_value(size) != (uint64_t)st.st_size) {
        *why = g_strdup_printf("%lld bytes, indexed %lld", (long long)st.st_size,
                               (long long)json_integer_value(size));
        return "changed";
    }
    if (!expected || strcmp(expected, *actual) != 0) {
        *why = g_strdup_printf("sha256 now %s, indexed %s", *actual, expected ? expected : "-");
        return "changed";
    }
    *why = sidecar_differs(r, path);
    return *why ? "mismatch" : "ok";
}

static int cmd_verify(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *list = NULL;
    int rc = CTL_OK;
    if (a->count > 0) { /* the recordings named */
        list = json_array();
        for (int i = 0; i < a->count && rc == CTL_OK; i++) {
            json_t *one = NULL;
            rc = recording_call(ctl, "GET", a->positional[i], &one);
            if (rc == CTL_OK) json_array_append_new(list, one);
        }
    } else {
        rc = get_list(ctl, ctl_opt_value(a, "conference"), &list);
    }
    if (rc != CTL_OK) {
        json_decref(list);
        return rc;
    }
    int bad = 0;
    json_t *results = json_array();
    size_t i;
    json_t *r;
    struct progress progress;
    progress_init(&progress, ctl, a, "verify");
    progress.files_total = (int)json_array_size(list);
    json_array_foreach(list, i, r) progress.bytes_total += file_size(field(r, "path"));
    progress_show(&progress, true, false);
    json_array_foreach(list, i, r)
    {
        char *actual = NULL, *why = NULL;
        uint64_t before = progress.bytes_done, expected = file_size(field(r, "path"));
        const char *result = verify_one(r, &actual, &why, &progress);
        progress_file_done(&progress, expected, progress.bytes_done - before);
        bool ok = strcmp(result, "ok") == 0;
        if (!ok) bad++;
        json_array_append_new(results, json_pack("{s:O, s:s?, s:s, s:s?, s:s?, s:s?}", "id",
                                                 json_object_get(r, "id"), "path", field(r, "path"),
                                                 "result", result, "sha256", field(r, "sha256"),
                                                 "actual_sha256", actual, "detail", why));
        if (!ctl->json) {
            if (progress.on && progress.tty) fputs("\r\033[K", stderr);
            char *id = ctl_json_text(json_object_get(r, "id"));
            if (ok)
                printf("ok       %s %s\n", id, field(r, "path"));
            else if (why)
                printf("%-8s %s %s (%s)\n", result, id, field(r, "path"), why);
            else
                printf("%-8s %s %s\n", result, id, field(r, "path") ? field(r, "path") : "-");
            g_free(id);
        }
        g_free(actual);
        g_free(why);
    }
    progress_show(&progress, true, true);
    if (ctl->json)
        ctl_print_json(results);
    else
        printf("%zu checked, %d changed, mismatched or missing\n", json_array_size(list), bad);
    json_decref(results);
    json_decref(list);
    return bad ? CTL_ERROR : CTL_OK;
}

/* Copies src to dst (which must not exist) through dst.part; 0, or -1 with a message. */
static int copy_file(const char *src, const char *dst, struct progress *progress)
{
    char *part = g_strdup_printf("%s.part", dst);
    int in = open(src, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    char *buf = g_malloc(COPY_CHUNK);
    bool ok = in >= 0 && out >= 0;
    const char *failed = in < 0 ? src : part;
    ssize_t n = 0;
    while (ok && (n = read(in, buf, COPY_CHUNK)) > 0) {
        for (ssize_t done = 0; ok && done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            ok = w > 0;
            done += w > 0 ? w : 0;
        }
        if (ok) progress_bytes(progress, (size_t)n);
    }
    ok = ok && n == 0 && fsync(out) == 0;
    if (ok && access(dst, F_OK) == 0) {
        errno = EEXIST;
        failed = dst;
        ok = false;
    }
    if (out >= 0) ok = close(out) == 0 && ok;
    if (ok && rename(part, dst) != 0) ok = false;
    if (!ok)
        fprintf(stderr, "mcuctl: cannot copy %s to %s: %s (%s)\n", src, dst, strerror(errno),
                failed);
    if (!ok && out >= 0) unlink(part);
    if (in >= 0) close(in);
    g_free(buf);
    g_free(part);
    return ok ? 0 : -1;
}

/* The copy is made: mcud records it in the audit log (recording.export). */
static int audit_export(struct ctl *ctl, const char *id, const char *dir)
{
    char *escaped = ctl_escape(id);
    char *path = g_strdup_printf("/api/v1/recordings/%s/export", escaped);
    char *abs = g_canonicalize_filename(dir, NULL);
    json_t *body = json_pack("{s:s}", "destination", abs), *out = NULL;
    int rc = ctl_call(ctl, "POST", path, body, &out);
    if (rc != CTL_OK) fprintf(stderr, "mcuctl: the copy is made, but mcud did not record it\n");
    json_decref(body);
    json_decref(out);
    g_free(abs);
    g_free(path);
    g_free(escaped);
    return rc;
}

static int cmd_export(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *r = NULL;
    int rc = recording_call(ctl, "GET", a->positional[0], &r);
    if (rc != CTL_OK) return rc;
    const char *dir = a->positional[1], *src = field(r, "path");
    char *base = g_path_get_basename(src ? src : "recording");
    char *dst = g_build_filename(dir, base, NULL);
    char *sidecar = g_strdup_printf("%s.json", dst);
    struct progress progress;
    progress_init(&progress, ctl, a, "export");
    progress.files_total = 1;
    progress.bytes_total = file_size(src);
    rc = CTL_ERROR;
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        fprintf(stderr, "mcuctl: cannot create %s: %s\n", dir, strerror(errno));
    } else if (progress_show(&progress, true, false), copy_file(src, dst, &progress) == 0) {
        progress.files_done = 1;
        progress_show(&progress, true, true);
        if (json_dump_file(r, sidecar, JSON_INDENT(2)) != 0) {
            fprintf(stderr, "mcuctl: cannot write %s\n", sidecar);
        } else if ((rc = audit_export(ctl, a->positional[0], dir)) == CTL_OK) {
            if (ctl->json) {
                json_t *done = json_pack("{s:s, s:s}", "file", dst, "metadata", sidecar);
                ctl_print_json(done);
                json_decref(done);
            } else {
                printf("%s\n%s\n", dst, sidecar);
            }
        }
    }
    g_free(sidecar);
    g_free(dst);
    g_free(base);
    json_decref(r);
    return rc;
}

static int cmd_delete(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *out = NULL;
    int rc = recording_call(ctl, "DELETE", a->positional[0], &out);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("recording %s deleted (%s)\n", a->positional[0], field(out, "path"));
    json_decref(out);
    return CTL_OK;
}

const struct ctl_command ctl_recording_commands[] = {
    {"recordings", "list", "", 0, 0, list_opts, cmd_list, "the recording index (newest first)"},
    {"recordings", "show", "ID", 1, 1, no_opts, cmd_show, "one recording with its rooms, as JSON"},
    {"recordings", "verify", "[ID...]", 0, 64, verify_opts, cmd_verify,
     "recompute each file's SHA-256 (on mcud's machine); exit 1 if any changed or is missing"},
    {"recordings", "export", "ID DIR", 2, 2, export_opts, cmd_export,
     "copy a recording into DIR with a JSON sidecar of its metadata (on mcud's machine)"},
    {"recordings", "delete", "ID", 1, 1, no_opts, cmd_delete,
     "remove a recording's file, sidecar and index row"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
