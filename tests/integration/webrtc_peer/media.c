/* media.c - the test peer's fixed pipeline (test pattern and sine tone into
 * webrtcbin) and what it does with the server's streams: decode them and count the
 * frames and buffers (pad probes on GStreamer threads: atomics and the media lock). */
#include "tests/integration/webrtc_peer/peer.h"

#include <string.h>

#include "client/room/elements.h"

static void note_progress(struct peer *p)
{
    if (g_atomic_int_get(&p->video_frames) >= p->opt.min_frames &&
        g_atomic_int_get(&p->audio_buffers) > 0 &&
        g_atomic_int_compare_and_exchange(&p->goal_reported, 0, 1))
        g_idle_add(peer_on_goal_check, p);
}

static void note_video_caps(struct peer *p, GstCaps *caps)
{
    const GstStructure *s = gst_caps_get_structure(caps, 0);
    int w = 0, h = 0;

    gst_structure_get_int(s, "width", &w);
    gst_structure_get_int(s, "height", &h);
    g_mutex_lock(&p->media_lock);
    if (p->width != w || p->height != h)
        peer_log("decoded video caps: %dx%d %s", w, h, gst_structure_get_string(s, "format"));
    p->width = w;
    p->height = h;
    g_free(p->video_format);
    p->video_format = g_strdup(gst_structure_get_string(s, "format"));
    g_mutex_unlock(&p->media_lock);
}

static GstPadProbeReturn on_decoded_video(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct peer *p = data;
    (void)pad;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        g_atomic_int_inc(&p->video_frames);
        note_progress(p);
    } else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_CAPS) {
        GstCaps *caps;
        gst_event_parse_caps(GST_PAD_PROBE_INFO_EVENT(info), &caps);
        note_video_caps(p, caps);
    }
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn on_decoded_audio(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct peer *p = data;
    (void)pad;
    (void)info;
    g_atomic_int_inc(&p->audio_buffers);
    note_progress(p);
    return GST_PAD_PROBE_OK;
}

/* decodebin exposed a decoded stream: count it into a fakesink. */
static void on_decoded_pad(GstElement *decodebin, GstPad *pad, gpointer data)
{
    struct peer *p = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    const char *kind = caps ? gst_structure_get_name(gst_caps_get_structure(caps, 0)) : "";
    GstElement *sink = gst_element_factory_make("fakesink", NULL);
    GstPad *sinkpad;
    (void)decodebin;

    g_object_set(sink, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add(GST_BIN(p->pipeline), sink);
    gst_element_sync_state_with_parent(sink);
    sinkpad = gst_element_get_static_pad(sink, "sink");
    if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK)
        peer_log("cannot link a decoded %s pad", kind);
    gst_object_unref(sinkpad);

    if (g_str_has_prefix(kind, "video/")) {
        note_video_caps(p, caps);
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                          on_decoded_video, p, NULL);
    } else if (g_str_has_prefix(kind, "audio/")) {
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_decoded_audio, p, NULL);
    }
    if (caps) gst_caps_unref(caps);
}

/* Records which decoder decodebin picked for video (avdec_h264, vp8dec, ...). */
static void on_decoder_added(GstBin *bin, GstElement *element, gpointer data)
{
    struct peer *p = data;
    GstElementFactory *f = gst_element_get_factory(element);
    const char *klass = f ? gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS) : NULL;
    (void)bin;

    if (klass && strstr(klass, "Decoder") && strstr(klass, "Video")) {
        g_mutex_lock(&p->media_lock);
        g_free(p->video_decoder);
        p->video_decoder = g_strdup(GST_OBJECT_NAME(f));
        g_mutex_unlock(&p->media_lock);
    }
}

/* webrtcbin has a stream from the server: decode it. */
static void on_webrtc_pad(GstElement *webrtc, GstPad *pad, gpointer data)
{
    struct peer *p = data;
    GstCaps *caps;
    const GstStructure *s;
    GstElement *decodebin;
    GstPad *sinkpad;
    (void)webrtc;

    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, NULL);
    s = gst_caps_get_structure(caps, 0);
    peer_log("incoming %s stream: %s", gst_structure_get_string(s, "media"),
             gst_structure_get_string(s, "encoding-name"));
    if (g_strcmp0(gst_structure_get_string(s, "media"), "video") == 0) {
        g_mutex_lock(&p->media_lock);
        g_free(p->received_video_codec);
        p->received_video_codec = g_strdup(gst_structure_get_string(s, "encoding-name"));
        g_mutex_unlock(&p->media_lock);
    }
    gst_caps_unref(caps);

    decodebin = gst_element_factory_make("decodebin", NULL);
    g_signal_connect(decodebin, "pad-added", G_CALLBACK(on_decoded_pad), p);
    g_signal_connect(decodebin, "element-added", G_CALLBACK(on_decoder_added), p);
    gst_bin_add(GST_BIN(p->pipeline), decodebin);
    gst_element_sync_state_with_parent(decodebin);
    sinkpad = gst_element_get_static_pad(decodebin, "sink");
    if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK)
        peer_log("cannot link webrtcbin's %s to decodebin", GST_PAD_NAME(pad));
    gst_object_unref(sinkpad);
}

/* Every element the run needs (elements.c names the Debian package of each). */
static bool check_elements(const char *codec)
{
    static const char *const h264[] = {
        "webrtcbin",    "dtlssrtpenc", "srtpenc",      "nicesrc",    "rtpbin",    "videotestsrc",
        "audiotestsrc", "opusenc",     "opusdec",      "rtpopuspay", "decodebin", "fakesink",
        "x264enc",      "rtph264pay",  "rtph264depay", "avdec_h264", NULL,
    };
    static const char *const vp8[] = {
        "webrtcbin",    "dtlssrtpenc", "srtpenc",     "nicesrc",    "rtpbin",    "videotestsrc",
        "audiotestsrc", "opusenc",     "opusdec",     "rtpopuspay", "decodebin", "fakesink",
        "vp8enc",       "rtpvp8pay",   "rtpvp8depay", "vp8dec",     NULL,
    };
    char *error = NULL;

    if (elements_check(strcmp(codec, "h264") == 0 ? h264 : vp8, &error)) return true;
    fprintf(stderr, "webrtc_peer: %s\n", error);
    g_free(error);
    return false;
}

/* The fixed test pipeline; g_free it. H.264 Main and High add B-frames (two between
 * references, as room systems send them: decode order, timestamps going back). */
static char *pipeline_description(const struct peer_options *opt)
{
    const char *audio =
        "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! queue ! opusenc "
        "! rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc.";
    char *video;
    if (strcmp(opt->codec, "h264") == 0) {
        /* x264 writes the lowest profile the tools fit: CABAC and B-frames make Main,
         * the 8x8 transform High */
        const char *tools = strcmp(opt->h264_profile, "high") == 0
                                ? "bframes=2 b-adapt=false cabac=true dct8x8=true"
                            : strcmp(opt->h264_profile, "main") == 0
                                ? "bframes=2 b-adapt=false cabac=true"
                                : "tune=zerolatency";
        video = g_strdup_printf("x264enc speed-preset=ultrafast key-int-max=30 %s "
                                "! video/x-h264,profile=%s "
                                "! rtph264pay config-interval=-1 aggregate-mode=zero-latency "
                                "! application/x-rtp,media=video,encoding-name=H264,payload=102",
                                tools, opt->h264_profile);
    } else {
        video = g_strdup("vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay "
                         "! application/x-rtp,media=video,encoding-name=VP8,payload=96");
    }
    char *desc = g_strdup_printf(
        "webrtcbin name=webrtc bundle-policy=max-bundle "
        "videotestsrc is-live=true pattern=%s ! video/x-raw,width=640,height=360,framerate=30/1 "
        "! queue ! %s ! webrtc. %s",
        opt->pattern, video, audio);
    g_free(video);
    return desc;
}

static gboolean on_bus_message(GstBus *bus, GstMessage *msg, gpointer data)
{
    struct peer *p = data;
    (void)bus;

    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        GError *err = NULL;
        char *debug = NULL;
        gst_message_parse_error(msg, &err, &debug);
        peer_log("pipeline error debug: %s", debug ? debug : "-");
        peer_finish(p, PEER_SETUP,
                    g_strdup_printf("GStreamer error from %s: %s", GST_OBJECT_NAME(msg->src),
                                    err ? err->message : "?"));
        g_clear_error(&err);
        g_free(debug);
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
        GError *err = NULL;
        gst_message_parse_warning(msg, &err, NULL);
        peer_log("GStreamer warning from %s: %s", GST_OBJECT_NAME(msg->src),
                 err ? err->message : "?");
        g_clear_error(&err);
    }
    return G_SOURCE_CONTINUE;
}

bool peer_pipeline_create(struct peer *p)
{
    GError *err = NULL;
    GstBus *bus;

    if (!check_elements(p->opt.codec)) return false;
    char *desc = pipeline_description(&p->opt);
    p->pipeline = gst_parse_launch(desc, &err);
    g_free(desc);
    if (!p->pipeline || err) {
        fprintf(stderr, "webrtc_peer: cannot build the pipeline: %s\n", err ? err->message : "?");
        g_clear_error(&err);
        return false;
    }
    p->webrtc = gst_bin_get_by_name(GST_BIN(p->pipeline), "webrtc");
    gst_object_unref(p->webrtc); /* the pipeline keeps it alive */
    if (!peer_call_start(p)) return false;
    g_signal_connect(p->webrtc, "pad-added", G_CALLBACK(on_webrtc_pad), p);
    bus = gst_pipeline_get_bus(GST_PIPELINE(p->pipeline));
    gst_bus_add_watch(bus, on_bus_message, p);
    gst_object_unref(bus);
    if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        fprintf(stderr, "webrtc_peer: the pipeline does not start\n");
        return false;
    }
    return true;
}
