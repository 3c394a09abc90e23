/* fuzz_depacketizer.c - libFuzzer target: an inbound RTP stream into the mixer's
 * depacketizers (mixer/depacketizer*.c). The first byte picks the codec (0 Opus,
 * 1 PCMU, 2 PCMA, 3 VP8, 4 H.264); the rest is RTP packets, each after its length as a
 * 16-bit big-endian number (RFC 4571 framing, the format of tests/fixtures/rtp). Each
 * packet goes to depacketizer_inspect() (what the jitter buffer asks) and
 * depacketizer_push(), and every frame is pulled; a frame's size must be within the
 * limit, an H.264 frame start with a start code, a VP8 keyframe with the P bit clear.
 * The stream ends with depacketizer_reset(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum media_codec CODECS[] = {MEDIA_CODEC_OPUS, MEDIA_CODEC_PCMU, MEDIA_CODEC_PCMA,
                                          MEDIA_CODEC_VP8, MEDIA_CODEC_H264};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    enum media_codec codec = CODECS[data[0] % (sizeof CODECS / sizeof CODECS[0])];
    struct depacketizer *d = depacketizer_new(codec);
    if (!d) abort();
    size_t i = 1;
    uint64_t frames = 0;
    while (i + 2 <= size) {
        size_t n = (size_t)data[i] << 8 | data[i + 1];
        i += 2;
        if (n > size - i) n = size - i;
        const uint8_t *packet = data + i;
        i += n;
        struct rtp_header h;
        if (rtp_parse(packet, n, &h) == 0) {
            struct depacketizer_packet_info info;
            (void)depacketizer_inspect(codec, h.payload, h.payload_length, &info);
        }
        (void)depacketizer_push(d, packet, n);
        struct encoded_frame frame;
        while (depacketizer_pull(d, &frame) == 1) {
            if (frame.codec != codec || frame.size > DEPACKETIZER_MAX_FRAME ||
                (frame.size && !frame.data))
                abort();
            /* Read every byte (ASan checks memchr's range): a frame must lie in its buffer. */
            if (frame.size && memchr(frame.data, 0x100 - 1, frame.size) == frame.data + frame.size)
                abort();
            /* H.264 frames are Annex B; a VP8 keyframe starts with the P bit clear. */
            if (codec == MEDIA_CODEC_H264 &&
                (frame.size < 5 || memcmp(frame.data, "\0\0\0\1", 4) != 0))
                abort();
            if (codec == MEDIA_CODEC_VP8 && frame.keyframe &&
                (frame.size == 0 || (frame.data[0] & 1)))
                abort();
            frames++;
        }
    }
    depacketizer_reset(d);
    const struct depacketizer_stats *stats = depacketizer_stats(d);
    if (stats->frames != frames) abort();
    depacketizer_free(d);
    return 0;
}
