/* server.c - start and stop the daemon's context and wire its parts; see server.h.
 * The WebSocket events of the HTTP server become participants (participant.c), its
 * HTTP requests go to the operator plane (control.h); the conferences' events go to
 * the participants through the registry, finished recordings to the index. */
#include "mcu/server.h"

#include <stdio.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/registry.h"
#include "mcu/control/control.h"
#include "mcu/core/limits.h"
#include "mcu/core/log.h"
#include "mcu/core/state_lock.h"
#include "mcu/recording/recorder.h"
#include "mcu/session/join_access.h"
#include "mcu/session/participant.h"

#define MAX_SIGNALLING_MESSAGE (64 * 1024)

static void *on_ws_opened(void *owner, struct ws_connection *connection)
{
    struct mcu_server *server = owner;
    return participant_new(&server->session, connection);
}

static void on_ws_message(void *state, const char *text, size_t length)
{
    participant_handle_message(state, text, length);
}

static void on_ws_oversized(void *state, size_t length)
{
    participant_handle_oversized(state, length);
}

static void on_ws_closed(void *state) { participant_free(state); }

static void on_http_request(void *owner, const struct http_request *request,
                            struct http_response *response)
{
    struct mcu_server *server = owner;
    control_http_request(server->control, request, response);
}

/* --- conference events ------------------------------------------------------------------ */

static void on_active_speaker(void *owner, struct conference *conference,
                              struct conference_member *speaker)
{
    struct mcu_server *server = owner;
    participant_announce_active_speaker(server->registry, conference, speaker);
}

static void on_send_limits(void *owner, struct conference *conference,
                           struct conference_member *member, const struct send_limits *limits)
{
    (void)owner;
    (void)conference;
    participant_send_limits(member, limits);
}

static void on_host_state(void *owner, struct conference *conference, bool waiting)
{
    struct mcu_server *server = owner;
    join_access_announce_host_state(server->registry, conference, waiting);
}

/* A finished recording file: into the index. */
static void on_recording_file(void *owner, struct conference *conference,
                              const struct recorder_result *file)
{
    (void)conference;
    struct mcu_server *server = owner;
    control_index_recording(server->control, file);
}

/* A file recorder_recover() finalised at start-up: into the index too. */
static void on_recovered_file(void *owner, const struct recorder_result *file)
{
    struct mcu_server *server = owner;
    control_index_recording(server->control, file);
}

/* --- the operator plane's join checks, for the participants --------------------------------- */

static enum join_admission on_admit_join(void *owner, const char *conference_id, const char *token)
{
    struct mcu_server *server = owner;
    switch (control_admit_join(server->control, conference_id, token, NULL)) {
    case CONTROL_ADMIT_TOKEN: return JOIN_ADMIT_TOKEN;
    case CONTROL_ADMIT_HOST: return JOIN_ADMIT_HOST;
    case CONTROL_ADMIT_BAD_TOKEN: return JOIN_ADMIT_BAD_TOKEN;
    case CONTROL_ADMIT_LOCKED: return JOIN_ADMIT_LOCKED;
    case CONTROL_ADMIT_CHECK_PIN: break;
    }
    return JOIN_ADMIT_CHECK_PIN;
}

static void on_join_refused(void *owner, const char *code)
{
    struct mcu_server *server = owner;
    control_count_refused_join(server->control, code);
}

static void on_attendance(void *owner, const char *conference_id, const char *participant_id,
                          const char *name, const char *left_reason)
{
    struct mcu_server *server = owner;
    control_record_attendance(server->control, conference_id, participant_id, name, left_reason);
}

/* --- lifetime ---------------------------------------------------------------------------------- */

static void free_parts(struct mcu_server *server)
{
    control_free(server->control);
    server->control = NULL;
    registry_free(server->registry);
    server->registry = NULL;
    dtls_identity_free(server->identity);
    server->identity = NULL;
    limits_free(server->limits);
    server->limits = NULL;
    state_lock_release(server->state_lock);
    server->state_lock = NULL;
}

int mcu_server_start(struct mcu_server *server, const struct mcu_config *config, GMainLoop *loop,
                     char *err, size_t errlen)
{
    server->config = config;
    server->loop = loop;
    server->state_lock = state_lock_acquire(config->state_dir, err, errlen);
    if (!server->state_lock) return -1;
    struct conference_events conference_events = {
        .active_speaker = on_active_speaker,
        .recording_file = on_recording_file,
        .host_state = on_host_state,
        .send_limits = on_send_limits,
    };
    server->registry = registry_new(config, &conference_events, server);
    server->limits = limits_new(&config->limits);
    server->identity = dtls_identity_load_or_create(config->state_dir, err, errlen);
    if (!server->identity) goto fail;
    log_info("DTLS certificate fingerprint sha-256 %s",
             dtls_identity_fingerprint(server->identity));
    struct control_context control_context = {
        .config = config,
        .registry = server->registry,
        .limits = server->limits,
    };
    server->control = control_new(&control_context, err, errlen);
    if (!server->control) goto fail;
    server->session = (struct session_context){
        .config = config,
        .identity = server->identity,
        .ice_addresses = (const char *const *)config->ice_addresses,
        .limits = server->limits,
        .registry = server->registry,
        .access = {.admit = on_admit_join,
                   .refused = on_join_refused,
                   .attendance = on_attendance,
                   .owner = server},
    };
    /* Recordings a crash left unfinished are finalised (and indexed) before the
     * server takes calls. */
    if (recorder_recover(config->archive_dir, on_recovered_file, server) < 0)
        log_warn("recordings: cannot read the archive %s", config->archive_dir);

    struct http_server_config http_config = {
        .listen_host = config->listen_host,
        .listen_port = config->listen_port,
        .web_root = config->web_root,
        .max_message_size = MAX_SIGNALLING_MESSAGE,
        .max_queued_bytes = (size_t)config->limits.send_queue_bytes,
        .loop = loop,
        .tls_cert = config->tls_cert,
        .tls_key = config->tls_key,
    };
    struct http_server_events events = {
        .http_request = on_http_request,
        .opened = on_ws_opened,
        .message = on_ws_message,
        .oversized = on_ws_oversized,
        .closed = on_ws_closed,
    };
    server->http = http_server_start(&http_config, &events, server, err, errlen);
    if (!server->http) goto fail;
    control_set_http_server(server->control, server->http);
    return 0;

fail:
    free_parts(server);
    return -1;
}

void mcu_server_stop(struct mcu_server *server)
{
    control_set_http_server(server->control, NULL);
    http_server_stop(server->http); /* closes every participant */
    server->http = NULL;
    free_parts(server);
}
