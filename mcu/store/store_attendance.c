/* store_attendance.c - the attendance table: one row per stay of a room in a
 * conference (joined, left, why), for the meeting report; see store.h. */
#include "mcu/store/store_internal.h"

int store_attendance_join(struct store *s, const struct store_stay *stay, int64_t *id_out)
{
    sqlite3_stmt *st = store_prepare(
        s, "INSERT INTO attendance (conference_id, occurrence, participant_id, room, joined_ms) "
           "VALUES (?, ?, ?, ?, ?)");
    if (!st) return STORE_ERROR;
    store_bind_text(st, 1, stay->conference_id);
    sqlite3_bind_int(st, 2, stay->occurrence);
    store_bind_text(st, 3, stay->participant_id);
    store_bind_text(st, 4, stay->room ? stay->room : "");
    sqlite3_bind_int64(st, 5, stay->joined_ms);
    int rc = store_write(s, st);
    if (rc == STORE_OK && id_out) *id_out = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int store_attendance_leave(struct store *s, const char *conference_id, const char *participant_id,
                           int64_t left_ms, const char *reason)
{
    sqlite3_stmt *st =
        store_prepare(s, "UPDATE attendance SET left_ms = max(?1, joined_ms), reason = ?2 "
                         "WHERE conference_id = ?3 AND participant_id = ?4 AND left_ms = 0");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, left_ms);
    store_bind_text(st, 2, reason ? reason : "");
    store_bind_text(st, 3, conference_id);
    store_bind_text(st, 4, participant_id);
    int rc = store_write(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOT_FOUND;
    return rc;
}

int store_attendance_close_open(struct store *s, int64_t left_ms, const char *reason)
{
    sqlite3_stmt *st =
        store_prepare(s, "UPDATE attendance SET left_ms = max(?1, joined_ms), reason = ?2 "
                         "WHERE left_ms = 0");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, left_ms);
    store_bind_text(st, 2, reason ? reason : "");
    if (store_write(s, st) != STORE_OK) return -1;
    return sqlite3_changes(s->db);
}

GPtrArray *store_attendance_list(struct store *s, const char *conference_id,
                                 const struct store_attendance_filter *f)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_stay_free);
    sqlite3_stmt *st = store_prepare(
        s, "SELECT id, conference_id, occurrence, participant_id, room, joined_ms, left_ms, "
           "reason FROM attendance WHERE conference_id = ?1 "
           "AND (?2 < 0 OR occurrence = ?2) "
           "AND (?3 = 0 OR left_ms = 0 OR left_ms >= ?3) AND (?4 = 0 OR joined_ms < ?4) "
           "ORDER BY joined_ms, id");
    if (!st) return list;
    store_bind_text(st, 1, conference_id);
    sqlite3_bind_int(st, 2, f ? f->occurrence : -1);
    sqlite3_bind_int64(st, 3, f ? f->since_ms : 0);
    sqlite3_bind_int64(st, 4, f ? f->until_ms : 0);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_stay *stay = g_new0(struct store_stay, 1);
        stay->id = sqlite3_column_int64(st, 0);
        stay->conference_id = store_column_dup(st, 1);
        stay->occurrence = sqlite3_column_int(st, 2);
        stay->participant_id = store_column_dup(st, 3);
        stay->room = store_column_dup(st, 4);
        stay->joined_ms = sqlite3_column_int64(st, 5);
        stay->left_ms = sqlite3_column_int64(st, 6);
        stay->reason = store_column_dup(st, 7);
        g_ptr_array_add(list, stay);
    }
    sqlite3_finalize(st);
    return list;
}

void store_stay_free(gpointer data)
{
    struct store_stay *stay = data;
    if (!stay) return;
    g_free(stay->conference_id);
    g_free(stay->participant_id);
    g_free(stay->room);
    g_free(stay->reason);
    g_free(stay);
}
