/* echo.c - the `echo` conference: a participant's own media sent back to it, with the
 * RTCP translation that makes that work (keyframe requests, NACKs, SR mirroring, RRs).
 * See echo.h for the contract. */
#include "mcu/conference/echo.h"

#include <stdlib.h>
#include <string.h>

#include "mcu/core/log.h"
#include "mcu/rtp/rtcp.h"
#include "mcu/rtp/rtp_stats.h"
#include "mcu/rtp/send_history.h"
#include "mcu/rtp/twcc_feedback.h"
#include "mixer/rtp/rtp.h"

#define DEFAULT_AUDIO_CLOCK 48000
#define DEFAULT_VIDEO_CLOCK 90000
#define DEFAULT_CNAME       "hoinghi-echo"

/* One kind (audio or video): the participant's inbound stream and our outgoing copy. */
struct echo_stream {
    bool enabled;
    uint8_t pt;
    uint32_t out_ssrc;
    uint32_t in_ssrc;   /* 0 until hinted or learnt */
    bool heard;         /* a packet from in_ssrc has arrived */
    bool waiting;       /* a foreign SSRC is waiting for in_ssrc to go quiet */
    int64_t last_in_us; /* last packet from in_ssrc, or start of waiting */
    struct rtp_recv_stats recv;
    struct rtp_send_stats send;
};

struct echo {
    struct echo_config cfg;
    struct echo_stream audio;
    struct echo_stream video;
    struct send_history *history; /* video only; NULL without NACK support */
    uint32_t report_ssrc;         /* our SSRC for RR and feedback */
    uint8_t fir_seq_out;          /* FIR command sequence number we send */
    bool have_fir_seq_in;         /* last FIR sequence number the participant sent */
    uint8_t fir_seq_in;
    bool have_rr_time;
    int64_t last_rr_us;
    struct echo_stats stats;
    struct rtcp_compound rtcp;  /* parse scratch, too big for the stack */
    struct twcc_feedback *twcc; /* NULL without the transport-wide-cc extension */
    int64_t last_twcc_us;
};

static void stream_init(struct echo_stream *st, uint8_t pt, uint32_t out_ssrc, uint32_t hint,
                        uint32_t clock_rate)
{
    memset(st, 0, sizeof *st);
    st->enabled = pt != 0;
    st->pt = pt;
    st->out_ssrc = out_ssrc;
    st->in_ssrc = hint;
    rtp_recv_stats_init(&st->recv, hint, clock_rate);
    rtp_send_stats_init(&st->send, out_ssrc);
}

struct echo *echo_new(const struct echo_config *cfg)
{
    if (!cfg || (cfg->audio_pt == 0 && cfg->video_pt == 0)) return NULL;
    if (cfg->audio_pt > 127 || cfg->video_pt > 127 || cfg->audio_pt == cfg->video_pt) return NULL;
    if ((cfg->audio_pt && !cfg->audio_out_ssrc) || (cfg->video_pt && !cfg->video_out_ssrc))
        return NULL;
    struct echo *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->cfg = *cfg;
    e->cfg.cname[sizeof e->cfg.cname - 1] = '\0';
    if (e->cfg.cname[0] == '\0') memcpy(e->cfg.cname, DEFAULT_CNAME, sizeof DEFAULT_CNAME);
    if (!e->cfg.audio_clock_rate) e->cfg.audio_clock_rate = DEFAULT_AUDIO_CLOCK;
    if (!e->cfg.video_clock_rate) e->cfg.video_clock_rate = DEFAULT_VIDEO_CLOCK;
    stream_init(&e->audio, cfg->audio_pt, cfg->audio_out_ssrc, cfg->audio_in_ssrc_hint,
                e->cfg.audio_clock_rate);
    stream_init(&e->video, cfg->video_pt, cfg->video_out_ssrc, cfg->video_in_ssrc_hint,
                e->cfg.video_clock_rate);
    e->report_ssrc = e->video.enabled ? e->video.out_ssrc : e->audio.out_ssrc;
    if (e->video.enabled && cfg->video_nack) {
        e->history = send_history_new(ECHO_HISTORY_PACKETS, ECHO_HISTORY_AGE_US);
        if (!e->history) {
            free(e);
            return NULL;
        }
    }
    if (cfg->transport_cc_ext_id) {
        e->twcc = malloc(sizeof *e->twcc);
        if (!e->twcc) {
            echo_free(e);
            return NULL;
        }
        twcc_feedback_init(e->twcc);
    }
    return e;
}

void echo_free(struct echo *e)
{
    if (!e) return;
    send_history_free(e->history);
    free(e->twcc);
    free(e);
}

void echo_get_stats(const struct echo *e, struct echo_stats *out) { *out = e->stats; }

/* --- output --- */

static struct echo_packet *output_next(struct echo *e, struct echo_output *out,
                                       enum echo_packet_kind kind)
{
    if (out->count >= ECHO_OUTPUT_MAX) {
        out->overflow++;
        e->stats.output_overflow++;
        return NULL;
    }
    struct echo_packet *p = &out->packets[out->count++];
    p->kind = kind;
    p->length = 0;
    return p;
}

static void output_rtp(struct echo *e, struct echo_output *out, const uint8_t *data, size_t len)
{
    struct echo_packet *p = output_next(e, out, ECHO_PACKET_RTP);
    if (!p) return;
    memcpy(p->data, data, len);
    p->length = len;
    e->stats.rtp_out++;
}

/* RTCP we emit: a compound starting with RR or SR and our CNAME, then optional feedback. */
enum feedback { FEEDBACK_NONE, FEEDBACK_PLI, FEEDBACK_FIR };

static void output_rtcp(struct echo *e, struct echo_output *out, const struct rtcp_sender_info *sr,
                        const struct rtcp_report_block *blocks, size_t block_count,
                        enum feedback fb, uint32_t media_ssrc)
{
    struct echo_packet *p = output_next(e, out, ECHO_PACKET_RTCP);
    if (!p) return;
    struct rtcp_builder b;
    rtcp_builder_init(&b, p->data, sizeof p->data);
    uint32_t ssrc = sr ? sr->ssrc : e->report_ssrc;
    int rc = sr ? rtcp_build_sr(&b, sr, blocks, block_count)
                : rtcp_build_rr(&b, ssrc, blocks, block_count);
    if (rc == 0) rc = rtcp_build_sdes_cname(&b, ssrc, e->cfg.cname);
    if (rc == 0 && fb == FEEDBACK_PLI) rc = rtcp_build_pli(&b, e->report_ssrc, media_ssrc);
    if (rc == 0 && fb == FEEDBACK_FIR)
        rc = rtcp_build_fir(&b, e->report_ssrc, media_ssrc, e->fir_seq_out++);
    if (rc < 0) { /* cannot happen with ECHO_PACKET_MAX bytes */
        log_error("echo: RTCP packet does not fit in %zu bytes", sizeof p->data);
        out->count--;
        return;
    }
    p->length = b.length;
    e->stats.rtcp_out++;
}

/* --- RTP --- */

/* Decides whether a packet from `ssrc` belongs to this stream, learning the SSRC. */
static bool accept_ssrc(struct echo_stream *st, uint32_t ssrc, int64_t now_us)
{
    if (st->in_ssrc != ssrc && st->in_ssrc != 0) {
        if (!st->heard && !st->waiting) {
            st->waiting = true; /* hinted SSRC never heard: give it a grace period */
            st->last_in_us = now_us;
        }
        if (now_us - st->last_in_us < ECHO_SSRC_TIMEOUT_US) return false;
    }
    if (st->in_ssrc != ssrc || !st->heard) {
        if (st->in_ssrc != ssrc) rtp_recv_stats_init(&st->recv, ssrc, st->recv.clock_rate);
        st->in_ssrc = ssrc;
        st->heard = true;
        st->waiting = false;
    }
    st->last_in_us = now_us;
    return true;
}

/* RR + SDES + transport-cc for what arrived since the last feedback. */
static void output_twcc(struct echo *e, int64_t now_us, struct echo_output *out)
{
    e->last_twcc_us = now_us;
    if (!twcc_feedback_pending(e->twcc)) return;
    struct echo_packet *p = output_next(e, out, ECHO_PACKET_RTCP);
    if (!p) return;
    struct rtcp_builder b;
    rtcp_builder_init(&b, p->data, sizeof p->data);
    uint32_t media = e->video.in_ssrc ? e->video.in_ssrc : e->audio.in_ssrc;
    if (rtcp_build_rr(&b, e->report_ssrc, NULL, 0) != 0 ||
        rtcp_build_sdes_cname(&b, e->report_ssrc, e->cfg.cname) != 0 ||
        twcc_feedback_build(e->twcc, &b, e->report_ssrc, media) != 0) {
        out->count--; /* nothing to send after all */
        return;
    }
    p->length = b.length;
    e->stats.rtcp_out++;
    e->stats.transport_cc_sent++;
}

/* Records the packet's transport-wide sequence number; feedback when it is time. */
static void record_twcc(struct echo *e, const struct rtp_header *h, int64_t now_us,
                        struct echo_output *out)
{
    const struct rtp_extension *ext = rtp_find_extension(h, e->cfg.transport_cc_ext_id);
    uint16_t seq;
    if (ext && twcc_feedback_read_extension(ext->data, ext->length, &seq) == 0)
        twcc_feedback_record(e->twcc, seq, now_us);
    if (now_us - e->last_twcc_us >= ECHO_TWCC_INTERVAL_US) output_twcc(e, now_us, out);
}

int echo_handle_rtp(struct echo *e, const uint8_t *packet, size_t len, int64_t now_us,
                    struct echo_output *out)
{
    e->stats.rtp_in++;
    struct rtp_header h;
    if (!packet || len > ECHO_PACKET_MAX || rtp_parse(packet, len, &h) < 0) {
        e->stats.dropped_malformed++;
        return -1;
    }
    if (e->twcc) record_twcc(e, &h, now_us, out); /* every packet, rtx too */
    struct echo_stream *st = NULL;
    if (e->audio.enabled && h.payload_type == e->audio.pt)
        st = &e->audio;
    else if (e->video.enabled && h.payload_type == e->video.pt)
        st = &e->video;
    if (!st) {
        e->stats.dropped_pt++;
        return -1;
    }
    if (!accept_ssrc(st, h.ssrc, now_us)) {
        e->stats.dropped_ssrc++;
        return -1;
    }
    rtp_recv_stats_update(&st->recv, h.sequence, h.timestamp,
                          rtp_stats_arrival_units(now_us, st->recv.clock_rate),
                          (uint32_t)h.payload_length);

    struct echo_packet *p = output_next(e, out, ECHO_PACKET_RTP);
    if (!p) return -1;
    memcpy(p->data, packet, len);
    p->length = len;
    rtp_set_ssrc(p->data, st->out_ssrc);
    if (st == &e->video && e->history) send_history_put(e->history, p->data, len, now_us);
    rtp_send_stats_update(&st->send, (uint32_t)h.payload_length, h.timestamp, now_us);
    e->stats.rtp_out++;
    return 0;
}

/* --- RTCP --- */

static void handle_sr(struct echo *e, const struct rtcp_sr *sr, int64_t now_us,
                      struct echo_output *out)
{
    e->stats.rr_received += sr->block_count;
    struct echo_stream *st = NULL;
    if (e->audio.enabled && e->audio.in_ssrc && sr->ssrc == e->audio.in_ssrc)
        st = &e->audio;
    else if (e->video.enabled && e->video.in_ssrc && sr->ssrc == e->video.in_ssrc)
        st = &e->video;
    if (!st) return;
    rtp_recv_stats_on_sr(&st->recv, sr->ntp, now_us);
    /* Timestamps pass through unchanged, so the sender's NTP<->RTP mapping holds for the
     * echoed stream too; the counts are what we actually sent. */
    struct rtcp_sender_info info = {
        .ssrc = st->out_ssrc,
        .ntp = sr->ntp,
        .rtp_timestamp = sr->rtp_timestamp,
        .packet_count = st->send.packets,
        .octet_count = st->send.octets,
    };
    output_rtcp(e, out, &info, NULL, 0, FEEDBACK_NONE, 0);
    e->stats.srs_mirrored++;
}

static void handle_keyframe_request(struct echo *e, enum feedback fb, struct echo_output *out)
{
    if (!e->video.enabled || !e->video.in_ssrc) return; /* nobody to ask yet */
    output_rtcp(e, out, NULL, NULL, 0, fb, e->video.in_ssrc);
    e->stats.plis_forwarded++;
}

static void handle_fir(struct echo *e, const struct rtcp_fir *fir, struct echo_output *out)
{
    for (size_t i = 0; i < fir->entry_count; i++) {
        const struct rtcp_fir_entry *en = &fir->entries[i];
        if (!e->video.enabled || en->ssrc != e->video.out_ssrc) continue;
        /* RFC 5104 4.3.1.2: the same sequence number again is a repetition, not a new request */
        if (e->have_fir_seq_in && en->seq == e->fir_seq_in) continue;
        e->have_fir_seq_in = true;
        e->fir_seq_in = en->seq;
        handle_keyframe_request(e, FEEDBACK_FIR, out);
    }
}

static void handle_nack(struct echo *e, const struct rtcp_nack *nack, int64_t now_us,
                        struct echo_output *out)
{
    if (!e->video.enabled || nack->media_ssrc != e->video.out_ssrc) return;
    e->stats.nacks_received++;
    for (size_t i = 0; i < nack->seq_count; i++) {
        size_t len = 0;
        const uint8_t *pkt =
            e->history ? send_history_get(e->history, nack->seqs[i], now_us, &len) : NULL;
        if (!pkt) {
            e->stats.nack_missed++;
            continue;
        }
        uint64_t before = e->stats.rtp_out;
        output_rtp(e, out, pkt, len);
        if (e->stats.rtp_out != before)
            e->stats.nack_resent++;
        else
            e->stats.nack_missed++;
    }
}

int echo_handle_rtcp(struct echo *e, const uint8_t *packet, size_t len, int64_t now_us,
                     struct echo_output *out)
{
    e->stats.rtcp_in++;
    struct rtcp_compound *c = &e->rtcp;
    if (!packet || rtcp_parse(packet, len, c) < 0) {
        e->stats.rtcp_malformed++;
        return -1;
    }
    e->stats.other_rtcp += c->unknown;
    for (size_t i = 0; i < c->count; i++) {
        const struct rtcp_item *it = &c->items[i];
        switch (it->type) {
        case RTCP_ITEM_SR: handle_sr(e, &it->u.sr, now_us, out); break;
        case RTCP_ITEM_RR: e->stats.rr_received++; break;
        case RTCP_ITEM_PLI:
            if (e->video.enabled && it->u.pli.media_ssrc == e->video.out_ssrc)
                handle_keyframe_request(e, FEEDBACK_PLI, out);
            break;
        case RTCP_ITEM_FIR: handle_fir(e, &it->u.fir, out); break;
        case RTCP_ITEM_NACK: handle_nack(e, &it->u.nack, now_us, out); break;
        case RTCP_ITEM_REMB: e->stats.remb_received++; break;
        case RTCP_ITEM_SDES:
        case RTCP_ITEM_BYE:
        case RTCP_ITEM_TRANSPORT_CC: e->stats.other_rtcp++; break;
        }
    }
    return 0;
}

void echo_tick(struct echo *e, int64_t now_us, struct echo_output *out)
{
    if (e->twcc) output_twcc(e, now_us, out);
    if (e->have_rr_time && now_us - e->last_rr_us < ECHO_RR_INTERVAL_US) return;
    struct rtcp_report_block blocks[2];
    size_t n = 0;
    if (e->audio.enabled && e->audio.heard &&
        rtp_recv_stats_report(&e->audio.recv, now_us, &blocks[n]))
        n++;
    if (e->video.enabled && e->video.heard &&
        rtp_recv_stats_report(&e->video.recv, now_us, &blocks[n]))
        n++;
    if (n == 0) return;
    output_rtcp(e, out, NULL, blocks, n, FEEDBACK_NONE, 0);
    e->have_rr_time = true;
    e->last_rr_us = now_us;
}
