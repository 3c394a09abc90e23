/* limiter.c - look-ahead soft peak limiter (see limiter.h for the method). */
#include "mixer/audio/limiter.h"

#include <math.h>
#include <stdbool.h>

#define FULL_SCALE      32767.0f
#define THRESHOLD       (FULL_SCALE * LIMITER_THRESHOLD) /* -4 dBFS */
#define CEILING         (FULL_SCALE * LIMITER_CEILING)   /* -3 dBFS */
#define RELEASE_SAMPLES 3840.0f                          /* 80 ms at 48 kHz */

void limiter_init(struct limiter *lim)
{
    lim->gain = 1.0;
    lim->attack = expf(-5.0f / LIMITER_LOOKAHEAD);
    lim->release = expf(-1.0f / RELEASE_SAMPLES);
    lim->threshold = THRESHOLD;
    lim->pos = 0;
    lim->min_pos = 0;
    lim->min_request = 1.0f;
    for (size_t i = 0; i < LIMITER_LOOKAHEAD; i++) {
        lim->delay[i] = 0;
        lim->request[i] = 1.0f;
    }
}

static void rescan_minimum(struct limiter *lim)
{
    lim->min_request = lim->request[0];
    lim->min_pos = 0;
    for (size_t i = 1; i < LIMITER_LOOKAHEAD; i++) {
        if (lim->request[i] < lim->min_request) {
            lim->min_request = lim->request[i];
            lim->min_pos = i;
        }
    }
}

/* Above the threshold, a rational curve that bends towards the ceiling and never
 * reaches it: continuous, with slope 1 at the knee. */
static int16_t soft_knee(float y, float knee)
{
    float a = fabsf(y);
    if (a > knee) {
        float room = CEILING - knee;
        float u = (a - knee) / room;
        a = knee + room * u / (1.0f + u);
    }
    long v = lrintf(a);
    if (v > (long)CEILING) /* rounding only: the curve stays below the ceiling */
        v = (long)CEILING;
    return (int16_t)(y < 0 ? -v : v);
}

/* The common case, a block with no peak while the limiter is idle (unity gain,
 * nothing requested in the look-ahead): the output is the input delayed, exactly
 * what the sample loop below would compute, at the cost of a copy. */
static bool idle_block(struct limiter *lim, const int32_t *in, int16_t *out, size_t n)
{
    if (lim->gain != 1.0 || lim->min_request != 1.0f || n < LIMITER_LOOKAHEAD) return false;
    int32_t threshold = (int32_t)lim->threshold; /* |x| <= this: request 1 */
    for (size_t i = 0; i < n; i++)
        if (in[i] > threshold || in[i] < -threshold) return false;
    for (size_t i = 0; i < LIMITER_LOOKAHEAD; i++)
        out[i] = (int16_t)lim->delay[(lim->pos + i) % LIMITER_LOOKAHEAD];
    for (size_t i = LIMITER_LOOKAHEAD; i < n; i++) out[i] = (int16_t)in[i - LIMITER_LOOKAHEAD];
    /* The ring now holds the last LIMITER_LOOKAHEAD inputs, the oldest at pos. */
    size_t pos = (lim->pos + n) % LIMITER_LOOKAHEAD;
    for (size_t i = 0; i < LIMITER_LOOKAHEAD; i++) {
        lim->delay[(pos + i) % LIMITER_LOOKAHEAD] = in[n - LIMITER_LOOKAHEAD + i];
        lim->request[i] = 1.0f;
    }
    lim->pos = pos;
    lim->min_pos = (pos + LIMITER_LOOKAHEAD - 1) % LIMITER_LOOKAHEAD;
    return true;
}

void limiter_process(struct limiter *lim, const int32_t *in, int16_t *out, size_t n)
{
    if (idle_block(lim, in, out, n)) return;
    for (size_t i = 0; i < n; i++) {
        int32_t x = in[i];
        float ax = fabsf((float)x);
        float request = ax > lim->threshold ? lim->threshold / ax : 1.0f;

        /* The gain target covers the outgoing sample and everything behind it. */
        float target = request < lim->min_request ? request : lim->min_request;
        float coef = target < lim->gain ? lim->attack : lim->release;
        lim->gain = target + (lim->gain - target) * coef;
        /* Released to within 1e-6 of unity (under 0.03 of a sample step at the
         * threshold: no output sample changes), it is unity, and idle blocks take
         * the fast path again. */
        if (target == 1.0f && lim->gain > 1.0 - 1e-6) lim->gain = 1.0;

        int32_t outgoing = lim->delay[lim->pos];
        out[i] = soft_knee((float)outgoing * (float)lim->gain, lim->threshold);

        lim->delay[lim->pos] = x;
        lim->request[lim->pos] = request;
        if (request <= lim->min_request) {
            lim->min_request = request;
            lim->min_pos = lim->pos;
        } else if (lim->min_pos == lim->pos) {
            rescan_minimum(lim);
        }
        lim->pos = (lim->pos + 1) % LIMITER_LOOKAHEAD;
    }
}
