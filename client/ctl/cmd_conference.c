/* cmd_conference.c - mcuctl conference create|list|show|update|delete|end|lock|
 * unlock|room-token|host-token: /api/v1/conferences. */
#include "client/ctl/ctl.h"
#include "client/ctl/conference_flags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAST_START_LIMIT_S 86400 /* a --start further back needs --force */

#define SETTING_OPT(flag, arg, key, help, rule)  {flag, arg, help ": " rule},
#define SETTING_RULE(flag, arg, key, help, rule) {flag, rule},

static const struct ctl_opt settings_opts[] = {
    CTL_CONFERENCE_SETTINGS(SETTING_OPT){
        "id", "ID", "the conference id (a-z, 0-9, -; create only; default: generated)"},
    {"no-pin", NULL, "remove the PIN (update)"},
    {"host-required", NULL, "media flows only while the host room is in (gives a host link)"},
    {"no-host-required", NULL, "media flows without the host (update)"},
    {"start", "TIME",
     "now, +10m, 2025-03-01 09:00 (in the conference's time zone) or ISO 8601 with an offset"},
    {"force", NULL, "accept a --start more than a day in the past (a mistyped year is refused)"},
    {"end", "TIME", "when it ends (or --duration)"},
    {"duration", "DURATION", "how long: 90m, 1h30m, 45s"},
    {"timezone", "TZ", "the conference's time zone (default Asia/Ho_Chi_Minh)"},
    {"early-join", "MINUTES", "rooms may join this many minutes before the start (default 10)"},
    {"repeat", "FREQ", "daily or weekly"},
    {"count", "N", "occurrences in all (with --repeat)"},
    {"until", "TIME", "no occurrence after this (with --repeat)"},
    {"record", NULL, "record every occurrence (record policy always)"},
    {"room", "NAME", "an invited room (repeat for more); each gets a join link"},
    {NULL, NULL, NULL},
};

/* flag -> its rule, for the messages about a value mcuctl cannot even send. */
static const struct {
    const char *flag, *rule;
} setting_rules[] = {CTL_CONFERENCE_SETTINGS(SETTING_RULE){NULL, NULL}};

static const struct ctl_opt list_opts[] = {
    {"state", "STATE", "scheduled, open or ended"},
    {"from", "TIME", "only conferences running after this"},
    {"to", "TIME", "only conferences starting before this"},
    {NULL, NULL, NULL},
};

static int bad_usage(const char *fmt, const char *what)
{
    fprintf(stderr, "mcuctl: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n");
    return CTL_USAGE;
}

/* "mcuctl: --fps 'x': must be an integer from 5 to 60" (the schema's message). */
static int bad_setting(const char *flag, const char *value)
{
    const char *rule = "valid";
    for (size_t i = 0; setting_rules[i].flag; i++)
        if (strcmp(setting_rules[i].flag, flag) == 0) rule = setting_rules[i].rule;
    fprintf(stderr, "mcuctl: --%s '%s': must be %s\n", flag, value, rule);
    return CTL_USAGE;
}

static int parse_int(const char *text, long *out)
{
    char *end;
    *out = strtol(text, &end, 10);
    return *text && !*end ? 0 : -1;
}

/* Builds the request body from the options; -1 after a usage message. */
static int settings_body(const struct ctl_args *a, json_t *body, bool create)
{
    const char *v;
    long n;
    if ((v = ctl_opt_value(a, "title"))) json_object_set_new(body, "title", json_string(v));
    if ((v = ctl_opt_value(a, "id"))) {
        if (!create) return bad_usage("%s", "--id is for create only"), -1;
        json_object_set_new(body, "id", json_string(v));
    }
    if ((v = ctl_opt_value(a, "layout"))) json_object_set_new(body, "layout", json_string(v));
    if ((v = ctl_opt_value(a, "pin"))) json_object_set_new(body, "pin", json_string(v));
    if (ctl_opt_flag(a, "no-pin")) json_object_set_new(body, "pin", json_null());
    if (ctl_opt_flag(a, "host-required")) json_object_set_new(body, "host_required", json_true());
    if (ctl_opt_flag(a, "no-host-required"))
        json_object_set_new(body, "host_required", json_false());
    if (ctl_opt_flag(a, "record")) json_object_set_new(body, "record", json_string("always"));
    if ((v = ctl_opt_value(a, "record-policy")))
        json_object_set_new(body, "record", json_string(v));
    if ((v = ctl_opt_value(a, "max-participants"))) {
        if (parse_int(v, &n) != 0) return bad_setting("max-participants", v), -1;
        json_object_set_new(body, "max_participants", json_integer(n));
    }
    json_t *canvas = json_object();
    if ((v = ctl_opt_value(a, "size"))) {
        int w, h;
        char extra;
        if (sscanf(v, "%dx%d%c", &w, &h, &extra) != 2)
            return json_decref(canvas), bad_setting("size", v), -1;
        json_object_set_new(canvas, "width", json_integer(w));
        json_object_set_new(canvas, "height", json_integer(h));
    }
    if ((v = ctl_opt_value(a, "fps"))) {
        if (parse_int(v, &n) != 0) return json_decref(canvas), bad_setting("fps", v), -1;
        json_object_set_new(canvas, "fps", json_integer(n));
    }
    if (json_object_size(canvas))
        json_object_set_new(body, "canvas", canvas);
    else
        json_decref(canvas);
    if ((v = ctl_opt_value(a, "codecs"))) {
        json_t *list = json_array();
        char **parts = g_strsplit(v, ",", -1);
        for (char **p = parts; *p; p++) json_array_append_new(list, json_string(g_strstrip(*p)));
        g_strfreev(parts);
        json_object_set_new(body, "codecs", list);
    }
    GPtrArray *rooms = ctl_opt_list(a, "room");
    for (guint i = 0; rooms && i < rooms->len; i++)
        for (guint j = 0; j < i; j++)
            if (strcmp(rooms->pdata[i], rooms->pdata[j]) == 0)
                return bad_usage("--room '%s' is given twice: each room needs a name of its own",
                                 rooms->pdata[i]),
                       -1;
    if (rooms) {
        json_t *list = json_array();
        for (guint i = 0; i < rooms->len; i++)
            if (((char *)rooms->pdata[i])[0])
                json_array_append_new(list, json_pack("{s:s}", "name", (char *)rooms->pdata[i]));
        json_object_set_new(body, "rooms", list);
    }

    /* schedule */
    json_t *s = json_object();
    static const char *const time_opts[][2] = {{"start", "start"}, {"end", "end"}, {NULL, NULL}};
    for (size_t i = 0; time_opts[i][0]; i++) {
        if (!(v = ctl_opt_value(a, time_opts[i][0]))) continue;
        char *iso = ctl_time_arg(v);
        if (!iso) {
            json_decref(s);
            fprintf(stderr,
                    "mcuctl: --%s: '%s' is not a time (now, +10m, 2025-03-01 09:00, or ISO 8601)\n",
                    time_opts[i][0], v);
            return -1;
        }
        if (i == 0 && !ctl_opt_flag(a, "force") &&
            ctl_time_arg_latest(iso) < g_get_real_time() / G_USEC_PER_SEC - PAST_START_LIMIT_S) {
            fprintf(stderr,
                    "mcuctl: --start '%s' is more than a day in the past; check the date, or "
                    "add --force to use it\n",
                    v);
            g_free(iso);
            json_decref(s);
            return -1;
        }
        json_object_set_new(s, time_opts[i][1], json_string(iso));
        g_free(iso);
    }
    if ((v = ctl_opt_value(a, "duration"))) json_object_set_new(s, "duration", json_string(v));
    if ((v = ctl_opt_value(a, "timezone"))) json_object_set_new(s, "timezone", json_string(v));
    if ((v = ctl_opt_value(a, "early-join"))) {
        if (parse_int(v, &n) != 0)
            return json_decref(s), bad_usage("--early-join: '%s' is not a number", v), -1;
        json_object_set_new(s, "early_join_minutes", json_integer(n));
    }
    if ((v = ctl_opt_value(a, "repeat"))) {
        json_t *rec = json_pack("{s:s}", "freq", v);
        if ((v = ctl_opt_value(a, "count"))) {
            if (parse_int(v, &n) != 0)
                return json_decref(rec), json_decref(s),
                       bad_usage("--count: '%s' is not a number", v), -1;
            json_object_set_new(rec, "count", json_integer(n));
        }
        if ((v = ctl_opt_value(a, "until"))) {
            char *iso = ctl_time_arg(v);
            if (!iso)
                return json_decref(rec), json_decref(s),
                       bad_usage("--until: '%s' is not a time", v), -1;
            json_object_set_new(rec, "until", json_string(iso));
            g_free(iso);
        }
        json_object_set_new(s, "recurrence", rec);
    } else if (ctl_opt_flag(a, "count") || ctl_opt_flag(a, "until")) {
        json_decref(s);
        return bad_usage("%s", "--count and --until need --repeat daily|weekly"), -1;
    }
    if (json_object_size(s))
        json_object_set_new(body, "schedule", s);
    else
        json_decref(s);
    return 0;
}

static char **conference_row(json_t *c)
{
    json_t *cur = json_object_get(c, "current");
    json_t *sched = json_object_get(c, "schedule");
    char **row = g_new0(char *, 8);
    row[0] = ctl_json_text(json_object_get(c, "id"));
    row[1] = ctl_json_text(json_object_get(c, "title"));
    row[2] = g_strdup_printf("%s%s", json_string_value(json_object_get(c, "state")),
                             json_is_true(json_object_get(c, "locked")) ? " (locked)" : "");
    row[3] = ctl_local_time(json_object_get(json_is_object(cur) ? cur : sched, "start"));
    /* Ended by an operator: when it really ended, not the scheduled end. */
    json_t *ended = json_object_get(c, "ended_at");
    row[4] = ctl_local_time(
        json_is_string(ended) ? ended : json_object_get(json_is_object(cur) ? cur : sched, "end"));
    json_t *rec = json_object_get(sched, "recurrence");
    row[5] = json_is_object(rec) ? ctl_json_text(json_object_get(rec, "freq")) : g_strdup("-");
    row[6] = ctl_json_text(json_object_get(c, "layout"));
    return row;
}

static const char *const conference_columns[] = {"ID",  "TITLE",  "STATE",  "START",
                                                 "END", "REPEAT", "LAYOUT", NULL};

static void print_conference(json_t *c)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(rows, conference_row(c));
    ctl_print_table(conference_columns, rows);
    g_ptr_array_free(rows, TRUE);
    json_t *sched = json_object_get(c, "schedule");
    const char *pin = json_is_true(json_object_get(c, "has_pin")) ? "yes" : "no";
    char *tz = ctl_json_text(json_object_get(sched, "timezone"));
    char *record = ctl_json_text(json_object_get(c, "record"));
    json_t *canvas = json_object_get(c, "canvas");
    printf(
        "\npin %s, host required %s, record %s, canvas %lldx%lld at %lld fps, up to %lld rooms, time zone %s, "
        "joinable now: %s\n",
        pin, json_is_true(json_object_get(c, "host_required")) ? "yes" : "no", record,
        (long long)json_integer_value(json_object_get(canvas, "width")),
        (long long)json_integer_value(json_object_get(canvas, "height")),
        (long long)json_integer_value(json_object_get(canvas, "fps")),
        (long long)json_integer_value(json_object_get(c, "max_participants")), tz,
        json_is_true(json_object_get(c, "joinable")) ? "yes"
        : json_is_true(json_object_get(c, "locked")) ? "no (locked)"
                                                     : "no");
    g_free(tz);
    g_free(record);
    size_t i;
    json_t *room;
    json_array_foreach(json_object_get(c, "rooms"), i, room)
    {
        if (i == 0) printf("rooms:\n");
        printf("  %s%s%s\n", json_string_value(json_object_get(room, "name")),
               json_object_get(room, "join_url") ? "  " : "",
               json_object_get(room, "join_url")
                   ? json_string_value(json_object_get(room, "join_url"))
                   : "");
    }
}

/* Join links of newly made rooms: shown once (stderr, so stdout stays the id). */
static void print_links(json_t *rooms, FILE *f)
{
    size_t i;
    json_t *room;
    json_array_foreach(rooms, i, room)
    {
        if (!json_object_get(room, "join_url")) continue;
        fprintf(f, "room %s: %s\n", json_string_value(json_object_get(room, "name")),
                json_string_value(json_object_get(room, "join_url")));
    }
}

/* The host's join link, when the answer has one (shown once). */
static void print_host_link(json_t *out)
{
    json_t *host = json_object_get(out, "host");
    if (host)
        fprintf(stderr, "host (shown once; `mcuctl conference host-token` makes a new one): %s\n",
                json_string_value(json_object_get(host, "join_url")));
}

/* "starts 2026-12-08 09:00 +07 (in 16 h), ends 2026-12-08 11:00 +07" on stderr (stdout
 * keeps the id alone, for scripts). */
static void print_start(json_t *c)
{
    json_t *cur = json_object_get(c, "current");
    json_t *when = json_is_object(cur) ? cur : json_object_get(c, "schedule");
    json_t *start = json_object_get(when, "start"), *end = json_object_get(when, "end");
    char *words = ctl_time_in_words(start);
    if (!words) return;
    char *at = ctl_local_time(start);
    fprintf(stderr, "starts %s (%s)", at, words);
    if (json_is_string(end)) {
        char *until = ctl_local_time(end);
        fprintf(stderr, ", ends %s\n", until);
        g_free(until);
    } else {
        fprintf(stderr, ", no end (until `mcuctl conference end`)\n");
    }
    g_free(at);
    g_free(words);
}

static int cmd_create(struct ctl *ctl, const struct ctl_args *a)
{
    if (!ctl_opt_value(a, "title")) return bad_usage("%s", "conference create needs --title");
    json_t *body = json_object(), *out = NULL;
    if (settings_body(a, body, true) != 0) {
        json_decref(body);
        return CTL_USAGE;
    }
    int rc = ctl_call(ctl, "POST", "/api/v1/conferences", body, &out);
    json_decref(body);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        printf("%s\n", json_string_value(json_object_get(out, "id")));
        print_start(out);
        if (json_array_size(json_object_get(out, "rooms"))) {
            fprintf(stderr,
                    "join links (shown once; `mcuctl conference room-token` makes new ones):\n");
            print_links(json_object_get(out, "rooms"), stderr);
        }
        print_host_link(out);
    }
    json_decref(out);
    return CTL_OK;
}

static int cmd_list(struct ctl *ctl, const struct ctl_args *a)
{
    static const struct ctl_query_param params[] = {
        {"state", "state", false}, {"from", "from", true}, {"to", "to", true}, {0}};
    GString *path = g_string_new("/api/v1/conferences");
    if (!ctl_append_query(path, a, params)) {
        g_string_free(path, TRUE);
        return CTL_USAGE;
    }
    json_t *out = NULL;
    int rc = ctl_call(ctl, "GET", path->str, NULL, &out);
    g_string_free(path, TRUE);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        size_t i;
        json_t *c;
        json_array_foreach(out, i, c) g_ptr_array_add(rows, conference_row(c));
        ctl_print_table(conference_columns, rows);
        g_ptr_array_free(rows, TRUE);
    }
    json_decref(out);
    return CTL_OK;
}

/* One call on /api/v1/conferences/ID[/suffix]; prints the conference it returns. */
static int on_conference(struct ctl *ctl, const char *method, const char *id, const char *suffix,
                         json_t *body)
{
    char *escaped = ctl_escape(id);
    char *path = g_strdup_printf("/api/v1/conferences/%s%s", escaped, suffix);
    json_t *out = NULL;
    int rc = ctl_call(ctl, method, path, body, &out);
    g_free(path);
    g_free(escaped);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else if (json_object_get(out, "title"))
        print_conference(out);
    else if (json_object_get(out, "deleted"))
        printf("deleted %s\n", id);
    json_decref(out);
    return CTL_OK;
}

static int cmd_show(struct ctl *ctl, const struct ctl_args *a)
{
    return on_conference(ctl, "GET", a->positional[0], "", NULL);
}

static int cmd_update(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *body = json_object();
    if (settings_body(a, body, false) != 0) {
        json_decref(body);
        return CTL_USAGE;
    }
    if (!json_object_size(body)) {
        json_decref(body);
        return bad_usage("%s", "nothing to change (see mcuctl conference update --help)");
    }
    char *escaped = ctl_escape(a->positional[0]);
    char *path = g_strdup_printf("/api/v1/conferences/%s", escaped);
    json_t *out = NULL;
    int rc = ctl_call(ctl, "PATCH", path, body, &out);
    g_free(path);
    g_free(escaped);
    json_decref(body);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else {
        print_conference(out);
        if (json_array_size(json_object_get(out, "new_rooms"))) {
            fprintf(stderr, "join links of the new rooms (shown once):\n");
            print_links(json_object_get(out, "new_rooms"), stderr);
        }
        print_host_link(out);
    }
    json_decref(out);
    return CTL_OK;
}

static int cmd_delete(struct ctl *ctl, const struct ctl_args *a)
{
    return on_conference(ctl, "DELETE", a->positional[0], "", NULL);
}

static int cmd_end(struct ctl *ctl, const struct ctl_args *a)
{
    return on_conference(ctl, "POST", a->positional[0], "/end", NULL);
}

static int cmd_lock(struct ctl *ctl, const struct ctl_args *a)
{
    return on_conference(ctl, "POST", a->positional[0], "/lock", NULL);
}

static int cmd_unlock(struct ctl *ctl, const struct ctl_args *a)
{
    return on_conference(ctl, "POST", a->positional[0], "/unlock", NULL);
}

static int cmd_room_token(struct ctl *ctl, const struct ctl_args *a)
{
    char *id = ctl_escape(a->positional[0]), *room = ctl_escape(a->positional[1]);
    char *path = g_strdup_printf("/api/v1/conferences/%s/rooms/%s/token", id, room);
    json_t *out = NULL;
    int rc = ctl_call(ctl, "POST", path, NULL, &out);
    g_free(path);
    g_free(id);
    g_free(room);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("%s\n", json_string_value(json_object_get(out, "join_url")));
    json_decref(out);
    return CTL_OK;
}

static int cmd_host_token(struct ctl *ctl, const struct ctl_args *a)
{
    char *id = ctl_escape(a->positional[0]);
    char *path = g_strdup_printf("/api/v1/conferences/%s/host-token", id);
    json_t *out = NULL;
    int rc = ctl_call(ctl, "POST", path, NULL, &out);
    g_free(path);
    g_free(id);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("%s\n", json_string_value(json_object_get(out, "join_url")));
    json_decref(out);
    return CTL_OK;
}

static const struct ctl_opt no_opts[] = {{NULL, NULL, NULL}};

const struct ctl_command ctl_conference_commands[] = {
    {"conference", "create", "", 0, 0, settings_opts, cmd_create,
     "create a conference (now, or scheduled); prints its id"},
    {"conference", "list", "", 0, 0, list_opts, cmd_list, "list conferences"},
    {"conference", "show", "ID", 1, 1, no_opts, cmd_show, "show one conference"},
    {"conference", "update", "ID", 1, 1, settings_opts, cmd_update,
     "change a conference's settings, schedule or rooms (--room replaces the list)"},
    {"conference", "delete", "ID", 1, 1, no_opts, cmd_delete,
     "delete a conference (ends it if open)"},
    {"conference", "end", "ID", 1, 1, no_opts, cmd_end,
     "end the conference now (a recurring one moves to its next occurrence)"},
    {"conference", "lock", "ID", 1, 1, no_opts, cmd_lock, "refuse new joins"},
    {"conference", "unlock", "ID", 1, 1, no_opts, cmd_unlock, "accept joins again"},
    {"conference", "room-token", "ID ROOM", 2, 2, no_opts, cmd_room_token,
     "give an invited room a new join token; prints its join link"},
    {"conference", "host-token", "ID", 1, 1, no_opts, cmd_host_token,
     "make a new host token (the old one stops working); prints the host's join link"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
