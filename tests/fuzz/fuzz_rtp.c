/* fuzz_rtp.c - libFuzzer target: one datagram as it comes off the wire into
 * mixer/rtp/rtp.c: rtp_is_rtcp() (the RFC 5761 demultiplexing test), rtp_parse(), and on
 * a parsed header the extension lookups (rtp_find_extension, rtp_audio_level) and the
 * in-place rewrites a forwarder does (SSRC, sequence, timestamp, payload type).
 * Checks that a parsed header's payload lies inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/rtp/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)rtp_is_rtcp(data, size);
    struct rtp_header h;
    if (rtp_parse(data, size, &h) != 0) return 0;
    if (h.header_length > size || h.payload < data || h.payload + h.payload_length > data + size ||
        h.header_length + h.payload_length > size || h.csrc_count > RTP_MAX_CSRC ||
        h.extension_count > RTP_MAX_EXTENSIONS)
        abort();
    for (size_t i = 0; i < h.extension_count; i++) {
        const struct rtp_extension *e = &h.extensions[i];
        if (e->length && (e->data < data || e->data + e->length > data + size)) abort();
        if (rtp_find_extension(&h, e->id) == NULL) abort();
        bool voice;
        uint8_t level;
        if (rtp_audio_level(&h, e->id, &voice, &level) == 0 && level > 127) abort();
    }
    /* The rewrites work on a copy, as a forwarder does on its own buffer. */
    uint8_t *copy = malloc(size);
    if (!copy) return 0;
    memcpy(copy, data, size);
    rtp_set_ssrc(copy, h.ssrc ^ 1);
    rtp_set_sequence(copy, (uint16_t)(h.sequence + 1));
    rtp_set_timestamp(copy, h.timestamp + 3000);
    rtp_set_payload_type(copy, 96);
    struct rtp_header again;
    if (rtp_parse(copy, size, &again) != 0 || again.ssrc != (h.ssrc ^ 1) ||
        again.sequence != (uint16_t)(h.sequence + 1) || again.payload_type != 96 ||
        again.payload_length != h.payload_length)
        abort();
    free(copy);
    return 0;
}
