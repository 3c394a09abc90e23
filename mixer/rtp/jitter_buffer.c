/* jitter_buffer.c - per-stream packet reordering, loss detection and frame playout;
 * see jitter_buffer.h for the rules.
 *
 * Packets live in a ring of slots indexed by extended sequence number (a power of two
 * at least max_packets). Everything at or after `next_sequence` waits; everything
 * before it has been handed out or given up. Handed-out packets move to `out` and are
 * freed at the start of the next pull. */
#include "mixer/rtp/jitter_buffer.h"

#include <stdlib.h>
#include <string.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/playout_clock.h"
#include "mixer/rtp/rtp.h"

#define UNKNOWN_RTT_NACK_INTERVAL_US 100000
#define MIN_NACK_INTERVAL_US         10000
#define STRAYS_BEFORE_RESTART        16 /* far-behind packets in a row that mean a new stream */

struct slot {
    int64_t sequence; /* extended; meaningful if present or nacks > 0 */
    bool present;
    uint8_t *data;
    size_t size;
    int64_t timestamp; /* extended */
    bool marker;
    int64_t arrival_us;
    bool frame_start;
    bool keyframe;
    uint8_t nacks;
    int64_t last_nack_us;
};

struct jitter_buffer {
    struct jitter_buffer_config config;
    bool video;
    struct slot *slots;
    size_t mask; /* slot count - 1 */

    bool started;
    bool released_any;
    int64_t next_sequence; /* oldest not handed out or given up */
    int64_t highest_sequence;
    int64_t highest_timestamp; /* extended, of the highest sequence: unwrap reference */
    bool boundary_known;       /* next_sequence starts a frame */
    bool waiting_for_keyframe;
    bool keyframe_wanted;
    int64_t last_keyframe_request_us;
    bool have_last_timestamp; /* audio: of the last frame or loss handed out */
    int64_t last_timestamp;
    bool draining;
    unsigned strays; /* consecutive packets far behind next_sequence */

    struct playout_clock clock;
    int64_t rtt_us;
    int64_t delay_floor_us; /* jitter_buffer_set_delay_floor */

    struct jitter_packet *out; /* the frame handed out last */
    uint8_t **out_owned;
    size_t out_count;

    struct jitter_buffer_stats stats;
};

void jitter_buffer_default_config(enum media_codec codec, struct jitter_buffer_config *c)
{
    bool video = media_codec_kind(codec) == MEDIA_VIDEO;
    *c = (struct jitter_buffer_config){
        .codec = codec,
        .min_delay_us = video ? 0 : 20000,
        .max_delay_us = 200000,
        .max_packets = video ? 1024 : 64,
        .max_bytes = video ? 4u * 1024 * 1024 : 64u * 1024,
        .keyframe_request_interval_us = 500000,
        .max_nacks = video ? 3 : 0,
        .release_when_complete = false,
    };
}

struct jitter_buffer *jitter_buffer_new(const struct jitter_buffer_config *config)
{
    const struct jitter_buffer_config *c = config;
    if (c->codec == MEDIA_CODEC_NONE || media_codec_clock_rate(c->codec) == 0 ||
        c->max_packets == 0 || c->max_packets > JITTER_BUFFER_MAX_PACKETS || c->max_bytes == 0 ||
        c->min_delay_us < 0 || c->min_delay_us > c->max_delay_us || c->max_nacks > 255)
        return NULL;
    size_t slots = 1;
    while (slots < c->max_packets) slots *= 2;
    struct jitter_buffer *jb = calloc(1, sizeof(*jb));
    if (!jb) return NULL;
    jb->slots = calloc(slots, sizeof(*jb->slots));
    jb->out = calloc(slots, sizeof(*jb->out));
    jb->out_owned = calloc(slots, sizeof(*jb->out_owned));
    if (!jb->slots || !jb->out || !jb->out_owned) {
        jitter_buffer_free(jb);
        return NULL;
    }
    jb->config = *c;
    jb->video = media_codec_kind(c->codec) == MEDIA_VIDEO;
    jb->mask = slots - 1;
    jb->last_keyframe_request_us = INT64_MIN;
    jb->waiting_for_keyframe = jb->video;
    playout_clock_init(&jb->clock, media_codec_clock_rate(c->codec));
    jb->stats.delay_us = c->min_delay_us;
    return jb;
}

static void free_out(struct jitter_buffer *jb)
{
    for (size_t i = 0; i < jb->out_count; i++) free(jb->out_owned[i]);
    jb->out_count = 0;
}

void jitter_buffer_free(struct jitter_buffer *jb)
{
    if (!jb) return;
    if (jb->slots)
        for (size_t i = 0; i <= jb->mask; i++) free(jb->slots[i].data);
    if (jb->out_owned) free_out(jb);
    free(jb->slots);
    free(jb->out);
    free(jb->out_owned);
    free(jb);
}

static struct slot *slot_at(struct jitter_buffer *jb, int64_t sequence)
{
    return &jb->slots[(uint64_t)sequence & jb->mask];
}

/* The packet with extended sequence number `sequence`, or NULL. */
static struct slot *find(struct jitter_buffer *jb, int64_t sequence)
{
    struct slot *s = slot_at(jb, sequence);
    return s->present && s->sequence == sequence ? s : NULL;
}

static void discard(struct jitter_buffer *jb, struct slot *s)
{
    free(s->data);
    s->data = NULL;
    s->present = false;
    s->nacks = 0;
    jb->stats.buffered_packets--;
    jb->stats.buffered_bytes -= s->size;
}

/* Moves a packet into the frame being handed out. */
static void hand_out(struct jitter_buffer *jb, struct slot *s)
{
    struct jitter_packet *p = &jb->out[jb->out_count];
    p->data = s->data;
    p->size = s->size;
    p->sequence = (uint16_t)s->sequence;
    p->arrival_us = s->arrival_us;
    jb->out_owned[jb->out_count++] = s->data;
    s->data = NULL;
    s->present = false;
    s->nacks = 0;
    jb->stats.buffered_packets--;
    jb->stats.buffered_bytes -= s->size;
}

int64_t jitter_buffer_own_delay(const struct jitter_buffer *jb)
{
    int64_t delay = 4 * playout_clock_jitter_us(&jb->clock);
    if (jb->config.max_nacks > 0) delay += jb->rtt_us;
    if (delay < jb->config.min_delay_us) delay = jb->config.min_delay_us;
    if (delay > jb->config.max_delay_us) delay = jb->config.max_delay_us;
    return delay;
}

static int64_t playout_delay(const struct jitter_buffer *jb)
{
    int64_t delay = jitter_buffer_own_delay(jb);
    if (delay < jb->delay_floor_us) delay = jb->delay_floor_us;
    if (delay > jb->config.max_delay_us) delay = jb->config.max_delay_us;
    return delay;
}

static int64_t playout_time(const struct jitter_buffer *jb, int64_t timestamp)
{
    return playout_clock_time_us(&jb->clock, timestamp) + jb->stats.delay_us;
}

static void want_keyframe(struct jitter_buffer *jb)
{
    if (!jb->video) return;
    jb->waiting_for_keyframe = true;
    jb->keyframe_wanted = true;
}

/* Gives up everything before `sequence`: waiting packets are dropped (counted as
 * overflow if `overflow`), sequence numbers that never came are lost. */
static void give_up_before(struct jitter_buffer *jb, int64_t sequence, bool overflow)
{
    if (sequence <= jb->next_sequence) return;
    uint64_t missing = (uint64_t)(sequence - jb->next_sequence);
    for (size_t i = 0; i <= jb->mask; i++) {
        struct slot *s = &jb->slots[i];
        if (s->present && s->sequence < sequence) {
            discard(jb, s);
            if (overflow) jb->stats.overflow++;
            missing--;
        }
    }
    jb->released_any = true;
    jb->stats.lost += missing;
    jb->next_sequence = sequence;
    jb->boundary_known = false;
    want_keyframe(jb);
}

/* The first waiting packet at or after next_sequence, or NULL. */
static struct slot *first_waiting(struct jitter_buffer *jb)
{
    for (int64_t q = jb->next_sequence; q <= jb->highest_sequence; q++) {
        struct slot *s = find(jb, q);
        if (s) return s;
    }
    return NULL;
}

/* Sequence number just after the last waiting packet of the frame with `timestamp`
 * that starts at or after `from` (gaps skipped). */
static int64_t frame_end(struct jitter_buffer *jb, int64_t from, int64_t timestamp, bool *marker)
{
    int64_t end = from;
    *marker = false;
    for (int64_t q = from; q <= jb->highest_sequence; q++) {
        struct slot *s = find(jb, q);
        if (!s) continue;
        if (s->timestamp != timestamp) break;
        end = q + 1;
        *marker = s->marker;
        if (s->marker) break;
    }
    return end;
}

/* Drops the oldest video frame (or audio packet), to make room (`overflow`) or at its
 * deadline. Returns false if nothing was waiting. */
static bool drop_oldest(struct jitter_buffer *jb, bool overflow)
{
    struct slot *first = first_waiting(jb);
    if (!first) return false;
    bool marker = true;
    int64_t end =
        jb->video ? frame_end(jb, first->sequence, first->timestamp, &marker) : first->sequence + 1;
    give_up_before(jb, end, overflow);
    jb->boundary_known = marker;
    if (jb->video) jb->stats.dropped_frames++;
    return true;
}

/* Extended sequence number and timestamp for a new packet. */
static int64_t unwrap_sequence(const struct jitter_buffer *jb, uint16_t sequence)
{
    return jb->highest_sequence + (int16_t)(uint16_t)(sequence - (uint16_t)jb->highest_sequence);
}

static int64_t unwrap_timestamp(const struct jitter_buffer *jb, uint32_t timestamp)
{
    return jb->highest_timestamp + (int32_t)(uint32_t)(timestamp - (uint32_t)jb->highest_timestamp);
}

/* The sender restarted its sequence numbers: forget everything and start over. */
static void restart(struct jitter_buffer *jb)
{
    for (size_t i = 0; i <= jb->mask; i++)
        if (jb->slots[i].present) {
            discard(jb, &jb->slots[i]);
            jb->stats.overflow++;
        }
    jb->started = false;
    jb->released_any = false;
    jb->boundary_known = false;
    jb->have_last_timestamp = false;
    jb->strays = 0;
    want_keyframe(jb);
    playout_clock_init(&jb->clock, media_codec_clock_rate(jb->config.codec));
}

int jitter_buffer_push(struct jitter_buffer *jb, const uint8_t *packet, size_t len,
                       int64_t arrival_us)
{
    struct rtp_header h;
    if (rtp_parse(packet, len, &h) < 0 || len > jb->config.max_bytes) {
        jb->stats.malformed++;
        return -1;
    }
    if (!jb->started) {
        jb->started = true;
        jb->next_sequence = jb->highest_sequence = h.sequence;
        jb->highest_timestamp = h.timestamp;
    }
    int64_t sequence = unwrap_sequence(jb, h.sequence);
    int64_t window = (int64_t)jb->mask + 1;
    if (jb->next_sequence - sequence > window) {
        if (++jb->strays >= STRAYS_BEFORE_RESTART) {
            restart(jb);
            return jitter_buffer_push(jb, packet, len, arrival_us);
        }
    } else {
        jb->strays = 0;
    }
    int64_t timestamp = unwrap_timestamp(jb, h.timestamp);

    /* Before anything is handed out, an earlier packet moves the start back. */
    if (!jb->released_any && sequence < jb->next_sequence &&
        jb->highest_sequence - sequence < window)
        jb->next_sequence = sequence;
    if (sequence < jb->next_sequence) {
        jb->stats.late++;
        return -1;
    }
    if (find(jb, sequence)) {
        jb->stats.duplicates++;
        return -1;
    }
    /* Too far ahead for the ring: push the old ones out. */
    if (sequence - jb->next_sequence >= window) give_up_before(jb, sequence - window + 1, true);
    while (jb->stats.buffered_packets + 1 > jb->config.max_packets ||
           jb->stats.buffered_bytes + len > jb->config.max_bytes)
        if (!drop_oldest(jb, true)) break;
    if (sequence < jb->next_sequence) { /* it was older than what got dropped */
        jb->stats.overflow++;
        return -1;
    }

    uint8_t *copy = malloc(len);
    if (!copy) {
        jb->stats.overflow++;
        return -1;
    }
    memcpy(copy, packet, len);
    struct slot *s = slot_at(jb, sequence);
    if (s->sequence != sequence) s->nacks = 0;
    s->sequence = sequence;
    s->present = true;
    s->data = copy;
    s->size = len;
    s->timestamp = timestamp;
    s->marker = h.marker;
    s->arrival_us = arrival_us;
    struct depacketizer_packet_info info;
    if (depacketizer_inspect(jb->config.codec, h.payload, h.payload_length, &info) < 0)
        info = (struct depacketizer_packet_info){false, false};
    s->frame_start = info.frame_start;
    s->keyframe = info.keyframe;

    if (sequence > jb->highest_sequence) {
        jb->highest_sequence = sequence;
        jb->highest_timestamp = timestamp;
    }
    jb->stats.packets++;
    jb->stats.buffered_packets++;
    jb->stats.buffered_bytes += len;

    playout_clock_arrival(&jb->clock, timestamp, arrival_us);
    jb->stats.jitter_us = playout_clock_jitter_us(&jb->clock);
    jb->stats.delay_us = playout_delay(jb);
    return 0;
}

static bool due(const struct jitter_buffer *jb, int64_t timestamp, int64_t now_us)
{
    return jb->draining || now_us >= playout_time(jb, timestamp);
}

static void fill_frame(struct jitter_buffer *jb, struct jitter_frame *f, uint32_t timestamp,
                       bool keyframe)
{
    *f = (struct jitter_frame){
        .rtp_timestamp = timestamp,
        .playout_us = playout_time(jb, timestamp),
        .keyframe = keyframe,
        .packet_count = jb->out_count,
        .packets = jb->out,
    };
    jb->released_any = true;
    jb->stats.frames++;
}

static int pull_video(struct jitter_buffer *jb, int64_t now_us, struct jitter_frame *f)
{
    for (;;) {
        struct slot *first = first_waiting(jb);
        if (!first) return 0;
        int64_t start = first->sequence, timestamp = first->timestamp;
        bool starts = (start == jb->next_sequence && jb->boundary_known) || first->frame_start;

        /* Walk the contiguous run of this timestamp up to the marker. */
        bool complete = false, keyframe = false;
        int64_t q = start;
        for (; q <= jb->highest_sequence; q++) {
            struct slot *s = find(jb, q);
            if (!s || s->timestamp != timestamp) break;
            keyframe = keyframe || s->keyframe;
            if (s->marker) {
                complete = starts;
                break;
            }
        }
        if (complete) {
            bool wanted = !jb->waiting_for_keyframe || keyframe;
            if (wanted && !jb->config.release_when_complete && !due(jb, timestamp, now_us))
                return 0;
            if (!wanted) { /* useless until a keyframe comes */
                give_up_before(jb, q + 1, false);
                jb->boundary_known = true;
                jb->stats.dropped_frames++;
                continue;
            }
            jb->stats.lost += (uint64_t)(start - jb->next_sequence);
            for (int64_t k = start; k <= q; k++) hand_out(jb, find(jb, k));
            jb->next_sequence = q + 1;
            jb->boundary_known = true;
            if (keyframe) jb->waiting_for_keyframe = jb->keyframe_wanted = false;
            fill_frame(jb, f, (uint32_t)timestamp, keyframe);
            return 1;
        }
        if (!due(jb, timestamp, now_us)) return 0;
        drop_oldest(jb, false); /* incomplete at its deadline */
    }
}

static int pull_audio(struct jitter_buffer *jb, int64_t now_us, struct jitter_frame *f)
{
    struct slot *first = first_waiting(jb);
    if (!first) return 0;
    if (first->sequence == jb->next_sequence) {
        if (!jb->config.release_when_complete && !due(jb, first->timestamp, now_us)) return 0;
        int64_t timestamp = first->timestamp;
        hand_out(jb, first);
        jb->next_sequence++;
        jb->last_timestamp = timestamp;
        jb->have_last_timestamp = true;
        fill_frame(jb, f, (uint32_t)timestamp, true);
        return 1;
    }
    /* next_sequence is missing: estimate its timestamp between its neighbours. */
    int64_t gap = first->sequence - jb->next_sequence;
    int64_t timestamp = first->timestamp;
    if (jb->have_last_timestamp && first->timestamp > jb->last_timestamp)
        timestamp = jb->last_timestamp + (first->timestamp - jb->last_timestamp) / (gap + 1);
    if (!due(jb, timestamp, now_us)) return 0;
    jb->next_sequence++;
    jb->last_timestamp = timestamp;
    jb->have_last_timestamp = true;
    jb->released_any = true;
    jb->stats.lost++;
    jb->stats.loss_records++;
    jb->out[0] = (struct jitter_packet){first->data, first->size, (uint16_t)first->sequence,
                                        first->arrival_us};
    *f = (struct jitter_frame){
        .rtp_timestamp = (uint32_t)timestamp,
        .playout_us = playout_time(jb, timestamp),
        .lost = true,
        .next = gap == 1 ? &jb->out[0] : NULL,
    };
    return 1;
}

int jitter_buffer_pull(struct jitter_buffer *jb, int64_t now_us, struct jitter_frame *frame)
{
    free_out(jb);
    if (!jb->started) return 0;
    return jb->video ? pull_video(jb, now_us, frame) : pull_audio(jb, now_us, frame);
}

size_t jitter_buffer_nack(struct jitter_buffer *jb, int64_t now_us, uint16_t *sequences, size_t max)
{
    size_t n = 0;
    if (!jb->started || jb->config.max_nacks == 0) return 0;
    int64_t interval = jb->rtt_us == 0                     ? UNKNOWN_RTT_NACK_INTERVAL_US
                       : jb->rtt_us > MIN_NACK_INTERVAL_US ? jb->rtt_us
                                                           : MIN_NACK_INTERVAL_US;
    struct slot *above = NULL; /* the next waiting packet after the missing one */
    for (int64_t q = jb->next_sequence; q < jb->highest_sequence && n < max; q++) {
        if (find(jb, q)) continue;
        if (!above || above->sequence < q) {
            above = NULL;
            for (int64_t k = q + 1; k <= jb->highest_sequence && !above; k++) above = find(jb, k);
            if (!above) break;
        }
        /* Its frame is at the latest the one of the packet after it. */
        if (now_us >= playout_time(jb, above->timestamp)) continue;
        struct slot *s = slot_at(jb, q);
        if (s->sequence != q) {
            s->sequence = q;
            s->nacks = 0;
        }
        if (s->nacks >= jb->config.max_nacks) continue;
        if (s->nacks > 0 && now_us - s->last_nack_us < interval) continue;
        s->nacks++;
        s->last_nack_us = now_us;
        sequences[n++] = (uint16_t)q;
        jb->stats.nacks++;
    }
    return n;
}

bool jitter_buffer_keyframe_request(struct jitter_buffer *jb, int64_t now_us)
{
    if (!jb->keyframe_wanted) return false;
    if (jb->last_keyframe_request_us != INT64_MIN &&
        now_us - jb->last_keyframe_request_us < jb->config.keyframe_request_interval_us)
        return false;
    jb->last_keyframe_request_us = now_us;
    jb->stats.keyframe_requests++;
    return true;
}

void jitter_buffer_set_rtt(struct jitter_buffer *jb, int64_t rtt_us)
{
    jb->rtt_us = rtt_us > 0 ? rtt_us : 0;
    jb->stats.delay_us = playout_delay(jb);
}

void jitter_buffer_set_delay_floor(struct jitter_buffer *jb, int64_t floor_us)
{
    jb->delay_floor_us = floor_us > 0 ? floor_us : 0;
    jb->stats.delay_us = playout_delay(jb);
}

void jitter_buffer_drain(struct jitter_buffer *jb) { jb->draining = true; }

const struct jitter_buffer_stats *jitter_buffer_stats(const struct jitter_buffer *jb)
{
    return &jb->stats;
}
