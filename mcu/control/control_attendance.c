/* control_attendance.c - the attendance record behind the meeting report: each room's
 * join and leave into the store (store_attendance.c), with the occurrence of a stored
 * conference, and at start-up the stays a crash left open are ended. See control.h. */
#include "mcu/control/control_internal.h"

#include "mcu/core/log.h"

void control_record_attendance(struct control *control, const char *conference_id,
                               const char *participant_id, const char *name,
                               const char *left_reason)
{
    if (!control || !conference_id || !participant_id) return;
    int64_t now_ms = g_get_real_time() / 1000;
    if (left_reason) {
        int rc = store_attendance_leave(control->store, conference_id, participant_id, now_ms,
                                        left_reason);
        if (rc == STORE_ERROR)
            log_warn("attendance: cannot record that %s left %s", participant_id, conference_id);
        return;
    }
    struct store_conference c;
    int occurrence = 0; /* a conference of the config file has none */
    if (store_conference_get(control->store, conference_id, &c) == STORE_OK) {
        occurrence = c.occurrence;
        store_conference_clear(&c);
    }
    struct store_stay stay = {
        .conference_id = (char *)conference_id,
        .occurrence = occurrence,
        .participant_id = (char *)participant_id,
        .room = (char *)name,
        .joined_ms = now_ms,
    };
    if (store_attendance_join(control->store, &stay, NULL) != STORE_OK)
        log_warn("attendance: cannot record that %s joined %s", participant_id, conference_id);
}

int control_close_stale_attendance(struct control *control)
{
    int closed = store_attendance_close_open(control->store, g_get_real_time() / 1000,
                                             CONTROL_ATTENDANCE_STALE_REASON);
    if (closed > 0)
        log_warn("attendance: %d stays were still open from before this start (mcud did not "
                 "stop cleanly); ended now",
                 closed);
    return closed;
}
