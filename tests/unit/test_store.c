/* test_store.c - the SQLite store (mcu/store*.c): a fresh database gets the latest
 * schema in WAL mode, an old one is migrated forward with its rows kept, a newer one
 * is refused; conferences, rooms, operator tokens and the audit log round-trip;
 * constraints give STORE_EXISTS / STORE_NOT_FOUND; a rolled-back group leaves
 * nothing; token digests compare in constant time; recordings rows survive the
 * version 3 migration and round-trip (upsert by path, filter, delete). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mcu/core/secret.h"
#include "mcu/store/store.h"
#include "mcu/store/store_internal.h"

struct fixture {
    char dir[64];
    char path[128];
    char err[256];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_store.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/" STORE_FILE_NAME, f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

static void sample(struct store_conference *c, const char *id)
{
    memset(c, 0, sizeof *c);
    c->id = g_strdup(id);
    c->title = g_strdup("Giao ban tuần");
    c->pin_hash = g_strdup("4321");
    c->layout = g_strdup("1+5");
    c->width = 1280;
    c->height = 720;
    c->fps = 30;
    c->allow_vp8 = true;
    c->max_participants = 8;
    c->record = STORE_RECORD_MANUAL;
    c->start = 1700000000;
    c->duration = 5400;
    c->timezone = g_strdup("Asia/Ho_Chi_Minh");
    c->early_join_minutes = 10;
    c->recurrence = STORE_RECUR_WEEKLY;
    c->recur_count = 4;
    c->state = STORE_SCHEDULED;
    c->created_at = c->updated_at = 1690000000;
}

static void fresh_database_has_latest_schema_in_wal(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    struct store *peek = s;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(peek->db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    store_close(s);
    /* Opening again changes nothing. */
    s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(s);
}

static void old_database_is_migrated_with_rows_kept(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open_raw(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_migrate(s, 1, f->err, sizeof f->err), 0);
    assert_int_equal(store_schema_version(s), 1);
    /* A version-1 row, written as that schema had it (a plain PIN). */
    assert_int_equal(
        sqlite3_exec(s->db,
                     "INSERT INTO conferences VALUES ('weekly', 'Giao ban tuần', '4321', "
                     "'2x2', 1280, 720, 30, 1, 1, 16, 'manual', 1700000000, 3600, "
                     "'Asia/Ho_Chi_Minh', 10, 'none', 0, 0, 'scheduled', 0, 0, 0, "
                     "1700000000, 1700000000)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    store_close(s);
    struct store_conference c;

    s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(store_conference_get(s, "weekly", &c), STORE_OK);
    assert_string_equal(c.title, "Giao ban tuần");
    assert_string_equal(c.pin_hash, "4321"); /* hashed by control_new(), see test_api */
    assert_false(c.host_required);
    assert_null(c.host_token_hash);
    store_conference_clear(&c);
    store_close(s);
}

/* A version-2 recordings row survives the migration to 3 and gets the defaults. */
static void recordings_migration_keeps_old_rows(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open_raw(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_migrate(s, 2, f->err, sizeof f->err), 0);
    assert_int_equal(
        sqlite3_exec(s->db,
                     "INSERT INTO recordings (conference_id, occurrence, path, started_at, "
                     "bytes, sha256, state) VALUES ('hop', 2, '/a/hop.webm', 1700000000000, "
                     "10, 'ab', 'complete')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    store_close(s);
    s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    GPtrArray *rows = store_recording_list(s, NULL);
    assert_int_equal(rows->len, 1);
    const struct store_recording *r = rows->pdata[0];
    assert_string_equal(r->path, "/a/hop.webm");
    assert_int_equal(r->occurrence, 2);
    assert_int_equal(r->size, 10);
    assert_string_equal(r->status, "complete");
    assert_int_equal(r->segment, 1);
    assert_string_equal(r->rooms_json, "[]");
    assert_null(r->title);
    g_ptr_array_free(rows, TRUE);
    store_close(s);
}

static void sample_recording(struct store_recording *r, const char *conference, const char *path,
                             int64_t start)
{
    memset(r, 0, sizeof *r);
    r->conference_id = (char *)conference;
    r->occurrence = 1;
    r->path = (char *)path;
    r->title = (char *)"Họp giao ban";
    r->segment = 1;
    r->started_ms = start;
    r->ended_ms = start + 5000;
    r->duration_ms = 4980;
    r->size = 123456;
    r->video_codec = (char *)"VP8";
    r->audio_codec = (char *)"opus";
    r->width = 640;
    r->height = 360;
    r->sha256 = (char *)"00ff";
    r->status = (char *)"complete";
    r->rooms_json = (char *)"[{\"id\":\"p1\",\"name\":\"Phòng 1\",\"joined_ms\":1,\"left_ms\":0}]";
}

static void recordings_round_trip(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    struct store_recording in, got;
    int64_t id1 = 0, id2 = 0, again = 0;
    sample_recording(&in, "hop", "/a/hop-1.webm", 1700000000000);
    assert_int_equal(store_recording_put(s, &in, &id1), STORE_OK);
    sample_recording(&in, "other", "/a/other-1.webm", 1700000100000);
    assert_int_equal(store_recording_put(s, &in, &id2), STORE_OK);
    assert_true(id1 > 0 && id2 > id1);

    assert_int_equal(store_recording_get(s, id1, &got), STORE_OK);
    assert_string_equal(got.conference_id, "hop");
    assert_string_equal(got.title, "Họp giao ban");
    assert_int_equal(got.duration_ms, 4980);
    assert_int_equal(got.size, 123456);
    assert_string_equal(got.video_codec, "VP8");
    assert_string_equal(got.audio_codec, "opus");
    assert_int_equal(got.width, 640);
    assert_string_equal(got.sha256, "00ff");
    assert_string_equal(got.status, "complete");
    assert_string_equal(got.reason, "");
    assert_non_null(strstr(got.rooms_json, "Phòng 1"));
    store_recording_clear(&got);

    /* The same file reported again (recovered as interrupted) replaces its row. */
    sample_recording(&in, "hop", "/a/hop-1.webm", 1700000000000);
    in.status = (char *)"interrupted";
    in.reason = (char *)"mcud stopped while writing";
    assert_int_equal(store_recording_put(s, &in, &again), STORE_OK);
    assert_int_equal(again, id1);
    assert_int_equal(store_recording_get(s, id1, &got), STORE_OK);
    assert_string_equal(got.status, "interrupted");
    assert_string_equal(got.reason, "mcud stopped while writing");
    store_recording_clear(&got);

    GPtrArray *all = store_recording_list(s, NULL), *hop = store_recording_list(s, "hop");
    assert_int_equal(all->len, 2);
    assert_int_equal(((struct store_recording *)all->pdata[0])->id, id2); /* newest first */
    assert_int_equal(hop->len, 1);
    assert_int_equal(((struct store_recording *)hop->pdata[0])->id, id1);
    g_ptr_array_free(all, TRUE);
    g_ptr_array_free(hop, TRUE);

    assert_int_equal(store_recording_delete(s, id1), STORE_OK);
    assert_int_equal(store_recording_delete(s, id1), STORE_NOT_FOUND);
    assert_int_equal(store_recording_get(s, id1, &got), STORE_NOT_FOUND);
    store_close(s);
}

static void newer_database_is_refused(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    assert_non_null(s);
    struct store *peek = s;
    assert_int_equal(sqlite3_exec(peek->db, "PRAGMA user_version = 99", NULL, NULL, NULL),
                     SQLITE_OK);
    store_close(s);
    s = store_open(f->path, f->err, sizeof f->err);
    assert_null(s);
    assert_non_null(strstr(f->err, "schema version 99"));
}

static void conference_round_trip_and_conflicts(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    struct store_conference c, got;
    sample(&c, "weekly");
    assert_int_equal(store_conference_insert(s, &c), STORE_OK);
    assert_int_equal(store_conference_insert(s, &c), STORE_EXISTS);
    assert_int_equal(store_conference_get(s, "weekly", &got), STORE_OK);
    assert_string_equal(got.pin_hash, "4321");
    assert_string_equal(got.layout, "1+5");
    assert_int_equal(got.record, STORE_RECORD_MANUAL);
    assert_int_equal(got.recurrence, STORE_RECUR_WEEKLY);
    assert_int_equal(got.recur_count, 4);
    assert_int_equal(got.duration, 5400);
    assert_true(got.allow_vp8);
    assert_false(got.allow_h264);
    store_conference_clear(&got);

    c.state = STORE_OPEN;
    g_free(c.pin_hash);
    c.pin_hash = NULL;
    assert_int_equal(store_conference_update(s, &c), STORE_OK);
    assert_int_equal(store_conference_get(s, "weekly", &got), STORE_OK);
    assert_int_equal(got.state, STORE_OPEN);
    assert_null(got.pin_hash);
    store_conference_clear(&got);

    GPtrArray *open = store_conference_list(s, STORE_OPEN);
    assert_int_equal(open->len, 1);
    g_ptr_array_free(open, TRUE);
    GPtrArray *ended = store_conference_list(s, STORE_ENDED);
    assert_int_equal(ended->len, 0);
    g_ptr_array_free(ended, TRUE);

    assert_int_equal(store_room_put(s, "weekly", "Hà Nội", "aa"), STORE_OK);
    assert_int_equal(store_room_put(s, "weekly", "Huế", "bb"), STORE_OK);
    assert_int_equal(store_room_put(s, "weekly", "Huế", "cc"), STORE_OK); /* new token */
    assert_int_equal(store_room_put(s, "nope", "x", "dd"), STORE_EXISTS); /* foreign key */
    GPtrArray *rooms = store_room_list(s, "weekly");
    assert_int_equal(rooms->len, 2);
    assert_string_equal(((struct store_room *)rooms->pdata[0])->name, "Huế"); /* byte order */
    assert_string_equal(((struct store_room *)rooms->pdata[0])->token_hash, "cc");
    g_ptr_array_free(rooms, TRUE);

    assert_int_equal(store_conference_delete(s, "weekly"), STORE_OK);
    assert_int_equal(store_conference_delete(s, "weekly"), STORE_NOT_FOUND);
    assert_int_equal(store_conference_get(s, "weekly", &got), STORE_NOT_FOUND);
    rooms = store_room_list(s, "weekly");
    assert_int_equal(rooms->len, 0); /* cascaded */
    g_ptr_array_free(rooms, TRUE);
    assert_int_equal(store_conference_update(s, &c), STORE_NOT_FOUND);
    store_conference_clear(&c);
    store_close(s);
}

static void rolled_back_group_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    struct store_conference c, got;
    sample(&c, "group");
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_conference_insert(s, &c), STORE_OK);
    assert_int_equal(store_room_put(s, "group", "A", "aa"), STORE_OK);
    store_rollback(s);
    assert_int_equal(store_conference_get(s, "group", &got), STORE_NOT_FOUND);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_conference_insert(s, &c), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    store_close(s);
    s = store_open(f->path, f->err, sizeof f->err);
    assert_int_equal(store_conference_get(s, "group", &got), STORE_OK);
    store_conference_clear(&got);
    store_conference_clear(&c);
    store_close(s);
}

static void tokens_and_audit(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_open(f->path, f->err, sizeof f->err);
    assert_int_equal(store_token_count(s), 0);
    char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX], again[SECRET_HASH_HEX];
    assert_int_equal(secret_new_token("hn_", token), 0);
    assert_int_equal(strlen(token), 3 + 2 * SECRET_TOKEN_BYTES);
    secret_hash(token, hash);
    secret_hash(token, again);
    assert_true(secret_hash_equal(hash, again));
    secret_hash("hn_other", again);
    assert_false(secret_hash_equal(hash, again));
    assert_false(secret_hash_equal(hash, "short"));
    assert_int_equal(store_token_insert(s, "admin", hash, STORE_ROLE_ADMIN), STORE_OK);
    assert_int_equal(store_token_insert(s, "admin", again, STORE_ROLE_VIEWER), STORE_EXISTS);
    assert_int_equal(store_token_insert(s, "viewer", again, STORE_ROLE_VIEWER), STORE_OK);
    assert_int_equal(store_token_count(s), 2);
    assert_int_equal(store_token_revoke(s, "viewer"), STORE_OK);
    assert_int_equal(store_token_revoke(s, "viewer"), STORE_NOT_FOUND);
    GPtrArray *tokens = store_token_list(s);
    assert_int_equal(tokens->len, 2);
    struct store_token *admin = tokens->pdata[0], *viewer = tokens->pdata[1];
    assert_string_equal(admin->name, "admin");
    assert_int_equal(admin->role, STORE_ROLE_ADMIN);
    assert_int_equal(admin->revoked_at, 0);
    assert_true(viewer->revoked_at > 0);
    g_ptr_array_free(tokens, TRUE);

    struct store_audit_entry e = {.at_ms = 1000,
                                  .token_name = "admin",
                                  .action = "conference.create",
                                  .target = "weekly",
                                  .source = "127.0.0.1",
                                  .status = 201,
                                  .result = "ok"};
    assert_int_equal(store_audit_add(s, &e), STORE_OK);
    struct store_audit_entry bad = {.at_ms = 2000,
                                    .action = "conference.list",
                                    .source = "127.0.0.1",
                                    .status = 401,
                                    .result = "unknown token"};
    assert_int_equal(store_audit_add(s, &bad), STORE_OK);
    GPtrArray *all = store_audit_list(s, NULL);
    assert_int_equal(all->len, 2);
    assert_int_equal(((struct store_audit_entry *)all->pdata[0])->status, 401); /* newest first */
    assert_null(((struct store_audit_entry *)all->pdata[0])->token_name);
    g_ptr_array_free(all, TRUE);
    struct store_audit_filter failed = {.failed_only = 1};
    GPtrArray *list = store_audit_list(s, &failed);
    assert_int_equal(list->len, 1);
    g_ptr_array_free(list, TRUE);
    struct store_audit_filter by = {.token_name = "admin", .action = "conference."};
    list = store_audit_list(s, &by);
    assert_int_equal(list->len, 1);
    assert_string_equal(((struct store_audit_entry *)list->pdata[0])->target, "weekly");
    g_ptr_array_free(list, TRUE);
    struct store_audit_filter window = {.since_ms = 1500};
    list = store_audit_list(s, &window);
    assert_int_equal(list->len, 1);
    g_ptr_array_free(list, TRUE);
    store_close(s);
}

static void enum_names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(store_state_from_name("ended"), STORE_ENDED);
    assert_string_equal(store_state_name(STORE_SCHEDULED), "scheduled");
    assert_int_equal(store_state_from_name("bogus"), -1);
    assert_int_equal(store_state_from_name(NULL), -1);
    assert_int_equal(store_record_from_name("always"), STORE_RECORD_ALWAYS);
    assert_int_equal(store_recurrence_from_name("weekly"), STORE_RECUR_WEEKLY);
    assert_int_equal(store_role_from_name("operator"), STORE_ROLE_OPERATOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fresh_database_has_latest_schema_in_wal, setup, teardown),
        cmocka_unit_test_setup_teardown(old_database_is_migrated_with_rows_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(recordings_migration_keeps_old_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(recordings_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_database_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(conference_round_trip_and_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(rolled_back_group_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens_and_audit, setup, teardown),
        cmocka_unit_test(enum_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
