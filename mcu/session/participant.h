/* participant.h - one signalling connection and, once joined, one participant: its
 * signalling state machine (join, offer/answer, trickle ICE, leave), its media session
 * and what its conference does with its packets (the `echo` conference sends them
 * back; a mixing conference mixes them). Each participant is a member of the registry
 * (mcu/conference/registry.h), which knows how to send to it and to kick it. Created
 * when a WebSocket opens, freed when it closes. Runs on the control thread. */
#ifndef HOINGHI_MCU_PARTICIPANT_H
#define HOINGHI_MCU_PARTICIPANT_H

#include <stddef.h>

#include "mcu/http/http_server.h"
#include "mcu/session/join_access.h"

struct mcu_config;
struct dtls_identity;
struct limits;
struct registry;

/* What every participant shares (owned by whoever starts the daemon; outlives the
 * participants). */
struct session_context {
    const struct mcu_config *config;  /* public-address */
    struct dtls_identity *identity;   /* the DTLS certificate */
    const char *const *ice_addresses; /* NULL: all interfaces */
    struct limits *limits;            /* join rate, participant and message limits */
    struct registry *registry;        /* who is where; the conferences */
    struct join_access_hooks access;  /* the operator plane's join checks */
};

struct participant;

/* Sends the protocol's hello. Never returns NULL. */
struct participant *participant_new(const struct session_context *session,
                                    struct ws_connection *connection);

/* One whole text message from the client. */
void participant_handle_message(struct participant *p, const char *text, size_t length);

/* A message over the size limit was dropped; tells the client. */
void participant_handle_oversized(struct participant *p, size_t length);

struct conference;
struct conference_member;

/* conference_events.active_speaker, given the registry: tells every member. */
void participant_announce_active_speaker(struct registry *registry, struct conference *conference,
                                         struct conference_member *speaker);
/* Tells the member's room what its camera should send (a send_limits event). */
struct send_limits;
void participant_send_limits(struct conference_member *member, const struct send_limits *limits);

/* Ends the media session, leaves the conference and frees the participant (the
 * connection is gone). */
void participant_free(struct participant *p);

#endif
