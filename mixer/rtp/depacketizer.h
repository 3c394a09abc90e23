/* depacketizer.h - RTP payloads in, whole encoded frames out, for one inbound stream.
 *
 *   VP8   RFC 7741: payload descriptor (X/I/L/T/K extensions, S bit, PID) stripped;
 *         the frame is the concatenated VP8 partitions. Keyframe: P bit clear in the
 *         VP8 payload header at the start of partition 0.
 *   H264  RFC 6184 packetization mode 1: single NAL unit, STAP-A, FU-A. The frame is
 *         an Annex B byte stream (4-byte start codes). Keyframe: an IDR slice is
 *         present and SPS and PPS are available (in the frame, or the last ones seen
 *         on this stream, which are then put in front of the IDR).
 *   Opus  RFC 7587, PCMU/PCMA (RFC 3551): one packet is one frame, payload as-is.
 *
 * Push the RTP packets (whole packets, header included) in sequence order, normally
 * one frame at a time as the jitter buffer hands them out; pull a frame after each
 * push. A video frame ends at the packet with the marker bit (or, if the marker was
 * lost, when a packet with a new timestamp follows in sequence). A frame with a hole
 * in it is dropped, except that for H.264 only the NAL unit that lost a fragment is
 * removed. Malformed packets (bad descriptors, truncated aggregates, FU-A fragments
 * without a start, frames over DEPACKETIZER_MAX_FRAME) are dropped and counted; the
 * depacketizer never reads outside the given bytes. */
#ifndef HOINGHI_MIXER_DEPACKETIZER_H
#define HOINGHI_MIXER_DEPACKETIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

/* Largest frame the depacketizer will assemble; larger frames are dropped. */
#define DEPACKETIZER_MAX_FRAME (4u * 1024u * 1024u)

struct depacketizer;

struct depacketizer_stats {
    uint64_t packets;           /* packets pushed */
    uint64_t malformed_packets; /* packets that failed to parse (RTP or payload) */
    uint64_t frames;            /* frames handed out */
    uint64_t dropped_frames;    /* incomplete, corrupt, oversized or never pulled */
    uint64_t dropped_nal_units; /* H.264: NAL units cut out for a missing fragment */
};

/* What one packet's payload says about its frame, without any state. Used by the
 * jitter buffer to find frame starts and keyframes. */
struct depacketizer_packet_info {
    bool frame_start; /* first packet of a frame (VP8: S=1 and PID 0; H.264: AUD,
                           SEI, SPS, PPS, or a slice with first_mb_in_slice 0;
                           audio: always) */
    bool keyframe;    /* carries (the start of) a keyframe (VP8: frame start with
                           P=0; H.264: an SPS or the start of an IDR slice) */
};

/* Inspects one RTP payload of `codec`. Returns 0, or -1 if it is malformed. */
int depacketizer_inspect(enum media_codec codec, const uint8_t *payload, size_t len,
                         struct depacketizer_packet_info *info);

/* NULL for MEDIA_CODEC_NONE or out of memory. */
struct depacketizer *depacketizer_new(enum media_codec codec);
void depacketizer_free(struct depacketizer *d);

/* Pushes one whole RTP packet. Returns 0 if it was taken, -1 if it was dropped
 * (malformed: counted). The bytes are copied; the caller keeps its buffer. */
int depacketizer_push(struct depacketizer *d, const uint8_t *packet, size_t len);

/* Returns 1 and fills *frame when a frame is complete, 0 when there is none. The
 * frame's data is owned by the depacketizer and valid until its next call. A frame
 * not pulled before the next one completes is dropped (counted). */
int depacketizer_pull(struct depacketizer *d, struct encoded_frame *frame);

/* Ends the stream: a video frame still open (no marker seen) is dropped. */
void depacketizer_reset(struct depacketizer *d);

const struct depacketizer_stats *depacketizer_stats(const struct depacketizer *d);

#endif
