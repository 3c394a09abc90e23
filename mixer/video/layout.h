/* layout.h - where the tiles of a continuous-presence picture go. A layout is a list
 * of cells in canvas pixels (even coordinates and sizes, as I420 needs), drawn in
 * order (a later cell is drawn over an earlier one where they overlap). Cell 0 is
 * the prominent one in the asymmetric layouts; which input shows in which cell is
 * the compositor's business (compositor_show()).
 *
 * Built-in layouts (by name):
 *   "1x1" .. "5x5"       equal grid
 *   "1+5"   one 2/3-size tile top left, 5 of 1/3 along the right and bottom
 *   "1+7"   one 3/4-size tile top left, 7 of 1/4 along the right and bottom
 *   "speaker"    one full-frame cell (put the active speaker in it)
 *   "speaker+N"  the same plus a strip of N (1..8) thumbnails over its bottom edge
 *   "presentation"  a presentation (screen share): cell 0 is the full width and the
 *                   top 5/6 of the height (the content, letterboxed by the compositor so
 *                   its aspect is kept), cells 1..6 a strip of 1/6 x 1/6 tiles (16:9 on
 *                   a 16:9 canvas) along the bottom, side by side, not over the content
 * Custom layouts come from JSON: {"cells":[{"x":0,"y":0,"w":0.5,"h":1}, ...]} with
 * each value a fraction of the canvas (0 <= x, y < 1; 0 < w, h; x + w <= 1 and
 * y + h <= 1), 1..LAYOUT_MAX_CELLS cells. Pure data: no allocation. */
#ifndef HOINGHI_MIXER_LAYOUT_H
#define HOINGHI_MIXER_LAYOUT_H

#include <stddef.h>

#define LAYOUT_MAX_CELLS      32
#define LAYOUT_MAX_THUMBNAILS 8

#define LAYOUT_STRINGIFY_(x) #x
#define LAYOUT_STRINGIFY(x)  LAYOUT_STRINGIFY_(x)
/* The built-in names, for messages (the one place they are listed for people). */
#define LAYOUT_NAMES_TEXT                                                                   \
    "1x1, 2x2, 3x3, 4x4, 5x5, 1+5, 1+7, speaker, speaker+N (N from 1 to " LAYOUT_STRINGIFY( \
        LAYOUT_MAX_THUMBNAILS) "), presentation"

struct layout_cell {
    int x, y, w, h; /* canvas pixels, all even, w and h >= 2 */
};

struct layout {
    size_t count;
    struct layout_cell cells[LAYOUT_MAX_CELLS];
};

/* Builds a built-in layout by name for a canvas of width x height (even, >= 16).
 * Returns 0, or -1 for an unknown name or a bad canvas size. */
int layout_from_name(const char *name, int width, int height, struct layout *out);

/* Builds a layout from fractions: cell i covers [fx, fx+fw) x [fy, fy+fh) of the
 * canvas, snapped to even pixels so that neighbouring cells share their edges. */
int layout_from_fractions(const double (*fractions)[4], size_t count, int width, int height,
                          struct layout *out);

/* Parses a custom JSON layout. On error returns -1 and writes a one-line reason
 * naming the offending cell and field into err (if errlen > 0). */
int layout_from_json(const char *json, int width, int height, struct layout *out, char *err,
                     size_t errlen);

#endif
