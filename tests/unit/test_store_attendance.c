/* test_store_attendance.c - the attendance table (mcu/store/store_attendance.c): a
 * version 5 database migrates to 6 with the table; stays round-trip in join order, a
 * room that rejoins has one row per stay, a leave ends only the open one (a second
 * leave is STORE_NOT_FOUND, as is a leave of someone never in); filters by
 * occurrence and by overlap with [since, until); a leave before the join is clamped
 * to the join; close_open ends what a crash left open, and only that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/store/store.h"
#include "mcu/store/store_internal.h"

struct fixture {
    char dir[64];
    char path[128];
    char err[256];
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_store_attendance.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/" STORE_FILE_NAME, f->dir);
    f->store = store_open(f->path, f->err, sizeof f->err);
    *state = f;
    return f->store ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

static void join(struct store *s, const char *conference, int occurrence, const char *pid,
                 const char *room, int64_t at)
{
    struct store_stay stay = {
        .conference_id = (char *)conference,
        .occurrence = occurrence,
        .participant_id = (char *)pid,
        .room = (char *)room,
        .joined_ms = at,
    };
    int64_t id = 0;
    assert_int_equal(store_attendance_join(s, &stay, &id), STORE_OK);
    assert_true(id > 0);
}

static const struct store_stay *stay_at(GPtrArray *list, guint i)
{
    assert_true(i < list->len);
    return list->pdata[i];
}

static void version_5_migrates_to_attendance(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    f->store = NULL;
    char old[160];
    snprintf(old, sizeof old, "%s/old.db", f->dir);
    struct store *s = store_open_raw(old, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_migrate(s, 5, f->err, sizeof f->err), 0);
    assert_int_equal(store_schema_version(s), 5);
    store_close(s);
    s = store_open(old, f->err, sizeof f->err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), 6);
    join(s, "c", 1, "p1", "Huế", 1000);
    GPtrArray *list = store_attendance_list(s, "c", NULL);
    assert_int_equal(list->len, 1);
    g_ptr_array_free(list, TRUE);
    store_close(s);
}

static void stays_round_trip_and_rejoin(void **state)
{
    struct store *s = ((struct fixture *)*state)->store;
    join(s, "giao-ban", 2, "p1", "Hà Nội", 10000);
    join(s, "giao-ban", 2, "p2", "Huế", 12000);
    join(s, "other", 1, "p9", "Elsewhere", 11000);
    assert_int_equal(store_attendance_leave(s, "giao-ban", "p2", 20000, "connection closed"),
                     STORE_OK);
    /* Huế comes back with a new connection (a new participant id). */
    join(s, "giao-ban", 2, "p3", "Huế", 25000);
    assert_int_equal(store_attendance_leave(s, "giao-ban", "p2", 30000, "left"), STORE_NOT_FOUND);
    assert_int_equal(store_attendance_leave(s, "giao-ban", "p7", 30000, "left"), STORE_NOT_FOUND);
    assert_int_equal(store_attendance_leave(s, "other", "p1", 30000, "left"), STORE_NOT_FOUND);
    /* A clock that stepped back: the stay ends at its join, never before. */
    assert_int_equal(store_attendance_leave(s, "giao-ban", "p3", 24000, "removed by the operator"),
                     STORE_OK);

    GPtrArray *list = store_attendance_list(s, "giao-ban", NULL);
    assert_int_equal(list->len, 3);
    assert_string_equal(stay_at(list, 0)->room, "Hà Nội");
    assert_int_equal(stay_at(list, 0)->left_ms, 0);
    assert_string_equal(stay_at(list, 0)->reason, "");
    assert_int_equal(stay_at(list, 0)->occurrence, 2);
    assert_string_equal(stay_at(list, 1)->participant_id, "p2");
    assert_int_equal(stay_at(list, 1)->joined_ms, 12000);
    assert_int_equal(stay_at(list, 1)->left_ms, 20000);
    assert_string_equal(stay_at(list, 1)->reason, "connection closed");
    assert_string_equal(stay_at(list, 2)->participant_id, "p3");
    assert_string_equal(stay_at(list, 2)->room, "Huế");
    assert_int_equal(stay_at(list, 2)->left_ms, 25000);
    assert_string_equal(stay_at(list, 2)->reason, "removed by the operator");
    g_ptr_array_free(list, TRUE);

    list = store_attendance_list(s, "nobody-here", NULL);
    assert_int_equal(list->len, 0);
    g_ptr_array_free(list, TRUE);
}

static void filters_by_occurrence_and_time(void **state)
{
    struct store *s = ((struct fixture *)*state)->store;
    join(s, "c", 1, "p1", "A", 1000);
    assert_int_equal(store_attendance_leave(s, "c", "p1", 2000, "left"), STORE_OK);
    join(s, "c", 2, "p2", "B", 5000);
    assert_int_equal(store_attendance_leave(s, "c", "p2", 8000, "left"), STORE_OK);
    join(s, "c", 2, "p3", "C", 9000); /* still in */

    struct store_attendance_filter by_occurrence = {.occurrence = 2};
    GPtrArray *list = store_attendance_list(s, "c", &by_occurrence);
    assert_int_equal(list->len, 2);
    assert_string_equal(stay_at(list, 0)->room, "B");
    g_ptr_array_free(list, TRUE);

    /* [3000, 6000): B overlaps; A ended before, C joined after. */
    struct store_attendance_filter window = {.occurrence = -1, .since_ms = 3000, .until_ms = 6000};
    list = store_attendance_list(s, "c", &window);
    assert_int_equal(list->len, 1);
    assert_string_equal(stay_at(list, 0)->room, "B");
    g_ptr_array_free(list, TRUE);

    /* Since 8500: B ended before; C is still in, so it counts. */
    struct store_attendance_filter since = {.occurrence = -1, .since_ms = 8500};
    list = store_attendance_list(s, "c", &since);
    assert_int_equal(list->len, 1);
    assert_string_equal(stay_at(list, 0)->room, "C");
    g_ptr_array_free(list, TRUE);
}

static void close_open_ends_only_open_stays(void **state)
{
    struct store *s = ((struct fixture *)*state)->store;
    join(s, "c", 1, "p1", "A", 1000);
    assert_int_equal(store_attendance_leave(s, "c", "p1", 2000, "left"), STORE_OK);
    join(s, "c", 1, "p2", "B", 3000);
    join(s, "d", 1, "p3", "C", 4000);
    assert_int_equal(store_attendance_close_open(s, 9000, "mcud stopped"), 2);
    assert_int_equal(store_attendance_close_open(s, 9500, "mcud stopped"), 0);
    GPtrArray *list = store_attendance_list(s, "c", NULL);
    assert_int_equal(list->len, 2);
    assert_int_equal(stay_at(list, 0)->left_ms, 2000);
    assert_string_equal(stay_at(list, 0)->reason, "left");
    assert_int_equal(stay_at(list, 1)->left_ms, 9000);
    assert_string_equal(stay_at(list, 1)->reason, "mcud stopped");
    g_ptr_array_free(list, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(version_5_migrates_to_attendance, setup, teardown),
        cmocka_unit_test_setup_teardown(stays_round_trip_and_rejoin, setup, teardown),
        cmocka_unit_test_setup_teardown(filters_by_occurrence_and_time, setup, teardown),
        cmocka_unit_test_setup_teardown(close_open_ends_only_open_stays, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
