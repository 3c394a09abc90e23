/* config.c - mcud's settings from flags and a GLib key file; see config.h.
 *
 * Order of work: read all flags (no side effects yet), print help/version if asked,
 * fill defaults, apply the config file, then apply the flags over it. Every value goes
 * through the same validating setter, whose error message names where it came from. */
#include "mcu/core/config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "mcu/core/conference_settings.h"

#ifdef MCUD_DEFAULT_WEB_ROOT
#define DEFAULT_WEB_ROOT MCUD_DEFAULT_WEB_ROOT
#else
#define DEFAULT_WEB_ROOT "client/web"
#endif

/* Where `make install` puts the web client, relative to the folder of the installed
 * program (PREFIX/bin/mcud -> PREFIX/share/hoinghi/web). */
#define INSTALLED_WEB_ROOT "../share/hoinghi/web"

#define MAIN_GROUP        "mcud"
#define CONFERENCE_PREFIX "conference "
#define ECHO_TITLE        "Camera and microphone test"

/* Flag values as given, pointing into argv. */
struct flag_values {
    const char *listen, *state_dir, *public_address, *web_root, *log_level, *config, *archive_dir;
    const char *tls_cert, *tls_key;
    const char *ice[MCU_CONFIG_MAX_ICE_ADDRESSES];
    size_t ice_count;
    bool help, version;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void mcu_config_usage(FILE *f, const char *program)
{
    const char *p = program && *program ? program : "mcud";
    fprintf(
        f,
        "NAME\n"
        "    %s - hoinghi video-conferencing MCU daemon\n"
        "\n"
        "SYNOPSIS\n"
        "    %s [--config FILE] [--listen ADDR:PORT] [--state-dir DIR]\n"
        "         [--ice-address ADDR]... [--public-address ADDR] [--web-root DIR]\n"
        "         [--log-level debug|info|warn|error] [--archive-dir DIR]\n"
        "         [--tls-cert FILE --tls-key FILE]\n"
        "    %s --hash-pin < PIN\n"
        "    %s --help | --version\n"
        "\n"
        "DESCRIPTION\n"
        "    Serves the web client and the signalling WebSocket (/ws) over HTTP, and runs\n"
        "    conferences whose media flows over WebRTC (ICE, DTLS-SRTP). The conference\n"
        "    'echo' always exists: it sends each participant its own audio and video back.\n"
        "    Settings come from the built-in defaults, then the config file (--config),\n"
        "    then the flags; a flag overrides the file. Flags take their value either as\n"
        "    the next argument or after '=' (--listen=127.0.0.1:8088).\n"
        "\n"
        "OPTIONS\n"
        "    --listen ADDR:PORT\n"
        "        HTTP and WebSocket address. ADDR is an IPv4 or IPv6 literal; IPv6 goes in\n"
        "        brackets: [::1]:8088. Default %s.\n"
        "    --state-dir DIR\n"
        "        Directory for the database and recordings. Default %s.\n"
        "    --ice-address ADDR\n"
        "        Local IP address ICE gathers candidates on. Repeat the flag for several\n"
        "        addresses. Without it ICE uses every non-loopback interface. Given on the\n"
        "        command line, the list replaces the file's list.\n"
        "    --public-address ADDR\n"
        "        Public IP address of a 1:1 NAT in front of this host, advertised in the\n"
        "        ICE candidates in place of the local address. Default none.\n"
        "    --web-root DIR\n"
        "        Directory of the web client files. Default: the installed client beside\n"
        "        the program (its folder's " INSTALLED_WEB_ROOT ", e.g.\n"
        "        /usr/share/hoinghi/web for /usr/bin/mcud) when it holds index.html, else\n"
        "        the build tree's %s.\n"
        "    --log-level LEVEL\n"
        "        One of debug, info, warn, error. Default info.\n"
        "    --archive-dir DIR\n"
        "        Directory of the recordings archive (DIR/YYYY/MM/DD/...). Default\n"
        "        STATE_DIR/recordings.\n"
        "    --tls-cert FILE, --tls-key FILE\n"
        "        PEM certificate (chain) and private key: the port serves HTTPS and WSS\n"
        "        instead of HTTP and WS. Both or neither. Default none.\n"
        "    --hash-pin\n"
        "        Read a PIN (or any secret) from the first line of standard input, print\n"
        "        its hash for pin-hash= or host-token-hash= and exit.\n"
        "    --config FILE\n"
        "        Read settings and conferences from FILE (format below).\n"
        "    -h, --help\n"
        "        Print this text and exit.\n"
        "    --version\n"
        "        Print the version and exit.\n"
        "\n"
        "CONFIGURATION FILE\n"
        "    A key file (GLib format, like .ini): '#' starts a comment line, lists are\n"
        "    separated by ';'. Group [mcud] holds the settings, named like the flags:\n"
        "\n"
        "        [mcud]\n"
        "        listen=127.0.0.1:8088\n"
        "        state-dir=/var/lib/hoinghi\n"
        "        ice-address=127.0.0.1;::1\n"
        "        public-address=203.0.113.7\n"
        "        web-root=/usr/share/hoinghi/web\n"
        "        log-level=info\n"
        "        archive-dir=/var/lib/hoinghi/recordings\n"
        "        segment-minutes=60     (a recording's files are at most this long; 0: one)\n"
        "        retention-days=0       (finished recordings older than this are removed; 0: kept)\n"
        "        tls-cert=/etc/hoinghi/cert.pem\n"
        "        tls-key=/etc/hoinghi/key.pem\n"
        "\n"
        "    Limits (see the operator guide, \"Limits\"), also in [mcud]:\n"
        "      max-participants  joined participants in all conferences (default 256); a\n"
        "                        join over it gets the error server_full\n"
        "      max-sdp-bytes     largest SDP offer, 1024..65536 (default 32768)\n"
        "      join-rate         join attempts per minute per source address (default 60;\n"
        "                        0: no limit), with join-burst at once (default 20)\n"
        "      message-rate      signalling messages per second per connection (default\n"
        "                        50; 0: no limit), with message-burst at once (default 200)\n"
        "      send-queue-bytes  messages waiting for a client that does not read; over\n"
        "                        it the connection is closed (default 1048576)\n"
        "\n"
        "    Each group [conference ID] adds a conference. ID is 1..64 characters of a-z,\n"
        "    0-9 and '-', and must not be 'echo'. Keys (the same rules as the REST API's\n"
        "    fields, docs/api.md):\n",
        p, p, p, p, MCU_CONFIG_DEFAULT_LISTEN, MCU_CONFIG_DEFAULT_STATE_DIR, DEFAULT_WEB_ROOT);
    conference_settings_print_keys(f);
    fprintf(f,
            "\n"
            "        [conference so-y-te]\n"
            "        type=mix\n"
            "        title=Giao ban Sở Y tế\n"
            "        pin-hash=pbkdf2-sha256$20000$9f1c...$4be0...\n"
            "        layout=3x3\n"
            "\n"
            "        [conference secure-echo]\n"
            "        type=echo\n"
            "        pin=4321\n"
            "\n"
            "    Unknown groups and keys are errors.\n"
            "\n"
            "EXIT STATUS\n"
            "    0 after --help or --version or a clean shutdown, 1 when the daemon fails\n"
            "    at run time, 2 for a bad flag, value or config file.\n"
            "\n"
            "EXAMPLES\n"
            "    %s --listen 0.0.0.0:8088 --ice-address 192.0.2.10 --log-level debug\n"
            "    %s --config /etc/hoinghi/mcud.conf --listen [::]:8443\n",
            p, p);
}

/* --- validating setters; `origin` names the flag or file key for messages --- */

static bool is_ip_literal(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int set_string(char **slot, const char *value, const char *origin, char *err, size_t errlen)
{
    if (!value || !*value) return fail(err, errlen, "%s: must not be empty", origin);
    g_free(*slot);
    *slot = g_strdup(value);
    return 0;
}

static int set_listen(struct mcu_config *cfg, const char *value, const char *origin, char *err,
                      size_t errlen)
{
    const char *colon = NULL;
    char host[INET6_ADDRSTRLEN + 1];
    size_t host_len;
    const char *host_start = value;
    if (value[0] == '[') {
        const char *close = strchr(value, ']');
        if (!close || close[1] != ':') goto bad;
        host_start = value + 1;
        host_len = (size_t)(close - host_start);
        colon = close + 1;
        if (host_len == 0 || host_len >= sizeof host) goto bad;
        memcpy(host, host_start, host_len);
        host[host_len] = '\0';
        unsigned char buf[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET6, host, buf) != 1) goto bad;
    } else {
        colon = strrchr(value, ':');
        if (!colon) goto bad;
        host_len = (size_t)(colon - value);
        if (host_len == 0 || host_len >= sizeof host) goto bad;
        memcpy(host, value, host_len);
        host[host_len] = '\0';
        unsigned char buf[sizeof(struct in_addr)];
        if (inet_pton(AF_INET, host, buf) != 1) goto bad; /* IPv6 needs brackets */
    }
    const char *port_s = colon + 1;
    if (!*port_s || strlen(port_s) > 5 || strspn(port_s, "0123456789") != strlen(port_s)) goto bad;
    long port = strtol(port_s, NULL, 10);
    if (port < 1 || port > 65535)
        return fail(err, errlen, "%s: port %s is not in 1..65535", origin, port_s);
    g_free(cfg->listen_host);
    cfg->listen_host = g_strdup(host);
    cfg->listen_port = (uint16_t)port;
    return 0;
bad:
    return fail(err, errlen,
                "%s: '%s' is not ADDR:PORT (IPv4 like 127.0.0.1:8088 or IPv6 like [::1]:8088)",
                origin, value);
}

static int set_address(char **slot, const char *value, const char *origin, char *err, size_t errlen)
{
    if (!is_ip_literal(value))
        return fail(err, errlen, "%s: '%s' is not an IPv4 or IPv6 address", origin, value);
    g_free(*slot);
    *slot = g_strdup(value);
    return 0;
}

static int set_ice_addresses(struct mcu_config *cfg, const char *const *values, size_t n,
                             const char *origin, char *err, size_t errlen)
{
    if (n > MCU_CONFIG_MAX_ICE_ADDRESSES)
        return fail(err, errlen, "%s: at most %d addresses", origin, MCU_CONFIG_MAX_ICE_ADDRESSES);
    for (size_t i = 0; i < n; i++)
        if (!is_ip_literal(values[i]))
            return fail(err, errlen, "%s: '%s' is not an IPv4 or IPv6 address", origin, values[i]);
    g_strfreev(cfg->ice_addresses);
    cfg->ice_addresses = NULL;
    cfg->ice_address_count = 0;
    if (n == 0) return 0;
    cfg->ice_addresses = g_new0(char *, n + 1);
    for (size_t i = 0; i < n; i++) cfg->ice_addresses[i] = g_strdup(values[i]);
    cfg->ice_address_count = n;
    return 0;
}

static int set_log_level(struct mcu_config *cfg, const char *value, const char *origin, char *err,
                         size_t errlen)
{
    if (log_level_from_name(value, &cfg->log_level) < 0)
        return fail(err, errlen, "%s: '%s' is not one of debug, info, warn, error", origin, value);
    return 0;
}

/* --- conferences --- */

/* A whole decimal number within int range; -1 otherwise. */
static int parse_int(const char *text, int *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < -2147483647L || v > 2147483647L) return -1;
    *out = (int)v;
    return 0;
}

static struct mcu_conference_config *add_conference(struct mcu_config *cfg, const char *id)
{
    cfg->conferences =
        g_renew(struct mcu_conference_config, cfg->conferences, cfg->conference_count + 1);
    struct mcu_conference_config *c = &cfg->conferences[cfg->conference_count++];
    conference_settings_defaults(c);
    c->id = g_strdup(id);
    return c;
}

/* Reads one key as a string; NULL (and an error) when it is not valid UTF-8 etc. */
static char *file_string(GKeyFile *kf, const char *group, const char *key, const char *file,
                         char *err, size_t errlen)
{
    GError *gerr = NULL;
    char *v = g_key_file_get_string(kf, group, key, &gerr);
    if (!v) {
        fail(err, errlen, "%s: [%s] %s: %s", file, group, key, gerr ? gerr->message : "unreadable");
        g_clear_error(&gerr);
    }
    return v;
}

/* The rules between fields of a [conference ID] group (each field's own rule is the
 * schema's, mcu/core/conference_settings.h). */
static int check_conference(const struct mcu_conference_config *c, char *const *values,
                            const char *where, char *err, size_t errlen)
{
    if (values[CONFERENCE_FIELD_PIN] && values[CONFERENCE_FIELD_PIN_HASH])
        return fail(err, errlen, "%s: give pin or pin-hash, not both", where);
    if (c->host_required && !c->host_token_hash)
        return fail(err, errlen,
                    "%s: host-required=true needs host-token-hash (no room could be the host)",
                    where);
    return 0;
}

/* A [conference ID] group: every key through the schema's table, in the table's order. */
static int load_conference(struct mcu_config *cfg, GKeyFile *kf, const char *group,
                           const char *file, char *err, size_t errlen)
{
    const char *id = group + strlen(CONFERENCE_PREFIX);
    if (!conference_id_valid(id))
        return fail(err, errlen,
                    "%s: [%s]: conference id '%s' is not 1..64 characters of a-z, 0-9, '-'", file,
                    group, id);
    if (mcu_config_find_conference(cfg, id))
        return fail(err, errlen, "%s: [%s]: conference '%s' is %s", file, group, id,
                    strcmp(id, MCU_CONFIG_ECHO_ID) == 0 ? "built in" : "defined twice");
    char where[300], why[CONFERENCE_RULE_MAX], known[256];
    snprintf(where, sizeof where, "%s: [%s]", file, group);
    char *values[CONFERENCE_FIELD_COUNT] = {0};
    gsize nkeys = 0;
    char **keys = g_key_file_get_keys(kf, group, &nkeys, NULL);
    int rc = 0;
    for (gsize i = 0; rc == 0 && keys && i < nkeys; i++) {
        const struct conference_field *f = conference_field_by_key(keys[i]);
        if (!f) {
            conference_settings_known_keys(known, sizeof known);
            rc = fail(err, errlen, "%s: unknown key '%s' (known: %s)", where, keys[i], known);
        } else {
            g_free(values[f->id]);
            if (!(values[f->id] = file_string(kf, group, keys[i], file, err, errlen))) rc = -1;
        }
    }
    g_strfreev(keys);
    struct mcu_conference_config c;
    conference_settings_defaults(&c);
    if (rc == 0 && !values[CONFERENCE_FIELD_TYPE])
        rc = fail(err, errlen, "%s: type is missing (type=mix or type=echo)", where);
    for (size_t i = 0; rc == 0 && i < CONFERENCE_FIELD_COUNT; i++) {
        const struct conference_field *f = &conference_fields[i];
        if (!values[i]) continue;
        if (f->mix_only && c.type != MCU_CONFERENCE_MIX) { /* type is first in the table */
            conference_settings_mix_keys(known, sizeof known);
            rc = fail(err, errlen, "%s: %s: the keys %s are for type=mix", where, f->key, known);
        } else if (conference_settings_set_text(&c, f, values[i], why, sizeof why) != 0) {
            rc = f->secret ? fail(err, errlen, "%s %s: %s", where, f->key, why)
                           : fail(err, errlen, "%s %s '%s': %s", where, f->key, values[i], why);
        }
    }
    if (rc == 0) rc = check_conference(&c, values, where, err, errlen);
    if (rc == 0 && values[CONFERENCE_FIELD_PIN])
        log_warn("%s: pin= keeps the PIN in the file in plain text; put pin-hash=%s there instead "
                 "(the same PIN; or make one with mcud --hash-pin)",
                 where, c.pin_hash);
    if (rc == 0) {
        if (!c.title) c.title = g_strdup(c.type == MCU_CONFERENCE_MIX ? id : ECHO_TITLE);
        c.id = g_strdup(id);
        cfg->conferences =
            g_renew(struct mcu_conference_config, cfg->conferences, cfg->conference_count + 1);
        cfg->conferences[cfg->conference_count++] = c;
    } else {
        conference_settings_clear(&c);
    }
    /* Only the hash is kept; the plain PIN is wiped from memory. */
    char *pin = values[CONFERENCE_FIELD_PIN];
    if (pin) OPENSSL_cleanse(pin, strlen(pin));
    for (size_t i = 0; i < CONFERENCE_FIELD_COUNT; i++) g_free(values[i]);
    return rc;
}

static int load_main_group(struct mcu_config *cfg, GKeyFile *kf, const char *file, char *err,
                           size_t errlen)
{
    gsize nkeys = 0;
    char **keys = g_key_file_get_keys(kf, MAIN_GROUP, &nkeys, NULL);
    int rc = 0;
    for (gsize i = 0; rc == 0 && keys && i < nkeys; i++) {
        const char *k = keys[i];
        char origin[300];
        snprintf(origin, sizeof origin, "%s: [%s] %s", file, MAIN_GROUP, k);
        if (strcmp(k, "ice-address") == 0) {
            gsize n = 0;
            GError *gerr = NULL;
            char **list = g_key_file_get_string_list(kf, MAIN_GROUP, k, &n, &gerr);
            if (!list) {
                rc = fail(err, errlen, "%s: %s", origin, gerr ? gerr->message : "unreadable");
                g_clear_error(&gerr);
                break;
            }
            size_t kept = 0;
            for (gsize j = 0; j < n; j++) { /* "a; b" and a trailing ';' are fine */
                g_strstrip(list[j]);
                if (*list[j])
                    list[kept++] = list[j];
                else
                    g_free(list[j]);
            }
            list[kept] = NULL;
            rc = set_ice_addresses(cfg, (const char *const *)list, kept, origin, err, errlen);
            g_strfreev(list);
            continue;
        }
        char *v = file_string(kf, MAIN_GROUP, k, file, err, errlen);
        if (!v) {
            rc = -1;
            break;
        }
        g_strstrip(v);
        if (strcmp(k, "listen") == 0)
            rc = set_listen(cfg, v, origin, err, errlen);
        else if (strcmp(k, "state-dir") == 0)
            rc = set_string(&cfg->state_dir, v, origin, err, errlen);
        else if (strcmp(k, "public-address") == 0)
            rc = set_address(&cfg->public_address, v, origin, err, errlen);
        else if (strcmp(k, "web-root") == 0)
            rc = set_string(&cfg->web_root, v, origin, err, errlen);
        else if (strcmp(k, "log-level") == 0)
            rc = set_log_level(cfg, v, origin, err, errlen);
        else if (strcmp(k, "archive-dir") == 0)
            rc = set_string(&cfg->archive_dir, v, origin, err, errlen);
        else if (strcmp(k, "tls-cert") == 0)
            rc = set_string(&cfg->tls_cert, v, origin, err, errlen);
        else if (strcmp(k, "tls-key") == 0)
            rc = set_string(&cfg->tls_key, v, origin, err, errlen);
        else if (strcmp(k, "segment-minutes") == 0) {
            if (parse_int(v, &cfg->segment_minutes) != 0 || cfg->segment_minutes < 0 ||
                cfg->segment_minutes > MCU_CONFIG_MAX_SEGMENT_MINUTES)
                rc = fail(err, errlen, "%s: '%s' is not a number of minutes from 0 to %d", origin,
                          v, MCU_CONFIG_MAX_SEGMENT_MINUTES);
        } else if (strcmp(k, "retention-days") == 0) {
            if (parse_int(v, &cfg->retention_days) != 0 || cfg->retention_days < 0 ||
                cfg->retention_days > MCU_CONFIG_MAX_RETENTION_DAYS)
                rc = fail(err, errlen, "%s: '%s' is not a number of days from 0 to %d", origin, v,
                          MCU_CONFIG_MAX_RETENTION_DAYS);
        } else if ((rc = mcu_limits_config_set(&cfg->limits, k, v, origin, err, errlen)) != 0)
            rc = rc < 0 ? -1 : 0;
        else
            rc = fail(
                err, errlen,
                "%s: [%s]: unknown key '%s' (known: listen, state-dir, ice-address, "
                "public-address, web-root, log-level, archive-dir, segment-minutes, retention-days, "
                "tls-cert, tls-key, %s)",
                file, MAIN_GROUP, k, MCU_LIMITS_KEYS);
        g_free(v);
    }
    g_strfreev(keys);
    return rc;
}

static int load_file(struct mcu_config *cfg, const char *file, char *err, size_t errlen)
{
    GKeyFile *kf = g_key_file_new();
    GError *gerr = NULL;
    int rc = 0;
    if (!g_key_file_load_from_file(kf, file, G_KEY_FILE_NONE, &gerr)) {
        rc = fail(err, errlen, "--config: cannot read '%s': %s", file, gerr->message);
        g_clear_error(&gerr);
        g_key_file_free(kf);
        return rc;
    }
    gsize ngroups = 0;
    char **groups = g_key_file_get_groups(kf, &ngroups);
    for (gsize i = 0; rc == 0 && i < ngroups; i++) {
        if (strcmp(groups[i], MAIN_GROUP) == 0)
            rc = load_main_group(cfg, kf, file, err, errlen);
        else if (g_str_has_prefix(groups[i], CONFERENCE_PREFIX))
            rc = load_conference(cfg, kf, groups[i], file, err, errlen);
        else
            rc = fail(err, errlen, "%s: unknown group [%s] (known: [mcud], [conference ID])", file,
                      groups[i]);
        if (rc == 0 && cfg->conference_count > MCU_CONFIG_MAX_CONFERENCES)
            rc =
                fail(err, errlen, "%s: more than %d conferences", file, MCU_CONFIG_MAX_CONFERENCES);
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    if (rc == 0) cfg->config_file = g_strdup(file);
    return rc;
}

/* --- flags --- */

enum flag_id {
    F_LISTEN,
    F_STATE_DIR,
    F_ICE,
    F_PUBLIC,
    F_WEB_ROOT,
    F_LOG_LEVEL,
    F_CONFIG,
    F_HELP,
    F_VERSION,
    F_ARCHIVE_DIR,
    F_TLS_CERT,
    F_TLS_KEY
};

static const struct {
    const char *name;
    enum flag_id id;
    bool has_value;
} flag_table[] = {
    {"--listen", F_LISTEN, true},
    {"--state-dir", F_STATE_DIR, true},
    {"--ice-address", F_ICE, true},
    {"--public-address", F_PUBLIC, true},
    {"--web-root", F_WEB_ROOT, true},
    {"--log-level", F_LOG_LEVEL, true},
    {"--config", F_CONFIG, true},
    {"--help", F_HELP, false},
    {"-h", F_HELP, false},
    {"--version", F_VERSION, false},
    {"--archive-dir", F_ARCHIVE_DIR, true},
    {"--tls-cert", F_TLS_CERT, true},
    {"--tls-key", F_TLS_KEY, true},
};

static int read_flags(int argc, char **argv, struct flag_values *fv, char *err, size_t errlen)
{
    memset(fv, 0, sizeof *fv);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        size_t f = 0, nflags = sizeof flag_table / sizeof flag_table[0];
        while (f < nflags && !(strlen(flag_table[f].name) == name_len &&
                               strncmp(flag_table[f].name, arg, name_len) == 0))
            f++;
        if (f == nflags) {
            if (arg[0] == '-') return fail(err, errlen, "unknown option '%s' (see --help)", arg);
            return fail(err, errlen, "unexpected argument '%s' (see --help)", arg);
        }
        const char *value = NULL;
        if (flag_table[f].has_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return fail(err, errlen, "%s: needs a value", flag_table[f].name);
        } else if (eq) {
            return fail(err, errlen, "%s takes no value", flag_table[f].name);
        }
        switch (flag_table[f].id) {
        case F_LISTEN: fv->listen = value; break;
        case F_STATE_DIR: fv->state_dir = value; break;
        case F_PUBLIC: fv->public_address = value; break;
        case F_WEB_ROOT: fv->web_root = value; break;
        case F_LOG_LEVEL: fv->log_level = value; break;
        case F_CONFIG: fv->config = value; break;
        case F_ARCHIVE_DIR: fv->archive_dir = value; break;
        case F_TLS_CERT: fv->tls_cert = value; break;
        case F_TLS_KEY: fv->tls_key = value; break;
        case F_HELP: fv->help = true; break;
        case F_VERSION: fv->version = true; break;
        case F_ICE:
            if (fv->ice_count >= MCU_CONFIG_MAX_ICE_ADDRESSES)
                return fail(err, errlen, "--ice-address: at most %d addresses",
                            MCU_CONFIG_MAX_ICE_ADDRESSES);
            fv->ice[fv->ice_count++] = value;
            break;
        }
    }
    return 0;
}

static int apply_flags(struct mcu_config *cfg, const struct flag_values *fv, char *err,
                       size_t errlen)
{
    if (fv->listen && set_listen(cfg, fv->listen, "--listen", err, errlen) < 0) return -1;
    if (fv->state_dir && set_string(&cfg->state_dir, fv->state_dir, "--state-dir", err, errlen) < 0)
        return -1;
    if (fv->ice_count &&
        set_ice_addresses(cfg, fv->ice, fv->ice_count, "--ice-address", err, errlen) < 0)
        return -1;
    if (fv->public_address &&
        set_address(&cfg->public_address, fv->public_address, "--public-address", err, errlen) < 0)
        return -1;
    if (fv->web_root && set_string(&cfg->web_root, fv->web_root, "--web-root", err, errlen) < 0)
        return -1;
    if (fv->log_level && set_log_level(cfg, fv->log_level, "--log-level", err, errlen) < 0)
        return -1;
    if (fv->archive_dir &&
        set_string(&cfg->archive_dir, fv->archive_dir, "--archive-dir", err, errlen) < 0)
        return -1;
    if (!cfg->archive_dir) cfg->archive_dir = g_build_filename(cfg->state_dir, "recordings", NULL);
    if (fv->tls_cert && set_string(&cfg->tls_cert, fv->tls_cert, "--tls-cert", err, errlen) < 0)
        return -1;
    if (fv->tls_key && set_string(&cfg->tls_key, fv->tls_key, "--tls-key", err, errlen) < 0)
        return -1;
    if (!cfg->tls_cert != !cfg->tls_key)
        return fail(err, errlen,
                    "%s is set but %s is not: TLS needs both a certificate and its key",
                    cfg->tls_cert ? "tls-cert" : "tls-key", cfg->tls_cert ? "tls-key" : "tls-cert");
    return 0;
}

char *mcu_config_default_web_root(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe) {
        char *dir = g_path_get_dirname(exe);
        char *root = g_build_filename(dir, INSTALLED_WEB_ROOT, NULL);
        char *index = g_build_filename(root, "index.html", NULL);
        bool installed = g_file_test(index, G_FILE_TEST_IS_REGULAR);
        g_free(index);
        g_free(dir);
        g_free(exe);
        if (installed) {
            char *canonical = g_canonicalize_filename(root, NULL);
            g_free(root);
            return canonical;
        }
        g_free(root);
    }
    return g_strdup(DEFAULT_WEB_ROOT);
}

static void set_defaults(struct mcu_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen_host = g_strdup("127.0.0.1");
    cfg->listen_port = 8088;
    cfg->state_dir = g_strdup(MCU_CONFIG_DEFAULT_STATE_DIR);
    cfg->web_root = mcu_config_default_web_root();
    cfg->log_level = LOG_INFO;
    cfg->segment_minutes = MCU_CONFIG_DEFAULT_SEGMENT_MINUTES;
    mcu_limits_config_defaults(&cfg->limits);
    struct mcu_conference_config *echo = add_conference(cfg, MCU_CONFIG_ECHO_ID);
    echo->title = g_strdup(ECHO_TITLE);
}

int mcu_config_load(int argc, char **argv, struct mcu_config *cfg, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    if (err && errlen) err[0] = '\0';
    struct flag_values fv;
    if (read_flags(argc, argv, &fv, err, errlen) < 0) return -1;
    if (fv.help) {
        mcu_config_usage(stdout, argc > 0 ? argv[0] : NULL);
        return 1;
    }
    if (fv.version) {
        printf("mcud (hoinghi) %s\n", MCUD_VERSION);
        return 1;
    }
    set_defaults(cfg);
    if (fv.config && !*fv.config) {
        mcu_config_clear(cfg);
        return fail(err, errlen, "--config: must not be empty");
    }
    if ((fv.config && load_file(cfg, fv.config, err, errlen) < 0) ||
        apply_flags(cfg, &fv, err, errlen) < 0) {
        mcu_config_clear(cfg);
        return -1;
    }
    return 0;
}

void mcu_config_clear(struct mcu_config *cfg)
{
    if (!cfg) return;
    g_free(cfg->listen_host);
    g_free(cfg->state_dir);
    g_strfreev(cfg->ice_addresses);
    g_free(cfg->public_address);
    g_free(cfg->web_root);
    g_free(cfg->config_file);
    g_free(cfg->archive_dir);
    g_free(cfg->tls_cert);
    g_free(cfg->tls_key);
    for (size_t i = 0; i < cfg->conference_count; i++)
        conference_settings_clear(&cfg->conferences[i]);
    g_free(cfg->conferences);
    memset(cfg, 0, sizeof *cfg);
}

const struct mcu_conference_config *mcu_config_find_conference(const struct mcu_config *cfg,
                                                               const char *id)
{
    if (!cfg || !id) return NULL;
    for (size_t i = 0; i < cfg->conference_count; i++)
        if (strcmp(cfg->conferences[i].id, id) == 0) return &cfg->conferences[i];
    return NULL;
}
