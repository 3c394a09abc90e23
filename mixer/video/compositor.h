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
 * Cells with no slot (-1) are black; a slot without a picture, or whose video is
 * muted, gets a dark grey placeholder tile.
 *
 * Labels: each slot may have a name (UTF-8, e.g. "Sở Y tế Bình Thuận"), drawn with
 * FreeType (text_renderer.h) at the bottom-left of the tile the slot is shown in,
 * white on a semi-transparent dark box, about 1/16 of the tile height (at least 10
 * px), cut with "…" to the tile's width; moved up above any later cell that covers
 * that corner (speaker thumbnails). A placeholder tile shows the name centred in
 * larger text (1/8 of the tile height, at least 12 px). Labels are drawn only when
 * their cell is redrawn (a label change redraws the cell) and rendered text is
 * cached, so an unchanged label costs nothing per frame. Without the font (missing
 * file) mixing goes on without labels and stats.label_font_missing says so.
 *
 * Threads: not thread-safe. One conference tick (one thread at a time) calls all of
 * these; decoders for different inputs may run in parallel beforehand and hand their
 * pictures over in the tick. */
#ifndef HOINGHI_MIXER_COMPOSITOR_H
#define HOINGHI_MIXER_COMPOSITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/video/layout.h"

/* Canvas colours (BT.601 limited range). */
#define COMPOSITOR_BLACK_Y           16
#define COMPOSITOR_PLACEHOLDER_Y     48
#define COMPOSITOR_NEUTRAL_UV        128
#define COMPOSITOR_LABEL_Y           235 /* label text on video tiles */
#define COMPOSITOR_LABEL_BOX_OPACITY 200 /* how much the box behind it covers, of 255 */
#define COMPOSITOR_LABEL_BOX_Y \
    52                                    /* the box's grey: lighter than the black bars,
                                             so the whole label sits on one box whether
                                             it lies on the picture or on a bar */
#define COMPOSITOR_PLACEHOLDER_TEXT_Y 200 /* the name on a placeholder tile */

enum compositor_fit {
    COMPOSITOR_FIT_LETTERBOX, /* whole picture, black bars */
    COMPOSITOR_FIT_CROP,      /* fill the cell, crop the overflow (centred) */
};

struct compositor_config {
    int width, height;       /* canvas, even; default 1280x720 */
    int fps;                 /* canvas rate, informational for the caller; default 30 */
    enum compositor_fit fit; /* default letterbox */
    size_t max_inputs;       /* default 16 */
    bool labels;             /* draw name labels; default true */
    const char *font_path;   /* label font, read only by compositor_new(); default NULL:
                                 TEXT_RENDERER_DEFAULT_FONT (DejaVu Sans) */
};

struct compositor_stats {
    uint64_t composed;      /* compose() calls */
    uint64_t tiles_scaled;  /* I420Scale calls */
    uint64_t tiles_filled;  /* placeholder / empty cells painted */
    uint64_t labels_drawn;  /* labels blended onto tiles (video or placeholder) */
    uint64_t label_renders; /* label texts rasterised by FreeType (cache misses) */
    uint64_t label_cache_hits;
    uint64_t label_font_missing; /* 1: labels are on but the font could not be loaded */
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

/* Names slot `slot` (UTF-8, copied; invalid bytes show as U+FFFD); NULL or "" clears
 * the label. Its cell is redrawn at the next compose() if the name changed. Returns
 * 0, or -1 for a bad slot or allocation failure (the old name is kept then). */
int compositor_set_label(struct compositor *c, size_t slot, const char *utf8);

/* Muted video: the slot shows its placeholder (with its name) while `muted`, and its
 * newest picture again when unmuted. -1 for a bad slot. */
int compositor_set_video_muted(struct compositor *c, size_t slot, bool muted);

/* Draws what changed and returns the canvas (YUV420P, width x height, pts set to
 * `pts`), owned by the compositor and valid until the next compose() or _free().
 * Encoders may reference it; compose() copies the canvas first if a reference is
 * still held elsewhere. NULL only on allocation failure. */
const AVFrame *compositor_compose(struct compositor *c, int64_t pts);

const struct compositor_stats *compositor_stats(const struct compositor *c);

#endif
