/* api_report.c - GET /api/v1/conferences/{id}/report: the meeting's attendance from
 * the store (control_attendance.c records it): one entry per stay of a room, with
 * its join and leave in the conference's time zone, how long it stayed and why it
 * left; a room still in is present (its duration runs to now). Optional
 * ?occurrence=N and ?since=/until= (ISO 8601; without an offset, in the conference's
 * zone) narrow it. See docs/api.md, "Attendance report". */
#include "mcu/control/control_internal.h"

#include <stdlib.h>

#include "mcu/conference/registry.h"
#include "mcu/control/schedule.h"

/* What the report is of: the conference's title and zone, and the filter. */
struct report_scope {
    char *title;    /* owned; NULL: none */
    char *timezone; /* owned */
    struct store_attendance_filter filter;
};

static json_t *time_json(int64_t ms, const char *tz)
{
    if (!ms) return json_null();
    char *text = schedule_format_time(ms / 1000, tz);
    json_t *v = json_string(text);
    g_free(text);
    return v;
}

/* The conference's title and zone: a stored conference's, or the config file's (the
 * default zone); a conference known only from its attendance has neither. False
 * after answering 404 when it is none of these. */
static bool find_scope(struct api_call *call, const char *id, struct report_scope *scope)
{
    struct store_conference c;
    int rc = store_conference_get(call->control->store, id, &c);
    if (rc == STORE_ERROR) {
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
        return false;
    }
    if (rc == STORE_OK) {
        scope->title = g_strdup(c.title);
        scope->timezone = g_strdup(c.timezone);
        store_conference_clear(&c);
        return true;
    }
    scope->timezone = g_strdup(SCHEDULE_DEFAULT_TIMEZONE);
    const struct mcu_conference_config *settings =
        registry_find_settings(call->control->registry, id);
    if (settings) {
        scope->title = g_strdup(settings->title);
        return true;
    }
    struct store_attendance_filter any = {.occurrence = -1};
    GPtrArray *rows = store_attendance_list(call->control->store, id, &any);
    bool known = rows->len > 0;
    g_ptr_array_free(rows, TRUE);
    if (!known) api_error(call, 404, "not_found", "there is no conference '%s'", id);
    return known;
}

/* ?occurrence, ?since, ?until into scope->filter; false after answering 400. */
static bool read_filter(struct api_call *call, GHashTable *params, struct report_scope *scope)
{
    json_t *errors = json_object();
    scope->filter.occurrence = -1;
    const char *occurrence = api_query(params, "occurrence");
    if (occurrence) {
        char *end;
        long n = strtol(occurrence, &end, 10);
        if (!*occurrence || *end || n < 0 || n > 1000000)
            json_object_set_new(errors, "occurrence", json_string("must be a number, 0 or more"));
        else
            scope->filter.occurrence = (int)n;
    }
    const char *names[2] = {"since", "until"};
    int64_t *bounds[2] = {&scope->filter.since_ms, &scope->filter.until_ms};
    for (int k = 0; k < 2; k++) {
        const char *text = api_query(params, names[k]);
        int64_t t;
        if (!text) continue;
        if (schedule_parse_time(text, scope->timezone, &t) != 0)
            json_object_set_new(errors, names[k], json_string("must be an ISO 8601 time"));
        else
            *bounds[k] = t * 1000;
    }
    if (scope->filter.since_ms && scope->filter.until_ms &&
        scope->filter.until_ms <= scope->filter.since_ms)
        json_object_set_new(errors, "until", json_string("must be after since"));
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        return false;
    }
    json_decref(errors);
    return true;
}

static json_t *stay_json(const struct store_stay *stay, const char *tz, int64_t now_ms)
{
    bool present = stay->left_ms == 0;
    int64_t end_ms = present ? now_ms : stay->left_ms;
    int64_t seconds = end_ms > stay->joined_ms ? (end_ms - stay->joined_ms + 500) / 1000 : 0;
    return json_pack(
        "{s:s, s:s, s:i, s:o, s:o, s:b, s:I, s:o}", "participant", stay->participant_id, "room",
        stay->room, "occurrence", stay->occurrence, "joined_at", time_json(stay->joined_ms, tz),
        "left_at", time_json(stay->left_ms, tz), "present", present, "duration_seconds",
        (json_int_t)seconds, "reason", present ? json_null() : json_string(stay->reason));
}

void api_conference_report(struct api_call *call)
{
    const char *id = call->segments[1];
    GHashTable *params = api_query_params(call);
    if (!params) return;
    struct report_scope scope = {0};
    if (find_scope(call, id, &scope) && read_filter(call, params, &scope)) {
        int64_t now_ms = g_get_real_time() / 1000;
        GPtrArray *rows = store_attendance_list(call->control->store, id, &scope.filter);
        json_t *stays = json_array();
        for (guint i = 0; i < rows->len; i++)
            json_array_append_new(stays, stay_json(rows->pdata[i], scope.timezone, now_ms));
        g_ptr_array_free(rows, TRUE);
        api_reply(call, 200,
                  json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "conference", id, "title",
                            scope.title ? json_string(scope.title) : json_null(), "timezone",
                            scope.timezone, "occurrence",
                            scope.filter.occurrence >= 0 ? json_integer(scope.filter.occurrence)
                                                         : json_null(),
                            "since", time_json(scope.filter.since_ms, scope.timezone), "until",
                            time_json(scope.filter.until_ms, scope.timezone), "generated_at",
                            time_json(now_ms, scope.timezone), "stays", stays));
    }
    g_free(scope.title);
    g_free(scope.timezone);
    g_hash_table_unref(params);
}
