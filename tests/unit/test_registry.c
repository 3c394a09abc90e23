/* test_registry.c - the table of who is where (mcu/conference/registry.c): members
 * with their ids, joining and leaving, broadcasts that reach exactly the members of
 * one conference, kicks by conference and id, and the conferences opened and closed at
 * run time. Members here are fakes that write down what they were sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "mcu/conference/registry.h"
#include "mcu/core/config.h"

struct fake {
    struct registry_member *entry;
    GPtrArray *got; /* texts sent to it (copies) */
    int kicks;
    char reason[64];
    char code[32]; /* the bye's code, "-" for none */
};

static void fake_send(void *ctx, const char *text)
{
    struct fake *f = ctx;
    g_ptr_array_add(f->got, g_strdup(text));
}

/* As the session does: `bye`, then out of the conference. */
static void fake_kick(void *ctx, const char *code, const char *reason)
{
    struct fake *f = ctx;
    f->kicks++;
    g_strlcpy(f->reason, reason, sizeof f->reason);
    g_strlcpy(f->code, code ? code : "-", sizeof f->code);
    registry_member_leave(f->entry);
}

static const struct registry_member_ops fake_ops = {.send = fake_send, .kick = fake_kick};

static void fake_init(struct fake *f, struct registry *reg)
{
    f->entry = registry_member_new(reg, &fake_ops, f);
    f->got = g_ptr_array_new_with_free_func(g_free);
    f->kicks = 0;
    f->reason[0] = '\0';
}

static void fake_clear(struct fake *f)
{
    registry_member_free(f->entry);
    g_ptr_array_free(f->got, TRUE);
}

static struct mcu_conference_config file_conferences[] = {
    {.id = (char *)"echo", .type = MCU_CONFERENCE_ECHO, .title = (char *)"Echo"},
    {.id = (char *)"main", .type = MCU_CONFERENCE_MIX, .title = (char *)"Main"},
};
static struct mcu_config config = {.conferences = file_conferences, .conference_count = 2};

static char *text(const char *s) { return strdup(s); } /* broadcasts free() their text */

static void members_join_and_leave(void **state)
{
    (void)state;
    struct registry *reg = registry_new(&config, NULL, NULL);
    struct fake a, b;
    fake_init(&a, reg);
    fake_init(&b, reg);
    assert_string_not_equal(registry_member_id(a.entry), registry_member_id(b.entry));
    assert_int_equal(registry_member_id(a.entry)[0], 'p');
    assert_int_equal(strlen(registry_member_id(a.entry)), 9);
    assert_int_equal(registry_joined_count(reg), 0);
    assert_null(registry_member_settings(a.entry));

    const struct mcu_conference_config *main_conf = registry_find_settings(reg, "main");
    assert_non_null(main_conf);
    assert_ptr_equal(main_conf, &file_conferences[1]);
    assert_null(registry_find_settings(reg, "nope"));
    registry_member_join(a.entry, main_conf);
    registry_member_join(b.entry, registry_find_settings(reg, "echo"));
    assert_int_equal(registry_joined_count(reg), 2);
    assert_int_equal(registry_count_in(reg, "main"), 1);
    assert_int_equal(registry_count_in(reg, "echo"), 1);
    assert_ptr_equal(registry_member_settings(a.entry), main_conf);
    assert_ptr_equal(registry_find_member(reg, "main", registry_member_id(a.entry)), a.entry);
    assert_null(registry_find_member(reg, "echo", registry_member_id(a.entry)));
    assert_null(registry_find_member(reg, "main", "p00000000"));

    /* Joining again moves it; leaving twice is leaving once. */
    registry_member_join(b.entry, main_conf);
    assert_int_equal(registry_count_in(reg, "main"), 2);
    assert_int_equal(registry_count_in(reg, "echo"), 0);
    registry_member_leave(b.entry);
    registry_member_leave(b.entry);
    assert_int_equal(registry_joined_count(reg), 1);
    assert_null(registry_find_member(reg, "main", registry_member_id(b.entry)));

    /* Freed while joined: out of the table too. */
    char id[16];
    g_strlcpy(id, registry_member_id(a.entry), sizeof id);
    fake_clear(&a);
    assert_int_equal(registry_joined_count(reg), 0);
    assert_int_equal(registry_count_in(reg, "main"), 0);
    assert_null(registry_find_member(reg, "main", id));
    fake_clear(&b);
    registry_free(reg);
}

static void broadcast_reaches_exactly_the_conference(void **state)
{
    (void)state;
    struct registry *reg = registry_new(&config, NULL, NULL);
    struct fake m[4];
    for (int i = 0; i < 4; i++) fake_init(&m[i], reg);
    const struct mcu_conference_config *main_conf = registry_find_settings(reg, "main");
    registry_member_join(m[0].entry, main_conf);
    registry_member_join(m[1].entry, main_conf);
    registry_member_join(m[2].entry, registry_find_settings(reg, "echo"));
    /* m[3] is connected, in no conference */

    registry_broadcast(reg, "main", text("{\"type\":\"hello main\"}"), NULL);
    assert_int_equal(m[0].got->len, 1);
    assert_int_equal(m[1].got->len, 1);
    assert_int_equal(m[2].got->len, 0);
    assert_int_equal(m[3].got->len, 0);
    assert_string_equal(m[0].got->pdata[0], "{\"type\":\"hello main\"}");

    registry_broadcast(reg, "main", text("but one"), m[0].entry);
    assert_int_equal(m[0].got->len, 1);
    assert_int_equal(m[1].got->len, 2);
    assert_string_equal(m[1].got->pdata[1], "but one");

    registry_broadcast(reg, "echo", text("echo"), NULL);
    registry_broadcast(reg, "nobody-here", text("lost"), NULL);
    registry_broadcast(reg, "main", NULL, NULL); /* a failed event: nothing */
    assert_int_equal(m[0].got->len, 1);
    assert_int_equal(m[1].got->len, 2);
    assert_int_equal(m[2].got->len, 1);
    assert_int_equal(m[3].got->len, 0);

    /* After leaving, nothing more. */
    registry_member_leave(m[1].entry);
    registry_broadcast(reg, "main", text("after"), NULL);
    assert_int_equal(m[0].got->len, 2);
    assert_int_equal(m[1].got->len, 2);
    for (int i = 0; i < 4; i++) fake_clear(&m[i]);
    registry_free(reg);
}

static void kick_by_conference_and_id(void **state)
{
    (void)state;
    struct registry *reg = registry_new(&config, NULL, NULL);
    struct fake a, b;
    fake_init(&a, reg);
    fake_init(&b, reg);
    registry_member_join(a.entry, registry_find_settings(reg, "main"));
    registry_member_join(b.entry, registry_find_settings(reg, "main"));
    assert_int_equal(registry_kick(reg, "echo", registry_member_id(a.entry), "x"), -1);
    assert_int_equal(registry_kick(reg, "main", "p12345678", "x"), -1);
    assert_int_equal(a.kicks, 0);
    assert_int_equal(
        registry_kick(reg, "main", registry_member_id(a.entry), "removed by an operator"), 0);
    assert_int_equal(a.kicks, 1);
    assert_string_equal(a.reason, "removed by an operator");
    assert_string_equal(a.code, "removed");
    assert_null(registry_member_settings(a.entry));
    assert_int_equal(b.kicks, 0);
    assert_int_equal(registry_count_in(reg, "main"), 1);
    assert_int_equal(registry_kick(reg, "main", registry_member_id(a.entry), "again"), -1);
    fake_clear(&a);
    fake_clear(&b);
    registry_free(reg);
}

static void conferences_opened_at_run_time(void **state)
{
    (void)state;
    struct registry *reg = registry_new(&config, NULL, NULL);
    struct mcu_conference_config open = {.id = (char *)"weekly",
                                         .type = MCU_CONFERENCE_MIX,
                                         .title = (char *)"Weekly",
                                         .layout = (char *)"1+5",
                                         .width = 1280};
    assert_int_equal(registry_open_settings(reg, &open), 0);
    const struct mcu_conference_config *s = registry_find_settings(reg, "weekly");
    assert_non_null(s);
    assert_ptr_not_equal(s, &open); /* a copy */
    assert_string_equal(s->title, "Weekly");
    /* A config file conference's id is not for run-time conferences. */
    struct mcu_conference_config clash = {.id = (char *)"main", .title = (char *)"x"};
    assert_int_equal(registry_open_settings(reg, &clash), -1);
    assert_string_equal(registry_find_settings(reg, "main")->title, "Main");

    /* New settings while nobody is in: taken. */
    open.title = (char *)"Weekly 2";
    assert_int_equal(registry_open_settings(reg, &open), 0);
    s = registry_find_settings(reg, "weekly");
    assert_string_equal(s->title, "Weekly 2");

    /* While someone is in, the settings it joined with stay. */
    struct fake a, b, outside;
    fake_init(&a, reg);
    fake_init(&b, reg);
    fake_init(&outside, reg);
    registry_member_join(a.entry, s);
    registry_member_join(b.entry, s);
    registry_member_join(outside.entry, registry_find_settings(reg, "main"));
    open.title = (char *)"Weekly 3";
    assert_int_equal(registry_open_settings(reg, &open), 0);
    assert_ptr_equal(registry_find_settings(reg, "weekly"), s);
    assert_string_equal(s->title, "Weekly 2");

    /* Closing kicks exactly its members, then it is gone. */
    registry_close_settings(reg, "weekly", "the conference has ended");
    assert_int_equal(a.kicks, 1);
    assert_int_equal(b.kicks, 1);
    assert_string_equal(b.reason, "the conference has ended");
    assert_string_equal(b.code, "conference_ended"); /* not a failure of the room */
    assert_int_equal(outside.kicks, 0);
    assert_null(registry_find_settings(reg, "weekly"));
    assert_int_equal(registry_count_in(reg, "weekly"), 0);
    assert_int_equal(registry_joined_count(reg), 1);
    registry_close_settings(reg, "weekly", "twice");      /* nothing */
    registry_close_settings(reg, "main", "not run-time"); /* config file's: stays */
    assert_int_equal(outside.kicks, 0);
    assert_non_null(registry_find_settings(reg, "main"));
    assert_null(registry_running(reg, "main"));
    fake_clear(&a);
    fake_clear(&b);
    fake_clear(&outside);
    registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(members_join_and_leave),
        cmocka_unit_test(broadcast_reaches_exactly_the_conference),
        cmocka_unit_test(kick_by_conference_and_id),
        cmocka_unit_test(conferences_opened_at_run_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
