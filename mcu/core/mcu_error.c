/* mcu_error.c - see mcu_error.h. */
#include "mcu/core/mcu_error.h"

#include "mixer/media/error_text.h"

void mcu_error_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
    error_text_vset(err, errlen, fmt, ap);
}

void mcu_error_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_text_vset(err, errlen, fmt, ap);
    va_end(ap);
}
