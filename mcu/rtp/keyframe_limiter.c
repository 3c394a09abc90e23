/* keyframe_limiter.c - at most one keyframe request per interval; see keyframe_limiter.h. */
#include "mcu/rtp/keyframe_limiter.h"

void keyframe_limiter_init(struct keyframe_limiter *l, int64_t interval_us)
{
    *l = (struct keyframe_limiter){.interval_us = interval_us, .last_us = INT64_MIN};
}

void keyframe_limiter_ask(struct keyframe_limiter *l)
{
    l->pending = true;
    l->asked++;
}

bool keyframe_limiter_due(struct keyframe_limiter *l, int64_t now_us)
{
    if (!l->pending) return false;
    if (l->last_us != INT64_MIN && now_us - l->last_us < l->interval_us) return false;
    l->pending = false;
    l->last_us = now_us;
    l->granted++;
    return true;
}
