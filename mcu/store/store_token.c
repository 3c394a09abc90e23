/* store_token.c - the operator_tokens table (names, roles, SHA-256 of the tokens);
 * see store.h. */
#include "mcu/store/store_internal.h"

#include <string.h>

int store_token_insert(struct store *s, const char *name, const char *token_hash,
                       enum store_token_role role)
{
    sqlite3_stmt *st =
        store_prepare(s, "INSERT INTO operator_tokens (name, token_hash, role, created_at) "
                         "VALUES (?, ?, ?, strftime('%s','now'))");
    if (st) {
        store_bind_text(st, 1, name);
        store_bind_text(st, 2, token_hash);
        store_bind_text(st, 3, store_role_name(role));
    }
    return store_write(s, st);
}

int store_token_revoke(struct store *s, const char *name)
{
    sqlite3_stmt *st =
        store_prepare(s, "UPDATE operator_tokens SET revoked_at = strftime('%s','now') "
                         "WHERE name = ? AND revoked_at = 0");
    if (st) store_bind_text(st, 1, name);
    int rc = store_write(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0) return STORE_NOT_FOUND;
    return rc;
}

int store_token_touch(struct store *s, const char *name, int64_t now)
{
    sqlite3_stmt *st =
        store_prepare(s, "UPDATE operator_tokens SET last_used_at = ? WHERE name = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, now);
        store_bind_text(st, 2, name);
    }
    return store_write(s, st);
}

GPtrArray *store_token_list(struct store *s)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_token_free);
    sqlite3_stmt *st = store_prepare(s, "SELECT name, token_hash, role, created_at, revoked_at, "
                                        "last_used_at FROM operator_tokens ORDER BY name");
    if (!st) return list;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_token *t = g_new0(struct store_token, 1);
        t->name = store_column_dup(st, 0);
        t->token_hash = store_column_dup(st, 1);
        int role = store_role_from_name((const char *)sqlite3_column_text(st, 2));
        t->role = role < 0 ? STORE_ROLE_VIEWER : (enum store_token_role)role;
        t->created_at = sqlite3_column_int64(st, 3);
        t->revoked_at = sqlite3_column_int64(st, 4);
        t->last_used_at = sqlite3_column_int64(st, 5);
        g_ptr_array_add(list, t);
    }
    sqlite3_finalize(st);
    return list;
}

void store_token_free(gpointer data)
{
    struct store_token *t = data;
    if (!t) return;
    g_free(t->name);
    g_free(t->token_hash);
    g_free(t);
}

int store_token_count(struct store *s)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT count(*) FROM operator_tokens");
    if (!st) return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}
