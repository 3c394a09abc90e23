/* mix_audio_codec.h - the mix engine's audio decoder and Opus encoder: RTP audio
 * payloads (Opus, PCMU, PCMA) in, the mixer's internal format out (audio_format.h:
 * 48 kHz mono int16), and 20 ms of that format back to Opus.
 *
 * Opus goes through libopus directly (opus_decode / opus_encode, int16 at 48 kHz
 * mono; a stereo stream is downmixed by libopus). Not through libavcodec: its libopus
 * wrappers call the multistream API, which in libopus 1.3 executes CPUID on every
 * packet; CPUID traps to the hypervisor on virtual machines and cost over 10 % of a
 * 50-room audio mix. G.711 is decoded by libavcodec and resampled to 48 kHz by
 * libswresample.
 *
 * The encoder is in realtime speech settings (application voip, 20 ms frames,
 * unconstrained VBR, no look-ahead beyond libopus' own 6.5 ms); complexity is
 * configurable because it dominates the cost of a large audio conference. An
 * encoder's state can be copied from another one (mix_audio_encoder_copy_state):
 * a minus-self stream that splits off the shared full mix continues from the full
 * mix encoder's state, so the receiver's decoder sees one continuous stream.
 *
 * Threads: one thread at a time per instance. */
#ifndef HOINGHI_MIXER_MIX_AUDIO_CODEC_H
#define HOINGHI_MIXER_MIX_AUDIO_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "mixer/media/audio_format.h"
#include "mixer/media/media.h"

/* Most samples one payload can decode to: 120 ms (Opus' longest packet). */
#define MIX_AUDIO_MAX_DECODED (AUDIO_SAMPLE_RATE / 1000 * 120)

struct mix_audio_decoder;

/* codec: MEDIA_CODEC_OPUS, _PCMU or _PCMA. NULL if unsupported or out of memory. */
struct mix_audio_decoder *mix_audio_decoder_new(enum media_codec codec);
void mix_audio_decoder_free(struct mix_audio_decoder *dec);

/* Decodes one payload into at most MIX_AUDIO_MAX_DECODED samples at `out` (48 kHz
 * mono). Returns the number of samples, or -1 for a payload the codec rejects (the
 * decoder stays usable). */
int mix_audio_decoder_decode(struct mix_audio_decoder *dec, const uint8_t *payload, size_t size,
                             int16_t *out);

struct mix_audio_encoder_config {
    int bitrate;    /* bits per second; default 32000 */
    int complexity; /* libopus 0..10; default 5 */
};

void mix_audio_encoder_config_init(struct mix_audio_encoder_config *cfg);

struct mix_audio_encoder;

/* NULL on a bad config or out of memory. */
struct mix_audio_encoder *mix_audio_encoder_new(const struct mix_audio_encoder_config *cfg);
void mix_audio_encoder_free(struct mix_audio_encoder *enc);

/* Encodes AUDIO_FRAME_SAMPLES samples; `pts` counts samples (the 48 kHz RTP clock).
 * Returns 1 and fills *out (data valid until the next call on this encoder), 0 if the
 * encoder produced nothing, -1 on error. */
int mix_audio_encoder_encode(struct mix_audio_encoder *enc, const int16_t *pcm, int64_t pts,
                             struct encoded_frame *out);

/* Makes `dst` a copy of `src` (same settings, same state: the next frame `dst`
 * encodes continues the stream `src` encoded so far). Both must have been created
 * with the same config. */
void mix_audio_encoder_copy_state(struct mix_audio_encoder *dst,
                                  const struct mix_audio_encoder *src);

/* Changes the complexity (0..10) from the next frame on. Returns 0 or -1. */
int mix_audio_encoder_set_complexity(struct mix_audio_encoder *enc, int complexity);

/* Forgets the stream so far: the next frame starts a fresh stream. */
void mix_audio_encoder_reset(struct mix_audio_encoder *enc);

/* The Opus identification header (OpusHead) a container needs; *size set. */
const uint8_t *mix_audio_encoder_extradata(const struct mix_audio_encoder *enc, size_t *size);

/* Samples of encoder delay (Opus pre-skip). */
int mix_audio_encoder_delay(const struct mix_audio_encoder *enc);

#endif
