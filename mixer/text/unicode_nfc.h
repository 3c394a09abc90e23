/* unicode_nfc.h - just enough Unicode normalisation for name labels: canonical
 * ordering and canonical composition (NFC's second half) of Latin letters with the
 * Combining Diacritical Marks (U+0300..U+036F). Text typed decomposed - "o" U+031B
 * U+0309, as some Vietnamese keyboards and macOS produce - becomes the precomposed
 * "ở" the font has a designed glyph for. Input is expected to be precomposed or
 * canonically decomposed already (no full decomposition step: precomposed letters
 * stay as they are, and compose further with marks that follow them, e.g. "ơ" U+0309
 * -> "ở"). Marks that compose with nothing are left for the renderer to place. */
#ifndef HOINGHI_MIXER_UNICODE_NFC_H
#define HOINGHI_MIXER_UNICODE_NFC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for a zero-width combining mark: U+0300..U+036F, U+1AB0..U+1AFF,
 * U+1DC0..U+1DFF, U+20D0..U+20FF, U+FE20..U+FE2F. */
bool unicode_is_mark(uint32_t cp);

/* Canonical combining class: exact for U+0300..U+036F, 230 ("above") for the other
 * mark blocks, 0 for everything else. */
int unicode_combining_class(uint32_t cp);

/* The precomposed character for base + mark, or 0 if there is none. */
uint32_t unicode_compose(uint32_t base, uint32_t mark);

/* Reorders each run of marks by combining class (stably) and composes in place, as
 * NFC's canonical composition does. Returns the new length (<= n). */
size_t unicode_compose_text(uint32_t *cps, size_t n);

#endif
