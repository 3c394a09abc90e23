/* util.c - small helpers shared by client/room and the test peer; see util.h. */
#include "client/room/util.h"

void room_stop_source(guint *id)
{
    if (*id != 0) {
        g_source_remove(*id);
        *id = 0;
    }
}

void room_set_error(char **error, const char *fmt, ...)
{
    va_list ap;

    if (error == NULL || *error != NULL) return;
    va_start(ap, fmt);
    *error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}
