/* mix_engine.h - one conference's media: the single object every RTP packet of a
 * mixing conference runs through, driven by mcu-mix offline and by mcud live.
 *
 *   inputs (slots 0..max_inputs-1), each: RTP in -> jitter buffer -> depacketizer ->
 *       decoder (video: newest picture to the compositor; audio: PCM queue)
 *   video tick: layout -> compositor canvas -> one encoder per output profile (scaled
 *       once per profile) -> packetizer per profile -> RTP out
 *   audio tick (every 20 ms): audio mixer (top-N, minus-self, active speaker) ->
 *       one shared Opus encode of the full mix + one per input that needs its own
 *       minus-self mix -> packetizer per mix -> RTP out
 *
 * The caller owns the clock. Every call that needs time takes `now_us` (microseconds,
 * any origin, never decreasing); the engine reads no clock, opens no socket, sleeps
 * nowhere. Live: pass the arrival time of each packet and the current time on each
 * tick, ticking audio every 20 ms and video every 1/fps s. Offline: derive arrival
 * times from the media's timestamps and step `now_us` as fast as you like.
 *
 * Output: the ticks call the sink's callbacks, on the calling thread, before they
 * return: `frame` with each encoded frame (what a recorder muxes: no second encode)
 * and `packet` with each RTP packet of that frame. A NULL callback is skipped (with
 * no packet callback nothing is packetized). Each output has its own SSRC, sequence
 * numbers and timestamps: video profile p uses the configured SSRC, the full audio
 * mix audio_ssrc, input i's minus-self mix audio_ssrc + 1 + i. Per-receiver rewriting
 * (SSRC/seq/ts) is the caller's. Which audio mix an input hears after a tick:
 * mix_engine_audio_route().
 *
 * Feedback: mix_engine_keyframe_request() (send a PLI/FIR to that input's sender) and
 * mix_engine_nack() (sequence numbers to NACK), both from the jitter buffers and the
 * decoder's keyframe wait, rate-limited. From receivers: mix_engine_request_keyframe()
 * and mix_engine_set_bitrate() per profile.
 *
 * Threads: not thread-safe; one thread at a time calls into one engine (mcud's
 * control thread queues a conference's packets to that conference's media thread,
 * which alone drives its engine; different engines run in parallel). Inside mix_engine_video_tick() the inputs' video decoding (and, with
 * several profiles, the encoders) fan out over a pool of config.threads threads,
 * which return before the tick does; with threads = 1 everything runs on the
 * caller's thread. */
#ifndef HOINGHI_MIXER_MIX_ENGINE_H
#define HOINGHI_MIXER_MIX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/video/layout.h"
#include "mixer/media/media.h"

#define MIX_ENGINE_MAX_PROFILES 4
#define MIX_ENGINE_MAX_INPUTS   64
#define MIX_ENGINE_NAME_MAX     64

/* One video output: codec, size and bitrate, encoded once per conference. */
struct mix_profile_config {
    enum media_codec codec; /* MEDIA_CODEC_VP8 or MEDIA_CODEC_H264 */
    int width, height;      /* even; may differ from the canvas (scaled once) */
    int bitrate;            /* bits per second */
    uint8_t payload_type;   /* RTP payload type of its packets */
    uint32_t ssrc;
};

struct mix_engine_config {
    int width, height;    /* canvas; default 1280x720 */
    int fps;              /* video ticks per second (informational for the
                                   encoders' rate control); default 30 */
    size_t max_inputs;    /* default 16, at most MIX_ENGINE_MAX_INPUTS */
    int threads;          /* decode/encode pool, counting the caller; default 1 */
    size_t profile_count; /* 0..MIX_ENGINE_MAX_PROFILES (0: audio only) */
    struct mix_profile_config profiles[MIX_ENGINE_MAX_PROFILES];
    int vp8_cpu_used;        /* for all VP8 profiles; default -6 */
    const char *h264_preset; /* for all H.264 profiles; default "veryfast" */
    /* audio */
    size_t top_n;               /* inputs mixed per tick; default 4 */
    int audio_bitrate;          /* Opus, per mix; default 32000 */
    int audio_complexity;       /* libopus 0..10 of the shared full mix; default 5 */
    int audio_own_complexity;   /* libopus 0..10 of each minus-self mix (heard by one
                                   room, the talker's); default 1: see
                                   docs/mixer-engine.md, "Audio cost" */
    uint8_t audio_payload_type; /* default 111 */
    uint32_t audio_ssrc;        /* full mix; minus-self mixes follow (see above) */
    bool minus_self;            /* encode minus-self mixes (live); false: only the
                                   full mix (a recording); default true */
    bool encode_every_input;    /* benchmark baseline: every input gets its own
                                   encode, even when it would share; default false */
    bool decode_hidden;         /* baseline (sender control off): inputs that are not
                                   drawn are decoded all the same; default false */
    size_t mtu;                 /* RTP packets; 0: PACKETIZER_DEFAULT_MTU */
};

/* One input (a room). Codecs MEDIA_CODEC_NONE: the room sends no such stream. */
struct mix_input_config {
    enum media_codec audio_codec; /* Opus, PCMU, PCMA or NONE */
    enum media_codec video_codec; /* VP8, H264 or NONE */
    uint8_t audio_level_ext_id;   /* RFC 6464 header extension id; 0: none. With
                                       levels, silent inputs beyond top-N are not
                                       decoded at all. */
    const char *name;             /* shown to operators; copied; may be NULL */
};

enum mix_output_kind {
    MIX_OUTPUT_VIDEO,      /* index: profile */
    MIX_OUTPUT_AUDIO_FULL, /* index: 0 */
    MIX_OUTPUT_AUDIO_OWN,  /* index: the input slot whose minus-self mix it is */
};

struct mix_output {
    enum mix_output_kind kind;
    size_t index;
    uint32_t ssrc;
};

struct mix_engine_sink {
    void *opaque;
    void (*frame)(void *opaque, const struct mix_output *out, const struct encoded_frame *frame,
                  int64_t now_us);
    void (*packet)(void *opaque, const struct mix_output *out, const uint8_t *packet, size_t len);
};

/* What an input hears after the last audio tick. */
enum mix_route {
    MIX_ROUTE_NONE, /* no such input */
    MIX_ROUTE_FULL, /* the shared full mix (MIX_OUTPUT_AUDIO_FULL) */
    MIX_ROUTE_OWN,  /* its own minus-self mix (MIX_OUTPUT_AUDIO_OWN, index =
                                its slot) */
};

struct mix_input_stats {
    uint64_t video_frames;      /* frames handed to the video decoder */
    uint64_t video_pictures;    /* pictures decoded */
    uint64_t video_errors;      /* decode errors + frames dropped waiting a keyframe */
    uint64_t audio_frames;      /* audio payloads decoded */
    uint64_t audio_skipped;     /* audio payloads not decoded (beyond top-N) */
    uint64_t audio_underruns;   /* ticks with no samples for a stream that has audio */
    uint64_t audio_trimmed;     /* samples dropped because they stood in the queue
                                     (latency the input did not need; mix_input.h) */
    uint64_t keyframe_requests; /* times mix_engine_keyframe_request() said yes */
    uint64_t video_hidden;      /* frames dropped undecoded: the input was not drawn */
};

struct mix_engine_stats {
    uint64_t video_ticks;
    uint64_t audio_ticks;
    uint64_t video_frames_out; /* summed over profiles */
    uint64_t audio_frames_out; /* summed over mixes */
    uint64_t own_encodes;      /* minus-self (or per-input) encodes */
    uint64_t errors;           /* encode failures and the like */
    /* Wall time spent in the video tick's phases (the only clock the engine reads,
     * for these figures): decoding the inputs (over the pool), composing the
     * canvas, encoding the profiles (over the pool). */
    uint64_t video_decode_us;
    uint64_t video_compose_us;
    uint64_t video_encode_us;
    /* Where an input frame waits before its composite is made (caller's clock), summed
     * over the input frames new in a composite (video_frames_composed): in the jitter
     * buffer (its last packet's arrival to its playout time; 0 when it was complete
     * only after that) and for the tick (from then to the tick that decoded it). */
    uint64_t video_frames_composed;
    uint64_t video_jitter_wait_us;
    uint64_t video_tick_wait_us;
};

struct mix_engine;

/* Defaults above, with one profile: 1280x720 VP8 2 Mbit/s, payload type 96. */
void mix_engine_config_init(struct mix_engine_config *cfg);

/* NULL on a bad config (the reason in err, if errlen > 0) or out of memory. Starts
 * with the "1x1" layout. */
struct mix_engine *mix_engine_new(const struct mix_engine_config *cfg, char *err, size_t errlen);
void mix_engine_free(struct mix_engine *e);

/* Adds input `slot` (< max_inputs, free). Returns 0 or -1. */
int mix_engine_add_input(struct mix_engine *e, size_t slot, const struct mix_input_config *cfg);
/* Removes an input: its cell shows the placeholder, it leaves the audio mix. */
void mix_engine_remove_input(struct mix_engine *e, size_t slot);

/* Video mute: the input's video packets are dropped and its cell shows the placeholder
 * with its name; unmuted, its picture comes back from the next keyframe. */
int mix_engine_set_input_video_muted(struct mix_engine *e, size_t slot, bool muted);

/* Whether a profile is encoded (default: yes). A profile nobody receives costs
 * nothing; when it is turned on again its first frame is a keyframe. */
int mix_engine_set_profile_active(struct mix_engine *e, size_t profile, bool active);

/* One whole RTP packet of input `slot`'s audio or video stream, arrived at
 * `arrival_us`. Copied. Returns 0 if stored, -1 if dropped (unknown slot or stream,
 * malformed, duplicate, late; counted by the jitter buffer). */
int mix_engine_push_rtp(struct mix_engine *e, size_t slot, enum media_kind kind,
                        const uint8_t *packet, size_t len, int64_t arrival_us);

/* The input's stream has ended (offline end of file): what is buffered plays out
 * without waiting for its playout time. */
void mix_engine_end_input(struct mix_engine *e, size_t slot, enum media_kind kind);

/* Layout by name (layout.h's built-ins) or, if it starts with '{', JSON; takes
 * effect at the next video tick. Cell i shows slot i (or, once mix_engine_set_order()
 * was called, the i-th input of that order), except that with `speaker` layouts (and
 * 1+5, 1+7) cell 0 follows the active speaker and the other cells show the other
 * inputs in slot (or that) order. Returns 0, or -1 (reason in err). */
int mix_engine_set_layout(struct mix_engine *e, const char *layout, char *err, size_t errlen);
/* Puts input `slot` in cell 0 of the layouts that follow the active speaker (an
 * operator's focus), until it leaves; -1 gives cell 0 back to the speaker. Grid
 * layouts are not affected. Returns 0, or -1 for a slot out of range. */
int mix_engine_set_focus(struct mix_engine *e, int slot);
/* The order in which the inputs fill the cells (a conference's join order): from the
 * next video tick on, the active inputs among `slots` fill the cells in that order,
 * then any other active input in slot order; a slot that is not active takes no
 * cell, so when an input leaves the ones after it move up and empty cells are only
 * at the end (no holes). Without a call the cells follow the slots (cell i, slot i).
 * Returns 0, or -1 for a slot out of range or listed twice (the order is unchanged). */
int mix_engine_set_order(struct mix_engine *e, const int *slots, size_t count);
/* The layout in effect (canvas pixels). */
const struct layout *mix_engine_layout(const struct mix_engine *e);

/* Which input each cell of a layout shows, as the video tick decides it (pure; the
 * MCU's sender limits use it to agree with the picture). present[i]: input i exists
 * (i < inputs). Grid layouts (follow_speaker false): cell i shows input i. Layouts
 * that follow the speaker: cell 0 shows `focus` if present, else `speaker` if
 * present, else the first input; the other cells the other inputs in slot order.
 * Writes cell_slot[0..cell_count-1], -1 for an empty cell. */
void mix_engine_cells(size_t cell_count, bool follow_speaker, const bool *present, size_t inputs,
                      int focus, int speaker, int *cell_slot);
/* mix_engine_cells() over inputs in a given order, as the video tick decides it after
 * mix_engine_set_order(): order[0..count-1] are the slots of the inputs that are
 * present, in the order they fill the cells; focus and speaker are slots (-1 none).
 * Grid layouts: cell i shows order[i]; speaker layouts: cell 0 the focus, else the
 * speaker, else order[0], then the others in order. Writes cell_slot[0..cell_count-1],
 * -1 for an empty cell (only after the filled ones). */
void mix_engine_cells_in_order(size_t cell_count, bool follow_speaker, const int *order,
                               size_t count, int focus, int speaker, int *cell_slot);
/* True for the layouts whose cell 0 follows the active speaker: "speaker",
 * "speaker+N", "1+5", "1+7", "presentation" (whose cell 0 the conference gives to
 * the content by the focus) (not grids, not JSON). */
bool mix_engine_layout_follows_speaker(const char *name);
/* Whether input `slot` was drawn in the last video tick. An input that is not drawn
 * (more inputs than cells) is not decoded: its video frames are dropped as they come
 * due, no keyframe requests or NACKs are made for it, and when it comes into view it
 * waits for a keyframe (mix_engine_keyframe_request() asks for one at once). */
bool mix_engine_input_drawn(const struct mix_engine *e, size_t slot);

/* Composes and encodes one picture per profile; outputs go to the sink. */
int mix_engine_video_tick(struct mix_engine *e, int64_t now_us, const struct mix_engine_sink *sink);
/* Mixes and encodes 20 ms of audio; outputs go to the sink. */
int mix_engine_audio_tick(struct mix_engine *e, int64_t now_us, const struct mix_engine_sink *sink);

enum mix_route mix_engine_audio_route(const struct mix_engine *e, size_t slot);
int mix_engine_active_speaker(const struct mix_engine *e);

/* True when a keyframe should be requested from input `slot`'s video sender now
 * (stream start, loss, decode error); at most once per 700 ms while it lasts, so a
 * sender gets at most 2 requests in any second even when the network bunches them. */
bool mix_engine_keyframe_request(struct mix_engine *e, size_t slot, int64_t now_us);
/* Up to `max` video sequence numbers of input `slot` to NACK now; returns how many. */
size_t mix_engine_nack(struct mix_engine *e, size_t slot, int64_t now_us, uint16_t *seqs,
                       size_t max);
/* Round-trip time to input `slot` (from RTCP), for NACK pacing. */
void mix_engine_set_rtt(struct mix_engine *e, size_t slot, int64_t rtt_us);

/* When the input frames that are new in the canvas of the last video tick arrived
 * (their last packet's arrival time, as passed to mix_engine_push_rtp). Writes up to
 * `max` and returns how many: with the time the composite's first packet leaves, the
 * caller measures the mixer's added latency. */
size_t mix_engine_composed_arrivals(const struct mix_engine *e, int64_t *arrivals, size_t max);

/* A receiver of profile `profile` asked for a keyframe (PLI/FIR). */
int mix_engine_request_keyframe(struct mix_engine *e, size_t profile);
/* New target bitrate for a profile (VP8: reopens the encoder, next frame is a key). */
int mix_engine_set_bitrate(struct mix_engine *e, size_t profile, int bitrate);

/* The Opus header a container needs for the audio outputs (see mix_audio_codec.h). */
const uint8_t *mix_engine_audio_extradata(const struct mix_engine *e, size_t *size);

const char *mix_engine_input_name(const struct mix_engine *e, size_t slot);
const struct mix_input_stats *mix_engine_input_stats(const struct mix_engine *e, size_t slot);
const struct mix_engine_stats *mix_engine_stats(const struct mix_engine *e);
const struct mix_engine_config *mix_engine_config(const struct mix_engine *e);

#endif
