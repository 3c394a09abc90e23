/* playout_clock.c - RTP time to receiver time, and jitter; see playout_clock.h. */
#include "mixer/rtp/playout_clock.h"

void playout_clock_init(struct playout_clock *c, uint32_t clock_rate)
{
    *c = (struct playout_clock){.clock_rate = clock_rate ? clock_rate : 90000};
}

static int64_t ts_to_us(const struct playout_clock *c, int64_t ts)
{
    /* Split to keep the product far from overflow for any 48-bit timestamp. */
    int64_t seconds = ts / c->clock_rate, rest = ts % c->clock_rate;
    return seconds * 1000000 + rest * 1000000 / c->clock_rate;
}

void playout_clock_arrival(struct playout_clock *c, int64_t ts, int64_t arrival_us)
{
    int64_t transit = arrival_us - ts_to_us(c, ts);
    if (!c->started) {
        c->started = true;
        c->base_transit = c->window_min = c->previous_transit = transit;
        c->window_start = arrival_us;
        return;
    }
    int64_t d = transit - c->previous_transit;
    if (d < 0) d = -d;
    c->jitter_x16 += d - (c->jitter_x16 >> 4);
    c->previous_transit = transit;

    if (transit < c->base_transit) c->base_transit = transit;
    if (transit < c->window_min) c->window_min = transit;
    if (arrival_us - c->window_start >= PLAYOUT_CLOCK_WINDOW_US) {
        c->base_transit = c->window_min; /* may rise: the sender's clock is slow */
        c->window_min = transit;
        c->window_start = arrival_us;
    }
}

int64_t playout_clock_time_us(const struct playout_clock *c, int64_t ts)
{
    return ts_to_us(c, ts) + c->base_transit;
}

int64_t playout_clock_jitter_us(const struct playout_clock *c) { return c->jitter_x16 >> 4; }
