/* store.c - opening the database, pragmas, versioned migrations, transactions and the
 * enum names; see store.h. The tables' own calls are in store_conference.c,
 * store_token.c, store_audit.c, store_recording.c and store_attendance.c. */
#include "mcu/store/store_internal.h"

#include <stdio.h>
#include <string.h>

#include "mcu/core/log.h"

/* Migration i takes the schema from version i to i + 1. Never edit a released one:
 * add the next. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: conferences, rooms, operator tokens, audit log */
    "CREATE TABLE conferences ("
    "  id TEXT PRIMARY KEY, title TEXT NOT NULL, pin TEXT, layout TEXT NOT NULL,"
    "  width INTEGER NOT NULL, height INTEGER NOT NULL, fps INTEGER NOT NULL,"
    "  allow_vp8 INTEGER NOT NULL, allow_h264 INTEGER NOT NULL,"
    "  max_participants INTEGER NOT NULL, record TEXT NOT NULL,"
    "  start_at INTEGER NOT NULL, duration_s INTEGER NOT NULL, timezone TEXT NOT NULL,"
    "  early_join_min INTEGER NOT NULL, recurrence TEXT NOT NULL,"
    "  recur_count INTEGER NOT NULL, recur_until INTEGER NOT NULL,"
    "  state TEXT NOT NULL, occurrence INTEGER NOT NULL, warned INTEGER NOT NULL,"
    "  locked INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX conferences_state ON conferences(state);"
    "CREATE TABLE rooms ("
    "  conference_id TEXT NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, token_hash TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (conference_id, name));"
    "CREATE TABLE operator_tokens ("
    "  name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0,"
    "  last_used_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, token_name TEXT,"
    "  action TEXT NOT NULL, target TEXT, source TEXT, status INTEGER NOT NULL,"
    "  result TEXT NOT NULL);"
    "CREATE INDEX audit_at ON audit(at_ms);",
    /* 1 -> 2: the recording index (filled by the recorder) */
    "CREATE TABLE recordings ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  conference_id TEXT NOT NULL, occurrence INTEGER NOT NULL, path TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL, ended_at INTEGER, bytes INTEGER, sha256 TEXT,"
    "  state TEXT NOT NULL);"
    "CREATE INDEX recordings_conference ON recordings(conference_id);",
    /* 2 -> 3: what the recorder reports of each finished file (store_recording.c).
     * started_at/ended_at are Unix milliseconds; state is the file's status
     * (complete, interrupted, failed); rooms is a JSON array. One row per file. */
    "ALTER TABLE recordings ADD COLUMN title TEXT;"
    "ALTER TABLE recordings ADD COLUMN segment INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE recordings ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE recordings ADD COLUMN video_codec TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE recordings ADD COLUMN audio_codec TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE recordings ADD COLUMN width INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE recordings ADD COLUMN height INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE recordings ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE recordings ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';"
    "CREATE UNIQUE INDEX recordings_path ON recordings(path);",
    /* 3 -> 4: "host must be present" and the host token's SHA-256. The pin column
     * holds PIN hashes from now on; control_new() hashes plain ones at start. */
    ("ALTER TABLE conferences ADD COLUMN host_required INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE conferences ADD COLUMN host_token_hash TEXT;"),
    /* 4 -> 5: when an operator ended the conference (its real end, for the tables). */
    "ALTER TABLE conferences ADD COLUMN ended_at INTEGER NOT NULL DEFAULT 0;",
    /* 5 -> 6: attendance, one row per stay of a room (store_attendance.c); Unix ms,
     * left_ms 0 while the room is in. */
    "CREATE TABLE attendance ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, conference_id TEXT NOT NULL,"
    "  occurrence INTEGER NOT NULL, participant_id TEXT NOT NULL, room TEXT NOT NULL,"
    "  joined_ms INTEGER NOT NULL, left_ms INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX attendance_conference ON attendance(conference_id, joined_ms);",
};

sqlite3_stmt *store_prepare(struct store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_error("store: cannot prepare '%.60s': %s", sql, sqlite3_errmsg(s->db));
        return NULL;
    }
    return st;
}

int store_run(struct store *s, sqlite3_stmt *st)
{
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return STORE_OK;
    if (rc == SQLITE_CONSTRAINT) return STORE_EXISTS;
    log_error("store: write failed: %s", sqlite3_errmsg(s->db));
    return STORE_ERROR;
}

int store_write(struct store *s, sqlite3_stmt *st)
{
    if (!st) return STORE_ERROR;
    if (store_begin(s) != STORE_OK) {
        sqlite3_finalize(st);
        return STORE_ERROR;
    }
    int rc = store_run(s, st);
    if (rc != STORE_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s);
}

void store_bind_text(sqlite3_stmt *st, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(st, index, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, index);
}

char *store_column_dup(sqlite3_stmt *st, int column)
{
    const unsigned char *text = sqlite3_column_text(st, column);
    return text ? g_strdup((const char *)text) : NULL;
}

static int exec(struct store *s, const char *sql, char *err, size_t errlen)
{
    char *message = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &message) == SQLITE_OK) return 0;
    snprintf(err, errlen, "%s", message ? message : sqlite3_errmsg(s->db));
    sqlite3_free(message);
    return -1;
}

int store_schema_version(struct store *s)
{
    sqlite3_stmt *st = store_prepare(s, "PRAGMA user_version");
    if (!st) return -1;
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return version;
}

int store_migrate(struct store *s, int target, char *err, size_t errlen)
{
    int version = store_schema_version(s);
    if (version < 0) {
        snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    if (version > STORE_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "%s has schema version %d; this mcud knows up to %d (a newer "
                 "mcud wrote it)",
                 s->path, version, STORE_SCHEMA_VERSION);
        return -1;
    }
    for (int v = version; v < target; v++) {
        char sql[64], why[256] = "";
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if (exec(s, "BEGIN IMMEDIATE", why, sizeof why) != 0 ||
            exec(s, migrations[v], why, sizeof why) != 0 || exec(s, sql, why, sizeof why) != 0 ||
            exec(s, "COMMIT", why, sizeof why) != 0) {
            char ignored[64];
            exec(s, "ROLLBACK", ignored, sizeof ignored);
            snprintf(err, errlen, "migration to schema version %d failed: %s", v + 1, why);
            return -1;
        }
        log_info("store: %s migrated to schema version %d", s->path, v + 1);
    }
    return 0;
}

struct store *store_open_raw(const char *path, char *err, size_t errlen)
{
    struct store *s = g_new0(struct store, 1);
    s->path = g_strdup(path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    char why[256] = "";
    if (exec(s, "PRAGMA journal_mode = WAL", why, sizeof why) != 0 ||
        exec(s, "PRAGMA synchronous = FULL", why, sizeof why) != 0 ||
        exec(s, "PRAGMA foreign_keys = ON", why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot set up %s: %s", path, why);
        store_close(s);
        return NULL;
    }
    return s;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
    struct store *s = store_open_raw(path, err, errlen);
    if (s && store_migrate(s, STORE_SCHEMA_VERSION, err, errlen) != 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s) return;
    if (s->db) sqlite3_close(s->db);
    g_free(s->path);
    g_free(s);
}

int store_begin(struct store *s)
{
    return sqlite3_exec(s->db, "SAVEPOINT store", NULL, NULL, NULL) == SQLITE_OK ? STORE_OK
                                                                                 : STORE_ERROR;
}

int store_commit(struct store *s)
{
    if (sqlite3_exec(s->db, "RELEASE store", NULL, NULL, NULL) == SQLITE_OK) return STORE_OK;
    log_error("store: commit failed: %s", sqlite3_errmsg(s->db));
    store_rollback(s);
    return STORE_ERROR;
}

void store_rollback(struct store *s)
{
    sqlite3_exec(s->db, "ROLLBACK TO store", NULL, NULL, NULL);
    sqlite3_exec(s->db, "RELEASE store", NULL, NULL, NULL);
}

/* --- enum names ------------------------------------------------------------------ */

static int index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

static const char *const state_names[] = {"scheduled", "open", "ended"};
static const char *const record_names[] = {"off", "manual", "always"};
static const char *const recurrence_names[] = {"none", "daily", "weekly"};
static const char *const role_names[] = {"viewer", "operator", "admin"};

const char *store_state_name(enum store_conference_state v) { return state_names[v]; }
int store_state_from_name(const char *n) { return index_of(state_names, 3, n); }
const char *store_record_name(enum store_record_policy v) { return record_names[v]; }
int store_record_from_name(const char *n) { return index_of(record_names, 3, n); }
const char *store_recurrence_name(enum store_recurrence v) { return recurrence_names[v]; }
int store_recurrence_from_name(const char *n) { return index_of(recurrence_names, 3, n); }
const char *store_role_name(enum store_token_role v) { return role_names[v]; }
int store_role_from_name(const char *n) { return index_of(role_names, 3, n); }
