/* conference_twcc.c - transport-wide congestion control feedback to each member's
 * sender (draft-holmer-rmcat-transport-wide-cc-extensions-01), so that a WebRTC sender
 * runs its send-side bandwidth estimator against the real path to the MCU: it ramps up
 * to what the path carries and backs off under loss or queueing.
 *
 * The arrival of every RTP packet from the member (audio, video, rtx: one sequence
 * space) is recorded on the control thread as it arrives, before it is queued for the
 * media thread, so the times are the network's. A GLib timer on the control thread
 * sends the feedback every CONFERENCE_TWCC_INTERVAL_MS, whether or not the media
 * thread keeps up. The state is per member, under the conference lock. */
#include "mcu/conference/conference_internal.h"

#include "mcu/core/glib_source.h"
#include "mixer/rtp/rtp.h"

#define MAX_PACKETS_PER_ROUND 8 /* feedback packets per member per timer round */

void conference_twcc_attach_locked(struct conference_member *m)
{
    conference_twcc_detach_locked(m);
    if (m->media.transport_cc_ext_id == 0) return;
    m->twcc = g_new(struct twcc_feedback, 1);
    twcc_feedback_init(m->twcc);
}

void conference_twcc_detach_locked(struct conference_member *m)
{
    g_free(m->twcc);
    m->twcc = NULL;
}

void conference_twcc_record_locked(struct conference_member *m, const struct rtp_header *h,
                                   int64_t arrival_us)
{
    if (!m->twcc) return;
    const struct rtp_extension *ext = rtp_find_extension(h, m->media.transport_cc_ext_id);
    uint16_t seq;
    if (ext && twcc_feedback_read_extension(ext->data, ext->length, &seq) == 0)
        twcc_feedback_record(m->twcc, seq, arrival_us);
}

/* Under the lock: what has arrived since the last round, as RR + transport-cc. */
static void send_feedback(struct conference_member *m)
{
    uint32_t sender = m->media.video_out_ssrc ? m->media.video_out_ssrc : m->media.audio_out_ssrc;
    uint32_t media = m->video_in_ssrc ? m->video_in_ssrc : m->audio_in_ssrc;
    for (int k = 0; k < MAX_PACKETS_PER_ROUND && twcc_feedback_pending(m->twcc); k++) {
        uint8_t buf[TWCC_FEEDBACK_MAX_BYTES + 64];
        struct rtcp_builder b;
        rtcp_builder_init(&b, buf, sizeof buf);
        if (rtcp_build_rr(&b, sender, NULL, 0) != 0 ||
            twcc_feedback_build(m->twcc, &b, sender, media) != 0)
            break;
        if (media_session_send_rtcp(m->media.media, b.buf, b.length) == 0) m->twcc_packets_sent++;
    }
}

static gboolean on_twcc_timer(gpointer data)
{
    struct conference *c = data;
    g_mutex_lock(&c->lock);
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++) {
        struct conference_member *m = c->members[i];
        if (m && m->has_media && m->twcc) send_feedback(m);
    }
    g_mutex_unlock(&c->lock);
    return G_SOURCE_CONTINUE;
}

void conference_twcc_start(struct conference *c)
{
    c->twcc_timer = g_timeout_source_new(CONFERENCE_TWCC_INTERVAL_MS);
    g_source_set_callback(c->twcc_timer, on_twcc_timer, c, NULL);
    g_source_attach(c->twcc_timer, NULL);
}

void conference_twcc_stop(struct conference *c) { glib_source_stop(&c->twcc_timer); }
