/* depacketizer.c - frame assembly common to all codecs: RTP parsing, frame
 * boundaries (marker, timestamp change), holes, and the hand-out of finished frames.
 * The codec-specific payload formats live in depacketizer_<codec>.c. */
#include "mixer/rtp/depacketizer.h"

#include <stdlib.h>

#include "mixer/rtp/depacketizer_codec.h"
#include "mixer/rtp/rtp.h"

struct depacketizer {
    const struct depacketizer_codec *codec;
    void *codec_state;
    struct byte_buffer building; /* frame being assembled */
    struct byte_buffer ready;    /* finished frame waiting to be pulled */
    bool open;                   /* building holds a started frame */
    bool hole;                   /* the open frame lost or dropped a packet */
    uint32_t timestamp;          /* of the open frame */
    uint16_t last_sequence;      /* of the last packet taken */
    bool have_sequence;
    bool ready_full;
    uint32_t ready_timestamp;
    bool ready_keyframe;
    struct depacketizer_stats stats;
};

static const struct depacketizer_codec *codec_for(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_VP8: return &depacketizer_vp8;
    case MEDIA_CODEC_H264: return &depacketizer_h264;
    case MEDIA_CODEC_OPUS: return &depacketizer_opus;
    case MEDIA_CODEC_PCMU: return &depacketizer_pcmu;
    case MEDIA_CODEC_PCMA: return &depacketizer_pcma;
    case MEDIA_CODEC_NONE: break;
    }
    return NULL;
}

int depacketizer_inspect(enum media_codec codec, const uint8_t *payload, size_t len,
                         struct depacketizer_packet_info *info)
{
    const struct depacketizer_codec *c = codec_for(codec);
    info->frame_start = false;
    info->keyframe = false;
    if (!c || !payload) return -1;
    return c->inspect(payload, len, info);
}

struct depacketizer *depacketizer_new(enum media_codec codec)
{
    const struct depacketizer_codec *c = codec_for(codec);
    if (!c) return NULL;
    struct depacketizer *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    d->codec = c;
    d->codec_state = calloc(1, c->state_size ? c->state_size : 1);
    if (!d->codec_state) {
        free(d);
        return NULL;
    }
    byte_buffer_init(&d->building, DEPACKETIZER_MAX_FRAME);
    byte_buffer_init(&d->ready, DEPACKETIZER_MAX_FRAME);
    return d;
}

void depacketizer_free(struct depacketizer *d)
{
    if (!d) return;
    if (d->codec->free_state) d->codec->free_state(d->codec_state);
    free(d->codec_state);
    byte_buffer_free(&d->building);
    byte_buffer_free(&d->ready);
    free(d);
}

/* Closes the open frame and, if the codec keeps it, makes it the ready frame. */
static void finish_frame(struct depacketizer *d)
{
    bool keyframe = false;
    bool keep = d->codec->finish(d->codec_state, &d->building, d->hole, &keyframe, &d->stats);
    d->open = false;
    if (!keep || d->building.size == 0) {
        d->stats.dropped_frames++;
        return;
    }
    if (d->ready_full) d->stats.dropped_frames++; /* never pulled */
    struct byte_buffer t = d->ready;
    d->ready = d->building;
    d->building = t;
    d->ready_full = true;
    d->ready_timestamp = d->timestamp;
    d->ready_keyframe = keyframe;
}

static void start_frame(struct depacketizer *d, uint32_t timestamp)
{
    d->building.size = 0;
    d->open = true;
    d->hole = false;
    d->timestamp = timestamp;
}

int depacketizer_push(struct depacketizer *d, const uint8_t *packet, size_t len)
{
    struct rtp_header h;
    d->stats.packets++;
    if (rtp_parse(packet, len, &h) < 0) {
        d->stats.malformed_packets++;
        return -1;
    }
    bool gap = false;
    if (d->have_sequence) {
        int order = rtp_sequence_compare(h.sequence, d->last_sequence);
        if (order <= 0) { /* duplicate or out of order: the caller's bug */
            d->stats.malformed_packets++;
            return -1;
        }
        gap = order != 1;
    }
    d->have_sequence = true;
    d->last_sequence = h.sequence;

    bool audio = media_codec_kind(d->codec->codec) == MEDIA_AUDIO;
    if (d->open && (audio || h.timestamp != d->timestamp)) {
        /* The marker was lost: the frame is whole only if nothing is missing. */
        if (gap) d->hole = true;
        finish_frame(d);
    }
    bool first = !d->open;
    if (first)
        start_frame(d, h.timestamp);
    else if (gap)
        d->hole = true;

    enum depacketizer_append_result r = d->codec->append(d->codec_state, &d->building, h.payload,
                                                         h.payload_length, first, gap, &d->stats);
    if (r != DEPACKETIZER_APPENDED) d->hole = true;
    if (r == DEPACKETIZER_MALFORMED) d->stats.malformed_packets++;

    if (audio || h.marker) finish_frame(d);
    return r == DEPACKETIZER_MALFORMED ? -1 : 0;
}

int depacketizer_pull(struct depacketizer *d, struct encoded_frame *frame)
{
    if (!d->ready_full) return 0;
    d->ready_full = false;
    d->stats.frames++;
    frame->codec = d->codec->codec;
    frame->data = d->ready.data;
    frame->size = d->ready.size;
    frame->rtp_timestamp = d->ready_timestamp;
    frame->keyframe = d->ready_keyframe;
    return 1;
}

void depacketizer_reset(struct depacketizer *d)
{
    if (d->open) {
        d->open = false;
        d->stats.dropped_frames++;
        d->codec->finish(d->codec_state, &d->building, true, &(bool){false}, &d->stats);
    }
    d->have_sequence = false;
}

const struct depacketizer_stats *depacketizer_stats(const struct depacketizer *d)
{
    return &d->stats;
}
