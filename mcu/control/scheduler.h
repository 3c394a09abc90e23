/* scheduler.h - moves stored conferences through their states on time:
 *
 *   scheduled --start--> open --end--> scheduled (next occurrence) or ended
 *
 * and decides when a conference is joinable: while open, and from
 * early_join_minutes before each start. Five minutes before an end the rooms are
 * warned. An occurrence missed entirely (mcud was down through it) is skipped, not
 * run late.
 *
 * Every state change is written to the store (one transaction per conference) before
 * anything is done about it, so after a restart or a kill -9 the scheduler carries on
 * from the stored state: an occurrence that ended is never opened again, one that was
 * open is opened again for the rest of its time.
 *
 * The scheduler reads no clock: scheduler_step(now) does what is due at `now` and
 * says when it next needs to run; the owner arms the timer (control.c). Its actions
 * go out through hooks, so it is tested without a server. Control thread only. */
#ifndef HOINGHI_MCU_SCHEDULER_H
#define HOINGHI_MCU_SCHEDULER_H

#include <stdint.h>

#include "mcu/store/store.h"

#define SCHEDULER_WARN_BEFORE_END 300 /* seconds */

struct scheduler_hooks {
    /* Make the conference joinable with these settings (also called again after
     * scheduler_refresh() with new settings). */
    void (*open)(void *owner, const struct store_conference *c);
    /* No more joins; everyone in it gets `bye` with the reason. */
    void (*close)(void *owner, const char *id, const char *reason);
    /* The current occurrence ends at `end` (in at most five minutes). */
    void (*warn)(void *owner, const struct store_conference *c, int64_t end);
    /* The stored state changed from `from` (for the audit log). */
    void (*transition)(void *owner, const struct store_conference *c,
                       enum store_conference_state from, int from_occurrence);
};

struct scheduler;

struct scheduler *scheduler_new(struct store *store, const struct scheduler_hooks *hooks,
                                void *owner);
/* Closes nothing: the server's own shutdown ends the conferences. */
void scheduler_free(struct scheduler *s);

/* Does everything due at `now` (unix seconds). Returns the next time something is
 * due, or INT64_MAX. */
int64_t scheduler_step(struct scheduler *s, int64_t now);

/* The conference's settings changed: the next step opens it again with them (if it
 * is joinable). */
void scheduler_refresh(struct scheduler *s, const char *id);

/* Whether the scheduler holds the conference joinable now. */
int scheduler_is_joinable(const struct scheduler *s, const char *id);

/* Ends the current occurrence of conference `c` now (an operator's "end"): the
 * stored state moves on (next occurrence, or ended). STORE_OK, or a store error. */
int scheduler_end_now(struct scheduler *s, struct store_conference *c, int64_t now);

#endif
