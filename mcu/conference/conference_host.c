/* conference_host.c - "host must be present" for a mixing conference: while no member
 * that joined with the host token is in, the media thread sends nothing to anyone
 * (conference_media.c checks media_held); the first host releases the media, the last
 * host leaving holds it again after the grace period. See conference.h. Control
 * thread; media_held is written under the lock because the media thread reads it. */
#include "mcu/conference/conference_internal.h"

#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"

static void set_held(struct conference *c, bool held)
{
    g_mutex_lock(&c->lock);
    bool changed = c->media_held != held;
    c->media_held = held;
    if (changed && !held) {
        /* Receivers start on a keyframe, as after a join. */
        for (int i = 0; i < c->config.max_participants; i++)
            if (c->members[i] && c->members[i]->profile >= 0)
                c->members[i]->waiting_keyframe = true;
        struct conference_command keyframe = {.kind = COMMAND_KEYFRAME};
        conference_push_command_locked(c, &keyframe);
    }
    g_mutex_unlock(&c->lock);
    if (!changed) return;
    log_info("conference %s: %s", c->config.id,
             held ? "no host: media held until a host joins" : "the host is in: media flows");
    if (c->events.host_state) c->events.host_state(c->owner, c, held);
}

static gboolean on_grace_over(gpointer data)
{
    struct conference *c = data;
    g_source_unref(c->host_grace_timer);
    c->host_grace_timer = NULL;
    if (c->hosts_present == 0) set_held(c, true);
    return G_SOURCE_REMOVE;
}

void conference_member_set_host(struct conference *c, struct conference_member *m)
{
    if (m->host) return;
    m->host = true;
    c->hosts_present++;
    glib_source_stop(&c->host_grace_timer);
    set_held(c, false);
}

bool conference_member_is_host(const struct conference_member *m) { return m->host; }

bool conference_waiting_for_host(const struct conference *c) { return c->media_held; }

void conference_host_left(struct conference *c)
{
    if (c->hosts_present > 0) c->hosts_present--;
    if (c->hosts_present > 0 || !c->config.host_required || c->media_held) return;
    if (c->config.host_grace_seconds <= 0) {
        set_held(c, true);
        return;
    }
    log_info("conference %s: the last host left; media goes on for %d s", c->config.id,
             c->config.host_grace_seconds);
    glib_source_stop(&c->host_grace_timer);
    c->host_grace_timer = g_timeout_source_new_seconds((guint)c->config.host_grace_seconds);
    g_source_set_callback(c->host_grace_timer, on_grace_over, c, NULL);
    g_source_attach(c->host_grace_timer, NULL);
}
