/* schedule.h - time arithmetic for scheduled conferences: ISO 8601 times in a time
 * zone, durations ("90m", "1h30m"), and the occurrences of a recurring conference
 * (daily or weekly at the same wall-clock time in the conference's time zone, so a
 * daylight-saving change keeps 09:00 at 09:00). Pure functions over GLib's GDateTime;
 * times are unix seconds. */
#ifndef HOINGHI_MCU_SCHEDULE_H
#define HOINGHI_MCU_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/store/store.h"

#define SCHEDULE_DEFAULT_TIMEZONE "Asia/Ho_Chi_Minh"
#define SCHEDULE_FOREVER          INT64_MAX

/* True for a time zone GLib knows (IANA name like "Europe/Berlin", or "UTC"). */
bool schedule_timezone_valid(const char *tz);

/* Parses "2025-03-01T09:00:00+07:00", "2025-03-01T09:00" or "2025-03-01 09:00" (no
 * offset: wall-clock time in `tz`). Returns 0, or -1. */
int schedule_parse_time(const char *text, const char *tz, int64_t *out);

/* Formats `t` as ISO 8601 with the offset of `tz`, e.g. "2025-03-01T09:00:00+07:00".
 * Returns a g_malloc'd string. */
char *schedule_format_time(int64_t t, const char *tz);

/* Parses "90m", "1h30m", "2h", "45s", "1d" or a bare number of seconds. Returns 0, or
 * -1 (also for zero, negative and over 31 days). */
int schedule_parse_duration(const char *text, int64_t *seconds);

/* One occurrence: [start, end), end SCHEDULE_FOREVER when open-ended. */
struct schedule_window {
    int64_t start, end;
};

/* Occurrence `k` (0 = the first) of the conference. False when there is none (past
 * the count or the until date). */
bool schedule_occurrence(const struct store_conference *c, int k, struct schedule_window *out);

#endif
