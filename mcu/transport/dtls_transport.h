/* dtls_transport.h - one DTLS 1.2 endpoint for DTLS-SRTP (RFC 5763/5764), pure bytes
 * in and bytes out: no sockets, no event loop. OpenSSL does the protocol over an
 * in-memory datagram BIO.
 *
 * Data flow (the owner is the media session on the control thread):
 *
 *   peer datagram --dtls_transport_handle_datagram()--> handshake / close_notify
 *   dtls_transport_pop_outgoing() --> datagrams to send to the peer, in order
 *   dtls_transport_timeout_ms() / dtls_transport_handle_timeout() --> retransmission
 *
 * After every call that can change it (start, handle_datagram, handle_timeout, close)
 * the owner drains pop_outgoing() until it returns 0 and looks at
 * dtls_transport_state(). On DTLS_STATE_CONNECTED, dtls_transport_srtp_keys() gives
 * the keys for srtp_session_new(). A failed handshake also queues the alert for the
 * peer: drain the outgoing queue after failure too.
 *
 * Peer authentication is WebRTC style: the peer's certificate may be self-signed, but
 * its digest must equal the fingerprint from the peer's SDP, else the handshake fails
 * (DTLS_STATE_FAILED, reason says so). The server role requires a client certificate.
 *
 * use_srtp offers/accepts SRTP_AEAD_AES_128_GCM then SRTP_AES128_CM_SHA1_80 (a server
 * picks its own preference among what the client offers). A handshake that ends
 * without an SRTP profile fails.
 *
 * Outgoing datagrams never exceed DTLS_TRANSPORT_MTU bytes (handshake messages are
 * fragmented to it; no path-MTU probing). Incoming datagrams that are not DTLS 1.x
 * records (RFC 7983 demux, record headers checked), oversized, or arrive in a state
 * that cannot take them are rejected with -1 and counted; they never crash and never
 * change the state. Garbage inside well-formed record headers is dropped by OpenSSL.
 *
 * Not thread-safe: one owner thread per transport. */
#ifndef HOINGHI_MCU_DTLS_TRANSPORT_H
#define HOINGHI_MCU_DTLS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/transport/dtls_identity.h"
#include "mcu/transport/dtls_srtp_keys.h"

#define DTLS_TRANSPORT_MTU 1200
/* Largest incoming datagram accepted. */
#define DTLS_TRANSPORT_MAX_DATAGRAM 16384
/* Retransmission timer: first timeout, doubled per retry up to the maximum. */
#define DTLS_TRANSPORT_INITIAL_TIMEOUT_MS 500
#define DTLS_TRANSPORT_MAX_TIMEOUT_MS     4000
/* Default retransmission budget of a handshake: the next expiry fails it. With the
 * timer above that is about 30 s of silence from the peer. */
#define DTLS_TRANSPORT_MAX_RETRANSMITS 10
/* Outgoing datagrams kept when the owner does not pop them; more are dropped. */
#define DTLS_TRANSPORT_MAX_QUEUED 256

enum dtls_role {
    DTLS_ROLE_CLIENT, /* SDP a=setup:active: sends the ClientHello */
    DTLS_ROLE_SERVER, /* SDP a=setup:passive: waits for it */
};

enum dtls_state {
    DTLS_STATE_NEW,        /* created, not started */
    DTLS_STATE_CONNECTING, /* handshake in progress */
    DTLS_STATE_CONNECTED,  /* handshake done, fingerprint verified, SRTP keys ready */
    DTLS_STATE_FAILED,     /* see dtls_transport_failure_reason(); final */
    DTLS_STATE_CLOSED,     /* close_notify sent or received; final */
};

struct dtls_transport_stats {
    uint64_t datagrams_received; /* handed to handle_datagram, accepted or not */
    uint64_t datagrams_rejected; /* not DTLS, oversized, wrong state, or fatal */
    uint64_t datagrams_sent;     /* returned by pop_outgoing */
    uint64_t datagrams_dropped;  /* outgoing queue full, or buffer given too small */
    uint64_t retransmits;        /* timer expiries that resent a flight */
    uint64_t app_data_ignored;   /* application data records (we carry none) */
};

struct dtls_transport;

/* Creates an endpoint that presents `id`'s certificate and expects a peer certificate
 * whose `remote_fingerprint_hash` digest ("sha-1", "sha-256", "sha-384", "sha-512",
 * any case) equals `remote_fingerprint` (hex pairs separated by ':', any case; the
 * SDP a=fingerprint value). Returns NULL with a message in `err` for an unknown hash,
 * a malformed fingerprint or an OpenSSL failure. Does not keep `id` (see
 * dtls_identity.h). */
struct dtls_transport *dtls_transport_new(const struct dtls_identity *id, enum dtls_role role,
                                          const char *remote_fingerprint_hash,
                                          const char *remote_fingerprint, char *err, size_t errlen);

/* Restricts use_srtp to `profiles` (in preference order) instead of the default
 * GCM-then-CM list. Only in DTLS_STATE_NEW. Returns 0, or -1 for an empty list, an
 * unknown profile or a wrong state. */
int dtls_transport_set_srtp_profiles(struct dtls_transport *t,
                                     const enum dtls_srtp_profile *profiles, size_t count);

/* Starts the handshake: a client queues its ClientHello, a server waits for one.
 * Returns 0, or -1 when not in DTLS_STATE_NEW or on failure (state FAILED). A server
 * that receives a datagram while still NEW starts implicitly. */
int dtls_transport_start(struct dtls_transport *t);

/* One datagram from the peer (the ICE layer already demuxed it with
 * dtls_is_dtls_record()). Returns 0 when it was taken in, -1 when it was rejected
 * (counted) or made the handshake fail (state FAILED, reason set). */
int dtls_transport_handle_datagram(struct dtls_transport *t, const uint8_t *data, size_t len);

/* Copies the next outgoing datagram into `buf` and returns its length, 0 when there is
 * none. A `cap` of DTLS_TRANSPORT_MTU always suffices; a datagram larger than `cap` is
 * dropped (counted) and the next one is tried. */
size_t dtls_transport_pop_outgoing(struct dtls_transport *t, uint8_t *buf, size_t cap);

/* Milliseconds until dtls_transport_handle_timeout() should be called (0 = now), or
 * -1 when no retransmission timer runs. */
int64_t dtls_transport_timeout_ms(const struct dtls_transport *t);

/* Resends the last flight if the timer expired (a no-op otherwise). When the timer
 * expires after the retransmission budget is spent (DTLS_TRANSPORT_MAX_RETRANSMITS
 * unless set below) the handshake fails ("handshake timed out ..."). */
void dtls_transport_handle_timeout(struct dtls_transport *t);

/* Sets the retransmission budget of this transport (at least 1). */
void dtls_transport_set_max_retransmits(struct dtls_transport *t, unsigned int max);

enum dtls_state dtls_transport_state(const struct dtls_transport *t);
/* Why the transport is FAILED or CLOSED (e.g. "closed by peer (close_notify)");
 * "" otherwise. Owned by t. */
const char *dtls_transport_failure_reason(const struct dtls_transport *t);
enum dtls_role dtls_transport_role(const struct dtls_transport *t);

/* The negotiated profile and the exported keys (label "EXTRACTOR-dtls_srtp"),
 * local/remote according to the role. Only in DTLS_STATE_CONNECTED; returns 0, or -1
 * (and *out zeroed). The caller wipes *out after use. */
int dtls_transport_srtp_keys(const struct dtls_transport *t, struct dtls_srtp_keys *out);

/* Queues a close_notify alert (when connected) and enters DTLS_STATE_CLOSED.
 * Idempotent; a no-op in FAILED. */
void dtls_transport_close(struct dtls_transport *t);

void dtls_transport_get_stats(const struct dtls_transport *t, struct dtls_transport_stats *out);

/* NULL is allowed. Sends nothing: call dtls_transport_close() first for a clean end. */
void dtls_transport_free(struct dtls_transport *t);

/* RFC 7983 demux of a datagram on the ICE component: first byte 20..63 is DTLS
 * (STUN is 0..3, RTP/RTCP 128..191). */
bool dtls_is_dtls_record(const uint8_t *data, size_t len);

/* "AES128_CM_SHA1_80", "AEAD_AES_128_GCM" or "none". */
const char *dtls_srtp_profile_name(enum dtls_srtp_profile profile);

#endif
