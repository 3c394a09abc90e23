/* server.c - start and stop the daemon's context; see server.h. The WebSocket events
 * of the HTTP server become participants (participant.c). */
#include "mcu/server.h"

#include <stdio.h>

#include "mcu/session/join_access.h"
#include "mcu/core/log.h"
#include "mcu/conference/conference.h"
#include "mcu/control/control.h"
#include "mcu/core/limits.h"
#include "mcu/recording/recorder.h"
#include "mcu/session/participant.h"

#define MAX_SIGNALLING_MESSAGE (64 * 1024)

static void *on_ws_opened(void *owner, struct ws_connection *connection)
{
    return participant_new(owner, connection);
}

static void on_ws_message(void *state, const char *text, size_t length)
{
    participant_handle_message(state, text, length);
}

static void on_ws_oversized(void *state, size_t length)
{
    participant_handle_oversized(state, length);
}

static void on_ws_closed(void *state)
{
    participant_free(state);
}

/* A finished recording file: into the index. */
static void on_recording_file(void *owner, struct conference *conference, const struct recorder_result *file)
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

struct conference *mcu_server_open_conference(struct mcu_server *server,
                                              const struct mcu_conference_config *config,
                                              char *err, size_t errlen)
{
    struct conference *c = g_hash_table_lookup(server->conferences, config->id);
    if (c) return c;
    struct conference_events events = {
        .active_speaker = participant_announce_active_speaker,
        .recording_file = on_recording_file,
        .host_state = join_access_announce_host_state,
    };
    c = conference_new(config, &events, server, err, errlen);
    if (!c) return NULL;
    g_hash_table_insert(server->conferences, conference_config(c)->id, c);
    if (config->record == MCU_RECORD_ALWAYS) {
        /* Its record policy: recorded from the start. A recording that cannot start
         * does not keep the meeting from starting. */
        struct conference_recording_options opts = {
            .archive_dir = server->config->archive_dir,
            .segment_us = (int64_t)server->config->segment_minutes * 60 * 1000000,
        };
        char why[256] = "";
        if (conference_start_recording(c, &opts, why, sizeof why) != 0)
            log_error("conference %s: cannot start its recording: %s", config->id, why);
    }
    return c;
}

void mcu_server_release_conference(struct mcu_server *server, struct conference *conference)
{
    if (conference_member_count(conference) > 0) return;
    g_hash_table_remove(server->conferences, conference_config(conference)->id);
    conference_free(conference);
}

static struct mcu_conference_config *copy_conference_config(const struct mcu_conference_config *in)
{
    struct mcu_conference_config *c = g_new(struct mcu_conference_config, 1);
    *c = *in;
    c->id = g_strdup(in->id);
    c->pin_hash = g_strdup(in->pin_hash);
    c->host_token_hash = g_strdup(in->host_token_hash);
    c->title = g_strdup(in->title);
    c->layout = g_strdup(in->layout);
    return c;
}

static void free_conference_config(gpointer data)
{
    struct mcu_conference_config *c = data;
    g_free(c->id);
    g_free(c->pin_hash);
    g_free(c->host_token_hash);
    g_free(c->title);
    g_free(c->layout);
    g_free(c);
}

const struct mcu_conference_config *mcu_server_find_conference(const struct mcu_server *server,
                                                               const char *id)
{
    const struct mcu_conference_config *c = mcu_config_find_conference(server->config, id);
    return c ? c : g_hash_table_lookup(server->open_conferences, id);
}

int mcu_server_open_runtime_conference(struct mcu_server *server,
                                       const struct mcu_conference_config *config)
{
    if (mcu_config_find_conference(server->config, config->id)) return -1;
    /* Participants keep a pointer to the settings they joined with: an open
     * conference's settings are replaced only when nobody is in it. */
    struct mcu_conference_config *old = g_hash_table_lookup(server->open_conferences, config->id);
    if (old && participant_count_in(server, old) > 0) return 0;
    struct mcu_conference_config *copy = copy_conference_config(config);
    g_hash_table_replace(server->open_conferences, copy->id, copy);
    log_info("conference %s is open for joining", config->id);
    return 0;
}

void mcu_server_close_runtime_conference(struct mcu_server *server, const char *id,
                                         const char *reason)
{
    struct mcu_conference_config *c = g_hash_table_lookup(server->open_conferences, id);
    if (!c) return;
    participant_kick_all_in(server, c, reason);
    g_hash_table_remove(server->open_conferences, id);
    log_info("conference %s is closed (%s)", id, reason);
}

int mcu_server_start(struct mcu_server *server, const struct mcu_config *config,
                     GMainLoop *loop, char *err, size_t errlen)
{
    server->config = config;
    server->loop = loop;
    server->ice_addresses = (const char *const *)config->ice_addresses;
    server->participants = g_hash_table_new(g_str_hash, g_str_equal);
    server->conferences = g_hash_table_new(g_str_hash, g_str_equal);
    server->open_conferences = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                     free_conference_config);

    server->limits = limits_new(&config->limits);
    server->identity = dtls_identity_load_or_create(config->state_dir, err, errlen);
    if (!server->identity) goto fail;
    log_info("DTLS certificate fingerprint sha-256 %s", dtls_identity_fingerprint(server->identity));
    server->control = control_new(server, err, errlen);
    if (!server->control) goto fail;
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
        .http_request = control_http_request,
        .opened = on_ws_opened,
        .message = on_ws_message,
        .oversized = on_ws_oversized,
        .closed = on_ws_closed,
    };
    server->http = http_server_start(&http_config, &events, server, err, errlen);
    if (!server->http) goto fail;
    return 0;

fail:
    control_free(server->control);
    server->control = NULL;
    dtls_identity_free(server->identity);
    server->identity = NULL;
    g_hash_table_destroy(server->participants);
    server->participants = NULL;
    g_hash_table_destroy(server->conferences);
    server->conferences = NULL;
    g_hash_table_destroy(server->open_conferences);
    server->open_conferences = NULL;
    limits_free(server->limits);
    server->limits = NULL;
    return -1;
}

void mcu_server_stop(struct mcu_server *server)
{
    http_server_stop(server->http);     /* closes every participant */
    server->http = NULL;
    control_free(server->control);
    server->control = NULL;
    dtls_identity_free(server->identity);
    server->identity = NULL;
    if (server->participants) g_hash_table_destroy(server->participants);
    server->participants = NULL;
    if (server->conferences) g_hash_table_destroy(server->conferences);   /* empty by now */
    server->conferences = NULL;
    if (server->open_conferences) g_hash_table_destroy(server->open_conferences);
    server->open_conferences = NULL;
    limits_free(server->limits);
    server->limits = NULL;
}
