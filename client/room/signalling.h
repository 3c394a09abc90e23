/* signalling.h - the client side of hoinghi's signalling protocol (docs/protocol.md):
 * one WebSocket per participant, JSON messages, request ids, replies, errors and
 * server events. It knows the envelope, not the call: what a reply or an event means
 * is the participant's business (participant.c).
 *
 * All connections of a process share one signalling_hub (one libwebsockets context on
 * the GLib main loop, through libwebsockets' glib event-loop plugin). Everything here
 * runs on that main loop; callbacks are never called from inside a signalling_*()
 * call, only from the loop. */
#ifndef HOINGHI_ROOM_SIGNALLING_H
#define HOINGHI_ROOM_SIGNALLING_H

#include <glib.h>
#include <jansson.h>

struct signalling_hub;
struct signalling;

struct signalling_callbacks {
    /* The server said hello: requests may be sent now. */
    void (*on_ready)(void *user, const char *server, int version);
    /* A reply to request `id`; data is borrowed (an empty object when absent). */
    void (*on_reply)(void *user, json_int_t id, json_t *data);
    /* An error for request `id` (0 when the server could not read our message). */
    void (*on_error)(void *user, json_int_t id, const char *code, const char *message);
    /* A server event (candidate, media, bye, participants, ...); msg is borrowed. */
    void (*on_event)(void *user, const char *type, json_t *msg);
    /* The connection is gone (or never came up): why, for people (valid until
     * signalling_close). No call follows; the user still calls signalling_close. */
    void (*on_closed)(void *user, const char *reason);
};

/* The shared libwebsockets context on `loop`; NULL (and a message on stderr) if it
 * cannot be made. Free it after every connection is closed. cacert: a CA file for
 * wss:// servers, or NULL for the system's CAs; timeout_s: how long a connection may
 * wait for the server's WebSocket handshake (0: libwebsockets' default, 5 s). */
struct signalling_hub *signalling_hub_new(GMainLoop *loop, const char *cacert, int timeout_s);
void signalling_hub_free(struct signalling_hub *hub);

/* Starts connecting to url (ws://HOST:PORT/PATH, or wss:// for TLS). Returns NULL with *error set
 * (g_free it) when the URL is bad or the connection cannot even start. */
struct signalling *signalling_connect(struct signalling_hub *hub, const char *url,
                                      const struct signalling_callbacks *callbacks, void *user,
                                      char **error);

/* Queues a request of this type with these fields (the reference on fields is taken;
 * NULL means none) and returns its id (> 0), or 0 when the connection is closed. */
json_int_t signalling_request(struct signalling *s, const char *type, json_t *fields);

/* Closes the connection (no more callbacks) and frees it. */
void signalling_close(struct signalling *s);

#endif
