/* control.h - mcud's operator plane: the store (STATE_DIR/hoinghi.db), the scheduler
 * on a GLib timer, the REST control API under /api/v1 and /metrics (docs/api.md) and
 * the join checks that depend on stored state (invited rooms' tokens, locks).
 *
 * On a first start (no operator token stored yet) it creates the token "admin",
 * writes it to STATE_DIR/admin.token (mode 0600) and logs where. Owned by the server
 * context; control thread only. */
#ifndef HOINGHI_MCU_CONTROL_H
#define HOINGHI_MCU_CONTROL_H

#include <stddef.h>

#include "mcu/http/http_server.h"

#define CONTROL_ADMIN_TOKEN_FILE "admin.token"

struct control;
struct limits;
struct mcu_config;
struct registry;

/* What the operator plane works on (borrowed; outlives it). */
struct control_context {
    const struct mcu_config *config; /* state, archive and retention settings; the
                                          config file's conferences */
    struct registry *registry;       /* joinable and running conferences, members */
    struct limits *limits;           /* refusal counters for /metrics; may be NULL */
};

/* Opens the store, makes the first admin token if needed and runs the scheduler once
 * (conferences that were open before a restart are joinable again). NULL with a
 * reason in err. */
struct control *control_new(const struct control_context *context, char *err, size_t errlen);
void control_free(struct control *control);

/* The HTTP server whose slow-client drops /metrics reports (NULL: none). control may
 * be NULL. */
void control_set_http_server(struct control *control, struct http_server *http);

/* An HTTP request for the operator plane: the REST API and /metrics. */
void control_http_request(struct control *control, const struct http_request *request,
                          struct http_response *response);

/* A finished recording file (live or recovered at start-up) becomes a row of the
 * recordings index (recording_index.c); a file reported again replaces its row. */
struct recorder_result;
void control_index_recording(struct control *control, const struct recorder_result *res);

enum control_admission {
    CONTROL_ADMIT_CHECK_PIN, /* no token given: the PIN (if any) decides */
    CONTROL_ADMIT_TOKEN,     /* a valid invited room's token: no PIN needed */
    CONTROL_ADMIT_HOST,      /* the conference's host token: no PIN needed, the room
                                  is the host */
    CONTROL_ADMIT_BAD_TOKEN, /* a token was given and is not one of the conference's */
    CONTROL_ADMIT_LOCKED,    /* an operator locked the conference */
};

/* May someone join conference `id` with `token` (NULL or "": none)? `room` (may be
 * NULL) receives the invited room's name, g_malloc'd, when the token is valid.
 * control may be NULL (no operator plane): CONTROL_ADMIT_CHECK_PIN, or BAD_TOKEN for
 * a token. */
enum control_admission control_admit_join(struct control *control, const char *id,
                                          const char *token, char **room);

/* A join was refused for `code` (wrong_pin, invalid_token, conference_locked): counted
 * for /metrics (hoinghi_joins_refused_total). control may be NULL. */
void control_count_refused_join(struct control *control, const char *code);

/* A room joined conference `id` (left_reason NULL) or left it (why): recorded in the
 * store's attendance for the meeting report (control_attendance.c). control may be
 * NULL. */
void control_record_attendance(struct control *control, const char *conference_id,
                               const char *participant_id, const char *name,
                               const char *left_reason);

#endif
