/* server.h - the daemon's one context: configuration, DTLS identity, the GLib main loop,
 * the HTTP/WebSocket server, the registry of who is where and the operator plane, wired
 * together here. Everything mcud shares lives here; nothing is global. Only main.c
 * uses it. Runs on the control thread. */
#ifndef HOINGHI_MCU_SERVER_H
#define HOINGHI_MCU_SERVER_H

#include <glib.h>
#include <stddef.h>

#include "mcu/core/config.h"
#include "mcu/transport/dtls_identity.h"
#include "mcu/http/http_server.h"
#include "mcu/session/participant.h"

struct control;
struct registry;
struct state_lock;

struct mcu_server {
    const struct mcu_config *config;
    struct dtls_identity *identity;
    GMainLoop *loop;
    struct http_server *http;
    struct registry *registry;      /* participants, joinable and running conferences
                                      (owned; mcu/conference/registry.h) */
    struct session_context session; /* what every participant shares */
    struct control *control;        /* operator plane: store, scheduler, REST API (owned) */
    struct limits *limits;          /* join rate, server-wide participant limit, refusal
                                      counters (owned; limits.h) */
    struct state_lock *state_lock;  /* this mcud's hold on --state-dir (owned; taken
                                      first, released last; state_lock.h) */
};

/* Locks the state directory (a second mcud on it is refused here, before anything in
 * it is read), loads the identity and starts the HTTP/WebSocket server. Returns 0, or
 * -1 with a message in err. */
int mcu_server_start(struct mcu_server *server, const struct mcu_config *config, GMainLoop *loop,
                     char *err, size_t errlen);

/* Ends every participant (their media sessions close) and stops listening. */
void mcu_server_stop(struct mcu_server *server);

#endif
