/* bandwidth_policy.c - high or low output profile per receiver; see bandwidth_policy.h. */
#include "mcu/conference/bandwidth_policy.h"

void bandwidth_policy_init(struct bandwidth_policy *p, int64_t now_us)
{
    *p = (struct bandwidth_policy){.low = false, .since_us = now_us, .hold_us = BANDWIDTH_HOLD_US};
}

enum bandwidth_move bandwidth_policy_step(struct bandwidth_policy *p, int64_t now_us,
                                          uint64_t send_bps, uint64_t remb_bps,
                                          uint8_t fraction_lost)
{
    bool remb_short = remb_bps && send_bps && remb_bps * 100 < send_bps * 85;
    bool congested = fraction_lost > BANDWIDTH_LOSS_DOWN || remb_short;
    p->congested_seconds = congested ? p->congested_seconds + 1 : 0;
    int64_t on_profile = now_us - p->since_us;

    if (!p->low) {
        if (on_profile < BANDWIDTH_HOLD_US || p->congested_seconds < BANDWIDTH_CONGESTED_SECONDS)
            return BANDWIDTH_STAY;
        if (p->moved_up_us && now_us - p->moved_up_us < BANDWIDTH_FAILED_UP_US)
            p->hold_us =
                p->hold_us * 2 > BANDWIDTH_MAX_HOLD_US ? BANDWIDTH_MAX_HOLD_US : p->hold_us * 2;
        return BANDWIDTH_DOWN;
    }
    bool headroom = !remb_bps || remb_bps * 100 > send_bps * 130;
    if (on_profile >= p->hold_us && fraction_lost < BANDWIDTH_LOSS_UP && headroom && !congested)
        return BANDWIDTH_UP;
    return BANDWIDTH_STAY;
}

void bandwidth_policy_moved(struct bandwidth_policy *p, bool low, int64_t now_us)
{
    if (!low && p->low) p->moved_up_us = now_us;
    p->low = low;
    p->since_us = now_us;
    p->congested_seconds = 0;
}
