/* control_internal.h - what control.c and the api_*.c files share: the operator
 * plane's state and one API call in progress. Not a public header. */
#ifndef HOINGHI_MCU_CONTROL_INTERNAL_H
#define HOINGHI_MCU_CONTROL_INTERNAL_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mcu/control/control.h"
#include "mcu/control/scheduler.h"
#include "mcu/store/store.h"

struct control {
    const struct mcu_config *config;
    struct registry *registry; /* who is where (borrowed) */
    struct limits *limits;     /* may be NULL (borrowed) */
    struct http_server *http;  /* may be NULL (borrowed) */
    struct store *store;
    struct scheduler *scheduler;
    GSource *timer;            /* the scheduler's next step */
    GSource *retention_timer;  /* the retention policy, hourly (recording_index.c) */
    int64_t started_at;        /* unix seconds */
    char *base_url;            /* for join links, e.g. "http://127.0.0.1:8088" */
    uint64_t joins_refused[3]; /* wrong_pin, invalid_token, conference_locked */
};

/* One API request being answered. */
struct api_call {
    struct control *control;
    const struct http_request *request;
    char **segments; /* path after /api/v1/, decoded; NULL-terminated */
    size_t segment_count;
    const char *token_name; /* the authenticated operator token */
    int role;               /* its enum store_token_role */
    const char *action;     /* audit: e.g. "conference.create" */
    char *target;           /* audit: owned, may be NULL */
    int status;
    json_t *body;        /* the answer (owned) */
    char *error_message; /* audit: owned, NULL on success */
    char *detail;        /* audit: what a success did, instead of "ok" (owned, may be NULL) */
};

/* Answers. Each replaces what was set before. */
void api_reply(struct api_call *call, int status, json_t *body); /* steals body */
void api_error(struct api_call *call, int status, const char *code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* 400 validation_failed with per-field messages (steals `fields`, an object). */
void api_field_errors(struct api_call *call, json_t *fields);
void api_set_target(struct api_call *call, const char *target);
/* The audit result of a success ("participant p1 'Huế' removed"), instead of "ok". */
void api_set_detail(struct api_call *call, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The request body as a JSON object; NULL after answering 400 (bad JSON, not an
 * object). An empty body reads as {} when allow_empty. The caller json_decref()s. */
json_t *api_read_body(struct api_call *call, bool allow_empty);
/* A query parameter (decoded, owned by `params`), or NULL. */
const char *api_query(GHashTable *params, const char *name);
GHashTable *api_query_params(struct api_call *call); /* NULL after answering 400 */

/* Now, unix seconds. */
int64_t control_now(void);
/* Runs the scheduler now and re-arms its timer (after any change). */
void control_reschedule(struct control *control);

/* recording_index.c: the retention policy ([mcud] retention-days) runs now and then
 * every CONTROL_RETENTION_INTERVAL_S; stop removes the timer. */
#define CONTROL_RETENTION_INTERVAL_S 3600
void control_start_retention(struct control *control);
void control_stop_retention(struct control *control);

/* Handlers (api_conference.c, api_live.c, api_recordings.c, api_admin.c, api_stats.c). */
void api_conference_list(struct api_call *call);
void api_conference_create(struct api_call *call);
void api_conference_show(struct api_call *call);
void api_conference_update(struct api_call *call);
void api_conference_delete(struct api_call *call);
void api_conference_end(struct api_call *call);
void api_conference_lock(struct api_call *call);
void api_conference_unlock(struct api_call *call);
void api_room_token(struct api_call *call);
void api_host_token(struct api_call *call);
void api_participant_list(struct api_call *call);
void api_participant_mute(struct api_call *call);
void api_participant_unmute(struct api_call *call);
void api_participant_kick(struct api_call *call);
void api_layout_set(struct api_call *call);
void api_focus_set(struct api_call *call);
void api_share_stop(struct api_call *call);
void api_recording_start(struct api_call *call);
void api_recording_stop(struct api_call *call);
void api_recording_pause(struct api_call *call);
void api_recording_resume(struct api_call *call);
void api_recording_list(struct api_call *call);
void api_recording_show(struct api_call *call);
void api_recording_delete(struct api_call *call);
void api_recording_export(struct api_call *call);
void api_stats(struct api_call *call);
void api_metrics(struct api_call *call, struct http_response *response);
/* Parts of /metrics: each room's series (api_metrics_rooms.c); the recordings, the
 * archive's disk, uptime and build (api_metrics_server.c). */
void api_metrics_rooms(struct control *control, GString *s);
void api_metrics_server(struct control *control, GString *s);
void api_token_list(struct api_call *call);
void api_token_create(struct api_call *call);
void api_token_revoke(struct api_call *call);
void api_audit_list(struct api_call *call);
void api_conference_report(struct api_call *call); /* api_report.c */

/* The route table (api.c), for tests that walk every route. */
struct api_route_info {
    const char *method;
    const char *pattern; /* segments; "*" matches any one */
};
size_t api_route_count(void);
struct api_route_info api_route(size_t i);

/* Hashes plain PINs left in the store by an mcud from before PIN hashing
 * (control_access.c). Returns how many were hashed, -1 on a store error. */
int control_hash_stored_pins(struct control *control);
/* Ends the stays still open in the store (mcud did not stop cleanly) at now, with
 * CONTROL_ATTENDANCE_STALE_REASON (control_attendance.c). How many, -1 on error. */
#define CONTROL_ATTENDANCE_STALE_REASON "mcud stopped (ended at its next start)"
int control_close_stale_attendance(struct control *control);
/* The refused-join counters as Prometheus text (control_access.c). */
void control_access_metrics(struct control *control, GString *out);

/* The stored conference `id` into *out; answers 404 (and returns -1) when there is
 * none, 500 on a store error. */
int api_load_conference(struct api_call *call, const char *id, struct store_conference *out);
/* A stored conference as the API shows it (rooms without tokens). */
json_t *api_conference_json(struct control *control, const struct store_conference *c);
/* api_conference_fields.c: a new conference's defaults; the fields present in `body`
 * applied to c (room names, when given, into *rooms; NULL otherwise), each bad field
 * named in `errors`; a schedule with nothing left to run named in `errors`. */
void api_conference_defaults(struct store_conference *c);
void api_conference_apply(struct control *control, json_t *body, struct store_conference *c,
                          bool create, GPtrArray **rooms, json_t *errors);
void api_conference_check_not_over(const struct store_conference *c, json_t *errors);
/* api_live.c: a new layout to conference `id`'s running mix at once, and its members
 * told (nothing when nobody is in it, or the mix refuses it). */
void api_push_layout(struct control *control, const char *id, const char *layout);
/* True when `layout` (a name or custom JSON text) fits a width x height canvas; else
 * false with the reason in why (valid UTF-8, for a field error). */
bool api_layout_valid(const char *layout, int width, int height, char *why, size_t whylen);

#endif
