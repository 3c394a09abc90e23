/* packetizer_codec.h - private to the packetizer_*.c files: what each codec provides
 * to the common packet output in packetizer.c. Not a public header. */
#ifndef HOINGHI_MIXER_PACKETIZER_CODEC_H
#define HOINGHI_MIXER_PACKETIZER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/rtp/packetizer.h"

/* Where a codec writes the payloads of one frame's packets. */
struct packet_output;

/* Payload bytes one packet can hold (the MTU minus the RTP header). */
size_t packet_output_max_payload(const struct packet_output *o);
/* Starts a packet and returns where its payload goes (max_payload bytes), or NULL if
 * out of memory or over PACKETIZER_MAX_FRAME worth of packets. */
uint8_t *packet_output_begin(struct packet_output *o);
/* Ends the packet begun last with `payload_len` bytes of payload. */
void packet_output_end(struct packet_output *o, size_t payload_len);

struct packetizer_codec {
    enum media_codec codec;
    /* Writes the frame's packets. Returns 0, or -1 to refuse the frame. */
    int (*packetize)(const struct packetizer_config *config, uint16_t frame_number,
                     struct packet_output *out, const uint8_t *frame, size_t size);
};

extern const struct packetizer_codec packetizer_vp8;
extern const struct packetizer_codec packetizer_h264;
extern const struct packetizer_codec packetizer_opus;
extern const struct packetizer_codec packetizer_pcmu;
extern const struct packetizer_codec packetizer_pcma;

#endif
