/* click_probe.c - the click's pad probes: writing it into raw audio as it leaves the
 * test source and finding it in decoded audio, with the reader's delay statistics;
 * see click_probe.h. */
#include "client/room/click_probe.h"

#include "client/room/click.h"
#include "client/room/delay_stats.h"

#define MAX_ONSETS 8 /* per buffer: more than a buffer of any sane length can hold */

struct click_reader {
    struct delay_stats *delays;
    GMutex lock; /* the detector */
    struct click_detector detector;
};

/* The audio format of pad's current caps; FALSE unless 16-bit native-endian samples. */
static gboolean s16_info(GstPad *pad, GstAudioInfo *info)
{
    GstCaps *caps = gst_pad_get_current_caps(pad);
    gboolean ok = caps && gst_audio_info_from_caps(info, caps) &&
                  GST_AUDIO_INFO_FORMAT(info) == GST_AUDIO_FORMAT_S16 &&
                  GST_AUDIO_INFO_CHANNELS(info) > 0 && GST_AUDIO_INFO_RATE(info) > 0;

    if (caps) gst_caps_unref(caps);
    return ok;
}

static GstPadProbeReturn write_click(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    gint64 now = g_get_monotonic_time(); /* the buffer's last sample was captured now */
    GstAudioInfo audio;
    GstBuffer *buf;
    GstMapInfo map;
    (void)data;

    if (!s16_info(pad, &audio)) return GST_PAD_PROBE_OK;
    buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    if (!gst_buffer_map(buf, &map, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
    size_t frames = map.size / (gsize)GST_AUDIO_INFO_BPF(&audio);
    gint64 duration_us = (gint64)frames * G_USEC_PER_SEC / GST_AUDIO_INFO_RATE(&audio);
    click_write((int16_t *)map.data, frames, GST_AUDIO_INFO_CHANNELS(&audio),
                GST_AUDIO_INFO_RATE(&audio), now - duration_us);
    gst_buffer_unmap(buf, &map);
    return GST_PAD_PROBE_OK;
}

void click_source_attach(GstPad *pad)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, write_click, NULL, NULL);
}

static GstPadProbeReturn read_clicks(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct click_reader *r = data;
    gint64 now = g_get_monotonic_time(); /* the buffer's first sample would play now */
    int64_t onsets[MAX_ONSETS];
    GstAudioInfo audio;
    GstMapInfo map;
    size_t found;

    if (!s16_info(pad, &audio) ||
        !gst_buffer_map(GST_PAD_PROBE_INFO_BUFFER(info), &map, GST_MAP_READ))
        return GST_PAD_PROBE_OK;
    g_mutex_lock(&r->lock);
    found = click_detect(
        &r->detector, (const int16_t *)map.data, map.size / (gsize)GST_AUDIO_INFO_BPF(&audio),
        GST_AUDIO_INFO_CHANNELS(&audio), GST_AUDIO_INFO_RATE(&audio), now, onsets, MAX_ONSETS);
    g_mutex_unlock(&r->lock);
    gst_buffer_unmap(GST_PAD_PROBE_INFO_BUFFER(info), &map);
    for (size_t i = 0; i < found; i++)
        delay_stats_add(r->delays, now, (guint32)(click_delay_us(onsets[i]) / 1000));
    return GST_PAD_PROBE_OK;
}

struct click_reader *click_reader_new(void)
{
    struct click_reader *r = g_new0(struct click_reader, 1);
    r->delays = delay_stats_new(CLICK_WARMUP_S);
    g_mutex_init(&r->lock);
    click_detector_init(&r->detector);
    return r;
}

void click_reader_attach(struct click_reader *r, GstPad *pad)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, read_clicks, r, NULL);
}

char *click_reader_line(struct click_reader *r)
{
    struct delay_figures f = delay_stats_figures(r->delays);
    return f.count ? delay_figures_line(&f, "clicks", "heard") : g_strdup("clicks none heard");
}

char *click_reader_summary_fields(struct click_reader *r)
{
    struct delay_figures f = delay_stats_figures(r->delays);
    return delay_figures_fields(&f, "click", "count");
}

void click_reader_free(struct click_reader *r)
{
    if (!r) return;
    delay_stats_free(r->delays);
    g_mutex_clear(&r->lock);
    g_free(r);
}
