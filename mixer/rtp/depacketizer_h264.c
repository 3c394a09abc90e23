/* depacketizer_h264.c - H.264 RTP payload format (RFC 6184, packetization mode 1) to
 * Annex B access units.
 *
 * Payload types by the NAL header's type field: 1..23 a single NAL unit, 24 STAP-A
 * (16-bit size + NAL unit, repeated), 28 FU-A (FU indicator, FU header S|E|R|type,
 * fragment). STAP-B, MTAP and FU-B (interleaved mode) are rejected as malformed.
 * Every NAL unit is written with a 4-byte start code. A FU-A NAL unit that lost a
 * fragment is cut out of the frame again. The last SPS and PPS are kept so that an IDR
 * frame that comes without them can be made decodable. */
#include "mixer/rtp/depacketizer_codec.h"

#include <stdlib.h>
#include <string.h>

enum {
    NAL_SLICE = 1,
    NAL_IDR = 5,
    NAL_SEI = 6,
    NAL_SPS = 7,
    NAL_PPS = 8,
    NAL_AUD = 9,
    NAL_STAP_A = 24,
    NAL_FU_A = 28,
};

#define PARAMETER_SET_MAX 1024

static const uint8_t start_code[4] = {0, 0, 0, 1};

/* One NAL unit inside a STAP-A, header byte included. */
struct nal_ref {
    uint8_t type;
    const uint8_t *data;
    size_t len;
};

/* Reads the aggregated NAL unit at *off and moves past it; -1 if malformed. */
static int stap_a_next(const uint8_t *p, size_t len, size_t *off, struct nal_ref *nal)
{
    if (*off + 2 > len) return -1;
    size_t n = ((size_t)p[*off] << 8) | p[*off + 1];
    *off += 2;
    if (n == 0 || *off + n > len) return -1;
    nal->type = p[*off] & 0x1f;
    nal->data = p + *off;
    nal->len = n;
    *off += n;
    return 0;
}

/* A slice whose first_mb_in_slice is 0 (ue(v) "1") starts a picture. */
static bool slice_starts_picture(const uint8_t *after_header, size_t len)
{
    return len > 0 && (after_header[0] & 0x80) != 0;
}

static void note_nal(uint8_t type, const uint8_t *after_header, size_t len, bool first_nal,
                     struct depacketizer_packet_info *info)
{
    if (type == NAL_SPS || type == NAL_IDR) info->keyframe = true;
    if (!first_nal) return;
    if (type == NAL_AUD || type == NAL_SEI || type == NAL_SPS || type == NAL_PPS)
        info->frame_start = true;
    else if ((type == NAL_SLICE || type == NAL_IDR) && slice_starts_picture(after_header, len))
        info->frame_start = true;
}

static int h264_inspect(const uint8_t *p, size_t len, struct depacketizer_packet_info *info)
{
    if (len < 1 || (p[0] & 0x80)) return -1;
    uint8_t type = p[0] & 0x1f;
    if (type >= 1 && type <= 23) {
        note_nal(type, p + 1, len - 1, true, info);
        return 0;
    }
    if (type == NAL_STAP_A) {
        size_t off = 1;
        bool first = true;
        while (off < len) {
            struct nal_ref nal;
            if (stap_a_next(p, len, &off, &nal) < 0) return -1;
            note_nal(nal.type, nal.data + 1, nal.len - 1, first, info);
            first = false;
        }
        return first ? -1 : 0;
    }
    if (type == NAL_FU_A) {
        if (len < 3) return -1;
        if (p[1] & 0x80) { /* S */
            uint8_t inner = p[1] & 0x1f;
            note_nal(inner, p + 2, len - 2, true, info);
        }
        return 0;
    }
    return -1;
}

struct h264_state {
    bool fu_open;                   /* a FU-A NAL unit is being reassembled */
    size_t fu_start;                /* its start code's offset in the frame */
    bool has_idr, has_sps, has_pps; /* in the frame being assembled */
    uint8_t sps[PARAMETER_SET_MAX], pps[PARAMETER_SET_MAX]; /* last seen, NAL units */
    size_t sps_len, pps_len;
};

static void remember(uint8_t *dst, size_t *dst_len, const uint8_t *nal, size_t len)
{
    if (len > PARAMETER_SET_MAX) return;
    memcpy(dst, nal, len);
    *dst_len = len;
}

/* Appends a whole NAL unit (header byte included) with its start code. */
static int add_nal(struct h264_state *s, struct byte_buffer *frame, const uint8_t *nal, size_t len)
{
    if (len < 1 || (nal[0] & 0x80)) return -1;
    uint8_t type = nal[0] & 0x1f;
    if (type == 0 || type >= NAL_STAP_A) return -1; /* not a real NAL unit type */
    uint8_t *dst = byte_buffer_reserve(frame, sizeof start_code + len);
    if (!dst) return -1;
    memcpy(dst, start_code, sizeof start_code);
    memcpy(dst + sizeof start_code, nal, len);
    frame->size += sizeof start_code + len;
    if (type == NAL_IDR) s->has_idr = true;
    if (type == NAL_SPS) {
        s->has_sps = true;
        remember(s->sps, &s->sps_len, nal, len);
    }
    if (type == NAL_PPS) {
        s->has_pps = true;
        remember(s->pps, &s->pps_len, nal, len);
    }
    return 0;
}

static void drop_open_fu(struct h264_state *s, struct byte_buffer *frame,
                         struct depacketizer_stats *stats)
{
    if (!s->fu_open) return;
    frame->size = s->fu_start;
    s->fu_open = false;
    stats->dropped_nal_units++;
}

static enum depacketizer_append_result append_fu_a(struct h264_state *s, struct byte_buffer *frame,
                                                   const uint8_t *p, size_t len,
                                                   struct depacketizer_stats *stats)
{
    if (len < 3) return DEPACKETIZER_MALFORMED;
    bool start = (p[1] & 0x80) != 0, end = (p[1] & 0x40) != 0;
    uint8_t type = p[1] & 0x1f;
    if (type == 0 || type >= NAL_STAP_A || (start && end)) return DEPACKETIZER_MALFORMED;
    if (start) {
        drop_open_fu(s, frame, stats); /* previous one never ended */
        uint8_t header = (uint8_t)((p[0] & 0xe0) | type);
        size_t at = frame->size;
        uint8_t *dst = byte_buffer_reserve(frame, sizeof start_code + 1 + (len - 2));
        if (!dst) return DEPACKETIZER_MALFORMED;
        memcpy(dst, start_code, sizeof start_code);
        dst[sizeof start_code] = header;
        memcpy(dst + sizeof start_code + 1, p + 2, len - 2);
        frame->size += sizeof start_code + 1 + (len - 2);
        s->fu_open = true;
        s->fu_start = at;
        if (type == NAL_IDR) s->has_idr = true;
        if (type == NAL_SPS) s->has_sps = true; /* not remembered: rare and large */
        if (type == NAL_PPS) s->has_pps = true;
    } else {
        if (!s->fu_open) {
            stats->dropped_nal_units++; /* counted once per fragment without a start */
            return DEPACKETIZER_LOST_START;
        }
        if (byte_buffer_append(frame, p + 2, len - 2) < 0) {
            drop_open_fu(s, frame, stats);
            return DEPACKETIZER_MALFORMED;
        }
    }
    if (end) s->fu_open = false;
    return DEPACKETIZER_APPENDED;
}

static enum depacketizer_append_result h264_append(void *state, struct byte_buffer *frame,
                                                   const uint8_t *p, size_t len, bool first,
                                                   bool gap, struct depacketizer_stats *stats)
{
    struct h264_state *s = state;
    if (first) {
        s->fu_open = false;
        s->has_idr = s->has_sps = s->has_pps = false;
    } else if (gap) {
        drop_open_fu(s, frame, stats);
    }
    if (len < 1 || (p[0] & 0x80)) return DEPACKETIZER_MALFORMED;
    uint8_t type = p[0] & 0x1f;
    if (type == NAL_FU_A) return append_fu_a(s, frame, p, len, stats);
    /* Anything else ends a FU-A NAL unit that did not see its end fragment. */
    drop_open_fu(s, frame, stats);
    if (type >= 1 && type <= 23)
        return add_nal(s, frame, p, len) < 0 ? DEPACKETIZER_MALFORMED : DEPACKETIZER_APPENDED;
    if (type != NAL_STAP_A) return DEPACKETIZER_MALFORMED;

    /* Validate the whole aggregate before adding any of it. */
    size_t off = 1, count = 0;
    struct nal_ref nal;
    while (off < len) {
        if (stap_a_next(p, len, &off, &nal) < 0) return DEPACKETIZER_MALFORMED;
        count++;
    }
    if (count == 0) return DEPACKETIZER_MALFORMED;
    size_t before = frame->size;
    off = 1;
    while (off < len) {
        stap_a_next(p, len, &off, &nal);
        if (add_nal(s, frame, nal.data, nal.len) < 0) {
            frame->size = before;
            return DEPACKETIZER_MALFORMED;
        }
    }
    return DEPACKETIZER_APPENDED;
}

/* Puts the remembered SPS and PPS in front of the frame. */
static int prepend_parameter_sets(struct h264_state *s, struct byte_buffer *frame)
{
    uint8_t head[2 * (sizeof start_code + PARAMETER_SET_MAX)];
    size_t n = 0;
    if (!s->has_sps) {
        memcpy(head + n, start_code, sizeof start_code);
        memcpy(head + n + sizeof start_code, s->sps, s->sps_len);
        n += sizeof start_code + s->sps_len;
    }
    if (!s->has_pps) {
        memcpy(head + n, start_code, sizeof start_code);
        memcpy(head + n + sizeof start_code, s->pps, s->pps_len);
        n += sizeof start_code + s->pps_len;
    }
    return byte_buffer_insert(frame, 0, head, n);
}

static bool h264_finish(void *state, struct byte_buffer *frame, bool hole, bool *keyframe,
                        struct depacketizer_stats *stats)
{
    /* A hole costs the NAL units that lost data, not the frame; but a frame with a
     * hole is no clean restart point, so it is not called a keyframe. */
    struct h264_state *s = state;
    drop_open_fu(s, frame, stats);
    if (frame->size == 0) return false;
    *keyframe = false;
    if (s->has_idr) {
        bool sps = s->has_sps || s->sps_len > 0, pps = s->has_pps || s->pps_len > 0;
        if (sps && pps && (!s->has_sps || !s->has_pps)) {
            if (prepend_parameter_sets(s, frame) < 0) return false;
        }
        *keyframe = sps && pps && !hole;
    }
    return true;
}

const struct depacketizer_codec depacketizer_h264 = {
    .codec = MEDIA_CODEC_H264,
    .state_size = sizeof(struct h264_state),
    .inspect = h264_inspect,
    .append = h264_append,
    .finish = h264_finish,
    .free_state = NULL,
};
