/* util.h - two small helpers shared by every client/room file and the webrtcbin test
 * peer (tests/integration/webrtc_peer/): stopping a GLib source held by its id, and
 * setting a g_malloc'd error message. */
#ifndef HOINGHI_ROOM_UTIL_H
#define HOINGHI_ROOM_UTIL_H

#include <glib.h>

/* Removes the source *id from the default main context when it is not 0, and sets
 * *id to 0. For a source that is still pending (a timer or idle that has not
 * finished): one that already returned G_SOURCE_REMOVE must have cleared its id. */
void room_stop_source(guint *id);

/* Sets *error to the formatted message (g_free it) unless error is NULL or *error is
 * already set: the first error wins. */
void room_set_error(char **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
