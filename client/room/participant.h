/* participant.h - one room in a conference, from connecting to leaving: its
 * signalling connection, its GStreamer pipeline (sources, webrtcbin, receiver,
 * recorder), its figures, and how it ended (an exit code and a reason).
 *
 * Life: participant_new() starts connecting right away; the participant joins, offers,
 * connects media and stays until participant_leave() or a failure; then it leaves
 * cleanly (a `leave` request, the recording closed) and calls on_finished once, from
 * the main loop. Free it after that. */
#ifndef HOINGHI_ROOM_PARTICIPANT_H
#define HOINGHI_ROOM_PARTICIPANT_H

#include "client/room/options.h"
#include "client/room/signalling.h"

struct participant;

typedef void (*participant_finished_fn)(struct participant *p, void *user);

/* index: 1..N with --count N (name and recording get the suffix), 0 for a single room. */
struct participant *participant_new(const struct room_options *opt, int index,
                                    struct signalling_hub *hub, participant_finished_fn on_finished,
                                    void *user);

/* Leave the conference now (why: for the log, e.g. "duration reached"). */
void participant_leave(struct participant *p, const char *why);

/* Samples webrtcbin's statistics; prints a status line when print is TRUE. */
void participant_update_stats(struct participant *p, gboolean print);

/* How it ended: a room_exit code, and a reason when it is not ROOM_EXIT_OK (or NULL). */
int participant_exit_code(const struct participant *p);
const char *participant_failure(const struct participant *p);

/* Whether it ended because the server went away: the signalling connection closed
 * during the call (mcud stopped or restarted), or it could not reach the server at all
 * (not a refusal). The caller may try again with a new participant. */
gboolean participant_server_gone(const struct participant *p);

/* The one-line summary on stdout. */
void participant_print_summary(struct participant *p);

void participant_free(struct participant *p);

#endif
