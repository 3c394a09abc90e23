/* main.c - the webrtcbin test peer's main: set up, run the main loop until the goal,
 * the deadline, a failure or SIGTERM, then print the summary and exit with the
 * outcome (exit codes: enum peer_exit, docs/testing-webrtcbin.md). */
#include "tests/integration/webrtc_peer/peer.h"

#include <glib-unix.h>
#include <stdarg.h>
#include <string.h>

#include "client/room/util.h"

void peer_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("webrtc_peer: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void peer_finish(struct peer *p, int exit_code, char *failure)
{
    if (p->finished) {
        g_free(failure);
        return;
    }
    p->finished = true;
    p->exit_code = exit_code;
    p->failure = failure;
    g_main_loop_quit(p->loop);
}

static void peer_free(struct peer *p)
{
    if (p->pipeline) gst_element_set_state(p->pipeline, GST_STATE_NULL);
    peer_call_free(p); /* after the pipeline stopped: no webrtcbin thread left */
    if (p->pipeline) gst_object_unref(p->pipeline);
    g_main_loop_unref(p->loop);
    g_mutex_clear(&p->media_lock);
    g_free(p->participant);
    g_free(p->answer_video);
    g_free(p->answer_video_codec);
    g_free(p->ice_state);
    g_free(p->dtls_state);
    g_free(p->connection_state);
    g_free(p->video_format);
    g_free(p->received_video_codec);
    g_free(p->video_decoder);
    g_free(p->failure);
}

int main(int argc, char **argv)
{
    struct peer peer;
    struct peer *p = &peer;
    guint sigterm, sigint;
    int rc;

    memset(p, 0, sizeof(*p));
    rc = peer_parse_options(argc, argv, &p->opt);
    if (rc >= 0) return rc;
    g_set_prgname("webrtc_peer"); /* client/room/signalling.c's messages name the program */
    gst_init(NULL, NULL);
    p->loop = g_main_loop_new(NULL, FALSE);
    g_queue_init(&p->early_candidates);
    g_mutex_init(&p->media_lock);

    if (!peer_pipeline_create(p)) {
        peer_free(p);
        return PEER_SETUP;
    }
    if (!p->opt.print_offer && !peer_signalling_start(p)) {
        peer_free(p);
        return PEER_SIGNALLING;
    }
    p->deadline_timer = g_timeout_add_seconds((guint)p->opt.duration_s, peer_on_deadline, p);
    sigterm = g_unix_signal_add(SIGTERM, peer_on_stop_signal, p);
    sigint = g_unix_signal_add(SIGINT, peer_on_stop_signal, p);
    if (!p->finished) g_main_loop_run(p->loop);
    room_stop_source(&p->deadline_timer);
    room_stop_source(&sigterm);
    room_stop_source(&sigint);

    if (!p->opt.print_offer) {
        peer_read_transport_states(p);
        if (p->exit_code == PEER_NO_MEDIA && !p->failure) p->failure = peer_media_shortfall(p);
        peer_print_summary(p);
    }
    if (p->failure) fprintf(stderr, "webrtc_peer: FAILED: %s\n", p->failure);
    rc = p->exit_code;
    peer_free(p);
    return rc;
}
