/* audio_encoder.h - an Opus encoder (libavcodec over libopus) for mixed audio: one
 * tick (20 ms, 960 samples of 48 kHz mono int16) in, one Opus packet out.
 *
 * Settings: 48 kHz, mono (the mix is mono), 20 ms frames, application "voip",
 * variable bitrate around the target, in-band FEC on with an expected loss of
 * `expected_loss_percent` (libopus only spends bits on FEC when that is above 0),
 * no DTX (the receiver always gets a packet). One encoder per distinct mix: the full
 * mix is encoded once for everyone who shares it (audio_mixer.h).
 *
 * Bitrate changes: libavcodec's libopus wrapper reads the bitrate only when it opens,
 * so a change reopens the encoder before the next tick. Opus has no keyframes, so the
 * receiver just continues; the only cost is a few ms of codec warm-up.
 *
 * Threads: one thread at a time per encoder. */
#ifndef HOINGHI_MIXER_AUDIO_ENCODER_H
#define HOINGHI_MIXER_AUDIO_ENCODER_H

#include <stdbool.h>
#include <stdint.h>

#include "mixer/audio_format.h"
#include "mixer/media.h"

struct audio_encoder_config {
    int bitrate;                /* bits per second; default 32000 */
    bool fec;                   /* default true */
    int expected_loss_percent;  /* 0..100; default 10 */
};

struct audio_encoder_stats {
    uint64_t frames_in;
    uint64_t packets_out;
    uint64_t bytes_out;
    uint64_t reopens;
    uint64_t errors;
};

struct audio_encoder;

void audio_encoder_config_init(struct audio_encoder_config *cfg);

/* NULL on a bad config, no Opus encoder, or allocation failure. */
struct audio_encoder *audio_encoder_new(const struct audio_encoder_config *cfg);
void audio_encoder_free(struct audio_encoder *enc);

/* Encodes one tick of AUDIO_FRAME_SAMPLES samples taken at RTP time `rtp_timestamp`
 * (48 kHz clock). Returns 1 and fills *out (Opus packet, data valid until the next
 * call), 0 if no packet came out, -1 on error. */
int audio_encoder_encode(struct audio_encoder *enc, const int16_t *pcm, uint32_t rtp_timestamp,
                         struct encoded_frame *out);

/* New target bitrate from the next tick on. Returns 0, or -1 if out of range. */
int audio_encoder_set_bitrate(struct audio_encoder *enc, int bitrate);

const struct audio_encoder_stats *audio_encoder_stats(const struct audio_encoder *enc);

#endif
