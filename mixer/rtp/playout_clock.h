/* playout_clock.h - maps RTP timestamps of one stream to the receiver's clock and
 * measures interarrival jitter. Used by the jitter buffer; plain data, embedded by
 * value, no allocation.
 *
 * The mapping is ts_us + base, where base is the smallest transit time (arrival minus
 * RTP time) seen in the current or the previous window of PLAYOUT_CLOCK_WINDOW_US, so
 * it follows a sender clock that drifts either way. The jitter is RFC 3550's
 * estimate: J += (|D| - J) / 16 over consecutive arrivals. */
#ifndef HOINGHI_MIXER_PLAYOUT_CLOCK_H
#define HOINGHI_MIXER_PLAYOUT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define PLAYOUT_CLOCK_WINDOW_US 2000000

struct playout_clock {
    uint32_t clock_rate;
    bool started;
    int64_t base_transit; /* us: smallest transit, current mapping */
    int64_t window_min;   /* us: smallest transit in the current window */
    int64_t window_start; /* us: arrival time the window began */
    int64_t previous_transit;
    int64_t jitter_x16; /* us, times 16 */
};

void playout_clock_init(struct playout_clock *c, uint32_t clock_rate);

/* Notes a packet with extended RTP timestamp `ts` arriving at `arrival_us`. */
void playout_clock_arrival(struct playout_clock *c, int64_t ts, int64_t arrival_us);

/* Receiver time at which a packet with extended timestamp `ts` would have arrived
 * with the smallest transit; meaningful once a packet has arrived. */
int64_t playout_clock_time_us(const struct playout_clock *c, int64_t ts);

int64_t playout_clock_jitter_us(const struct playout_clock *c);

#endif
