/* call.c - the test peer's side of the call, on the main loop: hello -> join -> (webrtcbin
 * wants negotiation) offer + trickled candidates -> the answer and the server's
 * candidates. The messages are signaling/client's, the WebSocket client/room's
 * signalling.c and the webrtcbin glue client/room's webrtc_call.c (as in mcu-room);
 * what the peer adds is the H.264 fmtp rewrite and its exit codes. */
#include "tests/integration/webrtc_peer/peer.h"

#include <string.h>

struct peer_candidate { /* a local candidate made before the offer went out */
    unsigned mline;
    char *mid;
    char *candidate;
};

static void peer_candidate_free(struct peer_candidate *c)
{
    g_free(c->mid);
    g_free(c->candidate);
    g_free(c);
}

/* ---------------------------------------------------------------- requests */

static void send_candidate(struct peer *p, unsigned mline, const char *mid, const char *candidate)
{
    struct protocol_client_request req;

    protocol_client_request_init(&req, PROTOCOL_CANDIDATE);
    req.candidate = candidate;
    req.sdp_mid = mid;
    req.sdp_mline_index = (int)mline;
    signalling_request(p->sig, &req);
    p->candidates_sent++;
}

static void send_join(struct peer *p)
{
    struct protocol_client_request req;

    protocol_client_request_init(&req, PROTOCOL_JOIN);
    req.conference = p->opt.conference;
    req.name = p->opt.name;
    req.pin = p->opt.pin;
    p->join_id = signalling_request(p->sig, &req);
    peer_log("join sent (conference %s)", p->opt.conference);
}

/* ---------------------------------------------------------------- webrtcbin events */

static void maybe_create_offer(struct peer *p)
{
    bool ready = p->opt.print_offer || p->joined;
    if (!ready || !p->negotiation_needed || p->offer_started || p->finished) return;
    p->offer_started = true;
    webrtc_call_make_offer(p->call);
}

static void on_negotiation_needed(void *user)
{
    struct peer *p = user;
    p->negotiation_needed = true;
    maybe_create_offer(p);
}

/* On a webrtcbin thread, before the offer is set locally. */
static void edit_offer(GstSDPMessage *offer, void *user)
{
    struct peer *p = user;
    const char *fmtp = peer_h264_fmtp(&p->opt);
    int fixed = offer_fix_h264_fmtp(offer, fmtp);
    if (fixed > 0) peer_log("rewrote %d H.264 fmtp line(s) of the offer to '%s'", fixed, fmtp);
}

static void on_offer(void *user, const char *sdp, const char *error)
{
    struct peer *p = user;
    struct protocol_client_request req;
    struct peer_candidate *c;

    if (!sdp) {
        peer_finish(p, PEER_SETUP,
                    g_strdup_printf("webrtcbin could not create an offer: %s",
                                    error ? error : "no reason"));
        return;
    }
    if (p->opt.print_offer) {
        fputs(sdp, stdout);
        fflush(stdout);
        peer_finish(p, PEER_OK, NULL);
        return;
    }
    if (p->opt.show_sdp) peer_log("offer SDP:\n%s", sdp);
    protocol_client_request_init(&req, PROTOCOL_OFFER);
    req.sdp = sdp;
    p->offer_id = signalling_request(p->sig, &req);
    p->offer_sent = true;
    peer_log("offer sent");
    while ((c = g_queue_pop_head(&p->early_candidates)) != NULL) {
        send_candidate(p, c->mline, c->mid, c->candidate);
        peer_candidate_free(c);
    }
    if (p->gathering_done) signalling_request_simple(p->sig, PROTOCOL_END_OF_CANDIDATES);
}

static void on_candidate(void *user, unsigned mline, const char *mid, const char *candidate)
{
    struct peer *p = user;
    struct peer_candidate *c;

    peer_log("local candidate: %s", candidate);
    if (p->opt.print_offer) return;
    if (p->offer_sent) {
        send_candidate(p, mline, mid, candidate);
        return;
    }
    c = g_new0(struct peer_candidate, 1); /* gathering starts at set-local-description */
    c->mline = mline;
    c->mid = g_strdup(mid);
    c->candidate = g_strdup(candidate);
    g_queue_push_tail(&p->early_candidates, c);
}

static void on_gathering_done(void *user)
{
    struct peer *p = user;
    if (p->gathering_done) return;
    p->gathering_done = true;
    peer_log("ICE gathering complete");
    if (p->opt.print_offer) return;
    if (p->offer_sent) signalling_request_simple(p->sig, PROTOCOL_END_OF_CANDIDATES);
    /* else on_offer sends it after the offer */
}

static void on_answer_applied(void *user, const char *error)
{
    struct peer *p = user;
    if (error) {
        peer_finish(p, PEER_SIGNALLING,
                    g_strdup_printf("webrtcbin rejected the answer: %s", error));
    } else {
        p->answer_applied = true;
        peer_log("answer applied");
    }
}

static void on_state(void *user, GstWebRTCICEConnectionState ice, GstWebRTCPeerConnectionState conn)
{
    struct peer *p = user;
    (void)conn;
    if ((int)ice == p->last_ice_state) return;
    p->last_ice_state = (int)ice;
    peer_log("ICE connection state: %s",
             webrtc_call_state_name(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)ice));
}

static const struct webrtc_call_callbacks call_callbacks = {
    on_negotiation_needed, on_offer, on_candidate, on_gathering_done, on_answer_applied, on_state,
};

bool peer_call_start(struct peer *p)
{
    char *error = NULL;

    p->last_ice_state = -1;
    p->call = webrtc_call_new(p->webrtc, p->opt.ice_addresses, p->opt.ice_address_count,
                              &call_callbacks, p, &error);
    if (!p->call) {
        fprintf(stderr, "webrtc_peer: %s\n", error);
        g_free(error);
        return false;
    }
    if (strcmp(p->opt.codec, "h264") == 0 && !p->opt.offer_as_is)
        webrtc_call_set_offer_edit(p->call, edit_offer, p);
    return true;
}

/* ---------------------------------------------------------------- server messages */

static void apply_answer(struct peer *p, const char *sdp_text)
{
    GstSDPMessage *sdp = NULL;
    char *error = NULL;

    if (gst_sdp_message_new_from_text(sdp_text, &sdp) != GST_SDP_OK) {
        gst_sdp_message_free(sdp);
        peer_finish(p, PEER_SIGNALLING,
                    g_strdup("the server's answer is not SDP that GStreamer can parse"));
        return;
    }
    if (p->opt.show_sdp) peer_log("answer SDP:\n%s", sdp_text);
    p->answer_video = sdp_video_codec(sdp, &p->answer_video_codec);
    gst_sdp_message_free(sdp);
    peer_log("answer received: video %s", p->answer_video ? p->answer_video : "none");
    p->answered = true;
    if (!webrtc_call_apply_answer(p->call, sdp_text, &error))
        peer_finish(p, PEER_SIGNALLING, error);
}

static void on_reply(struct peer *p, const struct protocol_server_message *msg)
{
    if (msg->id == p->join_id && !p->joined && msg->participant) {
        p->participant = g_strdup(msg->participant);
        p->joined = true;
        peer_log("joined conference %s as participant %s", p->opt.conference, p->participant);
        maybe_create_offer(p);
    } else if (msg->id == p->offer_id) {
        if (!msg->sdp) {
            peer_finish(p, PEER_SIGNALLING, g_strdup("the offer reply has no data.sdp"));
            return;
        }
        apply_answer(p, msg->sdp);
    }
}

static void on_error(struct peer *p, const struct protocol_server_message *msg)
{
    if (msg->id != 0 && msg->id == p->join_id) {
        peer_finish(p, PEER_JOIN_REFUSED,
                    g_strdup_printf("join refused: %s (%s)", msg->error_code, msg->error_message));
    } else if (msg->id != 0 && msg->id == p->offer_id) {
        peer_finish(p, PEER_SIGNALLING,
                    g_strdup_printf("offer refused: %s (%s)", msg->error_code, msg->error_message));
    } else {
        /* a candidate or keepalive error is worth seeing but not fatal by itself */
        peer_log("server error for request %s (id %" G_GINT64_FORMAT "): %s (%s)",
                 msg->request ? msg->request : "?", (gint64)msg->id, msg->error_code,
                 msg->error_message);
    }
}

static void on_ready(void *user, const char *server, int version)
{
    struct peer *p = user;
    peer_log("hello from %s (protocol version %d)", server ? server : "?", version);
    if (!p->greeted) {
        p->greeted = true;
        send_join(p);
    }
}

static void on_message(void *user, const struct protocol_server_message *msg)
{
    struct peer *p = user;

    switch (msg->kind) {
    case PROTOCOL_SERVER_REPLY: on_reply(p, msg); break;
    case PROTOCOL_SERVER_ERROR: on_error(p, msg); break;
    case PROTOCOL_SERVER_CANDIDATE:
        if (msg->sdp_mline_index < 0) {
            peer_log("ignoring a server candidate without sdpMLineIndex");
            break;
        }
        peer_log("server candidate: %s", msg->candidate);
        webrtc_call_add_candidate(p->call, (unsigned)msg->sdp_mline_index, msg->candidate);
        break;
    case PROTOCOL_SERVER_END_OF_CANDIDATES: peer_log("server: end of candidates"); break;
    case PROTOCOL_SERVER_MEDIA:
        peer_log("server media state: %s%s%s", msg->state, msg->reason ? ", " : "",
                 msg->reason ? msg->reason : "");
        if (strcmp(msg->state, "failed") == 0)
            peer_finish(p, PEER_NO_MEDIA,
                        g_strdup_printf("the server reports media failed: %s",
                                        msg->reason ? msg->reason : "no reason given"));
        break;
    case PROTOCOL_SERVER_BYE:
        peer_finish(
            p, PEER_SIGNALLING,
            g_strdup_printf("the server said bye: %s", msg->reason[0] ? msg->reason : "no reason"));
        break;
    default: peer_log("ignoring server message of type %s", msg->type); break;
    }
}

static void on_closed(void *user, const char *reason)
{
    struct peer *p = user;
    char *why = g_strdup_printf("signalling with %s: %s", p->opt.server, reason);

    signalling_close(p->sig);
    p->sig = NULL;
    peer_finish(p, PEER_SIGNALLING, why);
}

static const struct signalling_callbacks signalling_callbacks = {
    on_ready,
    on_message,
    on_closed,
};

bool peer_signalling_start(struct peer *p)
{
    char *error = NULL;

    p->hub = signalling_hub_new(p->loop, NULL, p->opt.duration_s);
    if (!p->hub) return false;
    p->sig = signalling_connect(p->hub, p->opt.server, &signalling_callbacks, p, &error);
    if (!p->sig) {
        fprintf(stderr, "webrtc_peer: %s\n", error);
        g_free(error);
        return false;
    }
    peer_log("connecting to %s", p->opt.server);
    return true;
}

void peer_call_free(struct peer *p)
{
    struct peer_candidate *c;

    signalling_close(p->sig); /* no leave: the socket closing is the test's "vanish" */
    p->sig = NULL;
    signalling_hub_free(p->hub);
    p->hub = NULL;
    webrtc_call_free(p->call);
    p->call = NULL;
    while ((c = g_queue_pop_head(&p->early_candidates)) != NULL) peer_candidate_free(c);
}
