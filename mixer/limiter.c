/* limiter.c - look-ahead soft peak limiter (see limiter.h for the method). */
#include "mixer/limiter.h"

#include <math.h>

#define FULL_SCALE 32767.0f
#define THRESHOLD (FULL_SCALE * 0.891f) /* -1 dBFS */
#define RELEASE_SAMPLES 3840.0f         /* 80 ms at 48 kHz */

void limiter_init(struct limiter *lim)
{
    lim->gain = 1.0f;
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

/* Above the threshold, a rational curve that bends towards full scale and never
 * reaches it: continuous, with slope 1 at the knee. */
static int16_t soft_knee(float y, float knee)
{
    float a = fabsf(y);
    if (a > knee) {
        float room = FULL_SCALE - knee;
        float u = (a - knee) / room;
        a = knee + room * u / (1.0f + u);
    }
    long v = lrintf(a);
    if (v > 32767)
        v = 32767;
    return (int16_t)(y < 0 ? -v : v);
}

void limiter_process(struct limiter *lim, const int32_t *in, int16_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t x = in[i];
        float ax = fabsf((float)x);
        float request = ax > lim->threshold ? lim->threshold / ax : 1.0f;

        /* The gain target covers the outgoing sample and everything behind it. */
        float target = request < lim->min_request ? request : lim->min_request;
        float coef = target < lim->gain ? lim->attack : lim->release;
        lim->gain = target + (lim->gain - target) * coef;

        int32_t outgoing = lim->delay[lim->pos];
        out[i] = soft_knee((float)outgoing * lim->gain, lim->threshold);

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
