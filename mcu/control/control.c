/* control.c - the operator plane's lifetime: store, first admin token, scheduler and
 * its timer, what the scheduler's decisions do to the server (open, close, warn),
 * and the join checks; see control.h. The REST API is in api*.c. */
#include "mcu/control/control_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "mcu/conference/registry.h"
#include "mcu/core/conference_settings.h"
#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"
#include "mcu/control/schedule.h"
#include "mcu/core/secret.h"

#define TIMER_MAX_MS 60000

int64_t control_now(void) { return g_get_real_time() / G_USEC_PER_SEC; }

/* --- what the scheduler decides ---------------------------------------------------- */

static void on_open(void *owner, const struct store_conference *c)
{
    struct control *control = owner;
    struct mcu_conference_config config;
    store_conference_get_settings(c, &config);
    /* Open early (rooms may join before the start): record=always waits for the
     * scheduled start (on_transition). */
    struct schedule_window w;
    if (c->state == STORE_SCHEDULED && schedule_occurrence(c, c->occurrence, &w))
        config.record_from = w.start;
    /* The host token is checked against the store at each join (it may change). */
    g_free(config.host_token_hash);
    config.host_token_hash = NULL;
    if (registry_open_settings(control->registry, &config) != 0)
        log_warn("conference %s: a config file conference has this id; not opened", c->id);
    conference_settings_clear(&config);
}

static void on_close(void *owner, const char *id, const char *reason)
{
    struct control *control = owner;
    registry_close_settings(control->registry, id, reason);
}

static void on_warn(void *owner, const struct store_conference *c, int64_t end)
{
    struct control *control = owner;
    log_info("conference %s ends in %lld s: rooms warned", c->id, (long long)(end - control_now()));
    char *ends_at = schedule_format_time(end, c->timezone);
    /* Rooms that join from now on get the warning when they join. */
    registry_set_ending(control->registry, c->id, ends_at, end);
    if (!registry_running(control->registry, c->id)) {
        g_free(ends_at);
        return;
    }
    json_t *event = json_pack("{s:s, s:s, s:I}", "type", "conference_ending", "ends_at", ends_at,
                              "seconds", (json_int_t)(end - control_now()));
    g_free(ends_at);
    registry_broadcast(control->registry, c->id, event ? json_dumps(event, JSON_COMPACT) : NULL,
                       NULL);
    json_decref(event);
}

static void on_transition(void *owner, const struct store_conference *c,
                          enum store_conference_state from, int from_occurrence)
{
    struct control *control = owner;
    char action[64], result[128];
    snprintf(action, sizeof action, "schedule.%s", store_state_name(c->state));
    snprintf(result, sizeof result, "%s (occurrence %d) -> %s (occurrence %d)",
             store_state_name(from), from_occurrence, store_state_name(c->state), c->occurrence);
    log_info("conference %s: %s", c->id, result);
    struct store_audit_entry e = {
        .at_ms = g_get_real_time() / 1000,
        .token_name = NULL,
        .action = action,
        .target = c->id,
        .source = "scheduler",
        .status = 200,
        .result = result,
    };
    store_audit_add(control->store, &e);
    /* The scheduled start: a record=always meeting that rooms joined early starts
     * recording now. */
    if (c->state == STORE_OPEN) registry_record_by_policy(control->registry, c->id);
}

static gboolean on_timer(gpointer data)
{
    struct control *control = data;
    g_source_unref(control->timer);
    control->timer = NULL;
    control_reschedule(control);
    return G_SOURCE_REMOVE;
}

void control_reschedule(struct control *control)
{
    glib_source_stop(&control->timer);
    int64_t due = scheduler_step(control->scheduler, control_now());
    int64_t delay_ms = TIMER_MAX_MS;
    if (due != INT64_MAX) {
        /* Just after the second it is due (times are whole seconds). */
        delay_ms = due * 1000 - g_get_real_time() / 1000 + 5;
        if (delay_ms < 5) delay_ms = 5;
        if (delay_ms > TIMER_MAX_MS) delay_ms = TIMER_MAX_MS;
    }
    control->timer = g_timeout_source_new((guint)delay_ms);
    g_source_set_callback(control->timer, on_timer, control, NULL);
    g_source_attach(control->timer, NULL);
}

/* --- first start ---------------------------------------------------------------------- */

/* Writes `token` to dir/admin.token (0600) atomically; *path_out (g_malloc'd) names it. */
static int write_token_file(const char *dir, const char *token, char **path_out, char *err,
                            size_t errlen)
{
    char *path = g_build_filename(dir, CONTROL_ADMIN_TOKEN_FILE, NULL);
    char *tmp = g_strdup_printf("%s.tmp", path);
    *path_out = path;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        g_free(tmp);
        return -1;
    }
    size_t len = strlen(token);
    bool ok = fchmod(fd, 0600) == 0 && write(fd, token, len) == (ssize_t)len &&
              write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        g_free(tmp);
        return -1;
    }
    g_free(tmp);
    return 0;
}

static int ensure_admin_token(struct control *control, const char *state_dir, char *err,
                              size_t errlen)
{
    int count = store_token_count(control->store);
    if (count < 0) {
        snprintf(err, errlen, "cannot read the operator tokens");
        return -1;
    }
    if (count > 0) return 0;
    char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX], *path = NULL;
    if (secret_new_token("hn_", token) != 0) {
        snprintf(err, errlen, "no random numbers for the admin token");
        return -1;
    }
    /* The file first: a crash before the insert makes a new one next time. */
    int rc = write_token_file(state_dir, token, &path, err, errlen);
    secret_hash(token, hash);
    OPENSSL_cleanse(token, sizeof token);
    if (rc == 0 &&
        store_token_insert(control->store, "admin", hash, STORE_ROLE_ADMIN) != STORE_OK) {
        snprintf(err, errlen, "cannot store the admin token");
        rc = -1;
    }
    if (rc == 0)
        log_info("first start: operator token 'admin' written to %s (mode 0600); mcuctl on this "
                 "machine reads it from there",
                 path);
    g_free(path);
    return rc;
}

/* --- lifetime --------------------------------------------------------------------------- */

static char *make_base_url(const struct mcu_config *config)
{
    const char *host = config->public_address ? config->public_address : config->listen_host;
    if (strcmp(host, "0.0.0.0") == 0) host = "127.0.0.1";
    if (strcmp(host, "::") == 0) host = "::1";
    bool v6 = strchr(host, ':') != NULL;
    return g_strdup_printf("%s://%s%s%s:%u", config->tls_cert ? "https" : "http", v6 ? "[" : "",
                           host, v6 ? "]" : "", (unsigned)config->listen_port);
}

/* mcud's own start and stop in the audit log (source "mcud"). */
static void audit_daemon(struct control *control, const char *action, const char *result)
{
    struct store_audit_entry e = {
        .at_ms = g_get_real_time() / 1000,
        .action = (char *)action,
        .source = "mcud",
        .status = 200,
        .result = (char *)result,
    };
    if (store_audit_add(control->store, &e) != STORE_OK)
        log_warn("audit: cannot record %s", action);
}

struct control *control_new(const struct control_context *context, char *err, size_t errlen)
{
    const struct mcu_config *config = context->config;
    struct control *control = g_new0(struct control, 1);
    control->config = config;
    control->registry = context->registry;
    control->limits = context->limits;
    control->started_at = control_now();
    control->base_url = make_base_url(config);
    if (g_mkdir_with_parents(config->state_dir, 0700) != 0) {
        snprintf(err, errlen, "cannot create the state directory %s: %s", config->state_dir,
                 strerror(errno));
        goto fail;
    }
    char *path = g_build_filename(config->state_dir, STORE_FILE_NAME, NULL);
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 007)) { /* an older mcud's 0644 */
        if (chmod(path, st.st_mode & 0750) == 0)
            log_warn("store: %s was readable by every local user; now mode %o", path,
                     (unsigned)(st.st_mode & 0750));
    }
    control->store = store_open(path, err, errlen);
    g_free(path);
    if (!control->store) goto fail;
    if (ensure_admin_token(control, config->state_dir, err, errlen) != 0) goto fail;
    control_close_stale_attendance(control);
    if (control_hash_stored_pins(control) < 0) {
        snprintf(err, errlen, "cannot hash the PINs stored in plain text");
        goto fail;
    }
    struct scheduler_hooks hooks = {on_open, on_close, on_warn, on_transition};
    control->scheduler = scheduler_new(control->store, &hooks, control);
    control_reschedule(control);
    control_start_retention(control);
    char *started = g_strdup_printf("mcud %s (pid %ld) on %s, state in %s", MCUD_VERSION,
                                    (long)getpid(), control->base_url, config->state_dir);
    audit_daemon(control, "mcud.start", started);
    g_free(started);
    return control;

fail:
    control_free(control);
    return NULL;
}

void control_free(struct control *control)
{
    if (!control) return;
    if (control->scheduler) { /* it had started */
        char *uptime = g_strdup_printf("stopped after %lld s",
                                       (long long)(control_now() - control->started_at));
        audit_daemon(control, "mcud.stop", uptime);
        g_free(uptime);
    }
    glib_source_stop(&control->timer);
    control_stop_retention(control);
    scheduler_free(control->scheduler);
    store_close(control->store);
    g_free(control->base_url);
    g_free(control);
}

void control_set_http_server(struct control *control, struct http_server *http)
{
    if (control) control->http = http;
}

/* --- joins ------------------------------------------------------------------------------ */

enum control_admission control_admit_join(struct control *control, const char *id,
                                          const char *token, char **room)
{
    bool has_token = token && token[0];
    if (room) *room = NULL;
    if (!control) return has_token ? CONTROL_ADMIT_BAD_TOKEN : CONTROL_ADMIT_CHECK_PIN;
    struct store_conference c;
    if (store_conference_get(control->store, id, &c) != STORE_OK)
        return has_token ? CONTROL_ADMIT_BAD_TOKEN : CONTROL_ADMIT_CHECK_PIN;
    bool locked = c.locked;
    char hash[SECRET_HASH_HEX];
    if (has_token) secret_hash(token, hash);
    bool host = has_token && c.host_token_hash && secret_hash_equal(hash, c.host_token_hash);
    store_conference_clear(&c);
    if (locked) return CONTROL_ADMIT_LOCKED;
    if (!has_token) return CONTROL_ADMIT_CHECK_PIN;
    GPtrArray *rooms = store_room_list(control->store, id);
    const struct store_room *match = NULL;
    for (guint i = 0; i < rooms->len; i++) { /* every one compared: no early exit */
        const struct store_room *r = rooms->pdata[i];
        if (secret_hash_equal(hash, r->token_hash) && !match) match = r;
    }
    if (match && room) *room = g_strdup(match->name);
    g_ptr_array_free(rooms, TRUE);
    if (host) return CONTROL_ADMIT_HOST;
    return match ? CONTROL_ADMIT_TOKEN : CONTROL_ADMIT_BAD_TOKEN;
}
