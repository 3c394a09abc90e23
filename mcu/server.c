/* server.c - start and stop the daemon's context; see server.h. The WebSocket events
 * of the HTTP server become participants (participant.c). */
#include "mcu/server.h"

#include <stdio.h>

#include "mcu/log.h"
#include "mcu/participant.h"

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

int mcu_server_start(struct mcu_server *server, const struct mcu_config *config,
                     GMainLoop *loop, char *err, size_t errlen)
{
    server->config = config;
    server->loop = loop;
    server->ice_addresses = (const char *const *)config->ice_addresses;
    server->participants = g_hash_table_new(g_str_hash, g_str_equal);

    server->identity = dtls_identity_load_or_create(config->state_dir, err, errlen);
    if (!server->identity) goto fail;
    log_info("DTLS certificate fingerprint sha-256 %s", dtls_identity_fingerprint(server->identity));

    struct http_server_config http_config = {
        .listen_host = config->listen_host,
        .listen_port = config->listen_port,
        .web_root = config->web_root,
        .max_message_size = MAX_SIGNALLING_MESSAGE,
        .loop = loop,
    };
    struct http_server_events events = {
        .opened = on_ws_opened,
        .message = on_ws_message,
        .oversized = on_ws_oversized,
        .closed = on_ws_closed,
    };
    server->http = http_server_start(&http_config, &events, server, err, errlen);
    if (!server->http) goto fail;
    return 0;

fail:
    dtls_identity_free(server->identity);
    server->identity = NULL;
    g_hash_table_destroy(server->participants);
    server->participants = NULL;
    return -1;
}

void mcu_server_stop(struct mcu_server *server)
{
    http_server_stop(server->http);     /* closes every participant */
    server->http = NULL;
    dtls_identity_free(server->identity);
    server->identity = NULL;
    if (server->participants) g_hash_table_destroy(server->participants);
    server->participants = NULL;
}
