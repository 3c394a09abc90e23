/* main.c - mcu-room, hoinghi's native meeting-room client: reads the command line,
 * starts one participant (or --count N of them) on one GLib main loop, prints status
 * lines, makes everyone leave on SIGINT/SIGTERM (each also leaves by itself after
 * --duration), joins again when the server went away (mcud restarted: bounded
 * backoff, not while recording), prints the summaries and exits with the first
 * failing participant's code. Usage: options.c, docs/room-client.md. */
#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>

#include "client/room/options.h"
#include "client/room/participant.h"
#include "client/room/signalling.h"

#define STATS_SAMPLE_S  2 /* webrtcbin statistics are sampled this often even without --stats */
#define RECONNECT_TRIES 6 /* after the server went away: waits of 1, 2, 4, 8, 16, 30 s */
#define RECONNECT_MAX_S 30

/* The program's one context. */
struct room_app {
    struct room_options opt;
    GMainLoop *loop;
    struct signalling_hub *hub;
    struct participant *participants[ROOM_MAX_COUNT];
    int count;
    int finished;
    int first_failure;           /* index+1 of the first participant that failed, 0 = none */
    int tries[ROOM_MAX_COUNT];   /* reconnects in a row of each participant */
    guint retry[ROOM_MAX_COUNT]; /* its pending reconnect timer, 0 = none */
    gboolean leaving;
    gint64 last_status_us;
};

static void on_participant_finished(struct participant *p, void *user);

static void leave_all(struct room_app *app, const char *why)
{
    if (app->leaving) return;
    app->leaving = TRUE;
    for (int i = 0; i < app->count; i++) {
        if (app->retry[i]) { /* waiting to join again: it has finished */
            g_source_remove(app->retry[i]);
            app->retry[i] = 0;
            on_participant_finished(app->participants[i], app);
        } else {
            participant_leave(app->participants[i], why);
        }
    }
}

struct retry_job {
    struct room_app *app;
    int index;
};

static gboolean on_retry(gpointer data)
{
    struct retry_job *job = data;
    struct room_app *app = job->app;
    int i = job->index;
    app->retry[i] = 0;
    participant_free(app->participants[i]);
    app->participants[i] = participant_new(&app->opt, app->opt.count > 1 ? i + 1 : 0, app->hub,
                                           on_participant_finished, app);
    return G_SOURCE_REMOVE;
}

/* The server went away during the call (mcud restarted): join again after a wait that
 * doubles, up to RECONNECT_TRIES times in a row (a server never reached at the first
 * try is exit 3 at once). Not with --record (one file per run) nor while leaving.
 * TRUE when a retry is scheduled. */
static gboolean maybe_reconnect(struct room_app *app, int i, struct participant *p)
{
    if (app->leaving || app->opt.record || !participant_server_gone(p)) return FALSE;
    if (participant_exit_code(p) == ROOM_EXIT_MEDIA)
        app->tries[i] = 0; /* it was in the call: a new series */
    else if (app->tries[i] == 0)
        return FALSE; /* never reached it */
    if (app->tries[i] >= RECONNECT_TRIES) {
        fprintf(stderr, "mcu-room: %s: gave up after %d attempts to reach the server again\n",
                app->opt.name, RECONNECT_TRIES);
        return FALSE;
    }
    int wait_s = 1 << app->tries[i];
    if (wait_s > RECONNECT_MAX_S) wait_s = RECONNECT_MAX_S;
    app->tries[i]++;
    fprintf(stderr, "mcu-room: %s: %s; joining again in %d s (attempt %d of %d)\n", app->opt.name,
            participant_failure(p), wait_s, app->tries[i], RECONNECT_TRIES);
    struct retry_job *job = g_new(struct retry_job, 1);
    *job = (struct retry_job){app, i};
    app->retry[i] =
        g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, (guint)wait_s, on_retry, job, g_free);
    return TRUE;
}

static void on_participant_finished(struct participant *p, void *user)
{
    struct room_app *app = user;

    for (int i = 0; i < app->count; i++)
        if (app->participants[i] == p && maybe_reconnect(app, i, p)) return;
    for (int i = 0; i < app->count; i++)
        if (app->participants[i] == p && participant_exit_code(p) != ROOM_EXIT_OK &&
            !app->first_failure)
            app->first_failure = i + 1;
    app->finished++;
    if (app->finished == app->count) g_main_loop_quit(app->loop);
}

static gboolean on_signal(gpointer data)
{
    struct room_app *app = data;
    if (app->leaving) {
        fprintf(stderr, "mcu-room: second signal: quitting now\n");
        g_main_loop_quit(app->loop);
    } else {
        fprintf(stderr, "mcu-room: signal received: leaving\n");
        leave_all(app, "interrupted");
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_stats_tick(gpointer data)
{
    struct room_app *app = data;
    gint64 now = g_get_monotonic_time();
    gboolean print = app->opt.stats && now - app->last_status_us >=
                                           (gint64)app->opt.stats_interval_s * 1000000 - 500000;

    if (print) app->last_status_us = now;
    for (int i = 0; i < app->count; i++) participant_update_stats(app->participants[i], print);
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    struct room_app app = {0};
    guint sigint, sigterm, stats_timer;
    int rc;

    rc = options_parse(argc, argv, &app.opt);
    if (rc >= 0) return rc;
    g_set_prgname("mcu-room"); /* signalling.c's messages name the program */
    gst_init(NULL, NULL);
    app.loop = g_main_loop_new(NULL, FALSE);
    app.hub = signalling_hub_new(app.loop, app.opt.cacert, app.opt.connect_timeout_s);
    if (!app.hub) {
        g_main_loop_unref(app.loop);
        return ROOM_EXIT_LOCAL;
    }
    app.last_status_us = g_get_monotonic_time();
    sigint = g_unix_signal_add(SIGINT, on_signal, &app);
    sigterm = g_unix_signal_add(SIGTERM, on_signal, &app);
    for (app.count = 0; app.count < app.opt.count; app.count++)
        app.participants[app.count] =
            participant_new(&app.opt, app.opt.count > 1 ? app.count + 1 : 0, app.hub,
                            on_participant_finished, &app);
    stats_timer = g_timeout_add_seconds(app.opt.stats && app.opt.stats_interval_s < STATS_SAMPLE_S
                                            ? (guint)app.opt.stats_interval_s
                                            : STATS_SAMPLE_S,
                                        on_stats_tick, &app);

    g_main_loop_run(app.loop);

    g_source_remove(sigint);
    g_source_remove(sigterm);
    g_source_remove(stats_timer);
    rc = ROOM_EXIT_OK;
    for (int i = 0; i < app.count; i++) participant_print_summary(app.participants[i]);
    if (app.first_failure) rc = participant_exit_code(app.participants[app.first_failure - 1]);
    for (int i = 0; i < app.count; i++) {
        struct participant *p = app.participants[i];
        if (participant_exit_code(p) != ROOM_EXIT_OK)
            fprintf(stderr, "mcu-room: %s: exit %d: %s\n",
                    i == app.first_failure - 1 ? "FAILED" : "also failed", participant_exit_code(p),
                    participant_failure(p));
        participant_free(p);
    }
    signalling_hub_free(app.hub);
    g_main_loop_unref(app.loop);
    return rc;
}
