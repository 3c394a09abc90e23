/* participant.h - one signalling connection and, once joined, one participant: its
 * signalling state machine (join, offer/answer, trickle ICE, leave), its media session
 * and what its conference does with its packets (for now the `echo` conference sends
 * them back). Owned by the server: created when a WebSocket opens, freed when it
 * closes. Runs on the control thread. */
#ifndef HOINGHI_MCU_PARTICIPANT_H
#define HOINGHI_MCU_PARTICIPANT_H

#include <stddef.h>

#include "mcu/http/http_server.h"

struct mcu_server;
struct participant;

/* Sends the protocol's hello. Never returns NULL. */
struct participant *participant_new(struct mcu_server *server, struct ws_connection *connection);

/* One whole text message from the client. */
void participant_handle_message(struct participant *p, const char *text, size_t length);

/* A message over the size limit was dropped; tells the client. */
void participant_handle_oversized(struct participant *p, size_t length);

struct conference;
struct conference_member;

/* A conference's active speaker changed: tells every member (conference event). */
void participant_announce_active_speaker(void *server, struct conference *conference,
                                         struct conference_member *speaker);

/* Sends `text` (an event; freed here, NULL is ignored) to every member of the
 * conference: for operator actions (mute, layout, warnings). */
void participant_broadcast_event(struct conference *conference, char *text);

struct mcu_conference_config;

/* Ends this participant's part in its conference: `bye` with the reason, media
 * closed, out of the conference (the WebSocket stays open). */
void participant_kick(struct participant *p, const char *reason);

/* How many participants are joined to the conference with these settings. */
size_t participant_count_in(struct mcu_server *server, const struct mcu_conference_config *conference);
/* Kicks everyone joined to it. */
void participant_kick_all_in(struct mcu_server *server, const struct mcu_conference_config *conference,
                             const char *reason);

const char *participant_id(const struct participant *p);

/* Ends the media session and frees the participant (the connection is gone). */
void participant_free(struct participant *p);

#endif
