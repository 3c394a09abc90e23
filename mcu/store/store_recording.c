/* store_recording.c - the recordings table: one row per finished recording file, as
 * the recorder reported it (live, or recovered at start-up); see store.h. */
#include "mcu/store/store_internal.h"

#include <string.h>

#define RECORDING_COLUMNS                                                                  \
    "id, conference_id, occurrence, path, title, segment, started_at, ended_at, "          \
    "duration_ms, bytes, video_codec, audio_codec, width, height, sha256, state, reason, " \
    "rooms"

int store_recording_put(struct store *s, const struct store_recording *r, int64_t *id_out)
{
    sqlite3_stmt *st = store_prepare(
        s,
        "INSERT INTO recordings (conference_id, occurrence, path, title, segment, started_at, "
        "ended_at, duration_ms, bytes, video_codec, audio_codec, width, height, sha256, state, "
        "reason, rooms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17) ON CONFLICT(path) DO UPDATE SET conference_id = ?1, occurrence = ?2, title = ?4, "
        "segment = ?5, started_at = ?6, ended_at = ?7, duration_ms = ?8, bytes = ?9, "
        "video_codec = ?10, audio_codec = ?11, width = ?12, height = ?13, sha256 = ?14, "
        "state = ?15, reason = ?16, rooms = ?17");
    if (!st) return STORE_ERROR;
    store_bind_text(st, 1, r->conference_id);
    sqlite3_bind_int(st, 2, r->occurrence);
    store_bind_text(st, 3, r->path);
    store_bind_text(st, 4, r->title);
    sqlite3_bind_int(st, 5, r->segment);
    sqlite3_bind_int64(st, 6, r->started_ms);
    sqlite3_bind_int64(st, 7, r->ended_ms);
    sqlite3_bind_int64(st, 8, r->duration_ms);
    sqlite3_bind_int64(st, 9, r->size);
    store_bind_text(st, 10, r->video_codec ? r->video_codec : "");
    store_bind_text(st, 11, r->audio_codec ? r->audio_codec : "");
    sqlite3_bind_int(st, 12, r->width);
    sqlite3_bind_int(st, 13, r->height);
    store_bind_text(st, 14, r->sha256 ? r->sha256 : "");
    store_bind_text(st, 15, r->status);
    store_bind_text(st, 16, r->reason ? r->reason : "");
    store_bind_text(st, 17, r->rooms_json ? r->rooms_json : "[]");
    int rc = store_write(s, st);
    if (rc != STORE_OK || !id_out) return rc;
    /* The row's id, whether it was inserted or updated. */
    sqlite3_stmt *q = store_prepare(s, "SELECT id FROM recordings WHERE path = ?");
    if (!q) return STORE_ERROR;
    store_bind_text(q, 1, r->path);
    rc = sqlite3_step(q) == SQLITE_ROW ? STORE_OK : STORE_ERROR;
    if (rc == STORE_OK) *id_out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc;
}

static void read_row(sqlite3_stmt *st, struct store_recording *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->conference_id = store_column_dup(st, 1);
    r->occurrence = sqlite3_column_int(st, 2);
    r->path = store_column_dup(st, 3);
    r->title = store_column_dup(st, 4);
    r->segment = sqlite3_column_int(st, 5);
    r->started_ms = sqlite3_column_int64(st, 6);
    r->ended_ms = sqlite3_column_int64(st, 7);
    r->duration_ms = sqlite3_column_int64(st, 8);
    r->size = sqlite3_column_int64(st, 9);
    r->video_codec = store_column_dup(st, 10);
    r->audio_codec = store_column_dup(st, 11);
    r->width = sqlite3_column_int(st, 12);
    r->height = sqlite3_column_int(st, 13);
    r->sha256 = store_column_dup(st, 14);
    r->status = store_column_dup(st, 15);
    r->reason = store_column_dup(st, 16);
    r->rooms_json = store_column_dup(st, 17);
}

int store_recording_get(struct store *s, int64_t id, struct store_recording *out)
{
    sqlite3_stmt *st =
        store_prepare(s, "SELECT " RECORDING_COLUMNS " FROM recordings WHERE id = ?");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_row(st, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

GPtrArray *store_recording_list(struct store *s, const char *conference_id)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_recording_free);
    sqlite3_stmt *st = store_prepare(s, "SELECT " RECORDING_COLUMNS " FROM recordings "
                                        "WHERE ?1 IS NULL OR conference_id = ?1 "
                                        "ORDER BY started_at DESC, id DESC");
    if (!st) return list;
    store_bind_text(st, 1, conference_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_recording *r = g_new(struct store_recording, 1);
        read_row(st, r);
        g_ptr_array_add(list, r);
    }
    sqlite3_finalize(st);
    return list;
}

int store_recording_delete(struct store *s, int64_t id)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM recordings WHERE id = ?");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = store_write(s, st);
    if (rc != STORE_OK) return rc;
    return sqlite3_changes(s->db) > 0 ? STORE_OK : STORE_NOT_FOUND;
}

void store_recording_clear(struct store_recording *r)
{
    g_free(r->conference_id);
    g_free(r->path);
    g_free(r->title);
    g_free(r->video_codec);
    g_free(r->audio_codec);
    g_free(r->sha256);
    g_free(r->status);
    g_free(r->reason);
    g_free(r->rooms_json);
    memset(r, 0, sizeof *r);
}

void store_recording_free(gpointer data)
{
    struct store_recording *r = data;
    if (!r) return;
    store_recording_clear(r);
    g_free(r);
}
