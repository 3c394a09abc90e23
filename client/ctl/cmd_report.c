/* cmd_report.c - mcuctl conference report ID: a meeting's attendance (who joined and
 * left when, for how long, why), from GET /api/v1/conferences/ID/report, as a table
 * (times in the conference's zone), CSV (RFC 4180, for spreadsheets) or JSON. */
#include "client/ctl/ctl.h"

#include <stdio.h>
#include <string.h>

static const struct ctl_opt report_opts[] = {
    {"format", "FORMAT", "table (the default), csv or json (--json too)"},
    {"occurrence", "N", "only this occurrence of a recurring conference"},
    {"since", "TIME", "stays that went on at or after this time"},
    {"until", "TIME", "stays that began before this time"},
    {NULL, NULL, NULL},
};

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

/* "1h02m05s", "12m05s", "45s". */
static char *duration_text(json_int_t s)
{
    if (s >= 3600)
        return g_strdup_printf("%lldh%02lldm%02llds", (long long)s / 3600,
                               (long long)(s % 3600) / 60, (long long)s % 60);
    if (s >= 60) return g_strdup_printf("%lldm%02llds", (long long)s / 60, (long long)s % 60);
    return g_strdup_printf("%llds", (long long)s);
}

static void print_table(json_t *stays)
{
    static const char *const columns[] = {"ROOM",     "PARTICIPANT", "JOINED", "LEFT",
                                          "DURATION", "REASON",      NULL};
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    GHashTable *rooms = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i, present = 0;
    json_t *s;
    json_array_foreach(stays, i, s)
    {
        bool in = json_is_true(json_object_get(s, "present"));
        char **row = g_new0(char *, 7);
        row[0] = ctl_json_text(json_object_get(s, "room"));
        row[1] = ctl_json_text(json_object_get(s, "participant"));
        row[2] = ctl_local_time_seconds(json_object_get(s, "joined_at"));
        row[3] = in ? g_strdup("present") : ctl_local_time_seconds(json_object_get(s, "left_at"));
        row[4] = duration_text(json_integer_value(json_object_get(s, "duration_seconds")));
        row[5] = in ? g_strdup("-") : ctl_json_text(json_object_get(s, "reason"));
        g_hash_table_add(rooms, (gpointer)json_string_value(json_object_get(s, "room")));
        present += in;
        g_ptr_array_add(rows, row);
    }
    ctl_print_table(columns, rows);
    printf("%zu stays of %u rooms; %zu present\n", json_array_size(stays), g_hash_table_size(rooms),
           present);
    g_hash_table_destroy(rooms);
    g_ptr_array_free(rows, TRUE);
}

/* One CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
static void csv_field(const char *text, bool last)
{
    if (strpbrk(text, ",\"\r\n")) {
        putchar('"');
        for (const char *p = text; *p; p++) {
            if (*p == '"') putchar('"');
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(text, stdout);
    }
    fputs(last ? "\r\n" : ",", stdout);
}

static void print_csv(json_t *stays)
{
    static const char *const keys[] = {"room",      "participant", "occurrence",
                                       "joined_at", "left_at",     "duration_seconds",
                                       "present",   "reason",      NULL};
    for (size_t k = 0; keys[k]; k++) csv_field(keys[k], !keys[k + 1]);
    size_t i;
    json_t *s;
    json_array_foreach(stays, i, s)
    {
        for (size_t k = 0; keys[k]; k++) {
            json_t *v = json_object_get(s, keys[k]);
            /* empty, not "-", for what is not there (left_at and reason while present) */
            char *text = !v || json_is_null(v) ? g_strdup("")
                         : json_is_boolean(v)  ? g_strdup(json_is_true(v) ? "true" : "false")
                                               : ctl_json_text(v);
            csv_field(text, !keys[k + 1]);
            g_free(text);
        }
    }
}

/* The report's path with the options as its query; NULL (after saying why) for a bad
 * time. */
static GString *report_path(const char *conference, const struct ctl_args *a)
{
    static const struct ctl_query_param params[] = {{"occurrence", "occurrence", false},
                                                    {"since", "since", true},
                                                    {"until", "until", true},
                                                    {0}};
    char *id = ctl_escape(conference);
    GString *path = g_string_new(NULL);
    g_string_printf(path, "/api/v1/conferences/%s/report", id);
    g_free(id);
    if (ctl_append_query(path, a, params)) return path;
    g_string_free(path, TRUE);
    return NULL;
}

static int cmd_report(struct ctl *ctl, const struct ctl_args *a)
{
    const char *format_name = ctl_opt_value(a, "format");
    enum report_format format = ctl->json ? REPORT_JSON : REPORT_TABLE;
    if (format_name) {
        if (strcmp(format_name, "table") == 0)
            format = REPORT_TABLE;
        else if (strcmp(format_name, "csv") == 0)
            format = REPORT_CSV;
        else if (strcmp(format_name, "json") == 0)
            format = REPORT_JSON;
        else {
            fprintf(stderr, "mcuctl: --format must be table, csv or json, not '%s'\n", format_name);
            return CTL_USAGE;
        }
        if (ctl->json && format != REPORT_JSON) {
            fprintf(stderr, "mcuctl: --json and --format %s disagree; give one\n", format_name);
            return CTL_USAGE;
        }
    }
    GString *path = report_path(a->positional[0], a);
    if (!path) return CTL_USAGE;
    json_t *out = NULL;
    int rc = ctl_call(ctl, "GET", path->str, NULL, &out);
    g_string_free(path, TRUE);
    if (rc != CTL_OK) return rc;
    json_t *stays = json_object_get(out, "stays");
    if (format == REPORT_JSON)
        ctl_print_json(out);
    else if (!json_is_array(stays)) {
        fprintf(stderr, "mcuctl: the server's report has no list of stays\n");
        rc = CTL_ERROR;
    } else if (format == REPORT_CSV)
        print_csv(stays);
    else
        print_table(stays);
    json_decref(out);
    return rc;
}

const struct ctl_command ctl_report_commands[] = {
    {"conference", "report", "ID", 1, 1, report_opts, cmd_report,
     "attendance: who joined and left when, for how long (--format table|csv|json)"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
