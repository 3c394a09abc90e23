/* layout.c - built-in and JSON layouts snapped to even canvas pixels. */
#include "mixer/video/layout.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/media/error_text.h"

#define EPSILON 1e-9

static int even(double v) { return 2 * (int)lround(v / 2.0); }

static int valid_canvas(int width, int height)
{
    return width >= 16 && height >= 16 && width % 2 == 0 && height % 2 == 0;
}

int layout_from_fractions(const double (*f)[4], size_t count, int width, int height,
                          struct layout *out)
{
    if (!valid_canvas(width, height) || count == 0 || count > LAYOUT_MAX_CELLS) return -1;
    for (size_t i = 0; i < count; i++) {
        int x0 = even(f[i][0] * width), y0 = even(f[i][1] * height);
        int x1 = even((f[i][0] + f[i][2]) * width), y1 = even((f[i][1] + f[i][3]) * height);
        if (x1 > width) x1 = width;
        if (y1 > height) y1 = height;
        if (x0 < 0 || y0 < 0 || x1 - x0 < 2 || y1 - y0 < 2) return -1;
        out->cells[i] = (struct layout_cell){x0, y0, x1 - x0, y1 - y0};
    }
    out->count = count;
    return 0;
}

static int grid(int n, int width, int height, struct layout *out)
{
    double f[LAYOUT_MAX_CELLS][4];
    size_t k = 0;
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++, k++) {
            f[k][0] = (double)c / n;
            f[k][1] = (double)r / n;
            f[k][2] = 1.0 / n;
            f[k][3] = 1.0 / n;
        }
    return layout_from_fractions((const double(*)[4])f, k, width, height, out);
}

/* One big tile of (n-1)/n at the top left; small tiles of 1/n down the right column
 * and along the bottom row: 2n - 1 small ones (n = 3: 1+5, n = 4: 1+7). */
static int big_plus_small(int n, int width, int height, struct layout *out)
{
    double f[LAYOUT_MAX_CELLS][4];
    double s = 1.0 / n, big = (n - 1) * s;
    size_t k = 0;
    f[k][0] = 0, f[k][1] = 0, f[k][2] = big, f[k][3] = big, k++;
    for (int r = 0; r < n - 1; r++, k++) f[k][0] = big, f[k][1] = r * s, f[k][2] = s, f[k][3] = s;
    for (int c = 0; c < n; c++, k++) f[k][0] = c * s, f[k][1] = big, f[k][2] = s, f[k][3] = s;
    return layout_from_fractions((const double(*)[4])f, k, width, height, out);
}

/* Full frame, plus `thumbs` thumbnails of 1/6 of the width (16:9 like the canvas)
 * centred in a row just above the bottom edge. */
static int speaker(int thumbs, int width, int height, struct layout *out)
{
    double f[LAYOUT_MAX_CELLS][4];
    double tw = 1.0 / 6, th = 1.0 / 6, margin = 0.02;
    if (thumbs < 0 || thumbs > LAYOUT_MAX_THUMBNAILS) return -1;
    if (thumbs > 6) tw = th = (1.0 - 2 * margin) / thumbs;
    size_t k = 0;
    f[k][0] = 0, f[k][1] = 0, f[k][2] = 1, f[k][3] = 1, k++;
    double x = (1.0 - thumbs * tw) / 2;
    for (int i = 0; i < thumbs; i++, k++)
        f[k][0] = x + i * tw, f[k][1] = 1.0 - margin - th, f[k][2] = tw, f[k][3] = th;
    return layout_from_fractions((const double(*)[4])f, k, width, height, out);
}

/* The content over the full width and the top 5/6; a strip of `strip` tiles of 1/6
 * of each side below it, centred, none over the content. */
static int presentation(int strip, int width, int height, struct layout *out)
{
    double f[LAYOUT_MAX_CELLS][4];
    double t = 1.0 / strip, content_h = 1.0 - t;
    size_t k = 0;
    f[k][0] = 0, f[k][1] = 0, f[k][2] = 1, f[k][3] = content_h, k++;
    for (int i = 0; i < strip; i++, k++)
        f[k][0] = i * t, f[k][1] = content_h, f[k][2] = t, f[k][3] = t;
    return layout_from_fractions((const double(*)[4])f, k, width, height, out);
}

int layout_from_name(const char *name, int width, int height, struct layout *out)
{
    if (!name) return -1;
    if (!strcmp(name, "1x1")) return grid(1, width, height, out);
    if (!strcmp(name, "2x2")) return grid(2, width, height, out);
    if (!strcmp(name, "3x3")) return grid(3, width, height, out);
    if (!strcmp(name, "4x4")) return grid(4, width, height, out);
    if (!strcmp(name, "5x5")) return grid(5, width, height, out);
    if (!strcmp(name, "1+5")) return big_plus_small(3, width, height, out);
    if (!strcmp(name, "1+7")) return big_plus_small(4, width, height, out);
    if (!strcmp(name, "speaker")) return speaker(0, width, height, out);
    if (!strcmp(name, "presentation")) return presentation(6, width, height, out);
    if (!strncmp(name, "speaker+", 8)) {
        char *end;
        long n = strtol(name + 8, &end, 10);
        if (*end || end == name + 8 || n < 1 || n > LAYOUT_MAX_THUMBNAILS) return -1;
        return speaker((int)n, width, height, out);
    }
    return -1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_text_vset(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int layout_from_json(const char *json, int width, int height, struct layout *out, char *err,
                     size_t errlen)
{
    static const char *const keys[4] = {"x", "y", "w", "h"};
    double f[LAYOUT_MAX_CELLS][4];
    if (!valid_canvas(width, height))
        return fail(err, errlen, "canvas %dx%d: must be even and at least 16x16", width, height);
    if (!json) return fail(err, errlen, "no JSON given");
    json_error_t jerr;
    json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return fail(err, errlen, "JSON syntax error at line %d column %d: %s", jerr.line,
                    jerr.column, jerr.text);
    int rc = -1;
    json_t *cells = json_is_object(root) ? json_object_get(root, "cells") : NULL;
    if (!json_is_array(cells)) {
        fail(err, errlen, "\"cells\": must be an array of cell objects");
        goto done;
    }
    size_t count = json_array_size(cells);
    if (count == 0 || count > LAYOUT_MAX_CELLS) {
        fail(err, errlen, "\"cells\": must hold 1 to %d cells, not %zu", LAYOUT_MAX_CELLS, count);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *cell = json_array_get(cells, i);
        if (!json_is_object(cell)) {
            fail(err, errlen, "cells[%zu]: must be an object with x, y, w, h", i);
            goto done;
        }
        for (int k = 0; k < 4; k++) {
            json_t *v = json_object_get(cell, keys[k]);
            if (!json_is_number(v)) {
                fail(err, errlen, "cells[%zu].%s: missing or not a number", i, keys[k]);
                goto done;
            }
            f[i][k] = json_number_value(v);
            bool position = k < 2;
            if (!isfinite(f[i][k]) || (position && (f[i][k] < 0 || f[i][k] >= 1)) ||
                (!position && (f[i][k] <= 0 || f[i][k] > 1))) {
                fail(err, errlen, "cells[%zu].%s: %g is outside %s", i, keys[k], f[i][k],
                     position ? "[0, 1)" : "(0, 1]");
                goto done;
            }
        }
        if (f[i][0] + f[i][2] > 1 + EPSILON || f[i][1] + f[i][3] > 1 + EPSILON) {
            fail(err, errlen,
                 "cells[%zu]: reaches beyond the canvas (x + w and y + h must be <= 1)", i);
            goto done;
        }
    }
    if (layout_from_fractions((const double(*)[4])f, count, width, height, out) < 0) {
        fail(err, errlen, "a cell is smaller than 2x2 pixels on a %dx%d canvas", width, height);
        goto done;
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}
