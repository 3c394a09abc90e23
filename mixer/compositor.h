/* compositor.h - the continuous-presence picture: input pictures scaled into the
 * cells of a layout on one I420 canvas (libyuv).
 *
 * Inputs are slots 0..max_inputs-1, each holding its newest picture (an AVFrame in
 * YUV420P/YUVJ420P of any size; compositor_set_input() takes a reference, not a copy,
 * so the decoder can move on). Cells show slots: by default cell i shows slot i;
 * compositor_show() changes that (e.g. the active speaker into cell 0).
 *
 * compose() draws only what changed. The canvas persists between frames and tiles
 * are scaled straight into it (no per-tile cache: that would be a second copy of
 * every pixel). A cell is redrawn when its input has a new picture (or was cleared),
 * when it shows another slot, when the layout changed, or when an earlier cell that
 * it overlaps was redrawn; the bars around a letterboxed picture are painted only when
 * the picture's fitted rectangle moves. A cell whose input has nothing new costs
 * nothing. A late or stalled input never holds the canvas back: compose() uses
 * whatever newest picture each slot has.
 *
 * Fitting: letterbox/pillarbox (whole picture, black bars) by default; crop-to-fill
 * as an option per compositor. Scaling uses libyuv's kFilterBox: for the downscales
 * that dominate here (camera 720p into a 1/9 or 1/16 tile) box averaging avoids the
 * aliasing bilinear shows beyond 2:1, and libyuv falls back to bilinear when
 * upscaling anyway.
 *
 * Cells with no slot (-1) are black; a slot without a picture gets a dark grey
 * placeholder tile.
 *
 * Threads: not thread-safe. One conference tick (one thread at a time) calls all of
 * these; decoders for different inputs may run in parallel beforehand and hand their
 * pictures over in the tick. */
#ifndef HOINGHI_MIXER_COMPOSITOR_H
#define HOINGHI_MIXER_COMPOSITOR_H

#include <stddef.h>
#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/layout.h"

/* Canvas colours (BT.601 limited range). */
#define COMPOSITOR_BLACK_Y 16
#define COMPOSITOR_PLACEHOLDER_Y 48
#define COMPOSITOR_NEUTRAL_UV 128

enum compositor_fit {
    COMPOSITOR_FIT_LETTERBOX, /* whole picture, black bars */
    COMPOSITOR_FIT_CROP,      /* fill the cell, crop the overflow (centred) */
};

struct compositor_config {
    int width, height;        /* canvas, even; default 1280x720 */
    int fps;                  /* canvas rate, informational for the caller; default 30 */
    enum compositor_fit fit;  /* default letterbox */
    size_t max_inputs;        /* default 16 */
};

struct compositor_stats {
    uint64_t composed;        /* compose() calls */
    uint64_t tiles_scaled;    /* I420Scale calls */
    uint64_t tiles_filled;    /* placeholder / empty cells painted */
};

struct compositor;

void compositor_config_init(struct compositor_config *cfg);

/* NULL on bad config or allocation failure. Starts with the "1x1" layout. */
struct compositor *compositor_new(const struct compositor_config *cfg);
void compositor_free(struct compositor *c);

/* Switches layout at the next compose(). Cell assignments reset to cell i -> slot i.
 * Returns 0, or -1 if a cell lies outside the canvas. */
int compositor_set_layout(struct compositor *c, const struct layout *layout);

/* Shows `slot` (or -1: nothing) in `cell` from the next compose(). -1 on bad args. */
int compositor_show(struct compositor *c, size_t cell, int slot);

/* Gives slot `slot` its newest picture (referenced, not copied). Returns 0, or -1
 * for a bad slot, an unsupported pixel format or an empty picture. */
int compositor_set_input(struct compositor *c, size_t slot, const AVFrame *picture);

/* Drops slot `slot`'s picture: it shows the placeholder from the next compose(). */
void compositor_clear_input(struct compositor *c, size_t slot);

/* Draws what changed and returns the canvas (YUV420P, width x height, pts set to
 * `pts`), owned by the compositor and valid until the next compose() or _free().
 * Encoders may reference it; compose() copies the canvas first if a reference is
 * still held elsewhere. NULL only on allocation failure. */
const AVFrame *compositor_compose(struct compositor *c, int64_t pts);

const struct compositor_stats *compositor_stats(const struct compositor *c);

#endif
