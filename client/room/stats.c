/* stats.c - webrtcbin statistics sampling and the status/summary lines; see stats.h.
 *
 * webrtcbin's "get-stats" answers a promise with one structure per statistics object
 * (inbound-rtp, outbound-rtp, remote-inbound-rtp, ...); bytes and losses are summed over
 * the streams, the round-trip time is the largest one reported. */
#define GST_USE_UNSTABLE_API
#include "client/room/stats.h"

#include <gst/webrtc/webrtc.h>
#include <string.h>

#include "client/room/click_probe.h"
#include "client/room/timecode_probe.h"

void stats_init(struct room_stats *st)
{
    memset(st, 0, sizeof(*st));
    st->rtt_ms = -1;
}

struct totals {
    double bytes_in, bytes_out, lost, rtt_s;
    gboolean have_rtt;
};

static double number_field(const GstStructure *s, const char *field)
{
    const GValue *v = gst_structure_get_value(s, field);
    GValue d = G_VALUE_INIT;
    double out = 0;

    if (!v) return 0;
    g_value_init(&d, G_TYPE_DOUBLE);
    if (g_value_transform(v, &d)) out = g_value_get_double(&d);
    g_value_unset(&d);
    return out;
}

static gboolean add_one(GQuark field, const GValue *value, gpointer data)
{
    struct totals *t = data;
    const GstStructure *s;
    GstWebRTCStatsType type;
    (void)field;

    if (!GST_VALUE_HOLDS_STRUCTURE(value)) return TRUE;
    s = gst_value_get_structure(value);
    if (!gst_structure_get(s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL)) return TRUE;
    switch (type) {
    case GST_WEBRTC_STATS_INBOUND_RTP:
        t->bytes_in += number_field(s, "bytes-received");
        t->lost += number_field(s, "packets-lost");
        break;
    case GST_WEBRTC_STATS_OUTBOUND_RTP: t->bytes_out += number_field(s, "bytes-sent"); break;
    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
        if (gst_structure_has_field(s, "round-trip-time")) {
            double rtt = number_field(s, "round-trip-time");
            if (rtt > 0 && (!t->have_rtt || rtt > t->rtt_s)) t->rtt_s = rtt;
            t->have_rtt = t->have_rtt || rtt > 0;
        }
        break;
    default: break;
    }
    return TRUE;
}

/* Synchronous: webrtcbin answers on its own thread, which never waits for ours. */
void stats_sample(struct room_stats *st, GstElement *webrtc)
{
    GstPromise *promise = gst_promise_new();
    const GstStructure *reply;
    struct totals t = {0};
    gint64 now;

    g_signal_emit_by_name(webrtc, "get-stats", NULL, promise);
    if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED ||
        !(reply = gst_promise_get_reply(promise))) {
        gst_promise_unref(promise);
        return;
    }
    gst_structure_foreach(reply, add_one, &t);
    gst_promise_unref(promise);
    now = g_get_monotonic_time();
    if (st->sampled_at_us > 0 && now > st->sampled_at_us) {
        double seconds = (double)(now - st->sampled_at_us) / 1e6;
        st->kbps_in =
            t.bytes_in > st->bytes_in ? (t.bytes_in - st->bytes_in) * 8 / 1000 / seconds : 0;
        st->kbps_out =
            t.bytes_out > st->bytes_out ? (t.bytes_out - st->bytes_out) * 8 / 1000 / seconds : 0;
    }
    st->bytes_in = t.bytes_in;
    st->bytes_out = t.bytes_out;
    st->packets_lost = t.lost;
    if (t.have_rtt) st->rtt_ms = t.rtt_s * 1000;
    st->sampled_at_us = now;
}

char *stats_line(const struct room_stats *st)
{
    char rtt[32];
    char *timecode = st->timecode ? timecode_reader_line(st->timecode) : NULL;
    char *clicks = st->clicks ? click_reader_line(st->clicks) : NULL;
    char *line;

    if (st->rtt_ms >= 0)
        g_snprintf(rtt, sizeof(rtt), "%.1f ms", st->rtt_ms);
    else
        g_strlcpy(rtt, "-", sizeof(rtt));
    line = g_strdup_printf(
        "in %.0f kbit/s, out %.0f kbit/s, lost %.0f, video %d received / %d decoded %dx%d, "
        "audio %d decoded, rtt %s%s%s%s%s",
        st->kbps_in, st->kbps_out, st->packets_lost, g_atomic_int_get(&st->video_frames_received),
        g_atomic_int_get(&st->video_frames_decoded), g_atomic_int_get(&st->video_width),
        g_atomic_int_get(&st->video_height), g_atomic_int_get(&st->audio_frames_decoded), rtt,
        timecode ? ", " : "", timecode ? timecode : "", clicks ? ", " : "", clicks ? clicks : "");
    g_free(timecode);
    g_free(clicks);
    return line;
}

char *stats_summary_fields(const struct room_stats *st, double seconds)
{
    char *timecode = st->timecode ? timecode_reader_summary_fields(st->timecode) : NULL;
    char *clicks = st->clicks ? click_reader_summary_fields(st->clicks) : NULL;
    char *fields = g_strdup_printf(
        "video_frames_received=%d video_frames_decoded=%d resolution=%dx%d "
        "audio_frames_decoded=%d kbps_in=%.0f kbps_out=%.0f bytes_in=%.0f bytes_out=%.0f "
        "packets_lost=%.0f rtt_ms=%.1f%s%s%s%s",
        g_atomic_int_get(&st->video_frames_received), g_atomic_int_get(&st->video_frames_decoded),
        g_atomic_int_get(&st->video_width), g_atomic_int_get(&st->video_height),
        g_atomic_int_get(&st->audio_frames_decoded),
        seconds > 0 ? st->bytes_in * 8 / 1000 / seconds : 0,
        seconds > 0 ? st->bytes_out * 8 / 1000 / seconds : 0, st->bytes_in, st->bytes_out,
        st->packets_lost, st->rtt_ms, timecode ? " " : "", timecode ? timecode : "",
        clicks ? " " : "", clicks ? clicks : "");
    g_free(timecode);
    g_free(clicks);
    return fields;
}
