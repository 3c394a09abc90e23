/* store_audit.c - the audit table: one row per operator call; see store.h. */
#include "mcu/store/store_internal.h"

#include <string.h>

int store_audit_add(struct store *s, const struct store_audit_entry *e)
{
    sqlite3_stmt *st =
        store_prepare(s, "INSERT INTO audit (at_ms, token_name, action, target, source, "
                         "status, result) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->at_ms);
    store_bind_text(st, 2, e->token_name);
    store_bind_text(st, 3, e->action);
    store_bind_text(st, 4, e->target);
    store_bind_text(st, 5, e->source);
    sqlite3_bind_int(st, 6, e->status);
    store_bind_text(st, 7, e->result ? e->result : "");
    return store_write(s, st);
}

GPtrArray *store_audit_list(struct store *s, const struct store_audit_filter *f)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_audit_free);
    sqlite3_stmt *st = store_prepare(
        s, "SELECT id, at_ms, token_name, action, target, source, status, result FROM audit "
           "WHERE (?1 IS NULL OR token_name = ?1) "
           "AND (?2 IS NULL OR substr(action, 1, length(?2)) = ?2) "
           "AND (?3 IS NULL OR target = ?3) "
           "AND (?4 = 0 OR at_ms >= ?4) AND (?5 = 0 OR at_ms < ?5) "
           "AND (?6 = 0 OR status >= 400) "
           "ORDER BY id DESC LIMIT ?7");
    if (!st) return list;
    store_bind_text(st, 1, f ? f->token_name : NULL);
    store_bind_text(st, 2, f ? f->action : NULL);
    store_bind_text(st, 3, f ? f->target : NULL);
    sqlite3_bind_int64(st, 4, f ? f->since_ms : 0);
    sqlite3_bind_int64(st, 5, f ? f->until_ms : 0);
    sqlite3_bind_int(st, 6, f ? f->failed_only : 0);
    sqlite3_bind_int(st, 7, f && f->limit > 0 ? f->limit : 100);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_audit_entry *e = g_new0(struct store_audit_entry, 1);
        e->id = sqlite3_column_int64(st, 0);
        e->at_ms = sqlite3_column_int64(st, 1);
        e->token_name = store_column_dup(st, 2);
        e->action = store_column_dup(st, 3);
        e->target = store_column_dup(st, 4);
        e->source = store_column_dup(st, 5);
        e->status = sqlite3_column_int(st, 6);
        e->result = store_column_dup(st, 7);
        g_ptr_array_add(list, e);
    }
    sqlite3_finalize(st);
    return list;
}

void store_audit_free(gpointer data)
{
    struct store_audit_entry *e = data;
    if (!e) return;
    g_free(e->token_name);
    g_free(e->action);
    g_free(e->target);
    g_free(e->source);
    g_free(e->result);
    g_free(e);
}
