/* schedule.c - time parsing, formatting and recurrence; see schedule.h. */
#include "mcu/control/schedule.h"

#include <ctype.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DURATION (31 * 86400)

bool schedule_timezone_valid(const char *tz)
{
    if (!tz || !tz[0] || strlen(tz) > 64) return false;
    GTimeZone *zone = g_time_zone_new_identifier(tz);
    if (!zone) return false;
    g_time_zone_unref(zone);
    return true;
}

int schedule_parse_time(const char *text, const char *tz, int64_t *out)
{
    if (!text || strlen(text) < 10 || strlen(text) > 64) return -1;
    GTimeZone *zone = g_time_zone_new_identifier(tz ? tz : SCHEDULE_DEFAULT_TIMEZONE);
    if (!zone) return -1;
    char buf[80];
    g_strlcpy(buf, text, sizeof buf);
    if (buf[10] == ' ') buf[10] = 'T';
    /* "YYYY-MM-DDTHH:MM" has no seconds: GLib wants them. */
    if (strlen(buf) == 16) g_strlcat(buf, ":00", sizeof buf);
    GDateTime *dt = g_date_time_new_from_iso8601(buf, zone);
    g_time_zone_unref(zone);
    if (!dt) return -1;
    *out = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return 0;
}

char *schedule_format_time(int64_t t, const char *tz)
{
    GTimeZone *zone = g_time_zone_new_identifier(tz ? tz : SCHEDULE_DEFAULT_TIMEZONE);
    if (!zone) zone = g_time_zone_new_utc();
    GDateTime *utc = g_date_time_new_from_unix_utc(t);
    GDateTime *local = utc ? g_date_time_to_timezone(utc, zone) : NULL;
    char *text = local ? g_date_time_format(local, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
    if (local) g_date_time_unref(local);
    if (utc) g_date_time_unref(utc);
    g_time_zone_unref(zone);
    return text ? text : g_strdup("invalid");
}

int schedule_parse_duration(const char *text, int64_t *seconds)
{
    if (!text || !*text) return -1;
    const char *p = text;
    int64_t total = 0;
    bool any_unit = false;
    while (*p) {
        if (!isdigit((unsigned char)*p)) return -1;
        char *end;
        long long n = strtoll(p, &end, 10);
        if (n < 0 || n > MAX_DURATION || end - p > 8) return -1;
        int64_t unit;
        switch (*end) {
        case 'd': unit = 86400; break;
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        case 's': unit = 1; break;
        case '\0':
            if (any_unit) return -1; /* "1h30" is ambiguous */
            unit = 1;
            break;
        default: return -1;
        }
        total += n * unit;
        if (total > MAX_DURATION) return -1;
        p = *end ? end + 1 : end;
        any_unit = true;
    }
    if (total <= 0) return -1;
    *seconds = total;
    return 0;
}

bool schedule_occurrence(const struct store_conference *c, int k, struct schedule_window *out)
{
    if (k < 0) return false;
    if (c->recurrence == STORE_RECUR_NONE && k > 0) return false;
    if (c->recur_count > 0 && k >= c->recur_count) return false;
    int64_t start = c->start;
    if (k > 0) {
        GTimeZone *zone =
            g_time_zone_new_identifier(c->timezone ? c->timezone : SCHEDULE_DEFAULT_TIMEZONE);
        if (!zone) zone = g_time_zone_new_utc();
        GDateTime *utc = g_date_time_new_from_unix_utc(c->start);
        GDateTime *first = g_date_time_to_timezone(utc, zone);
        int days = c->recurrence == STORE_RECUR_WEEKLY ? 7 * k : k;
        GDateTime *kth = g_date_time_add_days(first, days);
        start = g_date_time_to_unix(kth);
        g_date_time_unref(kth);
        g_date_time_unref(first);
        g_date_time_unref(utc);
        g_time_zone_unref(zone);
    }
    if (k > 0 && c->recur_until > 0 && start > c->recur_until) return false;
    out->start = start;
    out->end = c->duration > 0 ? start + c->duration : SCHEDULE_FOREVER;
    return true;
}
