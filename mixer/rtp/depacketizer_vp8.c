/* depacketizer_vp8.c - VP8 RTP payload format (RFC 7741) to VP8 frames.
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |X|R|N|S|R| PID | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  X:   |I|L|T|K| RSV   | (OPTIONAL)
 *  I:   |M| PictureID   | (OPTIONAL, M: 15-bit picture ID, one more byte)
 *  L:   |   TL0PICIDX   | (OPTIONAL)
 *  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *
 * The VP8 payload follows. At the start of a frame (S=1, PID=0) its first byte is the
 * frame tag, whose lowest bit P is 0 for a keyframe. */
#include "mixer/rtp/depacketizer_codec.h"

struct vp8_descriptor {
    bool start;        /* S */
    uint8_t partition; /* PID */
    size_t length;     /* bytes before the VP8 payload */
};

/* Returns 0, or -1 if the descriptor runs past the payload or leaves nothing. */
static int parse_descriptor(const uint8_t *p, size_t len, struct vp8_descriptor *d)
{
    if (len < 1) return -1;
    size_t off = 1;
    d->start = (p[0] & 0x10) != 0;
    d->partition = p[0] & 0x07;
    if (p[0] & 0x80) { /* X */
        if (off >= len) return -1;
        uint8_t x = p[off++];
        if (x & 0x80) { /* I */
            if (off >= len) return -1;
            if (p[off++] & 0x80) { /* M: 15-bit picture ID */
                if (off >= len) return -1;
                off++;
            }
        }
        if (x & 0x40) off++; /* L */
        if (x & 0x30) off++; /* T or K */
    }
    if (off >= len) return -1; /* no VP8 payload */
    d->length = off;
    return 0;
}

static bool starts_frame(const struct vp8_descriptor *d) { return d->start && d->partition == 0; }

static int vp8_inspect(const uint8_t *payload, size_t len, struct depacketizer_packet_info *info)
{
    struct vp8_descriptor d;
    if (parse_descriptor(payload, len, &d) < 0) return -1;
    info->frame_start = starts_frame(&d);
    info->keyframe = info->frame_start && (payload[d.length] & 0x01) == 0;
    return 0;
}

struct vp8_state {
    bool keyframe; /* of the frame being assembled */
};

static enum depacketizer_append_result vp8_append(void *state, struct byte_buffer *frame,
                                                  const uint8_t *payload, size_t len, bool first,
                                                  bool gap, struct depacketizer_stats *stats)
{
    (void)gap;
    (void)stats;
    struct vp8_state *s = state;
    struct vp8_descriptor d;
    if (parse_descriptor(payload, len, &d) < 0) return DEPACKETIZER_MALFORMED;
    if (first) {
        if (!starts_frame(&d)) return DEPACKETIZER_LOST_START;
        s->keyframe = (payload[d.length] & 0x01) == 0;
    } else if (starts_frame(&d)) {
        return DEPACKETIZER_MALFORMED; /* a second frame start inside one frame */
    }
    if (byte_buffer_append(frame, payload + d.length, len - d.length) < 0)
        return DEPACKETIZER_MALFORMED; /* over DEPACKETIZER_MAX_FRAME */
    return DEPACKETIZER_APPENDED;
}

static bool vp8_finish(void *state, struct byte_buffer *frame, bool hole, bool *keyframe,
                       struct depacketizer_stats *stats)
{
    (void)stats;
    struct vp8_state *s = state;
    /* A keyframe needs its 3-byte tag, the start code 9d 01 2a and the size. */
    if (hole || frame->size < 3) return false;
    if (s->keyframe && (frame->size < 10 || frame->data[3] != 0x9d || frame->data[4] != 0x01 ||
                        frame->data[5] != 0x2a))
        return false;
    *keyframe = s->keyframe;
    return true;
}

const struct depacketizer_codec depacketizer_vp8 = {
    .codec = MEDIA_CODEC_VP8,
    .state_size = sizeof(struct vp8_state),
    .inspect = vp8_inspect,
    .append = vp8_append,
    .finish = vp8_finish,
    .free_state = NULL,
};
