/* packetizer.h - encoded frames in, complete RTP packets out, for one outbound stream.
 *
 *   VP8   RFC 7741: a 4-byte payload descriptor (X=1, I=1 with a 15-bit picture ID
 *         that counts frames, S=1 and PID 0 on the first packet of a frame); the frame
 *         is split into packets of near-equal size.
 *   H264  RFC 6184 packetization mode 1, from an Annex B frame (3- or 4-byte start
 *         codes): a NAL unit that fits goes alone in a packet, a larger one is split
 *         into FU-A fragments; with `h264_stap_a`, runs of consecutive NAL units that
 *         fit in one packet together (SPS + PPS, say) go in a STAP-A.
 *   Opus, PCMU, PCMA: one frame, one packet (a frame that does not fit is refused).
 *
 * Every packet has the 12-byte RTP header from rtp_write_header(): the configured SSRC
 * and payload type, a sequence number that counts up across frames, the frame's RTP
 * timestamp, and (video) the marker bit on the last packet of the frame, (audio) on
 * the first packet the packetizer ever sends. No packet is longer than the MTU. */
#ifndef HOINGHI_MIXER_PACKETIZER_H
#define HOINGHI_MIXER_PACKETIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define PACKETIZER_DEFAULT_MTU 1200 /* whole RTP packet, header included */
#define PACKETIZER_MIN_MTU     64
#define PACKETIZER_MAX_MTU     65535
#define PACKETIZER_MAX_FRAME   (4u * 1024u * 1024u)

struct packetizer_config {
    enum media_codec codec;
    uint32_t ssrc;
    uint8_t payload_type;      /* 0..127 */
    uint16_t first_sequence;   /* sequence number of the first packet */
    uint16_t first_picture_id; /* VP8: picture ID of the first frame (15 bits used) */
    size_t mtu;                /* 0: PACKETIZER_DEFAULT_MTU */
    bool h264_stap_a;          /* H.264: aggregate small NAL units */
};

struct packetizer_stats {
    uint64_t frames;         /* frames packetized */
    uint64_t packets;        /* packets produced */
    uint64_t bytes;          /* bytes produced, headers included */
    uint64_t refused_frames; /* empty, too large, or not valid for the codec */
};

struct packetizer;

/* NULL for an unknown codec, a payload type over 127, an MTU outside
 * PACKETIZER_MIN_MTU..PACKETIZER_MAX_MTU, or out of memory. */
struct packetizer *packetizer_new(const struct packetizer_config *config);
void packetizer_free(struct packetizer *p);

/* Packetizes one frame (its codec must be the packetizer's). Packets of the previous
 * frame not pulled yet are discarded. Returns the number of packets, or -1 if the
 * frame was refused (counted; nothing to pull, sequence numbers unchanged). */
int packetizer_push(struct packetizer *p, const struct encoded_frame *frame);

/* Returns 1 and the next packet of the frame (owned by the packetizer, valid until
 * the next push), or 0 when all have been pulled. */
int packetizer_pull(struct packetizer *p, const uint8_t **data, size_t *size);

/* VP8: rewrites the 15-bit picture ID in the descriptor this packetizer writes (X, I
 * and M set) at the start of an RTP payload; false, and nothing changed, for a payload
 * shorter than the descriptor or one without that form. The fan-out gives each
 * receiver its own continuous picture IDs with it. */
bool packetizer_vp8_set_picture_id(uint8_t *payload, size_t length, uint16_t picture_id);

/* Sequence number the next packet will carry. */
uint16_t packetizer_next_sequence(const struct packetizer *p);

const struct packetizer_stats *packetizer_stats(const struct packetizer *p);

#endif
