/* click.c - the click on int16 samples: writing it at whole seconds, finding its
 * onsets; see click.h. */
#include "client/room/click.h"

#include <math.h>
#include <string.h>

#define FULL_SCALE 32767.0
#define PI         3.14159265358979323846

/* Time (us, fractional) of frame n of a buffer whose first frame is at first_us. */
static double frame_time_us(int64_t first_us, size_t n, int rate)
{
    return (double)first_us + (double)n * 1e6 / rate;
}

int64_t click_delay_us(int64_t onset_us)
{
    int64_t d = onset_us % CLICK_PERIOD_US;
    return d < 0 ? d + CLICK_PERIOD_US : d;
}

/* The click's value at time t_us (a fraction of full scale). */
static double click_value(double t_us)
{
    double since = fmod(t_us, CLICK_PERIOD_US);
    if (since < 0) since += CLICK_PERIOD_US;
    if (since >= CLICK_BURST_US) return 0;
    return CLICK_AMPLITUDE * sin(2 * PI * CLICK_HZ * since / 1e6);
}

void click_write(int16_t *samples, size_t frames, int channels, int rate, int64_t first_sample_us)
{
    if (!samples || channels < 1 || rate < 1) return;
    for (size_t n = 0; n < frames; n++) {
        int16_t v =
            (int16_t)lrint(click_value(frame_time_us(first_sample_us, n, rate)) * FULL_SCALE);
        for (int c = 0; c < channels; c++) samples[n * (size_t)channels + (size_t)c] = v;
    }
}

void click_detector_init(struct click_detector *d)
{
    memset(d, 0, sizeof(*d));
    d->since_crossing = -1;
    d->ignore_until = INT64_MIN;
}

/* Empties the window for samples at `rate` (the hold-off stays). */
static void start_over(struct click_detector *d, int rate)
{
    int64_t ignore_until = d->ignore_until;
    click_detector_init(d);
    d->ignore_until = ignore_until;
    d->rate = rate;
    d->window = (int)((int64_t)rate * CLICK_WINDOW_US / 1000000);
}

/* Puts one sample into the window; returns the amplitude at CLICK_HZ over the window
 * (int16 units), or -1 while the window is not full yet. */
static double listen(struct click_detector *d, int16_t sample)
{
    double re = sample * cos(d->phase), im = -sample * sin(d->phase);

    d->phase += 2 * PI * CLICK_HZ / d->rate;
    if (d->phase >= 2 * PI) d->phase -= 2 * PI;
    if (d->filled == d->window) {
        d->sum_re -= d->re[d->next];
        d->sum_im -= d->im[d->next];
    } else {
        d->filled++;
    }
    d->re[d->next] = re;
    d->im[d->next] = im;
    d->sum_re += re;
    d->sum_im += im;
    d->next = (d->next + 1) % d->window;
    return d->filled == d->window ? 2.0 / d->window * hypot(d->sum_re, d->sum_im) : -1;
}

size_t click_detect(struct click_detector *d, const int16_t *samples, size_t frames, int channels,
                    int rate, int64_t first_sample_us, int64_t *onsets_us, size_t max_onsets)
{
    const double threshold = CLICK_THRESHOLD * FULL_SCALE;
    size_t found = 0;

    if (!samples || channels < 1 || rate < 1 || rate > CLICK_MAX_RATE) return 0;
    if (rate != d->rate) start_over(d, rate);
    if (d->window < 1) return 0;
    for (size_t n = 0; n < frames; n++) {
        double amplitude = listen(d, samples[n * (size_t)channels]);
        if (amplitude < 0) continue;
        if (d->since_crossing >= 0) { /* on the ramp: wait for the window to be full of it */
            if (amplitude > d->peak) d->peak = amplitude;
            if (++d->since_crossing < d->window) continue;
            /* at the crossing the burst filled crossing_amplitude / peak of the window */
            double burst = d->crossing_amplitude / d->peak * d->window;
            int64_t onset = d->crossing_us - (int64_t)llround((burst - 1) * 1e6 / rate);
            d->since_crossing = -1;
            d->ignore_until = onset + CLICK_HOLDOFF_US;
            if (found < max_onsets) onsets_us[found++] = onset;
            continue;
        }
        int64_t t = (int64_t)llround(frame_time_us(first_sample_us, n, rate));
        if (amplitude > threshold && t >= d->ignore_until) {
            d->since_crossing = 0;
            d->crossing_amplitude = d->peak = amplitude;
            d->crossing_us = t;
        }
    }
    return found;
}
