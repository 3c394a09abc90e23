/* recording_retention.c - removing recordings (file, sidecar, index row) and the
 * retention policy that removes the old ones; see recording_retention.h. */
#include "mcu/recording/recording_retention.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mcu/core/log.h"

#define DAY_MS ((int64_t)24 * 3600 * 1000)

bool recording_retention_due(const struct store_recording *r, int days, int64_t now_ms)
{
    if (!r || days <= 0 || !r->status) return false;
    if (strcmp(r->status, "complete") != 0 && strcmp(r->status, "interrupted") != 0 &&
        strcmp(r->status, "failed") != 0)
        return false;
    int64_t finished = r->ended_ms > 0 ? r->ended_ms : r->started_ms;
    if (finished <= 0) return false; /* no time known: never guess it old */
    return now_ms - finished >= (int64_t)days * DAY_MS;
}

/* Removes `path`; a file already gone is fine. */
static bool remove_file(const char *path, char *why, size_t whylen)
{
    if (unlink(path) == 0 || errno == ENOENT) return true;
    snprintf(why, whylen, "cannot remove %s: %s", path, strerror(errno));
    return false;
}

int recording_remove(struct store *store, const struct store_recording *r, char *why, size_t whylen)
{
    char *sidecar = g_strdup_printf("%s.json", r->path);
    bool gone = remove_file(r->path, why, whylen) && remove_file(sidecar, why, whylen);
    g_free(sidecar);
    if (!gone) return -1;
    if (store_recording_delete(store, r->id) != STORE_OK) {
        snprintf(why, whylen, "the recording's row cannot be removed");
        return -1;
    }
    return 0;
}

static void audit(struct store *store, const struct store_recording *r, int days, const char *error)
{
    char target[32], result[768];
    snprintf(target, sizeof target, "%lld", (long long)r->id);
    if (error)
        snprintf(result, sizeof result, "%s", error);
    else
        snprintf(result, sizeof result, "removed %s (older than %d days)", r->path, days);
    struct store_audit_entry e = {
        .at_ms = g_get_real_time() / 1000,
        .token_name = NULL,
        .action = "recording.delete",
        .target = target,
        .source = RECORDING_RETENTION_AUDIT_SOURCE,
        .status = error ? 500 : 200,
        .result = result,
    };
    store_audit_add(store, &e);
}

int recording_retention_run(struct store *store, int days, int64_t now_ms)
{
    if (!store || days <= 0) return 0;
    GPtrArray *rows = store_recording_list(store, NULL);
    int removed = 0;
    for (guint i = 0; i < rows->len; i++) {
        const struct store_recording *r = rows->pdata[i];
        if (!recording_retention_due(r, days, now_ms)) continue;
        char why[512] = "";
        if (recording_remove(store, r, why, sizeof why) != 0) {
            log_error("retention: recording %lld (%s) is older than %d days but %s",
                      (long long)r->id, r->path, days, why);
            audit(store, r, days, why);
            continue;
        }
        GDateTime *t =
            g_date_time_new_from_unix_utc((r->ended_ms > 0 ? r->ended_ms : r->started_ms) / 1000);
        char *when = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
        log_info("retention: recording %lld (%s, %s, ended %s) removed: older than %d days",
                 (long long)r->id, r->path, r->conference_id, when ? when : "?", days);
        g_free(when);
        if (t) g_date_time_unref(t);
        audit(store, r, days, NULL);
        removed++;
    }
    g_ptr_array_free(rows, TRUE);
    return removed;
}
