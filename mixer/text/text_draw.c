/* text_draw.c - alpha-blending a coverage bitmap and its box onto I420.
 * See text_draw.h. */
#include "mixer/text/text_draw.h"

static int max_i(int a, int b) { return a > b ? a : b; }
static int min_i(int a, int b) { return a < b ? a : b; }

/* Even-aligned grow of [x, x+w) so a chroma sample is either all in or all out. */
struct text_rect text_box(const struct text_bitmap *bm, int x, int y,
                          const struct text_style *style)
{
    int pad = style->box_padding > 0 ? style->box_padding : 0;
    int x0 = (x - pad) & ~1, y0 = (y - pad) & ~1;
    int x1 = (x + bm->width + pad + 1) & ~1, y1 = (y + bm->height + pad + 1) & ~1;
    return (struct text_rect){x0, y0, x1 - x0, y1 - y0};
}

static struct text_rect intersect(struct text_rect a, struct text_rect b)
{
    int x0 = max_i(a.x, b.x), y0 = max_i(a.y, b.y);
    int x1 = min_i(a.x + a.w, b.x + b.w), y1 = min_i(a.y + a.h, b.y + b.h);
    return (struct text_rect){x0, y0, max_i(0, x1 - x0), max_i(0, y1 - y0)};
}

static uint8_t blend(int from, int to, int alpha)
{
    return (uint8_t)(from + ((to - from) * alpha + (to > from ? 127 : -127)) / 255);
}

static int coverage_at(const struct text_bitmap *bm, int bx, int by)
{
    if (bx < 0 || by < 0 || bx >= bm->width || by >= bm->height) return 0;
    return bm->coverage[(size_t)by * (size_t)bm->width + (size_t)bx];
}

void text_draw(AVFrame *pic, const struct text_bitmap *bm, int x, int y,
               const struct text_style *style, struct text_rect clip)
{
    if (!bm || bm->width <= 0 || bm->height <= 0) return;
    struct text_rect area = style->box_opacity ? text_box(bm, x, y, style)
                                               : (struct text_rect){x, y, bm->width, bm->height};
    /* Keep whole chroma samples: clip to the even-aligned inside of clip and picture. */
    struct text_rect bounds = intersect(clip, (struct text_rect){0, 0, pic->width, pic->height});
    int bx0 = (bounds.x + 1) & ~1, by0 = (bounds.y + 1) & ~1;
    bounds = (struct text_rect){bx0, by0, (bounds.x + bounds.w - bx0) & ~1,
                                (bounds.y + bounds.h - by0) & ~1};
    int ax1 = (area.x + area.w + 1) & ~1, ay1 = (area.y + area.h + 1) & ~1;
    area.x &= ~1;
    area.y &= ~1;
    area.w = ax1 - area.x;
    area.h = ay1 - area.y;
    area = intersect(area, bounds);
    if (area.w <= 0 || area.h <= 0) return;
    int box = style->box_opacity;
    int box_y = style->box_y ? style->box_y : 16;
    for (int py = area.y; py < area.y + area.h; py++) {
        uint8_t *row = pic->data[0] + (ptrdiff_t)py * pic->linesize[0];
        for (int px = area.x; px < area.x + area.w; px++) {
            int v = row[px];
            if (box) v = blend(v, box_y, box);
            int cov = coverage_at(bm, px - x, py - y);
            if (cov) v = blend(v, style->text_y, cov);
            row[px] = (uint8_t)v;
        }
    }
    for (int cy = area.y / 2; cy < (area.y + area.h) / 2; cy++) {
        uint8_t *u = pic->data[1] + (ptrdiff_t)cy * pic->linesize[1];
        uint8_t *v = pic->data[2] + (ptrdiff_t)cy * pic->linesize[2];
        for (int cx = area.x / 2; cx < (area.x + area.w) / 2; cx++) {
            int lx = 2 * cx - x, ly = 2 * cy - y;
            int cov = (coverage_at(bm, lx, ly) + coverage_at(bm, lx + 1, ly) +
                       coverage_at(bm, lx, ly + 1) + coverage_at(bm, lx + 1, ly + 1) + 2) /
                      4;
            int alpha = max_i(box, cov);
            if (alpha) {
                u[cx] = blend(u[cx], 128, alpha);
                v[cx] = blend(v[cx], 128, alpha);
            }
        }
    }
}
