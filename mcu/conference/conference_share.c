/* conference_share.c - presenting (docs/protocol.md, "Presenting"): one content member
 * at a time is the presentation. While there is one, the conference shows it in the
 * big cell (its slot is the focus of the layouts that have a big cell, an operator's
 * focus waiting until the share ends) and switches to the "presentation" layout; when
 * the share ends the layout from before comes back, unless the operator chose another
 * one during the share. Control thread; the state is under the conference lock
 * because the sender limits read the focus. */
#include "mcu/conference/conference_internal.h"

#include <string.h>

#include "mcu/core/log.h"

#define PRESENTATION_LAYOUT "presentation"

void conference_share_limits_locked(const struct conference *c, struct send_limits *limits,
                                    size_t slots)
{
    const struct conference_member *content = c->share.content;
    if (!content || content->slot >= slots || !limits[content->slot].active) return;
    struct send_limits *l = &limits[content->slot];
    if (l->fps > CONFERENCE_SHARE_FPS) l->fps = CONFERENCE_SHARE_FPS;
    int64_t bitrate = (int64_t)l->width * l->height * l->fps / CONFERENCE_SHARE_PIXELS_PER_BIT;
    l->max_bitrate = (int)(bitrate < CONFERENCE_SHARE_MIN_BITRATE   ? CONFERENCE_SHARE_MIN_BITRATE
                           : bitrate > CONFERENCE_SHARE_MAX_BITRATE ? CONFERENCE_SHARE_MAX_BITRATE
                                                                    : bitrate);
}

void conference_member_set_content(struct conference_member *m, const char *owner_id)
{
    g_free(m->content_owner);
    m->content_owner = g_strdup(owner_id);
}

bool conference_member_is_content(const struct conference_member *m)
{
    return m->content_owner != NULL;
}

const char *conference_member_content_owner(const struct conference_member *m)
{
    return m->content_owner;
}

struct conference_member *conference_share_content(const struct conference *c)
{
    return c->share.content;
}

/* Under the lock: the engine's and the sender limits' focus set to `slot` (-1: the
 * active speaker). */
static void push_focus_locked(struct conference *c, int slot)
{
    struct conference_command command = {
        .kind = COMMAND_FOCUS, .slot = slot >= 0 ? (size_t)slot : 0, .flag = slot >= 0};
    conference_push_command_locked(c, &command);
    c->limits.focus_slot = slot;
    struct conference_command keyframe = {.kind = COMMAND_KEYFRAME};
    conference_push_command_locked(c, &keyframe);
}

struct conference_member *conference_share_start(struct conference *c,
                                                 struct conference_member *content)
{
    if (!content || !conference_member_is_content(content)) return NULL;
    g_mutex_lock(&c->lock);
    struct conference_member *previous = c->share.content;
    bool was_sharing = previous != NULL;
    if (previous == content) {
        g_mutex_unlock(&c->lock);
        return NULL;
    }
    if (!was_sharing) c->share.operator_focus = c->limits.focus_slot;
    c->share.content = content;
    push_focus_locked(c, (int)content->slot);
    g_mutex_unlock(&c->lock);

    if (!was_sharing) {
        g_free(c->share.saved_layout);
        c->share.saved_layout = g_strdup(c->layout_spec);
        char err[256];
        if (conference_set_layout(c, PRESENTATION_LAYOUT, err, sizeof err) != 0)
            log_error("conference %s: cannot switch to the presentation layout: %s", c->config.id,
                      err);
        c->share.layout_chosen = false; /* that was ours, not the operator's */
    }
    log_info("conference %s: %s presents (content %s)%s", c->config.id, content->content_owner,
             content->participant_id, previous ? ", taking over" : "");
    return previous;
}

void conference_share_layout_changed(struct conference *c)
{
    if (c->share.content) c->share.layout_chosen = true;
}

bool conference_share_hold_focus_locked(struct conference *c, int slot)
{
    if (!c->share.content) return false;
    c->share.operator_focus = slot;
    return true;
}

void conference_share_member_removed(struct conference *c, struct conference_member *m)
{
    g_mutex_lock(&c->lock);
    if (c->share.operator_focus == (int)m->slot) c->share.operator_focus = -1;
    bool ended = c->share.content == m;
    if (ended) {
        c->share.content = NULL;
        push_focus_locked(c, c->share.operator_focus);
    }
    g_mutex_unlock(&c->lock);
    if (!ended) return;
    char *restore = c->share.saved_layout;
    c->share.saved_layout = NULL;
    if (restore && !c->share.layout_chosen) {
        char err[256];
        if (conference_set_layout(c, restore, err, sizeof err) != 0)
            log_error("conference %s: cannot restore layout after the share: %s", c->config.id,
                      err);
    }
    c->share.layout_chosen = false;
    g_free(restore);
    log_info("conference %s: the share ended (layout %s)", c->config.id, c->layout_name);
}

void conference_share_free(struct conference *c)
{
    g_free(c->share.saved_layout);
    c->share.saved_layout = NULL;
}
