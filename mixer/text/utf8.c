/* utf8.c - strict UTF-8 decoding with U+FFFD for maximal ill-formed subparts.
 * See utf8.h. The table of valid second bytes is Unicode's Table 3-7. */
#include "mixer/text/utf8.h"

uint32_t utf8_next(const uint8_t **s, const uint8_t *end)
{
    const uint8_t *p = *s;
    uint8_t lead = *p++;
    int more;
    uint8_t lo = 0x80, hi = 0xBF; /* valid range of the second byte */
    uint32_t cp;

    if (lead < 0x80) {
        *s = p;
        return lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        more = 1;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        more = 2;
        cp = lead & 0x0F;
        if (lead == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (lead == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        more = 3;
        cp = lead & 0x07;
        if (lead == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (lead == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        *s = p; /* continuation byte, C0/C1 or F5..FF: one byte, one U+FFFD */
        return UTF8_REPLACEMENT;
    }
    for (int i = 0; i < more; i++) {
        if (p == end || *p < lo || *p > hi) {
            *s = p; /* the offending byte starts the next character */
            return UTF8_REPLACEMENT;
        }
        cp = (cp << 6) | (*p++ & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *s = p;
    return cp;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *out, size_t cap)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    size_t n = 0;
    while (p < end && n < cap) out[n++] = utf8_next(&p, end);
    return n;
}
