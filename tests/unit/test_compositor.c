/* test_compositor.c - layouts and the I420 compositor (mixer/video/layout.c,
 * mixer/video/compositor.c): each input's colour lands in its cell, placeholder, letterbox,
 * crop, layout switch timing, custom JSON layouts, no needless re-scaling; name
 * labels (where they go, placeholder names, muted video, labels off, missing font,
 * no re-rendering per frame). Saves tests/out/labels.png, a 2x2 canvas with
 * Vietnamese names, for a person to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libavcodec/avcodec.h>
#include <libyuv.h>

#include "mixer/video/compositor.h"
#include "mixer/video/layout.h"
#include "tests/unit/media_synth.h"

#define W 1280
#define H 720

/* Distinct for slots 0..24 (a 5x5 grid), every channel within 0..255. */
static uint8_t colour_y(int slot) { return (uint8_t)(40 + 8 * slot); }
static uint8_t colour_u(int slot) { return (uint8_t)(30 + 8 * slot); }
static uint8_t colour_v(int slot) { return (uint8_t)(230 - 8 * slot); }

static struct compositor *new_compositor(enum compositor_fit fit)
{
    struct compositor_config cfg;
    compositor_config_init(&cfg);
    assert_int_equal(cfg.width, W);
    assert_int_equal(cfg.height, H);
    cfg.fit = fit;
    cfg.max_inputs = 25; /* a 5x5 grid */
    struct compositor *c = compositor_new(&cfg);
    assert_non_null(c);
    return c;
}

static void give_colour(struct compositor *c, int slot, int w, int h)
{
    AVFrame *pic = synth_picture(w, h, colour_y(slot), colour_u(slot), colour_v(slot));
    assert_non_null(pic);
    assert_int_equal(compositor_set_input(c, (size_t)slot, pic), 0);
    av_frame_free(&pic); /* the compositor holds its own reference */
}

/* Asserts the 8x8 block around (x, y) has the given colour (within 2 levels). */
static void expect_colour_at(const AVFrame *f, int x, int y, uint8_t cy, uint8_t cu, uint8_t cv)
{
    double my = synth_mean(f, 0, x - 4, y - 4, 8, 8);
    double mu = synth_mean(f, 1, x - 4, y - 4, 8, 8);
    double mv = synth_mean(f, 2, x - 4, y - 4, 8, 8);
    if (abs((int)my - cy) > 2 || abs((int)mu - cu) > 2 || abs((int)mv - cv) > 2)
        fail_msg("at (%d,%d): got Y%.1f U%.1f V%.1f, want Y%d U%d V%d", x, y, my, mu, mv, cy, cu,
                 cv);
}

static void expect_slot_at(const AVFrame *f, int x, int y, int slot)
{
    expect_colour_at(f, x, y, colour_y(slot), colour_u(slot), colour_v(slot));
}

static void expect_cell_centre(const AVFrame *f, const struct layout_cell *cell, int slot)
{
    expect_slot_at(f, cell->x + cell->w / 2, cell->y + cell->h / 2, slot);
}

static void test_every_layout_places_every_input(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t cells;
    } cases[] = {{"1x1", 1},       {"2x2", 4},       {"3x3", 9},         {"4x4", 16},
                 {"5x5", 25},      {"1+5", 6},       {"1+7", 8},         {"speaker", 1},
                 {"speaker+4", 5}, {"speaker+8", 9}, {"presentation", 7}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
        struct layout l;
        assert_int_equal(layout_from_name(cases[k].name, W, H, &l), 0);
        assert_int_equal(l.count, cases[k].cells);
        for (size_t i = 0; i < l.count; i++) {
            const struct layout_cell *cell = &l.cells[i];
            assert_true(cell->x % 2 == 0 && cell->y % 2 == 0 && cell->w % 2 == 0 &&
                        cell->h % 2 == 0);
            assert_true(cell->x + cell->w <= W && cell->y + cell->h <= H);
        }
        assert_int_equal(compositor_set_layout(c, &l), 0);
        for (int s = 0; s < (int)l.count; s++) give_colour(c, s, 640, 360);
        const AVFrame *f = compositor_compose(c, 0);
        assert_non_null(f);
        assert_int_equal(f->width, W);
        assert_int_equal(f->height, H);
        assert_int_equal(f->format, AV_PIX_FMT_YUV420P);
        for (size_t i = 0; i < l.count; i++) expect_cell_centre(f, &l.cells[i], (int)i);
        compositor_free(c);
    }
}

static void test_grid_cells_tile_the_canvas(void **state)
{
    (void)state;
    struct layout l;
    assert_int_equal(layout_from_name("3x3", W, H, &l), 0);
    long area = 0;
    for (size_t i = 0; i < l.count; i++) area += (long)l.cells[i].w * l.cells[i].h;
    assert_int_equal(area, (long)W * H);
    assert_int_equal(layout_from_name("6x6", W, H, &l), -1);
    assert_int_equal(layout_from_name("speaker+9", W, H, &l), -1);
    assert_int_equal(layout_from_name("speaker+", W, H, &l), -1);
    assert_int_equal(layout_from_name("2x2", 15, H, &l), -1);
}

/* The presentation layout: the content over the full width and 5/6 of the height, a
 * strip of six 16:9 tiles below it, none overlapping; a 16:9 content keeps its aspect
 * (letterboxed left and right, nothing cut). */
static void test_presentation_layout(void **state)
{
    (void)state;
    struct layout l;
    assert_int_equal(layout_from_name("presentation", W, H, &l), 0);
    assert_int_equal(l.count, 7);
    assert_int_equal(l.cells[0].x, 0);
    assert_int_equal(l.cells[0].y, 0);
    assert_int_equal(l.cells[0].w, W);
    assert_true(abs(l.cells[0].h - H * 5 / 6) <= 2);
    for (size_t i = 1; i < l.count; i++) {
        assert_int_equal(l.cells[i].y, l.cells[0].h); /* below the content, not over it */
        assert_true(l.cells[i].y + l.cells[i].h <= H);
        assert_true(abs(l.cells[i].w * 9 - l.cells[i].h * 16) <= 16 * 2); /* 16:9 */
        if (i > 1) assert_int_equal(l.cells[i].x, l.cells[i - 1].x + l.cells[i - 1].w);
    }
    struct compositor *c = new_compositor(COMPOSITOR_FIT_LETTERBOX);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    give_colour(c, 0, 640, 360);
    const AVFrame *f = compositor_compose(c, 0);
    assert_non_null(f);
    int content_w = l.cells[0].h * 16 / 9, bar = (W - content_w) / 2;
    expect_slot_at(f, W / 2, l.cells[0].h / 2, 0);
    expect_slot_at(f, bar + 8, l.cells[0].h / 2, 0);     /* aspect kept: its left edge */
    expect_slot_at(f, W - bar - 8, l.cells[0].h / 2, 0); /* ... and its right edge */
    expect_colour_at(f, bar / 2, l.cells[0].h / 2, COMPOSITOR_BLACK_Y, 128, 128); /* the bars */
    compositor_free(c);
}

static void test_placeholder_and_empty_cells(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_LETTERBOX);
    struct layout l;
    assert_int_equal(layout_from_name("2x2", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    give_colour(c, 0, 640, 360);
    give_colour(c, 2, 640, 360);
    assert_int_equal(compositor_show(c, 3, -1), 0);
    const AVFrame *f = compositor_compose(c, 0);
    expect_cell_centre(f, &l.cells[0], 0);
    expect_colour_at(f, l.cells[1].x + 320, l.cells[1].y + 180, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    expect_cell_centre(f, &l.cells[2], 2);
    expect_colour_at(f, l.cells[3].x + 320, l.cells[3].y + 180, COMPOSITOR_BLACK_Y, 128, 128);
    /* An input that loses its video falls back to the placeholder. */
    compositor_clear_input(c, 0);
    f = compositor_compose(c, 1);
    expect_colour_at(f, 320, 180, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    compositor_free(c);
}

static void test_portrait_is_letterboxed(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_LETTERBOX);
    /* First a landscape picture fills the canvas, then the phone turns: the bars of
     * the portrait picture must be black, not what was there before. */
    give_colour(c, 0, 1280, 720);
    const AVFrame *f = compositor_compose(c, 0);
    expect_slot_at(f, 100, 360, 0);
    give_colour(c, 0, 360, 640);
    f = compositor_compose(c, 1);
    /* 360x640 into 1280x720: 404 (even of 405) wide, centred. */
    expect_slot_at(f, 640, 360, 0);
    expect_slot_at(f, 640, 10, 0);
    expect_colour_at(f, 100, 360, COMPOSITOR_BLACK_Y, 128, 128);
    expect_colour_at(f, 1180, 360, COMPOSITOR_BLACK_Y, 128, 128);
    expect_colour_at(f, 430, 360, COMPOSITOR_BLACK_Y, 128, 128);
    expect_slot_at(f, 450, 360, 0);
    compositor_free(c);
}

static void test_crop_fills_the_cell(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
    /* Portrait picture with a red-ish middle band and blue-ish top/bottom: crop keeps
     * the middle 202 rows (360 * 720 / 1280), scaled to the whole canvas. */
    AVFrame *pic = synth_picture(360, 640, colour_y(5), colour_u(5), colour_v(5));
    assert_non_null(pic);
    synth_fill(pic, 0, 270, 360, 100, colour_y(1), colour_u(1), colour_v(1));
    assert_int_equal(compositor_set_input(c, 0, pic), 0);
    av_frame_free(&pic);
    const AVFrame *f = compositor_compose(c, 0);
    expect_slot_at(f, 8, 360, 1);
    expect_slot_at(f, 1270, 360, 1);
    expect_slot_at(f, 640, 360, 1);
    expect_slot_at(f, 640, 20, 5);
    expect_slot_at(f, 8, 700, 5);
    compositor_free(c);
}

static void test_layout_switch_takes_effect_on_next_frame(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_LETTERBOX);
    for (int s = 0; s < 4; s++) give_colour(c, s, 640, 360);
    const AVFrame *f = compositor_compose(c, 0);
    expect_slot_at(f, 960, 180, 0); /* 1x1: slot 0 everywhere */
    struct layout l;
    assert_int_equal(layout_from_name("2x2", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    f = compositor_compose(c, 1);
    assert_int_equal(f->pts, 1);
    expect_slot_at(f, 320, 180, 0);
    expect_slot_at(f, 960, 180, 1);
    expect_slot_at(f, 320, 540, 2);
    expect_slot_at(f, 960, 540, 3);
    /* Re-assigning a cell (speaker into cell 0) also applies on the next frame. */
    assert_int_equal(compositor_show(c, 0, 3), 0);
    f = compositor_compose(c, 2);
    expect_slot_at(f, 320, 180, 3);
    /* Back to fewer cells: the rest of the canvas is cleared. */
    assert_int_equal(layout_from_name("speaker+2", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    f = compositor_compose(c, 3);
    expect_slot_at(f, 100, 100, 0);
    expect_cell_centre(f, &l.cells[1], 1);
    expect_cell_centre(f, &l.cells[2], 2);
    compositor_free(c);
}

static void test_custom_json_layout(void **state)
{
    (void)state;
    struct layout l;
    char err[200];
    const char *ok = "{\"cells\":[{\"x\":0,\"y\":0,\"w\":0.5,\"h\":1},"
                     "{\"x\":0.5,\"y\":0,\"w\":0.5,\"h\":0.5},"
                     "{\"x\":0.5,\"y\":0.5,\"w\":0.5,\"h\":0.5}]}";
    assert_int_equal(layout_from_json(ok, W, H, &l, err, sizeof err), 0);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.cells[0].w, 640);
    assert_int_equal(l.cells[0].h, 720);
    assert_int_equal(l.cells[2].x, 640);
    assert_int_equal(l.cells[2].y, 360);

    struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    for (int s = 0; s < 3; s++) give_colour(c, s, 640, 360);
    const AVFrame *f = compositor_compose(c, 0);
    for (size_t i = 0; i < 3; i++) expect_cell_centre(f, &l.cells[i], (int)i);
    compositor_free(c);

    static const struct {
        const char *json;
        const char *reason;
    } bad[] = {
        {"{\"cells\":[{\"x\":0,\"y\":0,\"w\":0.5,\"h\":1}", "syntax"},
        {"[]", "\"cells\""},
        {"{\"cells\":[]}", "1 to"},
        {"{\"cells\":[5]}", "cells[0]"},
        {"{\"cells\":[{\"x\":0,\"y\":0,\"w\":0.5}]}", "cells[0].h"},
        {"{\"cells\":[{\"x\":0,\"y\":0,\"w\":1,\"h\":1},{\"x\":0,\"y\":0,\"w\":-0.5,\"h\":1}]}",
         "cells[1].w"},
        {"{\"cells\":[{\"x\":0.75,\"y\":0,\"w\":0.5,\"h\":1}]}", "beyond"},
        {"{\"cells\":[{\"x\":\"0\",\"y\":0,\"w\":0.5,\"h\":1}]}", "cells[0].x"},
        {"{\"cells\":[{\"x\":0,\"y\":0,\"w\":0.0001,\"h\":1}]}", "smaller"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(layout_from_json(bad[i].json, W, H, &l, err, sizeof err), -1);
        if (!strstr(err, bad[i].reason))
            fail_msg("case %zu: error \"%s\" does not mention \"%s\"", i, err, bad[i].reason);
    }
    char many[4096] = "{\"cells\":[";
    for (int i = 0; i < LAYOUT_MAX_CELLS + 1; i++)
        strcat(many,
               i ? ",{\"x\":0,\"y\":0,\"w\":1,\"h\":1}" : "{\"x\":0,\"y\":0,\"w\":1,\"h\":1}");
    strcat(many, "]}");
    assert_int_equal(layout_from_json(many, W, H, &l, err, sizeof err), -1);
}

static void test_tiles_rescaled_only_when_needed(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_LETTERBOX);
    struct layout l;
    assert_int_equal(layout_from_name("2x2", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    for (int s = 0; s < 4; s++) give_colour(c, s, 640, 480);
    const struct compositor_stats *st = compositor_stats(c);
    compositor_compose(c, 0);
    assert_int_equal(st->tiles_scaled, 4);
    /* No new pictures: nothing is scaled. */
    compositor_compose(c, 1);
    compositor_compose(c, 2);
    assert_int_equal(st->tiles_scaled, 4);
    /* One input has a new picture: one tile. */
    give_colour(c, 2, 640, 480);
    const AVFrame *f = compositor_compose(c, 3);
    assert_int_equal(st->tiles_scaled, 5);
    for (size_t i = 0; i < 4; i++) expect_cell_centre(f, &l.cells[i], (int)i);
    /* A re-assigned cell: one tile. A layout change: all tiles. */
    compositor_show(c, 1, 0);
    compositor_compose(c, 4);
    assert_int_equal(st->tiles_scaled, 6);
    compositor_set_layout(c, &l);
    compositor_compose(c, 5);
    assert_int_equal(st->tiles_scaled, 10);
    assert_int_equal(st->composed, 6);
    compositor_free(c);
}

static void test_overlapping_thumbnails_survive_big_tile_update(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
    struct layout l;
    assert_int_equal(layout_from_name("speaker+3", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    for (int s = 0; s < 4; s++) give_colour(c, s, 640, 360);
    compositor_compose(c, 0);
    uint64_t before = compositor_stats(c)->tiles_scaled;
    give_colour(c, 0, 640, 360); /* only the speaker has a new picture */
    const AVFrame *f = compositor_compose(c, 1);
    for (size_t i = 0; i < l.count; i++) expect_cell_centre(f, &l.cells[i], (int)i);
    assert_int_equal(compositor_stats(c)->tiles_scaled - before, 4); /* big + 3 on top */
    compositor_free(c);
}

static void test_odd_sizes_and_bad_input(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
    give_colour(c, 0, 641, 361);
    expect_slot_at(compositor_compose(c, 0), 640, 360, 0);
    AVFrame *pic = av_frame_alloc();
    pic->format = AV_PIX_FMT_YUV444P;
    pic->width = 64;
    pic->height = 64;
    assert_int_equal(av_frame_get_buffer(pic, 32), 0);
    assert_int_equal(compositor_set_input(c, 1, pic), -1);
    pic->format = AV_PIX_FMT_YUV420P;
    assert_int_equal(compositor_set_input(c, 25, pic), -1);
    av_frame_free(&pic);
    struct layout l = {.count = 1, .cells = {{0, 0, W + 2, H}}};
    assert_int_equal(compositor_set_layout(c, &l), -1);
    struct compositor_config cfg;
    compositor_config_init(&cfg);
    cfg.width = 1279;
    assert_null(compositor_new(&cfg));
    compositor_free(c);
}

/* An encoder (or anyone) still holding the canvas does not see it change. */
static void test_referenced_canvas_is_not_overwritten(void **state)
{
    (void)state;
    struct compositor *c = new_compositor(COMPOSITOR_FIT_CROP);
    give_colour(c, 0, 320, 180);
    AVFrame *held = av_frame_alloc();
    assert_int_equal(av_frame_ref(held, compositor_compose(c, 0)), 0);
    give_colour(c, 0 + 0, 320, 180);
    AVFrame *pic = synth_picture(320, 180, colour_y(7), colour_u(7), colour_v(7));
    compositor_set_input(c, 0, pic);
    av_frame_free(&pic);
    const AVFrame *f = compositor_compose(c, 1);
    expect_slot_at(f, 640, 360, 7);
    expect_slot_at(held, 640, 360, 0);
    av_frame_free(&held);
    compositor_free(c);
}

/* ---- name labels ---- */

static const char *const names[] = {"Sở Y tế Bình Thuận", "UBND huyện Tuy Phong",
                                    "Phòng họp số 3 — Trung tâm Điều hành", "Ủy ban nhân dân tỉnh"};

static struct compositor *new_labelled(bool labels, const char *font)
{
    struct compositor_config cfg;
    compositor_config_init(&cfg);
    assert_true(cfg.labels);
    cfg.labels = labels;
    cfg.font_path = font;
    struct compositor *c = compositor_new(&cfg);
    assert_non_null(c);
    struct layout l;
    assert_int_equal(layout_from_name("2x2", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    return c;
}

static AVFrame *copy_canvas(const AVFrame *f)
{
    AVFrame *copy = av_frame_alloc();
    assert_non_null(copy);
    copy->format = f->format;
    copy->width = f->width;
    copy->height = f->height;
    assert_int_equal(av_frame_get_buffer(copy, 32), 0);
    assert_int_equal(av_frame_copy(copy, f), 0);
    return copy;
}

/* Luma pixels that differ between a and b, inside [x, x+w) x [y, y+h) (inside) or
 * outside it. */
static long luma_changes(const AVFrame *a, const AVFrame *b, int x, int y, int w, int h,
                         bool inside)
{
    long n = 0;
    for (int py = 0; py < a->height; py++)
        for (int px = 0; px < a->width; px++) {
            bool in = px >= x && px < x + w && py >= y && py < y + h;
            if (in == inside &&
                a->data[0][py * a->linesize[0] + px] != b->data[0][py * b->linesize[0] + px])
                n++;
        }
    return n;
}

static bool planes_equal(const AVFrame *a, const AVFrame *b)
{
    for (int p = 0; p < 3; p++) {
        int w = p ? a->width / 2 : a->width, h = p ? a->height / 2 : a->height;
        for (int y = 0; y < h; y++)
            if (memcmp(a->data[p] + y * a->linesize[p], b->data[p] + y * b->linesize[p], (size_t)w))
                return false;
    }
    return true;
}

static int brightest(const AVFrame *f, int x, int y, int w, int h)
{
    int m = 0;
    for (int py = y; py < y + h; py++)
        for (int px = x; px < x + w; px++)
            if (f->data[0][py * f->linesize[0] + px] > m) m = f->data[0][py * f->linesize[0] + px];
    return m;
}

static void test_label_bottom_left_of_its_tile(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    assert_int_equal(compositor_stats(c)->label_font_missing, 0);
    for (int s = 0; s < 4; s++) give_colour(c, s, 640, 360);
    AVFrame *plain = copy_canvas(compositor_compose(c, 0));
    /* Cell 1 (top right, 640x360): label of 360/16 = 22 px, bottom-left. */
    assert_int_equal(compositor_set_label(c, 1, names[0]), 0);
    const AVFrame *f = compositor_compose(c, 1);
    assert_int_equal(compositor_stats(c)->labels_drawn, 1);
    int lx = 640, ly = 360 - 60, lw = 320, lh = 60; /* bottom-left part of cell 1 */
    long inside = luma_changes(plain, f, lx, ly, lw, lh, true);
    long outside = luma_changes(plain, f, lx, ly, lw, lh, false);
    assert_true(inside > 2000);                       /* box and glyphs */
    assert_int_equal(outside, 0);                     /* nothing else moved */
    assert_true(brightest(f, lx, ly, lw, lh) >= 200); /* white text on the tile colour */
    /* The box blends the tile toward its grey, its chroma closer to neutral. */
    expect_colour_at(
        f, 640 + 14, 360 - 14,
        (uint8_t)(colour_y(1) +
                  (COMPOSITOR_LABEL_BOX_Y - colour_y(1)) * COMPOSITOR_LABEL_BOX_OPACITY / 255),
        (uint8_t)(colour_u(1) + (128 - colour_u(1)) * COMPOSITOR_LABEL_BOX_OPACITY / 255),
        (uint8_t)(colour_v(1) + (128 - colour_v(1)) * COMPOSITOR_LABEL_BOX_OPACITY / 255));
    /* The same name again changes nothing and redraws nothing; clearing it restores
     * the plain tile exactly. */
    uint64_t scaled = compositor_stats(c)->tiles_scaled;
    assert_int_equal(compositor_set_label(c, 1, names[0]), 0);
    compositor_compose(c, 2);
    assert_int_equal(compositor_stats(c)->tiles_scaled, scaled);
    assert_int_equal(compositor_set_label(c, 1, NULL), 0);
    f = compositor_compose(c, 3);
    assert_int_equal(compositor_stats(c)->tiles_scaled, scaled + 1);
    assert_true(planes_equal(plain, f));
    assert_int_equal(compositor_set_label(c, 16, "x"), -1);
    av_frame_free(&plain);
    compositor_free(c);
}

/* Pixels of luma in [lo, hi] inside [x, x+w) x [y, y+h). */
static long luma_in_range(const AVFrame *f, int x, int y, int w, int h, int lo, int hi)
{
    long n = 0;
    for (int py = y; py < y + h; py++)
        for (int px = x; px < x + w; px++) {
            int v = f->data[0][py * f->linesize[0] + px];
            if (v >= lo && v <= hi) n++;
        }
    return n;
}

/* A 4:3 camera pillarboxed in a 16:9 cell: the label starts on the black bar, and its
 * box shows there too (not only where it lies over the picture). */
static void test_label_box_covers_the_bar(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    give_colour(c, 1, 480, 360); /* 4:3 in the 640x360 cell 1: bars of 80 px */
    assert_int_equal(compositor_set_label(c, 1, "Sở Tư pháp"), 0);
    const AVFrame *f = compositor_compose(c, 0);
    assert_int_equal(compositor_stats(c)->labels_drawn, 1);
    int box_on_black =
        (int)(16 + ((COMPOSITOR_LABEL_BOX_Y - 16) * COMPOSITOR_LABEL_BOX_OPACITY + 127) / 255);
    assert_true(box_on_black >= 16 + 20); /* a box one can see on black */
    /* The left bar (x 640..719) at the label's rows holds the box's grey... */
    long box = luma_in_range(f, 640, 360 - 50, 80, 50, box_on_black - 3, box_on_black + 3);
    print_message("box pixels on the bar: %ld\n", box);
    assert_true(box > 400);
    /* ...and the bar above the label stays black. */
    assert_int_equal(luma_in_range(f, 640, 100, 80, 100, 17, 255), 0);
    compositor_free(c);
}

static void test_placeholder_shows_name_centred(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    assert_int_equal(compositor_set_label(c, 3, names[1]), 0);
    const AVFrame *f = compositor_compose(c, 0);
    /* Cell 3: 640,360 640x360. Text of 360/8 = 45 px around the centre row. */
    assert_true(brightest(f, 640, 360 + 160, 640, 40) >= 180);
    expect_colour_at(f, 640 + 20, 360 + 20, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    expect_colour_at(f, 1280 - 20, 720 - 20, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    expect_colour_at(f, 640 + 320, 360 + 60, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    /* Centred: the ink's horizontal centre is the cell's, and it is bigger than a tile label. */
    long sum = 0, weight = 0;
    int top = 720, bottom = 0;
    for (int y = 360; y < 720; y++)
        for (int x = 640; x < 1280; x++) {
            int v = f->data[0][y * f->linesize[0] + x] - COMPOSITOR_PLACEHOLDER_Y;
            if (v > 40) {
                sum += (long)x * v;
                weight += v;
                top = y < top ? y : top;
                bottom = y > bottom ? y : bottom;
            }
        }
    assert_true(weight > 0);
    assert_true(labs(sum / weight - 960) < 20);
    assert_true(abs((top + bottom) / 2 - 540) < 12);
    assert_true(bottom - top >= 30);
    /* A placeholder without a name stays plain grey. */
    expect_colour_at(f, 320, 180, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    assert_int_equal(brightest(f, 0, 0, 640, 360), COMPOSITOR_PLACEHOLDER_Y);
    compositor_free(c);
}

static void test_muted_video_shows_placeholder_with_name(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    give_colour(c, 0, 640, 360);
    assert_int_equal(compositor_set_label(c, 0, names[3]), 0);
    const AVFrame *f = compositor_compose(c, 0);
    expect_slot_at(f, 320, 100, 0);
    assert_int_equal(compositor_set_video_muted(c, 0, true), 0);
    f = compositor_compose(c, 1);
    expect_colour_at(f, 320, 40, COMPOSITOR_PLACEHOLDER_Y, 128, 128);
    assert_true(brightest(f, 0, 160, 640, 40) >= 180);
    assert_int_equal(compositor_set_video_muted(c, 0, false), 0);
    f = compositor_compose(c, 2);
    expect_slot_at(f, 320, 100, 0);
    assert_int_equal(compositor_set_video_muted(c, 99, true), -1);
    compositor_free(c);
}

static void test_labels_off_and_missing_font_draw_nothing(void **state)
{
    (void)state;
    struct compositor *ref = new_labelled(true, NULL);
    struct compositor *off = new_labelled(false, NULL);
    struct compositor *nofont = new_labelled(true, "/nonexistent/DejaVuSans.ttf");
    assert_int_equal(compositor_stats(off)->label_font_missing, 0);
    assert_int_equal(compositor_stats(nofont)->label_font_missing, 1);
    struct compositor *all[] = {ref, off, nofont};
    for (int k = 0; k < 3; k++) {
        give_colour(all[k], 0, 640, 360);
        give_colour(all[k], 1, 360, 640); /* pillarboxed */
        if (k > 0)
            for (int s = 0; s < 4; s++)
                assert_int_equal(compositor_set_label(all[k], (size_t)s, names[s]), 0);
    }
    AVFrame *plain = copy_canvas(compositor_compose(ref, 0));
    for (int k = 1; k < 3; k++) {
        const AVFrame *f = compositor_compose(all[k], 0);
        assert_non_null(f);
        assert_true(planes_equal(plain, f));
        assert_int_equal(compositor_stats(all[k])->labels_drawn, 0);
    }
    /* ...while the same labels do show with the font. */
    for (int s = 0; s < 4; s++) compositor_set_label(ref, (size_t)s, names[s]);
    assert_false(planes_equal(plain, compositor_compose(ref, 1)));
    assert_int_equal(compositor_stats(ref)->labels_drawn, 4);
    av_frame_free(&plain);
    for (int k = 0; k < 3; k++) compositor_free(all[k]);
}

/* Labels are rendered once, drawn only with their cell, and a label on letterbox bars
 * does not darken further frame after frame. */
static void test_labels_rendered_once_and_redrawn_with_their_cell(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    for (int s = 0; s < 4; s++) {
        give_colour(c, s, s == 2 ? 360 : 640, s == 2 ? 640 : 360);
        compositor_set_label(c, (size_t)s, names[s]);
    }
    const struct compositor_stats *st = compositor_stats(c);
    compositor_compose(c, 0);
    assert_int_equal(st->label_renders, 4);
    assert_int_equal(st->labels_drawn, 4);
    compositor_compose(c, 1); /* nothing new: nothing drawn */
    assert_int_equal(st->labels_drawn, 4);
    AVFrame *first = NULL;
    for (int i = 0; i < 5; i++) {
        give_colour(c, 2, 360, 640); /* new pictures into the pillarboxed cell */
        give_colour(c, 0, 640, 360);
        const AVFrame *f = compositor_compose(c, 2 + i);
        if (!first)
            first = copy_canvas(f);
        else
            assert_true(planes_equal(first, f));
    }
    assert_int_equal(st->label_renders, 4); /* the cache served every redraw */
    assert_int_equal(st->label_cache_hits, 10);
    assert_int_equal(st->labels_drawn, 14);
    /* The label of the pillarboxed cell lies partly on the bar: still drawn. */
    assert_true(brightest(first, 0, 720 - 40, 100, 40) >= 200);
    av_frame_free(&first);
    /* A renamed slot renders its new name once. */
    compositor_set_label(c, 1, "Bình Thuận");
    compositor_compose(c, 10);
    compositor_compose(c, 11);
    assert_int_equal(st->label_renders, 5);
    compositor_free(c);
}

static void test_speaker_label_clears_the_thumbnails(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    struct layout l;
    assert_int_equal(layout_from_name("speaker+6", W, H, &l), 0);
    assert_int_equal(compositor_set_layout(c, &l), 0);
    for (int s = 0; s < 7; s++) give_colour(c, s, 640, 360);
    compositor_set_label(c, 0, names[2]);
    const AVFrame *f = compositor_compose(c, 0);
    int strip_top = l.cells[1].y;
    assert_true(brightest(f, 0, strip_top - 80, 400, 80) >= 200); /* just above the strip */
    expect_cell_centre(f, &l.cells[1], 1);                        /* the thumbnails are intact */
    assert_int_equal(compositor_stats(c)->labels_drawn, 7 - 6);
    compositor_free(c);
}

/* Writes the canvas as an RGB PNG with libyuv and libavcodec's PNG encoder. */
static int write_png(const AVFrame *f, const char *path)
{
    int rc = -1;
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
    AVFrame *rgb = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    FILE *out = NULL;
    if (!ctx || !rgb || !pkt) goto done;
    ctx->width = f->width;
    ctx->height = f->height;
    ctx->pix_fmt = AV_PIX_FMT_RGB24;
    ctx->time_base = (AVRational){1, 30};
    rgb->format = AV_PIX_FMT_RGB24;
    rgb->width = f->width;
    rgb->height = f->height;
    if (avcodec_open2(ctx, codec, NULL) < 0 || av_frame_get_buffer(rgb, 32) < 0) goto done;
    /* libyuv's "RAW" is R, G, B in memory order: AV_PIX_FMT_RGB24. */
    I420ToRAW(f->data[0], f->linesize[0], f->data[1], f->linesize[1], f->data[2], f->linesize[2],
              rgb->data[0], rgb->linesize[0], f->width, f->height);
    if (avcodec_send_frame(ctx, rgb) < 0 || avcodec_receive_packet(ctx, pkt) < 0) goto done;
    if (!(out = fopen(path, "wb")) ||
        fwrite(pkt->data, 1, (size_t)pkt->size, out) != (size_t)pkt->size)
        goto done;
    rc = 0;
done:
    if (out && fclose(out) != 0) rc = -1;
    av_packet_free(&pkt);
    av_frame_free(&rgb);
    avcodec_free_context(&ctx);
    return rc;
}

/* A picture with something to read labels against: diagonal gradients, a white and
 * a black patch along the bottom edge. */
static AVFrame *busy_picture(int w, int h, int seed)
{
    AVFrame *pic = synth_picture(w, h, 128, 128, 128);
    assert_non_null(pic);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            pic->data[0][y * pic->linesize[0] + x] = (uint8_t)(16 + (x + y + seed * 50) % 220);
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++) {
            pic->data[1][y * pic->linesize[1] + x] = (uint8_t)(64 + (x * 2 + seed * 40) % 128);
            pic->data[2][y * pic->linesize[2] + x] = (uint8_t)(64 + (y * 2 + seed * 30) % 128);
        }
    /* White under the start of the label, black under its end. */
    synth_fill(pic, 0, h - h / 8, w / 4, h / 8, 235, 128, 128);
    synth_fill(pic, w / 4, h - h / 8, w / 4, h / 8, 16, 128, 128);
    return pic;
}

static void test_labels_png(void **state)
{
    (void)state;
    struct compositor *c = new_labelled(true, NULL);
    for (int s = 0; s < 3; s++) {
        AVFrame *pic = busy_picture(s == 2 ? 480 : 640, 360, s);
        assert_int_equal(compositor_set_input(c, (size_t)s, pic), 0);
        av_frame_free(&pic);
    }
    compositor_set_label(c, 0, "Sở Y tế Bình Thuận");
    compositor_set_label(c, 1, "UBND huyện Tuy Phong");
    compositor_set_label(c, 2, "Phòng họp số 3 — Trung tâm Điều hành tỉnh Bình Thuận");
    compositor_set_label(c, 3, "Ủy ban nhân dân tỉnh"); /* no video: placeholder */
    const AVFrame *f = compositor_compose(c, 0);
    assert_int_equal(compositor_stats(c)->labels_drawn, 4);
    const char *root = getenv("ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/out/labels.png", root ? root : ".");
    if (write_png(f, path) < 0) fail_msg("cannot write %s", path);
    compositor_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_layout_places_every_input),
        cmocka_unit_test(test_grid_cells_tile_the_canvas),
        cmocka_unit_test(test_presentation_layout),
        cmocka_unit_test(test_placeholder_and_empty_cells),
        cmocka_unit_test(test_portrait_is_letterboxed),
        cmocka_unit_test(test_crop_fills_the_cell),
        cmocka_unit_test(test_layout_switch_takes_effect_on_next_frame),
        cmocka_unit_test(test_custom_json_layout),
        cmocka_unit_test(test_tiles_rescaled_only_when_needed),
        cmocka_unit_test(test_overlapping_thumbnails_survive_big_tile_update),
        cmocka_unit_test(test_odd_sizes_and_bad_input),
        cmocka_unit_test(test_referenced_canvas_is_not_overwritten),
        cmocka_unit_test(test_label_bottom_left_of_its_tile),
        cmocka_unit_test(test_label_box_covers_the_bar),
        cmocka_unit_test(test_placeholder_shows_name_centred),
        cmocka_unit_test(test_muted_video_shows_placeholder_with_name),
        cmocka_unit_test(test_labels_off_and_missing_font_draw_nothing),
        cmocka_unit_test(test_labels_rendered_once_and_redrawn_with_their_cell),
        cmocka_unit_test(test_speaker_label_clears_the_thumbnails),
        cmocka_unit_test(test_labels_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
