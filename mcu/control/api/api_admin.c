/* api_admin.c - operator tokens (/api/v1/tokens: admin only) and the audit log
 * (/api/v1/audit). A token is shown once, when it is made; the store keeps its
 * SHA-256. See docs/api.md. */
#include "mcu/control/control_internal.h"

#include <stdlib.h>
#include <string.h>

#include "mcu/core/log.h"
#include "mcu/control/schedule.h"
#include "mcu/core/secret.h"

#define TOKEN_NAME_MAX 64

static json_t *time_or_null(int64_t t)
{
    if (!t) return json_null();
    char *text = schedule_format_time(t, SCHEDULE_DEFAULT_TIMEZONE);
    json_t *v = json_string(text);
    g_free(text);
    return v;
}

static bool name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > TOKEN_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
            return false;
    return true;
}

void api_token_list(struct api_call *call)
{
    GPtrArray *tokens = store_token_list(call->control->store);
    json_t *out = json_array();
    for (guint i = 0; i < tokens->len; i++) {
        const struct store_token *t = tokens->pdata[i];
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "name", t->name, "role",
                           store_role_name(t->role), "created_at", time_or_null(t->created_at),
                           "last_used_at", time_or_null(t->last_used_at), "revoked_at",
                           time_or_null(t->revoked_at), "revoked", t->revoked_at != 0));
    }
    g_ptr_array_free(tokens, TRUE);
    api_reply(call, 200, out);
}

void api_token_create(struct api_call *call)
{
    json_t *body = api_read_body(call, false);
    if (!body) return;
    json_t *errors = json_object();
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *role_name = json_object_get(body, "role")
                                ? json_string_value(json_object_get(body, "role"))
                                : "operator";
    int role = store_role_from_name(role_name);
    if (!name) {
        json_object_set_new(errors, "name",
                            json_string("is required: 1..64 characters of A-Z a-z 0-9 - _ ."));
    } else if (!name_valid(name)) {
        /* Token names are ASCII (they go into logs, files and shell commands). */
        char *why = g_strdup_printf("'%.64s' is not a token name: use 1..64 characters of A-Z "
                                    "a-z 0-9 - _ . (e.g. nguyen-lan for Nguyễn Lan)",
                                    name);
        char *valid = g_utf8_make_valid(why, -1);
        json_object_set_new(errors, "name", json_string(valid));
        g_free(valid);
        g_free(why);
    }
    if (role < 0)
        json_object_set_new(errors, "role", json_string("must be viewer, operator or admin"));
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        json_decref(body);
        return;
    }
    json_decref(errors);
    api_set_target(call, name);
    char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX];
    if (secret_new_token("hn_", token) != 0) {
        api_error(call, 500, "internal_error", "no random numbers");
        json_decref(body);
        return;
    }
    secret_hash(token, hash);
    int rc = store_token_insert(call->control->store, name, hash, (enum store_token_role)role);
    if (rc == STORE_EXISTS)
        api_error(call, 409, "conflict",
                  "a token named '%s' exists already (revoked names stay taken)", name);
    else if (rc != STORE_OK)
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
    else {
        log_info("operator token '%s' (%s) created by %s", name, role_name, call->token_name);
        api_reply(call, 201,
                  json_pack("{s:s, s:s, s:s}", "name", name, "role", role_name, "token", token));
    }
    memset(token, 0, sizeof token);
    json_decref(body);
}

void api_token_revoke(struct api_call *call)
{
    const char *name = call->segments[1];
    int rc = store_token_revoke(call->control->store, name);
    if (rc == STORE_NOT_FOUND)
        api_error(call, 404, "not_found", "there is no valid token named '%s'", name);
    else if (rc != STORE_OK)
        api_error(call, 500, "internal_error", "the store failed; see the mcud log");
    else {
        log_info("operator token '%s' revoked by %s", name, call->token_name);
        api_reply(call, 200, json_pack("{s:s, s:b}", "name", name, "revoked", 1));
    }
}

void api_audit_list(struct api_call *call)
{
    GHashTable *params = api_query_params(call);
    if (!params) return;
    json_t *errors = json_object();
    struct store_audit_filter f = {
        .token_name = api_query(params, "token"),
        .action = api_query(params, "action"),
        .target = api_query(params, "target"),
        .limit = 100,
    };
    const char *since = api_query(params, "since"), *until = api_query(params, "until");
    const char *limit = api_query(params, "limit"), *result = api_query(params, "result");
    int64_t t;
    if (since) {
        if (schedule_parse_time(since, SCHEDULE_DEFAULT_TIMEZONE, &t) != 0)
            json_object_set_new(errors, "since", json_string("must be an ISO 8601 time"));
        else
            f.since_ms = t * 1000;
    }
    if (until) {
        if (schedule_parse_time(until, SCHEDULE_DEFAULT_TIMEZONE, &t) != 0)
            json_object_set_new(errors, "until", json_string("must be an ISO 8601 time"));
        else
            f.until_ms = t * 1000;
    }
    if (limit) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (*end || n < 1 || n > 10000)
            json_object_set_new(errors, "limit", json_string("must be 1..10000"));
        else
            f.limit = (int)n;
    }
    if (result) {
        if (strcmp(result, "failed") == 0)
            f.failed_only = 1;
        else if (strcmp(result, "any") != 0)
            json_object_set_new(errors, "result", json_string("must be failed or any"));
    }
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        g_hash_table_unref(params);
        return;
    }
    json_decref(errors);
    GPtrArray *list = store_audit_list(call->control->store, &f);
    g_hash_table_unref(params);
    json_t *out = json_array();
    for (guint i = 0; i < list->len; i++) {
        const struct store_audit_entry *e = list->pdata[i];
        GDateTime *dt = g_date_time_new_from_unix_utc(e->at_ms / 1000);
        GTimeZone *zone = g_time_zone_new_identifier(SCHEDULE_DEFAULT_TIMEZONE);
        if (!zone) zone = g_time_zone_new_utc();
        GDateTime *local = g_date_time_to_timezone(dt, zone);
        char *base = g_date_time_format(local, "%Y-%m-%dT%H:%M:%S");
        char *offset = g_date_time_format(local, "%:z");
        char *at = g_strdup_printf("%s.%03d%s", base, (int)(e->at_ms % 1000), offset);
        json_array_append_new(
            out,
            json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:i, s:s}", "id", (json_int_t)e->id, "at", at,
                      "token", e->token_name ? json_string(e->token_name) : json_null(), "action",
                      e->action, "target", e->target ? json_string(e->target) : json_null(),
                      "source", e->source ? e->source : "", "status", e->status, "result",
                      e->result ? e->result : ""));
        g_free(at);
        g_free(base);
        g_free(offset);
        g_date_time_unref(local);
        g_date_time_unref(dt);
        g_time_zone_unref(zone);
    }
    g_ptr_array_free(list, TRUE);
    api_reply(call, 200, out);
}
