/* conference.c - a mixing conference, control-thread side: members joining and
 * leaving, their packets queued to the media thread, receiver feedback (PLI/FIR,
 * NACK, REMB, RR) and events back to the owner. The media thread is in
 * conference_media.c. See conference.h. */
#include "mcu/conference/conference_internal.h"

#include "mcu/conference/cell_order.h"

#include <stdio.h>
#include <string.h>

#include "mcu/core/conference_settings.h"
#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"
#include "mcu/rtp/rtcp.h"
#include "mixer/rtp/rtp.h"

#define EVENT_POLL_MS 100
#define HIGH_BITRATE  1500000
#define LOW_BITRATE   500000

int conference_profile_for(const struct conference *c, enum media_codec codec, bool low)
{
    for (size_t i = 0; i < c->profile_count; i++)
        if (c->profiles[i].codec == codec && c->profiles[i].low == low) return (int)i;
    return -1;
}

static void add_profile(struct conference *c, enum media_codec codec, bool low)
{
    struct conference_profile *p = &c->profiles[c->profile_count++];
    memset(p, 0, sizeof *p);
    p->codec = codec;
    p->low = low;
    p->width = low ? (c->config.width / 2) & ~1 : c->config.width;
    p->height = low ? (c->config.height / 2) & ~1 : c->config.height;
    p->bitrate = low ? LOW_BITRATE : HIGH_BITRATE;
    keyframe_limiter_init(&p->keyframes, CONFERENCE_KEYFRAME_INTERVAL_US);
    snprintf(p->name, sizeof p->name, "%s-%dx%d", codec == MEDIA_CODEC_VP8 ? "vp8" : "h264",
             p->width, p->height);
}

static void push_command(struct conference *c, const struct conference_command *command)
{
    struct conference_command *copy = g_memdup2(command, sizeof *command);
    g_queue_push_tail(&c->commands, copy);
    g_cond_signal(&c->wake);
}

void conference_push_command_locked(struct conference *c, const struct conference_command *command)
{
    push_command(c, command);
}

size_t conference_cell_order_locked(const struct conference *c, int *slots)
{
    struct cell_order_room rooms[MIX_ENGINE_MAX_INPUTS];
    size_t count = 0;
    for (size_t i = 0; i < (size_t)c->config.max_participants && i < MIX_ENGINE_MAX_INPUTS; i++) {
        const struct conference_member *m = c->members[i];
        if (!m) continue;
        rooms[count++] =
            (struct cell_order_room){.slot = (int)i, .joined = m->joined, .in_mix = m->has_media};
    }
    return cell_order(rooms, count, slots);
}

/* Under the lock: the mix engine draws the members in join order (after its input was
 * added or removed), so a room that leaves leaves no hole. */
static void push_cell_order_locked(struct conference *c)
{
    struct conference_command command = {.kind = COMMAND_ORDER};
    command.order_count = conference_cell_order_locked(c, command.order);
    push_command(c, &command);
}

/* Delivers what the media thread noticed (active speaker) on the control thread. */
static gboolean on_event_timer(gpointer data)
{
    struct conference *c = data;
    g_mutex_lock(&c->lock);
    int slot = c->active_speaker_slot;
    struct conference_member *speaker = NULL;
    bool changed = slot != c->reported_speaker_slot;
    if (changed) {
        c->reported_speaker_slot = slot;
        if (slot >= 0 && (size_t)slot < (size_t)c->config.max_participants)
            speaker = c->members[slot];
    }
    g_mutex_unlock(&c->lock);
    if (changed && c->events.active_speaker) c->events.active_speaker(c->owner, c, speaker);
    conference_recording_poll(c);
    conference_limits_poll(c);
    return G_SOURCE_CONTINUE;
}

struct conference *conference_new(const struct mcu_conference_config *config,
                                  const struct conference_events *events, void *owner, char *err,
                                  size_t errlen)
{
    struct conference *c = g_new0(struct conference, 1);
    c->config = *config;
    c->config.id = g_strdup(config->id);
    c->config.title = g_strdup(config->title);
    c->config.pin_hash = g_strdup(config->pin_hash);
    c->config.host_token_hash = g_strdup(config->host_token_hash);
    c->media_held = config->type == MCU_CONFERENCE_MIX && config->host_required;
    c->config.layout = g_strdup(config->layout);
    c->layout_name = g_strdup(config->layout);
    c->layout_spec = g_strdup(config->layout);
    c->share.operator_focus = -1;
    if (events) c->events = *events;
    c->owner = owner;
    g_mutex_init(&c->lock);
    g_cond_init(&c->wake);
    g_queue_init(&c->commands);
    g_queue_init(&c->packets);
    c->members = g_new0(struct conference_member *, (size_t)config->max_participants);
    c->active_speaker_slot = -1;
    c->reported_speaker_slot = -1;
    c->recorder_profile = -1;
    c->reported_recording_state = RECORDER_STOPPED;

    if (config->allow_vp8) {
        add_profile(c, MEDIA_CODEC_VP8, false);
        add_profile(c, MEDIA_CODEC_VP8, true);
    }
    if (config->allow_h264) {
        add_profile(c, MEDIA_CODEC_H264, false);
        add_profile(c, MEDIA_CODEC_H264, true);
    }

    struct mix_engine_config ec;
    mix_engine_config_init(&ec);
    ec.width = config->width;
    ec.height = config->height;
    ec.fps = config->fps;
    ec.max_inputs = (size_t)config->max_participants;
    int cores = (int)g_get_num_processors();
    ec.threads = cores < 1 ? 1 : cores > 4 ? 4 : cores;
    ec.profile_count = c->profile_count;
    for (size_t i = 0; i < c->profile_count; i++) {
        ec.profiles[i].codec = c->profiles[i].codec;
        ec.profiles[i].width = c->profiles[i].width;
        ec.profiles[i].height = c->profiles[i].height;
        ec.profiles[i].bitrate = c->profiles[i].bitrate;
        ec.profiles[i].payload_type = c->profiles[i].codec == MEDIA_CODEC_VP8 ? 96 : 102;
        ec.profiles[i].ssrc = g_random_int() | 1u;
    }
    ec.audio_ssrc = (g_random_int() & 0x7fffff00u) | 1u;
    ec.minus_self = true;
    ec.decode_hidden = !config->sender_control;
    c->engine = mix_engine_new(&ec, err, errlen);
    if (!c->engine) goto fail;
    for (size_t i = 0; i < c->profile_count; i++)
        mix_engine_set_profile_active(c->engine, i, false);
    if (mix_engine_set_layout(c->engine, c->layout_name, err, errlen) != 0) goto fail;
    conference_limits_init(c);

    c->start_us = g_get_monotonic_time();
    c->thread = g_thread_try_new("conference", conference_media_thread, c, NULL);
    if (!c->thread) {
        snprintf(err, errlen, "cannot start the conference's media thread");
        goto fail;
    }
    c->event_timer = g_timeout_source_new(EVENT_POLL_MS);
    g_source_set_callback(c->event_timer, on_event_timer, c, NULL);
    g_source_attach(c->event_timer, NULL);
    conference_twcc_start(c);
    log_info("conference %s started (%dx%d at %d fps, layout %s, %zu output profiles)",
             c->config.id, config->width, config->height, config->fps, c->layout_name,
             c->profile_count);
    return c;

fail:
    conference_free(c);
    return NULL;
}

void conference_free(struct conference *c)
{
    if (!c) return;
    conference_twcc_stop(c);
    if (c->thread) {
        g_mutex_lock(&c->lock);
        c->stopping = true;
        g_cond_signal(&c->wake);
        g_mutex_unlock(&c->lock);
        g_thread_join(c->thread);
    }
    conference_recording_end(c); /* finishes the files: trailer, sync, checksum */
    glib_source_stop(&c->event_timer);
    if (c->engine) {
        struct conference_stats st;
        conference_get_stats(c, &st);
        log_info(
            "conference %s media: %llu canvas frames (%llu dropped), %llu input frames not "
            "shown, video tick %.1f ms, added latency median %.0f ms, p99 %.0f ms (%llu frames)",
            c->config.id, (unsigned long long)st.video_ticks,
            (unsigned long long)st.video_ticks_skipped, (unsigned long long)st.input_frames_dropped,
            st.video_tick_ms, st.latency_median_ms, st.latency_p99_ms,
            (unsigned long long)st.latency_samples);
        log_info("conference %s latency: mean %.1f ms = jitter buffer %.1f + wait for the tick "
                 "%.1f + tick %.1f (decode %.1f, compose %.1f, encode %.1f, packetize %.1f)",
                 c->config.id, st.latency_mean_ms, st.jitter_wait_ms, st.tick_wait_ms,
                 st.video_tick_ms, st.video_decode_ms, st.video_compose_ms, st.video_encode_ms,
                 st.video_tick_ms - st.video_decode_ms - st.video_compose_ms - st.video_encode_ms);
    }
    mix_engine_free(c->engine);
    g_queue_clear_full(&c->commands, g_free);
    g_queue_clear_full(&c->packets, g_free);
    for (int i = 0; i < c->config.max_participants; i++)
        if (c->members[i]) log_warn("conference %s freed with a member left", c->config.id);
    g_free(c->members);
    if (c->config.id) log_info("conference %s ended", c->config.id);
    g_free(c->config.id);
    g_free(c->config.title);
    g_free(c->config.pin_hash);
    g_free(c->config.host_token_hash);
    glib_source_stop(&c->host_grace_timer);
    g_free(c->config.layout);
    g_free(c->layout_name);
    g_free(c->layout_spec);
    conference_share_free(c);
    g_mutex_clear(&c->lock);
    g_cond_clear(&c->wake);
    g_free(c);
}

const struct mcu_conference_config *conference_config(const struct conference *c)
{
    return &c->config;
}

struct conference_member *conference_add_member(struct conference *c, const char *participant_id,
                                                const char *name, void *user)
{
    g_mutex_lock(&c->lock);
    struct conference_member *m = NULL;
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        if (c->members[i]) continue;
        m = g_new0(struct conference_member, 1);
        m->conference = c;
        m->slot = i;
        m->joined = c->next_joined++;
        m->user = user;
        m->participant_id = g_strdup(participant_id);
        m->name = g_strdup(name);
        m->profile = -1;
        m->pending_profile = -1;
        m->rtt_ms = -1;
        c->members[i] = m;
        c->member_count++;
        conference_recording_room_locked(c, m, true);
        break;
    }
    g_mutex_unlock(&c->lock);
    return m;
}

void conference_release_profile(struct conference *c, int profile)
{
    if (profile >= 0 && c->profiles[profile].receivers > 0) c->profiles[profile].receivers--;
}

/* Under the lock. */
static void detach_media_locked(struct conference *c, struct conference_member *m)
{
    if (!m->has_media) return;
    m->has_media = false;
    conference_release_profile(c, m->profile);
    conference_release_profile(c, m->pending_profile);
    m->profile = m->pending_profile = -1;
    send_history_free(m->video_history);
    m->video_history = NULL;
    m->limits_known = false;
    if (c->limits.focus_slot == (int)m->slot) c->limits.focus_slot = -1; /* as the engine */
    conference_twcc_detach_locked(m);
    struct conference_command command = {.kind = COMMAND_REMOVE_INPUT, .slot = m->slot};
    push_command(c, &command);
    push_cell_order_locked(c);
}

void conference_remove_member(struct conference *c, struct conference_member *m)
{
    g_mutex_lock(&c->lock);
    detach_media_locked(c, m);
    conference_recording_room_locked(c, m, false);
    c->members[m->slot] = NULL;
    c->member_count--;
    g_mutex_unlock(&c->lock);
    bool host = m->host;
    conference_share_member_removed(c, m);
    g_free(m->content_owner);
    g_free(m->participant_id);
    g_free(m->name);
    g_free(m);
    if (host) conference_host_left(c);
}

int conference_attach_media(struct conference *c, struct conference_member *m,
                            const struct conference_media_config *media)
{
    bool receives = !conference_member_is_content(m); /* a presentation gets nothing */
    int profile = receives && media->video_codec != MEDIA_CODEC_NONE
                      ? conference_profile_for(c, media->video_codec, false)
                      : -1;
    if (receives && media->video_codec != MEDIA_CODEC_NONE && profile < 0) return -1;
    g_mutex_lock(&c->lock);
    m->media = *media;
    snprintf(m->cname, sizeof m->cname, "%s", media->cname ? media->cname : "hoinghi");
    m->media.cname = m->cname;
    m->audio_in_ssrc = media->audio_in_ssrc;
    m->video_in_ssrc = media->video_in_ssrc;
    rtp_recv_stats_init(&m->audio_recv, m->audio_in_ssrc, 48000);
    rtp_recv_stats_init(&m->video_recv, m->video_in_ssrc, 90000);
    rtp_send_stats_init(&m->audio_send, media->audio_out_ssrc);
    rtp_send_stats_init(&m->video_send, media->video_out_ssrc);
    m->audio_seq = (uint16_t)g_random_int();
    m->video_seq = (uint16_t)g_random_int();
    m->video_history = media->video_nack
                           ? send_history_new(CONFERENCE_HISTORY_PACKETS, CONFERENCE_HISTORY_AGE_US)
                           : NULL;
    m->profile = profile;
    m->waiting_keyframe = true;
    bandwidth_policy_init(&m->bandwidth, g_get_monotonic_time());
    if (profile >= 0) {
        c->profiles[profile].receivers++;
        keyframe_limiter_ask(
            &c->profiles[profile].keyframes); /* the joiner gets a keyframe at once */
    }
    m->has_media = true;
    c->limits.last_poll_us = 0; /* its first limits at the next event tick (100 ms),
                                   before its first frames: no full-size keyframe */
    conference_twcc_attach_locked(m);
    struct conference_command command = {.kind = COMMAND_ADD_INPUT, .slot = m->slot};
    command.input.audio_codec = media->audio_codec;
    command.input.video_codec = media->video_codec;
    command.input.audio_level_ext_id = media->audio_level_ext_id;
    snprintf(command.name, sizeof command.name, "%s", m->name);
    push_command(c, &command);
    push_cell_order_locked(c);
    if (m->video_muted) {
        struct conference_command mute = {
            .kind = COMMAND_VIDEO_MUTE, .slot = m->slot, .flag = true};
        push_command(c, &mute);
    }
    g_mutex_unlock(&c->lock);
    return 0;
}

void conference_detach_media(struct conference *c, struct conference_member *m)
{
    g_mutex_lock(&c->lock);
    detach_media_locked(c, m);
    g_mutex_unlock(&c->lock);
}

void conference_member_rtp(struct conference *c, struct conference_member *m, const uint8_t *packet,
                           size_t length, int64_t arrival_us)
{
    struct rtp_header h;
    uint8_t original[CONFERENCE_MAX_RTP_BYTES];
    if (rtp_parse(packet, length, &h) != 0) return;
    g_mutex_lock(&c->lock);
    if (!m->has_media) goto out;
    conference_twcc_record_locked(m, &h, arrival_us); /* every packet, rtx too */
    if (m->media.video_rtx_pt && h.payload_type == m->media.video_rtx_pt &&
        m->media.video_codec != MEDIA_CODEC_NONE) {
        /* RFC 4588: a retransmission goes on as the packet it repeats; padding only (a
         * bandwidth probe) has done its job once its arrival is recorded */
        int n = m->video_in_ssrc ? rtp_rtx_unwrap(packet, &h, m->media.video_pt, m->video_in_ssrc,
                                                  original, sizeof original)
                                 : 0;
        if (n <= 0 || rtp_parse(original, (size_t)n, &h) != 0) {
            if (n == 0) m->rtx_padding_in++;
            goto out;
        }
        packet = original;
        length = (size_t)n;
        m->rtx_in++;
    }
    enum media_kind kind;
    struct rtp_recv_stats *stats;
    uint32_t clock_rate;
    if (m->media.audio_codec != MEDIA_CODEC_NONE && h.payload_type == m->media.audio_pt) {
        if (!m->audio_in_ssrc) m->audio_in_ssrc = h.ssrc;
        if (h.ssrc != m->audio_in_ssrc) goto out;
        kind = MEDIA_AUDIO;
        stats = &m->audio_recv;
        clock_rate = 48000;
        if (m->audio_muted) goto count;
    } else if (m->media.video_codec != MEDIA_CODEC_NONE && h.payload_type == m->media.video_pt) {
        if (!m->video_in_ssrc) m->video_in_ssrc = h.ssrc;
        if (h.ssrc != m->video_in_ssrc) goto out;
        kind = MEDIA_VIDEO;
        stats = &m->video_recv;
        clock_rate = 90000;
        if (m->video_muted) goto count;
    } else {
        goto out; /* rtx, red, another payload type: not used */
    }
    if (c->queued_packets >= CONFERENCE_MAX_QUEUED_PACKETS) {
        c->queue_drops++;
        goto count;
    }
    struct queued_packet *q = g_malloc(sizeof *q + length);
    q->slot = m->slot;
    q->kind = kind;
    q->arrival_us = arrival_us;
    q->length = length;
    memcpy(q->data, packet, length);
    g_queue_push_tail(&c->packets, q);
    c->queued_packets++;
count:
    stats->ssrc = h.ssrc;
    rtp_recv_stats_update(stats, h.sequence, h.timestamp,
                          rtp_stats_arrival_units(arrival_us, clock_rate),
                          (uint32_t)h.payload_length);
    m->rtp_in++;
out:
    g_mutex_unlock(&c->lock);
}

/* Under the lock: a receiver asked for a keyframe of its profile. */
static void ask_keyframe_locked(struct conference *c, struct conference_member *m)
{
    int p = m->pending_profile >= 0 ? m->pending_profile : m->profile;
    if (p >= 0) keyframe_limiter_ask(&c->profiles[p].keyframes);
}

/* Under the lock: resends what a receiver NACKed. A packet no longer in the history
 * (older than it keeps: the receiver was cut off for a while) cannot be repaired, so
 * the receiver gets a keyframe at once instead of waiting for its own PLI. */
static void resend_locked(struct conference *c, struct conference_member *m,
                          const struct rtcp_nack *nack, int64_t now_us)
{
    if (!m->video_history) return;
    bool gone = false;
    for (size_t i = 0; i < nack->seq_count; i++) {
        size_t len = 0;
        const uint8_t *pkt = send_history_get(m->video_history, nack->seqs[i], now_us, &len);
        if (pkt)
            media_session_send_rtp(m->media.media, pkt, len);
        else
            gone = true;
    }
    if (gone) ask_keyframe_locked(c, m);
}

/* Under the lock: a report block about what we send the member (our video): its loss
 * and the round-trip time (RFC 3550 6.4.1: now - LSR - DLSR, in 1/65536 s). */
static void take_report_block_locked(struct conference_member *m, const struct rtcp_report_block *b)
{
    if (b->ssrc != m->media.video_out_ssrc) return;
    m->fraction_lost = b->fraction_lost;
    if (!b->lsr) return;
    uint32_t now_ntp = rtcp_ntp_middle32(rtcp_ntp_from_unix_us(g_get_real_time()));
    uint32_t rtt = now_ntp - b->lsr - b->dlsr;
    if (rtt < 65536u * 10) m->rtt_ms = (int)((uint64_t)rtt * 1000 / 65536);
}

void conference_member_rtcp(struct conference *c, struct conference_member *m,
                            const uint8_t *packet, size_t length, int64_t now_us)
{
    struct rtcp_compound *rtcp = g_new(struct rtcp_compound, 1);
    if (rtcp_parse(packet, length, rtcp) != 0) {
        g_free(rtcp);
        return;
    }
    g_mutex_lock(&c->lock);
    if (!m->has_media) goto out;
    for (size_t i = 0; i < rtcp->count; i++) {
        const struct rtcp_item *item = &rtcp->items[i];
        switch (item->type) {
        case RTCP_ITEM_PLI:
            if (item->u.pli.media_ssrc == m->media.video_out_ssrc) ask_keyframe_locked(c, m);
            break;
        case RTCP_ITEM_FIR:
            for (size_t k = 0; k < item->u.fir.entry_count; k++)
                if (item->u.fir.entries[k].ssrc == m->media.video_out_ssrc)
                    ask_keyframe_locked(c, m);
            break;
        case RTCP_ITEM_NACK:
            if (item->u.nack.media_ssrc == m->media.video_out_ssrc)
                resend_locked(c, m, &item->u.nack, now_us);
            break;
        case RTCP_ITEM_REMB: m->remb_bps = item->u.remb.bitrate_bps; break;
        case RTCP_ITEM_SR:
            if (item->u.sr.ssrc == m->audio_in_ssrc)
                rtp_recv_stats_on_sr(&m->audio_recv, item->u.sr.ntp, now_us);
            if (item->u.sr.ssrc == m->video_in_ssrc)
                rtp_recv_stats_on_sr(&m->video_recv, item->u.sr.ntp, now_us);
            /* A room that sends (webrtcbin) reports in its SRs, a receive-only
             * RTCP sender (browsers) in RRs: both count. */
            for (size_t k = 0; k < item->u.sr.block_count; k++)
                take_report_block_locked(m, &item->u.sr.blocks[k]);
            break;
        case RTCP_ITEM_RR:
            for (size_t k = 0; k < item->u.rr.block_count; k++)
                take_report_block_locked(m, &item->u.rr.blocks[k]);
            break;
        default: break;
        }
    }
out:
    g_mutex_unlock(&c->lock);
    g_free(rtcp);
}

void conference_member_set_mute(struct conference *c, struct conference_member *m, bool audio_muted,
                                bool video_muted)
{
    g_mutex_lock(&c->lock);
    bool video_changed = m->video_muted != video_muted;
    m->audio_muted = audio_muted;
    m->video_muted = video_muted;
    if (video_changed && m->has_media) {
        struct conference_command command = {
            .kind = COMMAND_VIDEO_MUTE, .slot = m->slot, .flag = video_muted};
        push_command(c, &command);
    }
    g_mutex_unlock(&c->lock);
}

bool conference_member_audio_muted(const struct conference_member *m) { return m->audio_muted; }

void conference_member_set_video_quality(struct conference *c, struct conference_member *m,
                                         enum conference_video_quality quality)
{
    g_mutex_lock(&c->lock);
    m->quality = quality;
    g_mutex_unlock(&c->lock);
}
bool conference_member_video_muted(const struct conference_member *m) { return m->video_muted; }
void *conference_member_user(const struct conference_member *m) { return m->user; }
const char *conference_member_id(const struct conference_member *m) { return m->participant_id; }
const char *conference_member_name(const struct conference_member *m) { return m->name; }

int conference_set_layout(struct conference *c, const char *layout, char *err, size_t errlen)
{
    struct layout check;
    int rc = layout[0] == '{'
                 ? layout_from_json(layout, c->config.width, c->config.height, &check, NULL, 0)
                 : layout_from_name(layout, c->config.width, c->config.height, &check);
    if (rc != 0) { /* the REST API's and the config file's words: one message */
        conference_layout_valid(layout, c->config.width, c->config.height, err, errlen);
        return -1;
    }
    g_mutex_lock(&c->lock);
    g_free(c->layout_name);
    c->layout_name = g_strdup(layout[0] == '{' ? "custom" : layout);
    g_free(c->layout_spec);
    c->layout_spec = g_strdup(layout);
    struct conference_command command = {.kind = COMMAND_SET_LAYOUT};
    snprintf(command.layout, sizeof command.layout, "%s", layout);
    push_command(c, &command);
    conference_limits_layout_locked(c, &check, layout);
    struct conference_command keyframe = {.kind = COMMAND_KEYFRAME};
    push_command(c, &keyframe);
    g_mutex_unlock(&c->lock);
    log_info("conference %s layout %s", c->config.id, c->layout_name);
    conference_share_layout_changed(c);
    return 0;
}

const char *conference_layout(const struct conference *c) { return c->layout_name; }

size_t conference_member_count(const struct conference *c) { return c->member_count; }

void conference_foreach_member(struct conference *c,
                               void (*fn)(struct conference_member *m, void *data), void *data)
{
    /* Members are only added and removed on this (the control) thread. */
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++)
        if (c->members[i]) fn(c->members[i], data);
}

void conference_member_get_stats(struct conference *c, const struct conference_member *m,
                                 struct conference_member_stats *out)
{
    memset(out, 0, sizeof *out);
    g_mutex_lock(&c->lock);
    out->profile = m->profile;
    out->profile_name = m->profile >= 0 ? c->profiles[m->profile].name : "none";
    out->rtp_in = m->rtp_in;
    out->rtp_out = m->rtp_out;
    out->audio_lost = (uint32_t)rtp_recv_stats_cumulative_lost(&m->audio_recv);
    out->video_lost = (uint32_t)rtp_recv_stats_cumulative_lost(&m->video_recv);
    out->remb_bps = m->remb_bps;
    out->fraction_lost = m->fraction_lost;
    out->audio_codec = m->has_media ? m->media.audio_codec : MEDIA_CODEC_NONE;
    out->video_codec = m->has_media ? m->media.video_codec : MEDIA_CODEC_NONE;
    out->width = m->profile >= 0 ? c->profiles[m->profile].width : 0;
    out->height = m->profile >= 0 ? c->profiles[m->profile].height : 0;
    out->bytes_in = m->audio_recv.octets + m->video_recv.octets;
    out->bytes_out = (uint64_t)m->audio_send.octets + m->video_send.octets;
    out->audio_jitter_ms = rtp_recv_stats_jitter(&m->audio_recv) / 48.0;
    out->video_jitter_ms = rtp_recv_stats_jitter(&m->video_recv) / 90.0;
    out->rtt_ms = m->rtt_ms;
    out->keyframe_requests = m->keyframe_requests;
    out->transport_cc_feedback = m->twcc_packets_sent;
    out->rtx_in = m->rtx_in;
    out->rtx_padding_in = m->rtx_padding_in;
    out->bitrate_in_bps = m->in_bps;
    out->bitrate_out_bps = m->out_bps;
    g_mutex_unlock(&c->lock);
}

void conference_set_focus(struct conference *c, struct conference_member *m)
{
    g_mutex_lock(&c->lock);
    if (conference_share_hold_focus_locked(c, m ? (int)m->slot : -1)) {
        g_mutex_unlock(&c->lock);
        log_info("conference %s focus %s after the share", c->config.id,
                 m ? m->participant_id : "on the active speaker");
        return;
    }
    struct conference_command command = {
        .kind = COMMAND_FOCUS, .slot = m ? m->slot : 0, .flag = m != NULL};
    push_command(c, &command);
    c->limits.focus_slot = m ? (int)m->slot : -1;
    struct conference_command keyframe = {.kind = COMMAND_KEYFRAME};
    push_command(c, &keyframe);
    g_mutex_unlock(&c->lock);
    log_info("conference %s focus %s", c->config.id,
             m ? m->participant_id : "on the active speaker");
}

static double histogram_percentile(const uint32_t *histogram, uint64_t samples, double fraction)
{
    if (samples == 0) return 0;
    uint64_t want = (uint64_t)(fraction * (double)samples), seen = 0;
    for (size_t ms = 0; ms < CONFERENCE_LATENCY_BUCKETS; ms++) {
        seen += histogram[ms];
        if (seen > want) return (double)ms + 0.5;
    }
    return CONFERENCE_LATENCY_BUCKETS;
}

void conference_get_stats(struct conference *c, struct conference_stats *out)
{
    memset(out, 0, sizeof *out);
    g_mutex_lock(&c->lock);
    out->video_ticks = c->video_ticks;
    out->video_ticks_skipped = c->video_ticks_skipped;
    out->audio_ticks = c->audio_ticks_done;
    out->latency_samples = c->latency_samples;
    out->latency_median_ms = histogram_percentile(c->latency_histogram, c->latency_samples, 0.5);
    out->latency_p99_ms = histogram_percentile(c->latency_histogram, c->latency_samples, 0.99);
    out->video_tick_ms =
        c->video_ticks ? (double)c->video_tick_total_us / (double)c->video_ticks / 1000.0 : 0;
    const struct mix_engine_stats *e = &c->engine_stats;
    double ticks = c->video_ticks ? (double)c->video_ticks : 1;
    double composed = e->video_frames_composed ? (double)e->video_frames_composed : 1;
    out->video_decode_ms = (double)e->video_decode_us / ticks / 1000.0;
    out->video_compose_ms = (double)e->video_compose_us / ticks / 1000.0;
    out->video_encode_ms = (double)e->video_encode_us / ticks / 1000.0;
    out->jitter_wait_ms = (double)e->video_jitter_wait_us / composed / 1000.0;
    out->tick_wait_ms = (double)e->video_tick_wait_us / composed / 1000.0;
    out->latency_mean_ms =
        c->latency_samples ? (double)c->latency_total_us / (double)c->latency_samples / 1000.0 : 0;
    out->packets_queued_dropped = c->queue_drops;
    g_mutex_unlock(&c->lock);
    /* Engine input stats are the media thread's; only read them once it has stopped. */
    if (!c->thread || c->stopping) {
        for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
            const struct mix_input_stats *in = mix_engine_input_stats(c->engine, i);
            if (in) out->input_frames_dropped += in->video_errors;
        }
    }
}
