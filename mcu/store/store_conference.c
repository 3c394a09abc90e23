/* store_conference.c - the conferences and rooms tables; see store.h. */
#include "mcu/store/store_internal.h"

#include <string.h>

#define CONFERENCE_COLUMNS                                                                    \
    "id, title, pin, layout, width, height, fps, allow_vp8, allow_h264, max_participants,"    \
    " record, start_at, duration_s, timezone, early_join_min, recurrence, recur_count,"       \
    " recur_until, state, occurrence, warned, locked, created_at, updated_at, host_required," \
    " host_token_hash, ended_at"

/* Binds the 27 columns in CONFERENCE_COLUMNS order, starting at parameter 1. */
static void bind_conference(sqlite3_stmt *st, const struct store_conference *c)
{
    int i = 1;
    store_bind_text(st, i++, c->id);
    store_bind_text(st, i++, c->title);
    store_bind_text(st, i++, c->pin_hash);
    store_bind_text(st, i++, c->layout);
    sqlite3_bind_int(st, i++, c->width);
    sqlite3_bind_int(st, i++, c->height);
    sqlite3_bind_int(st, i++, c->fps);
    sqlite3_bind_int(st, i++, c->allow_vp8);
    sqlite3_bind_int(st, i++, c->allow_h264);
    sqlite3_bind_int(st, i++, c->max_participants);
    store_bind_text(st, i++, store_record_name(c->record));
    sqlite3_bind_int64(st, i++, c->start);
    sqlite3_bind_int64(st, i++, c->duration);
    store_bind_text(st, i++, c->timezone);
    sqlite3_bind_int(st, i++, c->early_join_minutes);
    store_bind_text(st, i++, store_recurrence_name(c->recurrence));
    sqlite3_bind_int(st, i++, c->recur_count);
    sqlite3_bind_int64(st, i++, c->recur_until);
    store_bind_text(st, i++, store_state_name(c->state));
    sqlite3_bind_int(st, i++, c->occurrence);
    sqlite3_bind_int(st, i++, c->warned);
    sqlite3_bind_int(st, i++, c->locked);
    sqlite3_bind_int64(st, i++, c->created_at);
    sqlite3_bind_int64(st, i++, c->updated_at);
    sqlite3_bind_int(st, i++, c->host_required);
    store_bind_text(st, i++, c->host_token_hash);
    sqlite3_bind_int64(st, i++, c->ended_at);
}

static int enum_or_zero(int value) { return value < 0 ? 0 : value; }

static void read_conference(sqlite3_stmt *st, struct store_conference *c)
{
    int i = 0;
    memset(c, 0, sizeof *c);
    c->id = store_column_dup(st, i++);
    c->title = store_column_dup(st, i++);
    c->pin_hash = store_column_dup(st, i++);
    c->layout = store_column_dup(st, i++);
    c->width = sqlite3_column_int(st, i++);
    c->height = sqlite3_column_int(st, i++);
    c->fps = sqlite3_column_int(st, i++);
    c->allow_vp8 = sqlite3_column_int(st, i++) != 0;
    c->allow_h264 = sqlite3_column_int(st, i++) != 0;
    c->max_participants = sqlite3_column_int(st, i++);
    c->record = enum_or_zero(store_record_from_name((const char *)sqlite3_column_text(st, i++)));
    c->start = sqlite3_column_int64(st, i++);
    c->duration = sqlite3_column_int64(st, i++);
    c->timezone = store_column_dup(st, i++);
    c->early_join_minutes = sqlite3_column_int(st, i++);
    c->recurrence =
        enum_or_zero(store_recurrence_from_name((const char *)sqlite3_column_text(st, i++)));
    c->recur_count = sqlite3_column_int(st, i++);
    c->recur_until = sqlite3_column_int64(st, i++);
    c->state = enum_or_zero(store_state_from_name((const char *)sqlite3_column_text(st, i++)));
    c->occurrence = sqlite3_column_int(st, i++);
    c->warned = sqlite3_column_int(st, i++) != 0;
    c->locked = sqlite3_column_int(st, i++) != 0;
    c->created_at = sqlite3_column_int64(st, i++);
    c->updated_at = sqlite3_column_int64(st, i++);
    c->host_required = sqlite3_column_int(st, i++) != 0;
    c->host_token_hash = store_column_dup(st, i++);
    c->ended_at = sqlite3_column_int64(st, i++);
}

int store_conference_insert(struct store *s, const struct store_conference *c)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO conferences (" CONFERENCE_COLUMNS ") VALUES "
                                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st) bind_conference(st, c);
    return store_write(s, st);
}

int store_conference_update(struct store *s, const struct store_conference *c)
{
    sqlite3_stmt *st = store_prepare(s, "UPDATE conferences SET (" CONFERENCE_COLUMNS ") = "
                                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                        "WHERE id = ?28");
    if (!st) return STORE_ERROR;
    bind_conference(st, c);
    store_bind_text(st, 28, c->id);
    int rc = store_write(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOT_FOUND;
    return rc;
}

int store_conference_get(struct store *s, const char *id, struct store_conference *out)
{
    sqlite3_stmt *st =
        store_prepare(s, "SELECT " CONFERENCE_COLUMNS " FROM conferences WHERE id = ?");
    if (!st) return STORE_ERROR;
    store_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    int result = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
    if (result == STORE_OK) read_conference(st, out);
    sqlite3_finalize(st);
    return result;
}

int store_conference_delete(struct store *s, const char *id)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM conferences WHERE id = ?");
    if (st) store_bind_text(st, 1, id);
    int rc = store_write(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOT_FOUND;
    return rc;
}

GPtrArray *store_conference_list(struct store *s, int state)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_conference_free);
    sqlite3_stmt *st = store_prepare(s, "SELECT " CONFERENCE_COLUMNS " FROM conferences "
                                        "WHERE ?1 IS NULL OR state = ?1 ORDER BY start_at, id");
    if (!st) return list;
    store_bind_text(st, 1, state >= 0 ? store_state_name(state) : NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_conference *c = g_new(struct store_conference, 1);
        read_conference(st, c);
        g_ptr_array_add(list, c);
    }
    sqlite3_finalize(st);
    return list;
}

void store_conference_clear(struct store_conference *c)
{
    if (!c) return;
    g_free(c->id);
    g_free(c->title);
    g_free(c->pin_hash);
    g_free(c->host_token_hash);
    g_free(c->layout);
    g_free(c->timezone);
    memset(c, 0, sizeof *c);
}

void store_conference_free(gpointer data)
{
    store_conference_clear(data);
    g_free(data);
}

void store_conference_copy(struct store_conference *dst, const struct store_conference *src)
{
    *dst = *src;
    dst->id = g_strdup(src->id);
    dst->title = g_strdup(src->title);
    dst->pin_hash = g_strdup(src->pin_hash);
    dst->host_token_hash = g_strdup(src->host_token_hash);
    dst->layout = g_strdup(src->layout);
    dst->timezone = g_strdup(src->timezone);
}

static void replace_string(char **slot, const char *value)
{
    char *copy = g_strdup(value);
    g_free(*slot);
    *slot = copy;
}

void store_conference_get_settings(const struct store_conference *c,
                                   struct mcu_conference_config *out)
{
    memset(out, 0, sizeof *out);
    out->id = g_strdup(c->id);
    out->type = MCU_CONFERENCE_MIX;
    out->pin_hash = g_strdup(c->pin_hash);
    out->title = g_strdup(c->title);
    out->layout = g_strdup(c->layout);
    out->width = c->width;
    out->height = c->height;
    out->fps = c->fps;
    out->max_participants = c->max_participants;
    out->allow_vp8 = c->allow_vp8;
    out->allow_h264 = c->allow_h264;
    out->record = c->record == STORE_RECORD_ALWAYS ? MCU_RECORD_ALWAYS
                  : c->record == STORE_RECORD_OFF  ? MCU_RECORD_OFF
                                                   : MCU_RECORD_MANUAL;
    out->host_required = c->host_required;
    out->host_token_hash = g_strdup(c->host_token_hash);
    out->host_grace_seconds = MCU_CONFIG_DEFAULT_HOST_GRACE;
    out->sender_control = true; /* a config-file key only */
}

void store_conference_put_settings(struct store_conference *c,
                                   const struct mcu_conference_config *s)
{
    replace_string(&c->title, s->title);
    replace_string(&c->pin_hash, s->pin_hash);
    replace_string(&c->layout, s->layout);
    c->width = s->width;
    c->height = s->height;
    c->fps = s->fps;
    c->max_participants = s->max_participants;
    c->allow_vp8 = s->allow_vp8;
    c->allow_h264 = s->allow_h264;
    c->record = s->record == MCU_RECORD_ALWAYS ? STORE_RECORD_ALWAYS
                : s->record == MCU_RECORD_OFF  ? STORE_RECORD_OFF
                                               : STORE_RECORD_MANUAL;
    c->host_required = s->host_required;
    replace_string(&c->host_token_hash, s->host_token_hash);
}

/* --- rooms ------------------------------------------------------------------------ */

int store_room_put(struct store *s, const char *conference_id, const char *name,
                   const char *token_hash)
{
    sqlite3_stmt *st =
        store_prepare(s, "INSERT INTO rooms (conference_id, name, token_hash, created_at) "
                         "VALUES (?, ?, ?, strftime('%s','now')) "
                         "ON CONFLICT (conference_id, name) DO UPDATE SET "
                         "token_hash = excluded.token_hash");
    if (st) {
        store_bind_text(st, 1, conference_id);
        store_bind_text(st, 2, name);
        store_bind_text(st, 3, token_hash);
    }
    return store_write(s, st);
}

int store_room_delete(struct store *s, const char *conference_id, const char *name)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM rooms WHERE conference_id = ? AND name = ?");
    if (st) {
        store_bind_text(st, 1, conference_id);
        store_bind_text(st, 2, name);
    }
    int rc = store_write(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOT_FOUND;
    return rc;
}

GPtrArray *store_room_list(struct store *s, const char *conference_id)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_room_free);
    sqlite3_stmt *st = store_prepare(s, "SELECT name, token_hash, created_at FROM rooms "
                                        "WHERE conference_id = ? ORDER BY name");
    if (!st) return list;
    store_bind_text(st, 1, conference_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_room *r = g_new0(struct store_room, 1);
        r->name = store_column_dup(st, 0);
        r->token_hash = store_column_dup(st, 1);
        r->created_at = sqlite3_column_int64(st, 2);
        g_ptr_array_add(list, r);
    }
    sqlite3_finalize(st);
    return list;
}

void store_room_free(gpointer data)
{
    struct store_room *r = data;
    if (!r) return;
    g_free(r->name);
    g_free(r->token_hash);
    g_free(r);
}
