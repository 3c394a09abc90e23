/* media.c - names and clock rates of the codecs in media.h. */
#include "mixer/media/media.h"

const char *media_codec_name(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_OPUS: return "opus";
    case MEDIA_CODEC_PCMU: return "PCMU";
    case MEDIA_CODEC_PCMA: return "PCMA";
    case MEDIA_CODEC_VP8: return "VP8";
    case MEDIA_CODEC_H264: return "H264";
    case MEDIA_CODEC_NONE: break;
    }
    return "none";
}

enum media_kind media_codec_kind(enum media_codec codec)
{
    return (codec == MEDIA_CODEC_VP8 || codec == MEDIA_CODEC_H264) ? MEDIA_VIDEO : MEDIA_AUDIO;
}

uint32_t media_codec_clock_rate(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_OPUS: return 48000;
    case MEDIA_CODEC_PCMU:
    case MEDIA_CODEC_PCMA: return 8000;
    case MEDIA_CODEC_VP8:
    case MEDIA_CODEC_H264: return 90000;
    case MEDIA_CODEC_NONE: break;
    }
    return 0;
}
