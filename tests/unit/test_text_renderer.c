/* test_text_renderer.c - name labels' text path (mixer/text/utf8.c, mixer/text/unicode_nfc.c,
 * mixer/text/text_renderer.c, mixer/text/text_draw.c) with Debian's DejaVu Sans: strict UTF-8,
 * composition of decomposed Vietnamese, every Vietnamese letter has a real glyph that
 * differs from its base letter, names render where expected, kerning, ellipsis
 * truncation, the cache, a missing font, and blending onto I420. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/text/text_draw.h"
#include "mixer/text/text_renderer.h"
#include "mixer/text/unicode_nfc.h"
#include "mixer/text/utf8.h"
#include "tests/unit/media_synth.h"

static struct text_renderer *new_renderer(void)
{
    struct text_renderer_config cfg;
    text_renderer_config_init(&cfg);
    struct text_renderer *r = text_renderer_new(&cfg);
    if (!r) fail_msg("cannot open %s (fonts-dejavu-core, scripts/deps.sh)", cfg.font_path);
    return r;
}

/* Rows above the baseline (>0) reached by ink of at least 64. */
static int ink_top(const struct text_bitmap *b)
{
    for (int y = 0; y < b->height; y++)
        for (int x = 0; x < b->width; x++)
            if (b->coverage[y * b->width + x] >= 64) return b->baseline - y;
    return -1000;
}

/* Rows below the baseline (<0 when ink goes below it) reached by ink. */
static int ink_bottom(const struct text_bitmap *b)
{
    for (int y = b->height - 1; y >= 0; y--)
        for (int x = 0; x < b->width; x++)
            if (b->coverage[y * b->width + x] >= 64) return b->baseline - y - 1;
    return 1000;
}

static long ink_sum(const struct text_bitmap *b, int x0, int y0, int w, int h)
{
    long s = 0;
    for (int y = y0; y < y0 + h && y < b->height; y++)
        for (int x = x0; x < x0 + w && x < b->width; x++)
            if (x >= 0 && y >= 0) s += b->coverage[y * b->width + x];
    return s;
}

/* Copies a bitmap out of the renderer (its pointer is valid only until the next
 * render). */
struct copy {
    int width, height, baseline;
    uint8_t *px;
};

static struct copy copy_of(const struct text_bitmap *b)
{
    assert_non_null(b);
    struct copy c = {b->width, b->height, b->baseline, malloc((size_t)b->width * b->height + 1)};
    assert_non_null(c.px);
    memcpy(c.px, b->coverage, (size_t)b->width * b->height);
    return c;
}

/* Sum of absolute differences with baselines and left edges aligned. */
static long difference(const struct copy *a, const struct text_bitmap *b)
{
    long d = 0;
    int top = a->baseline > b->baseline ? a->baseline : b->baseline;
    int below = (a->height - a->baseline) > (b->height - b->baseline) ? a->height - a->baseline
                                                                      : b->height - b->baseline;
    int w = a->width > b->width ? a->width : b->width;
    for (int row = -top; row < below; row++)
        for (int x = 0; x < w; x++) {
            int ya = a->baseline + row, yb = b->baseline + row;
            int ca = ya >= 0 && ya < a->height && x < a->width ? a->px[ya * a->width + x] : 0;
            int cb = yb >= 0 && yb < b->height && x < b->width ? b->coverage[yb * b->width + x] : 0;
            d += abs(ca - cb);
        }
    return d;
}

static size_t decode(const char *s, uint32_t *out, size_t cap)
{
    return utf8_decode(s, strlen(s), out, cap);
}

static void test_utf8_strict_decoding(void **state)
{
    (void)state;
    uint32_t cp[16];
    assert_int_equal(decode("S\xe1\xbb\x9f", cp, 16), 2);
    assert_int_equal(cp[1], 0x1EDF); /* ở */
    assert_int_equal(decode("\xf0\x9f\x98\x80", cp, 16), 1);
    assert_int_equal(cp[0], 0x1F600);
    static const struct {
        const char *in;
        size_t n;
        uint32_t first, last;
    } bad[] = {
        {"\xc0\xaf", 2, 0xFFFD, 0xFFFD},         /* overlong '/': two bad bytes */
        {"\xe0\x80\x80", 3, 0xFFFD, 0xFFFD},     /* overlong NUL */
        {"\xed\xa0\x80", 3, 0xFFFD, 0xFFFD},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, 0xFFFD, 0xFFFD}, /* above U+10FFFF */
        {"\xe1\xbb"
         "a",
         2, 0xFFFD, 'a'},                    /* cut short: one U+FFFD, then 'a' */
        {"\x80x", 2, 0xFFFD, 'x'},           /* stray continuation */
        {"\xf0\x9f\x98", 1, 0xFFFD, 0xFFFD}, /* cut at the end */
        {"\xff\xfe", 2, 0xFFFD, 0xFFFD},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = decode(bad[i].in, cp, 16);
        if (n != bad[i].n || cp[0] != bad[i].first || cp[n - 1] != bad[i].last)
            fail_msg("case %zu: %zu code points, first U+%04X last U+%04X", i, n, cp[0], cp[n - 1]);
    }
    assert_int_equal(decode("abcdef", cp, 3), 3); /* capacity respected */
}

static void test_composition(void **state)
{
    (void)state;
    uint32_t t1[] = {'o', 0x031B, 0x0309}; /* o + horn + hook above */
    assert_int_equal(unicode_compose_text(t1, 3), 1);
    assert_int_equal(t1[0], 0x1EDF);            /* ở */
    uint32_t t2[] = {'e', 0x0302, 0x0323, 'x'}; /* marks out of canonical order */
    assert_int_equal(unicode_compose_text(t2, 4), 2);
    assert_int_equal(t2[0], 0x1EC7); /* ệ */
    assert_int_equal(t2[1], 'x');
    uint32_t t3[] = {0x01A1, 0x0309}; /* precomposed ơ + hook */
    assert_int_equal(unicode_compose_text(t3, 2), 1);
    assert_int_equal(t3[0], 0x1EDF);
    uint32_t t4[] = {'x', 0x0301, 0x0301}; /* nothing to compose with */
    assert_int_equal(unicode_compose_text(t4, 3), 3);
    uint32_t t5[] = {0x0301, 'a', 0x0300}; /* leading mark stays, a + grave */
    assert_int_equal(unicode_compose_text(t5, 3), 2);
    assert_int_equal(t5[1], 0x00E0);
    uint32_t t6[] = {'a', 0x0301, 0x0301}; /* second acute is blocked */
    assert_int_equal(unicode_compose_text(t6, 3), 2);
    assert_int_equal(t6[0], 0x00E1);
    assert_int_equal(unicode_compose('D', 0x0301), 0);
    assert_int_equal(unicode_compose(0x00E2, 0x0301), 0x1EA5); /* â + acute = ấ */
}

/* Every letter of the Vietnamese alphabet with every tone has its own glyph. */
static void test_every_vietnamese_letter_has_a_glyph(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    static const uint32_t latin1[] = {
        0xC0,  0xC1,  0xC2,  0xC3,  0xC8,  0xC9,  0xCA,  0xCC,  0xCD,   0xD2,  0xD3,  0xD4,
        0xD5,  0xD9,  0xDA,  0xDD,  0xE0,  0xE1,  0xE2,  0xE3,  0xE8,   0xE9,  0xEA,  0xEC,
        0xED,  0xF2,  0xF3,  0xF4,  0xF5,  0xF9,  0xFA,  0xFD,  0x102,  0x103, 0x110, 0x111,
        0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x2026, 0xFFFD};
    for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0]; i++)
        if (!text_renderer_glyph_index(r, latin1[i])) fail_msg("U+%04X has no glyph", latin1[i]);
    for (uint32_t cp = 0x1EA0; cp <= 0x1EF9; cp++)
        if (!text_renderer_glyph_index(r, cp)) fail_msg("U+%04X has no glyph", cp);
    assert_int_equal(text_renderer_glyph_index(r, 0xE000), 0); /* private use: .notdef */
    text_renderer_free(r);
}

/* A letter with diacritics renders differently from its base letter, and the marks
 * are where they belong: above (tone marks, circumflex, breve), below (dot), at the
 * side (horn), through (đ). */
static void test_diacritics_differ_from_base_letters(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    static const struct {
        const char *letter, *base;
        int above, below; /* expect more ink above / below than the base */
    } cases[] = {
        {"ở", "o", 1, 0}, {"ế", "e", 1, 0}, {"ậ", "a", 1, 1}, {"ì", "i", 0, 0},
        {"ạ", "a", 0, 1}, {"ơ", "o", 1, 0}, {"ư", "u", 1, 0}, {"ă", "a", 1, 0},
        {"ỹ", "y", 1, 0}, {"ợ", "o", 1, 1}, {"Ở", "O", 1, 0}, {"Ậ", "A", 1, 1},
        {"Ệ", "E", 1, 1}, {"ủ", "u", 1, 0}, {"đ", "d", 0, 0}, {"Đ", "D", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct copy base = copy_of(text_renderer_render(r, cases[i].base, 40, 0));
        const struct text_bitmap *b = text_renderer_render(r, cases[i].letter, 40, 0);
        assert_non_null(b);
        long d = difference(&base, b);
        long base_ink =
            ink_sum(&(struct text_bitmap){base.width, base.height, base.baseline, base.px, false},
                    0, 0, base.width, base.height);
        if (d < base_ink / 20)
            fail_msg("%s looks like %s (difference %ld, ink %ld)", cases[i].letter, cases[i].base,
                     d, base_ink);
        struct text_bitmap bb = {base.width, base.height, base.baseline, base.px, false};
        if (cases[i].above && ink_top(b) < ink_top(&bb) + 3)
            fail_msg("%s: no mark above (top %d vs %d)", cases[i].letter, ink_top(b), ink_top(&bb));
        if (cases[i].below && ink_bottom(b) > ink_bottom(&bb) - 3)
            fail_msg("%s: no mark below (bottom %d vs %d)", cases[i].letter, ink_bottom(b),
                     ink_bottom(&bb));
        free(base.px);
    }
    text_renderer_free(r);
}

static void test_decomposed_matches_precomposed(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    struct copy pre = copy_of(text_renderer_render(r, "Sở Y tế Bình Thuận", 32, 0));
    /* o U+031B U+0309, e U+0302 U+0301, i U+0300, a U+0323 U+0302 (non-canonical order) */
    const struct text_bitmap *dec = text_renderer_render(
        r, "So\xcc\x9b\xcc\x89 Y te\xcc\x82\xcc\x81 Bi\xcc\x80nh Thua\xcc\xa3\xcc\x82n", 32, 0);
    assert_non_null(dec);
    assert_int_equal(dec->width, pre.width);
    assert_int_equal(dec->height, pre.height);
    assert_int_equal(difference(&pre, dec), 0);
    free(pre.px);

    /* A mark with no precomposed letter is still drawn, centred over its base. */
    struct copy x = copy_of(text_renderer_render(r, "x", 40, 0));
    const struct text_bitmap *xa = text_renderer_render(r, "x\xcc\x81", 40, 0);
    struct text_bitmap xb = {x.width, x.height, x.baseline, x.px, false};
    assert_true(ink_top(xa) >= ink_top(&xb) + 5);
    int mark_rows = xa->baseline - ink_top(&xb) - 2; /* rows above the x */
    long left = ink_sum(xa, 0, 0, xa->width / 2, mark_rows);
    long right = ink_sum(xa, xa->width / 2, 0, xa->width - xa->width / 2, mark_rows);
    assert_true(left > 0 && right > 0);
    assert_true(labs(left - right) < (left + right) / 2); /* roughly centred */
    free(x.px);
    /* Over a capital, an uncomposable mark is lifted clear of the letter. */
    struct copy cap = copy_of(text_renderer_render(r, "Q", 40, 0));
    const struct text_bitmap *qa = text_renderer_render(r, "Q\xcc\x81", 40, 0);
    struct text_bitmap cb = {cap.width, cap.height, cap.baseline, cap.px, false};
    assert_true(ink_top(qa) >= ink_top(&cb) + 5);
    free(cap.px);
    text_renderer_free(r);
}

/* Ink lies along the whole name, inside the bitmap, on the baseline. */
static void test_names_render(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    const char *names[] = {"Sở Y tế Bình Thuận", "UBND huyện Tuy Phong"};
    for (size_t i = 0; i < 2; i++) {
        const struct text_bitmap *b = text_renderer_render(r, names[i], 32, 0);
        assert_non_null(b);
        assert_false(b->truncated);
        assert_true(b->width > 200 && b->width < 400);
        assert_true(b->height >= 32 && b->height < 60);
        assert_true(b->baseline > b->height / 2 && b->baseline < b->height);
        /* Each eighth of the width has ink (no gap as wide as a word is missing). */
        for (int k = 0; k < 8; k++)
            if (ink_sum(b, k * b->width / 8, 0, b->width / 8, b->height) < 255 * 8)
                fail_msg("%s: no ink in eighth %d", names[i], k);
        /* Nothing in the bottom rows but descenders and dots below: far less than above. */
        long upper = ink_sum(b, 0, 0, b->width, b->baseline);
        long lower = ink_sum(b, 0, b->baseline, b->width, b->height - b->baseline);
        assert_true(lower * 8 < upper);
    }
    /* "UBND" starts with capitals reaching the cap height; "huyện" has a dot below. */
    const struct text_bitmap *b = text_renderer_render(r, "UBND huyện Tuy Phong", 32, 0);
    assert_true(ink_top(b) >= 22);
    assert_true(ink_bottom(b) <= -5); /* y and g descenders, dot below */
    text_renderer_free(r);
}

static void test_kerning(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    int a = text_renderer_render(r, "A", 40, 0)->width;
    int v = text_renderer_render(r, "V", 40, 0)->width;
    int av = text_renderer_render(r, "AV", 40, 0)->width;
    assert_true(av < a + v - 1);
    text_renderer_free(r);
}

static void test_invalid_utf8_does_not_crash(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    struct copy repl = copy_of(text_renderer_render(r, "\xef\xbf\xbd", 24, 0));
    const struct text_bitmap *b = text_renderer_render(r, "\xff", 24, 0);
    assert_non_null(b);
    assert_int_equal(difference(&repl, b), 0); /* a bad byte shows as U+FFFD */
    free(repl.px);
    srand(7);
    char buf[65];
    for (int i = 0; i < 500; i++) {
        int n = rand() % 64;
        for (int k = 0; k < n; k++) buf[k] = (char)(1 + rand() % 255);
        buf[n] = 0;
        b = text_renderer_render(r, buf, 8 + rand() % 40, rand() % 3 ? 0 : rand() % 300);
        assert_non_null(b);
        assert_true(b->width >= 0 && b->height >= 0);
        if (b->width) assert_true(b->coverage[(size_t)b->width * b->height - 1] <= 255);
    }
    assert_non_null(text_renderer_render(r, "", 24, 0));
    assert_int_equal(text_renderer_render(r, "", 24, 0)->width, 0);
    assert_null(text_renderer_render(r, "x", 2, 0));
    assert_null(text_renderer_render(r, NULL, 24, 0));
    text_renderer_free(r);
}

static void test_truncation_with_ellipsis(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    const char *name = "Sở Y tế Bình Thuận";
    int full = text_renderer_render(r, name, 24, 0)->width;
    /* Fits: the same bitmap as without a limit. */
    const struct text_bitmap *b = text_renderer_render(r, name, 24, full);
    assert_false(b->truncated);
    assert_int_equal(b->width, full);
    int ellipsis = text_renderer_render(r, "…", 24, 0)->width;
    assert_true(ellipsis > 5);
    for (int max = full - 1; max >= ellipsis; max -= 7) {
        b = text_renderer_render(r, name, 24, max);
        assert_non_null(b);
        assert_true(b->truncated);
        if (b->width > max || b->width == 0) fail_msg("max %d: width %d", max, b->width);
        struct copy got = copy_of(b);
        /* It is a prefix (cut at a character, no trailing space) plus "…". */
        const char *cuts[] = {"",
                              "S",
                              "Sở",
                              "Sở Y",
                              "Sở Y t",
                              "Sở Y tế",
                              "Sở Y tế B",
                              "Sở Y tế Bì",
                              "Sở Y tế Bìn",
                              "Sở Y tế Bình",
                              "Sở Y tế Bình T",
                              "Sở Y tế Bình Th",
                              "Sở Y tế Bình Thu",
                              "Sở Y tế Bình Thuậ"};
        bool found = false;
        for (size_t k = 0; k < sizeof cuts / sizeof cuts[0] && !found; k++) {
            char text[64];
            snprintf(text, sizeof text, "%s…", cuts[k]);
            const struct text_bitmap *want = text_renderer_render(r, text, 24, 0);
            found = want->width == got.width && difference(&got, want) == 0;
        }
        if (!found) fail_msg("max %d: not a prefix plus an ellipsis", max);
        free(got.px);
    }
    /* Not even the ellipsis fits: nothing. */
    b = text_renderer_render(r, name, 24, ellipsis - 1);
    assert_int_equal(b->width, 0);
    b = text_renderer_render(r, name, 24, ellipsis);
    assert_int_equal(b->width, ellipsis);
    text_renderer_free(r);
}

static void test_cache(void **state)
{
    (void)state;
    struct text_renderer_config cfg;
    text_renderer_config_init(&cfg);
    cfg.cache_entries = 2;
    struct text_renderer *r = text_renderer_new(&cfg);
    assert_non_null(r);
    const struct text_renderer_stats *st = text_renderer_stats(r);
    text_renderer_render(r, "UBND huyện Tuy Phong", 20, 0);
    text_renderer_render(r, "UBND huyện Tuy Phong", 20, 0);
    assert_int_equal(st->renders, 1);
    assert_int_equal(st->cache_hits, 1);
    text_renderer_render(r, "UBND huyện Tuy Phong", 30, 0);   /* another size */
    text_renderer_render(r, "UBND huyện Tuy Phong", 20, 100); /* another width */
    assert_int_equal(st->renders, 3);
    assert_int_equal(st->evictions, 1);
    text_renderer_render(r, "UBND huyện Tuy Phong", 20, 100);
    text_renderer_render(r, "UBND huyện Tuy Phong", 30, 0);
    assert_int_equal(st->renders, 3);
    assert_int_equal(st->cache_hits, 3);
    text_renderer_render(r, "UBND huyện Tuy Phong", 20, 0); /* evicted earlier */
    assert_int_equal(st->renders, 4);
    text_renderer_free(r);
}

static void test_missing_font(void **state)
{
    (void)state;
    struct text_renderer_config cfg;
    text_renderer_config_init(&cfg);
    cfg.font_path = "/nonexistent/font.ttf";
    assert_null(text_renderer_new(&cfg));
    cfg.font_path = "/etc/hostname"; /* not a font */
    assert_null(text_renderer_new(&cfg));
}

static void test_draw_on_i420(void **state)
{
    (void)state;
    struct text_renderer *r = new_renderer();
    AVFrame *pic = synth_picture(320, 120, 160, 60, 200);
    assert_non_null(pic);
    const struct text_bitmap *b = text_renderer_render(r, "Bình", 32, 0);
    struct text_style style = {235, 128, 4, 0};
    text_draw(pic, b, 41, 31, &style, (struct text_rect){0, 0, 320, 120});
    struct text_rect box = text_box(b, 41, 31, &style);
    assert_true(box.x % 2 == 0 && box.y % 2 == 0 && box.w % 2 == 0 && box.h % 2 == 0);
    assert_true(box.x <= 37 && box.y <= 27 && box.x + box.w >= 41 + b->width + 4);
    /* Outside the box: untouched. */
    assert_true(synth_mean(pic, 0, 0, 0, 320, box.y) == 160);
    assert_true(synth_mean(pic, 0, box.x + box.w, 0, 320 - box.x - box.w, 120) == 160);
    assert_true(synth_mean(pic, 1, 0, box.y + box.h, 320, 120 - box.y - box.h) == 60);
    /* In the box's padding: darker, chroma half-way to neutral. */
    double pad_y = synth_mean(pic, 0, box.x, box.y, box.w, 2);
    assert_true(pad_y > 85 && pad_y < 91); /* 160 -> 16 by 128/255 */
    double pad_u = synth_mean(pic, 1, box.x, box.y, box.w, 2);
    assert_true(pad_u > 92 && pad_u < 96);
    /* The glyph stems are near white. */
    int brightest = 0;
    for (int y = box.y; y < box.y + box.h; y++)
        for (int x = box.x; x < box.x + box.w; x++)
            if (pic->data[0][y * pic->linesize[0] + x] > brightest)
                brightest = pic->data[0][y * pic->linesize[0] + x];
    assert_true(brightest >= 230);
    /* Clipping: drawing half outside the clip leaves the outside alone. */
    AVFrame *pic2 = synth_picture(320, 120, 160, 128, 128);
    text_draw(pic2, b, -20, 100, &style, (struct text_rect){0, 0, 160, 110});
    assert_true(synth_mean(pic2, 0, 0, 110, 320, 10) == 160);
    assert_true(synth_mean(pic2, 0, 0, 100, 40, 10) < 160);
    av_frame_free(&pic);
    av_frame_free(&pic2);
    text_renderer_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_strict_decoding),
        cmocka_unit_test(test_composition),
        cmocka_unit_test(test_every_vietnamese_letter_has_a_glyph),
        cmocka_unit_test(test_diacritics_differ_from_base_letters),
        cmocka_unit_test(test_decomposed_matches_precomposed),
        cmocka_unit_test(test_names_render),
        cmocka_unit_test(test_kerning),
        cmocka_unit_test(test_invalid_utf8_does_not_crash),
        cmocka_unit_test(test_truncation_with_ellipsis),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_missing_font),
        cmocka_unit_test(test_draw_on_i420),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
