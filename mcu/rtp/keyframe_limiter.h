/* keyframe_limiter.h - coalesces keyframe requests for one output profile: however
 * many receivers ask (PLI, FIR, a join, a layout change, a switch), the encoder is
 * asked at most once per interval; a request inside the interval is kept and granted
 * when the interval has passed, never lost. Pure logic: the caller passes the time. */
#ifndef HOINGHI_MCU_KEYFRAME_LIMITER_H
#define HOINGHI_MCU_KEYFRAME_LIMITER_H

#include <stdbool.h>
#include <stdint.h>

struct keyframe_limiter {
    int64_t interval_us;
    int64_t last_us;         /* when the encoder was last asked; INT64_MIN: never */
    bool pending;            /* somebody asked since */
    uint64_t asked, granted; /* requests in, encoder requests out */
};

void keyframe_limiter_init(struct keyframe_limiter *l, int64_t interval_us);

/* Somebody wants a keyframe. */
void keyframe_limiter_ask(struct keyframe_limiter *l);

/* True when the encoder should be asked now (then the request is cleared). */
bool keyframe_limiter_due(struct keyframe_limiter *l, int64_t now_us);

#endif
