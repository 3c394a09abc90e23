/* participant_internal.h - (internal to mcu/session) the participant's state, shared
 * by participant.c (the signalling state machine, the media callbacks, the conference
 * side) and participant_offer.c (the first offer: from the offer to a media session
 * and its answer). Control thread only. */
#ifndef HOINGHI_MCU_PARTICIPANT_INTERNAL_H
#define HOINGHI_MCU_PARTICIPANT_INTERNAL_H

#include <glib.h>
#include <stdint.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/echo.h"
#include "mcu/conference/registry.h"
#include "mcu/core/rate_limiter.h"
#include "mcu/session/participant.h"
#include "mcu/session/reoffer.h"
#include "mcu/transport/media_session.h"
#include "signaling/sdp/sdp.h"

#define ECHO_TICK_MS 200

/* Joined (to the conference whose settings these are) or only connected: the
 * registry's record says, so there is one answer to "who is where". */
#define CONFERENCE(p) registry_member_settings((p)->entry)

struct participant {
    const struct session_context *session;
    struct ws_connection *connection;
    struct registry_member *entry; /* its entry in the registry (owned) */
    char id[16];                   /* its id in the registry */
    char *name;
    struct media_session *media;
    struct media_agreement *agreed; /* what the offer/answer agreed, for re-offers */
    struct echo *echo;
    struct echo_output *echo_output;
    struct conference *mix; /* a mixing conference, when joined to one */
    struct conference_member *member;
    GSource *tick;
    GSource *end_media;           /* deferred teardown after a media failure */
    struct token_bucket messages; /* message-rate (limits.h) */
    size_t remote_candidates;     /* given to this media session, offer + trickled */
};

/* One first offer on its way to an answer. */
struct first_offer {
    struct sdp_session *offer;
    struct sdp_answer_params params;  /* our side of the answer */
    struct sdp_negotiated negotiated; /* what offer and answer agree */
    char cname[32];
    const char *code; /* failed: the protocol's error code */
};

/* participant.c: the media session's events; the echo's tick; media teardown (the
 * conference side included); one remote candidate for the media session (NULL, or the
 * error code to refuse a trickled one with). */
void participant_on_media_state(void *owner, enum media_state state, const char *reason);
void participant_on_media_rtp(void *owner, uint8_t *packet, size_t length);
void participant_on_media_rtcp(void *owner, uint8_t *packet, size_t length);
gboolean participant_echo_tick(gpointer user);
void participant_end_media(struct participant *p);
const char *participant_add_remote_candidate(struct participant *p, const char *candidate);

/* participant_offer.c: the first offer negotiated, then the media session opened,
 * answered and connected to the conference (or an echo), in that order; each step
 * fails with its own code and message. Returns the answer's text (free() it), or NULL
 * (no media left) with o->code and err. */
char *participant_answer_first_offer(struct participant *p, const char *sdp, struct first_offer *o,
                                     char *err, size_t errlen);

#endif
