/* peer.h - the webrtcbin test peer (build/tests/webrtc_peer; docs/testing-webrtcbin.md):
 * what its files share. It joins a conference over the signalling WebSocket, offers
 * one video stream (H.264 or VP8) and one Opus stream made from test sources, decodes
 * what the server sends back and exits 0 once it decoded enough video frames and some
 * audio within a time limit. It is a second WebRTC stack nobody here wrote, so the
 * integration tests see mcud interoperate with something other than itself.
 *
 * The protocol messages are signaling/client's, the WebSocket and the webrtcbin glue
 * are client/room's (signalling.c, webrtc_call.c: the same as mcu-room's); this
 * folder adds the test: options.c (command line), call.c (join, offer, candidates,
 * answer), offer_sdp.c (the offer's H.264 fmtp, the answer's video codec), media.c
 * (the fixed pipeline, decoding and counting), outcome.c (deadline, states, summary),
 * main.c.
 *
 * Threads: the GLib main loop owns the WebSocket and all peer state. Pad probes and
 * decodebin callbacks run on GStreamer threads: they touch only the atomic counters
 * and the media lock, and hand work to the main loop with g_idle_add(). */
#ifndef HOINGHI_TEST_WEBRTC_PEER_H
#define HOINGHI_TEST_WEBRTC_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client/room/signalling.h"
#include "client/room/webrtc_call.h"

#define PEER_MAX_ICE_ADDRESSES 8

enum peer_exit {
    PEER_OK = 0,
    PEER_NO_MEDIA = 1, /* connected, but not enough media decoded in time */
    PEER_USAGE = 2,
    PEER_JOIN_REFUSED = 3, /* the server answered the join with an error */
    PEER_SIGNALLING = 4,   /* cannot connect, offer refused, socket closed, ... */
    PEER_SETUP = 5,        /* a GStreamer element is missing or the pipeline failed */
};

struct peer_options {
    const char *server; /* ws://HOST:PORT/PATH */
    const char *conference;
    const char *name;
    const char *pin;          /* NULL: none sent */
    const char *codec;        /* "h264" or "vp8" */
    const char *h264_profile; /* "constrained-baseline" (default), "main" or "high" */
    const char *pattern;      /* videotestsrc pattern, default "ball" */
    int duration_s;
    int min_frames;
    const char *ice_addresses[PEER_MAX_ICE_ADDRESSES];
    int ice_address_count;
    bool print_offer; /* print the SDP offer and exit, no server */
    bool offer_as_is; /* send webrtcbin's H.264 fmtp unchanged */
    bool show_sdp;    /* log the offer and the answer on stderr */
    bool stay;        /* goal reached: stay until --duration or SIGTERM */
};

struct peer {
    struct peer_options opt;
    GMainLoop *loop;
    GstElement *pipeline;
    GstElement *webrtc; /* owned by pipeline */
    struct webrtc_call *call;

    /* signalling: main loop only */
    struct signalling_hub *hub;
    struct signalling *sig;
    int64_t join_id, offer_id;
    bool greeted, joined;
    bool negotiation_needed, offer_started, offer_sent, answered, answer_applied;
    GQueue early_candidates; /* struct peer_candidate: made before the offer went out */
    int candidates_sent;
    bool gathering_done;
    char *participant;
    int last_ice_state; /* for logging changes; -1 at first */

    /* negotiation results (main loop) */
    char *answer_video;                              /* e.g. "H264/90000 pt=102 fmtp=..." */
    char *answer_video_codec;                        /* e.g. "H264" */
    char *ice_state, *dtls_state, *connection_state; /* read when finishing */

    /* media: written by streaming threads */
    gint video_frames;  /* atomic */
    gint audio_buffers; /* atomic */
    gint goal_reported; /* atomic flag: idle check queued once */
    GMutex media_lock;  /* guards the fields below */
    int width, height;
    char *video_format;         /* decoded caps format, e.g. "I420" */
    char *received_video_codec; /* encoding-name on webrtcbin's video src pad */
    char *video_decoder;        /* factory that decodebin picked, e.g. "avdec_h264" */

    /* outcome */
    guint deadline_timer; /* --duration */
    bool finished;
    int exit_code;
    char *failure; /* why it failed, NULL on success */
};

/* "webrtc_peer: " + the message + newline on stderr. */
void peer_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Ends the run (first call wins). Takes ownership of failure (NULL = success). */
void peer_finish(struct peer *p, int exit_code, char *failure);

/* options.c: -1 when the options are good, else the exit status to leave with. */
int peer_parse_options(int argc, char **argv, struct peer_options *opt);

/* call.c: the webrtcbin glue on p->webrtc (false: cannot use --ice-address), the
 * signalling connection (false: bad URL or no libwebsockets context), and freeing
 * what they hold. */
bool peer_call_start(struct peer *p);
bool peer_signalling_start(struct peer *p);
void peer_call_free(struct peer *p);

/* offer_sdp.c: the H.264 fmtp the offer says for --h264-profile (packetization-mode=1
 * and profile-level-id 42e01f, 4d001f or 64001f: level 3.1). */
const char *peer_h264_fmtp(const struct peer_options *opt);
int offer_fix_h264_fmtp(GstSDPMessage *sdp, const char *fmtp);
char *sdp_video_codec(const GstSDPMessage *sdp, char **codec);

/* media.c: builds and starts the pipeline (false on failure, after a message). */
bool peer_pipeline_create(struct peer *p);

/* outcome.c: the --duration timer's callback, and SIGTERM / SIGINT's (the same
 * judgement, earlier). */
gboolean peer_on_deadline(gpointer data);
gboolean peer_on_stop_signal(gpointer data);
gboolean peer_on_goal_check(gpointer data);
void peer_read_transport_states(struct peer *p);
char *peer_media_shortfall(struct peer *p);
void peer_print_summary(struct peer *p);

#endif
