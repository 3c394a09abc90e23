/* mcu_error.h - the mcu library's one way to fill a caller's error buffer (char *err,
 * size_t errlen): printf-style, safe with err NULL or errlen 0, a message that does
 * not fit cut at a UTF-8 character boundary (it is the mixer's error_text underneath,
 * mixer/media/error_text.h). */
#ifndef HOINGHI_MCU_CORE_MCU_ERROR_H
#define HOINGHI_MCU_CORE_MCU_ERROR_H

#include <stdarg.h>
#include <stddef.h>

void mcu_error_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mcu_error_vset(char *err, size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
