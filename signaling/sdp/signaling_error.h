/* signaling_error.h - the signaling library's one way to fill an error buffer (char
 * *err, size_t errlen): printf-style, safe with err NULL or errlen 0, and a message
 * that does not fit is cut at a UTF-8 character boundary (messages may quote what a
 * peer sent), never in the middle of a character. The same contract as the mixer's
 * mixer/media/error_text.h; libsignaling links nothing of libmixer, so it has its own. */
#ifndef HOINGHI_SIGNALING_SDP_SIGNALING_ERROR_H
#define HOINGHI_SIGNALING_SDP_SIGNALING_ERROR_H

#include <stdarg.h>
#include <stddef.h>

void signaling_error_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void signaling_error_vset(char *err, size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
