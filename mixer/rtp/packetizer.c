/* packetizer.c - packet output common to all codecs: packet storage, RTP headers,
 * sequence numbers, markers and the hand-out of packets. The payload formats live in
 * packetizer_<codec>.c. */
#include "mixer/rtp/packetizer.h"

#include <stdlib.h>

#include "mixer/media/byte_buffer.h"
#include "mixer/rtp/packetizer_codec.h"
#include "mixer/rtp/rtp.h"

struct packet_span {
    size_t offset;
    size_t length;
};

struct packet_output {
    struct byte_buffer bytes; /* the packets back to back */
    struct packet_span *packets;
    size_t count;
    size_t capacity;
    size_t max_payload;
    size_t open_offset; /* of the packet begun last */
};

struct packetizer {
    struct packetizer_config config;
    const struct packetizer_codec *codec;
    struct packet_output out;
    size_t next_pull;
    uint16_t sequence;
    uint16_t frame_number;
    bool sent_any;
    struct packetizer_stats stats;
};

size_t packet_output_max_payload(const struct packet_output *o) { return o->max_payload; }

uint8_t *packet_output_begin(struct packet_output *o)
{
    if (o->count == o->capacity) {
        size_t cap = o->capacity ? o->capacity * 2 : 16;
        struct packet_span *p = realloc(o->packets, cap * sizeof(*p));
        if (!p) return NULL;
        o->packets = p;
        o->capacity = cap;
    }
    uint8_t *dst = byte_buffer_reserve(&o->bytes, RTP_HEADER_MIN + o->max_payload);
    if (!dst) return NULL;
    o->open_offset = o->bytes.size;
    return dst + RTP_HEADER_MIN;
}

void packet_output_end(struct packet_output *o, size_t payload_len)
{
    size_t length = RTP_HEADER_MIN + payload_len;
    o->packets[o->count].offset = o->open_offset;
    o->packets[o->count].length = length;
    o->count++;
    o->bytes.size += length;
}

static const struct packetizer_codec *codec_for(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_VP8: return &packetizer_vp8;
    case MEDIA_CODEC_H264: return &packetizer_h264;
    case MEDIA_CODEC_OPUS: return &packetizer_opus;
    case MEDIA_CODEC_PCMU: return &packetizer_pcmu;
    case MEDIA_CODEC_PCMA: return &packetizer_pcma;
    case MEDIA_CODEC_NONE: break;
    }
    return NULL;
}

struct packetizer *packetizer_new(const struct packetizer_config *config)
{
    const struct packetizer_codec *codec = codec_for(config->codec);
    size_t mtu = config->mtu ? config->mtu : PACKETIZER_DEFAULT_MTU;
    if (!codec || config->payload_type > 127 || mtu < PACKETIZER_MIN_MTU ||
        mtu > PACKETIZER_MAX_MTU)
        return NULL;
    struct packetizer *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->config = *config;
    p->config.mtu = mtu;
    p->codec = codec;
    p->sequence = config->first_sequence;
    p->out.max_payload = mtu - RTP_HEADER_MIN;
    /* Room for a maximal frame plus per-packet overhead, and one spare packet. */
    byte_buffer_init(&p->out.bytes, 2 * PACKETIZER_MAX_FRAME + 2 * mtu);
    return p;
}

void packetizer_free(struct packetizer *p)
{
    if (!p) return;
    byte_buffer_free(&p->out.bytes);
    free(p->out.packets);
    free(p);
}

int packetizer_push(struct packetizer *p, const struct encoded_frame *frame)
{
    p->out.bytes.size = 0;
    p->out.count = 0;
    p->next_pull = 0;
    if (frame->codec != p->config.codec || !frame->data || frame->size == 0 ||
        frame->size > PACKETIZER_MAX_FRAME ||
        p->codec->packetize(&p->config, p->frame_number, &p->out, frame->data, frame->size) < 0 ||
        p->out.count == 0) {
        p->out.count = 0;
        p->stats.refused_frames++;
        return -1;
    }
    bool video = media_codec_kind(p->config.codec) == MEDIA_VIDEO;
    for (size_t i = 0; i < p->out.count; i++) {
        bool marker = video ? i + 1 == p->out.count : !p->sent_any;
        rtp_write_header(p->out.bytes.data + p->out.packets[i].offset, marker,
                         p->config.payload_type, p->sequence++, frame->rtp_timestamp,
                         p->config.ssrc);
        p->sent_any = true;
        p->stats.bytes += p->out.packets[i].length;
    }
    p->frame_number++;
    p->stats.frames++;
    p->stats.packets += p->out.count;
    return (int)p->out.count;
}

int packetizer_pull(struct packetizer *p, const uint8_t **data, size_t *size)
{
    if (p->next_pull >= p->out.count) return 0;
    const struct packet_span *s = &p->out.packets[p->next_pull++];
    *data = p->out.bytes.data + s->offset;
    *size = s->length;
    return 1;
}

uint16_t packetizer_next_sequence(const struct packetizer *p) { return p->sequence; }

const struct packetizer_stats *packetizer_stats(const struct packetizer *p) { return &p->stats; }
