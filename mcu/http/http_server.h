/* http_server.h - mcud's one port: static files (the web client) over HTTP and the
 * signalling WebSocket at /ws, both by libwebsockets running on the GLib main loop.
 *
 * The server hands each WebSocket to its owner through three events (open, message,
 * close); the owner answers with ws_connection_send(). Messages are whole text
 * messages, reassembled from fragments; one over the size limit is dropped and reported
 * as oversized instead, and the connection stays open. All calls happen on the thread
 * that runs the GLib main loop. */
#ifndef HOINGHI_MCU_HTTP_SERVER_H
#define HOINGHI_MCU_HTTP_SERVER_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

struct http_server;
struct ws_connection;

/* One HTTP request for the control API (paths under /api/ and /metrics). */
struct http_request {
    const char *method;        /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *path;          /* e.g. "/api/v1/conferences/abc" (no query) */
    const char *query;         /* "state=open&from=..." or "" */
    const char *authorization; /* the Authorization header, or "" */
    const char *body;          /* NUL-terminated; "" when none */
    size_t body_length;
    const char *peer; /* the client's address, for the audit log */
};

/* The answer; body is malloc'd and freed by the server. */
struct http_response {
    int status;               /* 200, 201, 400, ... */
    const char *content_type; /* static string, e.g. "application/json" */
    char *body;
};

#define HTTP_MAX_REQUEST_BODY (1024 * 1024)

struct http_server_events {
    /* A control API request (NULL: those paths answer 404). Runs on the control
     * thread and fills `response`; a body over HTTP_MAX_REQUEST_BODY never gets here
     * (413). */
    void (*http_request)(void *owner, const struct http_request *request,
                         struct http_response *response);
    /* A new WebSocket at /ws. Returns the owner's per-connection state (non-NULL), or
     * NULL to refuse the connection. */
    void *(*opened)(void *owner, struct ws_connection *connection);
    /* One whole text message (not NUL-terminated). */
    void (*message)(void *connection_state, const char *text, size_t length);
    /* A message larger than the limit arrived and was dropped. */
    void (*oversized)(void *connection_state, size_t length);
    /* The connection is gone; the owner frees connection_state and must not use the
     * ws_connection again. */
    void (*closed)(void *connection_state);
};

struct http_server_config {
    const char *listen_host; /* "127.0.0.1", "::1", "0.0.0.0" */
    uint16_t listen_port;
    const char *web_root;    /* folder served at "/" */
    size_t max_message_size; /* bytes; larger WebSocket messages are dropped */
    size_t max_queued_bytes; /* per connection: messages the client has not read
                                     yet; over it the connection is dropped */
    GMainLoop *loop;         /* the GLib loop libwebsockets joins */
    const char *tls_cert;    /* PEM files: HTTPS and WSS only (no plain HTTP on */
    const char *tls_key;     /* the port); NULL: plain HTTP and WS */
};

/* Starts listening. Returns NULL with a message in err when it cannot (port taken,
 * web root missing, ...). */
struct http_server *http_server_start(const struct http_server_config *config,
                                      const struct http_server_events *events, void *owner,
                                      char *err, size_t errlen);

/* Closes every connection (each gets its `closed` event) and stops listening. */
void http_server_stop(struct http_server *server);

/* Queues one text message; it is written when the socket can take it. Returns -1 when
 * the connection's send queue would go over max_queued_bytes (a client that does not
 * read): then its queue is freed at once, the connection is killed without waiting
 * for the client (logged and counted) and its `closed` event follows from the loop. */
int ws_connection_send(struct ws_connection *connection, const char *text);

/* Closes the connection after its queued messages are written (at most 5 s later). */
void ws_connection_close(struct ws_connection *connection);

/* Connections dropped because their send queue went over max_queued_bytes (0 for a
 * NULL server). */
uint64_t http_server_slow_clients_dropped(const struct http_server *server);

/* The peer's address as text, for logs. */
const char *ws_connection_peer(const struct ws_connection *connection);

#endif
