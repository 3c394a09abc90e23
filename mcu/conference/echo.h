/* echo.h - the built-in `echo` conference ("test your camera and microphone"): a
 * participant receives its own audio and video back.
 *
 * Pure packet work with one-way data flow: the owner feeds decrypted RTP and RTCP
 * packets in, and collects the packets to send back (to be SRTP-protected and sent) from
 * a struct echo_output, which it clears after sending. No callbacks, no clock reads, no
 * sockets. One struct echo per participant; not thread-safe.
 *
 * RTP: classified by payload type (the audio or video PT; anything else, e.g. RTX or
 * RED, is dropped and counted). The first SSRC seen for a kind (or the SDP hint) is
 * that kind's inbound SSRC; packets of that PT from another SSRC are dropped and counted
 * unless the known one has been silent for ECHO_SSRC_TIMEOUT_US. Accepted packets get
 * the outgoing SSRC of their kind (sequence, timestamp, marker, payload and header
 * extensions are kept), are stored in the video send history (video only) and go out.
 *
 * RTCP: PLI/FIR naming the outgoing video SSRC become a PLI/FIR to the participant
 * naming its inbound video SSRC; NACKs naming the outgoing video SSRC are answered from
 * the send history; an SR for an inbound stream is remembered (LSR/DLSR) and mirrored as
 * an SR for the matching outgoing SSRC with the same NTP/RTP mapping and our counts.
 * RR, REMB, transport-cc, SDES, BYE are counted and otherwise ignored. Every RTCP packet
 * we emit is a compound starting with RR or SR followed by SDES CNAME.
 *
 * echo_tick() about once per second emits RR + SDES with report blocks for the inbound
 * streams.
 *
 * Transport-cc (cfg.transport_cc_ext_id set): the arrival of every RTP packet carrying
 * the transport-wide sequence number (any payload type) is recorded
 * (mcu/rtp/twcc_feedback.h), and RR + SDES + transport-cc feedback goes out with the
 * next packet handled ECHO_TWCC_INTERVAL_US after the last feedback, or at the next
 * echo_tick(), so that the participant's sender estimates its bandwidth. */
#ifndef HOINGHI_MCU_ECHO_H
#define HOINGHI_MCU_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECHO_OUTPUT_MAX       64      /* packets per echo_output */
#define ECHO_PACKET_MAX       1500    /* bytes per packet */
#define ECHO_HISTORY_PACKETS  512     /* video send history size */
#define ECHO_HISTORY_AGE_US   2000000 /* ... and age limit */
#define ECHO_RR_INTERVAL_US   1000000
#define ECHO_SSRC_TIMEOUT_US  2000000
#define ECHO_TWCC_INTERVAL_US 50000

struct echo_config {
    uint8_t audio_pt; /* 0 = no audio */
    uint8_t video_pt; /* 0 = no video */
    uint32_t audio_out_ssrc;
    uint32_t video_out_ssrc;
    uint32_t audio_in_ssrc_hint; /* from SDP, 0 if unknown */
    uint32_t video_in_ssrc_hint;
    bool video_nack;             /* keep a send history and answer NACKs */
    uint32_t audio_clock_rate;   /* 0 = 48000 */
    uint32_t video_clock_rate;   /* 0 = 90000 */
    char cname[64];              /* our SDES CNAME; "" = "hoinghi-echo" */
    uint8_t transport_cc_ext_id; /* transport-wide-cc extension id, 0 = none */
};

enum echo_packet_kind { ECHO_PACKET_RTP, ECHO_PACKET_RTCP };

struct echo_packet {
    enum echo_packet_kind kind;
    size_t length;
    uint8_t data[ECHO_PACKET_MAX];
};

/* Packets to send, in order. When full, further packets are dropped and counted in
 * `overflow` (and in the echo's stats). About 96 KiB: allocate once, reuse. */
struct echo_output {
    size_t count;
    uint32_t overflow;
    struct echo_packet packets[ECHO_OUTPUT_MAX];
};

static inline void echo_output_clear(struct echo_output *out)
{
    out->count = 0;
    out->overflow = 0;
}

struct echo_stats {
    uint64_t rtp_in;  /* RTP packets handed in */
    uint64_t rtp_out; /* RTP packets put into outputs (incl. resends) */
    uint64_t rtcp_in;
    uint64_t rtcp_out;
    uint64_t dropped_pt;        /* RTP with a payload type that is neither A nor V */
    uint64_t dropped_ssrc;      /* RTP from a second SSRC of a kind */
    uint64_t dropped_malformed; /* RTP that does not parse, or too big */
    uint64_t rtcp_malformed;    /* RTCP that does not parse */
    uint64_t output_overflow;   /* packets lost because an echo_output was full */
    uint64_t nacks_received;    /* NACK messages naming our video SSRC */
    uint64_t nack_resent;       /* packets resent from history */
    uint64_t nack_missed;       /* asked for but not (or no longer) in history */
    uint64_t plis_forwarded;    /* PLI or FIR turned into a PLI/FIR to the sender */
    uint64_t srs_mirrored;
    uint64_t rr_received; /* RR packets and SR report blocks, ignored */
    uint64_t remb_received;
    uint64_t other_rtcp;        /* SDES, BYE, transport-cc, unknown: ignored */
    uint64_t transport_cc_sent; /* transport-cc feedback packets put into outputs */
};

struct echo;

/* Returns NULL when out of memory or the config is unusable (no PT at all, or a PT with
 * SSRC 0). The config is copied. */
struct echo *echo_new(const struct echo_config *cfg);
void echo_free(struct echo *e);

/* Handles one decrypted RTP packet received at now_us (monotonic microseconds).
 * Returns 0 when it was echoed into `out`, -1 when it was dropped (and counted). */
int echo_handle_rtp(struct echo *e, const uint8_t *packet, size_t len, int64_t now_us,
                    struct echo_output *out);

/* Handles one decrypted compound RTCP packet. Returns 0, or -1 when malformed (counted). */
int echo_handle_rtcp(struct echo *e, const uint8_t *packet, size_t len, int64_t now_us,
                     struct echo_output *out);

/* Call regularly (e.g. every 100 ms .. 1 s); emits RR + SDES when ECHO_RR_INTERVAL_US
 * has passed since the last one and an inbound stream is known. */
void echo_tick(struct echo *e, int64_t now_us, struct echo_output *out);

void echo_get_stats(const struct echo *e, struct echo_stats *out);

#endif
