/* bandwidth_policy.h - which output profile (high or low) a receiver's bandwidth
 * allows, decided once a second from what the receiver tells us: the loss in its RRs
 * and its REMB estimate, against the bitrate we actually send it. Pure logic, no
 * clock reads: the caller passes the time.
 *
 * Congestion is loss over 10 % (fraction 26/256), or a REMB below 85 % of what we
 * send; after two congested seconds in a row a receiver on the high profile moves
 * down. On the low profile, with loss under 2 % and a REMB with 30 % headroom over
 * what we send (or no REMB at all), it tries the high profile again once its hold
 * time has passed. A move up that ends in congestion within half a minute doubles
 * the hold (4 s at first, at most 64 s), so a receiver on a bad link settles low
 * instead of flapping. */
#ifndef HOINGHI_MCU_BANDWIDTH_POLICY_H
#define HOINGHI_MCU_BANDWIDTH_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define BANDWIDTH_HOLD_US           4000000
#define BANDWIDTH_MAX_HOLD_US       64000000
#define BANDWIDTH_LOSS_DOWN         26
#define BANDWIDTH_LOSS_UP           5
#define BANDWIDTH_CONGESTED_SECONDS 2
#define BANDWIDTH_FAILED_UP_US      32000000

enum bandwidth_move { BANDWIDTH_STAY, BANDWIDTH_DOWN, BANDWIDTH_UP };

struct bandwidth_policy {
    bool low;            /* on the low profile now */
    int64_t since_us;    /* on it since */
    int64_t hold_us;     /* least time on the low profile before trying up */
    int64_t moved_up_us; /* last move up, 0 if none */
    int congested_seconds;
};

void bandwidth_policy_init(struct bandwidth_policy *p, int64_t now_us);

/* One step, once a second. Returns the move to make; the caller makes it (at the
 * target's next keyframe) and calls bandwidth_policy_moved() when it is done. */
enum bandwidth_move bandwidth_policy_step(struct bandwidth_policy *p, int64_t now_us,
                                          uint64_t send_bps, uint64_t remb_bps,
                                          uint8_t fraction_lost);

void bandwidth_policy_moved(struct bandwidth_policy *p, bool low, int64_t now_us);

#endif
