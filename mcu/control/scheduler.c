/* scheduler.c - conference states over time; see scheduler.h. */
#include "mcu/control/scheduler.h"

#include <glib.h>
#include <string.h>

#include "mcu/core/log.h"
#include "mcu/control/schedule.h"

#define MAX_SKIPS 100000 /* missed occurrences skipped in one step, at most */

struct scheduler {
    struct store *store;
    struct scheduler_hooks hooks;
    void *owner;
    GHashTable *joinable; /* id (owned) -> itself: opened through hooks.open */
};

struct scheduler *scheduler_new(struct store *store, const struct scheduler_hooks *hooks,
                                void *owner)
{
    struct scheduler *s = g_new0(struct scheduler, 1);
    s->store = store;
    s->hooks = *hooks;
    s->owner = owner;
    s->joinable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return s;
}

void scheduler_free(struct scheduler *s)
{
    if (!s) return;
    g_hash_table_destroy(s->joinable);
    g_free(s);
}

void scheduler_refresh(struct scheduler *s, const char *id)
{
    g_hash_table_remove(s->joinable, id);
}

int scheduler_is_joinable(const struct scheduler *s, const char *id)
{
    return g_hash_table_contains(s->joinable, id);
}

static int64_t earliest(int64_t due, int64_t t, int64_t now)
{
    return t > now && t < due ? t : due;
}

/* Moves c to occurrence + 1 (scheduled), or ended when there is none. */
static void next_occurrence(struct store_conference *c)
{
    struct schedule_window w;
    c->occurrence++;
    c->warned = false;
    c->state = schedule_occurrence(c, c->occurrence, &w) ? STORE_SCHEDULED : STORE_ENDED;
}

/* Advances c's state to `now` in memory; returns when it is next due. Sets *warn_end
 * when the rooms are to be warned now. */
static int64_t advance(struct store_conference *c, int64_t now, int64_t *warn_end)
{
    int64_t due = INT64_MAX;
    *warn_end = 0;
    for (int i = 0; i < MAX_SKIPS && c->state != STORE_ENDED; i++) {
        struct schedule_window w;
        if (!schedule_occurrence(c, c->occurrence, &w)) {
            c->state = STORE_ENDED;
            break;
        }
        if (now >= w.end) { /* over (or missed while we were down) */
            next_occurrence(c);
            continue;
        }
        if (c->state == STORE_SCHEDULED) {
            if (now >= w.start) {
                c->state = STORE_OPEN;
                continue;
            }
            due = earliest(due, w.start - (int64_t)c->early_join_minutes * 60, now);
            due = earliest(due, w.start, now);
            break;
        }
        /* open */
        if (w.end != SCHEDULE_FOREVER) {
            int64_t warn_at = w.end - SCHEDULER_WARN_BEFORE_END;
            if (!c->warned && now >= warn_at) {
                c->warned = true;
                *warn_end = w.end;
            }
            if (!c->warned) due = earliest(due, warn_at, now);
            due = earliest(due, w.end, now);
        }
        break;
    }
    return due;
}

static bool should_be_joinable(const struct store_conference *c, int64_t now)
{
    if (c->state == STORE_OPEN) return true;
    struct schedule_window w;
    return c->state == STORE_SCHEDULED && schedule_occurrence(c, c->occurrence, &w) &&
           now >= w.start - (int64_t)c->early_join_minutes * 60;
}

/* Opens or closes the run-time conference to match the stored state. */
static void sync_joinable(struct scheduler *s, const struct store_conference *c, int64_t now)
{
    bool want = should_be_joinable(c, now);
    bool have = g_hash_table_contains(s->joinable, c->id);
    if (want && !have) {
        g_hash_table_add(s->joinable, g_strdup(c->id));
        s->hooks.open(s->owner, c);
    } else if (!want && have) {
        g_hash_table_remove(s->joinable, c->id);
        s->hooks.close(s->owner, c->id,
                       c->state == STORE_ENDED ? "conference ended" : "meeting over");
    }
}

int64_t scheduler_step(struct scheduler *s, int64_t now)
{
    int64_t due = INT64_MAX;
    GPtrArray *list = store_conference_list(s->store, -1);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < list->len; i++) {
        struct store_conference *c = list->pdata[i];
        g_hash_table_add(seen, c->id);
        enum store_conference_state from = c->state;
        int from_occurrence = c->occurrence;
        bool from_warned = c->warned;
        int64_t warn_end = 0;
        int64_t next = advance(c, now, &warn_end);
        if (c->state != from || c->occurrence != from_occurrence || c->warned != from_warned) {
            c->updated_at = now;
            if (store_conference_update(s->store, c) != STORE_OK) {
                /* Nothing is done that the store does not know: try again soon. */
                log_error("scheduler: cannot store the state of conference %s", c->id);
                due = earliest(due, now + 1, now);
                continue;
            }
            if (c->state != from || c->occurrence != from_occurrence)
                s->hooks.transition(s->owner, c, from, from_occurrence);
        }
        sync_joinable(s, c, now);
        if (warn_end) s->hooks.warn(s->owner, c, warn_end);
        if (next < due) due = next;
    }
    /* Deleted conferences still held joinable. */
    GHashTableIter it;
    gpointer key;
    GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&it, s->joinable);
    while (g_hash_table_iter_next(&it, &key, NULL))
        if (!g_hash_table_contains(seen, key)) g_ptr_array_add(gone, g_strdup(key));
    for (guint i = 0; i < gone->len; i++) {
        g_hash_table_remove(s->joinable, gone->pdata[i]);
        s->hooks.close(s->owner, gone->pdata[i], "conference deleted");
    }
    g_ptr_array_free(gone, TRUE);
    g_hash_table_destroy(seen);
    g_ptr_array_free(list, TRUE);
    return due;
}

int scheduler_end_now(struct scheduler *s, struct store_conference *c, int64_t now)
{
    enum store_conference_state from = c->state;
    int from_occurrence = c->occurrence;
    if (c->duration == 0 || c->recurrence == STORE_RECUR_NONE) {
        c->state = STORE_ENDED;
        c->ended_at = now; /* the real end, shown instead of the scheduled one */
    } else
        next_occurrence(c);
    c->updated_at = now;
    int rc = store_conference_update(s->store, c);
    if (rc != STORE_OK) return rc;
    s->hooks.transition(s->owner, c, from, from_occurrence);
    if (g_hash_table_remove(s->joinable, c->id))
        s->hooks.close(s->owner, c->id, "conference ended by an operator");
    scheduler_step(s, now);
    return STORE_OK;
}
