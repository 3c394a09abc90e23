/* conference_internal.h - the state shared by conference.c (control thread side) and
 * conference_media.c (the media thread). Not a public header. */
#ifndef HOINGHI_MCU_CONFERENCE_INTERNAL_H
#define HOINGHI_MCU_CONFERENCE_INTERNAL_H

#include <glib.h>

#include "mcu/conference/bandwidth_policy.h"
#include "mcu/conference/conference.h"
#include "mcu/conference/send_limits.h"
#include "mcu/rtp/keyframe_limiter.h"
#include "mcu/rtp/rtp_stats.h"
#include "mcu/rtp/send_history.h"
#include "mcu/rtp/twcc_feedback.h"
#include "mixer/engine/mix_engine.h"

#define CONFERENCE_MAX_PROFILES       MIX_ENGINE_MAX_PROFILES
#define CONFERENCE_HISTORY_PACKETS    512
#define CONFERENCE_HISTORY_AGE_US     2000000
#define CONFERENCE_RTCP_INTERVAL_US   1000000
#define CONFERENCE_MAX_QUEUED_PACKETS 4096 /* inbound queue bound */
#define CONFERENCE_MAX_RTP_BYTES      2048 /* an inbound packet unwrapped from RTX */
#define CONFERENCE_LATENCY_BUCKETS    2000 /* 1 ms each; the last one is ">=" */

struct conference_profile {
    enum media_codec codec;
    bool low; /* the half-size, low-bitrate variant */
    int width, height, bitrate;
    char name[32];
    size_t receivers;                  /* members on it or switching to it */
    struct keyframe_limiter keyframes; /* requests coalesced, one per 500 ms */
};

struct conference_member {
    struct conference *conference;
    size_t slot;     /* its engine input, kept while it is in */
    uint64_t joined; /* join sequence number: the cells fill in this order (cell_order.h) */
    void *user;
    char *participant_id;
    char *name;
    bool audio_muted, video_muted;
    bool host; /* joined with the host token (control thread) */
    /* a content connection (presenting; conference_share.c): the participant id of
     * the room whose presentation it carries, NULL for a room. Set before its media
     * attaches; it receives nothing (control thread) */
    char *content_owner;

    /* media, set by attach (control thread, under lock) */
    bool has_media;
    struct conference_media_config media;
    char cname[64];
    uint32_t audio_in_ssrc, video_in_ssrc; /* learned from the first packets */
    struct rtp_recv_stats audio_recv, video_recv;
    uint64_t rtp_in;
    uint64_t rtx_in, rtx_padding_in; /* RFC 4588: unwrapped; padding only (probes) */
    uint64_t keyframe_requests;      /* PLIs sent to its camera (media thread) */

    /* outbound, media thread (under lock) */
    int profile;           /* -1: none yet */
    int pending_profile;   /* -1: no switch under way */
    bool waiting_keyframe; /* nothing sent on `profile` until a keyframe */
    uint16_t audio_seq, video_seq;
    uint16_t vp8_picture_id; /* VP8: its own picture IDs, continuous across profiles */
    struct send_history *video_history;
    struct rtp_send_stats audio_send, video_send;
    uint64_t rtp_out;
    int64_t last_rtcp_us;

    /* receiver feedback (control thread writes, media thread reads; under lock) */
    uint64_t remb_bps;
    uint8_t fraction_lost;
    int rtt_ms; /* from its RRs (LSR/DLSR), -1 unknown */

    /* bandwidth adaptation (media thread, under lock) */
    uint64_t send_bps; /* video bitrate sent to it over the last second */
    uint32_t last_video_octets;
    int64_t last_rate_us;
    /* all media (audio + video payload) over the last second, for the stats */
    uint64_t in_bps, out_bps;
    uint64_t last_in_octets;
    uint32_t last_audio_out_octets;
    struct bandwidth_policy bandwidth;
    enum conference_video_quality quality; /* the room's own choice */

    /* sender limits (conference_limits.c; control thread, under the lock) */
    struct send_limits limits_sent; /* what the room was last told */
    bool limits_known;              /* told at least once since its media attached */
    int64_t limits_event_us;        /* when it was last told */
    int64_t limits_remb_us;         /* last REMB with its cap */
    int64_t limits_pli_us;          /* keyframe request due (asked for more), 0 none */
    /* transport-cc feedback to its sender (conference_twcc.c; control thread: arrivals
     * from conference_member_rtp, feedback from the twcc timer; under lock) */
    struct twcc_feedback *twcc; /* NULL: no transport-wide-cc extension negotiated */
    uint64_t twcc_packets_sent;
};

enum conference_command_kind {
    COMMAND_ADD_INPUT,
    COMMAND_REMOVE_INPUT,
    COMMAND_SET_LAYOUT,
    COMMAND_VIDEO_MUTE,
    COMMAND_KEYFRAME, /* all profiles (layout change, join) */
    COMMAND_FOCUS,    /* slot into the big cell; flag false: none */
    COMMAND_ORDER,    /* the order the inputs fill the cells in (cell_order.h) */
};

struct conference_command {
    enum conference_command_kind kind;
    size_t slot;
    struct mix_input_config input; /* ADD_INPUT; name copied below */
    char name[MIX_ENGINE_NAME_MAX];
    char layout[64];                  /* SET_LAYOUT */
    bool flag;                        /* VIDEO_MUTE */
    int order[MIX_ENGINE_MAX_INPUTS]; /* ORDER: slots, order_count of them */
    size_t order_count;
};

/* Sender limits (conference_limits.c; control thread, under the lock). */
struct conference_limits {
    struct layout layout; /* the layout in effect, canvas pixels */
    bool follow_speaker;
    int focus_slot; /* conference_set_focus(), -1 none */
    int64_t last_poll_us;
};

struct queued_packet {
    size_t slot;
    enum media_kind kind;
    int64_t arrival_us;
    size_t length;
    uint8_t data[];
};

struct conference {
    struct mcu_conference_config config; /* deep copy of strings below */
    char *layout_name;
    struct conference_events events;
    void *owner;

    GMutex lock; /* everything below that both threads touch */
    GCond wake;
    bool stopping;
    struct conference_member **members; /* [max_participants], NULL = free */
    size_t member_count;
    uint64_t next_joined; /* the next member's join sequence number */
    GQueue commands;      /* of struct conference_command* */
    GQueue packets;       /* of struct queued_packet* */
    size_t queued_packets;
    uint64_t queue_drops;
    size_t profile_count;
    struct conference_profile profiles[CONFERENCE_MAX_PROFILES];
    bool media_held;           /* host-required and no host: nothing is sent */
    int active_speaker_slot;   /* written by the media thread */
    int reported_speaker_slot; /* control thread: what was last reported */

    /* figures (media thread writes under the lock) */
    uint64_t video_ticks, video_ticks_skipped, audio_ticks_done;
    uint64_t latency_samples;
    uint32_t latency_histogram[CONFERENCE_LATENCY_BUCKETS];
    int64_t latency_total_us; /* summed over the samples: the mean */
    int64_t video_tick_total_us;
    struct mix_engine_stats engine_stats; /* copied from the engine after each video tick */

    /* recording (under the lock): the recorder the media thread feeds, its profile */
    struct recorder *recorder;
    int recorder_profile;        /* -1: no video */
    int64_t recorder_started_us; /* wall clock (Unix microseconds) of its start */

    /* media thread only */
    GThread *thread;
    struct mix_engine *engine;
    int64_t start_us;
    int64_t last_audio_tick_us;
    uint64_t audio_ticks;

    /* control thread only */
    GSource *event_timer;
    GPtrArray *finishing_recorders; /* stopped; their writers finish the files */
    enum recorder_state reported_recording_state;
    size_t hosts_present;      /* members marked as host */
    GSource *host_grace_timer; /* the last host left; media held when it fires */
    char last_recording_failure[RECORDER_REASON_MAX];
    bool last_recording_failed; /* the last recording ended by an error; none started since */

    /* sender limits (conference_limits.c; control thread, under the lock) */
    struct conference_limits limits;
    /* transport-cc feedback timer (conference_twcc.c; control thread only) */
    GSource *twcc_timer;

    /* the layout as last set (a name or the JSON text; control thread only) */
    char *layout_spec;
    /* presenting (conference_share.c; control thread, under the lock) */
    struct {
        struct conference_member *content; /* the presentation, NULL none */
        int operator_focus;                /* the operator's focus, kept for after */
        char *saved_layout;                /* the layout from before the share */
        bool layout_chosen;                /* the operator chose a layout meanwhile */
    } share;
};

/* conference.c: queues a command for the media thread. Under the lock. */
void conference_push_command_locked(struct conference *c, const struct conference_command *command);
/* conference.c: the slots of the members in the mix, in the order they fill the cells
 * (join order, cell_order.h); returns how many. Under the lock. */
size_t conference_cell_order_locked(const struct conference *c, int *slots);

/* conference_host.c: a host member left (after it was removed). Control thread. */
void conference_host_left(struct conference *c);

/* conference_limits.c (control thread) */
/* The layout the engine starts with (before the media thread runs). */
void conference_limits_init(struct conference *c);
/* Under the lock: the layout changed. */
void conference_limits_layout_locked(struct conference *c, const struct layout *layout,
                                     const char *name);
/* From the event timer: recomputes the limits (at most every 250 ms), tells the rooms
 * whose limits changed, sends REMBs and the keyframe requests that are due. */
void conference_limits_poll(struct conference *c);

/* conference_share.c (control thread) */
/* What the presentation is asked for (docs/sender-control.md, "Presenting"): its cell,
 * at most 10 fps (text changes seldom; each frame gets the bits), 0.2 bit per pixel
 * per frame (twice a camera's: fine lines and letters need them), clamped to
 * [300 kbit/s, 2.5 Mbit/s]. */
#define CONFERENCE_SHARE_FPS            10
#define CONFERENCE_SHARE_PIXELS_PER_BIT 5
#define CONFERENCE_SHARE_MIN_BITRATE    300000
#define CONFERENCE_SHARE_MAX_BITRATE    2500000
/* Under the lock: the presentation's entry of limits[slots] (the limits of every
 * slot, as send_limits_compute() made them) turned into a presentation's. */
void conference_share_limits_locked(const struct conference *c, struct send_limits *limits,
                                    size_t slots);
/* conference_set_layout() was called: during a share, the operator chose a layout. */
void conference_share_layout_changed(struct conference *c);
/* Under the lock: an operator's focus while a share holds the big cell is kept for
 * after the share; true when it was (nothing else to do). */
bool conference_share_hold_focus_locked(struct conference *c, int slot);
/* A member was removed (not under the lock): ends the share when it was the
 * presentation (focus and layout back). */
void conference_share_member_removed(struct conference *c, struct conference_member *m);
void conference_share_free(struct conference *c);

/* conference_media.c */
gpointer conference_media_thread(gpointer data);

/* One receiver fewer on `profile` (-1: none). Under the lock. */
void conference_release_profile(struct conference *c, int profile);

/* The index of the profile a member with this codec starts on (high), or -1. */
int conference_profile_for(const struct conference *c, enum media_codec codec, bool low);

/* conference_twcc.c: transport-cc feedback to the members' senders. */
#define CONFERENCE_TWCC_INTERVAL_MS 50
struct rtp_header;
/* Control thread: the feedback timer (conference_new), stopped by conference_free. */
void conference_twcc_start(struct conference *c);
void conference_twcc_stop(struct conference *c);
/* Under the lock: media attached (member's media config set) or detached. */
void conference_twcc_attach_locked(struct conference_member *m);
void conference_twcc_detach_locked(struct conference_member *m);
/* Under the lock, control thread: one RTP packet from the member arrived. */
void conference_twcc_record_locked(struct conference_member *m, const struct rtp_header *h,
                                   int64_t arrival_us);

/* conference_recording.c */
/* Media thread, inside a tick: one encoded frame of an output (recorded or not). */
void conference_record_frame(struct conference *c, const struct mix_output *out,
                             const struct encoded_frame *frame, int64_t now_us);
/* Media thread, under the lock: the recorder's keyframe requests to its profile. */
void conference_recording_keyframes_locked(struct conference *c);
/* Under the lock: a room joined or left (for the recording's room list). */
void conference_recording_room_locked(struct conference *c, const struct conference_member *m,
                                      bool joined);
/* Control thread: state changes and finished files to the owner (event timer). */
void conference_recording_poll(struct conference *c);
/* Control thread, the media thread stopped: finishes every file (blocks on disk). */
void conference_recording_end(struct conference *c);

#endif
