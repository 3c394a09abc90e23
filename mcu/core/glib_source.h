/* glib_source.h - GLib sources the mcu keeps a reference to (GSource *, attached to a
 * main context, NULL when there is none). */
#ifndef HOINGHI_MCU_CORE_GLIB_SOURCE_H
#define HOINGHI_MCU_CORE_GLIB_SOURCE_H

#include <glib.h>

/* Destroys *source (it will not fire again), drops our reference and sets it to NULL.
 * Nothing happens when *source is NULL. */
void glib_source_stop(GSource **source);

#endif
