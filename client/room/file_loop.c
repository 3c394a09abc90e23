/* file_loop.c - one stream of a file, looped and paced in real time into an appsrc;
 * see file_loop.h. */
#include "client/room/file_loop.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <stdio.h>
#include <string.h>

#include "client/room/util.h"

#define TICK_MS         10
#define LEAD            (20 * GST_MSECOND) /* hand buffers over this much early */
#define START_DELAY     (50 * GST_MSECOND)
#define PREROLL_TIMEOUT (10 * GST_SECOND)
/* An encoded stream up to this size is read whole at the start and replayed from
 * memory: no reader runs during the call (many --replay rooms stay cheap). */
#define PRELOAD_MAX_BYTES (32 * 1024 * 1024)

struct file_loop {
    char *media; /* "video" or "audio" */
    enum file_loop_mode mode;
    GstElement *reader;  /* filesrc ! parsebin [! decodebin] ! appsink */
    GstElement *appsink; /* owned by reader once linked */
    gint linked;         /* atomic: the wanted stream found its appsink */
    gint wanted_seen;    /* atomic: parsebin exposed a stream of our kind */
    gint no_more_pads;   /* atomic: parsebin exposed all its streams */
    GstCaps *caps;
    GstElement *appsrc; /* our reference; the sending pipeline holds another */
    GstElement *target; /* the sending pipeline (reference) */
    guint timer;
    GstSample *pending;  /* pulled, not yet due */
    GstClockTime start;  /* running time of the file's first buffer */
    GstClockTime offset; /* added per round: the file's length so far */
    GstClockTime first_ts, last_ts, step;
    gboolean rewinding;
    gboolean stopped;     /* the reader failed: nothing more comes */
    GPtrArray *preloaded; /* encoded mode, small file: every sample, in order; else NULL */
    guint next;           /* the next preloaded sample */
    unsigned rounds;
};

static gboolean wanted_caps(const struct file_loop *fl, const GstCaps *caps)
{
    const char *name = gst_structure_get_name(gst_caps_get_structure(caps, 0));

    if (!g_str_has_prefix(name, fl->media)) return FALSE;
    if (fl->mode == FILE_LOOP_DECODED) return TRUE; /* decodebin follows */
    return strcmp(name, "video/x-vp8") == 0 || strcmp(name, "video/x-h264") == 0 ||
           strcmp(name, "audio/x-opus") == 0;
}

/* Adds an element to the running reader and links pad to it. */
static void attach(struct file_loop *fl, GstPad *pad, GstElement *element)
{
    GstPad *sink;

    gst_bin_add(GST_BIN(fl->reader), element);
    gst_element_sync_state_with_parent(element);
    sink = gst_element_get_static_pad(element, "sink");
    if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
        fprintf(stderr, "mcu-room: file reader: cannot link %s\n", GST_PAD_NAME(pad));
    gst_object_unref(sink);
}

/* Streams we do not want stay unlinked: the demuxer drops their data (it only stops
 * when every stream is unlinked). A sink there would be worse: a sink added while the
 * reader changes state can sit in PAUSED, block the demuxer on its first buffer and
 * starve the stream we want. */
static void discard(struct file_loop *fl, GstPad *pad)
{
    (void)fl;
    (void)pad;
}

static GstElement *make_appsink(struct file_loop *fl)
{
    GstElement *sink = gst_element_factory_make("appsink", NULL);
    /* encoded buffers are small: keep about two seconds; raw frames are large */
    guint max = fl->mode == FILE_LOOP_ENCODED ? 120 : strcmp(fl->media, "video") == 0 ? 4 : 25;
    GstCaps *caps =
        gst_caps_from_string(fl->mode == FILE_LOOP_DECODED
                                 ? (strcmp(fl->media, "video") == 0 ? "video/x-raw" : "audio/x-raw")
                                 : "video/x-vp8; video/x-h264; audio/x-opus");

    g_object_set(sink, "sync", FALSE, "max-buffers", max, "drop", FALSE, "emit-signals", FALSE,
                 "caps", caps, NULL);
    gst_caps_unref(caps);
    fl->appsink = sink;
    return sink;
}

static void on_decoded_pad(GstElement *decodebin, GstPad *pad, gpointer data)
{
    struct file_loop *fl = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    gboolean ours = caps && g_str_has_prefix(
                                gst_structure_get_name(gst_caps_get_structure(caps, 0)), fl->media);
    (void)decodebin;

    if (caps) gst_caps_unref(caps);
    if (ours && g_atomic_int_compare_and_exchange(&fl->linked, 0, 1))
        attach(fl, pad, make_appsink(fl));
    else
        discard(fl, pad);
}

static void on_parsed_pad(GstElement *parsebin, GstPad *pad, gpointer data)
{
    struct file_loop *fl = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    (void)parsebin;

    if (!caps) caps = gst_pad_query_caps(pad, NULL);
    if (wanted_caps(fl, caps)) g_atomic_int_set(&fl->wanted_seen, 1);
    if (!wanted_caps(fl, caps) || g_atomic_int_get(&fl->linked)) {
        discard(fl, pad);
    } else if (fl->mode == FILE_LOOP_ENCODED) {
        if (g_atomic_int_compare_and_exchange(&fl->linked, 0, 1))
            attach(fl, pad, make_appsink(fl));
        else
            discard(fl, pad);
    } else {
        GstElement *decodebin = gst_element_factory_make("decodebin", NULL);
        g_signal_connect(decodebin, "pad-added", G_CALLBACK(on_decoded_pad), fl);
        attach(fl, pad, decodebin);
    }
    gst_caps_unref(caps);
}

static void on_no_more_pads(GstElement *parsebin, gpointer data)
{
    struct file_loop *fl = data;
    (void)parsebin;
    g_atomic_int_set(&fl->no_more_pads, 1);
}

/* The reader's first error message, or NULL (g_free it). */
static char *reader_error(struct file_loop *fl)
{
    GstBus *bus = gst_element_get_bus(fl->reader);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    char *text = NULL;

    if (msg) {
        GError *err = NULL;
        gst_message_parse_error(msg, &err, NULL);
        text = g_strdup(err ? err->message : "unknown error");
        g_clear_error(&err);
        gst_message_unref(msg);
    }
    gst_object_unref(bus);
    return text;
}

static gboolean build_reader(struct file_loop *fl, const char *path, char **error)
{
    GstElement *src = gst_element_factory_make("filesrc", NULL);
    GstElement *parse = gst_element_factory_make("parsebin", NULL);

    if (!src || !parse) {
        room_set_error(
            error, "GStreamer elements filesrc/parsebin are missing (gstreamer1.0-plugins-base)");
        if (src) gst_object_unref(src);
        if (parse) gst_object_unref(parse);
        return FALSE;
    }
    fl->reader = gst_pipeline_new("file-reader");
    g_object_set(src, "location", path, NULL);
    g_signal_connect(parse, "pad-added", G_CALLBACK(on_parsed_pad), fl);
    g_signal_connect(parse, "no-more-pads", G_CALLBACK(on_no_more_pads), fl);
    gst_bin_add_many(GST_BIN(fl->reader), src, parse, NULL);
    gst_element_link(src, parse);
    return TRUE;
}

/* The appsink's caps once the wanted stream reached it, else NULL. */
static GstCaps *appsink_caps(struct file_loop *fl)
{
    GstPad *pad;
    GstCaps *caps;

    if (!g_atomic_int_get(&fl->linked) || !fl->appsink) return NULL;
    pad = gst_element_get_static_pad(fl->appsink, "sink");
    caps = gst_pad_get_current_caps(pad);
    gst_object_unref(pad);
    return caps;
}

/* Starts the reader and waits (bounded) until the wanted stream's format is known:
 * parsebin and decodebin add their pads one by one, and a pipeline with no sink yet
 * is "prerolled" at once, so the state alone says nothing. */
static gboolean preroll(struct file_loop *fl, const char *path, char **error)
{
    gint64 deadline = g_get_monotonic_time() + PREROLL_TIMEOUT / GST_USECOND;
    char *why = NULL;

    /* PLAYING, not PAUSED: a paused sink would hold the demuxer on the other stream's
     * first buffer; the appsink's bounded queue is what holds the reader back */
    if (gst_element_set_state(fl->reader, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
        why = reader_error(fl);
    while (!why && !(fl->caps = appsink_caps(fl))) {
        if ((why = reader_error(fl)) != NULL) break;
        if (g_atomic_int_get(&fl->no_more_pads) && !g_atomic_int_get(&fl->wanted_seen)) {
            room_set_error(error, "%s has no %s stream that mcu-room can send%s", path, fl->media,
                           fl->mode == FILE_LOOP_DECODED     ? ""
                           : strcmp(fl->media, "video") == 0 ? " as it is (VP8 or H.264)"
                                                             : " as it is (Opus)");
            return FALSE;
        }
        if (g_get_monotonic_time() > deadline) {
            room_set_error(error, "cannot read %s: no %s format within %d s", path, fl->media,
                           (int)(PREROLL_TIMEOUT / GST_SECOND));
            return FALSE;
        }
        g_usleep(10 * 1000);
    }
    if (why) {
        room_set_error(error, "cannot read %s: %s", path, why);
        g_free(why);
        return FALSE;
    }
    /* elements added while the reader was changing state may have stopped at PAUSED
     * (and a paused sink blocks the demuxer): bring them all to PLAYING */
    gst_element_set_state(fl->reader, GST_STATE_PLAYING);
    return TRUE;
}

/* Encoded mode: reads the whole stream into memory when it is small enough, then stops
 * the reader; a larger (or failing) one is streamed as before, from its start. */
static void preload(struct file_loop *fl)
{
    GPtrArray *samples = g_ptr_array_new_with_free_func((GDestroyNotify)gst_sample_unref);
    gsize bytes = 0;
    gboolean whole = FALSE;
    for (;;) {
        GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(fl->appsink), PREROLL_TIMEOUT);
        if (!s) {
            whole = gst_app_sink_is_eos(GST_APP_SINK(fl->appsink)) && samples->len > 0;
            break;
        }
        bytes += gst_buffer_get_size(gst_sample_get_buffer(s));
        g_ptr_array_add(samples, s);
        if (bytes > PRELOAD_MAX_BYTES) break;
    }
    if (whole) {
        fl->preloaded = samples;
        gst_element_set_state(fl->reader, GST_STATE_NULL);
        return;
    }
    g_ptr_array_unref(samples);
    gst_element_seek_simple(fl->reader, GST_FORMAT_TIME,
                            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0);
}

struct file_loop *file_loop_new(const char *path, const char *media, enum file_loop_mode mode,
                                char **error)
{
    struct file_loop *fl = g_new0(struct file_loop, 1);

    fl->media = g_strdup(media);
    fl->mode = mode;
    fl->first_ts = GST_CLOCK_TIME_NONE;
    fl->last_ts = GST_CLOCK_TIME_NONE;
    fl->start = GST_CLOCK_TIME_NONE;
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        room_set_error(error, "%s is not a readable file", path);
        file_loop_free(fl);
        return NULL;
    }
    if (!build_reader(fl, path, error) || !preroll(fl, path, error)) {
        file_loop_free(fl);
        return NULL;
    }
    if (mode == FILE_LOOP_ENCODED) preload(fl);
    fl->appsrc = gst_element_factory_make("appsrc", NULL);
    gst_object_ref_sink(fl->appsrc);
    g_object_set(fl->appsrc, "caps", fl->caps, "format", GST_FORMAT_TIME, "is-live", TRUE,
                 "do-timestamp", FALSE, "block", FALSE, "max-bytes", (guint64)0, NULL);
    return fl;
}

const GstCaps *file_loop_caps(const struct file_loop *fl) { return fl->caps; }

GstElement *file_loop_source(struct file_loop *fl) { return fl->appsrc; }

unsigned file_loop_rounds(const struct file_loop *fl) { return fl->rounds; }

/* End of file: the next round starts one file length later. */
static void rewind_reader(struct file_loop *fl)
{
    if (GST_CLOCK_TIME_IS_VALID(fl->first_ts) && GST_CLOCK_TIME_IS_VALID(fl->last_ts))
        fl->offset += fl->last_ts - fl->first_ts + (fl->step ? fl->step : 20 * GST_MSECOND);
    fl->rounds++;
    fl->rewinding = TRUE;
    if (fl->preloaded) return; /* replayed from memory */
    gst_element_seek_simple(fl->reader, GST_FORMAT_TIME,
                            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0);
}

/* The pending buffer restamped, or NULL when it is not due yet. */
static GstBuffer *restamp_if_due(struct file_loop *fl, GstClockTime now)
{
    GstBuffer *buf = gst_sample_get_buffer(fl->pending);
    GstClockTime ts = GST_BUFFER_DTS_IS_VALID(buf) ? GST_BUFFER_DTS(buf) : GST_BUFFER_PTS(buf);
    GstClockTime base, out;

    if (!GST_CLOCK_TIME_IS_VALID(ts)) /* no timestamp: goes with the previous one */
        ts = GST_CLOCK_TIME_IS_VALID(fl->last_ts) ? fl->last_ts : 0;
    if (!GST_CLOCK_TIME_IS_VALID(fl->first_ts)) fl->first_ts = ts;
    if (ts < fl->first_ts) ts = fl->first_ts;
    base = fl->start + fl->offset;
    out = base + (ts - fl->first_ts);
    if (out > now + LEAD) return NULL;

    buf = gst_buffer_make_writable(gst_buffer_ref(buf)); /* metadata copy, memory shared */
    if (GST_BUFFER_PTS_IS_VALID(buf))
        GST_BUFFER_PTS(buf) =
            base + (GST_BUFFER_PTS(buf) >= fl->first_ts ? GST_BUFFER_PTS(buf) - fl->first_ts : 0);
    else
        GST_BUFFER_PTS(buf) = out;
    if (GST_BUFFER_DTS_IS_VALID(buf)) GST_BUFFER_DTS(buf) = out;
    if (GST_BUFFER_DURATION_IS_VALID(buf))
        fl->step = GST_BUFFER_DURATION(buf);
    else if (ts > fl->last_ts && GST_CLOCK_TIME_IS_VALID(fl->last_ts) && !fl->rewinding)
        fl->step = ts - fl->last_ts;
    fl->last_ts = ts;
    fl->rewinding = FALSE;
    gst_sample_unref(fl->pending);
    fl->pending = NULL;
    return buf;
}

GstBuffer *file_loop_take_due(struct file_loop *fl, GstClockTime now)
{
    char *why;

    if (fl->stopped || !GST_CLOCK_TIME_IS_VALID(now)) return NULL;
    if (!GST_CLOCK_TIME_IS_VALID(fl->start)) fl->start = now + START_DELAY;
    if (!fl->preloaded && (why = reader_error(fl)) != NULL) {
        fprintf(stderr, "mcu-room: file reader (%s) stopped: %s\n", fl->media, why);
        g_free(why);
        fl->stopped = TRUE;
        return NULL;
    }
    if (!fl->pending && fl->preloaded) {
        if (fl->next == fl->preloaded->len) {
            rewind_reader(fl);
            fl->next = 0;
        }
        fl->pending = gst_sample_ref(g_ptr_array_index(fl->preloaded, fl->next++));
    }
    if (!fl->pending) fl->pending = gst_app_sink_try_pull_sample(GST_APP_SINK(fl->appsink), 0);
    if (!fl->pending) {
        if (!fl->rewinding && gst_app_sink_is_eos(GST_APP_SINK(fl->appsink))) rewind_reader(fl);
        return NULL;
    }
    return restamp_if_due(fl, now);
}

gboolean file_loop_stopped(const struct file_loop *fl) { return fl->stopped; }

GstClockTime file_loop_running_time(GstElement *pipeline)
{
    GstClock *clock = gst_element_get_clock(pipeline);
    GstClockTime now;

    if (!clock) return GST_CLOCK_TIME_NONE;
    now = gst_clock_get_time(clock) - gst_element_get_base_time(pipeline);
    gst_object_unref(clock);
    return now;
}

static gboolean tick(gpointer data)
{
    struct file_loop *fl = data;
    GstClockTime now = file_loop_running_time(fl->target);
    GstBuffer *buf;

    while ((buf = file_loop_take_due(fl, now)) != NULL)
        gst_app_src_push_buffer(GST_APP_SRC(fl->appsrc), buf);
    if (fl->stopped) {
        gst_app_src_end_of_stream(GST_APP_SRC(fl->appsrc));
        fl->timer = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

void file_loop_start(struct file_loop *fl, GstElement *pipeline)
{
    if (fl->timer) return;
    fl->target = gst_object_ref(pipeline);
    fl->timer = g_timeout_add(TICK_MS, tick, fl);
}

void file_loop_free(struct file_loop *fl)
{
    if (!fl) return;
    room_stop_source(&fl->timer);
    if (fl->pending) gst_sample_unref(fl->pending);
    if (fl->preloaded) g_ptr_array_unref(fl->preloaded);
    if (fl->reader) {
        gst_element_set_state(fl->reader, GST_STATE_NULL);
        gst_object_unref(fl->reader);
    }
    if (fl->caps) gst_caps_unref(fl->caps);
    if (fl->appsrc) gst_object_unref(fl->appsrc);
    if (fl->target) gst_object_unref(fl->target);
    g_free(fl->media);
    g_free(fl);
}
