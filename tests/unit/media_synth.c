/* media_synth.c - synthetic tones and pictures for the unit tests. */
#include "tests/unit/media_synth.h"

#include <math.h>

void synth_tone(int16_t *out, size_t n, int channels, double freq, double amplitude, double rate,
                size_t start)
{
    for (size_t i = 0; i < n; i++) {
        double v = amplitude * sin(2.0 * M_PI * freq * (double)(start + i) / rate);
        long s = lrint(v);
        if (s > 32767) s = 32767;
        if (s < -32768) s = -32768;
        for (int c = 0; c < channels; c++) out[i * (size_t)channels + (size_t)c] = (int16_t)s;
    }
}

double synth_tone_amplitude(const int16_t *pcm, size_t n, size_t stride, double freq, double rate)
{
    double w = 2.0 * M_PI * freq / rate;
    double coeff = 2.0 * cos(w);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = pcm[i * stride] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    if (power < 0) power = 0;
    return 2.0 * sqrt(power) / (double)n;
}

double synth_rms(const int16_t *pcm, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) e += (double)pcm[i] * pcm[i];
    return n ? sqrt(e / (double)n) : 0;
}

AVFrame *synth_picture(int w, int h, uint8_t y, uint8_t u, uint8_t v)
{
    AVFrame *f = av_frame_alloc();
    if (!f) return NULL;
    f->format = AV_PIX_FMT_YUV420P;
    f->width = w;
    f->height = h;
    if (av_frame_get_buffer(f, 32) < 0) {
        av_frame_free(&f);
        return NULL;
    }
    synth_fill(f, 0, 0, w, h, y, u, v);
    return f;
}

void synth_fill(AVFrame *pic, int x, int y, int w, int h, uint8_t cy, uint8_t cu, uint8_t cv)
{
    for (int r = y; r < y + h; r++)
        for (int c = x; c < x + w; c++) pic->data[0][r * pic->linesize[0] + c] = cy;
    for (int r = y / 2; r < (y + h + 1) / 2; r++) {
        for (int c = x / 2; c < (x + w + 1) / 2; c++) {
            pic->data[1][r * pic->linesize[1] + c] = cu;
            pic->data[2][r * pic->linesize[2] + c] = cv;
        }
    }
}

double synth_mean(const AVFrame *pic, int plane, int x, int y, int w, int h)
{
    int shift = plane ? 1 : 0;
    int x0 = x >> shift, y0 = y >> shift;
    int x1 = (x + w) >> shift, y1 = (y + h) >> shift;
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y1 = y0 + 1;
    double sum = 0;
    for (int r = y0; r < y1; r++)
        for (int c = x0; c < x1; c++) sum += pic->data[plane][r * pic->linesize[plane] + c];
    return sum / ((double)(x1 - x0) * (y1 - y0));
}
