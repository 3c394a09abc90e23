/* rtp_stats.h - RTP stream statistics for RTCP (RFC 3550 appendix A.1, A.3, A.8).
 *
 * Receive side, one struct rtp_recv_stats per inbound stream (SSRC): sequence number
 * tracking with wrap-around cycles and source probation, expected vs received, cumulative
 * loss, fraction lost since the previous report, interarrival jitter, and LSR/DLSR from
 * the last SR heard from that source. It produces the RR report block for the stream.
 *
 * Send side, one struct rtp_send_stats per outbound stream: packet and octet counts and
 * the last RTP timestamp with its wallclock time, for building SRs.
 *
 * Plain structs owned by the caller: no allocation, no clock reads (times are passed
 * in), no locking. */
#ifndef HOINGHI_MCU_RTP_STATS_H
#define HOINGHI_MCU_RTP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "mcu/rtp/rtcp.h"

#define RTP_STATS_MIN_SEQUENTIAL 2 /* packets in sequence before a source is valid */
#define RTP_STATS_MAX_DROPOUT    3000
#define RTP_STATS_MAX_MISORDER   100

struct rtp_recv_stats {
    uint32_t ssrc;
    uint32_t clock_rate; /* Hz of the RTP timestamp */
    bool started;        /* a first packet has been seen */
    /* RFC 3550 A.1 */
    uint16_t max_seq;
    uint32_t cycles; /* shifted count of sequence number cycles */
    uint32_t base_seq;
    uint32_t bad_seq;
    uint32_t probation;
    uint32_t received; /* packets counted (duplicates count, as in A.1) */
    uint32_t expected_prior;
    uint32_t received_prior;
    /* A.8, jitter kept in 1/16 units as the RFC's integer version */
    bool have_transit;
    uint32_t transit;
    uint32_t jitter_q4;
    /* last SR received from this source */
    bool have_sr;
    uint32_t last_sr_ntp_middle;
    int64_t last_sr_arrival_us;
    /* counters beyond the RFC */
    uint64_t octets;    /* payload bytes of counted packets */
    uint32_t discarded; /* packets rejected by probation / big jumps */
};

/* Starts statistics for `ssrc` with the given RTP clock rate (e.g. 48000, 90000). */
void rtp_recv_stats_init(struct rtp_recv_stats *s, uint32_t ssrc, uint32_t clock_rate);

/* Converts a wallclock time in microseconds to RTP clock units for `clock_rate`
 * (wrapping modulo 2^32), for use as `arrival` below. */
uint32_t rtp_stats_arrival_units(int64_t now_us, uint32_t clock_rate);

/* Accounts one received packet. `arrival` is the arrival time in the stream's clock
 * units (see rtp_stats_arrival_units). Returns 1 when the packet was counted, 0 when it
 * was held back (source still on probation, or a large jump not yet confirmed). */
int rtp_recv_stats_update(struct rtp_recv_stats *s, uint16_t seq, uint32_t rtp_timestamp,
                          uint32_t arrival, uint32_t payload_octets);

/* Remembers an SR from this source (its NTP time) received at now_us, for LSR/DLSR. */
void rtp_recv_stats_on_sr(struct rtp_recv_stats *s, uint64_t ntp, int64_t now_us);

/* Derived values. */
uint32_t rtp_recv_stats_ext_highest(const struct rtp_recv_stats *s);
uint32_t rtp_recv_stats_expected(const struct rtp_recv_stats *s);
int32_t rtp_recv_stats_cumulative_lost(const struct rtp_recv_stats *s); /* clamped to 24 bits */
uint32_t rtp_recv_stats_jitter(const struct rtp_recv_stats *s);         /* clock units */

/* Fills a report block for this stream as of now_us and starts a new reporting interval
 * (the fraction lost of the next call is relative to this one). Returns false (and
 * fills nothing) when the source is not valid yet, i.e. nothing to report. */
bool rtp_recv_stats_report(struct rtp_recv_stats *s, int64_t now_us, struct rtcp_report_block *out);

struct rtp_send_stats {
    uint32_t ssrc;
    uint32_t packets; /* wraps, as the SR field does */
    uint32_t octets;  /* payload octets, wraps */
    bool have_last;
    uint32_t last_rtp_timestamp;
    int64_t last_wallclock_us;
};

void rtp_send_stats_init(struct rtp_send_stats *s, uint32_t ssrc);
/* Accounts one sent packet with `payload_octets` payload bytes (no header, no padding). */
void rtp_send_stats_update(struct rtp_send_stats *s, uint32_t payload_octets,
                           uint32_t rtp_timestamp, int64_t now_us);

/* The stream's RTP time at `now_us` (same clock as the updates), extrapolated from the
 * last packet sent: what an SR pairs with the NTP time of now, so that a receiver can
 * line the stream up with the others (lip sync). Wraps like RTP timestamps. */
uint32_t rtp_send_stats_timestamp_at(const struct rtp_send_stats *s, uint32_t clock_rate,
                                     int64_t now_us);

#endif
