/* packetizer_h264.c - H.264 Annex B frames to RTP payloads (RFC 6184, packetization
 * mode 1): single NAL unit packets, FU-A fragments for NAL units larger than a packet,
 * and, when configured, STAP-A aggregates of consecutive NAL units that fit together.
 * Start codes may be 3 or 4 bytes; trailing zero bytes of a NAL unit are dropped. */
#include "mixer/rtp/packetizer_codec.h"

#include <string.h>

#define NAL_STAP_A 24
#define NAL_FU_A   28

struct nal_iterator {
    const uint8_t *data;
    size_t size;
    size_t pos; /* just after the next start code, or size */
};

/* Position of the next 00 00 01 at or after `from`, or `size`. */
static size_t find_start_code(const uint8_t *p, size_t size, size_t from)
{
    for (size_t i = from; i + 3 <= size; i++) {
        if (p[i + 2] > 1) {
            i += 2;
            continue;
        }
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) return i;
    }
    return size;
}

/* Returns 0 with an iterator at the first NAL unit, or -1 if the frame does not
 * start with a start code (leading zero bytes allowed). */
static int nal_iterator_init(struct nal_iterator *it, const uint8_t *data, size_t size)
{
    size_t first = find_start_code(data, size, 0);
    if (first == size) return -1;
    for (size_t i = 0; i < first; i++)
        if (data[i] != 0) return -1;
    it->data = data;
    it->size = size;
    it->pos = first + 3;
    return 0;
}

/* Next non-empty NAL unit; false at the end. */
static bool nal_iterator_next(struct nal_iterator *it, const uint8_t **nal, size_t *len)
{
    while (it->pos < it->size) {
        size_t start = it->pos;
        size_t next = find_start_code(it->data, it->size, start);
        size_t end = next;
        while (end > start && it->data[end - 1] == 0) end--;
        it->pos = next == it->size ? it->size : next + 3;
        if (end > start) {
            *nal = it->data + start;
            *len = end - start;
            return true;
        }
    }
    return false;
}

static int put_single(struct packet_output *out, const uint8_t *nal, size_t len)
{
    uint8_t *dst = packet_output_begin(out);
    if (!dst) return -1;
    memcpy(dst, nal, len);
    packet_output_end(out, len);
    return 0;
}

static int put_fu_a(struct packet_output *out, const uint8_t *nal, size_t len)
{
    size_t room = packet_output_max_payload(out) - 2;
    const uint8_t *body = nal + 1;
    size_t body_len = len - 1;
    size_t packets = (body_len + room - 1) / room;
    size_t offset = 0;
    for (size_t i = 0; i < packets; i++) {
        size_t chunk = (body_len - offset + (packets - i) - 1) / (packets - i);
        uint8_t *dst = packet_output_begin(out);
        if (!dst) return -1;
        dst[0] = (uint8_t)((nal[0] & 0xe0) | NAL_FU_A);
        dst[1] = (uint8_t)((i == 0 ? 0x80 : 0) | (i + 1 == packets ? 0x40 : 0) | (nal[0] & 0x1f));
        memcpy(dst + 2, body + offset, chunk);
        packet_output_end(out, 2 + chunk);
        offset += chunk;
    }
    return 0;
}

/* How many NAL units, the current one (len bytes) and those after it in `it`, fit in
 * one STAP-A. */
static size_t stap_a_count(struct nal_iterator it, size_t len, size_t room)
{
    size_t used = 1 + 2 + len, count = 1;
    if (used > room) return 0;
    const uint8_t *next;
    size_t next_len;
    while (nal_iterator_next(&it, &next, &next_len) && used + 2 + next_len <= room) {
        used += 2 + next_len;
        count++;
    }
    return count;
}

static int put_stap_a(struct packet_output *out, struct nal_iterator *it, const uint8_t *nal,
                      size_t len, size_t count)
{
    uint8_t *dst = packet_output_begin(out);
    if (!dst) return -1;
    uint8_t forbidden = 0, nri = 0;
    size_t off = 1;
    for (size_t i = 0; i < count; i++) {
        if (i > 0) nal_iterator_next(it, &nal, &len);
        forbidden |= nal[0] & 0x80;
        if ((nal[0] & 0x60) > nri) nri = nal[0] & 0x60;
        dst[off] = (uint8_t)(len >> 8);
        dst[off + 1] = (uint8_t)len;
        memcpy(dst + off + 2, nal, len);
        off += 2 + len;
    }
    dst[0] = (uint8_t)(forbidden | nri | NAL_STAP_A);
    packet_output_end(out, off);
    return 0;
}

static int h264_packetize(const struct packetizer_config *config, uint16_t frame_number,
                          struct packet_output *out, const uint8_t *frame, size_t size)
{
    (void)frame_number;
    struct nal_iterator it;
    if (nal_iterator_init(&it, frame, size) < 0) return -1;
    size_t room = packet_output_max_payload(out);
    const uint8_t *nal;
    size_t len, nals = 0;
    while (nal_iterator_next(&it, &nal, &len)) {
        nals++;
        int rc;
        size_t count = config->h264_stap_a ? stap_a_count(it, len, room) : 0;
        if (count >= 2)
            rc = put_stap_a(out, &it, nal, len, count);
        else if (len <= room)
            rc = put_single(out, nal, len);
        else
            rc = put_fu_a(out, nal, len);
        if (rc < 0) return -1;
    }
    return nals > 0 ? 0 : -1;
}

const struct packetizer_codec packetizer_h264 = {
    .codec = MEDIA_CODEC_H264,
    .packetize = h264_packetize,
};
