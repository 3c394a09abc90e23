/* mix_input.h - (internal to the mix engine) one input of a conference: its audio and
 * video receive chains, jitter buffer -> depacketizer -> decoder, and what they
 * produced for the next tick (the newest picture, a queue of 48 kHz mono samples).
 * Also the input's own minus-self audio encoder, when it has one. */
#ifndef HOINGHI_MIXER_MIX_INPUT_H
#define HOINGHI_MIXER_MIX_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libavutil/frame.h>

#include "mixer/media/audio_format.h"
#include "mixer/media/byte_buffer.h"
#include "mixer/rtp/depacketizer.h"
#include "mixer/rtp/jitter_buffer.h"
#include "mixer/codec/mix_audio_codec.h"
#include "mixer/engine/mix_engine.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/codec/video_decoder.h"

/* Decoded audio kept per input: beyond this the oldest samples go (200 ms). */
#define MIX_INPUT_AUDIO_QUEUE (AUDIO_FRAME_SAMPLES * 10)
/* The queue's standing level: when the lowest level after a take stayed above
 * MIX_INPUT_TRIM_FLOOR samples through a whole window of MIX_INPUT_TRIM_TICKS ticks,
 * those samples were never needed to ride out jitter (the jitter buffer does that)
 * and are only latency: audio that late against the input's video. It comes from
 * bursts, e.g. when the jitter buffer's delay shrinks after the first packets, and a
 * steady take of one tick per tick would keep it for ever. So the excess is dropped,
 * MIX_INPUT_TRIM_STEP samples after each take (short cuts, not one long gap), and
 * counted in stats.audio_trimmed. A level above MIX_INPUT_TRIM_HIGH (more than the
 * longest Opus packet, 60 ms, can leave behind) is excess at once: trimming down to
 * it starts without waiting for the window. */
#define MIX_INPUT_TRIM_TICKS 10                        /* 200 ms */
#define MIX_INPUT_TRIM_FLOOR (AUDIO_FRAME_SAMPLES / 4) /* 5 ms */
#define MIX_INPUT_TRIM_STEP  (AUDIO_FRAME_SAMPLES / 2) /* 10 ms a tick */
#define MIX_INPUT_TRIM_HIGH  (AUDIO_FRAME_SAMPLES * 3) /* 60 ms */
/* Audio payloads pulled in one tick and not yet decoded. */
#define MIX_INPUT_MAX_PENDING 16

struct mix_input {
    bool active;
    char name[MIX_ENGINE_NAME_MAX];
    struct mix_input_config cfg;
    struct mix_input_stats stats;

    /* video */
    struct jitter_buffer *video_jb;
    struct depacketizer *video_depacketizer;
    struct video_decoder *video_decoder;
    AVFrame *picture;           /* newest decoded picture (a reference) */
    bool new_picture;           /* since the last video tick took it */
    int64_t frame_arrival_us;   /* last packet of the frame being decoded */
    int64_t frame_ready_us;     /* when the jitter buffer could hand it out: its
                                   arrival or its playout time, the later */
    int64_t picture_arrival_us; /* frame_arrival_us of the frame that gave `picture` */
    int64_t picture_ready_us;   /* frame_ready_us of the same */
    bool video_seen;            /* a video packet has arrived */
    bool video_muted;           /* its video is dropped; the tile shows the placeholder */
    bool reference_lost;        /* a whole frame was lost: frames are skipped until
                                      a keyframe (the jitter buffer hands out the next
                                      complete frame and VP8 decoders cannot tell) */
    uint64_t video_lost;        /* the jitter buffer's loss count, last seen */
    bool hidden;                /* not drawn in the last video tick: not decoded */
    int64_t last_keyframe_request_us;

    /* audio */
    struct jitter_buffer *audio_jb;
    struct depacketizer *audio_depacketizer;
    struct mix_audio_decoder *audio_decoder;
    int16_t queue[MIX_INPUT_AUDIO_QUEUE];
    size_t queued;         /* samples in queue */
    size_t window_min;     /* lowest `queued` after a take in this window */
    unsigned window_ticks; /* takes in this window */
    size_t trim_pending;   /* samples still to drop */
    int16_t tick_pcm[AUDIO_FRAME_SAMPLES];
    struct byte_buffer pending; /* this tick's payloads, back to back */
    size_t pending_size[MIX_INPUT_MAX_PENDING];
    size_t pending_count;
    int level; /* RFC 6464 level of the newest payload, or
                                      AUDIO_LEVEL_UNKNOWN (-1) */

    /* own (minus-self) audio output */
    struct mix_audio_encoder *own_encoder;
    struct packetizer *own_packetizer;
    bool own_active; /* had its own mix in the last tick */
};

/* Sets up the chains `cfg` asks for. Returns 0, or -1 (everything freed). */
int mix_input_open(struct mix_input *in, const struct mix_input_config *cfg);
void mix_input_close(struct mix_input *in);

/* Pulls every video frame due at now_us, depacketizes and decodes it; the newest
 * picture ends up in in->picture (new_picture set). Touches only this input: safe
 * to run for different inputs in parallel. */
void mix_input_decode_video(struct mix_input *in, int64_t now_us);

/* The same for an input that is not drawn: the frames due are taken out of the jitter
 * buffer and dropped, undecoded (counted in stats.video_hidden). */
void mix_input_skip_video(struct mix_input *in, int64_t now_us);

/* Pulls every audio frame due at now_us into `pending` and notes its level. First,
 * with video too, sets the two jitter buffers' delay floors for lip sync at the
 * output: after its jitter buffer a video frame takes `video_extra_us` longer than
 * audio to leave the mixer (mix_engine_video_extra_us), so the video buffer holds
 * that much less than the audio buffer; the one with the larger need sets both. What
 * was captured together leaves together, and video is not held to audio's delay on
 * top of its own path. */
void mix_input_pull_audio(struct mix_input *in, int64_t now_us, int64_t video_extra_us);
/* Decodes the pending payloads into the queue (or, if !decode, drops them). */
void mix_input_decode_audio(struct mix_input *in, bool decode);
/* Takes one tick of samples from the queue into tick_pcm; false if too few. Trims
 * the queue's standing level (MIX_INPUT_TRIM_TICKS). */
bool mix_input_take_tick(struct mix_input *in);

#endif
