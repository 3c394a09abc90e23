/* elements.h - are the GStreamer elements a pipeline needs installed? Says which
 * Debian package has each missing one, so a missing plugin is a clear message and
 * exit status 1, not a pipeline that silently does nothing. */
#ifndef HOINGHI_ROOM_ELEMENTS_H
#define HOINGHI_ROOM_ELEMENTS_H

#include <glib.h>

/* Checks every factory name of the NULL-terminated list. FALSE with *error set
 * (g_free it) naming each missing element and its package. */
gboolean elements_check(const char *const *factories, char **error);

#endif
