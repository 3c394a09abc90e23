/* fuzz_jitter_buffer.c - libFuzzer target: an inbound RTP stream with fuzzed
 * sequence numbers, timestamps and arrival times through the jitter buffer
 * (mixer/rtp/jitter_buffer.c) into a depacketizer, as a mix input runs them. The first
 * byte picks the codec (0 Opus, 1 PCMU, 2 PCMA, 3 VP8, 4 H.264; bit 3: small limits, 64
 * packets and 16 KB, so that overflow is reached; bit 4: NACK round-trip time set).
 * Then records: a control byte (bits 0-5: milliseconds the clock moves before this
 * packet arrives, bit 6: pull every due frame after the push, bit 7: ask for NACKs
 * and a keyframe request), a 16-bit big-endian length, the packet. At the end the
 * buffer is drained. The frames handed out are checked (audio: one packet; video:
 * consecutive sequence numbers, all of the frame's RTP timestamp) and fed to a
 * depacketizer. */
#include <stdint.h>
#include <stdlib.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/jitter_buffer.h"
#include "mixer/rtp/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum media_codec CODECS[] = {MEDIA_CODEC_OPUS, MEDIA_CODEC_PCMU, MEDIA_CODEC_PCMA,
                                          MEDIA_CODEC_VP8, MEDIA_CODEC_H264};

static void pull_all(struct jitter_buffer *jb, struct depacketizer *d, bool audio, int64_t now)
{
    struct jitter_frame frame;
    int guard = 0;
    while (jitter_buffer_pull(jb, now, &frame) == 1) {
        if (++guard > 100000) abort(); /* pull must run dry */
        if (frame.lost) {
            if (frame.packet_count != 0) abort();
            if (frame.next && (frame.next->size == 0 || !frame.next->data)) abort();
            continue;
        }
        if (frame.packet_count == 0 || !frame.packets) abort();
        if (audio && frame.packet_count != 1) abort(); /* audio: every packet is a frame */
        for (size_t i = 0; i < frame.packet_count; i++) {
            const struct jitter_packet *p = &frame.packets[i];
            struct rtp_header h;
            if (rtp_parse(p->data, p->size, &h) != 0 || h.sequence != p->sequence ||
                h.timestamp != frame.rtp_timestamp)
                abort();
            if (i > 0 && (uint16_t)(frame.packets[i - 1].sequence + 1) != p->sequence) abort();
            (void)depacketizer_push(d, p->data, p->size);
            struct encoded_frame out;
            while (depacketizer_pull(d, &out) == 1)
                if (out.size > DEPACKETIZER_MAX_FRAME) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    enum media_codec codec = CODECS[(data[0] & 7) % (sizeof CODECS / sizeof CODECS[0])];
    struct jitter_buffer_config config;
    jitter_buffer_default_config(codec, &config);
    if (data[0] & 8) {
        config.max_packets = 64;
        config.max_bytes = 16 * 1024;
    }
    bool audio = media_codec_kind(codec) == MEDIA_AUDIO;
    struct jitter_buffer *jb = jitter_buffer_new(&config);
    struct depacketizer *d = depacketizer_new(codec);
    if (!jb || !d) abort();
    if (data[0] & 16) jitter_buffer_set_rtt(jb, 30000);
    int64_t now = 1000000;
    size_t i = 1;
    while (i + 3 <= size) {
        uint8_t control = data[i];
        size_t n = (size_t)data[i + 1] << 8 | data[i + 2];
        i += 3;
        if (n > size - i) n = size - i;
        now += (int64_t)(control & 0x3f) * 1000;
        (void)jitter_buffer_push(jb, data + i, n, now);
        i += n;
        if (control & 0x40) pull_all(jb, d, audio, now);
        if (control & 0x80) {
            uint16_t seqs[64];
            size_t k = jitter_buffer_nack(jb, now, seqs, 64);
            if (k > 64) abort();
            (void)jitter_buffer_keyframe_request(jb, now);
        }
        const struct jitter_buffer_stats *s = jitter_buffer_stats(jb);
        if (s->buffered_packets > config.max_packets || s->buffered_bytes > config.max_bytes)
            abort();
    }
    pull_all(jb, d, audio, now + 10000000);
    jitter_buffer_drain(jb);
    pull_all(jb, d, audio, now + 10000000);
    if (jitter_buffer_stats(jb)->buffered_packets != 0) abort();
    depacketizer_free(d);
    jitter_buffer_free(jb);
    return 0;
}
