/* api.c - the REST control API's front door: bearer-token authentication, routing
 * of /api/v1/... to the handlers by method and path, role checks, the one JSON error
 * shape, and an audit row for every call (docs/api.md). */
#include "mcu/control/control_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcu/core/log.h"
#include "mcu/core/secret.h"

#define API_PREFIX   "/api/v1/"
#define MAX_SEGMENTS 8

/* --- answers ------------------------------------------------------------------------ */

void api_reply(struct api_call *call, int status, json_t *body)
{
    json_decref(call->body);
    call->status = status;
    call->body = body;
}

static json_t *error_body(const char *code, const char *message)
{
    return json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
}

void api_error(struct api_call *call, int status, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* The message may quote the request (a JSON parser's complaint, a path): bytes that
     * are not UTF-8 become U+FFFD, or there would be no JSON error body at all. */
    char *text = g_utf8_make_valid(message, -1);
    api_reply(call, status, error_body(code, text));
    g_free(call->error_message);
    call->error_message = text;
}

void api_field_errors(struct api_call *call, json_t *fields)
{
    GString *summary = g_string_new("invalid fields:");
    const char *key;
    json_t *value;
    json_object_foreach(fields, key, value)
        g_string_append_printf(summary, " %s (%s);", key, json_string_value(value));
    json_t *body = error_body("validation_failed", "some fields are not valid; see fields");
    json_object_set_new(json_object_get(body, "error"), "fields", fields);
    api_reply(call, 400, body);
    g_free(call->error_message);
    call->error_message = g_string_free(summary, FALSE);
}

void api_set_detail(struct api_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_free(call->detail);
    call->detail = text;
}

void api_set_target(struct api_call *call, const char *target)
{
    g_free(call->target);
    call->target = g_strdup(target);
}

json_t *api_read_body(struct api_call *call, bool allow_empty)
{
    const struct http_request *r = call->request;
    bool blank = true;
    for (size_t i = 0; i < r->body_length && blank; i++)
        blank = r->body[i] == ' ' || r->body[i] == '\n' || r->body[i] == '\r' || r->body[i] == '\t';
    if (blank) {
        if (allow_empty) return json_object();
        api_error(call, 400, "bad_json", "the request needs a JSON object body");
        return NULL;
    }
    json_error_t error;
    json_t *body = json_loadb(r->body, r->body_length, JSON_REJECT_DUPLICATES, &error);
    if (!body) {
        api_error(call, 400, "bad_json", "the body is not valid JSON: %s (line %d, column %d)",
                  error.text, error.line, error.column);
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        api_error(call, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return body;
}

GHashTable *api_query_params(struct api_call *call)
{
    const char *query = call->request->query ? call->request->query : "";
    if (!query[0]) return g_hash_table_new(g_str_hash, g_str_equal);
    GError *error = NULL;
    GHashTable *params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &error);
    if (!params) {
        api_error(call, 400, "bad_query", "the query string cannot be read: %s", error->message);
        g_error_free(error);
    }
    return params;
}

const char *api_query(GHashTable *params, const char *name)
{
    const char *v = g_hash_table_lookup(params, name);
    return v && v[0] ? v : NULL;
}

/* --- routing ------------------------------------------------------------------------ */

struct route {
    const char *method;
    const char *pattern; /* segments; "*" matches any one */
    const char *action;
    enum store_token_role role;
    void (*handler)(struct api_call *call);
    int target_segment; /* the segment the audit names as target; -1 none */
};

static const struct route routes[] = {
    {"GET", "conferences", "conference.list", STORE_ROLE_VIEWER, api_conference_list, -1},
    {"POST", "conferences", "conference.create", STORE_ROLE_OPERATOR, api_conference_create, -1},
    {"GET", "conferences/*", "conference.show", STORE_ROLE_VIEWER, api_conference_show, 1},
    {"PATCH", "conferences/*", "conference.update", STORE_ROLE_OPERATOR, api_conference_update, 1},
    {"DELETE", "conferences/*", "conference.delete", STORE_ROLE_OPERATOR, api_conference_delete, 1},
    {"POST", "conferences/*/end", "conference.end", STORE_ROLE_OPERATOR, api_conference_end, 1},
    {"POST", "conferences/*/lock", "conference.lock", STORE_ROLE_OPERATOR, api_conference_lock, 1},
    {"POST", "conferences/*/unlock", "conference.unlock", STORE_ROLE_OPERATOR,
     api_conference_unlock, 1},
    {"PUT", "conferences/*/layout", "layout.set", STORE_ROLE_OPERATOR, api_layout_set, 1},
    {"PUT", "conferences/*/focus", "participant.focus", STORE_ROLE_OPERATOR, api_focus_set, 1},
    {"POST", "conferences/*/share/stop", "share.stop", STORE_ROLE_OPERATOR, api_share_stop, 1},
    {"POST", "conferences/*/recording/start", "record.start", STORE_ROLE_OPERATOR,
     api_recording_start, 1},
    {"POST", "conferences/*/recording/stop", "record.stop", STORE_ROLE_OPERATOR, api_recording_stop,
     1},
    {"POST", "conferences/*/recording/pause", "record.pause", STORE_ROLE_OPERATOR,
     api_recording_pause, 1},
    {"POST", "conferences/*/recording/resume", "record.resume", STORE_ROLE_OPERATOR,
     api_recording_resume, 1},
    {"POST", "conferences/*/rooms/*/token", "room.token", STORE_ROLE_OPERATOR, api_room_token, 1},
    {"POST", "conferences/*/host-token", "host.token", STORE_ROLE_OPERATOR, api_host_token, 1},
    {"GET", "conferences/*/report", "conference.report", STORE_ROLE_VIEWER, api_conference_report,
     1},
    {"GET", "conferences/*/participants", "participant.list", STORE_ROLE_VIEWER,
     api_participant_list, 1},
    {"POST", "conferences/*/participants/*/mute", "participant.mute", STORE_ROLE_OPERATOR,
     api_participant_mute, 1},
    {"POST", "conferences/*/participants/*/unmute", "participant.unmute", STORE_ROLE_OPERATOR,
     api_participant_unmute, 1},
    {"POST", "conferences/*/participants/*/kick", "participant.kick", STORE_ROLE_OPERATOR,
     api_participant_kick, 1},
    {"GET", "recordings", "recording.list", STORE_ROLE_VIEWER, api_recording_list, -1},
    {"GET", "recordings/*", "recording.show", STORE_ROLE_VIEWER, api_recording_show, 1},
    {"DELETE", "recordings/*", "recording.delete", STORE_ROLE_OPERATOR, api_recording_delete, 1},
    {"POST", "recordings/*/export", "recording.export", STORE_ROLE_VIEWER, api_recording_export, 1},
    {"GET", "stats", "stats", STORE_ROLE_VIEWER, api_stats, -1},
    {"GET", "tokens", "token.list", STORE_ROLE_ADMIN, api_token_list, -1},
    {"POST", "tokens", "token.create", STORE_ROLE_ADMIN, api_token_create, -1},
    {"DELETE", "tokens/*", "token.revoke", STORE_ROLE_ADMIN, api_token_revoke, 1},
    {"GET", "audit", "audit.list", STORE_ROLE_VIEWER, api_audit_list, -1},
};

size_t api_route_count(void) { return G_N_ELEMENTS(routes); }

struct api_route_info api_route(size_t i)
{
    struct api_route_info info = {routes[i].method, routes[i].pattern};
    return info;
}

static bool pattern_matches(const char *pattern, char **segments, size_t count)
{
    char **parts = g_strsplit(pattern, "/", -1);
    size_t n = g_strv_length(parts);
    bool match = n == count;
    for (size_t i = 0; match && i < n; i++)
        match = strcmp(parts[i], "*") == 0 || strcmp(parts[i], segments[i]) == 0;
    g_strfreev(parts);
    return match;
}

/* Splits and percent-decodes the path after the prefix; NULL for a bad path. */
static char **split_path(const char *rest, size_t *count)
{
    char **raw = g_strsplit(rest, "/", MAX_SEGMENTS + 1);
    size_t n = g_strv_length(raw);
    if (n > 0 && raw[n - 1][0] == '\0') { /* one trailing slash is fine */
        g_free(raw[n - 1]);
        raw[--n] = NULL;
    }
    char **out = g_new0(char *, n + 1);
    bool ok = n > 0 && n <= MAX_SEGMENTS;
    for (size_t i = 0; ok && i < n; i++) {
        out[i] = g_uri_unescape_string(raw[i], "/");
        ok = out[i] && out[i][0] && g_utf8_validate(out[i], -1, NULL);
    }
    g_strfreev(raw);
    if (!ok) {
        g_strfreev(out);
        return NULL;
    }
    *count = n;
    return out;
}

/* The operator token in "Authorization: Bearer T", checked against every stored
 * digest (no early exit). Returns the stored token (owned by *list) or NULL. */
static const struct store_token *authenticate(struct control *control, const char *header,
                                              GPtrArray **list, const char **why)
{
    *list = NULL;
    if (!header || !header[0]) {
        *why = "no bearer token (Authorization: Bearer TOKEN)";
        return NULL;
    }
    if (g_ascii_strncasecmp(header, "Bearer ", 7) != 0) {
        *why = "the Authorization header is not a bearer token";
        return NULL;
    }
    const char *token = header + 7;
    while (*token == ' ') token++;
    char hash[SECRET_HASH_HEX];
    secret_hash(token, hash);
    *list = store_token_list(control->store);
    const struct store_token *match = NULL;
    for (guint i = 0; i < (*list)->len; i++) {
        const struct store_token *t = (*list)->pdata[i];
        if (secret_hash_equal(hash, t->token_hash) && !match) match = t;
    }
    if (match && match->revoked_at) {
        *why = "the token has been revoked";
        return NULL;
    }
    if (!match) *why = "the token is not known";
    return match;
}

static void audit(struct api_call *call, const char *action)
{
    struct store_audit_entry e = {
        .at_ms = g_get_real_time() / 1000,
        .token_name = (char *)call->token_name,
        .action = (char *)action,
        .target = call->target,
        .source = (char *)(call->request->peer ? call->request->peer : ""),
        .status = call->status,
        .result = call->error_message ? call->error_message
                  : call->detail      ? call->detail
                                      : (char *)"ok",
    };
    if (store_audit_add(call->control->store, &e) != STORE_OK)
        log_error("audit: cannot record %s by %s", action,
                  call->token_name ? call->token_name : "-");
}

static void respond(struct api_call *call, struct http_response *response)
{
    response->status = call->status;
    response->content_type = "application/json";
    response->body = call->body ? json_dumps(call->body, JSON_COMPACT) : NULL;
    if (!response->body) response->body = strdup("{}");
}

/* GET /healthz: for systemd, load balancers and monitors; no token, not audited (it is
 * asked every few seconds). It answers once the store, scheduler and server run. */
static void healthz(struct control *control, const struct http_request *request,
                    struct http_response *response)
{
    json_t *body;
    if (strcmp(request->method, "GET") != 0 && strcmp(request->method, "HEAD") != 0) {
        response->status = 405;
        body = json_pack("{s:{s:s, s:s}}", "error", "code", "method_not_allowed", "message",
                         "/healthz answers GET only");
    } else {
        response->status = 200;
        body = json_pack("{s:s, s:s, s:I}", "status", "ok", "version", MCUD_VERSION,
                         "uptime_seconds", (json_int_t)(control_now() - control->started_at));
    }
    response->content_type = "application/json";
    response->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (!response->body) response->body = strdup("{}");
    json_decref(body);
}

void control_http_request(struct control *control, const struct http_request *request,
                          struct http_response *response)
{
    if (strcmp(request->path, "/healthz") == 0) {
        healthz(control, request, response);
        return;
    }
    struct api_call call = {.control = control, .request = request, .status = 500};
    bool metrics = strcmp(request->path, "/metrics") == 0;
    const struct route *route = NULL;
    const char *action = metrics ? "metrics" : "unknown";
    GPtrArray *tokens = NULL;

    /* Route first (404/405 need no token, but are audited as what they tried). */
    bool path_known = metrics;
    if (!metrics && g_str_has_prefix(request->path, API_PREFIX)) {
        call.segments = split_path(request->path + strlen(API_PREFIX), &call.segment_count);
        for (size_t i = 0; call.segments && i < G_N_ELEMENTS(routes); i++) {
            if (!pattern_matches(routes[i].pattern, call.segments, call.segment_count)) continue;
            path_known = true;
            if (strcmp(routes[i].method, request->method) == 0) {
                route = &routes[i];
                break;
            }
        }
        if (route) {
            action = route->action;
            if (route->target_segment >= 0)
                api_set_target(&call, call.segments[route->target_segment]);
        }
    }

    const char *why = NULL;
    const struct store_token *token = authenticate(control, request->authorization, &tokens, &why);
    if (!token) {
        api_error(&call, 401, "unauthorized", "%s", why);
    } else {
        call.token_name = token->name;
        call.role = (int)token->role;
        store_token_touch(control->store, token->name, control_now());
        if (metrics && strcmp(request->method, "GET") != 0) {
            api_error(&call, 405, "method_not_allowed", "/metrics answers GET only");
        } else if (metrics) {
            api_metrics(&call, response);
        } else if (!route && path_known) {
            api_error(&call, 405, "method_not_allowed", "%s is not allowed on %s", request->method,
                      request->path);
        } else if (!route) {
            api_error(&call, 404, "not_found", "there is no API resource at %s", request->path);
        } else if (call.role < (int)route->role) {
            api_error(&call, 403, "forbidden",
                      "token '%s' (%s) may not do %s; it needs the %s role", token->name,
                      store_role_name(token->role), route->action, store_role_name(route->role));
        } else {
            route->handler(&call);
        }
    }
    /* Every call is audited but a successful metrics scrape (every few seconds). */
    if (!(metrics && call.status == 200)) audit(&call, action);
    if (metrics && call.status == 200)
        log_debug("api: GET /metrics by %s from %s", call.token_name, request->peer);
    else
        log_info("api: %s %s by %s from %s -> %d", request->method, request->path,
                 call.token_name ? call.token_name : "(no valid token)", request->peer,
                 call.status);
    if (!(metrics && call.status == 200)) respond(&call, response);

    json_decref(call.body);
    g_free(call.target);
    g_free(call.error_message);
    g_free(call.detail);
    g_strfreev(call.segments);
    if (tokens) g_ptr_array_free(tokens, TRUE);
}
