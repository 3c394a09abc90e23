/* participant.c - one room in a conference; see participant.h.
 *
 * The call, step by step (all on the main loop):
 *   connect -> hello -> join -> (webrtcbin wants negotiation) create offer ->
 *   set it locally -> send `offer` + trickle candidates -> apply the answer ->
 *   ICE + DTLS connected -> in the call, until leave or failure.
 * Leaving: send `leave`, close the recording, wait (bounded) until the file is
 * complete, stop the pipeline, close the socket, report finished.
 *
 * Presenting (--share): once the room's media is up (and --share-after later), the
 * room starts a second participant of its own, its content connection: the same
 * conference and credentials, `content_of` the room's id, one send-only video (the
 * share) and nothing received (docs/protocol.md, "Presenting"). The server may end
 * it (another room took over, the operator stopped it): the room goes on. */
#include "client/room/participant.h"

#include <stdio.h>
#include <string.h>

#include "client/room/receiver.h"
#include "client/room/recorder.h"
#include "client/room/sources.h"
#include "client/room/stats.h"
#include "client/room/click_probe.h"
#include "client/room/timecode_probe.h"
#include "client/room/webrtc_call.h"
#include "client/room/util.h"

#define LEAVE_WAIT_S 5 /* at most this long for the recording to close */

struct early_candidate {
    unsigned mline;
    char *mid;
    char *candidate;
};

static void early_candidate_free(struct early_candidate *c)
{
    g_free(c->mid);
    g_free(c->candidate);
    g_free(c);
}

struct participant {
    const struct room_options *opt;
    char *name;
    struct signalling_hub *hub;
    /* presenting: in a room with --share, its content connection (owned) and the
     * options it runs with; in a content connection, the room's id */
    struct participant *share;
    struct room_options share_opt;
    guint share_timer;
    char *content_of;
    char *record_path;
    participant_finished_fn on_finished;
    void *finished_user;

    GstElement *pipeline;
    GstElement *webrtc; /* owned by pipeline */
    guint bus_watch;
    struct room_sources *sources;
    struct recorder *recorder;
    struct receiver *receiver;
    struct webrtc_call *call;
    struct room_stats stats;

    struct signalling *sig;
    int64_t join_id, offer_id;
    char *participant_id;
    gboolean joined, negotiation_needed, offer_started, offer_sent, gathering_done;
    GQueue early_candidates; /* struct early_candidate: made before the offer went out */
    int candidates_sent;
    GHashTable *roster; /* participant id -> name (others in the conference) */

    gboolean media_connected;
    gint64 connected_at_us, left_at_us;
    guint connect_timer;
    guint duration_timer; /* --duration, from the moment media connected */

    /* outcome */
    gboolean leaving, finished;
    guint leave_timer, finish_idle;
    int exit_code;
    char *failure;
    gboolean server_gone;      /* the connection closed under it, or never opened */
    gboolean conference_ended; /* the server ended the conference: not a failure */
};

static void plog(struct participant *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void plog(struct participant *p, const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "mcu-room[%s%s]: %s\n", p->name, p->content_of ? " share" : "", text);
    g_free(text);
}

#define VLOG(p, ...)                                   \
    do {                                               \
        if ((p)->opt->verbose) plog((p), __VA_ARGS__); \
    } while (0)

static void begin_leaving(struct participant *p);

/* Records the first failure (takes reason) and leaves. */
static void fail(struct participant *p, int code, char *reason)
{
    if (p->exit_code == ROOM_EXIT_OK && !p->leaving) {
        p->exit_code = code;
        p->failure = reason;
        plog(p, "FAILED: %s", reason);
    } else {
        g_free(reason);
    }
    begin_leaving(p);
}

/* ---------------------------------------------------------------- finishing */

static gboolean report_finished(gpointer data)
{
    struct participant *p = data;
    p->finish_idle = 0;
    p->on_finished(p, p->finished_user);
    return G_SOURCE_REMOVE;
}

static void stop_everything(struct participant *p)
{
    if (p->finished) return;
    p->finished = TRUE;
    room_stop_source(&p->leave_timer);
    if (p->pipeline && p->media_connected) stats_sample(&p->stats, p->webrtc);
    p->left_at_us = g_get_monotonic_time();
    if (p->pipeline) gst_element_set_state(p->pipeline, GST_STATE_NULL);
    if (p->sig) {
        signalling_close(p->sig); /* the queued `leave` still goes out */
        p->sig = NULL;
    }
    p->finish_idle = g_idle_add(report_finished, p);
}

static void on_recording_closed(void *user)
{
    struct participant *p = user;
    if (p->recorder)
        plog(p, "recording closed: %s (%.1f s of video)", p->record_path,
             recorder_seconds(p->recorder));
    stop_everything(p);
}

static gboolean on_leave_timeout(gpointer data)
{
    struct participant *p = data;
    p->leave_timer = 0;
    plog(p, "the recording did not close within %d s; stopping anyway", LEAVE_WAIT_S);
    stop_everything(p);
    return G_SOURCE_REMOVE;
}

static void begin_leaving(struct participant *p)
{
    if (p->leaving) return;
    p->leaving = TRUE;
    room_stop_source(&p->share_timer);
    if (p->share) participant_leave(p->share, "the room leaves");
    room_stop_source(&p->connect_timer);
    room_stop_source(&p->duration_timer);
    if (p->sig && p->joined) signalling_request_simple(p->sig, PROTOCOL_LEAVE);
    if (p->recorder) {
        p->leave_timer = g_timeout_add_seconds(LEAVE_WAIT_S, on_leave_timeout, p);
        recorder_finish(p->recorder, on_recording_closed, p);
    } else {
        stop_everything(p);
    }
}

void participant_leave(struct participant *p, const char *why)
{
    if (p->leaving) return;
    plog(p, "leaving: %s", why);
    begin_leaving(p);
}

static gboolean on_duration(gpointer data)
{
    struct participant *p = data;
    p->duration_timer = 0;
    participant_leave(p, "duration reached");
    return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------- webrtcbin events */

static void maybe_make_offer(struct participant *p)
{
    if (!p->joined || !p->negotiation_needed || p->offer_started || p->leaving) return;
    p->offer_started = TRUE;
    webrtc_call_make_offer(p->call);
}

static void on_negotiation_needed(void *user)
{
    struct participant *p = user;
    p->negotiation_needed = TRUE;
    maybe_make_offer(p);
}

static void send_candidate_request(struct participant *p, unsigned mline, const char *mid,
                                   const char *candidate)
{
    struct protocol_client_request req;

    protocol_client_request_init(&req, PROTOCOL_CANDIDATE);
    req.candidate = candidate;
    req.sdp_mid = mid;
    req.sdp_mline_index = (int)mline;
    signalling_request(p->sig, &req);
    p->candidates_sent++;
}

static void on_offer(void *user, const char *sdp, const char *error)
{
    struct participant *p = user;
    struct protocol_client_request req;
    struct early_candidate *c;

    if (!sdp) {
        fail(p, ROOM_EXIT_LOCAL, g_strdup_printf("webrtcbin could not make an offer: %s", error));
        return;
    }
    if (!p->sig) return;
    VLOG(p, "offer:\n%s", sdp);
    protocol_client_request_init(&req, PROTOCOL_OFFER);
    req.sdp = sdp;
    p->offer_id = signalling_request(p->sig, &req);
    p->offer_sent = TRUE;
    while ((c = g_queue_pop_head(&p->early_candidates)) != NULL) {
        send_candidate_request(p, c->mline, c->mid, c->candidate);
        early_candidate_free(c);
    }
    if (p->gathering_done) signalling_request_simple(p->sig, PROTOCOL_END_OF_CANDIDATES);
}

static void on_candidate(void *user, unsigned mline, const char *mid, const char *candidate)
{
    struct participant *p = user;
    struct early_candidate *c;

    VLOG(p, "local candidate: %s", candidate);
    if (!p->sig) return;
    if (p->offer_sent) {
        send_candidate_request(p, mline, mid, candidate);
        return;
    }
    c = g_new0(struct early_candidate, 1);
    c->mline = mline;
    c->mid = g_strdup(mid);
    c->candidate = g_strdup(candidate);
    g_queue_push_tail(&p->early_candidates, c);
}

static void on_gathering_done(void *user)
{
    struct participant *p = user;
    if (p->gathering_done) return;
    p->gathering_done = TRUE;
    VLOG(p, "ICE gathering complete (%d candidates)",
         p->candidates_sent + (int)p->early_candidates.length);
    if (p->offer_sent && p->sig) signalling_request_simple(p->sig, PROTOCOL_END_OF_CANDIDATES);
}

static void on_answer_applied(void *user, const char *error)
{
    struct participant *p = user;
    if (error)
        fail(p, ROOM_EXIT_MEDIA,
             g_strdup_printf("webrtcbin refused the server's answer: %s", error));
    else
        VLOG(p, "answer applied");
}

/* ---------------------------------------------------------------- presenting */

static struct participant *participant_start(const struct room_options *opt, int index,
                                             const char *content_of, struct signalling_hub *hub,
                                             participant_finished_fn on_finished, void *user);

static void on_share_finished(struct participant *share, void *user)
{
    struct participant *p = user;
    if (participant_exit_code(share) != ROOM_EXIT_OK)
        plog(p, "the share failed: %s", participant_failure(share));
    else
        plog(p, "the share ended");
    p->share = NULL;
    participant_free(share);
}

static gboolean on_share_due(gpointer data)
{
    struct participant *p = data;
    p->share_timer = 0;
    if (p->leaving || p->share || !p->participant_id) return G_SOURCE_REMOVE;
    struct room_options *s = &p->share_opt;
    *s = *p->opt;
    s->video = p->opt->share;
    s->video_arg = p->opt->share_arg;
    s->audio = ROOM_AUDIO_NONE;
    s->replay_count = 0;
    s->width = ROOM_SHARE_WIDTH;
    s->height = ROOM_SHARE_HEIGHT;
    s->fps = ROOM_SHARE_FPS;
    s->bitrate_kbps = ROOM_SHARE_BITRATE_KBPS;
    s->show = FALSE;
    s->record = NULL;
    s->no_decode = TRUE;
    s->duration_s = 0;
    s->share = ROOM_VIDEO_NONE;
    s->content = TRUE;
    s->name = p->name;
    plog(p, "starting to present %s%s",
         s->video == ROOM_VIDEO_TEST ? "test:" : "file:", s->video_arg);
    p->share = participant_start(s, 0, p->participant_id, p->hub, on_share_finished, p);
    return G_SOURCE_REMOVE;
}

static void on_state(void *user, GstWebRTCICEConnectionState ice, GstWebRTCPeerConnectionState conn)
{
    struct participant *p = user;
    const char *ice_name = webrtc_call_state_name(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)ice);

    VLOG(p, "ICE %s, connection %s", ice_name,
         webrtc_call_state_name(GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, (int)conn));
    if (p->leaving) return;
    if (conn == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED && !p->media_connected) {
        p->media_connected = TRUE;
        p->connected_at_us = g_get_monotonic_time();
        room_stop_source(&p->connect_timer);
        plog(p, "media connected (ICE %s, DTLS %s)", ice_name, webrtc_call_dtls_state(p->call));
        if (p->opt->share != ROOM_VIDEO_NONE && !p->content_of)
            p->share_timer = g_timeout_add_seconds((guint)p->opt->share_after_s, on_share_due, p);
        if (p->opt->duration_s)
            p->duration_timer = g_timeout_add_seconds((guint)p->opt->duration_s, on_duration, p);
    } else if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) {
        fail(p, ROOM_EXIT_MEDIA,
             g_strdup_printf(
                 "ICE failed (%d local candidates sent%s)", p->candidates_sent,
                 p->opt->ice_address_count ? "" : "; on one machine pass --ice-address 127.0.0.1"));
    } else if (conn == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED) {
        fail(p, ROOM_EXIT_MEDIA,
             g_strdup_printf("the connection failed (ICE %s, DTLS %s)", ice_name,
                             webrtc_call_dtls_state(p->call)));
    }
}

static const struct webrtc_call_callbacks call_callbacks = {
    on_negotiation_needed, on_offer, on_candidate, on_gathering_done, on_answer_applied, on_state,
};

static gboolean on_connect_timeout(gpointer data)
{
    struct participant *p = data;
    GstWebRTCICEConnectionState ice;

    p->connect_timer = 0;
    if (!p->joined) {
        fail(p, ROOM_EXIT_JOIN,
             g_strdup_printf("not joined within %d s (%s)", p->opt->connect_timeout_s,
                             p->join_id ? "no reply to join" : "no hello from the server"));
        return G_SOURCE_REMOVE;
    }
    g_object_get(p->webrtc, "ice-connection-state", &ice, NULL);
    fail(p, ROOM_EXIT_MEDIA,
         g_strdup_printf(
             "media not connected within %d s: %s, %d local candidates sent, ICE %s, DTLS %s%s",
             p->opt->connect_timeout_s, p->offer_id ? "offer sent" : "no offer made",
             p->candidates_sent,
             webrtc_call_state_name(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)ice),
             webrtc_call_dtls_state(p->call),
             p->candidates_sent == 0 ? " (libnice gathers no loopback address by itself: pass "
                                       "--ice-address 127.0.0.1)"
                                     : ""));
    return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------- signalling events */

static void on_ready(void *user, const char *server, int version)
{
    struct participant *p = user;
    struct protocol_client_request req;

    VLOG(p, "connected to %s (protocol %d)", server ? server : "?", version);
    protocol_client_request_init(&req, PROTOCOL_JOIN);
    req.conference = p->opt->conference;
    req.name = p->name;
    req.pin = p->opt->pin;
    req.token = p->opt->token;
    req.content_of = p->content_of;
    p->join_id = signalling_request(p->sig, &req);
}

static void on_reply(struct participant *p, const struct protocol_server_message *msg)
{
    if (msg->id == p->join_id && !p->joined && msg->participant) {
        p->participant_id = g_strdup(msg->participant);
        p->joined = TRUE;
        plog(p, "joined conference %s as %s%s%s", p->opt->conference, p->participant_id,
             msg->host ? " (the host)" : "", p->content_of ? " to present" : "");
        maybe_make_offer(p);
    } else if (msg->id == p->offer_id) {
        char *error = NULL;
        if (!msg->sdp) {
            fail(p, ROOM_EXIT_MEDIA, g_strdup("the reply to the offer has no SDP"));
            return;
        }
        VLOG(p, "answer:\n%s", msg->sdp);
        if (!webrtc_call_apply_answer(p->call, msg->sdp, &error)) fail(p, ROOM_EXIT_MEDIA, error);
    }
}

static void on_error(struct participant *p, const struct protocol_server_message *msg)
{
    if (msg->id != 0 && msg->id == p->join_id)
        fail(p, ROOM_EXIT_JOIN,
             g_strdup_printf("the server refused to join: %s (%s)", msg->error_code,
                             msg->error_message));
    else if (msg->id != 0 && msg->id == p->offer_id)
        fail(p, ROOM_EXIT_MEDIA,
             g_strdup_printf("the server refused the offer: %s (%s)", msg->error_code,
                             msg->error_message));
    else
        plog(p, "server error: %s (%s)", msg->error_code, msg->error_message);
}

static const char *name_of(struct participant *p, const char *id)
{
    const char *name = id ? g_hash_table_lookup(p->roster, id) : NULL;
    return name ? name : id ? id : "?";
}

static void note_member(struct participant *p, const struct protocol_member *who, gboolean announce)
{
    g_hash_table_replace(p->roster, g_strdup(who->participant), g_strdup(who->name));
    if (announce) plog(p, "%s joined", who->name);
}

static void on_conference_event(struct participant *p, const struct protocol_server_message *msg)
{
    GString *names;

    switch (msg->kind) {
    case PROTOCOL_SERVER_PARTICIPANTS:
        names = g_string_new(NULL);
        for (size_t i = 0; i < msg->member_count; i++) {
            note_member(p, &msg->members[i], FALSE);
            g_string_append_printf(names, "%s%s", names->len ? ", " : "", msg->members[i].name);
        }
        plog(p, "in the conference: %s (layout %s)", names->str, msg->layout ? msg->layout : "-");
        g_string_free(names, TRUE);
        break;
    case PROTOCOL_SERVER_PARTICIPANT_JOINED: note_member(p, &msg->member, TRUE); break;
    case PROTOCOL_SERVER_PARTICIPANT_LEFT:
        plog(p, "%s left%s%s%s", name_of(p, msg->participant), msg->reason ? " (" : "",
             msg->reason ? msg->reason : "", msg->reason ? ")" : "");
        g_hash_table_remove(p->roster, msg->participant);
        break;
    case PROTOCOL_SERVER_ACTIVE_SPEAKER:
        VLOG(p, "active speaker: %s", msg->participant ? name_of(p, msg->participant) : "nobody");
        break;
    case PROTOCOL_SERVER_LAYOUT: VLOG(p, "layout: %s", msg->layout); break;
    case PROTOCOL_SERVER_WAITING_FOR_HOST:
        plog(p, "waiting for the host: no picture or sound until the host joins");
        break;
    case PROTOCOL_SERVER_HOST_PRESENT: plog(p, "the host is present: media flows"); break;
    case PROTOCOL_SERVER_PRESENTING:
        if (p->content_of) break; /* the room logs it */
        if (msg->participant)
            plog(p, "presenting: %s%s", msg->member.name ? msg->member.name : msg->participant,
                 p->participant_id && strcmp(msg->participant, p->participant_id) == 0
                     ? " (this room)"
                     : "");
        else
            plog(p, "nobody presents (%s)", msg->reason ? msg->reason : "stopped");
        break;
    case PROTOCOL_SERVER_MUTE:
        VLOG(p, "%s: audio %s, video %s", name_of(p, msg->member.participant),
             msg->member.audio_muted ? "muted" : "on", msg->member.video_muted ? "muted" : "on");
        break;
    case PROTOCOL_SERVER_SEND_LIMITS: {
        const struct protocol_send_limits *l = &msg->send_limits;
        char *applied = NULL;
        if (p->sources)
            sources_apply_limits(p->sources, l, &applied);
        else
            applied = g_strdup("not applied (no pipeline yet)");
        if (l->active)
            plog(p, "send limits %dx%d@%d %" G_GINT64_FORMAT " bit/s: sending %s", l->width,
                 l->height, l->fps, (gint64)l->max_bitrate, applied);
        else
            plog(p, "send limits: not drawn: %s", applied);
        g_free(applied);
        break;
    }
    case PROTOCOL_SERVER_CONFERENCE_ENDING:
        VLOG(p, "the conference ends in %" G_GINT64_FORMAT " s (%s)", (gint64)msg->seconds,
             msg->ends_at ? msg->ends_at : "?");
        break;
    default: VLOG(p, "ignoring server event %s", msg->type); break;
    }
}

static void on_message(void *user, const struct protocol_server_message *msg)
{
    struct participant *p = user;

    switch (msg->kind) {
    case PROTOCOL_SERVER_REPLY: on_reply(p, msg); break;
    case PROTOCOL_SERVER_ERROR: on_error(p, msg); break;
    case PROTOCOL_SERVER_CANDIDATE:
        webrtc_call_add_candidate(p->call,
                                  msg->sdp_mline_index >= 0 ? (unsigned)msg->sdp_mline_index : 0,
                                  msg->candidate);
        break;
    case PROTOCOL_SERVER_END_OF_CANDIDATES: VLOG(p, "server: end of candidates"); break;
    case PROTOCOL_SERVER_MEDIA:
        VLOG(p, "server media state: %s%s%s", msg->state, msg->reason ? ", " : "",
             msg->reason ? msg->reason : "");
        if (strcmp(msg->state, "failed") == 0)
            fail(p, ROOM_EXIT_MEDIA,
                 g_strdup_printf("the server reports media failed: %s",
                                 msg->reason ? msg->reason : "no reason"));
        break;
    case PROTOCOL_SERVER_BYE:
        if (p->content_of) { /* the share ends; the room goes on */
            plog(p, "the share was stopped: %s", msg->reason[0] ? msg->reason : "no reason");
            begin_leaving(p);
            break;
        }
        if (msg->error_code && strcmp(msg->error_code, PROTOCOL_BYE_CONFERENCE_ENDED) == 0) {
            /* The meeting is over (its end, or an operator ended it): not a failure. */
            plog(p, "the conference ended (%s); leaving", msg->reason[0] ? msg->reason : "ended");
            p->conference_ended = TRUE;
            begin_leaving(p);
        } else if (msg->error_code && strcmp(msg->error_code, PROTOCOL_BYE_REMOVED) == 0) {
            fail(p, ROOM_EXIT_REMOVED,
                 g_strdup_printf("removed from the conference: %s",
                                 msg->reason[0] ? msg->reason : "by an operator"));
        } else {
            fail(p, ROOM_EXIT_MEDIA,
                 g_strdup_printf("the server ended the call: %s",
                                 msg->reason[0] ? msg->reason : "no reason"));
        }
        break;
    default: on_conference_event(p, msg); break;
    }
}

static void on_signalling_closed(void *user, const char *reason)
{
    struct participant *p = user;
    char *why = p->joined ? g_strdup_printf("the signalling connection closed: %s", reason)
                          : g_strdup_printf("cannot join through %s: %s", p->opt->server, reason);

    signalling_close(p->sig); /* frees reason */
    p->sig = NULL;
    if (p->leaving) {
        g_free(why);
    } else {
        p->server_gone = TRUE;
        fail(p, p->joined ? ROOM_EXIT_MEDIA : ROOM_EXIT_JOIN, why);
    }
}

static const struct signalling_callbacks signalling_callbacks = {
    on_ready,
    on_message,
    on_signalling_closed,
};

/* ---------------------------------------------------------------- pipeline */

static gboolean on_bus_message(GstBus *bus, GstMessage *msg, gpointer data)
{
    struct participant *p = data;
    GError *err = NULL;
    char *debug = NULL;
    (void)bus;

    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        gst_message_parse_error(msg, &err, &debug);
        VLOG(p, "GStreamer error details: %s", debug ? debug : "-");
        fail(p, ROOM_EXIT_LOCAL,
             g_strdup_printf("GStreamer error from %s: %s", GST_OBJECT_NAME(msg->src),
                             err ? err->message : "?"));
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
        gst_message_parse_warning(msg, &err, &debug);
        VLOG(p, "GStreamer warning from %s: %s", GST_OBJECT_NAME(msg->src),
             err ? err->message : "?");
    }
    g_clear_error(&err);
    g_free(debug);
    return G_SOURCE_CONTINUE;
}

static char *suffixed_path(const char *path, int index)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');

    if (index == 0) return g_strdup(path);
    if (!dot || (slash && dot < slash)) return g_strdup_printf("%s-%d", path, index);
    return g_strdup_printf("%.*s-%d%s", (int)(dot - path), path, index, dot);
}

static gboolean build_pipeline(struct participant *p, char **error)
{
    const struct room_options *opt = p->opt;
    GstBus *bus;
    enum receiver_output output = opt->show        ? RECEIVER_SHOW
                                  : opt->no_decode ? RECEIVER_COUNT_ONLY
                                                   : RECEIVER_DISCARD;

    p->pipeline = gst_pipeline_new(NULL);
    p->webrtc = gst_element_factory_make("webrtcbin", NULL);
    if (!p->webrtc) {
        room_set_error(
            error, "GStreamer's webrtcbin is missing (Debian package gstreamer1.0-plugins-bad)");
        return FALSE;
    }
    g_object_set(p->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
    gst_bin_add(GST_BIN(p->pipeline), p->webrtc);

    p->call = webrtc_call_new(p->webrtc, opt->ice_addresses, opt->ice_address_count,
                              &call_callbacks, p, error);
    if (!p->call) return FALSE;
    if (p->record_path) {
        p->recorder = recorder_new(p->pipeline, p->record_path, error);
        if (!p->recorder) return FALSE;
    }
    p->receiver = receiver_new(p->pipeline, p->webrtc, output, p->recorder, &p->stats);
    p->sources = sources_new(opt, p->pipeline, p->webrtc, error);
    if (!p->sources) return FALSE;
    bus = gst_pipeline_get_bus(GST_PIPELINE(p->pipeline));
    p->bus_watch = gst_bus_add_watch(bus, on_bus_message, p);
    gst_object_unref(bus);
    if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        room_set_error(error, "the GStreamer pipeline does not start");
        return FALSE;
    }
    sources_start(p->sources, p->pipeline);
    return TRUE;
}

struct participant *participant_new(const struct room_options *opt, int index,
                                    struct signalling_hub *hub, participant_finished_fn on_finished,
                                    void *user)
{
    return participant_start(opt, index, NULL, hub, on_finished, user);
}

static struct participant *participant_start(const struct room_options *opt, int index,
                                             const char *content_of, struct signalling_hub *hub,
                                             participant_finished_fn on_finished, void *user)
{
    struct participant *p = g_new0(struct participant, 1);
    char *error = NULL;

    p->opt = opt;
    p->hub = hub;
    p->content_of = g_strdup(content_of);
    p->name = index ? g_strdup_printf("%s %d", opt->name, index) : g_strdup(opt->name);
    p->record_path = opt->record ? suffixed_path(opt->record, index) : NULL;
    p->on_finished = on_finished;
    p->finished_user = user;
    g_queue_init(&p->early_candidates);
    p->roster = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    stats_init(&p->stats);
    if (opt->read_timecode) p->stats.timecode = timecode_reader_new();
    if (opt->read_clicks) p->stats.clicks = click_reader_new();

    if (!build_pipeline(p, &error)) {
        fail(p, ROOM_EXIT_LOCAL, error);
        return p;
    }
    plog(p, "sending %s", sources_describe(p->sources));
    p->sig = signalling_connect(hub, opt->server, &signalling_callbacks, p, &error);
    if (!p->sig) {
        fail(p, ROOM_EXIT_JOIN, error);
        return p;
    }
    p->connect_timer = g_timeout_add_seconds((guint)opt->connect_timeout_s, on_connect_timeout, p);
    return p;
}

void participant_update_stats(struct participant *p, gboolean print)
{
    char *line;

    if (p->finished || !p->media_connected) return;
    stats_sample(&p->stats, p->webrtc);
    if (!print) return;
    line = stats_line(&p->stats);
    char *sent = p->sources ? sources_sent_size(p->sources) : NULL;
    printf("mcu-room[%s]: %s%s%s\n", p->name, line, sent ? " sent " : "", sent ? sent : "");
    g_free(sent);
    fflush(stdout);
    g_free(line);
}

gboolean participant_server_gone(const struct participant *p) { return p->server_gone; }

int participant_exit_code(const struct participant *p)
{
    if (p->exit_code == ROOM_EXIT_OK && !p->media_connected && !p->conference_ended)
        return ROOM_EXIT_MEDIA;
    return p->exit_code;
}

const char *participant_failure(const struct participant *p)
{
    if (p->exit_code == ROOM_EXIT_OK && !p->media_connected && !p->conference_ended)
        return "left before media connected";
    return p->failure;
}

void participant_print_summary(struct participant *p)
{
    double seconds = p->media_connected
                         ? (double)((p->left_at_us ? p->left_at_us : g_get_monotonic_time()) -
                                    p->connected_at_us) /
                               1e6
                         : 0;
    char *fields = stats_summary_fields(&p->stats, seconds);
    const char *failure = participant_failure(p);

    printf("mcu-room: summary name=\"%s\" result=%s participant=%s seconds=%.1f %s", p->name,
           participant_exit_code(p) == ROOM_EXIT_OK ? "ok" : "fail",
           p->participant_id ? p->participant_id : "none", seconds, fields);
    if (p->recorder)
        printf(" recording=\"%s\" recorded_seconds=%.1f", p->record_path,
               recorder_seconds(p->recorder));
    if (failure) printf(" exit=%d reason=\"%s\"", participant_exit_code(p), failure);
    printf("\n");
    fflush(stdout);
    g_free(fields);
}

void participant_free(struct participant *p)
{
    struct early_candidate *c;

    if (!p) return;
    room_stop_source(&p->connect_timer);
    room_stop_source(&p->leave_timer);
    room_stop_source(&p->duration_timer);
    room_stop_source(&p->finish_idle);
    room_stop_source(&p->bus_watch);
    room_stop_source(&p->share_timer);
    participant_free(p->share);
    signalling_close(p->sig);
    if (p->pipeline) {
        gst_element_set_state(p->pipeline, GST_STATE_NULL);
        webrtc_call_free(p->call);
        receiver_free(p->receiver);
        gst_object_unref(p->pipeline);
    }
    sources_free(p->sources);
    recorder_free(p->recorder);
    timecode_reader_free(p->stats.timecode);
    click_reader_free(p->stats.clicks);
    while ((c = g_queue_pop_head(&p->early_candidates)) != NULL) early_candidate_free(c);
    g_hash_table_destroy(p->roster);
    g_free(p->participant_id);
    g_free(p->content_of);
    g_free(p->name);
    g_free(p->record_path);
    g_free(p->failure);
    g_free(p);
}
