/* text_renderer.c - FreeType line layout (composition, mark placement, kerning,
 * ellipsis truncation), rasterisation into a coverage bitmap, and the LRU cache of
 * rendered bitmaps. See text_renderer.h. */
#include "mixer/text/text_renderer.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <stdlib.h>
#include <string.h>

#include "mixer/text/unicode_nfc.h"
#include "mixer/text/utf8.h"

#define LOAD_FLAGS (FT_LOAD_TARGET_LIGHT | FT_LOAD_RENDER)
#define ELLIPSIS   0x2026u
#define SCRATCH    (TEXT_RENDERER_MAX_CHARS + 4) /* room for the ellipsis */

/* One placed glyph: origin and ink box in whole pixels, y pointing up from the
 * baseline. */
struct glyph_item {
    unsigned index;
    int ox, oy;
    int left, right, top, bottom;
    int pen_before; /* pen position before this glyph (bases) */
};

/* The extent of a laid-out line in pixels (y up). */
struct line_box {
    int left, right, top, bottom;
};

struct cache_entry {
    char *text; /* NULL: free entry */
    int size, max_width;
    uint64_t last_used;
    uint8_t *pixels;
    struct text_bitmap bitmap;
};

struct text_renderer {
    FT_Library library;
    FT_Face face;
    bool kerning;
    int size; /* pixel size the face is set to, 0 if none yet */
    struct cache_entry *cache;
    size_t cache_entries;
    uint64_t clock;
    uint32_t cps[SCRATCH];
    uint32_t trial[SCRATCH];
    struct glyph_item items[SCRATCH];
    struct text_renderer_stats stats;
};

void text_renderer_config_init(struct text_renderer_config *cfg)
{
    cfg->font_path = TEXT_RENDERER_DEFAULT_FONT;
    cfg->cache_entries = 64;
}

struct text_renderer *text_renderer_new(const struct text_renderer_config *cfg)
{
    if (!cfg || cfg->cache_entries == 0) return NULL;
    struct text_renderer *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->cache_entries = cfg->cache_entries;
    r->cache = calloc(cfg->cache_entries, sizeof *r->cache);
    const char *path = cfg->font_path ? cfg->font_path : TEXT_RENDERER_DEFAULT_FONT;
    if (!r->cache || FT_Init_FreeType(&r->library) != 0) goto fail;
    if (FT_New_Face(r->library, path, 0, &r->face) != 0 ||
        FT_Select_Charmap(r->face, FT_ENCODING_UNICODE) != 0 || !FT_IS_SCALABLE(r->face))
        goto fail;
    r->kerning = FT_HAS_KERNING(r->face);
    return r;
fail:
    text_renderer_free(r);
    return NULL;
}

static void entry_clear(struct cache_entry *e)
{
    free(e->text);
    free(e->pixels);
    memset(e, 0, sizeof *e);
}

void text_renderer_free(struct text_renderer *r)
{
    if (!r) return;
    if (r->cache)
        for (size_t i = 0; i < r->cache_entries; i++) entry_clear(&r->cache[i]);
    free(r->cache);
    if (r->face) FT_Done_Face(r->face);
    if (r->library) FT_Done_FreeType(r->library);
    free(r);
}

unsigned text_renderer_glyph_index(const struct text_renderer *r, uint32_t cp)
{
    return FT_Get_Char_Index(r->face, cp);
}

const struct text_renderer_stats *text_renderer_stats(const struct text_renderer *r)
{
    return &r->stats;
}

/* 26.6 fixed point to the nearest whole pixel (floor division, also for negatives). */
static int round_px(FT_Pos v)
{
    v += 32;
    return (int)(v >= 0 ? v / 64 : -((-v + 63) / 64));
}

static unsigned glyph_for(const struct text_renderer *r, uint32_t cp)
{
    unsigned gi = FT_Get_Char_Index(r->face, cp);
    if (!gi) gi = FT_Get_Char_Index(r->face, UTF8_REPLACEMENT);
    if (!gi) gi = FT_Get_Char_Index(r->face, '?');
    return gi;
}

/* Loads and renders glyph `gi` at the current size; the glyph slot holds it. */
static int load(struct text_renderer *r, unsigned gi)
{
    FT_GlyphSlot g;
    if (FT_Load_Glyph(r->face, gi, LOAD_FLAGS) != 0) return -1;
    g = r->face->glyph;
    if (g->format != FT_GLYPH_FORMAT_BITMAP || g->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY ||
        g->bitmap.pitch < 0)
        return -1;
    return 0;
}

enum mark_place { MARK_ABOVE, MARK_BELOW, MARK_AS_DESIGNED };

static enum mark_place mark_place(uint32_t cp)
{
    int cc = unicode_combining_class(cp);
    if (cc == 230 || cc == 233 || cc == 234) return MARK_ABOVE;
    if (cc == 220 || cc == 240) return MARK_BELOW;
    return MARK_AS_DESIGNED; /* horn, cedilla, overlays: the font knows best */
}

/* Lays out cps[0..n) into r->items at the current size; *box gets the ink and
 * advance extent. Marks do not advance the pen: above/below marks are centred on the
 * ink of the glyph they follow and stacked clear of it, others keep the position the
 * font designed them for (zero-width marks drawn back over the previous glyph). */
static int layout(struct text_renderer *r, const uint32_t *cps, size_t n, struct line_box *box)
{
    FT_Pos pen = 0;
    unsigned prev = 0;
    int gap = r->size / 14 > 1 ? r->size / 14 : 1;
    int base_left = 0, base_right = 0, above = 0, below = 0;
    bool have_base = false;
    *box = (struct line_box){0, 0, round_px(r->face->size->metrics.ascender),
                             round_px(r->face->size->metrics.descender)};
    for (size_t i = 0; i < n; i++) {
        struct glyph_item *it = &r->items[i];
        uint32_t cp = cps[i];
        bool mark = have_base && unicode_is_mark(cp);
        it->index = glyph_for(r, cp);
        if (!mark && r->kerning && prev && it->index) {
            FT_Vector k;
            if (FT_Get_Kerning(r->face, prev, it->index, FT_KERNING_DEFAULT, &k) == 0) pen += k.x;
        }
        if (load(r, it->index) < 0) return -1;
        FT_GlyphSlot g = r->face->glyph;
        int bl = g->bitmap_left, bt = g->bitmap_top;
        int bw = (int)g->bitmap.width, bh = (int)g->bitmap.rows;
        it->pen_before = round_px(pen);
        it->ox = round_px(pen);
        it->oy = 0;
        if (mark) {
            enum mark_place place = mark_place(cp);
            if (place != MARK_AS_DESIGNED && bw > 0) {
                it->ox = (base_left + base_right) / 2 - (bl + bw / 2);
                if (place == MARK_ABOVE && bt - bh < above + gap) it->oy = above + gap - (bt - bh);
                if (place == MARK_BELOW && bt > below - gap) it->oy = below - gap - bt;
            }
        } else {
            pen += g->advance.x;
            prev = it->index;
        }
        it->left = it->ox + bl;
        it->right = it->left + bw;
        it->top = it->oy + bt;
        it->bottom = it->top - bh;
        if (!mark) {
            have_base = true;
            bool ink = bw > 0 && bh > 0;
            base_left = ink ? it->left : it->ox;
            base_right = ink ? it->right : round_px(pen);
            above = ink ? it->top : 0;
            below = ink ? it->bottom : 0;
        } else if (bw > 0 && bh > 0) {
            if (mark_place(cp) == MARK_ABOVE && it->top > above) above = it->top;
            if (mark_place(cp) == MARK_BELOW && it->bottom < below) below = it->bottom;
        }
        if (bw > 0 && bh > 0) {
            box->left = it->left < box->left ? it->left : box->left;
            box->right = it->right > box->right ? it->right : box->right;
            box->top = it->top > box->top ? it->top : box->top;
            box->bottom = it->bottom < box->bottom ? it->bottom : box->bottom;
        }
    }
    int end = round_px(pen);
    box->right = end > box->right ? end : box->right;
    return 0;
}

/* Renders the laid-out glyphs r->items[0..n) into a new coverage bitmap. */
static uint8_t *rasterise(struct text_renderer *r, size_t n, const struct line_box *box)
{
    int w = box->right - box->left, h = box->top - box->bottom;
    uint8_t *px = calloc((size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1), 1);
    if (!px) return NULL;
    for (size_t i = 0; i < n; i++) {
        const struct glyph_item *it = &r->items[i];
        if (it->right <= it->left || it->top <= it->bottom) continue;
        if (load(r, it->index) < 0) {
            free(px);
            return NULL;
        }
        const FT_Bitmap *b = &r->face->glyph->bitmap;
        int x0 = it->left - box->left, y0 = box->top - it->top;
        for (int y = 0; y < (int)b->rows; y++) {
            if (y0 + y < 0 || y0 + y >= h) continue;
            const uint8_t *src = b->buffer + (ptrdiff_t)y * b->pitch;
            uint8_t *dst = px + (size_t)(y0 + y) * (size_t)w;
            for (int x = 0; x < (int)b->width; x++) {
                if (x0 + x < 0 || x0 + x >= w) continue;
                uint8_t *d = &dst[x0 + x]; /* "screen": overlaps add up, never past 255 */
                *d = (uint8_t)(*d + src[x] - *d * src[x] / 255);
            }
        }
    }
    return px;
}

/* Cuts cps[0..n) (laid out in r->items, extent *box) so that it plus an ellipsis
 * fits max_width, at a character boundary, without trailing spaces; lays out the
 * result. Returns the new length (0 and an empty box if not even "…" fits). */
static size_t truncate(struct text_renderer *r, size_t n, int max_width, struct line_box *box)
{
    uint32_t ell[3] = {ELLIPSIS, 0, 0};
    size_t ell_len = 1;
    if (!FT_Get_Char_Index(r->face, ELLIPSIS)) {
        ell[0] = ell[1] = ell[2] = '.';
        ell_len = 3;
    }
    struct line_box eb;
    if (layout(r, ell, ell_len, &eb) < 0) return 0;
    int ell_w = eb.right - eb.left;
    /* Re-lay out the whole line, then guess from its pen positions. */
    struct line_box full;
    if (layout(r, r->cps, n, &full) < 0) return 0;
    size_t keep = 0;
    int ink_right = full.left;
    for (size_t k = 0; k < n; k++) {
        if (!unicode_is_mark(r->cps[k]) &&
            r->items[k].pen_before - full.left + ell_w <= max_width &&
            ink_right - full.left + ell_w <= max_width)
            keep = k;
        if (r->items[k].right > ink_right && r->items[k].right > r->items[k].left)
            ink_right = r->items[k].right;
    }
    for (;;) {
        size_t m = keep;
        while (m > 0 && r->cps[m - 1] == ' ') m--;
        memcpy(r->trial, r->cps, m * sizeof *r->trial);
        memcpy(r->trial + m, ell, ell_len * sizeof *ell);
        if (layout(r, r->trial, m + ell_len, box) < 0) break;
        if (box->right - box->left <= max_width) {
            memcpy(r->cps, r->trial, (m + ell_len) * sizeof *r->cps);
            return m + ell_len;
        }
        if (keep == 0) break;
        do keep--;
        while (keep > 0 && unicode_is_mark(r->cps[keep]));
    }
    *box = (struct line_box){0, 0, 0, 0};
    return 0;
}

/* Decodes and composes `utf8` into r->cps; control characters become spaces. */
static size_t decode(struct text_renderer *r, const char *utf8)
{
    size_t n = utf8_decode(utf8, strlen(utf8), r->cps, TEXT_RENDERER_MAX_CHARS);
    for (size_t i = 0; i < n; i++)
        if (r->cps[i] < 0x20 || (r->cps[i] >= 0x7F && r->cps[i] < 0xA0)) r->cps[i] = ' ';
    return unicode_compose_text(r->cps, n);
}

static int render_into(struct text_renderer *r, struct cache_entry *e)
{
    if (r->size != e->size) {
        if (FT_Set_Pixel_Sizes(r->face, 0, (FT_UInt)e->size) != 0) return -1;
        r->size = e->size;
    }
    size_t n = decode(r, e->text);
    struct line_box box;
    if (layout(r, r->cps, n, &box) < 0) return -1;
    bool truncated = false;
    if (e->max_width > 0 && box.right - box.left > e->max_width) {
        n = truncate(r, n, e->max_width, &box);
        truncated = true;
    }
    if (n == 0 || box.right <= box.left) {
        e->bitmap = (struct text_bitmap){0, 0, 0, NULL, truncated};
        return 0;
    }
    e->pixels = rasterise(r, n, &box);
    if (!e->pixels) return -1;
    e->bitmap = (struct text_bitmap){box.right - box.left, box.top - box.bottom, box.top, e->pixels,
                                     truncated};
    r->stats.renders++;
    return 0;
}

const struct text_bitmap *text_renderer_render(struct text_renderer *r, const char *utf8,
                                               int pixel_size, int max_width)
{
    if (!r || !utf8 || pixel_size < TEXT_RENDERER_MIN_SIZE || pixel_size > TEXT_RENDERER_MAX_SIZE ||
        max_width < 0)
        return NULL;
    struct cache_entry *victim = &r->cache[0];
    for (size_t i = 0; i < r->cache_entries; i++) {
        struct cache_entry *e = &r->cache[i];
        if (e->text && e->size == pixel_size && e->max_width == max_width &&
            !strcmp(e->text, utf8)) {
            e->last_used = ++r->clock;
            r->stats.cache_hits++;
            return &e->bitmap;
        }
        if (!e->text || (victim->text && e->last_used < victim->last_used)) victim = e;
    }
    if (victim->text) r->stats.evictions++;
    entry_clear(victim);
    if (!(victim->text = strdup(utf8))) return NULL;
    victim->size = pixel_size;
    victim->max_width = max_width;
    victim->last_used = ++r->clock;
    if (render_into(r, victim) < 0) {
        entry_clear(victim);
        return NULL;
    }
    return &victim->bitmap;
}
