/* delay_stats.h - the glass-to-glass instrument's delays and their figures, shared by
 * its readers (timecode_probe.c for video, click_probe.c for audio): delays in
 * milliseconds added from streaming threads, the first ones left out (start-up), and
 * count, mean, nearest-rank p50 and p99, min and max computed for the --stats line and
 * the summary. Thread-safe. */
#ifndef HOINGHI_ROOM_DELAY_STATS_H
#define HOINGHI_ROOM_DELAY_STATS_H

#include <glib.h>

struct delay_stats;

struct delay_figures {
    guint count;
    double mean;
    guint32 p50, p99, min, max; /* 0 when count is 0 */
};

/* Delays added within warmup_s seconds of the first one added are not counted
 * (encoder rate control, jitter buffers and keyframe requests settle). */
struct delay_stats *delay_stats_new(int warmup_s);

/* Adds one delay measured at now_us (monotonic, g_get_monotonic_time()). */
void delay_stats_add(struct delay_stats *s, gint64 now_us, guint32 delay_ms);

struct delay_figures delay_stats_figures(struct delay_stats *s);

/* "WHAT N COUNTED, mean M ms, p50 P ms, p99 Q ms", e.g. "clicks 18 heard, mean ..."
 * (g_free it). */
char *delay_figures_line(const struct delay_figures *f, const char *what, const char *counted);

/* "PREFIX_COUNT=N PREFIX_mean_ms=M PREFIX_p50_ms=P PREFIX_p99_ms=Q PREFIX_min_ms=A
 * PREFIX_max_ms=B", e.g. PREFIX "click", COUNT "count" (g_free it). */
char *delay_figures_fields(const struct delay_figures *f, const char *prefix, const char *count);

void delay_stats_free(struct delay_stats *s);

#endif
