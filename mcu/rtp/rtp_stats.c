/* rtp_stats.c - RTP receive/send statistics after RFC 3550 A.1, A.3, A.8; see rtp_stats.h. */
#include "mcu/rtp/rtp_stats.h"

#include <string.h>

#define RTP_SEQ_MOD (1u << 16)
#define LOST_MAX    8388607
#define LOST_MIN    (-8388608)

void rtp_recv_stats_init(struct rtp_recv_stats *s, uint32_t ssrc, uint32_t clock_rate)
{
    memset(s, 0, sizeof *s);
    s->ssrc = ssrc;
    s->clock_rate = clock_rate;
}

uint32_t rtp_stats_arrival_units(int64_t now_us, uint32_t clock_rate)
{
    uint64_t us = (uint64_t)now_us; /* negative times wrap, which is harmless modulo 2^32 */
    uint64_t units = (us / 1000000u) * clock_rate + (us % 1000000u) * clock_rate / 1000000u;
    return (uint32_t)units;
}

/* A.1 init_seq */
static void init_seq(struct rtp_recv_stats *s, uint16_t seq)
{
    s->base_seq = seq;
    s->max_seq = seq;
    s->bad_seq = RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
    s->cycles = 0;
    s->received = 0;
    s->received_prior = 0;
    s->expected_prior = 0;
}

/* A.1 update_seq: 1 = count the packet, 0 = hold it back. */
static int update_seq(struct rtp_recv_stats *s, uint16_t seq)
{
    uint16_t udelta = (uint16_t)(seq - s->max_seq);
    if (s->probation) {
        if (seq == (uint16_t)(s->max_seq + 1)) {
            s->probation--;
            s->max_seq = seq;
            if (s->probation == 0) {
                init_seq(s, seq);
                s->received++;
                return 1;
            }
        } else {
            s->probation = RTP_STATS_MIN_SEQUENTIAL - 1;
            s->max_seq = seq;
        }
        return 0;
    } else if (udelta < RTP_STATS_MAX_DROPOUT) {
        if (seq < s->max_seq) s->cycles += RTP_SEQ_MOD; /* wrapped */
        s->max_seq = seq;
    } else if (udelta <= RTP_SEQ_MOD - RTP_STATS_MAX_MISORDER) {
        /* a very large jump: believe it only when the next packet follows it */
        if (seq == s->bad_seq) {
            init_seq(s, seq);
        } else {
            s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
            return 0;
        }
    }
    /* else: duplicate or reordered packet, counted as A.1 does */
    s->received++;
    return 1;
}

int rtp_recv_stats_update(struct rtp_recv_stats *s, uint16_t seq, uint32_t rtp_timestamp,
                          uint32_t arrival, uint32_t payload_octets)
{
    if (!s->started) {
        s->started = true;
        init_seq(s, seq);
        s->max_seq = (uint16_t)(seq - 1);
        s->probation = RTP_STATS_MIN_SEQUENTIAL;
    }
    if (!update_seq(s, seq)) {
        s->discarded++;
        return 0;
    }
    s->octets += payload_octets;
    /* A.8: J += (|D| - J) / 16, kept multiplied by 16 */
    uint32_t transit = arrival - rtp_timestamp;
    if (s->have_transit) {
        int32_t d = (int32_t)(transit - s->transit);
        uint32_t ad = d < 0 ? (uint32_t)(-(int64_t)d) : (uint32_t)d;
        s->jitter_q4 += ad - ((s->jitter_q4 + 8) >> 4);
    }
    s->transit = transit;
    s->have_transit = true;
    return 1;
}

void rtp_recv_stats_on_sr(struct rtp_recv_stats *s, uint64_t ntp, int64_t now_us)
{
    s->have_sr = true;
    s->last_sr_ntp_middle = rtcp_ntp_middle32(ntp);
    s->last_sr_arrival_us = now_us;
}

uint32_t rtp_recv_stats_ext_highest(const struct rtp_recv_stats *s)
{
    return s->cycles + s->max_seq;
}

uint32_t rtp_recv_stats_expected(const struct rtp_recv_stats *s)
{
    if (!s->started || s->probation) return 0;
    return rtp_recv_stats_ext_highest(s) - s->base_seq + 1;
}

int32_t rtp_recv_stats_cumulative_lost(const struct rtp_recv_stats *s)
{
    int64_t lost = (int64_t)rtp_recv_stats_expected(s) - (int64_t)s->received;
    if (lost > LOST_MAX) lost = LOST_MAX;
    if (lost < LOST_MIN) lost = LOST_MIN;
    return (int32_t)lost;
}

uint32_t rtp_recv_stats_jitter(const struct rtp_recv_stats *s) { return s->jitter_q4 >> 4; }

bool rtp_recv_stats_report(struct rtp_recv_stats *s, int64_t now_us, struct rtcp_report_block *out)
{
    if (!s->started || s->probation) return false;
    uint32_t expected = rtp_recv_stats_expected(s);
    /* A.3: fraction lost over the interval since the previous report */
    uint32_t expected_interval = expected - s->expected_prior;
    uint32_t received_interval = s->received - s->received_prior;
    s->expected_prior = expected;
    s->received_prior = s->received;
    int64_t lost_interval = (int64_t)expected_interval - (int64_t)received_interval;
    uint8_t fraction = 0;
    if (expected_interval != 0 && lost_interval > 0)
        fraction = (uint8_t)(((uint64_t)lost_interval << 8) / expected_interval);

    memset(out, 0, sizeof *out);
    out->ssrc = s->ssrc;
    out->fraction_lost = fraction;
    out->cumulative_lost = rtp_recv_stats_cumulative_lost(s);
    out->ext_highest_seq = rtp_recv_stats_ext_highest(s);
    out->jitter = rtp_recv_stats_jitter(s);
    if (s->have_sr) {
        out->lsr = s->last_sr_ntp_middle;
        int64_t delay_us = now_us - s->last_sr_arrival_us;
        if (delay_us < 0) delay_us = 0;
        uint64_t dlsr = ((uint64_t)delay_us << 16) / 1000000u;
        out->dlsr = dlsr > UINT32_MAX ? UINT32_MAX : (uint32_t)dlsr;
    }
    return true;
}

void rtp_send_stats_init(struct rtp_send_stats *s, uint32_t ssrc)
{
    memset(s, 0, sizeof *s);
    s->ssrc = ssrc;
}

void rtp_send_stats_update(struct rtp_send_stats *s, uint32_t payload_octets,
                           uint32_t rtp_timestamp, int64_t now_us)
{
    s->packets++;
    s->octets += payload_octets;
    s->have_last = true;
    s->last_rtp_timestamp = rtp_timestamp;
    s->last_wallclock_us = now_us;
}

uint32_t rtp_send_stats_timestamp_at(const struct rtp_send_stats *s, uint32_t clock_rate,
                                     int64_t now_us)
{
    int64_t since_us = now_us - s->last_wallclock_us;
    int64_t ticks = since_us >= 0 ? since_us * (int64_t)clock_rate / 1000000
                                  : -((-since_us) * (int64_t)clock_rate / 1000000);
    return s->last_rtp_timestamp + (uint32_t)ticks;
}
