/* recorder.c - received streams into a Matroska file without re-encoding; see recorder.h. */
#include "client/room/recorder.h"

#include <stdio.h>
#include <string.h>

#include "client/room/util.h"

#define OTHER_STREAM_WAIT_S 3 /* after the first stream, wait this long for the other */

enum { TRACK_VIDEO, TRACK_AUDIO, TRACKS };

struct track {
    GstPad *mux_pad;   /* requested from matroskamux (our reference) */
    GstElement *queue; /* in front of mux_pad once linked, else NULL */
    gboolean closed;   /* EOS sent */
    /* timestamps into the file keep increasing (streaming thread only) */
    gint64 offset;         /* added to every PTS */
    GstClockTime last_out; /* last PTS written, NONE at first */
};

struct recorder {
    GstElement *pipeline;   /* borrowed */
    GstElement *mux, *sink; /* owned by the pipeline */
    struct track tracks[TRACKS];
    gint seen_keyframe;         /* atomic */
    gint64 first_pts, last_pts; /* atomic-ish: written by the video streaming thread only */
    guint wait_timer;
    gint complete; /* atomic: EOS reached the file */
    void (*done)(void *user);
    void *done_user;
    guint done_idle;
    GMutex lock; /* tracks and wait_timer: recorder_link runs on streaming threads */
};

static void close_track(struct track *t)
{
    if (t->closed) return;
    t->closed = TRUE;
    if (t->queue) {
        GstPad *in = gst_element_get_static_pad(t->queue, "sink");
        gst_pad_send_event(in, gst_event_new_eos());
        gst_object_unref(in);
    } else {
        gst_pad_send_event(t->mux_pad, gst_event_new_eos());
    }
}

static gboolean close_missing(gpointer data)
{
    struct recorder *rec = data;
    g_mutex_lock(&rec->lock);
    rec->wait_timer = 0;
    for (int i = 0; i < TRACKS; i++)
        if (!rec->tracks[i].queue) {
            fprintf(stderr, "mcu-room: recording: no %s arrived, the file has none\n",
                    i == TRACK_VIDEO ? "video" : "audio");
            close_track(&rec->tracks[i]);
        }
    g_mutex_unlock(&rec->lock);
    return G_SOURCE_REMOVE;
}

/* webrtcbin's jitter buffers move a stream's timestamps when RTCP lip-sync kicks in,
 * sometimes backwards; Matroska wants them increasing at its millisecond resolution.
 * A step back (or two buffers in the same millisecond) becomes a shift of everything
 * that follows, so the stream stays continuous. */
static GstBuffer *keep_increasing(struct track *t, GstBuffer *buf)
{
    GstClockTime pts = GST_BUFFER_PTS(buf);

    if (!GST_CLOCK_TIME_IS_VALID(pts)) return buf;
    /* Whole milliseconds (Matroska's resolution), so no rounding can make two equal. */
    gint64 out_ms = ((gint64)pts + t->offset) / (gint64)GST_MSECOND;
    if (GST_CLOCK_TIME_IS_VALID(t->last_out)) {
        gint64 last_ms = (gint64)(t->last_out / GST_MSECOND);
        if (out_ms <= last_ms) {
            gint64 step_ms = GST_BUFFER_DURATION_IS_VALID(buf)
                                 ? (gint64)(GST_BUFFER_DURATION(buf) / GST_MSECOND)
                                 : 1;
            if (step_ms < 1) step_ms = 1;
            t->offset += (last_ms + step_ms - out_ms) * (gint64)GST_MSECOND;
            out_ms = last_ms + step_ms;
        }
    }
    GstClockTime out = (GstClockTime)out_ms * GST_MSECOND;
    t->last_out = out;
    if (out != pts) {
        buf = gst_buffer_make_writable(buf);
        GST_BUFFER_PTS(buf) = out;
        GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
    }
    return buf;
}

static GstPadProbeReturn on_audio_in(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct recorder *rec = data;
    (void)pad;
    GST_PAD_PROBE_INFO_DATA(info) =
        keep_increasing(&rec->tracks[TRACK_AUDIO], GST_PAD_PROBE_INFO_BUFFER(info));
    return GST_PAD_PROBE_OK;
}

/* Drops video until the first keyframe, so the file starts decodable; notes times. */
static GstPadProbeReturn on_video_in(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct recorder *rec = data;
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
    (void)pad;

    if (!g_atomic_int_get(&rec->seen_keyframe)) {
        if (GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT)) return GST_PAD_PROBE_DROP;
        g_atomic_int_set(&rec->seen_keyframe, 1);
    }
    buf = keep_increasing(&rec->tracks[TRACK_VIDEO], buf);
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    if (rec->first_pts < 0) rec->first_pts = (gint64)GST_BUFFER_PTS(buf);
    rec->last_pts = (gint64)GST_BUFFER_PTS(buf);
    return GST_PAD_PROBE_OK;
}

static gboolean report_done(gpointer data)
{
    struct recorder *rec = data;
    rec->done_idle = 0;
    if (rec->done) rec->done(rec->done_user);
    return G_SOURCE_REMOVE;
}

static GstPadProbeReturn on_file_event(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct recorder *rec = data;
    (void)pad;
    if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS)
        g_atomic_int_set(&rec->complete, 1);
    return GST_PAD_PROBE_OK;
}

struct recorder *recorder_new(GstElement *pipeline, const char *path, char **error)
{
    struct recorder *rec;
    GstElement *mux = gst_element_factory_make("matroskamux", NULL);
    GstElement *sink = gst_element_factory_make("filesink", NULL);
    GstPad *pad;

    if (!mux || !sink) {
        room_set_error(
            error, "matroskamux or filesink is missing (Debian package gstreamer1.0-plugins-good)");
        if (mux) gst_object_unref(mux);
        if (sink) gst_object_unref(sink);
        return NULL;
    }
    rec = g_new0(struct recorder, 1);
    rec->pipeline = pipeline;
    rec->mux = mux;
    rec->sink = sink;
    rec->first_pts = rec->last_pts = -1;
    rec->tracks[TRACK_VIDEO].last_out = rec->tracks[TRACK_AUDIO].last_out = GST_CLOCK_TIME_NONE;
    g_mutex_init(&rec->lock);
    g_object_set(sink, "location", path, "sync", FALSE, "async", FALSE, NULL);
    g_object_set(mux, "streamable", FALSE, NULL);
    gst_bin_add_many(GST_BIN(pipeline), mux, sink, NULL);
    gst_element_link(mux, sink);
    rec->tracks[TRACK_VIDEO].mux_pad = gst_element_request_pad_simple(mux, "video_%u");
    rec->tracks[TRACK_AUDIO].mux_pad = gst_element_request_pad_simple(mux, "audio_%u");
    pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_file_event, rec, NULL);
    gst_object_unref(pad);
    if (!rec->tracks[TRACK_VIDEO].mux_pad || !rec->tracks[TRACK_AUDIO].mux_pad) {
        room_set_error(error, "matroskamux gives no video/audio input");
        recorder_free(rec);
        return NULL;
    }
    return rec;
}

void recorder_link(struct recorder *rec, const char *media, GstPad *src)
{
    struct track *t = &rec->tracks[strcmp(media, "video") == 0 ? TRACK_VIDEO : TRACK_AUDIO];
    GstElement *queue;
    GstPad *in, *out;

    g_mutex_lock(&rec->lock);
    if (t->queue || t->closed) {
        g_mutex_unlock(&rec->lock);
        fprintf(stderr, "mcu-room: recording: a second or late %s stream is not recorded\n", media);
        return;
    }
    queue = gst_element_factory_make("queue", NULL);
    g_object_set(queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time",
                 (guint64)(OTHER_STREAM_WAIT_S + 3) * GST_SECOND, NULL);
    gst_bin_add(GST_BIN(rec->pipeline), queue);
    out = gst_element_get_static_pad(queue, "src");
    gst_pad_link(out, t->mux_pad);
    gst_object_unref(out);
    gst_element_sync_state_with_parent(queue);
    in = gst_element_get_static_pad(queue, "sink");
    gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_BUFFER,
                      t == &rec->tracks[TRACK_VIDEO] ? on_video_in : on_audio_in, rec, NULL);
    gst_pad_link(src, in);
    gst_object_unref(in);
    t->queue = queue;
    if (!rec->wait_timer && !(rec->tracks[TRACK_VIDEO].queue && rec->tracks[TRACK_AUDIO].queue))
        rec->wait_timer = g_timeout_add_seconds(OTHER_STREAM_WAIT_S, close_missing, rec);
    g_mutex_unlock(&rec->lock);
}

static gboolean poll_complete(gpointer data)
{
    struct recorder *rec = data;
    if (!g_atomic_int_get(&rec->complete)) return G_SOURCE_CONTINUE;
    rec->done_idle = 0;
    if (rec->done) rec->done(rec->done_user);
    return G_SOURCE_REMOVE;
}

void recorder_finish(struct recorder *rec, void (*done)(void *user), void *user)
{
    gboolean nothing;

    g_mutex_lock(&rec->lock);
    rec->done = done;
    rec->done_user = user;
    room_stop_source(&rec->wait_timer);
    for (int i = 0; i < TRACKS; i++) close_track(&rec->tracks[i]);
    nothing = !rec->tracks[TRACK_VIDEO].queue && !rec->tracks[TRACK_AUDIO].queue;
    g_mutex_unlock(&rec->lock);
    if (rec->done_idle) return;
    if (nothing && !g_atomic_int_get(&rec->complete))
        rec->done_idle =
            g_idle_add(report_done, rec); /* nothing arrived: the muxer may never wake */
    else
        rec->done_idle = g_timeout_add(20, poll_complete, rec);
}

double recorder_seconds(const struct recorder *rec)
{
    if (rec->first_pts < 0 || rec->last_pts < rec->first_pts) return 0;
    return (double)(rec->last_pts - rec->first_pts) / GST_SECOND;
}

void recorder_free(struct recorder *rec)
{
    if (!rec) return;
    room_stop_source(&rec->wait_timer);
    room_stop_source(&rec->done_idle);
    for (int i = 0; i < TRACKS; i++)
        if (rec->tracks[i].mux_pad) gst_object_unref(rec->tracks[i].mux_pad);
    g_mutex_clear(&rec->lock);
    g_free(rec);
}
