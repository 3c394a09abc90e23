/* packetizer_audio.c - audio frames to RTP payloads where one frame is one packet:
 * Opus (RFC 7587) and G.711 PCMU/PCMA (RFC 3551). A frame larger than one packet's
 * payload is refused (audio frames are never fragmented). */
#include "mixer/rtp/packetizer_codec.h"

#include <string.h>

static int whole_frame(const struct packetizer_config *config, uint16_t frame_number,
                       struct packet_output *out, const uint8_t *frame, size_t size)
{
    (void)config;
    (void)frame_number;
    if (size > packet_output_max_payload(out)) return -1;
    uint8_t *dst = packet_output_begin(out);
    if (!dst) return -1;
    memcpy(dst, frame, size);
    packet_output_end(out, size);
    return 0;
}

const struct packetizer_codec packetizer_opus = {.codec = MEDIA_CODEC_OPUS,
                                                 .packetize = whole_frame};
const struct packetizer_codec packetizer_pcmu = {.codec = MEDIA_CODEC_PCMU,
                                                 .packetize = whole_frame};
const struct packetizer_codec packetizer_pcma = {.codec = MEDIA_CODEC_PCMA,
                                                 .packetize = whole_frame};
