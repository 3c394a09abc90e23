/* registry.h - who is where: the one table of the daemon's signalling members (every
 * connection, joined to a conference or not), the settings of the conferences one can
 * join (the config file's and those opened at run time) and the running mixing
 * conferences. Broadcasting an event to a conference goes through here: each member
 * registers how to send to it (and how to end its part in a conference) when it is
 * created, so the operator plane can reach members by conference and id without
 * knowing what a member is.
 *
 * Control thread only (the GLib main loop): nothing here is locked. */
#ifndef HOINGHI_MCU_REGISTRY_H
#define HOINGHI_MCU_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/conference/conference.h"
#include "mcu/core/config.h"

struct registry;
struct registry_member;

/* What the registry may do to a member (set by its owner, the session). */
struct registry_member_ops {
    /* Sends an event's text to the member. */
    void (*send)(void *ctx, const char *text);
    /* Ends the member's part in its conference (`bye` with the code, a
     * PROTOCOL_BYE_* or NULL, and the reason); the member must be out of it
     * (registry_member_leave) when this returns. */
    void (*kick)(void *ctx, const char *code, const char *reason);
};

/* config: the config file's conferences and the recording settings (borrowed; it
 * outlives the registry). events and owner: given to every mixing conference it starts
 * (conference_new); events may be NULL. */
struct registry *registry_new(const struct mcu_config *config,
                              const struct conference_events *events, void *owner);
/* Every member must have been freed and every running conference released. */
void registry_free(struct registry *reg);

/* --- conferences one can join ----------------------------------------------------- */

/* The joinable conference with this id: the config file's, or one opened at run
 * time. NULL when there is none. */
const struct mcu_conference_config *registry_find_settings(const struct registry *reg,
                                                           const char *id);

/* Opens a conference for joining at run time (the settings are copied); an open one
 * with the same id gets the new settings for later joins, unless someone is in it
 * (members keep a pointer to the settings they joined with). Returns -1 when the id
 * is a config file conference. */
int registry_open_settings(struct registry *reg, const struct mcu_conference_config *config);

/* Closes a run-time conference: every member in it is kicked with the reason (code
 * "conference_ended": its end is not a failure of the rooms). */
void registry_close_settings(struct registry *reg, const char *id, const char *reason);

/* The conference's current occurrence ends at `end` (Unix seconds; ends_at: the same
 * in ISO 8601, copied) and its rooms were warned (conference_ending): a room that
 * joins later gets the warning too. Forgotten when the conference closes. */
void registry_set_ending(struct registry *reg, const char *id, const char *ends_at, int64_t end);
/* The warning is forgotten (the schedule changed: the scheduler warns again). */
void registry_forget_ending(struct registry *reg, const char *id);
/* The warned end of conference `id` (ISO 8601; *end in Unix seconds), or NULL when no
 * warning was sent for its occurrence. */
const char *registry_ending(const struct registry *reg, const char *id, int64_t *end);

/* --- running mixing conferences ------------------------------------------------------ */

/* The running conference for `settings`, started (and recorded from the start when
 * its record policy says so) if it is not running yet. NULL with a reason in err. */
struct conference *registry_start_conference(struct registry *reg,
                                             const struct mcu_conference_config *settings,
                                             char *err, size_t errlen);
/* Its record policy applied to running conference `id`: record=always starts
 * recording unless it records already or its record_from (the scheduled start, while
 * rooms joined early) is still ahead. Called when a conference starts and again by
 * the scheduler at the scheduled start. Nothing when `id` is not running. */
void registry_record_by_policy(struct registry *reg, const char *id);

/* Ends the conference when its last member has left. */
void registry_release_conference(struct registry *reg, struct conference *conference);

/* The running conference with this id, or NULL when nobody is in it. */
struct conference *registry_running(const struct registry *reg, const char *id);

/* Calls fn for every running conference, in no particular order. */
void registry_foreach_running(struct registry *reg,
                              void (*fn)(const char *id, struct conference *conference, void *data),
                              void *data);

/* --- members ----------------------------------------------------------------------------- */

/* A new member (not joined) with a fresh id ("p" and 8 hex digits, unique among the
 * members); ops is borrowed (static), ctx is given back to its operations. */
struct registry_member *registry_member_new(struct registry *reg,
                                            const struct registry_member_ops *ops, void *ctx);
/* Out of its conference (if in one) and out of the table. NULL is ignored. */
void registry_member_free(struct registry_member *m);

const char *registry_member_id(const struct registry_member *m);

/* The member is in the conference with these settings (one of registry_find_settings'
 * answers); it receives the conference's broadcasts from now on. Joining again moves
 * it. */
void registry_member_join(struct registry_member *m, const struct mcu_conference_config *settings);
/* The member is in no conference (nothing happens when it was in none). */
void registry_member_leave(struct registry_member *m);
/* The settings of its conference, NULL when it is in none. */
const struct mcu_conference_config *registry_member_settings(const struct registry_member *m);

/* Members joined to any conference. */
size_t registry_joined_count(const struct registry *reg);
/* Members joined to the conference with this id. */
size_t registry_count_in(const struct registry *reg, const char *conference_id);

/* The member with this id when it is in conference `conference_id`, else NULL. */
struct registry_member *registry_find_member(const struct registry *reg, const char *conference_id,
                                             const char *member_id);

/* --- operations on a conference's members ------------------------------------------------- */

/* Sends `text` (an event; freed here, NULL is ignored) to every member of the
 * conference but `except` (may be NULL), in join order. */
void registry_broadcast(struct registry *reg, const char *conference_id, char *text,
                        const struct registry_member *except);

/* Kicks member `member_id` out of conference `conference_id` with the reason (code
 * "removed"). Returns
 * -1 when it is not in that conference. */
int registry_kick(struct registry *reg, const char *conference_id, const char *member_id,
                  const char *reason);

#endif
