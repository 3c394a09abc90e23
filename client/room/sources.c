/* sources.c - the sending branches of a room's pipeline; see sources.h.
 *
 * Each branch is a bin made from a pipeline description (numbers and checked words
 * only: device names and paths are set as properties afterwards, never pasted into
 * the description), with a ghost src pad linked to a webrtcbin sink_%u pad. File
 * sources put a file_loop's appsrc in front of the bin's ghost sink pad. A content
 * connection (presenting) has one send-only video section and no audio. */
#define GST_USE_UNSTABLE_API
#include "client/room/sources.h"

#include <gst/webrtc/webrtc.h>
#include <string.h>

#include "client/room/click_probe.h"
#include "client/room/elements.h"
#include "client/room/file_loop.h"
#include "client/room/replay_ladder.h"
#include "client/room/timecode_probe.h"
#include "client/room/util.h"

#define VIDEO_PT            96
#define H264_PT             102
#define OPUS_PT             111
#define OPUS_BITRATE        32000
#define KEYFRAME_INTERVAL_S 2

struct room_sources {
    struct file_loop *video_file; /* NULL unless a file feeds video */
    struct replay_ladder *ladder; /* --replay: the video as stored, one rendition at a time */
    struct file_loop *audio_file;
    char *description;
    /* the encoded video branch (NULL: replay, or no video): where send limits apply */
    GstElement *limits; /* capsfilter after videoscale ! videorate */
    GstElement *pause;  /* valve before the encoder */
    GstElement *encoder;
    enum room_codec codec;
    int width, height, fps, bitrate_kbps; /* the room's own settings: never exceeded */
    gboolean paused;
};

static const char *const base_elements[] = {
    "webrtcbin", "nicesrc", "nicesink", "dtlssrtpenc", "srtpenc", "rtpbin", "queue", NULL,
};

/* The transceiver of a linked webrtc sink pad only sends (a presentation). */
static void make_sendonly(GstPad *sink)
{
    GstWebRTCRTPTransceiver *trans = NULL;
    g_object_get(sink, "transceiver", &trans, NULL);
    if (!trans) return;
    g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
    gst_object_unref(trans);
}

/* Adds a bin made from desc to pipeline, links its src to a new webrtc sink pad, and
 * feeds its sink from feeder when given. */
static gboolean add_branch(GstElement *pipeline, GstElement *webrtc, const char *desc,
                           GstElement *feeder, GstElement **bin_out, gboolean sendonly,
                           char **error)
{
    GError *err = NULL;
    GstElement *bin = gst_parse_bin_from_description(desc, TRUE, &err);
    GstPad *src, *sink;
    gboolean ok;

    if (!bin) {
        room_set_error(error, "cannot build the sending pipeline '%s': %s", desc,
                       err ? err->message : "?");
        g_clear_error(&err);
        return FALSE;
    }
    gst_bin_add(GST_BIN(pipeline), bin);
    if (feeder) {
        gst_bin_add(GST_BIN(pipeline), feeder);
        if (!gst_element_link(feeder, bin)) {
            room_set_error(error, "the file's stream does not fit '%s'", desc);
            return FALSE;
        }
    }
    src = gst_element_get_static_pad(bin, "src");
    sink = gst_element_request_pad_simple(webrtc, "sink_%u");
    ok = src && sink && gst_pad_link(src, sink) == GST_PAD_LINK_OK;
    if (!ok) room_set_error(error, "cannot link '%s' to webrtcbin", desc);
    if (ok && sendonly) make_sendonly(sink);
    if (src) gst_object_unref(src);
    if (sink) gst_object_unref(sink);
    if (bin_out) *bin_out = bin;
    return ok;
}

static void add_recvonly(GstElement *webrtc, const char *caps_text)
{
    GstCaps *caps = gst_caps_from_string(caps_text);
    GstWebRTCRTPTransceiver *trans = NULL;

    g_signal_emit_by_name(webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
                          caps, &trans);
    if (trans) gst_object_unref(trans);
    gst_caps_unref(caps);
}

static char *video_rtp_caps(enum room_codec codec)
{
    if (codec == ROOM_CODEC_H264)
        return g_strdup_printf(
            "application/x-rtp,media=video,encoding-name=H264,payload=%d,clock-rate=90000,"
            "packetization-mode=(string)1,profile-level-id=(string)42e01f",
            H264_PT);
    return g_strdup_printf(
        "application/x-rtp,media=video,encoding-name=VP8,payload=%d,clock-rate=90000", VIDEO_PT);
}

/* "ENCODER ! PAYLOADER ! RTP CAPS" for raw video in. */
static char *video_encoder(const struct room_options *opt)
{
    int keyint = opt->fps * KEYFRAME_INTERVAL_S;

    if (opt->codec == ROOM_CODEC_H264)
        return g_strdup_printf(
            "x264enc name=encoder tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=%d "
            "! video/x-h264,profile=constrained-baseline "
            "! rtph264pay config-interval=-1 aggregate-mode=zero-latency "
            "! capsfilter caps=\"application/x-rtp,media=video,encoding-name=H264,payload=%d\"",
            keyint, opt->bitrate_kbps, H264_PT);
    return g_strdup_printf(
        "vp8enc name=encoder deadline=1 cpu-used=4 end-usage=cbr target-bitrate=%d keyframe-max-dist=%d "
        "lag-in-frames=0 threads=2 "
        "! rtpvp8pay picture-id-mode=15-bit "
        "! capsfilter caps=\"application/x-rtp,media=video,encoding-name=VP8,payload=%d\"",
        opt->bitrate_kbps * 1000, keyint, VIDEO_PT);
}

static const char *audio_encoder_desc(void)
{
    return "audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! queue "
           "! opusenc bitrate=32000 ! rtpopuspay "
           "! capsfilter caps=\"application/x-rtp,media=audio,encoding-name=OPUS,payload=111\"";
}

static gboolean check(const char *const *list, char **error) { return elements_check(list, error); }

/* The decoder of a still picture (PNG or JPEG, by its name), or NULL for a video. */
static const char *picture_decoder(const char *path)
{
    static const char *const endings[][2] = {
        {".png", "pngdec"}, {".jpg", "jpegdec"}, {".jpeg", "jpegdec"}};
    char *lower = g_ascii_strdown(path, -1);
    const char *decoder = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(endings) && !decoder; i++)
        if (g_str_has_suffix(lower, endings[i][0])) decoder = endings[i][1];
    g_free(lower);
    return decoder;
}

/* Gives the src pad of the element `name` in bin to attach (a pad probe's attach). */
static void attach_to_source(GstElement *bin, const char *name, void (*attach)(GstPad *pad))
{
    GstElement *source = gst_bin_get_by_name(GST_BIN(bin), name);
    GstPad *raw = gst_element_get_static_pad(source, "src");
    attach(raw);
    gst_object_unref(raw);
    gst_object_unref(source);
}

static gboolean build_video(struct room_sources *s, const struct room_options *opt,
                            GstElement *pipeline, GstElement *webrtc, GString *what, char **error)
{
    static const char *const vp8[] = {"vp8enc", "rtpvp8pay", NULL};
    static const char *const h264[] = {"x264enc", "rtph264pay", NULL};
    static const char *const raw[] = {"videoconvert", "videoscale", "videorate", NULL};
    char *enc, *desc, *caps;
    GstElement *bin = NULL;
    gboolean ok;

    if (opt->video == ROOM_VIDEO_NONE) {
        caps = video_rtp_caps(opt->codec);
        add_recvonly(webrtc, caps);
        g_free(caps);
        g_string_append_printf(what, "no video (receiving %s)", options_codec_name(opt->codec));
        return TRUE;
    }
    if (!check(opt->codec == ROOM_CODEC_H264 ? h264 : vp8, error) || !check(raw, error))
        return FALSE;
    enc = video_encoder(opt);
    /* test:timecode measures latency: like a real-time camera client it drops stale
     * frames before the encoder instead of queueing up to a second of them (while
     * webrtcbin waits for the answer, or when the encoder falls behind). */
    gboolean timecode = opt->video == ROOM_VIDEO_TEST && strcmp(opt->video_arg, "timecode") == 0;
    /* Send limits (sources_apply_limits) change this capsfilter and the valve. */
    char *limits = g_strdup_printf("videoscale ! videorate drop-only=true "
                                   "! capsfilter name=limits caps=\"video/x-raw,width=%d,"
                                   "height=%d,framerate=%d/1\" ! valve name=pause drop=false "
                                   "! queue%s ! %s",
                                   opt->width, opt->height, opt->fps,
                                   timecode ? " leaky=downstream max-size-buffers=2 "
                                              "max-size-bytes=0 max-size-time=0"
                                            : "",
                                   enc);
    g_free(enc);
    enc = limits;
    switch (opt->video) {
    case ROOM_VIDEO_TEST: {
        static const char *const need[] = {"videotestsrc", NULL};
        if (!check(need, error)) {
            g_free(enc);
            return FALSE;
        }
        /* test:timecode: the ball, in I420, stamped as it leaves the source */
        desc = g_strdup_printf("videotestsrc name=testsrc is-live=true pattern=%s "
                               "! video/x-raw,%swidth=%d,height=%d,framerate=%d/1 ! %s",
                               timecode ? "ball" : opt->video_arg, timecode ? "format=I420," : "",
                               opt->width, opt->height, opt->fps, enc);
        break;
    }
    case ROOM_VIDEO_V4L2: {
        static const char *const need[] = {"v4l2src", NULL};
        if (!check(need, error)) {
            g_free(enc);
            return FALSE;
        }
        desc = g_strdup_printf("v4l2src name=camera ! videoconvert ! videoscale ! videorate "
                               "! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! %s",
                               opt->width, opt->height, opt->fps, enc);
        break;
    }
    default:                                   /* ROOM_VIDEO_FILE */
        if (picture_decoder(opt->video_arg)) { /* a still page: shown as long as the call */
            const char *const need[] = {"filesrc", picture_decoder(opt->video_arg), "imagefreeze",
                                        NULL};
            if (!check(need, error)) {
                g_free(enc);
                return FALSE;
            }
            desc = g_strdup_printf(
                "filesrc name=picture ! %s ! imagefreeze is-live=true "
                "! videoconvert ! videoscale ! videorate "
                "! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! %s",
                picture_decoder(opt->video_arg), opt->width, opt->height, opt->fps, enc);
            break;
        }
        s->video_file = file_loop_new(opt->video_arg, "video", FILE_LOOP_DECODED, error);
        if (!s->video_file) {
            g_free(enc);
            return FALSE;
        }
        desc = g_strdup_printf("videoconvert ! videoscale ! videorate "
                               "! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! %s",
                               opt->width, opt->height, opt->fps, enc);
        break;
    }
    g_free(enc);
    ok = add_branch(pipeline, webrtc, desc, s->video_file ? file_loop_source(s->video_file) : NULL,
                    &bin, opt->content, error);
    g_free(desc);
    if (ok) {
        s->limits = gst_bin_get_by_name(GST_BIN(bin), "limits");
        s->pause = gst_bin_get_by_name(GST_BIN(bin), "pause");
        s->encoder = gst_bin_get_by_name(GST_BIN(bin), "encoder");
        s->codec = opt->codec;
        s->width = opt->width;
        s->height = opt->height;
        s->fps = opt->fps;
        s->bitrate_kbps = opt->bitrate_kbps;
    }
    if (ok && timecode) attach_to_source(bin, "testsrc", timecode_stamp_attach);
    if (ok && opt->video == ROOM_VIDEO_FILE && !s->video_file) {
        GstElement *picture = gst_bin_get_by_name(GST_BIN(bin), "picture");
        g_object_set(picture, "location", opt->video_arg, NULL);
        gst_object_unref(picture);
    }
    if (ok && opt->video == ROOM_VIDEO_V4L2 && opt->video_arg) {
        GstElement *camera = gst_bin_get_by_name(GST_BIN(bin), "camera");
        g_object_set(camera, "device", opt->video_arg, NULL);
        gst_object_unref(camera);
    }
    g_string_append_printf(what, "video %s %dx%d@%d %d kbit/s (%s%s%s)",
                           options_codec_name(opt->codec), opt->width, opt->height, opt->fps,
                           opt->bitrate_kbps,
                           opt->video == ROOM_VIDEO_TEST   ? "test:"
                           : opt->video == ROOM_VIDEO_V4L2 ? "v4l2"
                                                           : "file:",
                           opt->video == ROOM_VIDEO_V4L2 && opt->video_arg ? ":" : "",
                           opt->video_arg ? opt->video_arg : "");
    return ok;
}

static gboolean build_audio(struct room_sources *s, const struct room_options *opt,
                            GstElement *pipeline, GstElement *webrtc, GString *what, char **error)
{
    static const char *const enc[] = {"audioconvert", "audioresample", "opusenc", "rtpopuspay",
                                      NULL};
    const char *src_factory = NULL;
    char *desc;
    GstElement *bin = NULL;
    gboolean ok;
    gboolean click = opt->audio == ROOM_AUDIO_TEST && g_strcmp0(opt->audio_arg, "click") == 0;

    if (opt->content) { /* the room's own microphone speaks for its presentation */
        g_string_append(what, ", no audio (presenting)");
        return TRUE;
    }
    if (opt->audio == ROOM_AUDIO_NONE) {
        add_recvonly(
            webrtc, "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
                    "encoding-params=(string)2");
        g_string_append(what, ", no audio (receiving Opus)");
        return TRUE;
    }
    if (!check(enc, error)) return FALSE;
    switch (opt->audio) {
    case ROOM_AUDIO_TEST:
        src_factory = "audiotestsrc";
        if (click) /* silence in 10 ms buffers, the click written as they leave the source */
            desc = g_strdup_printf("audiotestsrc name=clicksrc is-live=true wave=silence "
                                   "samplesperbuffer=480 ! %s ! %s",
                                   CLICK_SOURCE_CAPS, audio_encoder_desc());
        else
            desc = g_strdup_printf("audiotestsrc is-live=true wave=sine freq=%d volume=0.3 ! %s",
                                   opt->tone_hz, audio_encoder_desc());
        break;
    case ROOM_AUDIO_PULSE:
        src_factory = "pulsesrc";
        desc = g_strdup_printf("pulsesrc name=microphone ! %s", audio_encoder_desc());
        break;
    case ROOM_AUDIO_ALSA:
        src_factory = "alsasrc";
        desc = g_strdup_printf("alsasrc name=microphone ! %s", audio_encoder_desc());
        break;
    default: /* ROOM_AUDIO_FILE */
        s->audio_file = file_loop_new(opt->audio_arg, "audio", FILE_LOOP_DECODED, error);
        if (!s->audio_file) return FALSE;
        desc = g_strdup(audio_encoder_desc());
        break;
    }
    if (src_factory) {
        const char *const need[] = {src_factory, NULL};
        if (!check(need, error)) {
            g_free(desc);
            return FALSE;
        }
    }
    ok = add_branch(pipeline, webrtc, desc, s->audio_file ? file_loop_source(s->audio_file) : NULL,
                    &bin, FALSE, error);
    g_free(desc);
    if (ok && (opt->audio == ROOM_AUDIO_PULSE || opt->audio == ROOM_AUDIO_ALSA) && opt->audio_arg) {
        GstElement *mic = gst_bin_get_by_name(GST_BIN(bin), "microphone");
        g_object_set(mic, "device", opt->audio_arg, NULL);
        gst_object_unref(mic);
    }
    if (ok && click) attach_to_source(bin, "clicksrc", click_source_attach);
    if (click)
        g_string_append(what, ", audio Opus (test:click)");
    else if (opt->audio == ROOM_AUDIO_TEST)
        g_string_append_printf(what, ", audio Opus (test:%d Hz)", opt->tone_hz);
    else
        g_string_append_printf(what, ", audio Opus (%s%s%s)",
                               opt->audio == ROOM_AUDIO_PULSE  ? "pulse"
                               : opt->audio == ROOM_AUDIO_ALSA ? "alsa"
                                                               : "file",
                               opt->audio_arg ? ":" : "", opt->audio_arg ? opt->audio_arg : "");
    return ok;
}

/* --replay: the file's own VP8/H.264 and Opus, payloaded as they are. */
static gboolean build_replay(struct room_sources *s, const struct room_options *opt,
                             GstElement *pipeline, GstElement *webrtc, GString *what, char **error)
{
    static const char *const need[] = {"appsrc",     "appsink",   "parsebin",   "rtpvp8pay",
                                       "rtph264pay", "h264parse", "rtpopuspay", NULL};
    const GstStructure *st;
    const char *name;
    char *desc, *audio_error = NULL;
    gboolean ok;

    if (!check(need, error)) return FALSE;
    s->ladder = replay_ladder_new(opt->replay, opt->replay_count, error);
    if (!s->ladder) return FALSE;
    st = gst_caps_get_structure(replay_ladder_caps(s->ladder), 0);
    name = gst_structure_get_name(st);
    if (strcmp(name, "video/x-h264") == 0)
        desc = g_strdup_printf(
            "h264parse ! rtph264pay config-interval=-1 aggregate-mode=zero-latency "
            "! capsfilter caps=\"application/x-rtp,media=video,encoding-name=H264,payload=%d\"",
            H264_PT);
    else
        desc = g_strdup_printf(
            "rtpvp8pay picture-id-mode=15-bit "
            "! capsfilter caps=\"application/x-rtp,media=video,encoding-name=VP8,payload=%d\"",
            VIDEO_PT);
    ok = add_branch(pipeline, webrtc, desc, replay_ladder_source(s->ladder), NULL, FALSE, error);
    g_free(desc);
    if (!ok) return FALSE;
    char *sizes = replay_ladder_describe(s->ladder);
    g_string_append_printf(what, "replay of %s: video %s %s as stored", opt->replay[0],
                           strcmp(name, "video/x-h264") == 0 ? "H264" : "VP8", sizes);
    g_free(sizes);

    s->audio_file = file_loop_new(opt->replay[0], "audio", FILE_LOOP_ENCODED, &audio_error);
    if (!s->audio_file) {
        add_recvonly(
            webrtc, "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
                    "encoding-params=(string)2");
        g_string_append_printf(what, ", no audio (%s)", audio_error);
        g_free(audio_error);
        return TRUE;
    }
    ok = add_branch(
        pipeline, webrtc,
        "rtpopuspay ! capsfilter caps=\"application/x-rtp,media=audio,encoding-name=OPUS,payload=111\"",
        file_loop_source(s->audio_file), NULL, FALSE, error);
    g_string_append(what, ", audio Opus as stored");
    return ok;
}

struct room_sources *sources_new(const struct room_options *opt, GstElement *pipeline,
                                 GstElement *webrtc, char **error)
{
    struct room_sources *s = g_new0(struct room_sources, 1);
    GString *what = g_string_new(NULL);
    gboolean ok = check(base_elements, error);

    if (ok && opt->replay_count)
        ok = build_replay(s, opt, pipeline, webrtc, what, error);
    else if (ok)
        ok = build_video(s, opt, pipeline, webrtc, what, error) &&
             build_audio(s, opt, pipeline, webrtc, what, error);
    s->description = g_string_free(what, FALSE);
    if (!ok) {
        sources_free(s);
        return NULL;
    }
    return s;
}

void sources_start(struct room_sources *s, GstElement *pipeline)
{
    if (s->video_file) file_loop_start(s->video_file, pipeline);
    if (s->ladder) replay_ladder_start(s->ladder, pipeline);
    if (s->audio_file) file_loop_start(s->audio_file, pipeline);
}

const char *sources_describe(const struct room_sources *s) { return s->description; }

gboolean sources_apply_limits(struct room_sources *s, const struct protocol_send_limits *l,
                              char **applied)
{
    if (s->ladder) {
        replay_ladder_apply_limits(s->ladder, l, applied);
        return TRUE;
    }
    if (!s->limits || !s->pause || !s->encoder) {
        *applied = g_strdup("not applied (no video)");
        return FALSE;
    }
    if (!l->active) {
        g_object_set(s->pause, "drop", TRUE, NULL);
        s->paused = TRUE;
        *applied = g_strdup("video paused");
        return TRUE;
    }
    /* The largest size that fits the cell, keeping the room's own aspect; never more
     * than the room's own size, rate or bitrate. */
    double scale = 1.0;
    if (l->width > 0 && l->height > 0) {
        double sw = (double)s->width / l->width, sh = (double)s->height / l->height;
        scale = sw > sh ? sw : sh;
        if (scale < 1.0) scale = 1.0;
    }
    int w = ((int)(s->width / scale)) & ~1, h = ((int)(s->height / scale)) & ~1;
    if (w < 16) w = 16;
    if (h < 16) h = 16;
    int fps = l->fps > 0 && l->fps < s->fps ? l->fps : s->fps;
    int kbps = s->bitrate_kbps;
    if (l->max_bitrate > 0 && l->max_bitrate / 1000 < kbps) kbps = (int)(l->max_bitrate / 1000);
    if (kbps < 16) kbps = 16;
    GstCaps *caps = gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, w, "height", G_TYPE_INT,
                                        h, "framerate", GST_TYPE_FRACTION, fps, 1, NULL);
    g_object_set(s->limits, "caps", caps, NULL);
    gst_caps_unref(caps);
    if (s->codec == ROOM_CODEC_H264)
        g_object_set(s->encoder, "bitrate", (guint)kbps, NULL);
    else
        g_object_set(s->encoder, "target-bitrate", kbps * 1000, NULL);
    if (s->paused) {
        g_object_set(s->pause, "drop", FALSE, NULL);
        s->paused = FALSE;
        /* Back in view: start with a keyframe (the MCU asks too). */
        GstPad *src = gst_element_get_static_pad(s->encoder, "src");
        if (src) {
            gst_pad_send_event(
                src, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM,
                                          gst_structure_new("GstForceKeyUnit", "all-headers",
                                                            G_TYPE_BOOLEAN, TRUE, NULL)));
            gst_object_unref(src);
        }
    }
    *applied = g_strdup_printf("%dx%d@%d %d kbit/s", w, h, fps, kbps);
    return TRUE;
}

char *sources_sent_size(const struct room_sources *s)
{
    if (s->ladder) return replay_ladder_sent_size(s->ladder);
    if (!s->limits) return NULL;
    if (s->paused) return g_strdup("paused");
    GstPad *pad = gst_element_get_static_pad(s->limits, "src");
    GstCaps *caps = pad ? gst_pad_get_current_caps(pad) : NULL;
    char *out = NULL;
    int w = 0, h = 0;
    if (caps) {
        const GstStructure *st = gst_caps_get_structure(caps, 0);
        if (gst_structure_get_int(st, "width", &w) && gst_structure_get_int(st, "height", &h))
            out = g_strdup_printf("%dx%d", w, h);
        gst_caps_unref(caps);
    }
    if (pad) gst_object_unref(pad);
    return out;
}

void sources_free(struct room_sources *s)
{
    if (!s) return;
    if (s->limits) gst_object_unref(s->limits);
    if (s->pause) gst_object_unref(s->pause);
    if (s->encoder) gst_object_unref(s->encoder);
    file_loop_free(s->video_file);
    replay_ladder_free(s->ladder);
    file_loop_free(s->audio_file);
    g_free(s->description);
    g_free(s);
}
