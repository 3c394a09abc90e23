/* signaling_error.c - see signaling_error.h. */
#include "signaling/sdp/signaling_error.h"

#include <stdio.h>

/* Cuts the last character of the `len` bytes in buf if its UTF-8 sequence is not whole. */
static void trim_utf8(char *buf, size_t len)
{
    size_t start = len;
    while (start > 0 && len - start < 4) {
        unsigned char b = (unsigned char)buf[start - 1];
        start--;
        if ((b & 0xc0) != 0x80) break;
    }
    if (start == len) return;
    unsigned char lead = (unsigned char)buf[start];
    size_t need = lead >= 0xf0 && lead <= 0xf7   ? 4
                  : lead >= 0xe0 && lead <= 0xef ? 3
                  : lead >= 0xc0                 ? 2
                                                 : 1;
    if (need > len - start) buf[start] = '\0';
}

void signaling_error_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (!err || errlen == 0) return;
    int n = vsnprintf(err, errlen, fmt, ap);
    if (n < 0) {
        err[0] = '\0';
        return;
    }
    if ((size_t)n >= errlen) trim_utf8(err, errlen - 1);
}

void signaling_error_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    signaling_error_vset(err, errlen, fmt, ap);
    va_end(ap);
}
