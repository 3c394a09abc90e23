/* media_session.h - one participant's secure media transport: ICE (libnice) carrying
 * DTLS (OpenSSL) which keys SRTP (libsrtp2), with BUNDLE and rtcp-mux, so everything
 * travels on one ICE component. Incoming datagrams are demultiplexed (RFC 7983:
 * DTLS / SRTP / SRTCP), decrypted and handed to the owner as plain RTP or RTCP;
 * outgoing plain packets are protected and sent.
 *
 * A peer that stops answering is dropped: libnice's consent freshness (RFC 7675) fails
 * the pair when the peer no longer answers consent checks (libnice gives up a few
 * seconds after the last answer, and a burst of loss can do that); the session then
 * checks the peer again with the same credentials (ice_transport_recheck) and waits
 * MEDIA_SESSION_RESTART_GRACE_US for those checks or a peer's ICE restart
 * (media_session_restart_ice) to connect before it fails, so that a room whose
 * network blinked stays in. As a backstop the session fails when no packet
 * at all arrived for MEDIA_SESSION_INACTIVITY_US.
 *
 * Runs on the GLib main context given at creation. Events are delivered from that
 * context; the owner must not free the session from inside an event handler (schedule
 * it, e.g. with g_idle_add). */
#ifndef HOINGHI_MCU_MEDIA_SESSION_H
#define HOINGHI_MCU_MEDIA_SESSION_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/transport/dtls_identity.h"
#include "mcu/transport/dtls_transport.h"

#define MEDIA_SESSION_INACTIVITY_US    (30 * G_USEC_PER_SEC)
#define MEDIA_SESSION_RESTART_GRACE_US (15 * G_USEC_PER_SEC)
#define MEDIA_SESSION_MAX_PACKET       1500

enum media_state {
    MEDIA_STATE_CONNECTING, /* ICE checks and DTLS handshake under way */
    MEDIA_STATE_CONNECTED,  /* SRTP keys in place: packets flow */
    MEDIA_STATE_FAILED,     /* final; the reason says why */
    MEDIA_STATE_CLOSED,     /* final; closed by either side */
};

const char *media_state_name(enum media_state state); /* "connecting", ... */

struct media_session_events {
    void (*state_changed)(void *owner, enum media_state state, const char *reason);
    /* One decrypted packet; the buffer is the session's and valid during the call. */
    void (*rtp)(void *owner, uint8_t *packet, size_t length);
    void (*rtcp)(void *owner, uint8_t *packet, size_t length);
};

struct media_session_config {
    GMainContext *context;
    const struct dtls_identity *identity;
    const char *const *ice_addresses; /* NULL-terminated, or NULL for all interfaces */
    const char *public_address;       /* 1:1 NAT address for candidates, or NULL */
    enum dtls_role dtls_role;         /* from the SDP a=setup negotiation */
    const char *remote_ice_ufrag;
    const char *remote_ice_pwd;
    const char *remote_fingerprint_hash; /* "sha-256" */
    const char *remote_fingerprint;
};

struct media_session_stats {
    uint64_t rtp_in, rtp_out, rtcp_in, rtcp_out;
    uint64_t bytes_in, bytes_out;
    uint64_t dropped_unprotect; /* SRTP/SRTCP that failed authentication or replay */
    uint64_t dropped_unknown;   /* datagrams that are neither DTLS nor RTP/RTCP */
    uint64_t dropped_early;     /* RTP/RTCP before the keys were ready */
    uint64_t send_not_ready;    /* sends before the keys were ready (normal at start) */
    uint64_t send_failed;       /* protect or socket errors */
};

struct media_session;

/* Creates the session and gathers local ICE candidates (done on return). */
struct media_session *media_session_new(const struct media_session_config *config,
                                        const struct media_session_events *events, void *owner,
                                        char *err, size_t errlen);
/* Sends a DTLS close_notify when connected, then frees everything. NULL allowed. */
void media_session_free(struct media_session *session);

const char *media_session_local_ufrag(const struct media_session *session);
const char *media_session_local_pwd(const struct media_session *session);
/* NULL-terminated "candidate:..." strings; free with g_strfreev(). */
char **media_session_local_candidates(const struct media_session *session);

/* ICE restart on the peer's new ICE credentials (a re-offer with a new ufrag/pwd):
 * the session gets new local credentials (media_session_local_ufrag/pwd) and checks
 * again; DTLS and SRTP carry on over the new pair (same association, no handshake).
 * 0, or -1 with the reason in err. */
int media_session_restart_ice(struct media_session *session, const char *remote_ufrag,
                              const char *remote_pwd, char *err, size_t errlen);

int media_session_add_remote_candidate(struct media_session *session, const char *candidate);
void media_session_remote_candidates_done(struct media_session *session);

/* Protect and send one plain RTP / RTCP packet (at most MEDIA_SESSION_MAX_PACKET bytes).
 * Returns -1 when not connected or the send failed (counted). */
int media_session_send_rtp(struct media_session *session, const uint8_t *packet, size_t length);
int media_session_send_rtcp(struct media_session *session, const uint8_t *packet, size_t length);

enum media_state media_session_state(const struct media_session *session);
void media_session_get_stats(const struct media_session *session, struct media_session_stats *out);

#endif
