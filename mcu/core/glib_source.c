/* glib_source.c - see glib_source.h. */
#include "mcu/core/glib_source.h"

void glib_source_stop(GSource **source)
{
    if (!*source) return;
    g_source_destroy(*source);
    g_source_unref(*source);
    *source = NULL;
}
