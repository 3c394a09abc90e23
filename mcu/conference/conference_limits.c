/* conference_limits.c - the MCU steers its senders (control thread): every
 * CONFERENCE_LIMITS_POLL_US (and at the next event tick after a member's media is
 * attached, so that a joining room hears its limits before it sends its first frames)
 * the size, rate and bitrate each room's picture is drawn at is computed
 * (send_limits.h) from the layout, the members, the focus and the active speaker; a room whose limits changed is told (events.send_limits, at most once per
 * CONFERENCE_LIMITS_MIN_GAP_US), and every room gets a REMB of its max_bitrate once a
 * second (the cap for senders that do not read the event; the floor for rooms that are
 * not drawn). A room asked for more pixels gets a keyframe request once it had time
 * to follow. docs/sender-control.md. */
#include "mcu/conference/conference_internal.h"

#include <string.h>

#include "mcu/core/log.h"
#include "mcu/rtp/rtcp.h"

#define CONFERENCE_LIMITS_POLL_US    250000
#define CONFERENCE_LIMITS_MIN_GAP_US 500000
#define CONFERENCE_LIMITS_REMB_US    1000000
#define CONFERENCE_LIMITS_PLI_US     600000 /* after a "more" event: the sender has followed */

void conference_limits_init(struct conference *c)
{
    c->limits.layout = *mix_engine_layout(c->engine);
    c->limits.follow_speaker =
        c->layout_name[0] != '{' && mix_engine_layout_follows_speaker(c->layout_name);
    c->limits.focus_slot = -1;
}

void conference_limits_layout_locked(struct conference *c, const struct layout *layout,
                                     const char *name)
{
    c->limits.layout = *layout;
    c->limits.follow_speaker = name[0] != '{' && mix_engine_layout_follows_speaker(name);
}

/* The position of `slot` in order[0..count-1], or -1. */
static int position_of(const int *order, size_t count, int slot)
{
    for (size_t i = 0; slot >= 0 && i < count; i++)
        if (order[i] == slot) return (int)i;
    return -1;
}

/* Under the lock: the limits of every slot now. The rooms fill the cells in join
 * order (cell_order.h), as the engine draws them: the scene lists them by their
 * position in that order, and the limits go back to their slots. */
static void compute_locked(struct conference *c, struct send_limits *out)
{
    size_t slots = (size_t)c->config.max_participants;
    if (slots > MIX_ENGINE_MAX_INPUTS) slots = MIX_ENGINE_MAX_INPUTS;
    int order[MIX_ENGINE_MAX_INPUTS];
    size_t rooms = conference_cell_order_locked(c, order);
    bool present[MIX_ENGINE_MAX_INPUTS] = {false};
    for (size_t i = 0; i < rooms; i++) present[i] = true;
    struct send_limits_size sizes[CONFERENCE_MAX_PROFILES];
    size_t count = 0;
    for (size_t p = 0; p < c->profile_count; p++) /* the profiles encoded now */
        if (c->profiles[p].receivers > 0)
            sizes[count++] = (struct send_limits_size){c->profiles[p].width, c->profiles[p].height};
    for (size_t p = 0; count == 0 && p < c->profile_count; p++)
        sizes[p] = (struct send_limits_size){c->profiles[p].width, c->profiles[p].height};
    if (count == 0) count = c->profile_count;
    int focus = position_of(order, rooms, c->limits.focus_slot);
    struct send_limits_scene scene = {
        .layout = &c->limits.layout,
        .canvas_width = c->config.width,
        .canvas_height = c->config.height,
        .fps = c->config.fps,
        .follow_speaker = c->limits.follow_speaker,
        .focus = focus,
        .speaker = position_of(order, rooms, c->active_speaker_slot),
        .profiles = sizes,
        .profile_count = count,
        .present = present,
        .slots = rooms,
    };
    struct send_limits by_position[MIX_ENGINE_MAX_INPUTS];
    send_limits_compute(&scene, by_position);
    for (size_t i = 0; i < slots; i++) out[i] = (struct send_limits){.active = false};
    for (size_t p = 0; p < rooms; p++) out[order[p]] = by_position[p];
    conference_share_limits_locked(c, out, slots);
}

/* Under the lock: REMB with the member's cap; PLI when it was asked for more. */
static void feedback_locked(struct conference_member *m, int64_t now_us)
{
    if (!m->video_in_ssrc || !m->media.media) return;
    uint8_t buf[256];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    bool any = false;
    if (now_us - m->limits_remb_us >= CONFERENCE_LIMITS_REMB_US) {
        m->limits_remb_us = now_us;
        uint32_t ssrc = m->video_in_ssrc;
        rtcp_build_rr(&b, m->media.video_out_ssrc, NULL, 0);
        any = rtcp_build_remb(&b, m->media.video_out_ssrc, (uint64_t)m->limits_sent.max_bitrate,
                              &ssrc, 1) == 0;
    }
    if (m->limits_pli_us && now_us >= m->limits_pli_us) {
        m->limits_pli_us = 0;
        if (b.length == 0) rtcp_build_rr(&b, m->media.video_out_ssrc, NULL, 0);
        any |= rtcp_build_pli(&b, m->media.video_out_ssrc, m->video_in_ssrc) == 0;
    }
    if (any && b.length > 0) media_session_send_rtcp(m->media.media, b.buf, b.length);
}

struct limits_change {
    struct conference_member *member;
    struct send_limits limits;
};

void conference_limits_poll(struct conference *c)
{
    int64_t now = g_get_monotonic_time();
    if (!c->config.sender_control) return;
    if (now - c->limits.last_poll_us < CONFERENCE_LIMITS_POLL_US) return;
    c->limits.last_poll_us = now;
    size_t slots = (size_t)c->config.max_participants;
    if (slots > MIX_ENGINE_MAX_INPUTS) slots = MIX_ENGINE_MAX_INPUTS;
    struct send_limits now_limits[MIX_ENGINE_MAX_INPUTS];
    struct limits_change changes[MIX_ENGINE_MAX_INPUTS];
    size_t change_count = 0;

    g_mutex_lock(&c->lock);
    compute_locked(c, now_limits);
    for (size_t i = 0; i < slots; i++) {
        struct conference_member *m = c->members[i];
        if (!m || !m->has_media || m->media.video_codec == MEDIA_CODEC_NONE) continue;
        /* A share connection not presenting yet (its media is not up): its first
         * limits are those of the content area, not of a thumbnail it never shows
         * in (one change of size fewer for a sender that may not follow two at once). */
        if (m->content_owner && c->share.content != m) continue;
        const struct send_limits *l = &now_limits[i];
        bool changed = !m->limits_known || !send_limits_equal(&m->limits_sent, l);
        if (changed && now - m->limits_event_us >= CONFERENCE_LIMITS_MIN_GAP_US) {
            if (m->limits_known && send_limits_grew(&m->limits_sent, l))
                m->limits_pli_us = now + CONFERENCE_LIMITS_PLI_US;
            m->limits_sent = *l;
            m->limits_known = true;
            m->limits_event_us = now;
            m->limits_remb_us = 0; /* the new cap at once */
            changes[change_count++] = (struct limits_change){m, *l};
        }
        if (m->limits_known) feedback_locked(m, now);
    }
    g_mutex_unlock(&c->lock);

    /* Members are added and removed on this thread only: the pointers hold. */
    for (size_t k = 0; k < change_count; k++) {
        const struct send_limits *l = &changes[k].limits;
        if (l->active)
            log_info("conference %s: %s sends at most %dx%d at %d fps, %d bit/s", c->config.id,
                     changes[k].member->participant_id, l->width, l->height, l->fps,
                     l->max_bitrate);
        else
            log_info("conference %s: %s is not drawn: video paused (REMB %d bit/s)", c->config.id,
                     changes[k].member->participant_id, l->max_bitrate);
        if (c->events.send_limits) c->events.send_limits(c->owner, c, changes[k].member, l);
    }
}
