/* srtp_session.h - SRTP/SRTCP protection for one DTLS-SRTP association, on libsrtp2.
 *
 * Built from the keys a dtls_transport exported: the local key protects what we send
 * (any SSRC), the remote key unprotects what the peer sends (any SSRC). Replay
 * window SRTP_SESSION_REPLAY_WINDOW packets; protecting the same RTP packet twice is
 * allowed (retransmission on NACK), but libsrtp refuses to protect a packet whose
 * sequence number is more than the window behind the newest one sent on that SSRC
 * (counted as a replay), so a NACK history deeper than the window is of no use.
 *
 * Every function works in place on the caller's buffer. A packet that fails
 * (authentication, replay, too short, no room for the trailer) is left unspecified,
 * returns -1 and is counted by reason; nothing is logged per packet.
 *
 * Threads: outbound (protect_*) and inbound (unprotect_*) use separate libsrtp
 * contexts, so one thread may protect while another unprotects; calls in the same
 * direction must not run concurrently. Counters may be read from any thread. */
#ifndef HOINGHI_MCU_SRTP_SESSION_H
#define HOINGHI_MCU_SRTP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "mcu/transport/dtls_srtp_keys.h"

#define SRTP_SESSION_REPLAY_WINDOW 1024
/* Bytes protect_rtp/protect_rtcp may append: `cap` must be at least *len plus this.
 * (libsrtp2's SRTP_MAX_TRAILER_LEN + 4 for the SRTCP index.) */
#define SRTP_SESSION_MAX_TRAILER 148

struct srtp_session_stats {
    uint64_t protected_rtp, protected_rtcp;
    uint64_t unprotected_rtp, unprotected_rtcp;
    uint64_t auth_failures;  /* inbound: tag did not verify */
    uint64_t replays;        /* already seen or older than the window */
    uint64_t bad_length;     /* too short, too long, or no room for the trailer */
    uint64_t other_failures; /* any other libsrtp error */
};

struct srtp_session;

/* Returns NULL with a message in `err` for DTLS_SRTP_PROFILE_NONE, lengths that do not
 * match the profile, or a libsrtp failure. Copies the keys: the caller still wipes
 * `keys`. */
struct srtp_session *srtp_session_new(const struct dtls_srtp_keys *keys, char *err, size_t errlen);

/* Outbound. `*len` bytes of RTP/RTCP at `buf` become SRTP/SRTCP; `*len` grows by the
 * trailer. `cap` is the size of `buf`. Returns 0 or -1. */
int srtp_session_protect_rtp(struct srtp_session *s, uint8_t *buf, size_t *len, size_t cap);
int srtp_session_protect_rtcp(struct srtp_session *s, uint8_t *buf, size_t *len, size_t cap);

/* Inbound. `*len` bytes of SRTP/SRTCP at `buf` become RTP/RTCP; `*len` shrinks.
 * Returns 0 or -1 (auth failure, replay, bad length...). */
int srtp_session_unprotect_rtp(struct srtp_session *s, uint8_t *buf, size_t *len);
int srtp_session_unprotect_rtcp(struct srtp_session *s, uint8_t *buf, size_t *len);

void srtp_session_get_stats(const struct srtp_session *s, struct srtp_session_stats *out);

/* NULL is allowed. Frees both libsrtp contexts (libsrtp owns its copy of the keys). */
void srtp_session_free(struct srtp_session *s);

#endif
