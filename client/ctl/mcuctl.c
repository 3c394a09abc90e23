/* mcuctl.c - the operator CLI for mcud: global options, where the server and token
 * come from, parsing a subcommand's options, --help everywhere, and dispatch to the
 * cmd_*.c files. Every subcommand is one REST API call (docs/api.md).
 *
 * Server: --server, $MCU_URL, the config file's `server`, else http://127.0.0.1:8088.
 * Token:  --token, $MCU_TOKEN, --token-file, the config file's `token` / `token-file`,
 *         else the admin token of an mcud on this machine: STATE_DIR/admin.token with
 *         STATE_DIR from --state-dir, $MCU_STATE_DIR, the config file, ./var or
 *         /var/lib/hoinghi.
 * TLS:    an https:// server is checked against the system's CAs, or the CA file
 *         from --cacert, $MCU_CACERT or the config file's `cacert`.
 * Config file: $MCUCTL_CONFIG (empty: none), else ~/.config/hoinghi/mcuctl.conf (GLib
 * key file, group [mcuctl]). */
#include "client/ctl/ctl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_SERVER "http://127.0.0.1:8088"
#define VERSION        "0.1"

static const char *const default_state_dirs[] = {"./var", "/var/lib/hoinghi", NULL};

/* --- arguments ------------------------------------------------------------------ */

const char *ctl_opt_value(const struct ctl_args *a, const char *name)
{
    return g_hash_table_lookup(a->values, name);
}

bool ctl_opt_flag(const struct ctl_args *a, const char *name)
{
    return g_hash_table_contains(a->values, name);
}

GPtrArray *ctl_opt_list(const struct ctl_args *a, const char *name)
{
    return g_hash_table_lookup(a->lists, name);
}

/* Options every subcommand takes. */
static const struct ctl_opt common_opts[] = {
    {"json", NULL, "machine-readable JSON output"},
    {"server", "URL", "mcud's address (default $MCU_URL or " DEFAULT_SERVER ")"},
    {"token", "TOKEN", "operator token (default $MCU_TOKEN, the config file or admin.token)"},
    {"token-file", "FILE", "read the token from FILE"},
    {"state-dir", "DIR", "mcud's state directory on this machine (for admin.token)"},
    {"cacert", "FILE", "CA certificate(s) for an https server (default $MCU_CACERT)"},
    {"help", NULL, "show this help"},
    {NULL, NULL, NULL},
};

static const struct ctl_opt *find_opt(const struct ctl_opt *opts, const char *name)
{
    for (size_t i = 0; opts && opts[i].name; i++)
        if (strcmp(opts[i].name, name) == 0) return &opts[i];
    return NULL;
}

/* Parses argv (after the subcommand) into a; returns 0 or -1 with a message printed. */
static int parse_args(int argc, char **argv, const struct ctl_opt *opts, struct ctl_args *a)
{
    a->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    a->lists =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    a->positional = g_new0(char *, (size_t)argc + 1);
    a->count = 0;
    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->positional[a->count++] = g_strdup(arg);
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (strcmp(arg, "-h") == 0)
                arg = "--help";
            else {
                fprintf(stderr, "mcuctl: unknown option '%s'\n", arg);
                return -1;
            }
        }
        char *name = g_strdup(arg + 2), *value = NULL;
        char *eq = strchr(name, '=');
        if (eq) {
            *eq = '\0';
            value = g_strdup(eq + 1);
        }
        const struct ctl_opt *o = find_opt(opts, name);
        if (!o) o = find_opt(common_opts, name);
        if (!o) {
            fprintf(stderr, "mcuctl: unknown option '--%s' (see --help)\n", name);
            g_free(name);
            g_free(value);
            return -1;
        }
        if (o->arg && !value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "mcuctl: --%s needs a value (%s)\n", name, o->arg);
                g_free(name);
                return -1;
            }
            value = g_strdup(argv[++i]);
        } else if (!o->arg && value) {
            fprintf(stderr, "mcuctl: --%s takes no value\n", name);
            g_free(name);
            g_free(value);
            return -1;
        }
        GPtrArray *list = g_hash_table_lookup(a->lists, name);
        if (!list) {
            list = g_ptr_array_new_with_free_func(g_free);
            g_hash_table_insert(a->lists, g_strdup(name), list);
        }
        g_ptr_array_add(list, g_strdup(value ? value : ""));
        g_hash_table_insert(a->values, name, value ? value : g_strdup(""));
    }
    return 0;
}

static void free_args(struct ctl_args *a)
{
    if (a->values) g_hash_table_destroy(a->values);
    if (a->lists) g_hash_table_destroy(a->lists);
    if (a->positional) g_strfreev(a->positional);
}

/* --- help -------------------------------------------------------------------------- */

static const struct ctl_command *const tables[] = {ctl_conference_commands, ctl_report_commands,
                                                   ctl_live_commands,       ctl_recording_commands,
                                                   ctl_admin_commands,      NULL};

static void print_opts(FILE *f, const struct ctl_opt *opts)
{
    for (size_t i = 0; opts && opts[i].name; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(f, "  %-24s %s\n", left, opts[i].help);
    }
}

static void command_help(FILE *f, const struct ctl_command *c)
{
    fprintf(f, "Usage: mcuctl %s%s%s%s%s [OPTIONS]\n\n%s\n", c->group ? c->group : "",
            c->group ? " " : "", c->name, c->usage[0] ? " " : "", c->usage, c->summary);
    if (c->opts && c->opts[0].name) {
        fprintf(f, "\nOptions:\n");
        print_opts(f, c->opts);
    }
    fprintf(f, "\nCommon options:\n");
    print_opts(f, common_opts);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: mcuctl [--server URL] [--token TOKEN] [--json] COMMAND [ARGS] [OPTIONS]\n\n"
               "Operates a hoinghi MCU (mcud) through its REST API.\n\nCommands:\n");
    for (size_t t = 0; tables[t]; t++)
        for (size_t i = 0; tables[t][i].name; i++) {
            const struct ctl_command *c = &tables[t][i];
            char left[64];
            snprintf(left, sizeof left, "%s%s%s", c->group ? c->group : "", c->group ? " " : "",
                     c->name);
            fprintf(f, "  %-24s %s\n", left, c->summary);
        }
    fprintf(f, "\nCommon options:\n");
    print_opts(f, common_opts);
    fprintf(
        f,
        "\nExit status: 0 ok, 1 server error, 2 usage, 3 unauthorized or forbidden, 4 not found,\n"
        "5 conflict with the current state, 6 invalid request, 7 server unreachable.\n"
        "'mcuctl COMMAND --help' describes each command.\n");
}

/* --- connection settings ---------------------------------------------------------- */

static char *read_token_file(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL)) return NULL;
    g_strstrip(text);
    if (!text[0]) {
        g_free(text);
        return NULL;
    }
    return text;
}

static GKeyFile *load_config(void)
{
    const char *path = g_getenv("MCUCTL_CONFIG");
    if (path && !path[0]) return NULL; /* MCUCTL_CONFIG= : no config file */
    char *fallback = g_build_filename(g_get_user_config_dir(), "hoinghi", "mcuctl.conf", NULL);
    GKeyFile *kf = g_key_file_new();
    if (!g_key_file_load_from_file(kf, path ? path : fallback, G_KEY_FILE_NONE, NULL)) {
        if (path) fprintf(stderr, "mcuctl: cannot read the config file %s\n", path);
        g_key_file_free(kf);
        kf = NULL;
    }
    g_free(fallback);
    return kf;
}

static char *config_get(GKeyFile *kf, const char *key)
{
    return kf ? g_key_file_get_string(kf, "mcuctl", key, NULL) : NULL;
}

static void resolve(struct ctl *ctl, const struct ctl_args *a)
{
    GKeyFile *kf = load_config();
    const char *v;
    if ((v = ctl_opt_value(a, "server")))
        ctl->server = g_strdup(v);
    else if ((v = g_getenv("MCU_URL")) && v[0])
        ctl->server = g_strdup(v);
    else if (!(ctl->server = config_get(kf, "server")))
        ctl->server = g_strdup(DEFAULT_SERVER);
    if ((v = ctl_opt_value(a, "cacert")))
        ctl->cacert = g_strdup(v);
    else if ((v = g_getenv("MCU_CACERT")) && v[0])
        ctl->cacert = g_strdup(v);
    else
        ctl->cacert = config_get(kf, "cacert");
    size_t n = strlen(ctl->server);
    while (n > 0 && ctl->server[n - 1] == '/') ctl->server[--n] = '\0';

    char *file = NULL;
    if ((v = ctl_opt_value(a, "token"))) {
        ctl->token = g_strdup(v);
        ctl->token_source = g_strdup("--token");
    } else if ((v = g_getenv("MCU_TOKEN")) && v[0]) {
        ctl->token = g_strdup(v);
        ctl->token_source = g_strdup("$MCU_TOKEN");
    } else if ((v = ctl_opt_value(a, "token-file")) || (file = config_get(kf, "token-file"))) {
        const char *path = v ? v : file;
        ctl->token = read_token_file(path);
        ctl->token_source = g_strdup(path);
        if (!ctl->token) fprintf(stderr, "mcuctl: cannot read a token from %s\n", path);
    } else if ((ctl->token = config_get(kf, "token"))) {
        ctl->token_source = g_strdup("the config file");
    } else {
        char *dir = NULL;
        const char *given = ctl_opt_value(a, "state-dir");
        if (!given) given = g_getenv("MCU_STATE_DIR");
        if (!given) given = dir = config_get(kf, "state-dir");
        for (size_t i = 0; !ctl->token && (given ? i == 0 : default_state_dirs[i] != NULL); i++) {
            char *path =
                g_build_filename(given ? given : default_state_dirs[i], "admin.token", NULL);
            ctl->token = read_token_file(path);
            if (ctl->token) ctl->token_source = g_strdup(path);
            g_free(path);
        }
        g_free(dir);
    }
    g_free(file);
    if (kf) g_key_file_free(kf);
    ctl->json = ctl->json || ctl_opt_flag(a, "json");
}

/* --- main ------------------------------------------------------------------------------ */

static const struct ctl_command *find_command(const char *group, const char *name,
                                              bool *group_known)
{
    *group_known = false;
    for (size_t t = 0; tables[t]; t++)
        for (size_t i = 0; tables[t][i].name; i++) {
            const struct ctl_command *c = &tables[t][i];
            if (c->group && group && strcmp(c->group, group) == 0) {
                *group_known = true;
                if (name && strcmp(c->name, name) == 0) return c;
            }
            if (!c->group && group && strcmp(c->name, group) == 0 && !name) return c;
        }
    return NULL;
}

static void group_help(FILE *f, const char *group)
{
    fprintf(f, "Usage: mcuctl %s COMMAND [ARGS] [OPTIONS]\n\nCommands:\n", group);
    for (size_t t = 0; tables[t]; t++)
        for (size_t i = 0; tables[t][i].name; i++)
            if (tables[t][i].group && strcmp(tables[t][i].group, group) == 0)
                fprintf(f, "  %-10s %-16s %s\n", tables[t][i].name, tables[t][i].usage,
                        tables[t][i].summary);
    fprintf(f, "\n'mcuctl %s COMMAND --help' describes each.\n", group);
}

int main(int argc, char **argv)
{
    struct ctl ctl = {0};
    /* Global options before the command (the same ones work after it too). */
    int i = 1;
    struct ctl_args globals = {0};
    while (i < argc && argv[i][0] == '-') {
        const struct ctl_opt *o = NULL;
        const char *arg = argv[i];
        if (strcmp(arg, "--version") == 0) {
            printf("mcuctl %s\n", VERSION);
            return CTL_OK;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return CTL_OK;
        }
        const char *name = arg + 2;
        size_t len = strcspn(name, "=");
        for (size_t k = 0; common_opts[k].name; k++)
            if (strncmp(arg, "--", 2) == 0 && strlen(common_opts[k].name) == len &&
                strncmp(common_opts[k].name, name, len) == 0)
                o = &common_opts[k];
        if (!o) {
            fprintf(stderr, "mcuctl: unknown option '%s'\nTry 'mcuctl --help'.\n", arg);
            return CTL_USAGE;
        }
        i += (o->arg && !strchr(arg, '=')) ? 2 : 1;
        if (i > argc) {
            fprintf(stderr, "mcuctl: %s needs a value\n", arg);
            return CTL_USAGE;
        }
    }
    if (parse_args(i - 1, argv + 1, common_opts, &globals) != 0) {
        free_args(&globals);
        return CTL_USAGE;
    }
    if (i >= argc) {
        usage(stderr);
        free_args(&globals);
        return CTL_USAGE;
    }
    const char *group = argv[i];
    const char *name = i + 1 < argc && argv[i + 1][0] != '-' ? argv[i + 1] : NULL;
    bool group_known;
    const struct ctl_command *c = find_command(group, NULL, &group_known);
    int first = i + 1;
    if (!c) {
        c = find_command(group, name, &group_known);
        first = i + 2;
    }
    if (!c) {
        if (group_known) {
            bool wants_help = name == NULL;
            for (int k = i + 1; k < argc; k++)
                wants_help = wants_help || strcmp(argv[k], "--help") == 0;
            if (name) fprintf(stderr, "mcuctl: '%s %s' is not a command\n\n", group, name);
            group_help(name ? stderr : stdout, group);
            free_args(&globals);
            return name || !wants_help ? CTL_USAGE : CTL_OK;
        }
        fprintf(stderr, "mcuctl: '%s' is not a command\nTry 'mcuctl --help'.\n", group);
        free_args(&globals);
        return CTL_USAGE;
    }
    struct ctl_args a = {0};
    int rc;
    if (parse_args(argc - first, argv + first, c->opts, &a) != 0) {
        rc = CTL_USAGE;
    } else if (ctl_opt_flag(&a, "help")) {
        command_help(stdout, c);
        rc = CTL_OK;
    } else if (a.count < c->min_args || a.count > c->max_args) {
        fprintf(stderr, "mcuctl: wrong number of arguments\n\n");
        command_help(stderr, c);
        rc = CTL_USAGE;
    } else {
        /* Options after the command win over those before it. */
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, globals.values);
        while (g_hash_table_iter_next(&it, &k, &v))
            if (!g_hash_table_contains(a.values, k))
                g_hash_table_insert(a.values, g_strdup(k), g_strdup(v));
        resolve(&ctl, &a);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        rc = c->run(&ctl, &a);
        curl_global_cleanup();
    }
    free_args(&a);
    free_args(&globals);
    g_free(ctl.server);
    g_free(ctl.token);
    g_free(ctl.token_source);
    g_free(ctl.cacert);
    return rc;
}
