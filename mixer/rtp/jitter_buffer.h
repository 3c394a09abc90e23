/* jitter_buffer.h - one per inbound RTP stream: reorders packets, drops duplicates,
 * detects loss, and hands out whole frames at their playout time.
 *
 * Time is the caller's: every call that needs it takes `now_us` (microseconds, any
 * origin, never decreasing), and the buffer reads no clock of its own. A live stream
 * passes the arrival time of each packet and the current time on each pull; an offline
 * tool passes recorded arrival times and drives `now_us` as fast as it likes, or sets
 * `release_when_complete` and calls jitter_buffer_drain() at the end of its input.
 *
 * Playout. Each frame's playout time is its RTP timestamp mapped to the caller's
 * clock (through the smallest transit time seen recently) plus a delay. The delay is
 * four times the measured interarrival jitter (RFC 3550), plus the round-trip time
 * when NACK is on, clamped to [min_delay_us, max_delay_us], and raised to the floor
 * the caller sets for lip sync (jitter_buffer_set_delay_floor). A frame is handed out
 * once it is complete and its playout time has come; its playout time is also its
 * deadline.
 *
 * Video. A frame is the packets of one RTP timestamp, contiguous in sequence, from
 * its first packet to the one with the marker bit. Its first packet is known either
 * because the previous frame ended with a marker just before it, or because the
 * depacketizer says the packet starts a frame (depacketizer_inspect). A frame that is
 * not complete by its deadline is dropped; the buffer then waits for a keyframe,
 * drops frames that are not keyframes, and raises a keyframe request, which
 * jitter_buffer_keyframe_request() hands out at most once per
 * keyframe_request_interval_us until a keyframe comes. The stream also starts out
 * waiting for a keyframe. Missing packets whose frame can still make its deadline are
 * NACK candidates, each at most max_nacks times, once per round trip.
 *
 * Audio. Every packet is a frame. When a packet is missing at its playout time, pull
 * hands out a loss record instead (`lost`, with the packet after it if that one is
 * here, for Opus in-band FEC). Today's consumer (mixer/engine/mix_input.c) skips loss
 * records: nothing conceals the gap yet.
 *
 * Memory is bounded by max_packets and max_bytes: when a packet would exceed them, the
 * oldest frame is dropped (video: as a loss, with a keyframe request). A packet more
 * than the ring size (max_packets rounded up to a power of two) ahead of the oldest
 * one waiting pushes the older ones out the same way. Malformed, duplicate and late
 * packets are dropped and counted; 16 packets in a row from further behind than the
 * ring size mean the sender restarted its sequence numbers, and the buffer starts
 * over. */
#ifndef HOINGHI_MIXER_JITTER_BUFFER_H
#define HOINGHI_MIXER_JITTER_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define JITTER_BUFFER_MAX_PACKETS 16384 /* upper limit for max_packets */

struct jitter_buffer_config {
    enum media_codec codec;
    int64_t min_delay_us;
    int64_t max_delay_us;
    size_t max_packets;                   /* 1..JITTER_BUFFER_MAX_PACKETS */
    size_t max_bytes;                     /* whole RTP packets */
    int64_t keyframe_request_interval_us; /* video */
    unsigned max_nacks;                   /* per missing packet; 0: no NACK */
    bool release_when_complete;           /* hand frames out as soon as they are
                                               complete, without waiting for their
                                               playout time (offline use) */
};

/* Defaults for a codec. Video: 0..200 ms, 1024 packets, 4 MB, keyframe requests at
 * most every 500 ms, 3 NACKs per packet. Audio: 20..200 ms, 64 packets, 64 KB, no
 * NACK. */
void jitter_buffer_default_config(enum media_codec codec, struct jitter_buffer_config *config);

struct jitter_buffer_stats {
    uint64_t packets;           /* stored */
    uint64_t malformed;         /* not RTP, or larger than max_bytes */
    uint64_t duplicates;        /* same sequence number already waiting */
    uint64_t late;              /* arrived after their frame was handed out or given up */
    uint64_t overflow;          /* dropped to keep within max_packets / max_bytes */
    uint64_t lost;              /* sequence numbers that never arrived in time */
    uint64_t frames;            /* frames handed out */
    uint64_t dropped_frames;    /* video: incomplete at their deadline, or not a
                                      keyframe while waiting for one */
    uint64_t loss_records;      /* audio: loss records handed out */
    uint64_t nacks;             /* sequence numbers listed for NACK */
    uint64_t keyframe_requests; /* keyframe requests handed out */
    int64_t jitter_us;          /* current interarrival jitter estimate */
    int64_t delay_us;           /* current playout delay */
    size_t buffered_packets;
    size_t buffered_bytes;
};

/* One RTP packet, whole (header included), owned by the buffer. */
struct jitter_packet {
    const uint8_t *data;
    size_t size;
    uint16_t sequence;
    int64_t arrival_us; /* when it was pushed */
};

/* What pull hands out. `packets` stay valid until the next pull; `next` until the
 * next push or pull. */
struct jitter_frame {
    uint32_t rtp_timestamp;
    int64_t playout_us; /* its playout time on the caller's clock (the latency
                           figures: a frame complete later was handed out then) */
    bool keyframe;      /* video: contains a keyframe start */
    bool lost;          /* audio: a loss record, no packets */
    size_t packet_count;
    const struct jitter_packet *packets; /* in sequence order */
    const struct jitter_packet *next;    /* loss record: the packet after the lost
                                               one, if it is here; else NULL */
};

struct jitter_buffer;

/* NULL for an unknown codec, limits out of range, min > max delay, or no memory. */
struct jitter_buffer *jitter_buffer_new(const struct jitter_buffer_config *config);
void jitter_buffer_free(struct jitter_buffer *jb);

/* Stores a copy of one RTP packet that arrived at `arrival_us`. Returns 0 if stored,
 * -1 if dropped (malformed, duplicate, late, or too large; counted). */
int jitter_buffer_push(struct jitter_buffer *jb, const uint8_t *packet, size_t len,
                       int64_t arrival_us);

/* Returns 1 and the next frame (or audio loss record) that is due at `now_us`, or 0
 * if none is. Call until it returns 0. */
int jitter_buffer_pull(struct jitter_buffer *jb, int64_t now_us, struct jitter_frame *frame);

/* Writes up to `max` sequence numbers to NACK now, oldest first, and returns how many.
 * Each is listed at most max_nacks times, not more often than once per round trip,
 * and only while its frame can still make its deadline. */
size_t jitter_buffer_nack(struct jitter_buffer *jb, int64_t now_us, uint16_t *sequences,
                          size_t max);

/* True when a keyframe should be requested now (PLI/FIR); rate-limited. */
bool jitter_buffer_keyframe_request(struct jitter_buffer *jb, int64_t now_us);

/* Round-trip time measured by RTCP, used to pace NACKs (at least 10 ms apart) and,
 * with NACK on, added to the playout delay. Until it is set, NACKs are 100 ms apart
 * and nothing is added to the delay. */
void jitter_buffer_set_rtt(struct jitter_buffer *jb, int64_t rtt_us);

/* Lip sync of one sender's streams: the playout delay is at least `floor_us` (still at
 * most max_delay_us); 0 = none. The mixer sets both streams' floors from what each
 * needs by itself (jitter_buffer_own_delay) and from how much longer the rest of its
 * video path takes (mixer/engine/mix_input.h), so that what was captured together
 * leaves the mixer together. */
void jitter_buffer_set_delay_floor(struct jitter_buffer *jb, int64_t floor_us);
/* The delay this stream needs by itself (jitter, round trip, config), without the
 * floor. */
int64_t jitter_buffer_own_delay(const struct jitter_buffer *jb);

/* End of input: from now on pull ignores time, hands out every complete frame and
 * gives up every incomplete one (audio: reports the losses). */
void jitter_buffer_drain(struct jitter_buffer *jb);

const struct jitter_buffer_stats *jitter_buffer_stats(const struct jitter_buffer *jb);

#endif
