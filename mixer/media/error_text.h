/* error_text.h - the mixer library's one way to fill a caller's error buffer
 * (char *err, size_t errlen): printf-style, safe with err NULL or errlen 0, and a
 * message that does not fit is cut at a UTF-8 character boundary (messages may quote
 * user text, e.g. Vietnamese names), never in the middle of a character. */
#ifndef HOINGHI_MIXER_MEDIA_ERROR_TEXT_H
#define HOINGHI_MIXER_MEDIA_ERROR_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the message into err (at most errlen bytes with the NUL). Nothing happens
 * when err is NULL or errlen is 0. */
void error_text_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void error_text_vset(char *err, size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Cuts the NUL-terminated text in buf (of `len` bytes) back to its last whole
 * UTF-8 character; for a text a fixed-size copy may have cut. */
void error_text_trim_utf8(char *buf, size_t len);

#endif
