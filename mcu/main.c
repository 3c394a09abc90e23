/* main.c - mcud, the hoinghi MCU daemon: reads its settings, starts the server on the
 * GLib main loop, and shuts down cleanly on SIGINT or SIGTERM. `mcud --hash-pin`
 * prints a PIN hash for the config file instead. */
#include <glib-unix.h>
#include <libavutil/log.h>
#include <glib.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcu/core/config.h"
#include "mcu/core/log.h"
#include "mcu/core/secret.h"
#include "mcu/server.h"

#define MCUD_UMASK 027 /* no write for the group, nothing for others */

/* FFmpeg's messages become our log lines: warnings and errors only, as WARN (a
 * decoder complaining about a damaged frame is not an error of the daemon). */
static void av_log_to_ours(void *context, int level, const char *fmt, va_list args)
{
    (void)context;
    if (level > AV_LOG_WARNING) return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, args);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n > 0) log_warn("codec: %s", line);
}

static gboolean on_stop_signal(gpointer user)
{
    GMainLoop *loop = user;
    log_info("shutting down");
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE; /* removed in main() after the loop returns */
}

/* --hash-pin: the first line of stdin (4..128 characters) hashed for pin-hash= or
 * host-token-hash=; the secret never appears on the command line. */
static int hash_pin(void)
{
    char line[256], hash[SECRET_PIN_HASH_MAX];
    int rc = 2;
    if (!fgets(line, sizeof line, stdin)) {
        fprintf(stderr,
                "mcud --hash-pin: give the PIN on standard input (echo 4321 | mcud --hash-pin)\n");
        return 2;
    }
    line[strcspn(line, "\r\n")] = '\0';
    size_t n = strlen(line);
    if (n < 4 || n > 128)
        fprintf(
            stderr,
            "mcud --hash-pin: the PIN must be 4 to 128 characters (a conference PIN: 4..12 digits)\n");
    else if (secret_pin_hash(line, hash) != 0)
        fprintf(stderr, "mcud --hash-pin: cannot hash (no random numbers?)\n");
    else {
        printf("%s\n", hash);
        rc = 0;
    }
    OPENSSL_cleanse(line, sizeof line);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--hash-pin") == 0) return hash_pin();
    struct mcu_config config;
    memset(&config, 0, sizeof config);
    char err[512];
    int rc = mcu_config_load(argc, argv, &config, err, sizeof err);
    if (rc == 1) return 0;
    if (rc < 0) {
        fprintf(stderr, "mcud: %s\nTry 'mcud --help' for more information.\n", err);
        return 2;
    }
    log_set_level(config.log_level);
    av_log_set_callback(av_log_to_ours);
    signal(SIGPIPE, SIG_IGN);
    /* What mcud writes (the store, recordings and their folders) is not for every local
     * user: at most 0640 / 0750, or stricter if the operator's umask says so. */
    umask(umask(0) | MCUD_UMASK);

    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    struct mcu_server server;
    memset(&server, 0, sizeof server);
    if (mcu_server_start(&server, &config, loop, err, sizeof err) != 0) {
        log_error("cannot start: %s", err);
        g_main_loop_unref(loop);
        mcu_config_clear(&config);
        return 1;
    }
    guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, loop);
    guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, loop);

    const char *host = config.listen_host;
    int bracket = strchr(host, ':') != NULL;
    log_info("mcud %s listening on %s://%s%s%s:%u/ (signalling at /ws, state in %s, ICE on %s)",
             MCUD_VERSION, config.tls_cert ? "https" : "http", bracket ? "[" : "", host,
             bracket ? "]" : "", (unsigned)config.listen_port, config.state_dir,
             config.ice_address_count ? "the configured addresses" : "all interfaces");

    g_main_loop_run(loop);

    g_source_remove(sigint);
    g_source_remove(sigterm);
    mcu_server_stop(&server);
    /* Let sources that were destroyed during shutdown finish. */
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_main_loop_unref(loop);
    mcu_config_clear(&config);
    log_info("stopped");
    return 0;
}
