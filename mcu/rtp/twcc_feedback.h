/* twcc_feedback.h - the receive side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): remembers when each RTP packet
 * of one sender arrived, by its transport-wide sequence number (one number space over
 * all of that sender's streams, carried in an RTP header extension), and builds the
 * RTCP transport-cc feedback (RTPFB, FMT 15) that the sender's bandwidth estimator
 * reads.
 *
 * Pure: no sockets, no clock reads (arrival times are passed in, microseconds of one
 * monotonic clock), no allocation, no locking. One struct per sender, owned by the
 * caller.
 *
 * Memory is bounded: the arrivals of the last TWCC_FEEDBACK_WINDOW sequence numbers
 * are kept in a ring. Packets that fall out of the ring before they were reported are
 * dropped and counted (`dropped`). A feedback packet covers the oldest unreported
 * sequence numbers, as many as fit in TWCC_FEEDBACK_MAX_BYTES; twcc_feedback_build()
 * is called again while twcc_feedback_pending() says more is waiting. Packets never
 * received are reported as such (the sender counts them lost). A packet arriving late
 * for a sequence number already reported moves the report back to it: the sender gets
 * that range again with the late arrival in it (duplicates are harmless to it). */
#ifndef HOINGHI_MCU_TWCC_FEEDBACK_H
#define HOINGHI_MCU_TWCC_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/rtp/rtcp.h"

#define TWCC_FEEDBACK_WINDOW    1024 /* sequence numbers remembered (a power of two) */
#define TWCC_FEEDBACK_MAX_BYTES 1200 /* one feedback packet at most */
#define TWCC_NOT_RECEIVED       INT64_MIN

struct twcc_feedback {
    bool started;           /* a first packet has been recorded */
    int64_t highest;        /* unwrapped highest sequence number recorded */
    int64_t next;           /* unwrapped first sequence number not yet reported */
    uint8_t feedback_count; /* the fb pkt count of the next packet (wraps) */
    uint64_t recorded;      /* packets recorded */
    uint64_t duplicates;    /* sequence numbers recorded twice (the first kept) */
    uint64_t too_old;       /* arrivals for numbers already out of the ring */
    uint64_t dropped;       /* received packets dropped from the ring unreported */
    uint64_t packets_built; /* feedback packets built */
    int64_t arrival_us[TWCC_FEEDBACK_WINDOW]; /* by seq % WINDOW; TWCC_NOT_RECEIVED */
};

void twcc_feedback_init(struct twcc_feedback *f);

/* Reads the extension's data (two bytes, big endian): the transport-wide sequence
 * number. Returns 0 and *seq, or -1 when the data has the wrong length. */
int twcc_feedback_read_extension(const uint8_t *data, size_t length, uint16_t *seq);

/* One packet with transport-wide sequence number `seq` arrived at arrival_us. */
void twcc_feedback_record(struct twcc_feedback *f, uint16_t seq, int64_t arrival_us);

/* True when recorded arrivals have not been reported yet. */
bool twcc_feedback_pending(const struct twcc_feedback *f);

/* Appends one transport-cc feedback packet (sender_ssrc: ours; media_ssrc: one of the
 * sender's streams) covering the oldest unreported sequence numbers, at most
 * TWCC_FEEDBACK_MAX_BYTES and what the builder has room for. Returns 0 when one was
 * appended, 1 when nothing is pending (nothing appended), -1 when there is no room
 * (nothing appended, nothing marked reported). */
int twcc_feedback_build(struct twcc_feedback *f, struct rtcp_builder *b, uint32_t sender_ssrc,
                        uint32_t media_ssrc);

#endif
