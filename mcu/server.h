/* server.h - the daemon's one context: configuration, DTLS identity, the GLib main loop,
 * the HTTP/WebSocket server and the participants connected to it. Everything mcud
 * shares lives here; nothing is global. Runs on the control thread. */
#ifndef HOINGHI_MCU_SERVER_H
#define HOINGHI_MCU_SERVER_H

#include <glib.h>
#include <stddef.h>

#include "mcu/core/config.h"
#include "mcu/transport/dtls_identity.h"
#include "mcu/http/http_server.h"

struct control;

struct mcu_server {
    const struct mcu_config *config;
    struct dtls_identity *identity;
    GMainLoop *loop;
    struct http_server *http;
    GHashTable *participants;      /* participant id -> struct participant* (not owned) */
    GHashTable *conferences;       /* conference id -> struct conference* (owned): the
                                      mixing conferences with someone in them */
    GHashTable *open_conferences;  /* conference id -> struct mcu_conference_config*
                                      (owned): joinable conferences opened at run time
                                      (by the control API or the scheduler), besides
                                      the config file's */
    const char *const *ice_addresses;   /* config->ice_addresses, or NULL for all */
    struct control *control;       /* operator plane: store, scheduler, REST API (owned) */
    struct limits *limits;         /* join rate, server-wide participant limit, refusal
                                      counters (owned; limits.h) */
};

/* Loads the identity and starts the HTTP/WebSocket server. Returns 0, or -1 with a
 * message in err. */
int mcu_server_start(struct mcu_server *server, const struct mcu_config *config,
                     GMainLoop *loop, char *err, size_t errlen);

struct conference;
struct mcu_conference_config;

/* The running mixing conference for `config`, started if nobody is in it yet. NULL
 * with a reason in err when it cannot start. */
struct conference *mcu_server_open_conference(struct mcu_server *server,
                                              const struct mcu_conference_config *config,
                                              char *err, size_t errlen);
/* Ends the conference when its last member has left. */
void mcu_server_release_conference(struct mcu_server *server, struct conference *conference);

/* The joinable conference with this id: the config file's, or one opened at run
 * time. NULL when there is none. */
const struct mcu_conference_config *mcu_server_find_conference(const struct mcu_server *server,
                                                               const char *id);

/* Opens a conference for joining at run time (the settings are copied); an open one
 * with the same id gets the new settings for later joins. Returns -1 when the id is
 * a config file conference. */
int mcu_server_open_runtime_conference(struct mcu_server *server,
                                       const struct mcu_conference_config *config);

/* Closes a run-time conference: everyone in it gets `bye` with the reason and is out. */
void mcu_server_close_runtime_conference(struct mcu_server *server, const char *id,
                                         const char *reason);

/* Ends every participant (their media sessions close) and stops listening. */
void mcu_server_stop(struct mcu_server *server);

#endif
