/* recording_index.c - the recorder's finished files into the store's recordings
 * table: each file a conference reports (events.recording_file) and each file
 * recorder_recover() finalises at start-up becomes (or replaces) one row (see
 * control.h); and the timer that applies the retention policy to the table
 * (recording_retention.h). */
#include "mcu/control/control_internal.h"

#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"
#include "mcu/recording/recorder.h"
#include "mcu/recording/recording_retention.h"
#include "mcu/core/config.h"

static char *rooms_json(const struct recorder_result *res)
{
    json_t *rooms = json_array();
    for (size_t i = 0; i < res->room_count; i++) {
        const struct recorder_room *r = &res->rooms[i];
        json_array_append_new(rooms, json_pack("{s:s?, s:s?, s:I, s:I}", "id", r->id, "name",
                                               r->name, "joined_ms", (json_int_t)r->joined_ms,
                                               "left_ms", (json_int_t)r->left_ms));
    }
    char *text = json_dumps(rooms, JSON_COMPACT);
    json_decref(rooms);
    char *copy = g_strdup(text ? text : "[]");
    free(text);
    return copy;
}

void control_index_recording(struct control *control, const struct recorder_result *res)
{
    if (!control || !res || !res->path) return;
    struct store_conference c;
    int occurrence = 0;
    if (store_conference_get(control->store, res->conference_id, &c) == STORE_OK) {
        occurrence = c.occurrence;
        store_conference_clear(&c);
    }
    struct store_recording row = {
        .conference_id = res->conference_id,
        .occurrence = occurrence,
        .path = res->path,
        .title = res->title,
        .segment = res->segment,
        .started_ms = res->start_ms,
        .ended_ms = res->end_ms,
        .duration_ms = res->duration_ms,
        .size = (int64_t)res->size,
        .video_codec = (char *)res->video_codec,
        .audio_codec = (char *)res->audio_codec,
        .width = res->width,
        .height = res->height,
        .sha256 = (char *)res->sha256,
        .status = (char *)recorder_file_status_name(res->status),
        .reason = (char *)res->reason,
        .rooms_json = rooms_json(res),
    };
    int64_t id = 0;
    if (store_recording_put(control->store, &row, &id) == STORE_OK)
        log_info("recordings: %s indexed as recording %lld (%s)", res->path, (long long)id,
                 row.status);
    else
        log_error("recordings: %s could not be indexed", res->path);
    g_free(row.rooms_json);
}

static gboolean on_retention_timer(gpointer data)
{
    struct control *control = data;
    recording_retention_run(control->store, control->config->retention_days,
                            g_get_real_time() / 1000);
    return G_SOURCE_CONTINUE;
}

void control_start_retention(struct control *control)
{
    int days = control->config->retention_days;
    if (days <= 0) return; /* recordings are kept */
    log_info("retention: finished recordings older than %d days are removed (checked hourly)",
             days);
    on_retention_timer(control);
    control->retention_timer = g_timeout_source_new_seconds(CONTROL_RETENTION_INTERVAL_S);
    g_source_set_callback(control->retention_timer, on_retention_timer, control, NULL);
    g_source_attach(control->retention_timer, NULL);
}

void control_stop_retention(struct control *control)
{
    glib_source_stop(&control->retention_timer);
}
