/* http_server.c - libwebsockets on the GLib main loop: static files at "/" and the
 * signalling WebSocket at "/ws". See http_server.h for the contract. */
#include "mcu/http_server.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mcu/log.h"

#define SIGNALLING_PROTOCOL "hoinghi-signalling"
#define MAX_QUEUED_BYTES (4u * 1024 * 1024)   /* per connection, then it is closed */

struct ws_connection {
    struct http_server *server;
    struct lws *wsi;
    void *state;                /* the owner's, from events.opened */
    GQueue outgoing;            /* of GString*, oldest first */
    size_t queued_bytes;
    GString *incoming;          /* fragments of the message being received */
    bool oversized;             /* the current message went over the limit */
    size_t oversized_length;
    bool closing;
    char peer[64];
};

struct http_server {
    struct lws_context *context;
    struct lws_http_mount mount;
    struct lws_protocols protocols[2];
    struct http_server_events events;
    void *owner;
    size_t max_message_size;
    GList *connections;         /* of struct ws_connection* */
    char *web_root;
    char *listen_host;
};

struct ws_session_data {
    struct ws_connection *connection;
};

static void connection_free(struct ws_connection *c)
{
    GString *s;
    while ((s = g_queue_pop_head(&c->outgoing)) != NULL) g_string_free(s, TRUE);
    if (c->incoming) g_string_free(c->incoming, TRUE);
    g_free(c);
}

static bool is_signalling_path(struct lws *wsi)
{
    char uri[64];
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0) return false;
    return strcmp(uri, "/ws") == 0;
}

static void connection_opened(struct http_server *server, struct lws *wsi,
                              struct ws_session_data *pss)
{
    struct ws_connection *c = g_new0(struct ws_connection, 1);
    c->server = server;
    c->wsi = wsi;
    g_queue_init(&c->outgoing);
    c->incoming = g_string_new(NULL);
    lws_get_peer_simple(wsi, c->peer, sizeof c->peer);
    pss->connection = c;
    server->connections = g_list_prepend(server->connections, c);
    c->state = server->events.opened(server->owner, c);
    if (!c->state) c->closing = true;
}

static void connection_received(struct ws_connection *c, struct lws *wsi, const char *in,
                                size_t len)
{
    struct http_server *server = c->server;
    if (!c->oversized && c->incoming->len + len > server->max_message_size) {
        c->oversized = true;
        c->oversized_length = c->incoming->len;
        g_string_truncate(c->incoming, 0);
    }
    if (c->oversized)
        c->oversized_length += len;
    else
        g_string_append_len(c->incoming, in, (gssize)len);

    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0) return;

    if (c->oversized) {
        size_t total = c->oversized_length;
        c->oversized = false;
        c->oversized_length = 0;
        if (c->state) server->events.oversized(c->state, total);
    } else if (c->state) {
        server->events.message(c->state, c->incoming->str, c->incoming->len);
    }
    g_string_truncate(c->incoming, 0);
}

/* Writes one queued message. Returns -1 to close the connection. */
static int connection_writable(struct ws_connection *c, struct lws *wsi)
{
    GString *s = g_queue_pop_head(&c->outgoing);
    if (!s) return c->closing ? -1 : 0;
    c->queued_bytes -= s->len - LWS_PRE;
    size_t payload = s->len - LWS_PRE;
    int n = lws_write(wsi, (unsigned char *)s->str + LWS_PRE, payload, LWS_WRITE_TEXT);
    g_string_free(s, TRUE);
    if (n < (int)payload) return -1;
    if (!g_queue_is_empty(&c->outgoing) || c->closing) lws_callback_on_writable(wsi);
    return 0;
}

static int signalling_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                               void *in, size_t len)
{
    struct lws_context *context = lws_get_context(wsi);
    struct http_server *server = context ? lws_context_user(context) : NULL;
    struct ws_session_data *pss = user;

    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return is_signalling_path(wsi) ? 0 : 1;   /* WebSocket only at /ws */
    case LWS_CALLBACK_ESTABLISHED:
        connection_opened(server, wsi, pss);
        if (pss->connection->closing) return -1;
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (pss && pss->connection) connection_received(pss->connection, wsi, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (pss && pss->connection) return connection_writable(pss->connection, wsi);
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (pss && pss->connection) {
            struct ws_connection *c = pss->connection;
            pss->connection = NULL;
            if (server) server->connections = g_list_remove(server->connections, c);
            if (c->state && server) server->events.closed(c->state);
            connection_free(c);
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static void lws_log_to_ours(int level, const char *line)
{
    char text[512];
    snprintf(text, sizeof text, "%s", line);
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) text[--n] = '\0';
    if (level & LLL_ERR)
        log_error("http: %s", text);
    else
        log_warn("http: %s", text);
}

struct http_server *http_server_start(const struct http_server_config *config,
                                      const struct http_server_events *events, void *owner,
                                      char *err, size_t errlen)
{
    struct stat st;
    if (stat(config->web_root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "web root '%s' is not a folder", config->web_root);
        return NULL;
    }

    struct http_server *server = g_new0(struct http_server, 1);
    server->events = *events;
    server->owner = owner;
    server->max_message_size = config->max_message_size;
    server->web_root = g_strdup(config->web_root);
    server->listen_host = g_strdup(config->listen_host);

    server->protocols[0] = (struct lws_protocols){
        .name = SIGNALLING_PROTOCOL,
        .callback = signalling_callback,
        .per_session_data_size = sizeof(struct ws_session_data),
        .rx_buffer_size = 16 * 1024,
    };

    server->mount.mountpoint = "/";
    server->mount.mountpoint_len = 1;
    server->mount.origin = server->web_root;
    server->mount.def = "index.html";
    server->mount.origin_protocol = LWSMPRO_FILE;

    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_to_ours);

    void *foreign_loops[1] = {config->loop};
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = config->listen_port;
    info.iface = server->listen_host;
    info.protocols = server->protocols;
    info.mounts = &server->mount;
    info.user = server;
    info.foreign_loops = foreign_loops;
    info.options = LWS_SERVER_OPTION_GLIB;
    if (!strchr(config->listen_host, ':')) info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;

    server->context = lws_create_context(&info);
    if (!server->context) {
        snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an address of "
                 "this machine)", config->listen_host, (unsigned)config->listen_port);
        g_free(server->web_root);
        g_free(server->listen_host);
        g_free(server);
        return NULL;
    }
    return server;
}

void http_server_stop(struct http_server *server)
{
    if (!server) return;
    /* Tell the owner first, so no event arrives while the context goes away. */
    for (GList *l = server->connections; l; l = l->next) {
        struct ws_connection *c = l->data;
        if (c->state) server->events.closed(c->state);
        c->state = NULL;
    }
    lws_context_destroy(server->context);
    /* Connections whose CLOSED callback did not run are freed here. */
    GList *left = server->connections;
    server->connections = NULL;
    for (GList *l = left; l; l = l->next) connection_free(l->data);
    g_list_free(left);
    g_free(server->web_root);
    g_free(server->listen_host);
    g_free(server);
}

int ws_connection_send(struct ws_connection *c, const char *text)
{
    if (c->closing) return -1;
    size_t n = strlen(text);
    if (c->queued_bytes + n > MAX_QUEUED_BYTES) {
        log_warn("signalling: %s is not reading its messages; closing it", c->peer);
        ws_connection_close(c);
        return -1;
    }
    GString *s = g_string_sized_new(LWS_PRE + n + 1);
    g_string_set_size(s, LWS_PRE);
    g_string_append_len(s, text, (gssize)n);
    g_queue_push_tail(&c->outgoing, s);
    c->queued_bytes += n;
    lws_callback_on_writable(c->wsi);
    return 0;
}

void ws_connection_close(struct ws_connection *c)
{
    c->closing = true;
    lws_callback_on_writable(c->wsi);
}

const char *ws_connection_peer(const struct ws_connection *c) { return c->peer; }
