/* api_conference_fields.c - a conference as the REST API reads and writes it: the
 * request fields validated one by one (every bad field named, docs/api.md) and applied
 * to a stored conference, the defaults, and the JSON answer. No store writes here. */
#include "mcu/control/control_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcu/core/conference_settings.h"
#include "mcu/control/schedule.h"

#define MAX_ROOMS          64
#define MAX_OCCURRENCES    1000
#define DEFAULT_EARLY_JOIN 10

bool api_layout_valid(const char *layout, int width, int height, char *why, size_t whylen)
{
    return conference_layout_valid(layout, width, height, why, whylen);
}

static void bad(json_t *errors, const char *field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void bad(json_t *errors, const char *field, const char *fmt, ...)
{
    char message[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* A message that quotes the client's text may have been cut inside a UTF-8
     * sequence: made valid, or json_string() would fail and the error be lost. */
    char *text = g_utf8_make_valid(message, -1);
    if (!json_object_get(errors, field)) json_object_set_new(errors, field, json_string(text));
    g_free(text);
}

/* Integer field in [lo, hi] into *out; absent leaves *out. */
static void int_field(json_t *obj, const char *key, const char *name, int lo, int hi, int *out,
                      json_t *errors)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        bad(errors, name, "must be an integer from %d to %d", lo, hi);
    else
        *out = (int)json_integer_value(v);
}

/* A time field: ISO 8601 string (no offset: in tz) or "now". */
static bool time_field(json_t *v, const char *name, const char *tz, int64_t *out, json_t *errors)
{
    if (json_is_string(v) && strcmp(json_string_value(v), "now") == 0) {
        *out = control_now();
        return true;
    }
    if (!json_is_string(v) || schedule_parse_time(json_string_value(v), tz, out) != 0) {
        bad(errors, name,
            "must be an ISO 8601 time like 2025-03-01T09:00:00+07:00 (no offset: "
            "the conference's time zone) or \"now\"");
        return false;
    }
    return true;
}

static void parse_schedule(json_t *s, struct store_conference *c, bool create, json_t *errors)
{
    if (json_is_null(s)) {
        /* No schedule: open now, until ended. */
        c->start = control_now();
        c->duration = 0;
        c->recurrence = STORE_RECUR_NONE;
        return;
    }
    if (!json_is_object(s)) {
        bad(errors, "schedule", "must be an object or null");
        return;
    }
    json_t *tz = json_object_get(s, "timezone");
    if (tz) {
        if (!json_is_string(tz) || !schedule_timezone_valid(json_string_value(tz)))
            bad(errors, "schedule.timezone", "must be a time zone name like Asia/Ho_Chi_Minh");
        else {
            g_free(c->timezone);
            c->timezone = g_strdup(json_string_value(tz));
        }
    }
    json_t *start = json_object_get(s, "start");
    if (start)
        time_field(start, "schedule.start", c->timezone, &c->start, errors);
    else if (create)
        c->start = control_now();
    json_t *end = json_object_get(s, "end"), *duration = json_object_get(s, "duration");
    if (end && duration) {
        bad(errors, "schedule.end", "give end or duration, not both");
    } else if (end && !json_is_null(end)) {
        int64_t t;
        if (time_field(end, "schedule.end", c->timezone, &t, errors)) {
            if (t <= c->start)
                bad(errors, "schedule.end", "must be after the start");
            else if (t - c->start > 31 * 86400)
                bad(errors, "schedule.end", "must be within 31 days of the start");
            else
                c->duration = t - c->start;
        }
    } else if (duration && !json_is_null(duration)) {
        int64_t d = 0;
        bool ok = json_is_integer(duration)
                      ? (d = json_integer_value(duration)) > 0 && d <= 31 * 86400
                      : json_is_string(duration) &&
                            schedule_parse_duration(json_string_value(duration), &d) == 0;
        if (!ok)
            bad(errors, "schedule.duration",
                "must be seconds (integer) or a text like \"90m\" or "
                "\"1h30m\", at most 31 days");
        else
            c->duration = d;
    } else if (end || duration) {
        c->duration = 0; /* null: until ended */
    }
    int_field(s, "early_join_minutes", "schedule.early_join_minutes", 0, 1440,
              &c->early_join_minutes, errors);

    json_t *rec = json_object_get(s, "recurrence");
    if (rec && json_is_null(rec)) {
        c->recurrence = STORE_RECUR_NONE;
        c->recur_count = 0;
        c->recur_until = 0;
    } else if (rec) {
        if (!json_is_object(rec)) {
            bad(errors, "schedule.recurrence",
                "must be an object like {\"freq\": \"weekly\", \"count\": 4} or null");
            return;
        }
        json_t *freq = json_object_get(rec, "freq");
        int f = json_is_string(freq) ? store_recurrence_from_name(json_string_value(freq)) : -1;
        if (f != STORE_RECUR_DAILY && f != STORE_RECUR_WEEKLY)
            bad(errors, "schedule.recurrence.freq", "must be \"daily\" or \"weekly\"");
        else
            c->recurrence = (enum store_recurrence)f;
        c->recur_count = 0;
        c->recur_until = 0;
        int_field(rec, "count", "schedule.recurrence.count", 1, MAX_OCCURRENCES, &c->recur_count,
                  errors);
        json_t *until = json_object_get(rec, "until");
        if (until && !json_is_null(until))
            time_field(until, "schedule.recurrence.until", c->timezone, &c->recur_until, errors);
        if (!c->recur_count && !c->recur_until)
            bad(errors, "schedule.recurrence", "needs a count or an until date");
    }
    if (c->recurrence != STORE_RECUR_NONE && c->duration == 0)
        bad(errors, "schedule.duration", "a recurring conference needs an end or a duration");
}

/* One schema field (mcu/core/conference_settings.h) from its JSON value into s: the
 * JSON type the field's type needs, then the schema's own check; a bad value is named
 * by its JSON name, with the schema's message. */
static void apply_field(struct mcu_conference_config *s, const struct conference_field *f,
                        json_t *v, json_t *errors)
{
    char why[CONFERENCE_RULE_MAX] = "";
    int rc = -1;
    if (f->id == CONFERENCE_FIELD_PIN &&
        (json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]))) {
        g_free(s->pin_hash); /* null or "": no PIN */
        s->pin_hash = NULL;
        return;
    }
    if (f->type == CONFERENCE_TYPE_INT || f->type == CONFERENCE_TYPE_EVEN_INT) {
        if (json_is_integer(v))
            rc = conference_settings_set_int(s, f, json_integer_value(v), why, sizeof why);
    } else if (f->type == CONFERENCE_TYPE_BOOL) {
        if (json_is_boolean(v))
            rc = conference_settings_set_bool(s, f, json_is_true(v), why, sizeof why);
    } else if (f->type == CONFERENCE_TYPE_CODECS) {
        size_t n = json_array_size(v), i;
        const char **names = g_new0(const char *, n + 1);
        json_t *item;
        json_array_foreach(v, i, item) names[i] = json_string_value(item);
        if (json_is_array(v)) rc = conference_settings_set_codecs(s, names, n, why, sizeof why);
        g_free(names);
    } else if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)) {
        rc = conference_settings_set_text(s, f, json_string_value(v), why, sizeof why);
    }
    if (rc == 0) return;
    if (!why[0]) conference_field_rule(f, why, sizeof why);
    bad(errors, f->json, "%s", why);
}

/* The schema's fields present in body, in the schema's order, applied to c. */
static void apply_settings(json_t *body, struct store_conference *c, json_t *errors)
{
    struct mcu_conference_config s;
    store_conference_get_settings(c, &s);
    json_t *canvas = json_object_get(body, "canvas");
    if (canvas && !json_is_object(canvas))
        bad(errors, "canvas", "must be an object {width, height, fps}");
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++) {
        const struct conference_field *f = &conference_fields[i];
        if (!f->json) continue;
        const char *dot = strchr(f->json, '.');
        json_t *v = !dot ? json_object_get(body, f->json)
                    : json_is_object(canvas) && strncmp(f->json, "canvas.", 7) == 0
                        ? json_object_get(canvas, dot + 1)
                        : NULL;
        if (v) apply_field(&s, f, v, errors);
    }
    store_conference_put_settings(c, &s);
    conference_settings_clear(&s);
}

/* Applies the fields present in `body` to c. Room names, when given, go to *rooms
 * (NULL otherwise). Errors go to `errors` by field name. */
void api_conference_apply(struct control *control, json_t *body, struct store_conference *c,
                          bool create, GPtrArray **rooms, json_t *errors)
{
    const char *key;
    json_t *v;
    static const char *const known[] = {"id", "canvas", "schedule", "rooms", NULL};
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++) ok = strcmp(known[i], key) == 0;
        if (!ok && !conference_field_by_json(key)) bad(errors, key, "is not a conference field");
    }
    if ((v = json_object_get(body, "id"))) {
        if (!create)
            bad(errors, "id", "cannot be changed");
        else if (!json_is_string(v) || !conference_id_valid(json_string_value(v)))
            bad(errors, "id", "must be 1..64 characters of a-z, 0-9 and '-'");
        else if (mcu_config_find_conference(control->config, json_string_value(v)))
            bad(errors, "id", "is a conference of the config file");
        else {
            g_free(c->id);
            c->id = g_strdup(json_string_value(v));
        }
    }
    if (create && !json_object_get(body, "title")) bad(errors, "title", "is required");
    apply_settings(body, c, errors);
    if ((v = json_object_get(body, "schedule"))) parse_schedule(v, c, create, errors);
    if ((v = json_object_get(body, "rooms"))) {
        bool ok = json_is_array(v) && json_array_size(v) <= MAX_ROOMS;
        *rooms = g_ptr_array_new_with_free_func(g_free);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            json_t *name = json_is_object(item) ? json_object_get(item, "name") : item;
            const char *text = json_string_value(name);
            if (!text || !conference_text_valid(text, 1, CONFERENCE_ROOM_NAME_MAX)) {
                ok = false;
                break;
            }
            for (guint k = 0; k < (*rooms)->len; k++)
                if (strcmp((*rooms)->pdata[k], text) == 0) ok = false;
            g_ptr_array_add(*rooms, g_strdup(text));
        }
        if (!ok)
            bad(errors, "rooms",
                "must be up to %d rooms, each {\"name\": ...} (1..%d characters "
                "without control characters, unique)",
                MAX_ROOMS, CONFERENCE_ROOM_NAME_MAX);
    }
}

void api_conference_defaults(struct store_conference *c)
{
    memset(c, 0, sizeof *c);
    c->layout = g_strdup(MCU_CONFIG_DEFAULT_LAYOUT);
    c->width = MCU_CONFIG_DEFAULT_WIDTH;
    c->height = MCU_CONFIG_DEFAULT_HEIGHT;
    c->fps = MCU_CONFIG_DEFAULT_FPS;
    c->allow_vp8 = c->allow_h264 = true;
    c->max_participants = MCU_CONFIG_DEFAULT_MAX_PARTICIPANTS;
    c->record = STORE_RECORD_OFF;
    c->timezone = g_strdup(SCHEDULE_DEFAULT_TIMEZONE);
    c->early_join_minutes = DEFAULT_EARLY_JOIN;
    c->state = STORE_SCHEDULED;
}

json_t *api_conference_json(struct control *control, const struct store_conference *c)
{
    json_t *codecs = json_array();
    if (c->allow_vp8) json_array_append_new(codecs, json_string("vp8"));
    if (c->allow_h264) json_array_append_new(codecs, json_string("h264"));
    char *start = schedule_format_time(c->start, c->timezone);
    json_t *schedule = json_pack("{s:s, s:s, s:i}", "start", start, "timezone", c->timezone,
                                 "early_join_minutes", c->early_join_minutes);
    g_free(start);
    if (c->duration > 0) {
        char *end = schedule_format_time(c->start + c->duration, c->timezone);
        json_object_set_new(schedule, "end", json_string(end));
        json_object_set_new(schedule, "duration", json_integer(c->duration));
        g_free(end);
    } else {
        json_object_set_new(schedule, "end", json_null());
        json_object_set_new(schedule, "duration", json_null());
    }
    if (c->recurrence != STORE_RECUR_NONE) {
        json_t *rec = json_pack("{s:s}", "freq", store_recurrence_name(c->recurrence));
        if (c->recur_count) json_object_set_new(rec, "count", json_integer(c->recur_count));
        if (c->recur_until) {
            char *until = schedule_format_time(c->recur_until, c->timezone);
            json_object_set_new(rec, "until", json_string(until));
            g_free(until);
        }
        json_object_set_new(schedule, "recurrence", rec);
    } else {
        json_object_set_new(schedule, "recurrence", json_null());
    }
    json_t *out =
        json_pack("{s:s, s:s, s:o, s:s, s:{s:i, s:i, s:i}, s:o, s:i, s:s, s:o, s:s, s:b, s:i}",
                  "id", c->id, "title", c->title, "has_pin", json_boolean(c->pin_hash != NULL),
                  "layout", c->layout, "canvas", "width", c->width, "height", c->height, "fps",
                  c->fps, "codecs", codecs, "max_participants", c->max_participants, "record",
                  store_record_name(c->record), "schedule", schedule, "state",
                  store_state_name(c->state), "locked", c->locked, "occurrence", c->occurrence);
    json_object_set_new(out, "host_required", json_boolean(c->host_required));
    json_object_set_new(out, "has_host_token", json_boolean(c->host_token_hash != NULL));
    /* The current (open) or next (scheduled) occurrence. */
    struct schedule_window w;
    if (c->state != STORE_ENDED && schedule_occurrence(c, c->occurrence, &w)) {
        char *s = schedule_format_time(w.start, c->timezone);
        json_t *occ = json_pack("{s:s}", "start", s);
        g_free(s);
        if (w.end != SCHEDULE_FOREVER) {
            char *e = schedule_format_time(w.end, c->timezone);
            json_object_set_new(occ, "end", json_string(e));
            g_free(e);
        } else {
            json_object_set_new(occ, "end", json_null());
        }
        json_object_set_new(out, "current", occ);
    } else {
        json_object_set_new(out, "current", json_null());
    }
    if (c->state == STORE_ENDED && c->ended_at > 0) {
        char *e = schedule_format_time(c->ended_at, c->timezone);
        json_object_set_new(out, "ended_at", json_string(e));
        g_free(e);
    } else {
        json_object_set_new(out, "ended_at", json_null());
    }
    json_t *rooms = json_array();
    GPtrArray *list = store_room_list(control->store, c->id);
    for (guint i = 0; i < list->len; i++)
        json_array_append_new(
            rooms, json_pack("{s:s}", "name", ((struct store_room *)list->pdata[i])->name));
    g_ptr_array_free(list, TRUE);
    json_object_set_new(out, "rooms", rooms);
    /* A locked conference refuses every join (conference_locked): not joinable. */
    json_object_set_new(
        out, "joinable",
        json_boolean(!c->locked && scheduler_is_joinable(control->scheduler, c->id)));
    char *created = schedule_format_time(c->created_at, c->timezone);
    char *updated = schedule_format_time(c->updated_at, c->timezone);
    json_object_set_new(out, "created_at", json_string(created));
    json_object_set_new(out, "updated_at", json_string(updated));
    g_free(created);
    g_free(updated);
    return out;
}

void api_conference_check_not_over(const struct store_conference *c, json_t *errors)
{
    struct schedule_window w;
    int64_t now = control_now();
    for (int k = 0; k < MAX_OCCURRENCES; k++) {
        if (!schedule_occurrence(c, k, &w)) break;
        if (w.end > now) return;
    }
    bad(errors, "schedule", "every occurrence would be over already");
}
