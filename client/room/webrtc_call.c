/* webrtc_call.c - webrtcbin negotiation and ICE glue; see webrtc_call.h.
 *
 * Every webrtcbin signal and promise becomes a `struct call_event` posted to the main
 * loop with g_idle_add; each event holds a reference on the call, so the struct
 * outlives its queued events, and `closed` stops delivery after webrtc_call_free().
 * Call webrtc_call_free() after the pipeline is in the NULL state (no webrtcbin
 * thread then runs our handlers). */
#include "client/room/webrtc_call.h"

#include <gst/sdp/sdp.h>
#include <nice/agent.h>
#include <string.h>

#include "client/room/util.h"

struct webrtc_call {
    gint refs;          /* atomic */
    gboolean closed;    /* main loop only */
    GstElement *webrtc; /* borrowed from the pipeline */
    const struct webrtc_call_callbacks *cb;
    void *user;
    webrtc_call_offer_edit_fn offer_edit; /* set before the first offer, then read only */
    void *offer_edit_user;
};

enum event_kind { EV_NEGOTIATION, EV_OFFER, EV_CANDIDATE, EV_GATHERED, EV_ANSWER, EV_STATE };

struct call_event {
    struct webrtc_call *call;
    enum event_kind kind;
    char *text; /* SDP or candidate */
    char *error;
    unsigned mline;
};

static struct webrtc_call *call_ref(struct webrtc_call *call)
{
    g_atomic_int_inc(&call->refs);
    return call;
}

static void call_unref(struct webrtc_call *call)
{
    if (!g_atomic_int_dec_and_test(&call->refs)) return;
    g_free(call);
}

const char *webrtc_call_state_name(GType enum_type, int value)
{
    GEnumClass *klass = g_type_class_ref(enum_type);
    GEnumValue *v = g_enum_get_value(klass, value);
    const char *nick = v ? v->value_nick : "unknown";
    g_type_class_unref(klass); /* enum classes are never really freed: nick stays valid */
    return nick;
}

/* The mid of m-line mline in the local description, or NULL (g_free it). */
static char *local_mid(struct webrtc_call *call, unsigned mline)
{
    GstWebRTCSessionDescription *local = NULL;
    char *mid = NULL;

    g_object_get(call->webrtc, "local-description", &local, NULL);
    if (local && mline < gst_sdp_message_medias_len(local->sdp))
        mid = g_strdup(
            gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(local->sdp, mline), "mid"));
    if (local) gst_webrtc_session_description_free(local);
    return mid;
}

static gboolean deliver(gpointer data)
{
    struct call_event *ev = data;
    struct webrtc_call *call = ev->call;
    GstWebRTCICEConnectionState ice;
    GstWebRTCPeerConnectionState conn;
    char *mid;

    if (call->closed) return G_SOURCE_REMOVE;
    switch (ev->kind) {
    case EV_NEGOTIATION: call->cb->on_negotiation_needed(call->user); break;
    case EV_OFFER: call->cb->on_offer(call->user, ev->text, ev->error); break;
    case EV_CANDIDATE:
        mid = local_mid(call, ev->mline);
        call->cb->on_candidate(call->user, ev->mline, mid ? mid : "", ev->text);
        g_free(mid);
        break;
    case EV_GATHERED: call->cb->on_gathering_done(call->user); break;
    case EV_ANSWER: call->cb->on_answer_applied(call->user, ev->error); break;
    case EV_STATE:
        g_object_get(call->webrtc, "ice-connection-state", &ice, "connection-state", &conn, NULL);
        call->cb->on_state(call->user, ice, conn);
        break;
    }
    return G_SOURCE_REMOVE;
}

static void event_free(gpointer data)
{
    struct call_event *ev = data;
    call_unref(ev->call);
    g_free(ev->text);
    g_free(ev->error);
    g_free(ev);
}

/* Posts an event to the main loop; takes text and error. */
static void post(struct webrtc_call *call, enum event_kind kind, char *text, char *error,
                 unsigned mline)
{
    struct call_event *ev = g_new0(struct call_event, 1);
    ev->call = call_ref(call);
    ev->kind = kind;
    ev->text = text;
    ev->error = error;
    ev->mline = mline;
    g_idle_add_full(G_PRIORITY_DEFAULT, deliver, ev, event_free);
}

/* The error of a promise reply, or NULL (g_free it). */
static char *promise_error(const GstStructure *reply)
{
    GError *err = NULL;
    char *text;

    if (!reply || !gst_structure_has_field(reply, "error")) return NULL;
    gst_structure_get(reply, "error", G_TYPE_ERROR, &err, NULL);
    text = g_strdup(err ? err->message : "unknown error");
    g_clear_error(&err);
    return text;
}

struct pending_offer {
    struct webrtc_call *call;
    char *sdp;
};

/* set-local-description done (webrtcbin thread): only now may the offer go out, or a
 * fast answer could arrive before webrtcbin is in the have-local-offer state. */
static void on_local_set(GstPromise *promise, gpointer data)
{
    struct pending_offer *po = data;
    char *error = promise_error(gst_promise_get_reply(promise));

    gst_promise_unref(promise);
    if (error) {
        g_free(po->sdp);
        po->sdp = NULL;
    }
    post(po->call, EV_OFFER, po->sdp,
         error ? g_strdup_printf("set-local-description: %s", error) : NULL, 0);
    g_free(error);
    call_unref(po->call);
    g_free(po);
}

static void on_offer_created(GstPromise *promise, gpointer data)
{
    struct webrtc_call *call = data;
    const GstStructure *reply = gst_promise_get_reply(promise);
    GstWebRTCSessionDescription *offer = NULL;
    struct pending_offer *po;

    if (reply) gst_structure_get(reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
    if (!offer) {
        char *error = promise_error(reply);
        post(call, EV_OFFER, NULL, error ? error : g_strdup("webrtcbin made no offer"), 0);
    } else {
        if (call->offer_edit) call->offer_edit(offer->sdp, call->offer_edit_user);
        po = g_new0(struct pending_offer, 1);
        po->call = call_ref(call);
        po->sdp = gst_sdp_message_as_text(offer->sdp);
        g_signal_emit_by_name(call->webrtc, "set-local-description", offer,
                              gst_promise_new_with_change_func(on_local_set, po, NULL));
        gst_webrtc_session_description_free(offer);
    }
    gst_promise_unref(promise);
    call_unref(call);
}

void webrtc_call_set_offer_edit(struct webrtc_call *call, webrtc_call_offer_edit_fn edit,
                                void *user)
{
    call->offer_edit = edit;
    call->offer_edit_user = user;
}

void webrtc_call_make_offer(struct webrtc_call *call)
{
    g_signal_emit_by_name(call->webrtc, "create-offer", NULL,
                          gst_promise_new_with_change_func(on_offer_created, call_ref(call), NULL));
}

static void on_remote_set(GstPromise *promise, gpointer data)
{
    struct webrtc_call *call = data;
    post(call, EV_ANSWER, NULL, promise_error(gst_promise_get_reply(promise)), 0);
    gst_promise_unref(promise);
    call_unref(call);
}

gboolean webrtc_call_apply_answer(struct webrtc_call *call, const char *sdp_text, char **error)
{
    GstSDPMessage *sdp = NULL;
    GstWebRTCSessionDescription *answer;

    if (gst_sdp_message_new_from_text(sdp_text, &sdp) != GST_SDP_OK) {
        gst_sdp_message_free(sdp);
        room_set_error(error, "the server's answer is not SDP that GStreamer can read");
        return FALSE;
    }
    answer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, sdp); /* takes sdp */
    g_signal_emit_by_name(call->webrtc, "set-remote-description", answer,
                          gst_promise_new_with_change_func(on_remote_set, call_ref(call), NULL));
    gst_webrtc_session_description_free(answer);
    return TRUE;
}

void webrtc_call_add_candidate(struct webrtc_call *call, unsigned mline, const char *candidate)
{
    g_signal_emit_by_name(call->webrtc, "add-ice-candidate", (guint)mline, candidate);
}

const char *webrtc_call_dtls_state(struct webrtc_call *call)
{
    GstWebRTCRTPTransceiver *trans = NULL;
    GstWebRTCRTPSender *sender = NULL;
    GstWebRTCDTLSTransport *dtls = NULL;
    GstWebRTCDTLSTransportState state = GST_WEBRTC_DTLS_TRANSPORT_STATE_NEW;

    g_signal_emit_by_name(call->webrtc, "get-transceiver", 0, &trans);
    if (trans) g_object_get(trans, "sender", &sender, NULL);
    if (sender) g_object_get(sender, "transport", &dtls, NULL);
    if (dtls) {
        g_object_get(dtls, "state", &state, NULL);
        gst_object_unref(dtls);
    }
    if (sender) gst_object_unref(sender);
    if (trans) gst_object_unref(trans);
    return webrtc_call_state_name(GST_TYPE_WEBRTC_DTLS_TRANSPORT_STATE, (int)state);
}

static void on_negotiation_needed(GstElement *webrtc, gpointer data)
{
    (void)webrtc;
    post(data, EV_NEGOTIATION, NULL, NULL, 0);
}

static void on_ice_candidate(GstElement *webrtc, guint mline, gchar *candidate, gpointer data)
{
    const char *text = candidate;
    (void)webrtc;
    if (g_str_has_prefix(text, "a=")) text += 2;
    if (*text != '\0') /* an empty candidate means end of gathering: handled below */
        post(data, EV_CANDIDATE, g_strdup(text), NULL, mline);
}

static void on_gathering_state(GObject *webrtc, GParamSpec *pspec, gpointer data)
{
    GstWebRTCICEGatheringState state;
    (void)pspec;
    g_object_get(webrtc, "ice-gathering-state", &state, NULL);
    if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) post(data, EV_GATHERED, NULL, NULL, 0);
}

static void on_state(GObject *webrtc, GParamSpec *pspec, gpointer data)
{
    (void)webrtc;
    (void)pspec;
    post(data, EV_STATE, NULL, NULL, 0);
}

/* libnice gathers no loopback address by itself: give it the --ice-address list. */
static gboolean add_ice_addresses(GstElement *webrtc, const char *const *addresses, int count,
                                  char **error)
{
    GstWebRTCICE *ice = NULL;
    NiceAgent *agent = NULL;
    gboolean ok = TRUE;

    if (count == 0) return TRUE;
    g_object_get(webrtc, "ice-agent", &ice, NULL);
    if (ice && g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent"))
        g_object_get(ice, "agent", &agent, NULL);
    if (!agent) {
        room_set_error(error, "webrtcbin's ICE agent is not libnice: cannot add --ice-address");
        ok = FALSE;
    }
    for (int i = 0; ok && i < count; i++) {
        NiceAddress addr;
        nice_address_init(&addr);
        if (!nice_address_set_from_string(&addr, addresses[i]) ||
            !nice_agent_add_local_address(agent, &addr)) {
            room_set_error(error, "--ice-address: cannot use '%s'", addresses[i]);
            ok = FALSE;
        }
    }
    if (agent) g_object_unref(agent);
    if (ice) gst_object_unref(ice);
    return ok;
}

struct webrtc_call *webrtc_call_new(GstElement *webrtcbin, const char *const *ice_addresses,
                                    int count, const struct webrtc_call_callbacks *callbacks,
                                    void *user, char **error)
{
    struct webrtc_call *call;

    if (!add_ice_addresses(webrtcbin, ice_addresses, count, error)) return NULL;
    call = g_new0(struct webrtc_call, 1);
    call->refs = 1;
    call->webrtc = webrtcbin;
    call->cb = callbacks;
    call->user = user;
    g_signal_connect(webrtcbin, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), call);
    g_signal_connect(webrtcbin, "on-ice-candidate", G_CALLBACK(on_ice_candidate), call);
    g_signal_connect(webrtcbin, "notify::ice-gathering-state", G_CALLBACK(on_gathering_state),
                     call);
    g_signal_connect(webrtcbin, "notify::ice-connection-state", G_CALLBACK(on_state), call);
    g_signal_connect(webrtcbin, "notify::connection-state", G_CALLBACK(on_state), call);
    return call;
}

void webrtc_call_free(struct webrtc_call *call)
{
    if (!call) return;
    call->closed = TRUE;
    g_signal_handlers_disconnect_by_data(call->webrtc, call);
    call_unref(call);
}
