/* main.c - mcud, the hoinghi MCU daemon: reads its settings, starts the server on the
 * GLib main loop, and shuts down cleanly on SIGINT or SIGTERM. */
#include <glib-unix.h>
#include <libavutil/log.h>
#include <glib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcu/config.h"
#include "mcu/log.h"
#include "mcu/server.h"

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
    return G_SOURCE_CONTINUE;   /* removed in main() after the loop returns */
}

int main(int argc, char **argv)
{
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
    log_info("mcud %s listening on http://%s%s%s:%u/ (signalling at /ws, state in %s, ICE on %s)",
             MCUD_VERSION, bracket ? "[" : "", host, bracket ? "]" : "",
             (unsigned)config.listen_port, config.state_dir,
             config.ice_address_count ? "the configured addresses" : "all interfaces");

    g_main_loop_run(loop);

    g_source_remove(sigint);
    g_source_remove(sigterm);
    mcu_server_stop(&server);
    /* Let sources that were destroyed during shutdown finish. */
    while (g_main_context_iteration(NULL, FALSE)) {}
    g_main_loop_unref(loop);
    mcu_config_clear(&config);
    log_info("stopped");
    return 0;
}
