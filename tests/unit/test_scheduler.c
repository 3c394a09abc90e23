/* test_scheduler.c - schedule time math (mcu/control/schedule.c) and the scheduler
 * (mcu/control/scheduler.c) on a real store with a fake clock: ISO times with and without
 * offsets, durations, daily/weekly occurrences at the same wall-clock time across a
 * DST change, count and until; a conference opens at its start (joinable from the
 * early-join time), is warned five minutes before its end and ends; a recurring one
 * moves to its next occurrence; a restart (a new scheduler on the same database, as
 * after kill -9) neither loses nor repeats anything; missed occurrences are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mcu/control/schedule.h"
#include "mcu/control/scheduler.h"
#include "mcu/store/store.h"

struct fixture {
    char dir[64];
    char path[128];
    char err[256];
    struct store *store;
    /* what the hooks saw */
    int opens, closes, warns, transitions;
    char last_close_reason[64];
};

static void on_open(void *owner, const struct store_conference *c)
{
    (void)c;
    ((struct fixture *)owner)->opens++;
}
static void on_close(void *owner, const char *id, const char *reason)
{
    (void)id;
    struct fixture *f = owner;
    f->closes++;
    snprintf(f->last_close_reason, sizeof f->last_close_reason, "%s", reason);
}
static void on_warn(void *owner, const struct store_conference *c, int64_t end)
{
    (void)c;
    (void)end;
    ((struct fixture *)owner)->warns++;
}
static void on_transition(void *owner, const struct store_conference *c,
                          enum store_conference_state from, int occ)
{
    (void)c;
    (void)from;
    (void)occ;
    ((struct fixture *)owner)->transitions++;
}
static const struct scheduler_hooks hooks = {on_open, on_close, on_warn, on_transition};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_scheduler.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/" STORE_FILE_NAME, f->dir);
    f->store = store_open(f->path, f->err, sizeof f->err);
    if (!f->store) return -1;
    *state = f;
    return 0;
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

static void insert(struct fixture *f, const char *id, int64_t start, int64_t duration,
                   enum store_recurrence rec, int count)
{
    struct store_conference c = {0};
    c.id = (char *)id;
    c.title = (char *)"t";
    c.layout = (char *)"2x2";
    c.width = 1280;
    c.height = 720;
    c.fps = 30;
    c.allow_vp8 = true;
    c.max_participants = 4;
    c.start = start;
    c.duration = duration;
    c.timezone = (char *)"Asia/Ho_Chi_Minh";
    c.early_join_minutes = 10;
    c.recurrence = rec;
    c.recur_count = count;
    c.state = STORE_SCHEDULED;
    assert_int_equal(store_conference_insert(f->store, &c), STORE_OK);
}

static struct store_conference get(struct fixture *f, const char *id)
{
    struct store_conference c;
    assert_int_equal(store_conference_get(f->store, id, &c), STORE_OK);
    return c;
}

static enum store_conference_state state_of(struct fixture *f, const char *id)
{
    struct store_conference c = get(f, id);
    enum store_conference_state s = c.state;
    store_conference_clear(&c);
    return s;
}

static void times_and_durations(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(schedule_parse_time("2025-03-01T09:00:00+07:00", "UTC", &t), 0);
    assert_int_equal(t, 1740794400);
    assert_int_equal(schedule_parse_time("2025-03-01T09:00", "Asia/Ho_Chi_Minh", &t), 0);
    assert_int_equal(t, 1740794400);
    assert_int_equal(schedule_parse_time("2025-03-01 02:00:00", "UTC", &t), 0);
    assert_int_equal(t, 1740794400);
    assert_int_equal(schedule_parse_time("2025-03-01Z", "UTC", &t), -1);
    assert_int_equal(schedule_parse_time("tomorrow", "UTC", &t), -1);
    assert_int_equal(schedule_parse_time("2025-02-30T09:00", "UTC", &t), -1);
    assert_int_equal(schedule_parse_time("2025-03-01T09:00", "Mars/Olympus", &t), -1);
    char *text = schedule_format_time(1740794400, "Asia/Ho_Chi_Minh");
    assert_string_equal(text, "2025-03-01T09:00:00+07:00");
    g_free(text);
    assert_true(schedule_timezone_valid("Europe/Berlin"));
    assert_false(schedule_timezone_valid("Not/AZone"));
    assert_false(schedule_timezone_valid(""));

    int64_t d;
    assert_int_equal(schedule_parse_duration("90m", &d), 0);
    assert_int_equal(d, 5400);
    assert_int_equal(schedule_parse_duration("1h30m", &d), 0);
    assert_int_equal(d, 5400);
    assert_int_equal(schedule_parse_duration("6s", &d), 0);
    assert_int_equal(d, 6);
    assert_int_equal(schedule_parse_duration("120", &d), 0);
    assert_int_equal(d, 120);
    assert_int_equal(schedule_parse_duration("1h30", &d), -1);
    assert_int_equal(schedule_parse_duration("0m", &d), -1);
    assert_int_equal(schedule_parse_duration("-5m", &d), -1);
    assert_int_equal(schedule_parse_duration("90x", &d), -1);
    assert_int_equal(schedule_parse_duration("40d", &d), -1);
    assert_int_equal(schedule_parse_duration("", &d), -1);
}

static void occurrences_keep_wall_clock_time(void **state)
{
    (void)state;
    struct store_conference c = {0};
    c.timezone = (char *)"Europe/Berlin";
    /* Friday 2025-03-28 09:00 CET; the clocks go forward on Sunday the 30th. */
    assert_int_equal(schedule_parse_time("2025-03-28T09:00", c.timezone, &c.start), 0);
    c.duration = 3600;
    c.recurrence = STORE_RECUR_DAILY;
    c.recur_count = 3;
    struct schedule_window w;
    assert_true(schedule_occurrence(&c, 2, &w));
    char *text = schedule_format_time(w.start, c.timezone);
    assert_string_equal(text, "2025-03-30T09:00:00+02:00");
    g_free(text);
    assert_int_equal(w.end - w.start, 3600);
    assert_false(schedule_occurrence(&c, 3, &w)); /* count */

    c.recurrence = STORE_RECUR_WEEKLY;
    c.recur_count = 0;
    assert_int_equal(schedule_parse_time("2025-04-11T09:00", c.timezone, &c.recur_until), 0);
    assert_true(schedule_occurrence(&c, 2, &w));
    assert_false(schedule_occurrence(&c, 3, &w)); /* after until */

    c.recurrence = STORE_RECUR_NONE;
    c.duration = 0;
    assert_true(schedule_occurrence(&c, 0, &w));
    assert_int_equal(w.end, SCHEDULE_FOREVER);
    assert_false(schedule_occurrence(&c, 1, &w));
}

static void conference_opens_warns_and_ends_on_time(void **state)
{
    struct fixture *f = *state;
    const int64_t t0 = 1800000000;
    insert(f, "once", t0 + 1000, 600, STORE_RECUR_NONE, 0);
    struct scheduler *s = scheduler_new(f->store, &hooks, f);

    int64_t due = scheduler_step(s, t0);
    assert_int_equal(due, t0 + 1000 - 600); /* early join */
    assert_int_equal(f->opens, 0);
    assert_int_equal(scheduler_step(s, due), t0 + 1000);
    assert_int_equal(f->opens, 1); /* joinable, still scheduled */
    assert_true(scheduler_is_joinable(s, "once"));
    assert_int_equal(state_of(f, "once"), STORE_SCHEDULED);

    due = scheduler_step(s, t0 + 1000);
    assert_int_equal(state_of(f, "once"), STORE_OPEN);
    assert_int_equal(due, t0 + 1600 - SCHEDULER_WARN_BEFORE_END);
    assert_int_equal(f->opens, 1);
    due = scheduler_step(s, due);
    assert_int_equal(f->warns, 1);
    assert_int_equal(due, t0 + 1600);
    scheduler_step(s, t0 + 1599);
    assert_int_equal(f->warns, 1); /* once */
    due = scheduler_step(s, t0 + 1600);
    assert_int_equal(state_of(f, "once"), STORE_ENDED);
    assert_int_equal(f->closes, 1);
    assert_string_equal(f->last_close_reason, "conference ended");
    assert_int_equal(due, INT64_MAX);
    assert_int_equal(f->transitions, 2);
    scheduler_free(s);
}

static void restart_neither_loses_nor_repeats(void **state)
{
    struct fixture *f = *state;
    const int64_t t0 = 1800000000;
    insert(f, "weekly", t0, 3600, STORE_RECUR_WEEKLY, 3);
    struct scheduler *s = scheduler_new(f->store, &hooks, f);
    scheduler_step(s, t0 + 10);
    assert_int_equal(state_of(f, "weekly"), STORE_OPEN);
    scheduler_free(s); /* "kill -9" */

    /* Back during the same occurrence: open again for the rest of it. */
    s = scheduler_new(f->store, &hooks, f);
    scheduler_step(s, t0 + 20);
    assert_int_equal(state_of(f, "weekly"), STORE_OPEN);
    assert_int_equal(f->opens, 2);
    assert_int_equal(f->transitions, 1); /* no second scheduled -> open */
    scheduler_step(s, t0 + 3600);
    struct store_conference c = get(f, "weekly");
    assert_int_equal(c.state, STORE_SCHEDULED);
    assert_int_equal(c.occurrence, 1);
    store_conference_clear(&c);
    scheduler_free(s);

    /* Down through the whole second occurrence: it is skipped, the third runs. */
    s = scheduler_new(f->store, &hooks, f);
    int64_t week = 7 * 86400;
    scheduler_step(s, t0 + week + 4000);
    c = get(f, "weekly");
    assert_int_equal(c.state, STORE_SCHEDULED);
    assert_int_equal(c.occurrence, 2);
    store_conference_clear(&c);
    scheduler_step(s, t0 + 2 * week + 1);
    assert_int_equal(state_of(f, "weekly"), STORE_OPEN);
    scheduler_step(s, t0 + 2 * week + 3600);
    assert_int_equal(state_of(f, "weekly"), STORE_ENDED);
    scheduler_free(s);

    /* And an ended one never opens again. */
    int opens = f->opens;
    s = scheduler_new(f->store, &hooks, f);
    assert_int_equal(scheduler_step(s, t0 + 2 * week + 4000), INT64_MAX);
    assert_int_equal(f->opens, opens);
    scheduler_free(s);
}

static void end_now_and_delete(void **state)
{
    struct fixture *f = *state;
    const int64_t t0 = 1800000000;
    insert(f, "daily", t0, 3600, STORE_RECUR_DAILY, 0);
    insert(f, "adhoc", t0, 0, STORE_RECUR_NONE, 0);
    struct scheduler *s = scheduler_new(f->store, &hooks, f);
    scheduler_step(s, t0 + 5);
    assert_int_equal(f->opens, 2);
    assert_int_equal(state_of(f, "adhoc"), STORE_OPEN);

    struct store_conference c = get(f, "daily");
    assert_int_equal(scheduler_end_now(s, &c, t0 + 6), STORE_OK);
    store_conference_clear(&c);
    c = get(f, "daily");
    assert_int_equal(c.state, STORE_SCHEDULED); /* the next day's */
    assert_int_equal(c.occurrence, 1);
    store_conference_clear(&c);
    assert_false(scheduler_is_joinable(s, "daily"));
    assert_string_equal(f->last_close_reason, "conference ended by an operator");

    c = get(f, "adhoc");
    assert_int_equal(scheduler_end_now(s, &c, t0 + 7), STORE_OK);
    store_conference_clear(&c);
    assert_int_equal(state_of(f, "adhoc"), STORE_ENDED);

    /* A deleted conference that was joinable is closed at the next step. */
    scheduler_step(s, t0 + 86400 - 60);
    assert_true(scheduler_is_joinable(s, "daily"));
    assert_int_equal(store_conference_delete(f->store, "daily"), STORE_OK);
    scheduler_step(s, t0 + 86400 - 59);
    assert_false(scheduler_is_joinable(s, "daily"));
    assert_string_equal(f->last_close_reason, "conference deleted");
    scheduler_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(times_and_durations),
        cmocka_unit_test(occurrences_keep_wall_clock_time),
        cmocka_unit_test_setup_teardown(conference_opens_warns_and_ends_on_time, setup, teardown),
        cmocka_unit_test_setup_teardown(restart_neither_loses_nor_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(end_now_and_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
