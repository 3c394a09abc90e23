/* media_synth.h - synthetic media for the unit tests: sine tones, a Goertzel tone
 * meter, solid-colour I420 pictures and region means. */
#ifndef HOINGHI_TESTS_MEDIA_SYNTH_H
#define HOINGHI_TESTS_MEDIA_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include <libavutil/frame.h>

/* Writes n frames of a sine (all `channels` equal) starting at sample index `start`
 * (so consecutive calls continue the phase). amplitude in int16 units. */
void synth_tone(int16_t *out, size_t n, int channels, double freq, double amplitude, double rate,
                size_t start);

/* Amplitude of the `freq` component of n samples (every `stride`-th value), by a
 * Goertzel filter. A pure sine of amplitude A at a bin-centred frequency gives A. */
double synth_tone_amplitude(const int16_t *pcm, size_t n, size_t stride, double freq, double rate);

/* RMS of n int16 samples. */
double synth_rms(const int16_t *pcm, size_t n);

/* A new YUV420P picture of w x h filled with one colour; NULL on failure. */
AVFrame *synth_picture(int w, int h, uint8_t y, uint8_t u, uint8_t v);

/* Fills a rectangle (even coordinates) of an existing picture with one colour. */
void synth_fill(AVFrame *pic, int x, int y, int w, int h, uint8_t cy, uint8_t cu, uint8_t cv);

/* Mean of plane `plane` (0 Y, 1 U, 2 V) over the luma-coordinate rectangle. */
double synth_mean(const AVFrame *pic, int plane, int x, int y, int w, int h);

#endif
