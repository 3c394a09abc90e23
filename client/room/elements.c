/* elements.c - GStreamer element presence, with the Debian package of each; see elements.h. */
#include "client/room/elements.h"

#include <gst/gst.h>
#include <string.h>

#include "client/room/util.h"

struct element_package {
    const char *factory;
    const char *package;
};

static const struct element_package packages[] = {
    {"webrtcbin", "gstreamer1.0-plugins-bad"},
    {"nicesrc", "gstreamer1.0-nice"},
    {"nicesink", "gstreamer1.0-nice"},
    {"dtlssrtpenc", "gstreamer1.0-plugins-bad"},
    {"srtpenc", "gstreamer1.0-plugins-bad"},
    {"rtpbin", "gstreamer1.0-plugins-good"},
    {"videotestsrc", "gstreamer1.0-plugins-base"},
    {"audiotestsrc", "gstreamer1.0-plugins-base"},
    {"v4l2src", "gstreamer1.0-plugins-good"},
    {"pulsesrc", "gstreamer1.0-pulseaudio"},
    {"alsasrc", "gstreamer1.0-alsa"},
    {"appsrc", "gstreamer1.0-plugins-base"},
    {"appsink", "gstreamer1.0-plugins-base"},
    {"parsebin", "gstreamer1.0-plugins-base"},
    {"decodebin", "gstreamer1.0-plugins-base"},
    {"videoconvert", "gstreamer1.0-plugins-base"},
    {"videoscale", "gstreamer1.0-plugins-base"},
    {"videorate", "gstreamer1.0-plugins-base"},
    {"audioconvert", "gstreamer1.0-plugins-base"},
    {"audioresample", "gstreamer1.0-plugins-base"},
    {"opusenc", "gstreamer1.0-plugins-base"},
    {"opusdec", "gstreamer1.0-plugins-base"},
    {"vp8enc", "gstreamer1.0-plugins-good"},
    {"vp8dec", "gstreamer1.0-plugins-good"},
    {"x264enc", "gstreamer1.0-plugins-ugly"},
    {"avdec_h264", "gstreamer1.0-libav"},
    {"h264parse", "gstreamer1.0-plugins-bad"},
    {"opusparse", "gstreamer1.0-plugins-bad"},
    {"rtpvp8pay", "gstreamer1.0-plugins-good"},
    {"rtpvp8depay", "gstreamer1.0-plugins-good"},
    {"rtph264pay", "gstreamer1.0-plugins-good"},
    {"rtph264depay", "gstreamer1.0-plugins-good"},
    {"rtpopuspay", "gstreamer1.0-plugins-good"},
    {"rtpopusdepay", "gstreamer1.0-plugins-good"},
    {"matroskamux", "gstreamer1.0-plugins-good"},
    {"filesink", "libgstreamer1.0-0"},
    {"filesrc", "libgstreamer1.0-0"},
    {"fakesink", "libgstreamer1.0-0"},
    {"tee", "libgstreamer1.0-0"},
    {"queue", "libgstreamer1.0-0"},
    {"autovideosink", "gstreamer1.0-plugins-good"},
    {"autoaudiosink", "gstreamer1.0-plugins-good"},
};

static const char *package_of(const char *factory)
{
    for (size_t i = 0; i < G_N_ELEMENTS(packages); i++)
        if (strcmp(packages[i].factory, factory) == 0) return packages[i].package;
    return "a GStreamer plugin package";
}

gboolean elements_check(const char *const *factories, char **error)
{
    GString *missing = g_string_new(NULL);

    for (const char *const *f = factories; *f; f++) {
        GstElementFactory *factory = gst_element_factory_find(*f);
        if (factory) {
            gst_object_unref(factory);
            continue;
        }
        g_string_append_printf(missing, "%s%s (Debian package %s)", missing->len ? ", " : "", *f,
                               package_of(*f));
    }
    if (missing->len == 0) {
        g_string_free(missing, TRUE);
        return TRUE;
    }
    room_set_error(error, "missing GStreamer elements: %s", missing->str);
    g_string_free(missing, TRUE);
    return FALSE;
}
