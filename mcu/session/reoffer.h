/* reoffer.h - a new offer on an established media session (a JSEP subsequent offer,
 * RFC 8829 section 5.2.2): the answer keeps what was agreed the first time (codecs,
 * payload types, our SSRCs, the DTLS roles), and when the offer carries new ICE
 * credentials (the peer called restartIce()) ICE restarts on the same session
 * (RFC 8445 section 9) with new local credentials in the answer. DTLS and SRTP carry
 * on: the fingerprint must not change, so there is no new handshake.
 *
 * A re-offer that changes the fingerprint or the media (audio or video added or
 * removed, another codec or payload type, another DTLS role) is refused: the room
 * leaves and joins again for that. */
#ifndef HOINGHI_MCU_REOFFER_H
#define HOINGHI_MCU_REOFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/transport/media_session.h"
#include "signaling/sdp/sdp.h"

/* What the first offer/answer agreed; kept by the participant for re-offers. */
struct media_agreement {
    struct sdp_negotiated negotiated;
    struct sdp_answer_params params; /* pointers: the server's fingerprint and the
                                          agreement's own cname / stream id */
    char cname[64];
};

/* Fills the agreement from the first answer's parameters and negotiation (copies the
 * cname; the fingerprint must outlive the agreement, as the server identity does). */
void media_agreement_init(struct media_agreement *a, const struct sdp_answer_params *params,
                          const struct sdp_negotiated *negotiated);

enum reoffer_result {
    REOFFER_ANSWERED,      /* same ICE credentials: answered, nothing changed */
    REOFFER_ICE_RESTARTED, /* new ICE credentials: ICE restarted, answered */
    REOFFER_REFUSED,       /* *code and err say why (protocol error codes) */
};

/* Answers `sdp` (the re-offer's text) on `media`. On success *answer is the SDP
 * answer (free()) and the agreement holds the new remote ICE credentials. */
enum reoffer_result reoffer_answer(struct media_agreement *a, struct media_session *media,
                                   const char *sdp, char **answer, const char **code, char *err,
                                   size_t errlen);

#endif
