/* compositor.c - layout cells on an I420 canvas, redrawing only what changed.
 * See compositor.h for the rules. */
#include "mixer/video/compositor.h"

#include <libyuv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/text/text_draw.h"
#include "mixer/text/text_renderer.h"

struct rect {
    int x, y, w, h;
};

struct input_slot {
    AVFrame *picture;    /* newest picture; no buffer if none */
    uint64_t generation; /* bumped on every set/clear and label/mute change */
    char *label;         /* name, NULL if none */
    bool video_muted;
};

struct cell_state {
    bool valid;          /* drawn since the last layout change */
    int slot;            /* slot it was drawn from */
    uint64_t generation; /* that slot's generation when drawn */
    struct rect fitted;  /* where the picture went (letterbox); zero if none */
};

struct compositor {
    struct compositor_config cfg;
    AVFrame *canvas;
    struct input_slot *inputs;
    struct layout layout;
    int assign[LAYOUT_MAX_CELLS]; /* cell -> slot or -1 */
    struct cell_state cells[LAYOUT_MAX_CELLS];
    bool full_redraw;           /* layout changed since last compose */
    struct text_renderer *text; /* NULL: labels off or no font */
    struct compositor_stats stats;
};

void compositor_config_init(struct compositor_config *cfg)
{
    cfg->width = 1280;
    cfg->height = 720;
    cfg->fps = 30;
    cfg->fit = COMPOSITOR_FIT_LETTERBOX;
    cfg->max_inputs = 16;
    cfg->labels = true;
    cfg->font_path = NULL;
}

struct compositor *compositor_new(const struct compositor_config *cfg)
{
    if (!cfg || cfg->width < 16 || cfg->height < 16 || cfg->width % 2 || cfg->height % 2 ||
        cfg->max_inputs == 0 || cfg->fps <= 0)
        return NULL;
    struct compositor *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cfg = *cfg;
    c->cfg.font_path = NULL; /* not kept: the caller's string */
    c->inputs = calloc(cfg->max_inputs, sizeof *c->inputs);
    c->canvas = av_frame_alloc();
    if (!c->inputs || !c->canvas) goto fail;
    for (size_t i = 0; i < cfg->max_inputs; i++)
        if (!(c->inputs[i].picture = av_frame_alloc())) goto fail;
    c->canvas->format = AV_PIX_FMT_YUV420P;
    c->canvas->width = cfg->width;
    c->canvas->height = cfg->height;
    if (av_frame_get_buffer(c->canvas, 32) < 0) goto fail;
    if (cfg->labels) {
        struct text_renderer_config tc;
        text_renderer_config_init(&tc);
        if (cfg->font_path) tc.font_path = cfg->font_path;
        c->text = text_renderer_new(&tc);
        if (!c->text) c->stats.label_font_missing = 1; /* mixing goes on without labels */
    }
    struct layout one;
    if (layout_from_name("1x1", cfg->width, cfg->height, &one) < 0 ||
        compositor_set_layout(c, &one) < 0)
        goto fail;
    return c;
fail:
    compositor_free(c);
    return NULL;
}

void compositor_free(struct compositor *c)
{
    if (!c) return;
    if (c->inputs)
        for (size_t i = 0; i < c->cfg.max_inputs; i++) {
            av_frame_free(&c->inputs[i].picture);
            free(c->inputs[i].label);
        }
    free(c->inputs);
    text_renderer_free(c->text);
    av_frame_free(&c->canvas);
    free(c);
}

int compositor_set_layout(struct compositor *c, const struct layout *layout)
{
    if (!layout || layout->count == 0 || layout->count > LAYOUT_MAX_CELLS) return -1;
    for (size_t i = 0; i < layout->count; i++) {
        const struct layout_cell *r = &layout->cells[i];
        if (r->x < 0 || r->y < 0 || r->w < 2 || r->h < 2 || r->x % 2 || r->y % 2 || r->w % 2 ||
            r->h % 2 || r->x + r->w > c->cfg.width || r->y + r->h > c->cfg.height)
            return -1;
    }
    c->layout = *layout;
    for (size_t i = 0; i < LAYOUT_MAX_CELLS; i++) {
        c->assign[i] = i < c->cfg.max_inputs ? (int)i : -1;
        c->cells[i].valid = false;
    }
    c->full_redraw = true;
    return 0;
}

int compositor_show(struct compositor *c, size_t cell, int slot)
{
    if (cell >= LAYOUT_MAX_CELLS || slot < -1 || (slot >= 0 && (size_t)slot >= c->cfg.max_inputs))
        return -1;
    c->assign[cell] = slot;
    return 0;
}

int compositor_set_input(struct compositor *c, size_t slot, const AVFrame *picture)
{
    if (slot >= c->cfg.max_inputs || !picture || picture->width < 2 || picture->height < 2 ||
        (picture->format != AV_PIX_FMT_YUV420P && picture->format != AV_PIX_FMT_YUVJ420P) ||
        !picture->data[0] || picture->linesize[0] <= 0)
        return -1;
    struct input_slot *in = &c->inputs[slot];
    av_frame_unref(in->picture);
    in->generation++;
    return av_frame_ref(in->picture, picture) < 0 ? -1 : 0;
}

void compositor_clear_input(struct compositor *c, size_t slot)
{
    if (slot >= c->cfg.max_inputs) return;
    av_frame_unref(c->inputs[slot].picture);
    c->inputs[slot].generation++;
}

int compositor_set_label(struct compositor *c, size_t slot, const char *utf8)
{
    if (slot >= c->cfg.max_inputs) return -1;
    struct input_slot *in = &c->inputs[slot];
    if (utf8 && !*utf8) utf8 = NULL;
    if ((!utf8 && !in->label) || (utf8 && in->label && !strcmp(utf8, in->label))) return 0;
    char *copy = NULL;
    if (utf8 && !(copy = strdup(utf8))) return -1;
    free(in->label);
    in->label = copy;
    in->generation++;
    return 0;
}

int compositor_set_video_muted(struct compositor *c, size_t slot, bool muted)
{
    if (slot >= c->cfg.max_inputs) return -1;
    if (c->inputs[slot].video_muted != muted) {
        c->inputs[slot].video_muted = muted;
        c->inputs[slot].generation++;
    }
    return 0;
}

static void fill(struct compositor *c, struct rect r, uint8_t y)
{
    AVFrame *f = c->canvas;
    I420Rect(f->data[0], f->linesize[0], f->data[1], f->linesize[1], f->data[2], f->linesize[2],
             r.x, r.y, r.w, r.h, y, COMPOSITOR_NEUTRAL_UV, COMPOSITOR_NEUTRAL_UV);
}

static int clamp_even(int64_t v, int lo, int hi)
{
    v &= ~(int64_t)1;
    return v < lo ? lo : v > hi ? hi : (int)v;
}

/* Where a pw x ph picture goes in `cell` (letterbox) and which part of it (crop). */
static void fit(enum compositor_fit mode, int pw, int ph, struct rect cell, struct rect *src,
                struct rect *dst)
{
    bool wider = (int64_t)pw * cell.h > (int64_t)ph * cell.w;
    *src = (struct rect){0, 0, pw, ph};
    *dst = cell;
    if (mode == COMPOSITOR_FIT_LETTERBOX) {
        if (wider)
            dst->h = clamp_even(((int64_t)cell.w * ph + pw / 2) / pw, 2, cell.h);
        else
            dst->w = clamp_even(((int64_t)cell.h * pw + ph / 2) / ph, 2, cell.w);
        dst->x = cell.x + (((cell.w - dst->w) / 2) & ~1);
        dst->y = cell.y + (((cell.h - dst->h) / 2) & ~1);
    } else {
        if (wider)
            src->w = clamp_even((int64_t)ph * cell.w / cell.h, 2, pw);
        else
            src->h = clamp_even((int64_t)pw * cell.h / cell.w, 2, ph);
        src->x = ((pw - src->w) / 2) & ~1;
        src->y = ((ph - src->h) / 2) & ~1;
    }
}

static bool same_rect(struct rect a, struct rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

static bool overlap(const struct layout_cell *a, const struct layout_cell *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static int max_int(int a, int b) { return a > b ? a : b; }

/* The name centred on a placeholder tile, in larger, grey-white text, no box. */
static void draw_placeholder_label(struct compositor *c, struct rect cell, const char *label)
{
    int size = max_int(12, cell.h / 8), margin = size / 2;
    const struct text_bitmap *bm = text_renderer_render(c->text, label, size, cell.w - 2 * margin);
    if (!bm || bm->width == 0 || bm->height > cell.h) return;
    struct text_style style = {COMPOSITOR_PLACEHOLDER_TEXT_Y, 0, 0, 0};
    text_draw(c->canvas, bm, cell.x + (cell.w - bm->width) / 2, cell.y + (cell.h - bm->height) / 2,
              &style, (struct text_rect){cell.x, cell.y, cell.w, cell.h});
    c->stats.labels_drawn++;
}

/* The name at the bottom-left of cell i's tile, on a dark box; lifted above later
 * cells that would cover it (thumbnails over a speaker's tile). */
static void draw_tile_label(struct compositor *c, size_t i, struct rect cell, const char *label)
{
    int size = max_int(10, cell.h / 16), margin = size / 2, pad = max_int(2, size / 4);
    const struct text_bitmap *bm =
        text_renderer_render(c->text, label, size, cell.w - 2 * margin - 2 * pad);
    if (!bm || bm->width == 0) return;
    struct text_style style = {COMPOSITOR_LABEL_Y, COMPOSITOR_LABEL_BOX_OPACITY, pad,
                               COMPOSITOR_LABEL_BOX_Y};
    int x = cell.x + margin + pad, bottom = cell.y + cell.h - margin - pad;
    for (bool moved = true; moved;) {
        moved = false;
        struct text_rect box = text_box(bm, x, bottom - bm->height, &style);
        struct layout_cell b = {box.x, box.y, box.w, box.h};
        for (size_t j = i + 1; j < c->layout.count; j++) {
            const struct layout_cell *later = &c->layout.cells[j];
            if (overlap(later, &b) && later->y - margin - pad < bottom) {
                bottom = later->y - margin - pad;
                moved = true;
            }
        }
    }
    if (bottom - bm->height - pad < cell.y) return; /* no room left in the tile */
    text_draw(c->canvas, bm, x, bottom - bm->height, &style,
              (struct text_rect){cell.x, cell.y, cell.w, cell.h});
    c->stats.labels_drawn++;
}

static void draw_cell(struct compositor *c, size_t i, bool repaint_all)
{
    const struct layout_cell *lc = &c->layout.cells[i];
    struct rect cell = {lc->x, lc->y, lc->w, lc->h};
    struct cell_state *st = &c->cells[i];
    int slot = c->assign[i];
    const struct input_slot *in = slot >= 0 ? &c->inputs[slot] : NULL;
    const AVFrame *pic = in && !in->video_muted ? in->picture : NULL;
    const char *label = in && c->text ? in->label : NULL;

    if (!pic || !pic->buf[0]) {
        fill(c, cell, slot < 0 ? COMPOSITOR_BLACK_Y : COMPOSITOR_PLACEHOLDER_Y);
        st->fitted = (struct rect){0, 0, 0, 0};
        c->stats.tiles_filled++;
        if (label) draw_placeholder_label(c, cell, label);
        return;
    }
    struct rect src, dst;
    fit(c->cfg.fit, pic->width, pic->height, cell, &src, &dst);
    /* A label may lie on the bars: they are repainted under it every time. */
    if ((repaint_all || label || !same_rect(dst, st->fitted)) && !same_rect(dst, cell))
        fill(c, cell, COMPOSITOR_BLACK_Y);
    st->fitted = dst;

    AVFrame *out = c->canvas;
    I420Scale(
        pic->data[0] + (ptrdiff_t)src.y * pic->linesize[0] + src.x, pic->linesize[0],
        pic->data[1] + (ptrdiff_t)(src.y / 2) * pic->linesize[1] + src.x / 2, pic->linesize[1],
        pic->data[2] + (ptrdiff_t)(src.y / 2) * pic->linesize[2] + src.x / 2, pic->linesize[2],
        src.w, src.h, out->data[0] + (ptrdiff_t)dst.y * out->linesize[0] + dst.x, out->linesize[0],
        out->data[1] + (ptrdiff_t)(dst.y / 2) * out->linesize[1] + dst.x / 2, out->linesize[1],
        out->data[2] + (ptrdiff_t)(dst.y / 2) * out->linesize[2] + dst.x / 2, out->linesize[2],
        dst.w, dst.h, kFilterBox);
    c->stats.tiles_scaled++;
    if (label) draw_tile_label(c, i, cell, label);
}

const AVFrame *compositor_compose(struct compositor *c, int64_t pts)
{
    if (av_frame_make_writable(c->canvas) < 0) return NULL;
    if (c->full_redraw) {
        fill(c, (struct rect){0, 0, c->cfg.width, c->cfg.height}, COMPOSITOR_BLACK_Y);
        c->full_redraw = false;
    }
    bool redrawn[LAYOUT_MAX_CELLS] = {false};
    for (size_t i = 0; i < c->layout.count; i++) {
        struct cell_state *st = &c->cells[i];
        int slot = c->assign[i];
        uint64_t generation = slot >= 0 ? c->inputs[slot].generation : 0;
        bool repaint_all = !st->valid || st->slot != slot;
        for (size_t j = 0; j < i && !repaint_all; j++)
            if (redrawn[j] && overlap(&c->layout.cells[j], &c->layout.cells[i])) repaint_all = true;
        if (!repaint_all && generation == st->generation) continue;
        draw_cell(c, i, repaint_all);
        st->valid = true;
        st->slot = slot;
        st->generation = generation;
        redrawn[i] = true;
    }
    if (c->text) {
        c->stats.label_renders = text_renderer_stats(c->text)->renders;
        c->stats.label_cache_hits = text_renderer_stats(c->text)->cache_hits;
    }
    c->canvas->pts = pts;
    c->stats.composed++;
    return c->canvas;
}

const struct compositor_stats *compositor_stats(const struct compositor *c) { return &c->stats; }
