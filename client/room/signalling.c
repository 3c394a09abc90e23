/* signalling.c - the signalling protocol's WebSocket transport (libwebsockets); messages
 * are built and read by signaling/client; see signalling.h.
 *
 * Lifetime of a connection: the struct lives until libwebsockets is done with its wsi.
 * signalling_close() only marks it closing (queued messages still go out, then the
 * writeable callback returns -1); the struct is freed in the CLOSED callback, or right
 * away when there is no wsi any more. */
#include "client/room/signalling.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "client/room/util.h"

#define MAX_MESSAGE_SIZE PROTOCOL_MAX_MESSAGE
#define KEEPALIVE_S      20

struct signalling_hub {
    struct lws_context *lws;
};

struct signalling {
    struct signalling_hub *hub;
    const struct signalling_callbacks *cb;
    void *user;
    char *url_buffer; /* lws_parse_uri() cuts this one up */
    char *path;       /* "/ws" */
    struct lws *wsi;  /* NULL once libwebsockets dropped it */
    GQueue outbox;    /* JSON texts (malloc'd by jansson) */
    GString *inbox;   /* the message being received */
    int64_t next_id;
    int64_t keepalive_id; /* its reply is ours, not the user's */
    guint keepalive_timer;
    guint closed_idle; /* pending on_closed report */
    char *closed_reason;
    bool ready;   /* hello seen */
    bool closing; /* signalling_close() was called */
};

static void connection_free(struct signalling *s)
{
    char *text;

    room_stop_source(&s->keepalive_timer);
    room_stop_source(&s->closed_idle);
    while ((text = g_queue_pop_head(&s->outbox)) != NULL) free(text);
    g_string_free(s->inbox, TRUE);
    g_free(s->url_buffer);
    g_free(s->path);
    g_free(s->closed_reason);
    g_free(s);
}

static gboolean report_closed(gpointer data)
{
    struct signalling *s = data;
    s->closed_idle = 0;
    s->cb->on_closed(s->user, s->closed_reason ? s->closed_reason : "the connection closed");
    return G_SOURCE_REMOVE;
}

/* The wsi is gone: free when the user already closed, else tell the user (from the loop). */
static void connection_lost(struct signalling *s, const char *reason)
{
    s->wsi = NULL;
    if (s->closing) {
        connection_free(s);
        return;
    }
    if (!s->closed_reason) s->closed_reason = g_strdup(reason);
    if (!s->closed_idle) s->closed_idle = g_idle_add(report_closed, s);
}

static void flush(struct signalling *s)
{
    if (s->wsi && (!g_queue_is_empty(&s->outbox) || s->closing)) lws_callback_on_writable(s->wsi);
}

int64_t signalling_request(struct signalling *s, const struct protocol_client_request *request)
{
    char *text;

    if (!s->wsi || s->closing) return 0;
    text = protocol_client_build(request, s->next_id + 1);
    if (!text) return 0;
    g_queue_push_tail(&s->outbox, text);
    flush(s);
    return ++s->next_id;
}

int64_t signalling_request_simple(struct signalling *s, enum protocol_request_type type)
{
    struct protocol_client_request request;

    protocol_client_request_init(&request, type);
    return signalling_request(s, &request);
}

static gboolean send_keepalive(gpointer data)
{
    struct signalling *s = data;
    s->keepalive_id = signalling_request_simple(s, PROTOCOL_KEEPALIVE);
    return G_SOURCE_CONTINUE;
}

static void dispatch(struct signalling *s, const char *text, size_t length)
{
    struct protocol_server_message msg;
    char why[256];

    if (protocol_client_parse(text, length, &msg, why, sizeof why) != 0) {
        fprintf(stderr, "%s: unreadable message from the server: %s: %.200s\n", g_get_prgname(),
                why, text);
        return;
    }
    if (msg.kind == PROTOCOL_SERVER_HELLO) {
        if (!s->ready) {
            s->ready = true;
            s->keepalive_timer = g_timeout_add_seconds(KEEPALIVE_S, send_keepalive, s);
            s->cb->on_ready(s->user, msg.server, msg.version);
        }
    } else if (msg.kind != PROTOCOL_SERVER_REPLY || msg.id != s->keepalive_id || msg.id == 0) {
        s->cb->on_message(s->user, &msg);
    }
    protocol_server_message_clear(&msg);
}

static int on_writeable(struct signalling *s, struct lws *wsi)
{
    char *text = g_queue_pop_head(&s->outbox);
    unsigned char *buf;
    size_t n;
    int written;

    if (!text) return s->closing ? -1 : 0;
    n = strlen(text);
    buf = g_malloc(LWS_PRE + n);
    memcpy(buf + LWS_PRE, text, n);
    written = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
    g_free(buf);
    free(text);
    if (written < (int)n) {
        if (!s->closed_reason)
            s->closed_reason = g_strdup("writing to the signalling socket failed");
        return -1;
    }
    flush(s);
    return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    struct signalling *s = lws_get_opaque_user_data(wsi);
    (void)user;

    if (!s) return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        char *why = g_strdup_printf("cannot connect: %.*s", in && len ? (int)len : 13,
                                    in && len ? (const char *)in : "unknown error");
        lws_set_opaque_user_data(wsi, NULL);
        connection_lost(s, why);
        g_free(why);
        return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (s->closing) return -1;
        flush(s);
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        g_string_append_len(s->inbox, in, (gssize)len);
        if (s->inbox->len > MAX_MESSAGE_SIZE) {
            if (!s->closed_reason)
                s->closed_reason = g_strdup("a server message is larger than 64 KiB");
            return -1;
        }
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            size_t length = s->inbox->len;
            char *text = g_string_free(s->inbox, FALSE);
            s->inbox = g_string_new(NULL);
            if (!s->closing) dispatch(s, text, length);
            g_free(text);
        }
        return 0; /* a close asked for in a callback goes out through on_writeable */
    case LWS_CALLBACK_CLIENT_WRITEABLE: return on_writeable(s, wsi);
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
        lws_set_opaque_user_data(wsi, NULL);
        connection_lost(s, "the server closed the signalling connection");
        return 0;
    default: return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {"hoinghi-signalling", ws_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

struct signalling_hub *signalling_hub_new(GMainLoop *loop, const char *cacert, int timeout_s)
{
    struct lws_context_creation_info info;
    struct signalling_hub *hub = g_new0(struct signalling_hub, 1);
    void *foreign_loops[1] = {loop};

    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.client_ssl_ca_filepath = cacert;
    /* libwebsockets' own wait for the server's handshake answer (5 s by default): a
     * busy server gets as long as the whole join may take. */
    info.timeout_secs = timeout_s > 0 ? (unsigned int)timeout_s : 0;
    info.foreign_loops = foreign_loops;
    info.uid = (uid_t)-1;
    info.gid = (gid_t)-1;
    hub->lws = lws_create_context(&info);
    if (!hub->lws) {
        fprintf(
            stderr,
            "%s: cannot create the libwebsockets context (its glib event-loop plugin missing?)\n",
            g_get_prgname());
        g_free(hub);
        return NULL;
    }
    return hub;
}

void signalling_hub_free(struct signalling_hub *hub)
{
    if (!hub) return;
    lws_context_destroy(hub->lws);
    g_free(hub);
}

struct signalling *signalling_connect(struct signalling_hub *hub, const char *url,
                                      const struct signalling_callbacks *callbacks, void *user,
                                      char **error)
{
    struct signalling *s = g_new0(struct signalling, 1);
    struct lws_client_connect_info ci;
    const char *scheme, *host, *path;
    int port;

    s->hub = hub;
    s->cb = callbacks;
    s->user = user;
    s->inbox = g_string_new(NULL);
    g_queue_init(&s->outbox);
    s->url_buffer = g_strdup(url);
    if (lws_parse_uri(s->url_buffer, &scheme, &host, &port, &path) != 0 ||
        (strcmp(scheme, "ws") != 0 && strcmp(scheme, "wss") != 0)) {
        room_set_error(error, "--server wants ws://HOST:PORT/PATH or wss://..., not '%s'", url);
        connection_free(s);
        return NULL;
    }
    s->path = g_strconcat("/", path, NULL);

    memset(&ci, 0, sizeof(ci));
    ci.context = hub->lws;
    ci.address = host;
    ci.port = port;
    ci.path = s->path;
    ci.host = host;
    ci.origin = host;
    ci.local_protocol_name = protocols[0].name;
    ci.opaque_user_data = s;
    ci.pwsi = &s->wsi;
    if (strcmp(scheme, "wss") == 0) ci.ssl_connection = LCCSCF_USE_SSL; /* the name is checked */
    if (!lws_client_connect_via_info(&ci)) {
        /* the connection-error callback may have run already and queued a report */
        if (s->closed_idle) {
            s->wsi = NULL;
            return s;
        }
        room_set_error(error, "cannot start connecting to %s", url);
        connection_free(s);
        return NULL;
    }
    return s;
}

void signalling_close(struct signalling *s)
{
    if (!s) return;
    room_stop_source(&s->closed_idle);
    room_stop_source(&s->keepalive_timer);
    if (!s->wsi) {
        connection_free(s);
        return;
    }
    s->closing = true;
    lws_callback_on_writable(s->wsi);
}
