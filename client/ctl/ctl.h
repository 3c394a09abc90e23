/* ctl.h - what mcuctl's files share: the connection settings, parsed arguments, the
 * HTTP call to the REST API (docs/api.md) and output helpers. mcuctl talks to mcud
 * only through that API. */
#ifndef HOINGHI_CTL_H
#define HOINGHI_CTL_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>

/* Exit codes (docs/operator-guide.md). */
enum ctl_exit {
    CTL_OK = 0,
    CTL_ERROR = 1,       /* the server failed (5xx) or something else went wrong */
    CTL_USAGE = 2,       /* bad command line */
    CTL_DENIED = 3,      /* 401 / 403: no valid token, or not allowed */
    CTL_NOT_FOUND = 4,   /* 404 */
    CTL_CONFLICT = 5,    /* 409: the state does not allow it */
    CTL_INVALID = 6,     /* 400: the server refused a field */
    CTL_UNREACHABLE = 7, /* no answer from the server */
};

struct ctl {
    char *server;       /* e.g. "http://127.0.0.1:8088" (no trailing slash) */
    char *token;        /* may be NULL: the server will say 401 */
    char *token_source; /* where the token came from, for messages */
    char *cacert;       /* CA file for https, or NULL: the system's */
    bool json;          /* --json: machine output */
};

/* One option of a subcommand. arg NULL: a flag. */
struct ctl_opt {
    const char *name; /* without "--" */
    const char *arg;  /* e.g. "TIME", or NULL */
    const char *help;
};

struct ctl_args {
    GHashTable *values; /* option -> last value ("" for flags) */
    GHashTable *lists;  /* option -> GPtrArray of every value (repeatable options) */
    char **positional;
    int count;
};

const char *ctl_opt_value(const struct ctl_args *a, const char *name);
bool ctl_opt_flag(const struct ctl_args *a, const char *name);
GPtrArray *ctl_opt_list(const struct ctl_args *a, const char *name); /* NULL if none */

/* Sends one request (body may be NULL; borrowed) to server + path; *out gets the
 * answer's JSON (NULL when none). Prints the server's error to stderr and returns the
 * exit code for the status. */
int ctl_call(struct ctl *ctl, const char *method, const char *path, json_t *body, json_t **out);
/* The same for a text answer (/metrics). */
int ctl_call_text(struct ctl *ctl, const char *path, char **out);
/* Percent-encodes one path segment (g_free). */
char *ctl_escape(const char *segment);
/* One query parameter from an option: --option VALUE -> param=VALUE. */
struct ctl_query_param {
    const char *option, *param;
    bool time; /* the value is a time: through ctl_time_arg() */
};
/* Appends "?param=value&..." to path for the options given (values percent-encoded),
 * params ending with {NULL}. False, after saying which option, for a bad time. */
bool ctl_append_query(GString *path, const struct ctl_args *a,
                      const struct ctl_query_param *params);

/* Times: "now", "+90s" / "+2m" / "+1h30m" from now, ISO 8601 with offset, or a time
 * without one "2025-03-01 09:00" / "2025-03-01T09:00[:SS]". Returns ISO 8601 with the
 * offset when one was given or meant (now + d), else ISO 8601 without an offset (the
 * API reads it in the conference's time zone), or "now"; g_malloc'd, or NULL. */
char *ctl_time_arg(const char *text);
/* The latest moment (Unix seconds) a ctl_time_arg() result can mean: itself when it
 * has an offset; read in UTC-12 when not (the conference's zone is the server's to
 * say). 0 if it is not a time. */
gint64 ctl_time_arg_latest(const char *iso);
/* An API time as the API gives it (the conference's zone) with that zone:
 * "2026-12-08 09:00 +07" (g_malloc'd); "-" for null. */
char *ctl_local_time(json_t *iso);
/* The same with seconds: "2026-12-08 09:00:05 +07". */
char *ctl_local_time_seconds(json_t *iso);
/* How far an API time is from now: "in 16 h", "3 days ago", "now" (g_malloc'd), or
 * NULL if it is not a time. */
char *ctl_time_in_words(json_t *iso);

/* Output. */
void ctl_print_json(json_t *value);
/* A table: `columns` headers, rows as NULL-terminated string arrays (GPtrArray of
 * char**), aligned by display width. */
void ctl_print_table(const char *const *columns, GPtrArray *rows);
char *ctl_json_text(json_t *v); /* a scalar as text, "-" for null (g_malloc'd) */

/* Subcommands, in cmd_*.c. */
struct ctl_command {
    const char *group; /* "conference", or NULL for a top-level command */
    const char *name;
    const char *usage; /* positional arguments, e.g. "ID" */
    int min_args, max_args;
    const struct ctl_opt *opts;
    int (*run)(struct ctl *ctl, const struct ctl_args *a);
    const char *summary;
};
extern const struct ctl_command ctl_conference_commands[];
extern const struct ctl_command ctl_live_commands[];
extern const struct ctl_command ctl_admin_commands[];
extern const struct ctl_command ctl_recording_commands[];
extern const struct ctl_command ctl_report_commands[];

#endif
