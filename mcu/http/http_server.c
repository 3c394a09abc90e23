/* http_server.c - libwebsockets on the GLib main loop: static files at "/" and the
 * signalling WebSocket at "/ws". See http_server.h for the contract. */
#include "mcu/http/http_server.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mcu/core/log.h"
#include "mcu/http/tls_files.h"

#define SIGNALLING_PROTOCOL    "hoinghi-signalling"
#define API_PROTOCOL           "hoinghi-api"
#define CLOSE_BACKSTOP_SECONDS 5 /* a closing connection whose peer does not read */

struct ws_connection {
    struct http_server *server;
    struct lws *wsi;
    void *state;     /* the owner's, from events.opened */
    GQueue outgoing; /* of GString*, oldest first */
    size_t queued_bytes;
    GString *incoming; /* fragments of the message being received */
    bool oversized;    /* the current message went over the limit */
    size_t oversized_length;
    bool closing;
    char peer[64];
};

struct http_server {
    struct lws_context *context;
    struct lws_http_mount mount;
    struct lws_http_mount api_mount;
    struct lws_http_mount metrics_mount;
    struct lws_http_mount healthz_mount;
    struct lws_protocols protocols[3];
    struct http_server_events events;
    void *owner;
    size_t max_message_size;
    size_t max_queued_bytes;
    uint64_t slow_clients_dropped;
    GList *connections; /* of struct ws_connection* */
    char *web_root;
    char *listen_host;
};

struct ws_session_data {
    struct ws_connection *connection;
};

/* One control API request/response on an HTTP connection. */
struct api_exchange {
    char method[8];
    char path[512];
    char query[512];
    char authorization[512];
    GString *body;
    bool oversized;
    struct http_response response;
    size_t response_length;
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
        return is_signalling_path(wsi) ? 0 : 1; /* WebSocket only at /ws */
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
    default: return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct {
    enum lws_token_indexes token;
    const char *method;
} http_methods[] = {
    {WSI_TOKEN_GET_URI, "GET"},     {WSI_TOKEN_POST_URI, "POST"},     {WSI_TOKEN_PUT_URI, "PUT"},
    {WSI_TOKEN_PATCH_URI, "PATCH"}, {WSI_TOKEN_DELETE_URI, "DELETE"},
};

static void api_exchange_clear(struct api_exchange *x)
{
    if (x->body) g_string_free(x->body, TRUE);
    free(x->response.body);
    memset(x, 0, sizeof *x);
}

/* Reads method, path, query and Authorization; false when the method is not one of ours. */
static bool api_read_request(struct lws *wsi, struct api_exchange *x)
{
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++) {
        if (lws_hdr_total_length(wsi, http_methods[i].token) > 0) {
            snprintf(x->method, sizeof x->method, "%s", http_methods[i].method);
            lws_hdr_copy(wsi, x->path, sizeof x->path, http_methods[i].token);
            break;
        }
    }
    if (!x->method[0]) return false;
    /* Query arguments come as fragments; join them with '&'. */
    char fragment[256];
    size_t used = 0;
    for (int i = 0;
         lws_hdr_copy_fragment(wsi, fragment, sizeof fragment, WSI_TOKEN_HTTP_URI_ARGS, i) > 0; i++)
        used += (size_t)snprintf(x->query + used, sizeof x->query - used, "%s%s", used ? "&" : "",
                                 fragment);
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0)
        lws_hdr_copy(wsi, x->authorization, sizeof x->authorization, WSI_TOKEN_HTTP_AUTHORIZATION);
    x->body = g_string_new(NULL);
    return true;
}

static const char *status_json(int status)
{
    switch (status) {
    case 404: return "{\"error\":{\"code\":\"not_found\",\"message\":\"no such resource\"}}";
    case 405:
        return "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"unsupported method\"}}";
    case 413:
        return "{\"error\":{\"code\":\"too_large\",\"message\":\"the request body is larger than 1 MiB\"}}";
    default: return "{\"error\":{\"code\":\"internal_error\",\"message\":\"the server failed\"}}";
    }
}

/* Runs the owner's handler (or a fixed error) and starts writing the answer. */
static int api_respond(struct http_server *server, struct lws *wsi, struct api_exchange *x,
                       int error_status)
{
    if (error_status) {
        x->response.status = error_status;
        x->response.content_type = "application/json";
        x->response.body = strdup(status_json(error_status));
    } else if (!server->events.http_request) {
        x->response.status = 404;
        x->response.content_type = "application/json";
        x->response.body = strdup(status_json(404));
    } else {
        char peer[64] = "";
        lws_get_peer_simple(wsi, peer, sizeof peer);
        struct http_request request = {
            .method = x->method,
            .path = x->path,
            .query = x->query,
            .authorization = x->authorization,
            .body = x->body->str,
            .body_length = x->body->len,
            .peer = peer,
        };
        server->events.http_request(server->owner, &request, &x->response);
        if (!x->response.body) x->response.body = strdup("");
        if (!x->response.content_type) x->response.content_type = "application/json";
        if (!x->response.status) x->response.status = 500;
    }
    x->response_length = strlen(x->response.body);
    unsigned char headers[LWS_PRE + 1024];
    unsigned char *p = headers + LWS_PRE, *end = headers + sizeof headers - 1;
    if (lws_add_http_common_headers(wsi, (unsigned int)x->response.status, x->response.content_type,
                                    x->response_length, &p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &p, end) ||
        lws_finalize_write_http_header(wsi, headers + LWS_PRE, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

static int api_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len)
{
    struct lws_context *context = lws_get_context(wsi);
    struct http_server *server = context ? lws_context_user(context) : NULL;
    struct api_exchange *x = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        api_exchange_clear(x);
        if (!api_read_request(wsi, x)) return api_respond(server, wsi, x, 405);
        if (strcmp(x->method, "GET") == 0 || strcmp(x->method, "DELETE") == 0)
            return api_respond(server, wsi, x, 0);
        return 0; /* wait for the body */
    case LWS_CALLBACK_HTTP_BODY:
        if (!x->body) return -1;
        if (x->body->len + len > HTTP_MAX_REQUEST_BODY) x->oversized = true;
        if (!x->oversized) g_string_append_len(x->body, in, (gssize)len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!x->body) return -1;
        return api_respond(server, wsi, x, x->oversized ? 413 : 0);
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (!x->response.body) return 0;
        size_t n = x->response_length;
        unsigned char *buffer = malloc(LWS_PRE + n + 1);
        if (!buffer) return -1;
        memcpy(buffer + LWS_PRE, x->response.body, n);
        int written = lws_write(wsi, buffer + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
        free(buffer);
        api_exchange_clear(x);
        if (written < (int)n) return -1;
        if (lws_http_transaction_completed(wsi)) return -1;
        return 0;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (x) api_exchange_clear(x);
        return 0;
    default: return lws_callback_http_dummy(wsi, reason, user, in, len);
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
    server->max_queued_bytes = config->max_queued_bytes;
    server->web_root = g_strdup(config->web_root);
    server->listen_host = g_strdup(config->listen_host);

    server->protocols[0] = (struct lws_protocols){
        .name = SIGNALLING_PROTOCOL,
        .callback = signalling_callback,
        .per_session_data_size = sizeof(struct ws_session_data),
        .rx_buffer_size = 16 * 1024,
    };

    server->protocols[1] = (struct lws_protocols){
        .name = API_PROTOCOL,
        .callback = api_callback,
        .per_session_data_size = sizeof(struct api_exchange),
        .rx_buffer_size = 16 * 1024,
    };

    /* /api, /metrics and /healthz go to the control API, everything else to the web
     * root. */
    server->api_mount.mount_next = &server->metrics_mount;
    server->api_mount.mountpoint = "/api";
    server->api_mount.mountpoint_len = 4;
    server->api_mount.origin = API_PROTOCOL;
    server->api_mount.origin_protocol = LWSMPRO_CALLBACK;
    server->metrics_mount.mount_next = &server->healthz_mount;
    server->metrics_mount.mountpoint = "/metrics";
    server->metrics_mount.mountpoint_len = 8;
    server->metrics_mount.origin = API_PROTOCOL;
    server->metrics_mount.origin_protocol = LWSMPRO_CALLBACK;
    server->healthz_mount.mount_next = &server->mount;
    server->healthz_mount.mountpoint = "/healthz";
    server->healthz_mount.mountpoint_len = 8;
    server->healthz_mount.origin = API_PROTOCOL;
    server->healthz_mount.origin_protocol = LWSMPRO_CALLBACK;

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
    info.mounts = &server->api_mount;
    info.user = server;
    info.foreign_loops = foreign_loops;
    info.options = LWS_SERVER_OPTION_GLIB;
    if (!strchr(config->listen_host, ':')) info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    if (config->tls_cert) {
        /* Checked here first so that a bad file is named (tls_files.c). */
        if (tls_files_check(config->tls_cert, config->tls_key, err, errlen) != 0) {
            g_free(server->web_root);
            g_free(server->listen_host);
            g_free(server);
            return NULL;
        }
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = config->tls_cert;
        info.ssl_private_key_filepath = config->tls_key;
        /* HTTP/1.1 only: browsers would pick HTTP/2 (and WebSocket over it), which
         * the control API and the signalling queues are not written for. */
        info.alpn = "http/1.1";
    }

    server->context = lws_create_context(&info);
    if (!server->context) {
        snprintf(err, errlen,
                 "cannot listen on %s port %u (in use, or not an address of "
                 "this machine%s)",
                 config->listen_host, (unsigned)config->listen_port,
                 config->tls_cert ? ", or TLS could not start with the certificate and key" : "");
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
    if (c->queued_bytes + n > c->server->max_queued_bytes) {
        /* A client that does not read: its queue goes now, and so does the connection,
         * without waiting to write anything more to it. */
        log_warn(
            "signalling: %s has %zu bytes of messages it does not read (limit %zu); dropping it",
            c->peer, c->queued_bytes + n, c->server->max_queued_bytes);
        c->server->slow_clients_dropped++;
        GString *s;
        while ((s = g_queue_pop_head(&c->outgoing)) != NULL) g_string_free(s, TRUE);
        c->queued_bytes = 0;
        c->closing = true;
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
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
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, CLOSE_BACKSTOP_SECONDS);
    lws_callback_on_writable(c->wsi);
}

uint64_t http_server_slow_clients_dropped(const struct http_server *server)
{
    return server ? server->slow_clients_dropped : 0;
}

const char *ws_connection_peer(const struct ws_connection *c) { return c->peer; }
