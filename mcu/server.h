/* server.h - the daemon's one context: configuration, DTLS identity, the GLib main loop,
 * the HTTP/WebSocket server and the participants connected to it. Everything mcud
 * shares lives here; nothing is global. Runs on the control thread. */
#ifndef HOINGHI_MCU_SERVER_H
#define HOINGHI_MCU_SERVER_H

#include <glib.h>
#include <stddef.h>

#include "mcu/config.h"
#include "mcu/dtls_identity.h"
#include "mcu/http_server.h"

struct mcu_server {
    const struct mcu_config *config;
    struct dtls_identity *identity;
    GMainLoop *loop;
    struct http_server *http;
    GHashTable *participants;      /* participant id -> struct participant* (not owned) */
    const char *const *ice_addresses;   /* config->ice_addresses, or NULL for all */
};

/* Loads the identity and starts the HTTP/WebSocket server. Returns 0, or -1 with a
 * message in err. */
int mcu_server_start(struct mcu_server *server, const struct mcu_config *config,
                     GMainLoop *loop, char *err, size_t errlen);

/* Ends every participant (their media sessions close) and stops listening. */
void mcu_server_stop(struct mcu_server *server);

#endif
