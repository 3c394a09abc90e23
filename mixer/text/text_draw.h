/* text_draw.h - blends a rendered text bitmap (text_renderer.h) onto an I420
 * picture: light glyphs, optionally on a semi-transparent dark box so they stay
 * legible on any background. Pure pixel work, no allocation.
 *
 * Luma: the box darkens towards black (Y 16) by box_opacity, then the glyphs blend
 * towards text_y by their coverage. Chroma: inside the box, U and V move towards
 * neutral (128) by the larger of box_opacity and the glyph coverage of that 2x2
 * block, so the box is a grey tint and the glyphs are white, not coloured by the
 * picture beneath. Without a box (opacity 0), chroma changes only under glyphs. */
#ifndef HOINGHI_MIXER_TEXT_DRAW_H
#define HOINGHI_MIXER_TEXT_DRAW_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/text/text_renderer.h"

struct text_rect {
    int x, y, w, h;
};

struct text_style {
    uint8_t text_y;      /* luma of full coverage, e.g. 235 (white) */
    uint8_t box_opacity; /* 0: no box .. 255: opaque box */
    int box_padding;     /* pixels of box around the bitmap on each side */
    uint8_t box_y;       /* the luma the box blends toward; 0: black (16). A grey
                            above black keeps the box visible on black bars too */
};

/* The box drawn for a bitmap with its top-left at (x, y): the bitmap grown by the
 * padding, then out to even coordinates (whole chroma samples). */
struct text_rect text_box(const struct text_bitmap *bm, int x, int y,
                          const struct text_style *style);

/* Draws `bm` with its top-left at (x, y) onto `pic` (YUV420P), touching only pixels
 * inside `clip` (and the picture). An empty bitmap draws nothing, not even the box. */
void text_draw(AVFrame *pic, const struct text_bitmap *bm, int x, int y,
               const struct text_style *style, struct text_rect clip);

#endif
