/* text_renderer.h - one line of UTF-8 text (a room's name) rendered with FreeType
 * into an 8-bit coverage bitmap, for labels on video tiles.
 *
 * A renderer owns one FreeType library and one face, loaded once at _new(). Text is
 * decoded strictly (bad bytes show as U+FFFD, control characters as spaces), marks
 * are canonically composed (unicode_nfc.h), so Vietnamese typed precomposed ("ở") or
 * decomposed ("o" U+031B U+0309) uses the font's designed glyph; a mark that composes
 * with nothing is centred over (or under) the glyph before it, above any mark already
 * there. Pairs are kerned when the face has kerning. Text wider than max_width is
 * cut at a character boundary and ends with "…".
 *
 * Rendering is cached: the bitmap for (text, pixel size, max width) is kept in a
 * small LRU cache, since labels change rarely and frames come 30 times a second.
 *
 * Threads: not thread-safe (FreeType faces are not); one renderer per compositor. */
#ifndef HOINGHI_MIXER_TEXT_RENDERER_H
#define HOINGHI_MIXER_TEXT_RENDERER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Debian's fonts-dejavu-core. DejaVu Sans has every precomposed Vietnamese letter. */
#define TEXT_RENDERER_DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define TEXT_RENDERER_MIN_SIZE     4
#define TEXT_RENDERER_MAX_SIZE     512
#define TEXT_RENDERER_MAX_CHARS    256 /* code points looked at; the rest is cut off */

struct text_renderer_config {
    const char *font_path; /* read only by _new(); default TEXT_RENDERER_DEFAULT_FONT */
    size_t cache_entries;  /* rendered bitmaps kept; default 64, at least 1 */
};

/* A rendered line. Row 0 is the top; the baseline is `baseline` rows down. The
 * height covers the face's ascender and descender (so labels of one size line up)
 * and any ink beyond them (stacked diacritics over capitals); the width covers the
 * advance and any ink beyond it. An empty text gives width 0. */
struct text_bitmap {
    int width, height;
    int baseline;
    const uint8_t *coverage; /* width * height bytes, 0 (none) .. 255 (full) */
    bool truncated;          /* cut to the max width, ends with an ellipsis */
};

struct text_renderer_stats {
    uint64_t renders;    /* texts laid out and rasterised (cache misses) */
    uint64_t cache_hits; /* texts served from the cache */
    uint64_t evictions;  /* cache entries dropped for newer ones */
};

struct text_renderer;

void text_renderer_config_init(struct text_renderer_config *cfg);

/* NULL if the font cannot be opened (missing, unreadable, not a font without a
 * Unicode charmap) or on allocation failure. */
struct text_renderer *text_renderer_new(const struct text_renderer_config *cfg);
void text_renderer_free(struct text_renderer *r);

/* The bitmap of `utf8` at `pixel_size` (em size in pixels, TEXT_RENDERER_MIN_SIZE..
 * TEXT_RENDERER_MAX_SIZE), at most `max_width` pixels wide (0: no limit; if not even
 * "…" fits, the bitmap is empty). Owned by the renderer, valid until the next
 * text_renderer_render() or _free(). NULL on bad arguments or allocation failure. */
const struct text_bitmap *text_renderer_render(struct text_renderer *r, const char *utf8,
                                               int pixel_size, int max_width);

/* The face's glyph index for a code point; 0 (.notdef) when the font lacks it. */
unsigned text_renderer_glyph_index(const struct text_renderer *r, uint32_t cp);

const struct text_renderer_stats *text_renderer_stats(const struct text_renderer *r);

#endif
