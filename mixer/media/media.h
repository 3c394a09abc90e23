/* media.h - the small vocabulary shared by every part of the mixer: codecs and
 * encoded frames. An encoded frame is what a depacketizer produces and a decoder
 * consumes, and what an encoder produces and a packetizer consumes. */
#ifndef HOINGHI_MIXER_MEDIA_H
#define HOINGHI_MIXER_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum media_kind { MEDIA_AUDIO, MEDIA_VIDEO };

enum media_codec {
    MEDIA_CODEC_NONE = 0,
    MEDIA_CODEC_OPUS, /* 48 kHz RTP clock */
    MEDIA_CODEC_PCMU, /* G.711 mu-law, 8 kHz */
    MEDIA_CODEC_PCMA, /* G.711 A-law, 8 kHz */
    MEDIA_CODEC_VP8,  /* 90 kHz RTP clock */
    MEDIA_CODEC_H264, /* Annex B byte stream in frames, 90 kHz RTP clock */
};

/* "opus", "PCMU", "PCMA", "VP8", "H264"; "none" for MEDIA_CODEC_NONE. */
const char *media_codec_name(enum media_codec codec);
enum media_kind media_codec_kind(enum media_codec codec);
uint32_t media_codec_clock_rate(enum media_codec codec);

/* One whole encoded frame. `data` is borrowed from its producer and valid until the
 * producer's next call; copy it to keep it. */
struct encoded_frame {
    enum media_codec codec;
    const uint8_t *data;
    size_t size;
    uint32_t rtp_timestamp; /* in the codec's RTP clock */
    bool keyframe;          /* video: decodable on its own */
};

#endif
