/* store_scrub.c - overwriting what a secret left behind in the database file; see
 * store.h (store_scrub). */
#include "mcu/store/store_internal.h"

#include "mcu/core/log.h"

int store_scrub(struct store *s)
{
    char *message = NULL;
    /* secure_delete: freed cells and pages are zeroed from now on (this connection);
     * the checkpoint moves the rewritten pages into the main file and empties the WAL. */
    int rc = sqlite3_exec(s->db, "PRAGMA secure_delete = ON; PRAGMA wal_checkpoint(TRUNCATE);",
                          NULL, NULL, &message);
    if (rc != SQLITE_OK) {
        log_error("store: cannot scrub %s: %s", s->path, message ? message : sqlite3_errmsg(s->db));
        sqlite3_free(message);
        return STORE_ERROR;
    }
    return STORE_OK;
}
