/* receiver.c - received streams: depayload, record, decode, count; see receiver.h.
 *
 * For each stream webrtcbin adds (on a streaming thread):
 *
 *   webrtcbin src ! depayloader [! h264parse | opusparse] ! tee
 *       tee ! queue ! matroskamux          (recorder.c, with --record)
 *       tee ! queue ! decoder ! sink       (fakesink, or a window/loudspeaker with --show)
 *       tee ! fakesink                     (--no-decode)
 *
 * Video asks the sender for a keyframe when it starts and after losses. */
#include "client/room/receiver.h"

#include <stdio.h>
#include <string.h>

#include "client/room/click_probe.h"
#include "client/room/timecode_probe.h"

struct receiver {
    GstElement *pipeline; /* borrowed */
    GstElement *webrtc;   /* borrowed */
    enum receiver_output output;
    struct recorder *recorder; /* borrowed, may be NULL */
    struct room_stats *stats;  /* borrowed */
    GMutex lock;               /* serialises pad-added handlers (recorder links) */
};

static GstPadProbeReturn count_received(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct room_stats *st = data;
    (void)pad;
    (void)info;
    g_atomic_int_inc(&st->video_frames_received);
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn count_decoded_video(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct room_stats *st = data;
    (void)pad;

    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        g_atomic_int_inc(&st->video_frames_decoded);
    } else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_CAPS) {
        GstCaps *caps;
        int w = 0, h = 0;
        gst_event_parse_caps(GST_PAD_PROBE_INFO_EVENT(info), &caps);
        gst_structure_get_int(gst_caps_get_structure(caps, 0), "width", &w);
        gst_structure_get_int(gst_caps_get_structure(caps, 0), "height", &h);
        g_atomic_int_set(&st->video_width, w);
        g_atomic_int_set(&st->video_height, h);
    }
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn count_decoded_audio(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct room_stats *st = data;
    (void)pad;
    (void)info;
    g_atomic_int_inc(&st->audio_frames_decoded);
    return GST_PAD_PROBE_OK;
}

static void set_if_exists(GstElement *e, const char *property, gboolean value)
{
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(e), property))
        g_object_set(e, property, value, NULL);
}

static GstElement *add(struct receiver *r, const char *factory)
{
    GstElement *e = gst_element_factory_make(factory, NULL);
    if (e) gst_bin_add(GST_BIN(r->pipeline), e);
    return e;
}

/* The decode branch as one bin with a ghost sink pad. */
static GstElement *decode_branch(struct receiver *r, gboolean video, const char *encoding)
{
    const char *decoder = !video                          ? "opusdec"
                          : strcmp(encoding, "H264") == 0 ? "avdec_h264"
                                                          : "vp8dec";
    const char *sink;
    char *desc;
    GstElement *bin, *dec;
    GstPad *pad;
    GError *err = NULL;

    if (r->output == RECEIVER_SHOW)
        sink = video ? "videoconvert ! autovideosink sync=true"
                     : "audioconvert ! audioresample ! autoaudiosink sync=true";
    else
        sink = "fakesink sync=false async=false";
    desc = g_strdup_printf("queue ! %s name=decoder ! %s", decoder, sink);
    bin = gst_parse_bin_from_description(desc, TRUE, &err);
    g_free(desc);
    if (!bin) {
        fprintf(stderr, "mcu-room: cannot build the %s decoder: %s\n", video ? "video" : "audio",
                err ? err->message : "?");
        g_clear_error(&err);
        return NULL;
    }
    dec = gst_bin_get_by_name(GST_BIN(bin), "decoder");
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(dec), "max-errors"))
        g_object_set(dec, "max-errors", -1, NULL); /* a damaged frame is no reason to stop */
    pad = gst_element_get_static_pad(dec, "src");
    if (video)
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                          count_decoded_video, r->stats, NULL);
    else
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, count_decoded_audio, r->stats, NULL);
    if (video && r->stats->timecode) timecode_reader_attach(r->stats->timecode, pad);
    if (!video && r->stats->clicks) click_reader_attach(r->stats->clicks, pad);
    gst_object_unref(pad);
    gst_object_unref(dec);
    gst_bin_add(GST_BIN(r->pipeline), bin);
    return bin;
}

static void link_tee_to(GstElement *tee, GstElement *element)
{
    GstPad *src = gst_element_request_pad_simple(tee, "src_%u");
    GstPad *sink = gst_element_get_static_pad(element, "sink");
    if (gst_pad_link(src, sink) != GST_PAD_LINK_OK)
        fprintf(stderr, "mcu-room: cannot link a received stream to %s\n",
                GST_ELEMENT_NAME(element));
    gst_object_unref(sink);
    gst_object_unref(src);
}

/* Asks the sender for a keyframe: an upstream GstForceKeyUnit becomes an RTCP PLI. */
static void request_keyframe(GstElement *depay)
{
    GstPad *sink = gst_element_get_static_pad(depay, "sink");
    GstStructure *s =
        gst_structure_new("GstForceKeyUnit", "all-headers", G_TYPE_BOOLEAN, TRUE, NULL);
    gst_pad_push_event(sink, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, s));
    gst_object_unref(sink);
}

static void on_pad_added(GstElement *webrtc, GstPad *pad, gpointer data)
{
    struct receiver *r = data;
    GstCaps *caps;
    const GstStructure *s;
    gboolean video;
    const char *encoding;
    char *enc;
    GstElement *depay, *parse = NULL, *tee, *last, *branch;
    GstPad *sink, *out;
    (void)webrtc;

    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, NULL);
    s = gst_caps_get_structure(caps, 0);
    video = g_strcmp0(gst_structure_get_string(s, "media"), "video") == 0;
    encoding = gst_structure_get_string(s, "encoding-name");
    enc = g_ascii_strup(encoding ? encoding : "?", -1);
    gst_caps_unref(caps);

    g_mutex_lock(&r->lock);
    if (video && strcmp(enc, "H264") == 0) {
        depay = add(r, "rtph264depay");
        parse = add(r, "h264parse");
    } else if (video) {
        depay = add(r, "rtpvp8depay");
    } else {
        depay = add(r, "rtpopusdepay");
        parse = add(r, "opusparse");
    }
    tee = add(r, "tee");
    if (!depay || !tee || (!video && !parse) || (video && strcmp(enc, "H264") == 0 && !parse)) {
        fprintf(stderr, "mcu-room: cannot receive %s %s: an element is missing\n",
                video ? "video" : "audio", enc);
        g_mutex_unlock(&r->lock);
        g_free(enc);
        return;
    }
    g_object_set(tee, "allow-not-linked", TRUE, NULL);
    if (video) {
        set_if_exists(depay, "request-keyframe", TRUE);
        set_if_exists(depay, "wait-for-keyframe", TRUE);
        out = gst_element_get_static_pad(depay, "src");
        gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, count_received, r->stats, NULL);
        gst_object_unref(out);
    }
    last = parse ? parse : depay;
    if (parse) gst_element_link(depay, parse);
    gst_element_link(last, tee);

    if (r->output == RECEIVER_COUNT_ONLY) {
        branch = add(r, "fakesink");
        g_object_set(branch, "sync", FALSE, "async", FALSE, NULL);
    } else {
        branch = decode_branch(r, video, enc);
    }
    if (branch) link_tee_to(tee, branch);
    if (r->recorder) {
        GstPad *rec_src = gst_element_request_pad_simple(tee, "src_%u");
        recorder_link(r->recorder, video ? "video" : "audio", rec_src);
        gst_object_unref(rec_src);
    }
    if (branch) gst_element_sync_state_with_parent(branch);
    gst_element_sync_state_with_parent(tee);
    if (parse) gst_element_sync_state_with_parent(parse);
    gst_element_sync_state_with_parent(depay);

    sink = gst_element_get_static_pad(depay, "sink");
    if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
        fprintf(stderr, "mcu-room: cannot link webrtcbin's %s to its depayloader\n",
                GST_PAD_NAME(pad));
    gst_object_unref(sink);
    if (video) request_keyframe(depay);
    g_mutex_unlock(&r->lock);
    g_free(enc);
}

struct receiver *receiver_new(GstElement *pipeline, GstElement *webrtc, enum receiver_output output,
                              struct recorder *recorder, struct room_stats *stats)
{
    struct receiver *r = g_new0(struct receiver, 1);

    r->pipeline = pipeline;
    r->webrtc = webrtc;
    r->output = output;
    r->recorder = recorder;
    r->stats = stats;
    g_mutex_init(&r->lock);
    g_signal_connect(webrtc, "pad-added", G_CALLBACK(on_pad_added), r);
    return r;
}

void receiver_free(struct receiver *r)
{
    if (!r) return;
    g_signal_handlers_disconnect_by_data(r->webrtc, r);
    g_mutex_clear(&r->lock);
    g_free(r);
}
