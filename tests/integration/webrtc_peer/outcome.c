/* outcome.c - how a test peer run ends: the goal check, the --duration deadline (and
 * SIGTERM, judged the same way), the transport states read at the end, and the
 * summary line the tests read ("webrtc_peer: result=ok ..."). */
#include "tests/integration/webrtc_peer/peer.h"

/* Reads ICE, DTLS and peer-connection states into the peer (main loop, before stop). */
void peer_read_transport_states(struct peer *p)
{
    GstWebRTCICEConnectionState ice;
    GstWebRTCPeerConnectionState conn;

    g_object_get(p->webrtc, "ice-connection-state", &ice, "connection-state", &conn, NULL);
    p->ice_state = g_strdup(webrtc_call_state_name(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)ice));
    p->connection_state =
        g_strdup(webrtc_call_state_name(GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, (int)conn));
    p->dtls_state = g_strdup(p->call ? webrtc_call_dtls_state(p->call) : "none");
}

char *peer_media_shortfall(struct peer *p)
{
    int frames = g_atomic_int_get(&p->video_frames);
    int audio = g_atomic_int_get(&p->audio_buffers);
    return g_strdup_printf(
        "%s, %s, %d local candidates sent%s, ICE %s, DTLS %s, %d video frames decoded "
        "(need %d), %d audio buffers decoded in %d s",
        p->joined ? "joined" : "not joined",
        p->answer_applied ? "answer applied"
        : p->answered     ? "answer not applied"
                          : "no answer",
        p->candidates_sent,
        p->candidates_sent == 0 ? " (libnice gathers no loopback address by itself: "
                                  "pass --ice-address 127.0.0.1)"
                                : "",
        p->ice_state, p->dtls_state, frames, p->opt.min_frames, audio, p->opt.duration_s);
}

gboolean peer_on_goal_check(gpointer data)
{
    struct peer *p = data;
    if (p->opt.stay) {
        peer_log(
            "goal reached: decoded %d video frames and %d audio buffers; staying until SIGTERM or --duration",
            g_atomic_int_get(&p->video_frames), g_atomic_int_get(&p->audio_buffers));
        return G_SOURCE_REMOVE;
    }
    peer_log("decoded %d video frames and %d audio buffers: done",
             g_atomic_int_get(&p->video_frames), g_atomic_int_get(&p->audio_buffers));
    peer_finish(p, PEER_OK, NULL);
    return G_SOURCE_REMOVE;
}

/* Ends the run as the time is up: what was reached decides the exit code. */
static void judge(struct peer *p)
{
    if (p->opt.print_offer) {
        peer_finish(p, PEER_SETUP, g_strdup("webrtcbin made no offer in time"));
        return;
    }
    if (!p->greeted)
        peer_finish(
            p, PEER_SIGNALLING,
            g_strdup_printf("no hello from %s within %d s", p->opt.server, p->opt.duration_s));
    else if (!p->joined)
        peer_finish(p, PEER_SIGNALLING, g_strdup("no reply to join in time"));
    else if (!p->answered)
        peer_finish(p, PEER_SIGNALLING,
                    g_strdup(p->offer_sent ? "no answer to the offer in time"
                                           : "webrtcbin made no offer in time"));
    else if (g_atomic_int_get(&p->video_frames) >= p->opt.min_frames &&
             g_atomic_int_get(&p->audio_buffers) > 0)
        peer_finish(p, PEER_OK, NULL);
    else
        peer_finish(p, PEER_NO_MEDIA, NULL); /* described after the states are read */
}

gboolean peer_on_deadline(gpointer data)
{
    struct peer *p = data;
    p->deadline_timer = 0;
    judge(p);
    return G_SOURCE_REMOVE;
}

/* SIGTERM / SIGINT: end now, judged as if --duration had run out. The handler stays
 * (main removes it): a second signal while finishing does nothing more. */
gboolean peer_on_stop_signal(gpointer data)
{
    peer_log("stop signal: leaving");
    judge(data);
    return G_SOURCE_CONTINUE;
}

void peer_print_summary(struct peer *p)
{
    g_mutex_lock(&p->media_lock);
    printf(
        "webrtc_peer: result=%s video_frames=%d resolution=%dx%d video_format=%s audio_buffers=%d "
        "answer_video_codec=%s received_video_codec=%s video_decoder=%s ice=%s dtls=%s connection=%s "
        "candidates_sent=%d\n",
        p->exit_code == PEER_OK ? "ok" : "fail", g_atomic_int_get(&p->video_frames), p->width,
        p->height, p->video_format ? p->video_format : "none", g_atomic_int_get(&p->audio_buffers),
        p->answer_video_codec ? p->answer_video_codec : "none",
        p->received_video_codec ? p->received_video_codec : "none",
        p->video_decoder ? p->video_decoder : "none", p->ice_state, p->dtls_state,
        p->connection_state, p->candidates_sent);
    g_mutex_unlock(&p->media_lock);
    if (p->answer_video) printf("webrtc_peer: answer video: %s\n", p->answer_video);
    fflush(stdout);
}
