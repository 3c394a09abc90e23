/* error_text.c - see error_text.h. */
#include "mixer/media/error_text.h"

#include <stdio.h>

/* Bytes in the UTF-8 sequence that starts with lead byte b (1 for anything else). */
static size_t sequence_length(unsigned char b)
{
    if (b >= 0xf0 && b <= 0xf7) return 4;
    if (b >= 0xe0) return b <= 0xef ? 3 : 1;
    if (b >= 0xc0) return 2;
    return 1;
}

void error_text_trim_utf8(char *buf, size_t len)
{
    /* Walk back over at most 3 continuation bytes to the start of the last character;
     * if that character needs more bytes than are there, it was cut: drop it. */
    size_t start = len;
    while (start > 0 && len - start < 4) {
        unsigned char b = (unsigned char)buf[start - 1];
        start--;
        if ((b & 0xc0) != 0x80) break;
    }
    if (start < len && sequence_length((unsigned char)buf[start]) > len - start) buf[start] = '\0';
}

void error_text_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (!err || errlen == 0) return;
    int n = vsnprintf(err, errlen, fmt, ap);
    if (n < 0) {
        err[0] = '\0';
        return;
    }
    if ((size_t)n >= errlen) error_text_trim_utf8(err, errlen - 1);
}

void error_text_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_text_vset(err, errlen, fmt, ap);
    va_end(ap);
}
