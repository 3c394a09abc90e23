/* unicode_nfc.c - canonical ordering and composition over the generated Latin
 * tables. See unicode_nfc.h; the algorithm is UAX #15's sample composition. */
#include "mixer/text/unicode_nfc.h"

#include "mixer/text/unicode_tables.h"

bool unicode_is_mark(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F);
}

int unicode_combining_class(uint32_t cp)
{
    if (cp >= 0x0300 && cp <= 0x036F) return unicode_mark_classes[cp - 0x0300];
    return unicode_is_mark(cp) ? 230 : 0;
}

uint32_t unicode_compose(uint32_t base, uint32_t mark)
{
    if (base > 0xFFFF || mark < 0x0300 || mark > 0x036F) return 0;
    size_t lo = 0, hi = unicode_composition_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct unicode_composition *e = &unicode_compositions[mid];
        if (e->base == base && e->mark == mark) return e->composed;
        if (e->base < base || (e->base == base && e->mark < mark))
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Stable insertion sort of each run of marks (class > 0) by class. */
static void canonical_order(uint32_t *cps, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int cc = unicode_combining_class(cps[i]);
        if (cc == 0) continue;
        uint32_t cp = cps[i];
        size_t j = i;
        while (j > 0) {
            int prev = unicode_combining_class(cps[j - 1]);
            if (prev == 0 || prev <= cc) break;
            cps[j] = cps[j - 1];
            j--;
        }
        cps[j] = cp;
    }
}

size_t unicode_compose_text(uint32_t *cps, size_t n)
{
    if (n < 2) return n;
    canonical_order(cps, n);
    size_t starter = 0, out = 1;
    int last_class = unicode_combining_class(cps[0]) ? 256 : 0;
    for (size_t i = 1; i < n; i++) {
        uint32_t cp = cps[i];
        int cc = unicode_combining_class(cp);
        uint32_t composed = last_class == 256 ? 0 : unicode_compose(cps[starter], cp);
        if (composed && (last_class < cc || last_class == 0)) {
            cps[starter] = composed;
            continue;
        }
        if (cc == 0) {
            starter = out;
            last_class = 0;
        } else {
            last_class = cc;
        }
        cps[out++] = cp;
    }
    return out;
}
