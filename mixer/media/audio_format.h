/* audio_format.h - the mixer's one internal audio format: 48 kHz, signed 16-bit,
 * mono, 20 ms ticks of 960 samples. Decoders produce it, the audio mixer consumes
 * and produces it, the audio encoder consumes it. */
#ifndef HOINGHI_MIXER_AUDIO_FORMAT_H
#define HOINGHI_MIXER_AUDIO_FORMAT_H

#define AUDIO_SAMPLE_RATE   48000
#define AUDIO_CHANNELS      1
#define AUDIO_TICK_MS       20
#define AUDIO_FRAME_SAMPLES (AUDIO_SAMPLE_RATE / 1000 * AUDIO_TICK_MS) /* 960 */

/* RFC 6464 audio level: 0 (loudest, 0 dBov) .. 127 (silent, -127 dBov). */
#define AUDIO_LEVEL_SILENT 127

#endif
