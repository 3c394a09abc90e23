/* cmd_admin.c - mcuctl stats, metrics, token create|list|revoke, audit. */
#include "client/ctl/ctl.h"

#include <stdio.h>
#include <string.h>

static const struct ctl_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct ctl_opt token_opts[] = {
    {"role", "ROLE", "viewer (read only), operator (the default) or admin (also tokens)"},
    {NULL, NULL, NULL},
};
static const struct ctl_opt audit_opts[] = {
    {"by", "NAME", "only calls made with this operator token"},
    {"action", "PREFIX", "only these actions, e.g. conference. or participant.mute"},
    {"target", "ID", "only calls about this conference, participant or token"},
    {"since", "TIME", "from this time"},
    {"until", "TIME", "before this time"},
    {"failed", NULL, "only failed calls"},
    {"limit", "N", "at most N entries (default 100), newest first"},
    {NULL, NULL, NULL},
};

static void print_rows(const char *const *columns, GPtrArray *rows)
{
    ctl_print_table(columns, rows);
    g_ptr_array_free(rows, TRUE);
}

static GPtrArray *new_rows(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
}

static int cmd_stats(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    json_t *out = NULL;
    int rc = ctl_call(ctl, "GET", "/api/v1/stats", NULL, &out);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
        json_decref(out);
        return CTL_OK;
    }
    json_t *c = json_object_get(out, "conferences");
    printf(
        "up %lld s; conferences: %lld scheduled, %lld open, %lld ended; %lld running with %lld participants\n",
        (long long)json_integer_value(json_object_get(out, "uptime_seconds")),
        (long long)json_integer_value(json_object_get(c, "scheduled")),
        (long long)json_integer_value(json_object_get(c, "open")),
        (long long)json_integer_value(json_object_get(c, "ended")),
        (long long)json_integer_value(json_object_get(out, "running_conferences")),
        (long long)json_integer_value(json_object_get(out, "participants")));
    static const char *const columns[] = {"CONFERENCE",         "ROOMS", "PACKETS IN",
                                          "PACKETS OUT",        "LOST",  "FRAME MS",
                                          "LATENCY MS p50/p99", NULL};
    GPtrArray *rows = new_rows();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(out, "running"), i, r)
    {
        char **row = g_new0(char *, 8);
        row[0] = ctl_json_text(json_object_get(r, "id"));
        row[1] = ctl_json_text(json_object_get(r, "participants"));
        row[2] = ctl_json_text(json_object_get(r, "packets_in"));
        row[3] = ctl_json_text(json_object_get(r, "packets_out"));
        row[4] = ctl_json_text(json_object_get(r, "packets_lost"));
        row[5] = g_strdup_printf("%.1f", json_real_value(json_object_get(r, "mixer_frame_ms")));
        row[6] =
            g_strdup_printf("%.0f/%.0f", json_real_value(json_object_get(r, "latency_median_ms")),
                            json_real_value(json_object_get(r, "latency_p99_ms")));
        g_ptr_array_add(rows, row);
    }
    if (rows->len) {
        printf("\n");
        print_rows(columns, rows);
    } else {
        g_ptr_array_free(rows, TRUE);
    }
    json_decref(out);
    return CTL_OK;
}

static int cmd_metrics(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    char *text = NULL;
    int rc = ctl_call_text(ctl, "/metrics", &text);
    if (rc == CTL_OK) fputs(text, stdout);
    g_free(text);
    return rc;
}

static int cmd_token_create(struct ctl *ctl, const struct ctl_args *a)
{
    const char *role = ctl_opt_value(a, "role");
    json_t *body =
        json_pack("{s:s, s:s}", "name", a->positional[0], "role", role ? role : "operator");
    json_t *out = NULL;
    int rc = ctl_call(ctl, "POST", "/api/v1/tokens", body, &out);
    json_decref(body);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        printf("%s\n", json_string_value(json_object_get(out, "token")));
        fprintf(stderr, "token '%s' (%s) made; it is shown only this once\n", a->positional[0],
                json_string_value(json_object_get(out, "role")));
    }
    json_decref(out);
    return CTL_OK;
}

static int cmd_token_list(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    json_t *out = NULL;
    int rc = ctl_call(ctl, "GET", "/api/v1/tokens", NULL, &out);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        static const char *const columns[] = {"NAME",      "ROLE",    "CREATED",
                                              "LAST USED", "REVOKED", NULL};
        GPtrArray *rows = new_rows();
        size_t i;
        json_t *t;
        json_array_foreach(out, i, t)
        {
            char **row = g_new0(char *, 6);
            row[0] = ctl_json_text(json_object_get(t, "name"));
            row[1] = ctl_json_text(json_object_get(t, "role"));
            row[2] = ctl_local_time(json_object_get(t, "created_at"));
            row[3] = ctl_local_time(json_object_get(t, "last_used_at"));
            row[4] = ctl_local_time(json_object_get(t, "revoked_at"));
            g_ptr_array_add(rows, row);
        }
        print_rows(columns, rows);
    }
    json_decref(out);
    return CTL_OK;
}

static int cmd_token_revoke(struct ctl *ctl, const struct ctl_args *a)
{
    char *name = ctl_escape(a->positional[0]);
    char *path = g_strdup_printf("/api/v1/tokens/%s", name);
    json_t *out = NULL;
    int rc = ctl_call(ctl, "DELETE", path, NULL, &out);
    g_free(path);
    g_free(name);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("token '%s' revoked\n", a->positional[0]);
    json_decref(out);
    return CTL_OK;
}

static int cmd_audit(struct ctl *ctl, const struct ctl_args *a)
{
    static const struct ctl_query_param params[] = {{"by", "token", false},
                                                    {"action", "action", false},
                                                    {"target", "target", false},
                                                    {"since", "since", true},
                                                    {"until", "until", true},
                                                    {"limit", "limit", false},
                                                    {0}};
    GString *path = g_string_new("/api/v1/audit");
    if (!ctl_append_query(path, a, params)) {
        g_string_free(path, TRUE);
        return CTL_USAGE;
    }
    char sep = strchr(path->str, '?') ? '&' : '?';
    if (ctl_opt_flag(a, "failed")) g_string_append_printf(path, "%cresult=failed", sep);
    json_t *out = NULL;
    int rc = ctl_call(ctl, "GET", path->str, NULL, &out);
    g_string_free(path, TRUE);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        static const char *const columns[] = {"TIME",   "TOKEN",  "ACTION", "TARGET",
                                              "SOURCE", "STATUS", "RESULT", NULL};
        GPtrArray *rows = new_rows();
        size_t i;
        json_t *e;
        json_array_foreach(out, i, e)
        {
            char **row = g_new0(char *, 8);
            row[0] = ctl_local_time(json_object_get(e, "at"));
            row[1] = ctl_json_text(json_object_get(e, "token"));
            row[2] = ctl_json_text(json_object_get(e, "action"));
            row[3] = ctl_json_text(json_object_get(e, "target"));
            row[4] = ctl_json_text(json_object_get(e, "source"));
            row[5] = ctl_json_text(json_object_get(e, "status"));
            row[6] = ctl_json_text(json_object_get(e, "result"));
            g_ptr_array_add(rows, row);
        }
        print_rows(columns, rows);
    }
    json_decref(out);
    return CTL_OK;
}

const struct ctl_command ctl_admin_commands[] = {
    {NULL, "stats", "", 0, 0, no_opts, cmd_stats, "conferences, participants and media figures"},
    {NULL, "metrics", "", 0, 0, no_opts, cmd_metrics, "the Prometheus text that /metrics serves"},
    {"token", "create", "NAME", 1, 1, token_opts, cmd_token_create,
     "make an operator token (printed once); admin only"},
    {"token", "list", "", 0, 0, no_opts, cmd_token_list, "list operator tokens; admin only"},
    {"token", "revoke", "NAME", 1, 1, no_opts, cmd_token_revoke,
     "revoke an operator token; admin only"},
    {NULL, "audit", "", 0, 0, audit_opts, cmd_audit,
     "the audit log of operator calls, newest first"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
