/* stats.h - one participant's media figures: counters bumped by the receiving
 * branches (frames received and decoded), webrtcbin's own statistics sampled every
 * few seconds (bytes in/out, packets lost, round-trip time), the bitrates computed from
 * them, and the status and summary lines printed from them. */
#ifndef HOINGHI_ROOM_STATS_H
#define HOINGHI_ROOM_STATS_H

#include <glib.h>
#include <gst/gst.h>

struct timecode_reader;
struct click_reader;

struct room_stats {
    /* written by streaming threads: g_atomic_int_* only */
    gint video_frames_received; /* depayloaded frames */
    gint video_frames_decoded;
    gint audio_frames_decoded;
    gint video_width, video_height; /* last decoded size */

    /* main loop only: the last sample of webrtcbin's statistics */
    double bytes_in, bytes_out; /* RTP bytes received/sent so far */
    double packets_lost;
    double rtt_ms;            /* -1 until the server reported one */
    double kbps_in, kbps_out; /* over the last sampling period */
    gint64 sampled_at_us;     /* monotonic time of the last sample, 0 = none */

    struct timecode_reader *timecode; /* --read-timecode (owned by the participant), or NULL */
    struct click_reader *clicks;      /* --read-clicks (owned by the participant), or NULL */
};

void stats_init(struct room_stats *st);

/* Reads webrtc's statistics into st (waits for webrtcbin's answer: a few ms). */
void stats_sample(struct room_stats *st, GstElement *webrtc);

/* "in 812 kbit/s out 845 kbit/s lost 0 frames 300 rx / 298 dec audio 500 rtt 0.4 ms 640x360" (g_free it). */
char *stats_line(const struct room_stats *st);

/* key=value fields for the summary line, bitrates averaged over seconds in the call (g_free it). */
char *stats_summary_fields(const struct room_stats *st, double seconds);

#endif
