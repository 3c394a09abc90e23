/* packetizer_vp8.c - VP8 frames to RTP payloads (RFC 7741). Each packet starts with a
 * 4-byte descriptor: X=1, S on the first packet, PID 0; I=1; M=1 and a 15-bit
 * picture ID. The frame is split into as few packets as fit, of near-equal size. */
#include "mixer/rtp/packetizer_codec.h"

#include <string.h>

#define VP8_DESCRIPTOR_SIZE 4

static int vp8_packetize(const struct packetizer_config *config, uint16_t frame_number,
                         struct packet_output *out, const uint8_t *frame, size_t size)
{
    size_t room = packet_output_max_payload(out) - VP8_DESCRIPTOR_SIZE;
    size_t packets = (size + room - 1) / room;
    uint16_t picture_id = (uint16_t)((config->first_picture_id + frame_number) & 0x7fff);
    size_t offset = 0;
    for (size_t i = 0; i < packets; i++) {
        size_t chunk = (size - offset + (packets - i) - 1) / (packets - i);
        uint8_t *dst = packet_output_begin(out);
        if (!dst) return -1;
        dst[0] = (uint8_t)(0x80 | (i == 0 ? 0x10 : 0)); /* X, S, PID 0 */
        dst[1] = 0x80;                                  /* I */
        dst[2] = (uint8_t)(0x80 | (picture_id >> 8));   /* M + high bits */
        dst[3] = (uint8_t)picture_id;
        memcpy(dst + VP8_DESCRIPTOR_SIZE, frame + offset, chunk);
        packet_output_end(out, VP8_DESCRIPTOR_SIZE + chunk);
        offset += chunk;
    }
    return 0;
}

bool packetizer_vp8_set_picture_id(uint8_t *payload, size_t length, uint16_t picture_id)
{
    if (length < VP8_DESCRIPTOR_SIZE || !(payload[0] & 0x80) || !(payload[1] & 0x80) ||
        !(payload[2] & 0x80))
        return false;
    payload[2] = (uint8_t)(0x80 | ((picture_id >> 8) & 0x7f));
    payload[3] = (uint8_t)picture_id;
    return true;
}

const struct packetizer_codec packetizer_vp8 = {
    .codec = MEDIA_CODEC_VP8,
    .packetize = vp8_packetize,
};
