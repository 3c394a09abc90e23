/* mix_source.h - one input file of mcu-mix: demuxed with libavformat, its first video
 * and first audio stream packetized to RTP with the mixer's packetizers and pushed
 * into the mix engine with arrival times taken from the packets' timestamps (the
 * file's start is time 0), exactly as a room's packets would arrive live.
 *
 * VP8, H.264 and Opus go through as they are (H.264 from MP4/Matroska is turned into
 * Annex B by libavcodec's h264_mp4toannexb filter). Any other codec libavcodec can
 * decode is re-encoded first (mix_transcode.h): video to VP8, audio to Opus. */
#ifndef HOINGHI_MIXER_TOOLS_MIX_SOURCE_H
#define HOINGHI_MIXER_TOOLS_MIX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/engine/mix_engine.h"

struct mix_source;

/* RFC 6464 header extension id mcu-mix puts on audio packets with --audio-levels. */
#define MIX_SOURCE_LEVEL_EXT_ID 1

/* Opens `path`. With `audio_levels`, the audio track is decoded once up front to
 * measure each packet's level, which then rides on its RTP packet as an RFC 6464
 * header extension, the way a WebRTC sender measures its own audio: the engine can
 * then leave quiet inputs undecoded. NULL on failure, with the reason in err. */
struct mix_source *mix_source_open(const char *path, size_t slot, bool audio_levels, char *err,
                                   size_t errlen);
void mix_source_close(struct mix_source *src);

/* What the engine needs to add this input. */
void mix_source_input_config(const struct mix_source *src, struct mix_input_config *cfg);

/* Whether the file has video / audio, and whether it is being re-encoded. */
bool mix_source_has_video(const struct mix_source *src);
bool mix_source_has_audio(const struct mix_source *src);
bool mix_source_transcodes(const struct mix_source *src);

/* Container duration in microseconds, 0 if unknown. */
int64_t mix_source_duration_us(const struct mix_source *src);

/* Pushes every packet that arrives at or before `until_us` into the engine (slot
 * given at open). At end of file tells the engine once (mix_engine_end_input).
 * Returns 0, or -1 on a read or re-encode error (reason in err). */
int mix_source_feed(struct mix_source *src, struct mix_engine *engine, int64_t until_us, char *err,
                    size_t errlen);

/* True once the whole file has been pushed. */
bool mix_source_done(const struct mix_source *src);

#endif
