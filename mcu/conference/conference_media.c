/* conference_media.c - a mixing conference's media thread: applies the control
 * thread's commands to the mix engine, feeds it the queued packets, ticks audio every
 * 20 ms and video at the canvas rate, and fans the encoded packets out to the members
 * (per-receiver SSRC / sequence number / payload type rewrite, send history, SRTP).
 * Also sends the members' RTCP (SR + RR + SDES, PLI and NACK for their cameras) and
 * moves receivers between output profiles. See conference.h. */
#include "mcu/conference/conference_internal.h"

#include <string.h>

#include "mcu/core/log.h"
#include "mcu/rtp/rtcp.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/rtp/rtp.h"

#define AUDIO_TICK_US       20000
#define MAX_NACKS           64
#define MAX_COLLECTED_AUDIO (1 + MIX_ENGINE_MAX_INPUTS)

/* Packets the engine produced during one tick, fanned out after it. */
struct collected_packet {
    struct mix_output out;
    bool keyframe;      /* video: part of a keyframe */
    bool marker;        /* last packet of its frame */
    uint32_t timestamp; /* read once here, not once per receiver */
    uint32_t payload_length;
    size_t length;
    uint8_t data[MEDIA_SESSION_MAX_PACKET];
};

struct collector {
    struct conference *conference;
    GArray *packets;        /* of struct collected_packet */
    bool frame_is_keyframe; /* of the frame whose packets come next */
};

static void on_frame(void *opaque, const struct mix_output *out, const struct encoded_frame *frame,
                     int64_t now_us)
{
    struct collector *col = opaque;
    col->frame_is_keyframe = frame->keyframe;
    conference_record_frame(col->conference, out, frame, now_us);
}

static void on_packet(void *opaque, const struct mix_output *out, const uint8_t *packet, size_t len)
{
    struct collector *col = opaque;
    struct rtp_header h;
    if (len > MEDIA_SESSION_MAX_PACKET || rtp_parse(packet, len, &h) != 0) return;
    g_array_set_size(col->packets, col->packets->len + 1);
    struct collected_packet *p =
        &g_array_index(col->packets, struct collected_packet, col->packets->len - 1);
    p->out = *out;
    p->keyframe = col->frame_is_keyframe;
    p->marker = h.marker;
    p->timestamp = h.timestamp;
    p->payload_length = (uint32_t)h.payload_length;
    p->length = len;
    memcpy(p->data, packet, len);
}

/* --- commands and inbound packets ------------------------------------------------- */

static void apply_command(struct conference *c, const struct conference_command *command)
{
    char err[256] = "";
    switch (command->kind) {
    case COMMAND_ADD_INPUT: {
        struct mix_input_config input = command->input;
        input.name = command->name;
        mix_engine_remove_input(c->engine, command->slot);
        if (mix_engine_add_input(c->engine, command->slot, &input) != 0)
            log_warn("conference %s: the mixer refused input %zu", c->config.id, command->slot);
        break;
    }
    case COMMAND_REMOVE_INPUT: mix_engine_remove_input(c->engine, command->slot); break;
    case COMMAND_SET_LAYOUT:
        if (mix_engine_set_layout(c->engine, command->layout, err, sizeof err) != 0)
            log_warn("conference %s: layout %s refused: %s", c->config.id, command->layout, err);
        break;
    case COMMAND_VIDEO_MUTE:
        mix_engine_set_input_video_muted(c->engine, command->slot, command->flag);
        break;
    case COMMAND_FOCUS:
        mix_engine_set_focus(c->engine, command->flag ? (int)command->slot : -1);
        break;
    case COMMAND_ORDER:
        if (mix_engine_set_order(c->engine, command->order, command->order_count) != 0)
            log_warn("conference %s: the mixer refused the cell order", c->config.id);
        break;
    case COMMAND_KEYFRAME: break; /* handled under the lock, see take_work() */
    }
}

/* Moves the queued work out under the lock; the engine is then driven without it. */
static void take_work(struct conference *c, GQueue *commands, GQueue *packets)
{
    while (!g_queue_is_empty(&c->commands)) {
        struct conference_command *command = g_queue_pop_head(&c->commands);
        if (command->kind == COMMAND_KEYFRAME)
            for (size_t p = 0; p < c->profile_count; p++)
                keyframe_limiter_ask(&c->profiles[p].keyframes);
        g_queue_push_tail(commands, command);
    }
    while (!g_queue_is_empty(&c->packets))
        g_queue_push_tail(packets, g_queue_pop_head(&c->packets));
    conference_recording_keyframes_locked(c);
    c->queued_packets = 0;
    /* Which profiles are encoded: those somebody receives. */
    for (size_t p = 0; p < c->profile_count; p++)
        mix_engine_set_profile_active(c->engine, p, c->profiles[p].receivers > 0);
}

static void feed_engine(struct conference *c, GQueue *commands, GQueue *packets)
{
    struct conference_command *command;
    while ((command = g_queue_pop_head(commands)) != NULL) {
        apply_command(c, command);
        g_free(command);
    }
    struct queued_packet *q;
    while ((q = g_queue_pop_head(packets)) != NULL) {
        mix_engine_push_rtp(c->engine, q->slot, q->kind, q->data, q->length, q->arrival_us);
        g_free(q);
    }
}

/* --- fan-out ---------------------------------------------------------------------- */

static void send_rewritten(struct conference_member *m, const struct collected_packet *p,
                           uint32_t ssrc, uint16_t seq, uint8_t payload_type, int64_t now_us,
                           bool video)
{
    uint8_t packet[MEDIA_SESSION_MAX_PACKET];
    memcpy(packet, p->data, p->length);
    rtp_set_ssrc(packet, ssrc);
    rtp_set_sequence(packet, seq);
    rtp_set_payload_type(packet, payload_type);
    /* VP8: each profile's encoder counts its own picture IDs, so a receiver moved to
     * another profile would see them jump, often backwards, and drop the new stream's
     * frames as old. The receiver gets its own continuous count instead. */
    if (video && m->media.video_codec == MEDIA_CODEC_VP8)
        packetizer_vp8_set_picture_id(packet + (p->length - p->payload_length), p->payload_length,
                                      m->vp8_picture_id);
    if (video && m->video_history) send_history_put(m->video_history, packet, p->length, now_us);
    rtp_send_stats_update(video ? &m->video_send : &m->audio_send, p->payload_length, p->timestamp,
                          now_us);
    if (media_session_send_rtp(m->media.media, packet, p->length) == 0) m->rtp_out++;
}

/* Under the lock. A member on profile p (or switching to it at a keyframe) gets it. */
static void fan_out_video(struct conference *c, const struct collected_packet *p, int64_t now_us,
                          bool frame_start)
{
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        struct conference_member *m = c->members[i];
        if (!m || !m->has_media || m->media.video_codec == MEDIA_CODEC_NONE) continue;
        int profile = (int)p->out.index;
        if (m->pending_profile == profile && p->keyframe && frame_start) {
            conference_release_profile(c, m->profile);
            m->profile = profile;
            m->pending_profile = -1;
            m->waiting_keyframe = false;
            bandwidth_policy_moved(&m->bandwidth, c->profiles[profile].low, now_us);
        }
        if (m->profile != profile) continue;
        if (m->waiting_keyframe) {
            if (!(p->keyframe && frame_start)) continue;
            m->waiting_keyframe = false;
        }
        if (frame_start) m->vp8_picture_id = (uint16_t)((m->vp8_picture_id + 1) & 0x7fff);
        send_rewritten(m, p, m->media.video_out_ssrc, m->video_seq++, m->media.video_pt, now_us,
                       true);
    }
}

/* Under the lock: after an audio tick, each member hears the full mix or its own. */
static void fan_out_audio(struct conference *c, const struct collected_packet *packets,
                          size_t count, int64_t now_us)
{
    const struct collected_packet *full = NULL;
    for (size_t k = 0; k < count; k++)
        if (packets[k].out.kind == MIX_OUTPUT_AUDIO_FULL) full = &packets[k];
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        struct conference_member *m = c->members[i];
        if (!m || !m->has_media || m->media.audio_codec == MEDIA_CODEC_NONE) continue;
        const struct collected_packet *mine = NULL;
        if (mix_engine_audio_route(c->engine, m->slot) == MIX_ROUTE_OWN) {
            for (size_t k = 0; k < count; k++)
                if (packets[k].out.kind == MIX_OUTPUT_AUDIO_OWN && packets[k].out.index == m->slot)
                    mine = &packets[k];
        } else {
            mine = full;
        }
        if (mine)
            send_rewritten(m, mine, m->media.audio_out_ssrc, m->audio_seq++, m->media.audio_pt,
                           now_us, false);
    }
}

static void fan_out(struct conference *c, struct collector *col, int64_t now_us, bool audio)
{
    struct collected_packet *packets = (struct collected_packet *)col->packets->data;
    size_t count = col->packets->len;
    g_mutex_lock(&c->lock);
    if (c->media_held) {
        /* Waiting for the host (conference_host.c): nobody gets the mix yet. */
    } else if (audio) {
        fan_out_audio(c, packets, count, now_us);
    } else {
        for (size_t k = 0; k < count; k++) {
            /* A frame starts at the first packet, or after a packet with the marker. */
            bool frame_start =
                k == 0 || packets[k - 1].out.index != packets[k].out.index || packets[k - 1].marker;
            fan_out_video(c, &packets[k], now_us, frame_start);
        }
    }
    g_mutex_unlock(&c->lock);
    g_array_set_size(col->packets, 0);
}

/* --- feedback and RTCP --------------------------------------------------------------- */

static void send_rtcp(struct conference_member *m, const struct rtcp_builder *b)
{
    if (b->length > 0) media_session_send_rtcp(m->media.media, b->buf, b->length);
}

/* Under the lock: PLI and NACK to members' cameras, as the engine asks. */
static void camera_feedback(struct conference *c, int64_t now_us)
{
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        struct conference_member *m = c->members[i];
        if (!m || !m->has_media || m->media.video_codec == MEDIA_CODEC_NONE || !m->video_in_ssrc)
            continue;
        uint8_t buf[1200];
        struct rtcp_builder b;
        rtcp_builder_init(&b, buf, sizeof buf);
        uint16_t seqs[MAX_NACKS];
        size_t n = mix_engine_nack(c->engine, m->slot, now_us, seqs, MAX_NACKS);
        bool pli = mix_engine_keyframe_request(c->engine, m->slot, now_us);
        if (!n && !pli) continue;
        rtcp_build_rr(&b, m->media.video_out_ssrc, NULL, 0);
        if (n) rtcp_build_nack(&b, m->media.video_out_ssrc, m->video_in_ssrc, seqs, n);
        if (pli && rtcp_build_pli(&b, m->media.video_out_ssrc, m->video_in_ssrc) == 0)
            m->keyframe_requests++;
        send_rtcp(m, &b);
    }
}

/* Under the lock: SR for what we send, RR for what we receive, about once a second. */
static bool periodic_rtcp(struct conference_member *m, int64_t now_us)
{
    if (now_us - m->last_rtcp_us < CONFERENCE_RTCP_INTERVAL_US) return false;
    m->last_rtcp_us = now_us;
    uint8_t buf[1200];
    struct rtcp_builder b;
    rtcp_builder_init(&b, buf, sizeof buf);
    struct rtcp_report_block blocks[2];
    size_t block_count = 0;
    if (m->audio_in_ssrc && rtp_recv_stats_report(&m->audio_recv, now_us, &blocks[block_count]))
        block_count++;
    if (m->video_in_ssrc && rtp_recv_stats_report(&m->video_recv, now_us, &blocks[block_count]))
        block_count++;

    int64_t wallclock = g_get_real_time();
    uint64_t ntp = rtcp_ntp_from_unix_us(wallclock);
    bool first = true;
    struct rtp_send_stats *streams[2] = {&m->audio_send, &m->video_send};
    uint32_t rates[2] = {48000, 90000};
    for (int k = 0; k < 2; k++) {
        struct rtp_send_stats *s = streams[k];
        if (!s->have_last) continue;
        struct rtcp_sender_info sender = {
            .ssrc = s->ssrc,
            .ntp = ntp,
            .rtp_timestamp = rtp_send_stats_timestamp_at(s, rates[k], now_us),
            .packet_count = s->packets,
            .octet_count = s->octets,
        };
        rtcp_build_sr(&b, &sender, first ? blocks : NULL, first ? block_count : 0);
        first = false;
    }
    if (first)
        rtcp_build_rr(&b,
                      m->media.video_out_ssrc ? m->media.video_out_ssrc : m->media.audio_out_ssrc,
                      blocks, block_count);
    rtcp_build_sdes_cname(
        &b, m->media.audio_out_ssrc ? m->media.audio_out_ssrc : m->media.video_out_ssrc, m->cname);
    send_rtcp(m, &b);
    return true;
}

/* Under the lock, once a second: the video bitrate sent to the member (its bandwidth
 * policy), and all media received from it and sent to it (its stats). The send
 * counters wrap at 4 GiB: their differences do not. */
static void measure_rates(struct conference_member *m, int64_t now_us)
{
    uint64_t in = m->audio_recv.octets + m->video_recv.octets;
    if (m->last_rate_us && now_us > m->last_rate_us) {
        uint64_t span_us = (uint64_t)(now_us - m->last_rate_us);
        uint32_t video_out = m->video_send.octets - m->last_video_octets;
        uint32_t audio_out = m->audio_send.octets - m->last_audio_out_octets;
        m->send_bps = (uint64_t)video_out * 8 * 1000000 / span_us;
        m->out_bps = ((uint64_t)video_out + audio_out) * 8 * 1000000 / span_us;
        /* a re-attached media session starts its counters again */
        m->in_bps = in >= m->last_in_octets ? (in - m->last_in_octets) * 8 * 1000000 / span_us : 0;
    }
    m->last_video_octets = m->video_send.octets;
    m->last_audio_out_octets = m->audio_send.octets;
    m->last_in_octets = in;
    m->last_rate_us = now_us;
}

static void start_move(struct conference *c, struct conference_member *m, bool low)
{
    int target = conference_profile_for(c, c->profiles[m->profile].codec, low);
    if (target < 0) return;
    m->pending_profile = target;
    c->profiles[target].receivers++;
    keyframe_limiter_ask(&c->profiles[target].keyframes);
    log_info("conference %s: %s moves to %s (sent %llu bit/s, REMB %llu bit/s, loss %u/256)",
             c->config.id, m->participant_id, c->profiles[target].name,
             (unsigned long long)m->send_bps, (unsigned long long)m->remb_bps, m->fraction_lost);
}

/* Under the lock, once a second: the profile the member's bandwidth allows
 * (bandwidth_policy.h); the switch itself waits for the target's next keyframe. */
static void adapt_profile(struct conference *c, struct conference_member *m, int64_t now_us)
{
    if (m->profile < 0 || m->pending_profile >= 0) return;
    if (m->quality != CONFERENCE_QUALITY_AUTO) {
        /* The room chose: no bandwidth decisions while its choice holds. */
        bool want_low = m->quality == CONFERENCE_QUALITY_LOW;
        if (c->profiles[m->profile].low != want_low) start_move(c, m, want_low);
        return;
    }
    enum bandwidth_move move =
        bandwidth_policy_step(&m->bandwidth, now_us, m->send_bps, m->remb_bps, m->fraction_lost);
    if (move != BANDWIDTH_STAY) start_move(c, m, move == BANDWIDTH_DOWN);
}

/* Under the lock: keyframe requests for profiles, at most one per 500 ms each. */
static void request_keyframes(struct conference *c, int64_t now_us)
{
    for (size_t p = 0; p < c->profile_count; p++) {
        struct conference_profile *profile = &c->profiles[p];
        if (profile->receivers == 0) continue;
        if (keyframe_limiter_due(&profile->keyframes, now_us))
            mix_engine_request_keyframe(c->engine, p);
    }
}

static void housekeeping(struct conference *c, int64_t now_us)
{
    g_mutex_lock(&c->lock);
    camera_feedback(c, now_us);
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        struct conference_member *m = c->members[i];
        if (!m || !m->has_media) continue;
        if (periodic_rtcp(m, now_us)) { /* once a second */
            measure_rates(m, now_us);
            adapt_profile(c, m, now_us);
        }
    }
    request_keyframes(c, now_us);
    c->active_speaker_slot = mix_engine_active_speaker(c->engine);
    g_mutex_unlock(&c->lock);
}

/* Under the lock: the MCU-added delay of each input frame new in this composite. */
static void record_latency(struct conference *c, const int64_t *arrivals, size_t count,
                           int64_t sent_us)
{
    for (size_t i = 0; i < count; i++) {
        int64_t us = sent_us > arrivals[i] ? sent_us - arrivals[i] : 0;
        int64_t ms = us / 1000;
        c->latency_total_us += us;
        if (ms >= CONFERENCE_LATENCY_BUCKETS) ms = CONFERENCE_LATENCY_BUCKETS - 1;
        c->latency_histogram[ms]++;
        c->latency_samples++;
    }
}

/* --- the loop ---------------------------------------------------------------------- */

gpointer conference_media_thread(gpointer data)
{
    struct conference *c = data;
    struct collector col = {.conference = c,
                            .packets = g_array_new(FALSE, FALSE, sizeof(struct collected_packet))};
    struct mix_engine_sink sink = {.opaque = &col, .frame = on_frame, .packet = on_packet};
    int64_t video_interval = 1000000 / c->config.fps;
    int64_t next_audio = g_get_monotonic_time();
    int64_t next_video = next_audio;
    GQueue commands = G_QUEUE_INIT, packets = G_QUEUE_INIT;

    g_mutex_lock(&c->lock);
    while (!c->stopping) {
        int64_t now = g_get_monotonic_time();
        int64_t next = next_audio < next_video ? next_audio : next_video;
        if (now < next && g_queue_is_empty(&c->commands)) {
            g_cond_wait_until(&c->wake, &c->lock, next);
            continue;
        }
        take_work(c, &commands, &packets);
        g_mutex_unlock(&c->lock);

        feed_engine(c, &commands, &packets);
        now = g_get_monotonic_time();
        if (now >= next_audio) {
            mix_engine_audio_tick(c->engine, now, &sink);
            fan_out(c, &col, now, true);
            next_audio += AUDIO_TICK_US;
            if (next_audio < now - 10 * AUDIO_TICK_US) next_audio = now; /* fell far behind */
            c->audio_ticks_done++;
        }
        if (now >= next_video) {
            mix_engine_video_tick(c->engine, now, &sink);
            int64_t arrivals[MIX_ENGINE_MAX_INPUTS];
            size_t arrival_count =
                col.packets->len > 0
                    ? mix_engine_composed_arrivals(c->engine, arrivals, MIX_ENGINE_MAX_INPUTS)
                    : 0;
            int64_t first_packet_out = g_get_monotonic_time();
            fan_out(c, &col, now, false);
            g_mutex_lock(&c->lock);
            record_latency(c, arrivals, arrival_count, first_packet_out);
            c->video_ticks++;
            c->video_tick_total_us += first_packet_out - now;
            c->engine_stats = *mix_engine_stats(c->engine);
            next_video += video_interval;
            if (next_video <= now - video_interval) {
                /* Behind by more than a frame: those canvas frames are dropped. */
                uint64_t missed = (uint64_t)((now - next_video) / video_interval);
                c->video_ticks_skipped += missed;
                next_video += (int64_t)missed * video_interval;
            }
            g_mutex_unlock(&c->lock);
        }
        housekeeping(c, now);
        g_mutex_lock(&c->lock);
    }
    g_mutex_unlock(&c->lock);
    g_queue_clear_full(&commands, g_free);
    g_queue_clear_full(&packets, g_free);
    g_array_free(col.packets, TRUE);
    return NULL;
}
