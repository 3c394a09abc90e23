/* api_recordings.c - the recording index over the API: GET /api/v1/recordings (all,
 * or ?conference=ID), GET /api/v1/recordings/{id} and DELETE /api/v1/recordings/{id}
 * (the file, its sidecar and the row: recording_remove()). Rows come from recording_index.c. See
 * docs/api.md. */
#include "mcu/control/control_internal.h"

#include <stdlib.h>

#include "mcu/core/log.h"
#include "mcu/recording/recording_retention.h"
#include "mcu/control/schedule.h"

static json_t *time_or_null(int64_t ms)
{
    if (!ms) return json_null();
    char *text = schedule_format_time(ms / 1000, SCHEDULE_DEFAULT_TIMEZONE);
    json_t *v = json_string(text);
    g_free(text);
    return v;
}

static json_t *recording_json(const struct store_recording *r)
{
    json_t *rooms = json_loads(r->rooms_json ? r->rooms_json : "[]", 0, NULL);
    if (!json_is_array(rooms)) {
        json_decref(rooms);
        rooms = json_array();
    }
    char *codecs =
        g_strdup_printf("%s%s%s", r->video_codec, r->video_codec[0] && r->audio_codec[0] ? "+" : "",
                        r->audio_codec);
    json_t *out =
        json_pack("{s:I, s:s, s:i, s:s?, s:s, s:i, s:o, s:o, s:I, s:I, s:f, s:I, s:I, s:s, s:s, "
                  "s:s, s:i, s:i, s:s, s:s, s:s, s:o}",
                  "id", (json_int_t)r->id, "conference", r->conference_id, "occurrence",
                  r->occurrence, "title", r->title, "path", r->path, "segment", r->segment,
                  "started_at", time_or_null(r->started_ms), "ended_at", time_or_null(r->ended_ms),
                  "started_ms", (json_int_t)r->started_ms, "ended_ms", (json_int_t)r->ended_ms,
                  "duration", r->duration_ms / 1000.0, "duration_ms", (json_int_t)r->duration_ms,
                  "size", (json_int_t)r->size, "codecs", codecs, "video_codec", r->video_codec,
                  "audio_codec", r->audio_codec, "width", r->width, "height", r->height, "sha256",
                  r->sha256, "status", r->status, "reason", r->reason, "rooms", rooms);
    g_free(codecs);
    return out;
}

void api_recording_list(struct api_call *call)
{
    GHashTable *params = api_query_params(call);
    if (!params) return;
    GPtrArray *rows = store_recording_list(call->control->store, api_query(params, "conference"));
    json_t *out = json_array();
    for (guint i = 0; i < rows->len; i++)
        json_array_append_new(out, recording_json(rows->pdata[i]));
    g_ptr_array_free(rows, TRUE);
    g_hash_table_unref(params);
    api_reply(call, 200, out);
}

/* The recording named by segment 1 into *out; -1 after answering 404/500. */
static int load_recording(struct api_call *call, struct store_recording *out)
{
    const char *text = call->segments[1];
    char *end = NULL;
    long long id = strtoll(text, &end, 10);
    int rc = end && end != text && *end == '\0' && id > 0
                 ? store_recording_get(call->control->store, id, out)
                 : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND)
        api_error(call, 404, "not_found", "there is no recording '%s'", text);
    else if (rc != STORE_OK)
        api_error(call, 500, "internal_error", "the recordings index cannot be read");
    return rc == STORE_OK ? 0 : -1;
}

void api_recording_show(struct api_call *call)
{
    struct store_recording r;
    if (load_recording(call, &r) != 0) return;
    api_reply(call, 200, recording_json(&r));
    store_recording_clear(&r);
}

/* A copy of the file was made (mcuctl recordings export copies on mcud's machine and
 * then says so here): nothing is read or written but the audit entry
 * "recording.export", target the recording, result "PATH copied to DESTINATION". */
void api_recording_export(struct api_call *call)
{
    struct store_recording r;
    if (load_recording(call, &r) != 0) return;
    json_t *body = api_read_body(call, false);
    if (!body) {
        store_recording_clear(&r);
        return;
    }
    json_t *dest = json_object_get(body, "destination");
    if (!json_is_string(dest) || !json_string_value(dest)[0] ||
        strlen(json_string_value(dest)) > 4096) {
        json_decref(body);
        store_recording_clear(&r);
        api_field_errors(
            call, json_pack("{s:s}", "destination", "is required: the folder the copy went to"));
        return;
    }
    api_set_detail(call, "%s copied to %s", r.path, json_string_value(dest));
    log_info("recording %lld (%s) exported to %s by operator %s", (long long)r.id, r.path,
             json_string_value(dest), call->token_name);
    api_reply(
        call, 200,
        json_pack("{s:I, s:s, s:O}", "id", (json_int_t)r.id, "path", r.path, "destination", dest));
    json_decref(body);
    store_recording_clear(&r);
}

void api_recording_delete(struct api_call *call)
{
    struct store_recording r;
    if (load_recording(call, &r) != 0) return;
    char why[512] = "";
    if (recording_remove(call->control->store, &r, why, sizeof why) != 0) {
        api_error(call, 500, "internal_error", "%s", why);
    } else {
        log_info("recording %lld (%s) deleted by operator %s", (long long)r.id, r.path,
                 call->token_name);
        api_reply(
            call, 200,
            json_pack("{s:I, s:s, s:b}", "id", (json_int_t)r.id, "path", r.path, "deleted", 1));
    }
    store_recording_clear(&r);
}
