/* depacketizer_audio.c - the audio payload formats, where one RTP packet carries one
 * frame: Opus (RFC 7587) and G.711 PCMU/PCMA (RFC 3551). The payload is the frame. */
#include "mixer/rtp/depacketizer_codec.h"

/* An Opus packet (RFC 6716 section 3): a TOC byte, then for code 3 a frame-count
 * byte with a count of 1..48. Deeper checks are the decoder's. */
static int opus_valid(const uint8_t *p, size_t len)
{
    if (len < 1) return -1;
    if ((p[0] & 0x03) == 3) {
        if (len < 2) return -1;
        unsigned frames = p[1] & 0x3f;
        if (frames == 0 || frames > 48) return -1;
    }
    return 0;
}

static int pcm_valid(const uint8_t *p, size_t len)
{
    (void)p;
    return len >= 1 ? 0 : -1;
}

static int opus_inspect(const uint8_t *p, size_t len, struct depacketizer_packet_info *info)
{
    if (opus_valid(p, len) < 0) return -1;
    info->frame_start = true;
    info->keyframe = true;
    return 0;
}

static int pcm_inspect(const uint8_t *p, size_t len, struct depacketizer_packet_info *info)
{
    if (pcm_valid(p, len) < 0) return -1;
    info->frame_start = true;
    info->keyframe = true;
    return 0;
}

static enum depacketizer_append_result append_whole(struct byte_buffer *frame, const uint8_t *p,
                                                    size_t len,
                                                    int (*valid)(const uint8_t *, size_t))
{
    if (valid(p, len) < 0) return DEPACKETIZER_MALFORMED;
    if (byte_buffer_append(frame, p, len) < 0) return DEPACKETIZER_MALFORMED;
    return DEPACKETIZER_APPENDED;
}

static enum depacketizer_append_result opus_append(void *state, struct byte_buffer *frame,
                                                   const uint8_t *p, size_t len, bool first,
                                                   bool gap, struct depacketizer_stats *stats)
{
    (void)state;
    (void)first;
    (void)gap;
    (void)stats;
    return append_whole(frame, p, len, opus_valid);
}

static enum depacketizer_append_result pcm_append(void *state, struct byte_buffer *frame,
                                                  const uint8_t *p, size_t len, bool first,
                                                  bool gap, struct depacketizer_stats *stats)
{
    (void)state;
    (void)first;
    (void)gap;
    (void)stats;
    return append_whole(frame, p, len, pcm_valid);
}

static bool audio_finish(void *state, struct byte_buffer *frame, bool hole, bool *keyframe,
                         struct depacketizer_stats *stats)
{
    (void)state;
    (void)frame;
    (void)stats;
    *keyframe = true; /* every audio frame decodes on its own */
    return !hole;
}

const struct depacketizer_codec depacketizer_opus = {
    .codec = MEDIA_CODEC_OPUS,
    .state_size = 0,
    .inspect = opus_inspect,
    .append = opus_append,
    .finish = audio_finish,
};

const struct depacketizer_codec depacketizer_pcmu = {
    .codec = MEDIA_CODEC_PCMU,
    .state_size = 0,
    .inspect = pcm_inspect,
    .append = pcm_append,
    .finish = audio_finish,
};

const struct depacketizer_codec depacketizer_pcma = {
    .codec = MEDIA_CODEC_PCMA,
    .state_size = 0,
    .inspect = pcm_inspect,
    .append = pcm_append,
    .finish = audio_finish,
};
