/* options.h - mcu-room's command line: what to join, what to send, what to do with
 * what comes back. options_parse() validates everything up front so that the rest of
 * the program never sees a bad value; options_usage() is the --help text (a manual
 * page in brief; docs/room-client.md is the long form). */
#ifndef HOINGHI_ROOM_OPTIONS_H
#define HOINGHI_ROOM_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#define ROOM_MAX_ICE_ADDRESSES 8
#define ROOM_MAX_COUNT         64

/* Process exit codes (also each participant's outcome). */
enum room_exit {
    ROOM_EXIT_OK = 0,
    ROOM_EXIT_LOCAL = 1,   /* local trouble: a GStreamer element missing, a file unreadable */
    ROOM_EXIT_USAGE = 2,   /* bad arguments */
    ROOM_EXIT_JOIN = 3,    /* could not join: no server, or the server refused */
    ROOM_EXIT_MEDIA = 4,   /* joined, but ICE/DTLS did not complete or media failed */
    ROOM_EXIT_REMOVED = 5, /* an operator removed this room (kick) */
};

enum room_video_source { ROOM_VIDEO_TEST, ROOM_VIDEO_V4L2, ROOM_VIDEO_FILE, ROOM_VIDEO_NONE };
enum room_audio_source {
    ROOM_AUDIO_TEST,
    ROOM_AUDIO_PULSE,
    ROOM_AUDIO_ALSA,
    ROOM_AUDIO_FILE,
    ROOM_AUDIO_NONE
};
enum room_codec { ROOM_CODEC_VP8, ROOM_CODEC_H264 };

/* Strings point into argv (never freed). */
struct room_options {
    const char *server; /* ws://HOST:PORT/PATH or wss://... */
    const char *cacert; /* CA file for wss://, or NULL: the system's */
    const char *conference;
    const char *name;  /* display name; suffixed " 1".." N" with --count */
    const char *pin;   /* NULL: none */
    const char *token; /* NULL: none */

    enum room_video_source video;
    const char
        *video_arg; /* test: pattern or "timecode"; v4l2: device (NULL = default); file: path */
    enum room_audio_source audio;
    const char *audio_arg; /* test: "click" or NULL (a tone); pulse/alsa: device (NULL = default);
                              file: path */
    int tone_hz;           /* test audio: sine frequency */
    const char *replay[4]; /* WebM/MKV renditions of one clip to send as stored */
    int replay_count;      /* 0: no --replay */
    enum room_codec codec;
    int width, height, fps;
    int bitrate_kbps; /* video encoder target */

    bool show;          /* a window and the loudspeaker */
    const char *record; /* Matroska file for what we receive, or NULL */
    bool no_decode;     /* count received frames only (load tests) */
    bool read_timecode; /* read the time code in decoded video: glass-to-glass delays */
    bool read_clicks;   /* find the clicks in decoded audio: glass-to-glass delays */

    int duration_s; /* 0: until SIGINT */
    bool stats;
    int stats_interval_s;
    int connect_timeout_s; /* join + ICE/DTLS must finish within this */
    int count;             /* participants in this process */
    const char *ice_addresses[ROOM_MAX_ICE_ADDRESSES];
    int ice_address_count;
    bool verbose;

    /* presenting (docs/room-client.md): a second connection sends this as the room's
     * content; ROOM_VIDEO_NONE: no share */
    enum room_video_source share;
    const char *share_arg; /* test: pattern; file: path */
    int share_after_s;     /* after media connected (0: at once) */
    /* set only in the content connection's own copy of the options: no audio, no
     * receiving, a send-only video section */
    bool content;
};

/* What a share is sent at before the MCU's send limits scale it to its cell: a large
 * picture at a low rate, as text needs (docs/benchmarks.md). */
#define ROOM_SHARE_WIDTH        1920
#define ROOM_SHARE_HEIGHT       1080
#define ROOM_SHARE_FPS          10
#define ROOM_SHARE_BITRATE_KBPS 2500

/* Fills *opt from argv. Returns -1 when the program should run, else the exit status
 * to leave with right away (0 after --help, ROOM_EXIT_USAGE after a message on stderr). */
int options_parse(int argc, char **argv, struct room_options *opt);

/* The --help text. */
void options_usage(FILE *out);

/* The codec's name as SDP and people write it: "VP8" or "H264". */
const char *options_codec_name(enum room_codec codec);

#endif
