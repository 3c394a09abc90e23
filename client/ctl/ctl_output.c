/* ctl_output.c - mcuctl's output and time arguments: aligned tables for people,
 * JSON for scripts, API times shown as the API gives them (the conference's zone) with
 * that zone, command-line times turned into ISO 8601 for the API (a time without an
 * offset stays without one: the API reads it in the conference's zone, docs/api.md). */
#include "client/ctl/ctl.h"

#include <stdio.h>
#include <string.h>

void ctl_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (text) printf("%s\n", text);
    free(text);
}

char *ctl_json_text(json_t *v)
{
    if (!v || json_is_null(v)) return g_strdup("-");
    if (json_is_string(v)) return g_strdup(json_string_value(v));
    if (json_is_integer(v)) return g_strdup_printf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return g_strdup_printf("%.1f", json_real_value(v));
    if (json_is_boolean(v)) return g_strdup(json_is_true(v) ? "yes" : "no");
    char *text = json_dumps(v, JSON_COMPACT);
    char *copy = g_strdup(text);
    free(text);
    return copy;
}

static size_t width_of(const char *s)
{
    return g_utf8_validate(s, -1, NULL) ? (size_t)g_utf8_strlen(s, -1) : strlen(s);
}

void ctl_print_table(const char *const *columns, GPtrArray *rows)
{
    size_t n = 0;
    while (columns[n]) n++;
    size_t *widths = g_new0(size_t, n);
    for (size_t c = 0; c < n; c++) widths[c] = width_of(columns[c]);
    for (guint r = 0; r < rows->len; r++) {
        char **row = rows->pdata[r];
        for (size_t c = 0; c < n && row[c]; c++)
            if (width_of(row[c]) > widths[c]) widths[c] = width_of(row[c]);
    }
    for (size_t c = 0; c < n; c++)
        printf("%s%*s", columns[c], c + 1 < n ? (int)(widths[c] - width_of(columns[c]) + 2) : 0,
               "");
    printf("\n");
    for (guint r = 0; r < rows->len; r++) {
        char **row = rows->pdata[r];
        for (size_t c = 0; c < n && row[c]; c++)
            printf("%s%*s", row[c], c + 1 < n ? (int)(widths[c] - width_of(row[c]) + 2) : 0, "");
        printf("\n");
    }
    g_free(widths);
}

/* "90s", "2m", "1h30m", "1d" -> seconds; -1 if not a duration. */
static gint64 parse_duration(const char *text)
{
    gint64 total = 0;
    const char *p = text;
    if (!*p) return -1;
    while (*p) {
        if (!g_ascii_isdigit(*p)) return -1;
        char *end;
        gint64 n = g_ascii_strtoll(p, &end, 10);
        gint64 unit = *end == 'd'   ? 86400
                      : *end == 'h' ? 3600
                      : *end == 'm' ? 60
                      : *end == 's' ? 1
                                    : -1;
        if (unit < 0 || n > 10000000) return -1;
        total += n * unit;
        p = end + 1;
    }
    return total;
}

char *ctl_time_arg(const char *text)
{
    if (!text) return NULL;
    if (strcmp(text, "now") == 0) return g_strdup("now");
    GDateTime *dt = NULL;
    const char *format = "%Y-%m-%dT%H:%M:%S%:z";
    if (text[0] == '+') {
        gint64 d = parse_duration(text + 1);
        if (d < 0) return NULL;
        GDateTime *now = g_date_time_new_now_utc();
        dt = g_date_time_add_seconds(now, (gdouble)d);
        g_date_time_unref(now);
    } else {
        char buf[80];
        g_strlcpy(buf, text, sizeof buf);
        if (strlen(buf) > 10 && buf[10] == ' ') buf[10] = 'T';
        if (strlen(buf) == 16) g_strlcat(buf, ":00", sizeof buf);
        dt = g_date_time_new_from_iso8601(buf, NULL); /* fails without an offset */
        if (!dt) {
            /* No offset: checked as a time, passed on without one. */
            GTimeZone *utc = g_time_zone_new_utc();
            dt = g_date_time_new_from_iso8601(buf, utc);
            g_time_zone_unref(utc);
            format = "%Y-%m-%dT%H:%M:%S";
        }
    }
    if (!dt) return NULL;
    char *iso = g_date_time_format(dt, format);
    g_date_time_unref(dt);
    return iso;
}

gint64 ctl_time_arg_latest(const char *iso)
{
    if (!iso || strcmp(iso, "now") == 0) return g_get_real_time() / G_USEC_PER_SEC;
    GDateTime *dt = g_date_time_new_from_iso8601(iso, NULL);
    gint64 slack = 0;
    if (!dt) {
        GTimeZone *utc = g_time_zone_new_utc();
        dt = g_date_time_new_from_iso8601(iso, utc);
        g_time_zone_unref(utc);
        slack = 12 * 3600; /* the westmost zone, UTC-12 */
    }
    if (!dt) return 0;
    gint64 t = g_date_time_to_unix(dt) + slack;
    g_date_time_unref(dt);
    return t;
}

/* The API's offset as a zone: "+07", "+05:30", "UTC" for Z. */
static char *zone_text(GDateTime *dt)
{
    GTimeSpan off = g_date_time_get_utc_offset(dt) / G_USEC_PER_SEC;
    if (off == 0) return g_strdup("UTC");
    long a = (long)(off < 0 ? -off : off);
    if (a % 3600)
        return g_strdup_printf("%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
    return g_strdup_printf("%c%02ld", off < 0 ? '-' : '+', a / 3600);
}

static char *local_time(json_t *iso, const char *format)
{
    const char *text = json_string_value(iso);
    if (!text) return g_strdup("-");
    GDateTime *dt = g_date_time_new_from_iso8601(text, NULL);
    if (!dt) return g_strdup(text);
    char *when = g_date_time_format(dt, format);
    char *zone = zone_text(dt);
    char *out = g_strdup_printf("%s %s", when, zone);
    g_free(when);
    g_free(zone);
    g_date_time_unref(dt);
    return out;
}

char *ctl_local_time(json_t *iso) { return local_time(iso, "%Y-%m-%d %H:%M"); }
char *ctl_local_time_seconds(json_t *iso) { return local_time(iso, "%Y-%m-%d %H:%M:%S"); }

char *ctl_time_in_words(json_t *iso)
{
    const char *text = json_string_value(iso);
    if (!text) return NULL;
    GDateTime *dt = g_date_time_new_from_iso8601(text, NULL);
    if (!dt) return NULL;
    gint64 d = g_date_time_to_unix(dt) - g_get_real_time() / G_USEC_PER_SEC;
    g_date_time_unref(dt);
    gint64 a = d < 0 ? -d : d;
    char span[32];
    if (a < 60) return g_strdup("now");
    if (a < 3600)
        snprintf(span, sizeof span, "%lld min", (long long)(a / 60));
    else if (a < 2 * 86400)
        snprintf(span, sizeof span, "%lld h", (long long)((a + 1800) / 3600));
    else
        snprintf(span, sizeof span, "%lld days", (long long)((a + 43200) / 86400));
    return g_strdup_printf(d > 0 ? "in %s" : "%s ago", span);
}
