/* utf8.h - a strict UTF-8 decoder for text that comes from outside (room names).
 * Invalid input never stops decoding: each maximal ill-formed subpart (Unicode
 * chapter 3, "U+FFFD substitution of maximal subparts") becomes one U+FFFD, so an
 * overlong form, a surrogate, a value above U+10FFFF, a stray continuation byte or a
 * sequence cut short all show as a replacement character and decoding resumes at the
 * next byte that could start a character. */
#ifndef HOINGHI_MIXER_UTF8_H
#define HOINGHI_MIXER_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes the code point at *s (s < end) and advances *s past it (at least one
 * byte). Returns the code point, or UTF8_REPLACEMENT for an ill-formed subpart. */
uint32_t utf8_next(const uint8_t **s, const uint8_t *end);

/* Decodes up to `cap` code points of the `len` bytes at `s` into `out`; returns how
 * many were written (bytes beyond `cap` code points are ignored). */
size_t utf8_decode(const char *s, size_t len, uint32_t *out, size_t cap);

#endif
