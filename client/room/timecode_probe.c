/* timecode_probe.c - the time code's pad probes: stamping raw frames and reading
 * decoded ones, with the reader's delay statistics; see timecode_probe.h. */
#include "client/room/timecode_probe.h"

#include <gst/video/video.h>

#include "client/room/delay_stats.h"
#include "client/room/timecode.h"

struct timecode_reader {
    struct delay_stats *delays; /* counted stamps */
    GMutex lock;                /* the fields below */
    guint unread;               /* decoded frames with no code found */
    gboolean have_last;
    guint32 last_stamp;
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
        delay_stats_add(r->delays, g_get_monotonic_time(), timecode_elapsed_ms(now, stamp));
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
    r->delays = delay_stats_new(TIMECODE_WARMUP_S);
    return r;
}

void timecode_reader_attach(struct timecode_reader *r, GstPad *pad)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, read_frame, r, NULL);
}

static guint unread(struct timecode_reader *r)
{
    g_mutex_lock(&r->lock);
    guint n = r->unread;
    g_mutex_unlock(&r->lock);
    return n;
}

char *timecode_reader_line(struct timecode_reader *r)
{
    struct delay_figures f = delay_stats_figures(r->delays);
    if (f.count == 0) return g_strdup_printf("timecode none read (%u frames without)", unread(r));
    return delay_figures_line(&f, "timecode", "frames");
}

char *timecode_reader_summary_fields(struct timecode_reader *r)
{
    struct delay_figures f = delay_stats_figures(r->delays);
    char *figures = delay_figures_fields(&f, "timecode", "frames");
    char *fields = g_strdup_printf("%s timecode_unread=%u", figures, unread(r));
    g_free(figures);
    return fields;
}

void timecode_reader_free(struct timecode_reader *r)
{
    if (!r) return;
    delay_stats_free(r->delays);
    g_mutex_clear(&r->lock);
    g_free(r);
}
