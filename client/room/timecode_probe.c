/* timecode_probe.c - the time code's pad probes: stamping raw frames and reading
 * decoded ones, with the reader's delay statistics; see timecode_probe.h. */
#include "client/room/timecode_probe.h"

#include <gst/video/video.h>
#include <stdlib.h>

#include "client/room/timecode.h"

struct timecode_reader {
    GMutex lock;
    GArray *delays_ms; /* guint32, counted stamps */
    guint unread;      /* decoded frames with no code found */
    gboolean have_last;
    guint32 last_stamp;
    gint64 first_read_us; /* monotonic time of the first code read, 0 = none yet */
};

/* Maps buf as a video frame of pad's caps; FALSE unless it is YUV (luma first). */
static gboolean map_frame(GstPad *pad, GstBuffer *buf, GstMapFlags flags, GstVideoFrame *frame)
{
    GstCaps *caps = gst_pad_get_current_caps(pad);
    GstVideoInfo info;
    gboolean ok = caps && gst_video_info_from_caps(&info, caps) && GST_VIDEO_INFO_IS_YUV(&info);

    if (caps) gst_caps_unref(caps);
    return ok && gst_video_frame_map(frame, &info, buf, flags);
}

static GstPadProbeReturn stamp_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    GstBuffer *buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GstVideoFrame frame;
    (void)data;

    GST_PAD_PROBE_INFO_DATA(info) = buf;
    if (map_frame(pad, buf, GST_MAP_READWRITE, &frame)) {
        timecode_draw(GST_VIDEO_FRAME_COMP_DATA(&frame, 0), GST_VIDEO_FRAME_COMP_STRIDE(&frame, 0),
                      GST_VIDEO_FRAME_COMP_WIDTH(&frame, 0), GST_VIDEO_FRAME_COMP_HEIGHT(&frame, 0),
                      timecode_now());
        gst_video_frame_unmap(&frame);
    }
    return GST_PAD_PROBE_OK;
}

void timecode_stamp_attach(GstPad *pad)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, stamp_frame, NULL, NULL);
}

static GstPadProbeReturn read_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct timecode_reader *r = data;
    GstVideoFrame frame;
    guint32 stamp = 0, now = timecode_now(); /* the decoded frame arrives: before reading it */
    gboolean found;

    if (!map_frame(pad, GST_PAD_PROBE_INFO_BUFFER(info), GST_MAP_READ, &frame))
        return GST_PAD_PROBE_OK;
    found = timecode_read(
        GST_VIDEO_FRAME_COMP_DATA(&frame, 0), GST_VIDEO_FRAME_COMP_STRIDE(&frame, 0),
        GST_VIDEO_FRAME_COMP_WIDTH(&frame, 0), GST_VIDEO_FRAME_COMP_HEIGHT(&frame, 0), &stamp);
    gst_video_frame_unmap(&frame);

    g_mutex_lock(&r->lock);
    if (!found) {
        r->unread++;
    } else if (!r->have_last || stamp != r->last_stamp) {
        gint64 t = g_get_monotonic_time();
        if (!r->first_read_us) r->first_read_us = t;
        if (t - r->first_read_us >= (gint64)TIMECODE_WARMUP_S * G_USEC_PER_SEC) {
            guint32 delay = timecode_elapsed_ms(now, stamp);
            g_array_append_val(r->delays_ms, delay);
        }
        r->have_last = TRUE;
        r->last_stamp = stamp;
    }
    g_mutex_unlock(&r->lock);
    return GST_PAD_PROBE_OK;
}

struct timecode_reader *timecode_reader_new(void)
{
    struct timecode_reader *r = g_new0(struct timecode_reader, 1);
    g_mutex_init(&r->lock);
    r->delays_ms = g_array_new(FALSE, FALSE, sizeof(guint32));
    return r;
}

void timecode_reader_attach(struct timecode_reader *r, GstPad *pad)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, read_frame, r, NULL);
}

struct delay_figures {
    guint count, unread;
    double mean;
    guint32 p50, p99, min, max;
};

static int compare_u32(const void *a, const void *b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentiles of the counted delays. */
static struct delay_figures figures(struct timecode_reader *r)
{
    struct delay_figures f = {0};
    guint32 *sorted;
    double sum = 0;

    g_mutex_lock(&r->lock);
    f.count = r->delays_ms->len;
    f.unread = r->unread;
    sorted = g_memdup2(r->delays_ms->data, (gsize)f.count * sizeof(guint32));
    g_mutex_unlock(&r->lock);
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

char *timecode_reader_line(struct timecode_reader *r)
{
    struct delay_figures f = figures(r);
    if (f.count == 0) return g_strdup_printf("timecode none read (%u frames without)", f.unread);
    return g_strdup_printf("timecode %u frames, mean %.1f ms, p50 %u ms, p99 %u ms", f.count,
                           f.mean, f.p50, f.p99);
}

char *timecode_reader_summary_fields(struct timecode_reader *r)
{
    struct delay_figures f = figures(r);
    return g_strdup_printf("timecode_frames=%u timecode_unread=%u timecode_mean_ms=%.1f "
                           "timecode_p50_ms=%u timecode_p99_ms=%u timecode_min_ms=%u "
                           "timecode_max_ms=%u",
                           f.count, f.unread, f.mean, f.p50, f.p99, f.min, f.max);
}

void timecode_reader_free(struct timecode_reader *r)
{
    if (!r) return;
    g_array_free(r->delays_ms, TRUE);
    g_mutex_clear(&r->lock);
    g_free(r);
}
