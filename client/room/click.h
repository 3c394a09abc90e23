/* click.h - the audio half of the glass-to-glass instrument: a click written into a
 * sound at every whole second of the machine's monotonic clock, and found again in a
 * received sound that went through Opus, a jitter buffer and maybe the MCU's mix.
 *
 * The click is a function of absolute time on CLOCK_MONOTONIC (the clock every process
 * on a machine shares): at each whole second a CLICK_BURST_US burst of a CLICK_HZ sine
 * at CLICK_AMPLITUDE of full scale begins (at phase 0); between bursts, silence. Each
 * sample's value follows from its own time, so a writer needs no state and a burst
 * split across two buffers comes out whole.
 *
 * The detector listens for the burst's frequency only: it takes the amplitude at
 * CLICK_HZ over the last CLICK_WINDOW_US of decoded samples (a sliding correlation with
 * a sine and a cosine, a whole number of the click's periods long) and reports an onset
 * when that amplitude passes CLICK_THRESHOLD of full scale. Other sound hardly reaches
 * it: a full-scale 440 Hz tone leaks under 0.08 into it, a sudden jump of the waveform
 * (a lost frame, a mixer's glitch) under 0.05 per half of full scale; the burst gives
 * its own amplitude, 0.7, or still about 0.4 when the MCU's limiter lowers it under
 * other rooms' tones. The onset's time comes from the ramp: while the burst fills the
 * window the amplitude grows in proportion, so when the window is full (its amplitude
 * known) the crossing's place on the ramp says where the burst began. Then the
 * detector ignores CLICK_HOLDOFF_US. A click that left its sender at whole second S
 * and is heard at T was delayed T - S: click_delay_us() is the onset's time modulo a
 * second (delays of a second or more read a whole second short).
 *
 * Plain C on int16 samples (no GStreamer): click_probe.c is the GStreamer glue,
 * tests/unit/test_click.c the test. */
#ifndef HOINGHI_ROOM_CLICK_H
#define HOINGHI_ROOM_CLICK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLICK_PERIOD_US  1000000 /* a click at every whole second */
#define CLICK_BURST_US   10000
#define CLICK_HZ         4000
#define CLICK_AMPLITUDE  0.7  /* of full scale */
#define CLICK_WINDOW_US  2000 /* 8 periods of CLICK_HZ */
#define CLICK_THRESHOLD  0.2  /* of full scale: the amplitude at CLICK_HZ that is a click */
#define CLICK_HOLDOFF_US 500000
#define CLICK_MAX_RATE   96000 /* the detector's window holds CLICK_WINDOW_US at this rate */

/* Writes the click into `frames` interleaved frames of `channels` int16 samples at
 * `rate` Hz whose first frame is at first_sample_us on the monotonic clock (in
 * microseconds): every channel of a frame inside a burst gets the burst's value,
 * every other frame silence. */
void click_write(int16_t *samples, size_t frames, int channels, int rate, int64_t first_sample_us);

#define CLICK_MAX_WINDOW (CLICK_MAX_RATE / 1000 * CLICK_WINDOW_US / 1000) /* samples */

struct click_detector {
    int rate;     /* of the samples seen so far; 0 = none yet */
    int window;   /* samples in the window at that rate */
    double phase; /* of the reference sine, radians */
    double re[CLICK_MAX_WINDOW], im[CLICK_MAX_WINDOW]; /* each sample times the reference */
    double sum_re, sum_im;                             /* over the window */
    int next;                        /* the oldest slot, where the next sample goes */
    int filled;                      /* slots holding samples */
    int since_crossing;              /* samples since the crossing; -1 = none pending */
    double crossing_amplitude, peak; /* at the crossing; the most since */
    int64_t crossing_us;
    int64_t ignore_until; /* crossings before this time (us) are not onsets */
};

/* An empty detector. */
void click_detector_init(struct click_detector *d);

/* Listens to channel 0 of `frames` interleaved frames of `channels` int16 samples at
 * `rate` Hz (up to CLICK_MAX_RATE) whose first frame is at first_sample_us; writes the
 * times (us) of the onsets it is sure of now to onsets_us (room for max_onsets) and
 * returns how many. An onset is reported CLICK_WINDOW_US after it passed the threshold,
 * maybe in a later buffer. Buffers must come in order; a change of rate starts over. */
size_t click_detect(struct click_detector *d, const int16_t *samples, size_t frames, int channels,
                    int rate, int64_t first_sample_us, int64_t *onsets_us, size_t max_onsets);

/* The delay of a click heard at onset_us: its time after the last whole second
 * (0 .. CLICK_PERIOD_US - 1). */
int64_t click_delay_us(int64_t onset_us);

#endif
