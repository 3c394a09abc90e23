/* test_conference_settings.c - the one conference-settings schema
 * (mcu/core/conference_settings.c): one table of good and bad values driven through
 * both the config-file path (mcu_config_load() on a [conference ID] group in a temp
 * file) and the REST path (api_conference_apply(), what POST/PATCH
 * /api/v1/conferences run), expecting the same verdict and, where both name the same
 * schema field, the same message. Also: titles are counted in characters (a
 * 138-character Vietnamese title of more than 200 bytes is accepted, 201 characters
 * are not), the table is consistent, mcud --help lists every key, and mcuctl's flag
 * table (client/ctl/conference_flags.h) matches the schema's keys and rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib.h>
#include <jansson.h>

#include "mixer/video/layout.h"

#include "client/ctl/conference_flags.h"
#include "mcu/control/control_internal.h"
#include "mcu/core/conference_settings.h"
#include "mcu/core/config.h"

/* One value: a line of a [conference t] group (type=mix), the same value as a REST
 * body, and whether it is good. */
struct row {
    const char *file;
    const char *json;
    bool ok;
};

static const struct row rows[] = {
    {"title=Giao ban", "{\"title\": \"Giao ban\"}", true},
    {"title=Giao ban Sở Y tế", "{\"title\": \"Giao ban Sở Y tế\"}", true},
    {"title=", "{\"title\": \"\"}", false},
    {"title=a\\tb", "{\"title\": \"a\\tb\"}", false},
    {"pin=4321", "{\"pin\": \"4321\"}", true},
    {"pin=123456789012", "{\"pin\": \"123456789012\"}", true},
    {"pin=12", "{\"pin\": \"12\"}", false},
    {"pin=12a4", "{\"pin\": \"12a4\"}", false},
    {"pin=1234567890123", "{\"pin\": \"1234567890123\"}", false},
    {"host-required=false", "{\"host_required\": false}", true},
    {"host-required=maybe", "{\"host_required\": \"maybe\"}", false},
    {"fps=5", "{\"canvas\": {\"fps\": 5}}", true},
    {"fps=60", "{\"canvas\": {\"fps\": 60}}", true},
    {"fps=4", "{\"canvas\": {\"fps\": 4}}", false},
    {"fps=61", "{\"canvas\": {\"fps\": 61}}", false},
    {"size=640x360", "{\"canvas\": {\"width\": 640, \"height\": 360}}", true},
    {"size=1920x1080", "{\"canvas\": {\"width\": 1920, \"height\": 1080}}", true},
    {"size=160x90", "{\"canvas\": {\"width\": 160, \"height\": 90}}", true},
    {"size=641x360", "{\"canvas\": {\"width\": 641, \"height\": 360}}", false},
    {"size=1922x1080", "{\"canvas\": {\"width\": 1922, \"height\": 1080}}", false},
    {"size=640x1082", "{\"canvas\": {\"width\": 640, \"height\": 1082}}", false},
    {"size=158x90", "{\"canvas\": {\"width\": 158, \"height\": 90}}", false},
    {"max-participants=1", "{\"max_participants\": 1}", true},
    {"max-participants=64", "{\"max_participants\": 64}", true},
    {"max-participants=0", "{\"max_participants\": 0}", false},
    {"max-participants=65", "{\"max_participants\": 65}", false},
    {"layout=3x3", "{\"layout\": \"3x3\"}", true},
    {"layout=speaker+4", "{\"layout\": \"speaker+4\"}", true},
    {"layout={\"cells\":[{\"x\":0,\"y\":0,\"w\":1,\"h\":1}]}",
     "{\"layout\": \"{\\\"cells\\\":[{\\\"x\\\":0,\\\"y\\\":0,\\\"w\\\":1,\\\"h\\\":1}]}\"}", true},
    {"layout=6x6", "{\"layout\": \"6x6\"}", false},
    {"layout={\"cells\":[]}", "{\"layout\": \"{\\\"cells\\\":[]}\"}", false},
    {"codecs=vp8", "{\"codecs\": [\"vp8\"]}", true},
    {"codecs=h264;vp8", "{\"codecs\": [\"h264\", \"vp8\"]}", true},
    {"codecs=VP8", "{\"codecs\": [\"VP8\"]}", true},
    {"codecs=vp9", "{\"codecs\": [\"vp9\"]}", false},
    {"codecs=", "{\"codecs\": []}", false},
    {"record=off", "{\"record\": \"off\"}", true},
    {"record=manual", "{\"record\": \"manual\"}", true},
    {"record=always", "{\"record\": \"always\"}", true},
    {"record=yes", "{\"record\": \"yes\"}", true},
    {"record=sometimes", "{\"record\": \"sometimes\"}", false},
};

struct verdict {
    bool ok;
    char message[512]; /* config: the whole error; REST: the one field error's text */
    char name[64];     /* REST: the field named */
};

static char dir[64], path[128];

static int setup(void **state)
{
    strcpy(dir, "/tmp/test_conference_settings.XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/mcud.conf", dir);
    *state = NULL;
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    rmdir(dir);
    return 0;
}

static void through_file(const char *line, struct verdict *v)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[conference t]\ntype=mix\n%s\n", line);
    fclose(fp);
    char *argv[] = {"mcud", "--config", path, NULL};
    struct mcu_config cfg;
    v->message[0] = '\0';
    int rc = mcu_config_load(3, argv, &cfg, v->message, sizeof v->message);
    assert_true(rc == 0 || rc == -1);
    v->ok = rc == 0;
    if (v->ok) mcu_config_clear(&cfg);
}

static void through_rest(const char *body_text, struct verdict *v)
{
    struct mcu_conference_config echo = {.id = (char *)MCU_CONFIG_ECHO_ID, .title = (char *)"echo"};
    struct mcu_config config = {.conferences = &echo, .conference_count = 1};
    struct control control = {.config = &config};
    json_error_t jerr;
    json_t *body = json_loads(body_text, 0, &jerr);
    if (!body) fail_msg("bad test JSON %s: %s", body_text, jerr.text);
    struct store_conference c;
    api_conference_defaults(&c);
    c.id = g_strdup("t");
    c.title = g_strdup("Giao ban");
    GPtrArray *rooms = NULL;
    json_t *errors = json_object();
    api_conference_apply(&control, body, &c, false, &rooms, errors);
    v->ok = json_object_size(errors) == 0;
    v->name[0] = v->message[0] = '\0';
    const char *key;
    json_t *why;
    json_object_foreach(errors, key, why)
    {
        assert_int_equal(json_object_size(errors), 1); /* one value, one error */
        snprintf(v->name, sizeof v->name, "%s", key);
        snprintf(v->message, sizeof v->message, "%s", json_string_value(why));
    }
    if (rooms) g_ptr_array_free(rooms, TRUE);
    json_decref(errors);
    json_decref(body);
    store_conference_clear(&c);
}

/* Both paths, one verdict; where the file's key and the REST name are the same schema
 * field, the file's message carries the REST message and names the key. */
static void check_row(const char *file, const char *json, bool ok)
{
    struct verdict f, r;
    through_file(file, &f);
    through_rest(json, &r);
    if (f.ok != ok)
        fail_msg("config file: '%s' %s: %s", file, ok ? "refused" : "accepted", f.message);
    if (r.ok != ok)
        fail_msg("REST: %s %s: %s %s", json, ok ? "refused" : "accepted", r.name, r.message);
    if (ok) return;
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)strcspn(file, "="), file);
    if (!strstr(f.message, key)) fail_msg("config error '%s' does not name %s", f.message, key);
    const struct conference_field *by_key = conference_field_by_key(key);
    assert_non_null(by_key);
    assert_non_null(conference_field_by_json(r.name));
    if (by_key == conference_field_by_json(r.name) && !strstr(f.message, r.message))
        fail_msg("config error '%s' and REST error '%s' differ", f.message, r.message);
}

static void test_same_verdicts(void **state)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(rows[i].file, rows[i].json, rows[i].ok);
}

/* 138 characters, 202 bytes: refused by the REST API while it counted bytes. */
static const char title_138[] =
    "Hội nghị “Đổi mới y tế cơ sở” – Sở Y tế Hà Tĩnh, Đắk Lắk, Quảng Trị, Thừa "
    "Thiên Huế; Bộ Y tế chủ trì – điều trị, dự phòng, tiêm chủng – Sở";

/* Vietnamese text of exactly n characters. */
static char *vietnamese(long n)
{
    if (n == 138) return g_strdup(title_138);
    const char *words =
        "Hội nghị giao ban trực tuyến của Sở Y tế với các bệnh viện tuyến tỉnh và trung tâm y tế huyện ";
    GString *s = g_string_new(NULL);
    while (g_utf8_strlen(s->str, -1) < n) g_string_append(s, words);
    char *cut = g_utf8_substring(s->str, 0, n);
    g_string_free(s, TRUE);
    if (cut[strlen(cut) - 1] == ' ') cut[strlen(cut) - 1] = '.'; /* the file strips blanks */
    return cut;
}

static void test_title_in_characters(void **state)
{
    static const long lengths[] = {138, 200, 201};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        long n = lengths[i];
        char *title = vietnamese(n);
        assert_int_equal(g_utf8_strlen(title, -1), n);
        assert_true(strlen(title) > 200); /* more bytes than characters */
        char *file = g_strdup_printf("title=%s", title);
        json_t *j = json_pack("{s:s}", "title", title);
        char *body = json_dumps(j, 0);
        check_row(file, body, n <= CONFERENCE_TITLE_MAX);
        free(body);
        json_decref(j);
        g_free(file);
        g_free(title);
    }
    assert_true(conference_text_valid("Hà Nội", 1, 6));
    assert_false(conference_text_valid("Hà Nội", 1, 5));
    assert_false(conference_text_valid("H\xc3", 1, 200));    /* cut UTF-8 */
    assert_false(conference_text_valid("\xff\xfe", 1, 200)); /* not UTF-8 */
    assert_false(conference_text_valid("a\x7f", 1, 200));
}

static void test_table(void **state)
{
    char rule[CONFERENCE_RULE_MAX];
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++) {
        const struct conference_field *f = &conference_fields[i];
        assert_int_equal(f->id, i);
        assert_true(f->key || f->json);
        assert_non_null(f->help);
        if (f->key) assert_ptr_equal(conference_field_by_key(f->key), f);
        if (f->json) assert_ptr_equal(conference_field_by_json(f->json), f);
        conference_field_rule(f, rule, sizeof rule);
        assert_true(strncmp(rule, "must be ", 8) == 0);
    }
    conference_field_rule(&conference_fields[CONFERENCE_FIELD_TITLE], rule, sizeof rule);
    assert_string_equal(rule, "must be 1..200 characters without control characters");
    /* mcud --help lists every key with its rule */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    mcu_config_usage(mem, "mcud");
    fclose(mem);
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++) {
        const struct conference_field *f = &conference_fields[i];
        if (!f->key) continue;
        conference_field_rule(f, rule, sizeof rule);
        if (!strstr(text, f->key) || !strstr(text, rule + 8))
            fail_msg("mcud --help lacks %s (%s)", f->key, rule);
    }
    free(text);
}

/* mcuctl cannot link the schema: its flag table is checked against it here. */
#define CTL_ROW(flag, arg, key, help, rule) {flag, key, rule},
static const struct {
    const char *flag, *key, *rule;
} ctl_rows[] = {CTL_CONFERENCE_SETTINGS(CTL_ROW)};

static void test_mcuctl_flags(void **state)
{
    char rule[CONFERENCE_RULE_MAX];
    for (size_t i = 0; i < sizeof ctl_rows / sizeof ctl_rows[0]; i++) {
        const struct conference_field *f = conference_field_by_key(ctl_rows[i].key);
        if (!f) fail_msg("mcuctl --%s: no schema key %s", ctl_rows[i].flag, ctl_rows[i].key);
        conference_field_rule(f, rule, sizeof rule);
        if (strcmp(rule + strlen("must be "), ctl_rows[i].rule) != 0)
            fail_msg("mcuctl --%s says '%s', the schema '%s'", ctl_rows[i].flag, ctl_rows[i].rule,
                     rule);
    }
}

/* `layout set X speaker+40` says which N is allowed, from LAYOUT_MAX_THUMBNAILS. */
static void test_layout_rule_names_n(void **state)
{
    (void)state;
    char why[CONFERENCE_RULE_MAX], want[64], name[32];
    snprintf(want, sizeof want, "speaker+N (N from 1 to %d)", LAYOUT_MAX_THUMBNAILS);
    assert_false(conference_layout_valid("speaker+40", 1280, 720, why, sizeof why));
    if (!strstr(why, want)) fail_msg("speaker+40 refused with '%s', not naming '%s'", why, want);
    snprintf(name, sizeof name, "speaker+%d", LAYOUT_MAX_THUMBNAILS);
    assert_true(conference_layout_valid(name, 1280, 720, why, sizeof why));
    snprintf(name, sizeof name, "speaker+%d", LAYOUT_MAX_THUMBNAILS + 1);
    assert_false(conference_layout_valid(name, 1280, 720, why, sizeof why));
    assert_false(conference_layout_valid("speaker+0", 1280, 720, why, sizeof why));
    assert_true(conference_layout_valid("presentation", 1280, 720, why, sizeof why));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_verdicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_in_characters, setup, teardown),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_mcuctl_flags),
        cmocka_unit_test(test_layout_rule_names_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
