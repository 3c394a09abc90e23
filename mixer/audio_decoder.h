/* audio_decoder.h - one inbound audio stream's decoder (libavcodec): Opus, PCMU or
 * PCMA encoded frames in, the mixer's format out (audio_format.h: 48 kHz mono int16;
 * stereo Opus is downmixed by libopus itself, G.711 is resampled 8 -> 48 kHz by
 * libswresample).
 *
 * Output is written into the caller's buffer, which must hold at least
 * AUDIO_DECODER_MAX_SAMPLES samples; the count varies with the packet duration
 * (Opus: 2.5..120 ms) and, for G.711, with the resampler's delay (the first packet
 * comes out a little short; nothing is lost). Packets longer than 120 ms are refused.
 *
 * Loss concealment (audio_decoder_conceal(), for a packet the jitter buffer gave up
 * on): libavcodec has no "decode a lost packet" call - an empty packet means
 * end-of-stream there. For Opus we therefore feed libopus a one-byte packet: a TOC
 * byte with no frame data, which RFC 6716 (3.2.1) defines as a lost/DTX frame; libopus
 * runs its packet loss concealment for it (continuing the last signal and fading it
 * out). The TOC keeps the last packet's mode and bandwidth and asks for 20 ms. For
 * G.711 there is no concealment in libavcodec: we output 20 ms of silence.
 *
 * Errors (undecodable packets) are counted and return -1; the next good packet
 * decodes normally (audio has no keyframes).
 *
 * Threads: one thread at a time per decoder. */
#ifndef HOINGHI_MIXER_AUDIO_DECODER_H
#define HOINGHI_MIXER_AUDIO_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "mixer/audio_format.h"
#include "mixer/media.h"

/* 120 ms at 48 kHz plus resampler slack. */
#define AUDIO_DECODER_MAX_SAMPLES (AUDIO_SAMPLE_RATE / 1000 * 120 + 256)

struct audio_decoder_stats {
    uint64_t packets_in;
    uint64_t samples_out;
    uint64_t errors;
    uint64_t concealed;      /* audio_decoder_conceal() calls */
};

struct audio_decoder;

/* codec: MEDIA_CODEC_OPUS, MEDIA_CODEC_PCMU or MEDIA_CODEC_PCMA. NULL if
 * unsupported or out of memory. */
struct audio_decoder *audio_decoder_new(enum media_codec codec);
void audio_decoder_free(struct audio_decoder *dec);

/* Decodes one packet into `out` (room for `capacity` samples, at least
 * AUDIO_DECODER_MAX_SAMPLES). Returns the number of samples written, or -1. */
int audio_decoder_decode(struct audio_decoder *dec, const struct encoded_frame *frame,
                         int16_t *out, size_t capacity);

/* Produces about 20 ms standing in for a lost packet (see above). Returns the number
 * of samples written, or -1. */
int audio_decoder_conceal(struct audio_decoder *dec, int16_t *out, size_t capacity);

const struct audio_decoder_stats *audio_decoder_stats(const struct audio_decoder *dec);

#endif
