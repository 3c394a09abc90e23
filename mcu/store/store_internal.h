/* store_internal.h - what the store_*.c files share: the SQLite handle, statement
 * helpers and the migration list. Not a public header (unit tests use it to build
 * old schema versions). */
#ifndef HOINGHI_MCU_STORE_INTERNAL_H
#define HOINGHI_MCU_STORE_INTERNAL_H

#include <sqlite3.h>

#include "mcu/store/store.h"

struct store {
    sqlite3 *db;
    char *path;
};

/* Prepares `sql`; NULL (logged) on failure. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql);
/* Steps a write statement to completion and finalizes it: STORE_OK, STORE_EXISTS
 * (a constraint failed) or STORE_ERROR (logged). */
int store_run(struct store *s, sqlite3_stmt *st);
/* store_run() inside its own savepoint: every write is a transaction. */
int store_write(struct store *s, sqlite3_stmt *st);
/* Binds a string or NULL. */
void store_bind_text(sqlite3_stmt *st, int index, const char *text);
/* A column as a g_strdup'd string, NULL for SQL NULL. */
char *store_column_dup(sqlite3_stmt *st, int column);

/* Migrates the open database up to `target` (<= STORE_SCHEMA_VERSION). */
int store_migrate(struct store *s, int target, char *err, size_t errlen);
/* Opens without migrating (tests). */
struct store *store_open_raw(const char *path, char *err, size_t errlen);

#endif
