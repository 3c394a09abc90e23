/* conference.h - a mixing conference (continuous presence): every member's audio and
 * video go into one mix engine (mixer/engine/mix_engine.h), which composes one picture and
 * mixes the audio on the conference's own media thread; every member gets the
 * composite video of its output profile and the audio mix without itself.
 *
 * Encode once, send many: one encode per output profile (codec, size, bitrate),
 * fanned out to its receivers; per-receiver work is packet work only (SSRC, sequence
 * number and payload type rewrite, send history for NACK, SRTP, send). Profiles:
 * for each allowed codec a high one (canvas size, 1.5 Mbit/s) and a low one (half
 * size, 500 kbit/s); a profile is encoded only while somebody receives it. Each
 * receiver sits on the profile its bandwidth allows (REMB, loss from its RRs), moving
 * down under congestion and back up when it clears, switching on a keyframe.
 *
 * Threads: the conference_* calls are for the control thread (the GLib main loop);
 * the media thread ticks the engine (audio every 20 ms, video at the canvas rate) and
 * sends. Packets reach it through a queue; members are guarded by one lock. Events
 * for the control thread (active speaker) are delivered from a GLib timer on the main
 * context. */
#ifndef HOINGHI_MCU_CONFERENCE_H
#define HOINGHI_MCU_CONFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/conference/send_limits.h"
#include "mcu/core/config.h"
#include "mcu/transport/media_session.h"
#include "mcu/recording/recorder.h"
#include "mixer/media/media.h"

#define CONFERENCE_KEYFRAME_INTERVAL_US 500000 /* at most one per profile per 500 ms */

struct conference;
struct conference_member;

struct conference_events {
    /* The active speaker changed (NULL: nobody speaks). */
    void (*active_speaker)(void *owner, struct conference *conference,
                           struct conference_member *speaker);
    /* The recording's state changed (started, paused, failed with a reason, stopped). */
    void (*recording_state)(void *owner, struct conference *conference, enum recorder_state state,
                            const char *reason);
    /* A recording file is finished (complete or failed): what the index stores. */
    void (*recording_file)(void *owner, struct conference *conference,
                           const struct recorder_result *file);
    /* Host-required conferences: media was held (waiting: no host) or released. */
    void (*host_state)(void *owner, struct conference *conference, bool waiting);
    /* What a member's camera should send changed (send_limits.h): size of its cell,
     * frame rate, bitrate; active false when it is not drawn. docs/sender-control.md */
    void (*send_limits)(void *owner, struct conference *conference,
                        struct conference_member *member, const struct send_limits *limits);
};

/* What a member's SDP negotiation agreed. Payload types are the member's own. */
struct conference_media_config {
    struct media_session *media;  /* borrowed; detach before freeing it */
    enum media_codec audio_codec; /* MEDIA_CODEC_OPUS, or NONE */
    uint8_t audio_pt;
    uint8_t audio_level_ext_id;   /* RFC 6464, 0 if none */
    enum media_codec video_codec; /* VP8, H264 or NONE */
    uint8_t video_pt;
    uint8_t video_rtx_pt; /* RFC 4588 rtx for video_pt (unwrapped on arrival), 0 if none */
    uint32_t audio_out_ssrc, video_out_ssrc; /* announced in our answer */
    uint32_t audio_in_ssrc, video_in_ssrc;   /* from the offer, 0 if unknown */
    bool video_nack;                         /* answer NACKs from the send history */
    const char *cname;
    /* transport-wide-cc header extension id (one number space over audio and video),
     * 0 if none; with it the member's sender gets transport-cc feedback. */
    uint8_t transport_cc_ext_id;
};

/* Starts the conference and its media thread. NULL with a reason in err. */
struct conference *conference_new(const struct mcu_conference_config *config,
                                  const struct conference_events *events, void *owner, char *err,
                                  size_t errlen);
/* Stops the media thread and frees everything; members must have been removed. */
void conference_free(struct conference *c);

const struct mcu_conference_config *conference_config(const struct conference *c);

/* A participant joined: it gets a slot (its mix engine input, kept while it is in).
 * The rooms in the mix fill the layout's cells in join order (cell_order.h): when one
 * leaves, the rooms after it move up a cell, so the empty cells are only at the end.
 * NULL when the conference is full. `user` is returned by conference_member_user(). */
struct conference_member *conference_add_member(struct conference *c, const char *participant_id,
                                                const char *name, void *user);
/* The member leaves: the rooms after it move up a cell, it leaves the audio mix. */
void conference_remove_member(struct conference *c, struct conference_member *m);

/* The member's media session is up (negotiated); its packets may flow. */
int conference_attach_media(struct conference *c, struct conference_member *m,
                            const struct conference_media_config *media);
/* Stops sending to the media session (before it is freed). */
void conference_detach_media(struct conference *c, struct conference_member *m);

/* Decrypted packets from the member (control thread). */
void conference_member_rtp(struct conference *c, struct conference_member *m, const uint8_t *packet,
                           size_t length, int64_t arrival_us);
void conference_member_rtcp(struct conference *c, struct conference_member *m,
                            const uint8_t *packet, size_t length, int64_t now_us);

/* Mute state as the member (or an operator) set it. */
void conference_member_set_mute(struct conference *c, struct conference_member *m, bool audio_muted,
                                bool video_muted);
bool conference_member_audio_muted(const struct conference_member *m);

/* Which output profile a member receives: chosen by its bandwidth (AUTO, the default),
 * or pinned by the room itself to the high or low one (a room on a weak link). */
enum conference_video_quality {
    CONFERENCE_QUALITY_AUTO,
    CONFERENCE_QUALITY_HIGH,
    CONFERENCE_QUALITY_LOW
};
void conference_member_set_video_quality(struct conference *c, struct conference_member *m,
                                         enum conference_video_quality quality);
bool conference_member_video_muted(const struct conference_member *m);

void *conference_member_user(const struct conference_member *m);
const char *conference_member_id(const struct conference_member *m);
const char *conference_member_name(const struct conference_member *m);

/* Changes the layout from the next canvas frame on; receivers get a keyframe. */
int conference_set_layout(struct conference *c, const char *layout, char *err, size_t errlen);
const char *conference_layout(const struct conference *c);

/* Shows member m in the big cell of layouts that have one (1+5, 1+7, speaker,
 * speaker+N) instead of the active speaker; NULL gives the cell back to the active
 * speaker. */
void conference_set_focus(struct conference *c, struct conference_member *m);

/* "Host must be present" (conference_host.c; config.host_required): the conference
 * starts with its media held: members are in and their media flows into the mix, but
 * nothing is sent to them. A member marked as host releases it (receivers get a
 * keyframe); when the last host leaves, media goes on for config.host_grace_seconds
 * (0: stops at once) and is held again until a host is back. Each change goes to
 * events.host_state. Without host_required these do nothing but count hosts. */
void conference_member_set_host(struct conference *c, struct conference_member *m);
bool conference_member_is_host(const struct conference_member *m);
bool conference_waiting_for_host(const struct conference *c);

/* Presenting (conference_share.c; docs/protocol.md "Presenting"). A content member
 * carries a room's presentation: marked before its media attaches, it receives
 * nothing. When its media is up, conference_share_start() makes it the presentation:
 * its picture takes the big cell and the conference switches to the "presentation"
 * layout (the layout from before comes back when the share ends, unless the operator
 * set one meanwhile). Returns the previous presentation's member (still a member: the
 * caller ends it) or NULL. The share ends when the content member is removed. */
void conference_member_set_content(struct conference_member *m, const char *owner_id);
bool conference_member_is_content(const struct conference_member *m);
/* The room's participant id (NULL: not a content member). */
const char *conference_member_content_owner(const struct conference_member *m);
struct conference_member *conference_share_start(struct conference *c,
                                                 struct conference_member *content);
/* The presentation now, NULL when nobody presents. */
struct conference_member *conference_share_content(const struct conference *c);

size_t conference_member_count(const struct conference *c);
/* Calls fn for each member in slot order (control thread). */
void conference_foreach_member(struct conference *c,
                               void (*fn)(struct conference_member *m, void *data), void *data);

struct conference_member_stats {
    int profile;              /* index of the video profile received, -1 none */
    const char *profile_name; /* e.g. "vp8-1280x720" */
    uint64_t rtp_in, rtp_out;
    uint32_t audio_lost, video_lost;
    uint64_t remb_bps;                         /* last REMB from the member, 0 if none */
    uint8_t fraction_lost;                     /* last RR from the member about our video */
    enum media_codec audio_codec, video_codec; /* what the member sends and gets */
    int width, height;                         /* of the profile it receives, 0 if none */
    uint64_t bytes_in;                         /* RTP payload bytes received from it */
    uint64_t bytes_out; /* RTP payload bytes sent to it (wraps at 4 GiB per stream) */
    double audio_jitter_ms, video_jitter_ms; /* interarrival jitter of its streams */
    int rtt_ms;                              /* from its RRs about our video, -1 unknown */
    uint64_t keyframe_requests;              /* PLIs sent to its camera */
    uint64_t transport_cc_feedback;          /* transport-cc packets sent to its sender */
    uint64_t rtx_in;                         /* RFC 4588 retransmissions received and unwrapped */
    uint64_t rtx_padding_in;  /* RTX packets with padding only (its sender's probes) */
    uint64_t bitrate_in_bps;  /* audio + video payload received from it, last second */
    uint64_t bitrate_out_bps; /* audio + video payload sent to it, last second */
};
void conference_member_get_stats(struct conference *c, const struct conference_member *m,
                                 struct conference_member_stats *out);

/* The conference's media figures since it started. Latency is the MCU-added delay:
 * from the arrival of a video frame's last packet to the first packet of the first
 * composite frame that contains it going out. */
struct conference_stats {
    uint64_t video_ticks;         /* canvas frames composed */
    uint64_t video_ticks_skipped; /* canvas frames not made because the media thread
                                       fell behind (frames dropped) */
    uint64_t audio_ticks;
    uint64_t input_frames_dropped; /* input video frames not shown (loss, decode errors,
                                       waiting for a keyframe) */
    uint64_t latency_samples;
    double latency_median_ms, latency_p99_ms, latency_mean_ms;
    /* Where the latency goes, means: an input frame waits in the jitter buffer, then
     * for the tick, then the tick decodes, composes, encodes and packetizes
     * (video_tick_ms); the sum is close to latency_mean_ms. docs/benchmarks.md. */
    double jitter_wait_ms;           /* per input frame: last packet in -> its playout time */
    double tick_wait_ms;             /* per input frame: playout time -> the tick that took it */
    double video_tick_ms;            /* per tick: its start -> the composite's first packet out */
    double video_decode_ms;          /* ... of which decoding the inputs */
    double video_compose_ms;         /* ... scaling the new pictures and composing the canvas */
    double video_encode_ms;          /* ... encoding the output profiles */
    uint64_t packets_queued_dropped; /* inbound queue full */
};
void conference_get_stats(struct conference *c, struct conference_stats *out);

/* Recording (conference_recording.c): the composite of one output profile (VP8 high
 * when the conference allows VP8, else H.264 high; kept encoded while recording) and
 * the full audio mix, handed by the media thread to a recorder (mcu/recording/recorder.h) that
 * writes on its own thread. Control thread. Start fails (-1, reason in err) when a
 * recording is under way or the recorder cannot start; stop, pause and resume return
 * -1 when there is nothing to stop, pause or resume. A recorder that fails (disk full)
 * is reported through events.recording_state and logged; the meeting goes on. */
struct conference_recording_options {
    const char *archive_dir;
    int64_t segment_us; /* 0: one file */
};
int conference_start_recording(struct conference *c,
                               const struct conference_recording_options *opts, char *err,
                               size_t errlen);
int conference_stop_recording(struct conference *c);
int conference_pause_recording(struct conference *c);
int conference_resume_recording(struct conference *c);
/* The recording's state; false when there is none (reason: why the last one failed,
 * if it did). */
bool conference_recording_state(struct conference *c, enum recorder_state *state, char *reason,
                                size_t reasonlen);
/* The recording under way for the operators' figures: false when there is none (state
 * then RECORDER_FAILED when the last one was ended by an error, else STOPPED). */
struct conference_recording_progress {
    enum recorder_state state;
    uint64_t bytes_written; /* handed to the kernel so far, all its files */
    int64_t started_us;     /* when it was started (wall clock, Unix microseconds) */
};
bool conference_recording_progress(struct conference *c, struct conference_recording_progress *out);

#endif
