/* mix_engine_internal.h - (internal) the mix engine's state, shared by its files:
 * mix_engine.c (set-up, inputs, control, feedback), mix_engine_video.c (video tick)
 * and mix_engine_audio.c (audio tick). */
#ifndef HOINGHI_MIXER_MIX_ENGINE_INTERNAL_H
#define HOINGHI_MIXER_MIX_ENGINE_INTERNAL_H

#include "mixer/audio/audio_mixer.h"
#include "mixer/video/compositor.h"
#include "mixer/video/layout.h"
#include "mixer/codec/mix_audio_codec.h"
#include "mixer/engine/mix_engine.h"
#include "mixer/engine/mix_input.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/codec/video_encoder.h"
#include "mixer/engine/work_pool.h"

#define MIX_ENGINE_KEYFRAME_INTERVAL_US \
    700000 /* > 500 ms: network jitter must not bunch 3 into 1 s */

struct mix_profile {
    struct mix_profile_config cfg;
    bool inactive; /* nobody receives it: not encoded */
    struct video_encoder *encoder;
    struct packetizer *packetizer;
};

struct mix_engine {
    struct mix_engine_config cfg;
    char h264_preset[32];
    struct work_pool *pool;
    struct mix_input *inputs; /* max_inputs of them */

    /* video */
    struct compositor *compositor;
    struct layout layout;
    bool follow_speaker; /* cell 0 shows the active speaker */
    int focus_slot;      /* ... or this input, when >= 0 and active */
    bool ordered;        /* mix_engine_set_order() was called: cells follow `order` */
    int order[MIX_ENGINE_MAX_INPUTS];
    size_t order_count;
    struct mix_profile profiles[MIX_ENGINE_MAX_PROFILES];
    size_t *decode_list; /* scratch: inputs to decode this tick */
    size_t decode_count;
    int64_t *composed_arrivals; /* arrival of the input frames new in the last
                                          composed canvas (max_inputs of them) */
    size_t composed_count;
    bool *present; /* scratch per input: present, then drawn (assign_cells) */

    /* audio */
    struct audio_mixer *audio_mixer;
    struct mix_audio_encoder *full_encoder;
    struct packetizer *full_packetizer;
    uint8_t *levels;    /* scratch per input */
    bool *decode_audio; /* scratch per input */
    uint64_t audio_ticks;

    struct mix_engine_stats stats;
};

/* Creates the minus-self encoder + packetizer of input `slot` if it has none yet
 * (they are kept until the input leaves). */
int mix_engine_open_own_output(struct mix_engine *e, size_t slot);
/* Encoder complexity of the minus-self (or per-input) outputs. */
int mix_engine_own_complexity(const struct mix_engine *e);

/* How much longer than an audio frame a video frame takes from its jitter buffer to
 * the mixer's output, on average: half a canvas frame interval waiting for the video
 * tick plus the tick's mean decode, compose and encode time, less half an audio tick
 * waiting for the audio tick. Never negative. For lip sync (mix_input_pull_audio). */
int64_t mix_engine_video_extra_us(const struct mix_engine *e);

/* Hands one encoded frame to the sink: frame callback, then (if there is a packet
 * callback) its RTP packets. */
void mix_engine_emit(struct mix_engine *e, const struct mix_engine_sink *sink,
                     const struct mix_output *out, struct packetizer *packetizer,
                     const struct encoded_frame *frame, int64_t now_us);

#endif
