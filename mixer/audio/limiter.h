/* limiter.h - a soft peak limiter that turns 32-bit sums of int16 samples back into
 * int16 without wrap-around and without hard-clipping plateaus.
 *
 * How: a 1 ms look-ahead gain computer. Each incoming sample asks for the gain that
 * would bring it down to the threshold (-4 dBFS); the gain applied to the delayed
 * output is the smallest request in the look-ahead window, reached through a
 * one-pole attack fast enough (time constant 1/5 of the window) to be in place when
 * the peak leaves the delay line, and left through a slow one-pole release (80 ms).
 * The result is the input times a smoothly varying gain: a loud sine stays a sine.
 * Whatever overshoot remains passes a soft knee (rational curve above the threshold,
 * asymptotic to the ceiling, -3 dBFS), so no output sample reaches -3 dBFS.
 *
 * Why so far below full scale: every output is Opus-encoded, and the decoded
 * waveform overshoots the limited samples, most at a loud onset and at low bitrates
 * (measured on sines, a chord and bursts: up to 1.4 dB at 32 kbit/s, the default,
 * 2.0 dB at 16 kbit/s, 0.6 dB at 510 kbit/s).
 * Limited peaks sit at -4 dBFS (never reaching -3), 3 dB under the -1 dBTP true-peak
 * ceiling of EBU R 128, so the decoded mix stays under it: two in-phase full-scale
 * 440 Hz inputs mixed and sent through Opus at 32 kbit/s measure -3.0 dBTP
 * (tests/integration/test_mcu_mix_golden.sh, section 5, asserts <= -1 dBTP).
 *
 * Cost: one delay of LIMITER_LOOKAHEAD samples (1 ms) on every output; the state is
 * a plain struct (no allocation) so each mix output can own one. Copying a struct
 * copies the whole state, which is how a minus-self output takes over seamlessly
 * from the full mix. */
#ifndef HOINGHI_MIXER_LIMITER_H
#define HOINGHI_MIXER_LIMITER_H

#include <stddef.h>
#include <stdint.h>

#define LIMITER_LOOKAHEAD 48 /* samples at 48 kHz: 1 ms */
/* Fractions of int16 full scale (32767). Below the threshold the limiter is
 * bit-transparent (once released); no output sample reaches the ceiling. */
#define LIMITER_THRESHOLD 0.6310f /* -4 dBFS */
#define LIMITER_CEILING   0.7079f /* -3 dBFS */

struct limiter {
    double gain;  /* currently applied gain, 0 < gain <= 1
                                            (double: in float the slow release
                                            stalls about 1e-4 short of 1) */
    float attack; /* one-pole coefficients */
    float release;
    float threshold;                  /* in int16 units */
    size_t pos;                       /* ring position (oldest sample) */
    size_t min_pos;                   /* where the smallest request sits */
    float min_request;                /* smallest request in the ring */
    int32_t delay[LIMITER_LOOKAHEAD]; /* delayed input samples */
    float request[LIMITER_LOOKAHEAD]; /* gain requested by each delayed sample */
};

/* Sets up a limiter for 48 kHz audio: unity gain, empty (silent) delay line. */
void limiter_init(struct limiter *lim);

/* Limits `n` sums from `in` into `out` (which may not alias `in`). Output is delayed
 * by LIMITER_LOOKAHEAD samples. */
void limiter_process(struct limiter *lim, const int32_t *in, int16_t *out, size_t n);

#endif
