/* signalling.h - the WebSocket transport of hoinghi's signalling protocol
 * (docs/protocol.md): one connection per participant, request ids, the hello and the
 * keepalive. The messages themselves are built and read by signaling/client
 * (protocol_client.h); what a reply or an event means is the user's business
 * (participant.c in mcu-room, the webrtcbin test peer).
 *
 * All connections of a process share one signalling_hub (one libwebsockets context on
 * the GLib main loop, through libwebsockets' glib event-loop plugin). Everything here
 * runs on that main loop; callbacks are never called from inside a signalling_*()
 * call, only from the loop. */
#ifndef HOINGHI_ROOM_SIGNALLING_H
#define HOINGHI_ROOM_SIGNALLING_H

#include <glib.h>
#include <stdint.h>

#include "signaling/client/protocol_client.h"

struct signalling_hub;
struct signalling;

struct signalling_callbacks {
    /* The server said hello: requests may be sent now. */
    void (*on_ready)(void *user, const char *server, int version);
    /* Any other server message: a reply (msg->id is the request's), an error (msg->id
     * 0 when the server could not read our message) or an event (candidate, media,
     * bye, participants, ...). msg is valid during the call only. Replies to the
     * keepalive this module sends are not passed on; unreadable server messages are
     * logged on stderr and dropped. */
    void (*on_message)(void *user, const struct protocol_server_message *msg);
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

/* Queues the request (built by protocol_client_build with the next id) and returns
 * its id (> 0), or 0 when the connection is closed or a required field is missing. */
int64_t signalling_request(struct signalling *s, const struct protocol_client_request *request);

/* The same for a request without fields (end_of_candidates, leave, keepalive). */
int64_t signalling_request_simple(struct signalling *s, enum protocol_request_type type);

/* Closes the connection (no more callbacks) and frees it. */
void signalling_close(struct signalling *s);

#endif
