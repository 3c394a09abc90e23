/* webrtc_call.h - one webrtcbin's offer/answer and ICE, as the signalling protocol
 * needs them: make the offer (and set it locally before anyone sees it), hand out
 * local candidates, apply the server's answer and its candidates, report ICE, DTLS
 * and connection states.
 *
 * webrtcbin calls back on its own threads; this module moves every event to the GLib
 * main loop before calling the user, and never calls the user after
 * webrtc_call_free(). It does not own the webrtcbin (the pipeline does). */
#ifndef HOINGHI_ROOM_WEBRTC_CALL_H
#define HOINGHI_ROOM_WEBRTC_CALL_H

#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

struct webrtc_call;

struct webrtc_call_callbacks {
    /* webrtcbin wants an offer made (the user calls webrtc_call_make_offer when ready). */
    void (*on_negotiation_needed)(void *user);
    /* The offer is made and set as local description: send it. error != NULL on failure. */
    void (*on_offer)(void *user, const char *sdp, const char *error);
    /* A local candidate ("candidate:..."), with its m-line and mid. */
    void (*on_candidate)(void *user, unsigned mline, const char *mid, const char *candidate);
    /* Gathering completed. */
    void (*on_gathering_done)(void *user);
    /* The answer was applied (error NULL) or refused. */
    void (*on_answer_applied)(void *user, const char *error);
    /* ICE connection or peer connection state changed. */
    void (*on_state)(void *user, GstWebRTCICEConnectionState ice,
                     GstWebRTCPeerConnectionState connection);
};

/* Wraps webrtcbin (borrowed: keep the pipeline alive longer than the call) and adds
 * each of ice_addresses (count of them) to its libnice agent. NULL with *error set
 * (g_free it) when an address cannot be used. */
struct webrtc_call *webrtc_call_new(GstElement *webrtcbin, const char *const *ice_addresses,
                                    int count, const struct webrtc_call_callbacks *callbacks,
                                    void *user, char **error);

/* Edits an offer webrtcbin made before it is set as the local description and handed
 * to on_offer. Runs on a webrtcbin thread. */
typedef void (*webrtc_call_offer_edit_fn)(GstSDPMessage *offer, void *user);

/* Installs an offer edit (NULL: none, the default): the test peer rewrites its H.264
 * fmtp there. Set it before webrtc_call_make_offer. */
void webrtc_call_set_offer_edit(struct webrtc_call *call, webrtc_call_offer_edit_fn edit,
                                void *user);

/* Asks webrtcbin for an offer; on_offer follows. */
void webrtc_call_make_offer(struct webrtc_call *call);

/* Applies the server's SDP answer; on_answer_applied follows. False (and *error) when
 * the text is not SDP. */
gboolean webrtc_call_apply_answer(struct webrtc_call *call, const char *sdp, char **error);

/* A server candidate for m-line mline. */
void webrtc_call_add_candidate(struct webrtc_call *call, unsigned mline, const char *candidate);

/* The DTLS transport's state now (of the first transceiver), e.g. "connected"; never NULL. */
const char *webrtc_call_dtls_state(struct webrtc_call *call);

/* The nick of an enum value, e.g. "checking" for an ICE state. */
const char *webrtc_call_state_name(GType enum_type, int value);

/* No more callbacks; frees the call once webrtcbin's pending events are gone. */
void webrtc_call_free(struct webrtc_call *call);

#endif
