/* delay_stats.c - the instrument's delays and their figures; see delay_stats.h. */
#include "client/room/delay_stats.h"

#include <stdlib.h>

struct delay_stats {
    GMutex lock;
    GArray *delays_ms; /* guint32, the counted delays */
    gint64 warmup_us;
    gint64 first_us; /* monotonic time of the first delay added, 0 = none yet */
};

struct delay_stats *delay_stats_new(int warmup_s)
{
    struct delay_stats *s = g_new0(struct delay_stats, 1);
    g_mutex_init(&s->lock);
    s->delays_ms = g_array_new(FALSE, FALSE, sizeof(guint32));
    s->warmup_us = (gint64)warmup_s * G_USEC_PER_SEC;
    return s;
}

void delay_stats_add(struct delay_stats *s, gint64 now_us, guint32 delay_ms)
{
    g_mutex_lock(&s->lock);
    if (!s->first_us) s->first_us = now_us;
    if (now_us - s->first_us >= s->warmup_us) g_array_append_val(s->delays_ms, delay_ms);
    g_mutex_unlock(&s->lock);
}

static int compare_u32(const void *a, const void *b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentiles of the counted delays. */
struct delay_figures delay_stats_figures(struct delay_stats *s)
{
    struct delay_figures f = {0};
    guint32 *sorted;
    double sum = 0;

    g_mutex_lock(&s->lock);
    f.count = s->delays_ms->len;
    sorted = g_memdup2(s->delays_ms->data, (gsize)f.count * sizeof(guint32));
    g_mutex_unlock(&s->lock);
    if (f.count == 0) {
        g_free(sorted);
        return f;
    }
    qsort(sorted, f.count, sizeof(guint32), compare_u32);
    for (guint i = 0; i < f.count; i++) sum += sorted[i];
    f.mean = sum / f.count;
    f.p50 = sorted[(f.count + 1) / 2 - 1];
    f.p99 = sorted[(guint)((99.0 * f.count + 99) / 100) - 1];
    f.min = sorted[0];
    f.max = sorted[f.count - 1];
    g_free(sorted);
    return f;
}

char *delay_figures_line(const struct delay_figures *f, const char *what, const char *counted)
{
    return g_strdup_printf("%s %u %s, mean %.1f ms, p50 %u ms, p99 %u ms", what, f->count, counted,
                           f->mean, f->p50, f->p99);
}

char *delay_figures_fields(const struct delay_figures *f, const char *prefix, const char *count)
{
    return g_strdup_printf("%s_%s=%u %s_mean_ms=%.1f %s_p50_ms=%u %s_p99_ms=%u %s_min_ms=%u "
                           "%s_max_ms=%u",
                           prefix, count, f->count, prefix, f->mean, prefix, f->p50, prefix, f->p99,
                           prefix, f->min, prefix, f->max);
}

void delay_stats_free(struct delay_stats *s)
{
    if (!s) return;
    g_array_free(s->delays_ms, TRUE);
    g_mutex_clear(&s->lock);
    g_free(s);
}
