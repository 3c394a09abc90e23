/* options.c - mcu-room's command line: parsing, validation and --help; see options.h. */
#include "client/room/options.h"

#include <getopt.h>
#include <glib.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_WIDTH             640
#define DEFAULT_HEIGHT            360
#define DEFAULT_FPS               30
#define DEFAULT_BITRATE_KBPS      800
#define DEFAULT_TONE_HZ           440
#define DEFAULT_PATTERN           "smpte"
#define DEFAULT_STATS_INTERVAL_S  5
#define DEFAULT_CONNECT_TIMEOUT_S 20

/* videotestsrc pattern nicks (GStreamer 1.22). */
static const char *const test_patterns[] = {
    "smpte",
    "snow",
    "black",
    "white",
    "red",
    "green",
    "blue",
    "checkers-1",
    "checkers-2",
    "checkers-4",
    "checkers-8",
    "circular",
    "blink",
    "smpte75",
    "zone-plate",
    "gamut",
    "chroma-zone-plate",
    "solid-color",
    "ball",
    "smpte100",
    "bar",
    "pinwheel",
    "spokes",
    "gradient",
    "colors",
    NULL,
};

void options_usage(FILE *out)
{
    fprintf(
        out,
        "NAME\n"
        "    mcu-room - hoinghi's native meeting-room client (GStreamer webrtcbin)\n"
        "\n"
        "SYNOPSIS\n"
        "    mcu-room --server ws[s]://HOST:PORT/ws --conference ID --name NAME\n"
        "             [--pin PIN | --token TOKEN] [--cacert FILE] [SOURCE OPTIONS] [SINK OPTIONS]\n"
        "             [--duration SECONDS] [--stats] [--count N] [--ice-address ADDR]...\n"
        "    mcu-room --help\n"
        "\n"
        "    Joins a conference on an mcud server, sends one video and one audio stream\n"
        "    and receives the conference's picture and sound.\n"
        "\n"
        "JOINING\n"
        "    --server URL        signalling WebSocket, e.g. ws://127.0.0.1:8088/ws, or\n"
        "                        wss://HOST:PORT/ws for an mcud with TLS\n"
        "    --cacert FILE       CA certificate(s) that signed a wss:// server's certificate\n"
        "                        (default: the system's CAs)\n"
        "    --conference ID     conference id\n"
        "    --name NAME         display name (UTF-8, 1..60 characters)\n"
        "    --pin PIN           the conference PIN, if it has one\n"
        "    --token TOKEN       an invitation token or the host token instead of a PIN\n"
        "    --ice-address ADDR  a local address for ICE (repeatable); libnice gathers no\n"
        "                        loopback address by itself, so on one machine pass\n"
        "                        --ice-address 127.0.0.1\n"
        "    --connect-timeout S join and ICE/DTLS must finish within S seconds (default %d)\n"
        "\n"
        "SOURCES (what the room sends)\n"
        "    --video test[:PATTERN]   videotestsrc pattern (default test:%s; e.g. ball, red,\n"
        "                             green, blue, white, snow, gradient)\n"
        "    --video test:timecode    a moving ball with the time (monotonic clock) drawn\n"
        "                             into every frame as bars (glass-to-glass latency)\n"
        "    --video v4l2[:DEVICE]    a camera (default /dev/video0)\n"
        "    --video file:PATH        a media file, decoded, re-encoded and looped (a .png\n"
        "                             or .jpg picture is shown frozen)\n"
        "    --video none             send no video (still receive it)\n"
        "    --audio test[:HZ]        a sine tone (default test:%d)\n"
        "    --audio test:click       a click (a 10 ms beep) at every whole second of the\n"
        "                             monotonic clock, silence between (glass-to-glass\n"
        "                             latency)\n"
        "    --audio pulse[:DEVICE]   PulseAudio/PipeWire microphone\n"
        "    --audio alsa[:DEVICE]    ALSA microphone (e.g. alsa:hw:1)\n"
        "    --audio file:PATH        the sound of a media file, decoded, re-encoded, looped\n"
        "    --audio none             send no audio (still receive it)\n"
        "    --replay PATH            send the VP8 or H.264 video and Opus audio of a\n"
        "                             WebM/MKV file as they are (no decoding, no encoding),\n"
        "                             looped and paced in real time; replaces --video and\n"
        "                             --audio; cheap senders for load tests. Given\n"
        "                             up to 4 times: renditions of one clip (same codec,\n"
        "                             keyframes at the same times), the one that fits the\n"
        "                             MCU's send limits is sent, switched at a keyframe\n"
        "    --codec vp8|h264         video codec to encode (default vp8)\n"
        "    --size WxH               picture size sent (default %dx%d)\n"
        "    --fps N                  frame rate sent (default %d)\n"
        "    --bitrate KBPS           video bitrate in kbit/s (default %d)\n"
        "\n"
        "PRESENTING (a second connection carries the room's content)\n"
        "    --share test[:PATTERN]   present a videotestsrc pattern\n"
        "    --share file:PATH        present a media file (a video, looped, or a .png or\n"
        "                             .jpg page, shown frozen)\n"
        "    --share-after SECONDS    start presenting this long after media connected\n"
        "                             (default 0: at once); the share is sent at up to\n"
        "                             1920x1080, 10 fps, scaled to what the MCU asks for\n"
        "\n"
        "SINKS (what the room does with what it receives)\n"
        "    (default)           decode and discard: headless\n"
        "    --show              show the picture in a window, play the sound\n"
        "    --record FILE       write the received video and audio into a Matroska file\n"
        "                        as they arrive (no re-encoding); with --count N the files\n"
        "                        are FILE with -1..-N before the extension\n"
        "    --no-decode         do not decode what arrives, only count it (load tests)\n"
        "    --read-timecode     find the time code of a test:timecode sender on this\n"
        "                        machine in the decoded video, report the delays (count,\n"
        "                        mean, p50, p99) in --stats lines and the summary\n"
        "    --read-clicks       find the clicks of a test:click sender on this machine\n"
        "                        in the decoded audio, report their delays likewise\n"
        "\n"
        "RUNNING\n"
        "    --duration SECONDS  leave after this long in the call, counted from the moment\n"
        "                        media connected (default: stay until Ctrl-C)\n"
        "    --stats             print a status line every few seconds (bitrate in/out,\n"
        "                        packets lost, frames received/decoded, round-trip time)\n"
        "    --stats-interval S  seconds between status lines (default %d)\n"
        "    --count N           run N participants from this process, named NAME 1..NAME N\n"
        "                        (1..%d; load tests)\n"
        "    --verbose           log signalling and ICE details on stderr\n"
        "    --help              this text\n"
        "\n"
        "OUTPUT\n"
        "    Progress and events (who joined, who left) go to stderr. On exit each\n"
        "    participant prints one summary line on stdout:\n"
        "      mcu-room: summary name=... result=ok|fail participant=ID seconds=N\n"
        "        video_frames_received=N video_frames_decoded=N audio_frames_decoded=N\n"
        "        kbps_in=N kbps_out=N packets_lost=N rtt_ms=N.N\n"
        "    SIGINT or SIGTERM leaves the conference cleanly and closes the recording.\n"
        "\n"
        "EXIT STATUS\n"
        "    0  ok\n"
        "    1  local failure (a GStreamer element is missing, a file cannot be read)\n"
        "    2  bad arguments\n"
        "    3  could not join (no server, or the server's error, e.g. wrong_pin)\n"
        "    4  media failed (ICE/DTLS did not complete, or the server ended the media;\n"
        "       the reason is printed)\n"
        "    5  an operator removed this room from the conference\n"
        "    The end of the conference (its scheduled end, or an operator ending it) is\n"
        "    not a failure: 0, with the line 'the conference ended (REASON); leaving'.\n"
        "    When the server goes away during the call (mcud restarted) it joins again\n"
        "    after 1, 2, 4, 8, 16 and 30 s (not with --record); exit 4 after that.\n"
        "    With --count N the status is the first failing participant's.\n",
        DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_PATTERN, DEFAULT_TONE_HZ, DEFAULT_WIDTH, DEFAULT_HEIGHT,
        DEFAULT_FPS, DEFAULT_BITRATE_KBPS, DEFAULT_STATS_INTERVAL_S, ROOM_MAX_COUNT);
}

const char *options_codec_name(enum room_codec codec)
{
    return codec == ROOM_CODEC_H264 ? "H264" : "VP8";
}

static int bad(const char *fmt, const char *value)
{
    fputs("mcu-room: ", stderr);
    fprintf(stderr, fmt, value);
    fputs(" (see mcu-room --help)\n", stderr);
    return ROOM_EXIT_USAGE;
}

static bool parse_int(const char *text, int min, int max, int *out)
{
    char *end;
    long v;

    if (!text || *text == '\0') return false;
    v = strtol(text, &end, 10);
    if (*end != '\0' || v < min || v > max) return false;
    *out = (int)v;
    return true;
}

/* "KIND" or "KIND:ARG": true when text starts with kind; *arg is what follows ':' or NULL. */
static bool has_kind(const char *text, const char *kind, const char **arg)
{
    size_t n = strlen(kind);
    if (strncmp(text, kind, n) != 0 || (text[n] != '\0' && text[n] != ':')) return false;
    *arg = text[n] == ':' ? text + n + 1 : NULL;
    return true;
}

static bool known_pattern(const char *name)
{
    if (strcmp(name, "timecode") == 0) return true; /* the moving ball with the time code */
    for (const char *const *p = test_patterns; *p; p++)
        if (strcmp(*p, name) == 0) return true;
    return false;
}

static int parse_video(const char *text, struct room_options *opt)
{
    const char *arg;

    if (has_kind(text, "test", &arg)) {
        opt->video = ROOM_VIDEO_TEST;
        opt->video_arg = arg ? arg : DEFAULT_PATTERN;
        if (!known_pattern(opt->video_arg))
            return bad(
                "--video test:PATTERN: '%s' is not a videotestsrc pattern (smpte, ball, red, ...)",
                opt->video_arg);
    } else if (has_kind(text, "v4l2", &arg)) {
        opt->video = ROOM_VIDEO_V4L2;
        opt->video_arg = arg && *arg ? arg : NULL;
    } else if (has_kind(text, "file", &arg) && arg && *arg) {
        opt->video = ROOM_VIDEO_FILE;
        opt->video_arg = arg;
    } else if (strcmp(text, "none") == 0) {
        opt->video = ROOM_VIDEO_NONE;
    } else {
        return bad("--video is test[:PATTERN], v4l2[:DEVICE], file:PATH or none, not '%s'", text);
    }
    return -1;
}

/* --share: the forms of --video that make sense for a presentation. */
static int parse_share(const char *text, struct room_options *opt)
{
    const char *arg;

    if (has_kind(text, "test", &arg)) {
        opt->share = ROOM_VIDEO_TEST;
        opt->share_arg = arg ? arg : DEFAULT_PATTERN;
        if (!known_pattern(opt->share_arg))
            return bad(
                "--share test:PATTERN: '%s' is not a videotestsrc pattern (smpte, ball, red, ...)",
                opt->share_arg);
    } else if (has_kind(text, "file", &arg) && arg && *arg) {
        opt->share = ROOM_VIDEO_FILE;
        opt->share_arg = arg;
    } else {
        return bad("--share is test[:PATTERN] or file:PATH, not '%s'", text);
    }
    return -1;
}

static int parse_audio(const char *text, struct room_options *opt)
{
    const char *arg;

    if (has_kind(text, "test", &arg)) {
        opt->audio = ROOM_AUDIO_TEST;
        opt->audio_arg = NULL;
        if (arg && strcmp(arg, "click") == 0)
            opt->audio_arg = "click"; /* the clicks at whole seconds */
        else if (arg && !parse_int(arg, 20, 20000, &opt->tone_hz))
            return bad("--audio test:HZ wants a frequency of 20..20000 Hz or 'click', not '%s'",
                       arg);
    } else if (has_kind(text, "pulse", &arg)) {
        opt->audio = ROOM_AUDIO_PULSE;
        opt->audio_arg = arg && *arg ? arg : NULL;
    } else if (has_kind(text, "alsa", &arg)) {
        opt->audio = ROOM_AUDIO_ALSA;
        opt->audio_arg = arg && *arg ? arg : NULL;
    } else if (has_kind(text, "file", &arg) && arg && *arg) {
        opt->audio = ROOM_AUDIO_FILE;
        opt->audio_arg = arg;
    } else if (strcmp(text, "none") == 0) {
        opt->audio = ROOM_AUDIO_NONE;
    } else {
        return bad(
            "--audio is test[:HZ|:click], pulse[:DEVICE], alsa[:DEVICE], file:PATH or none, not '%s'",
            text);
    }
    return -1;
}

static int parse_size(const char *text, struct room_options *opt)
{
    char *end;
    long w = strtol(text, &end, 10), h;

    if (end == text || (*end != 'x' && *end != 'X'))
        return bad("--size wants WIDTHxHEIGHT, e.g. 1280x720, not '%s'", text);
    text = end + 1;
    h = strtol(text, &end, 10);
    if (end == text || *end != '\0' || w < 16 || h < 16 || w > 3840 || h > 2160 || w % 2 || h % 2)
        return bad("--size wants even WIDTHxHEIGHT between 16x16 and 3840x2160, not '%s'", text);
    opt->width = (int)w;
    opt->height = (int)h;
    return -1;
}

enum long_only {
    OPT_SERVER = 256,
    OPT_CONFERENCE,
    OPT_NAME,
    OPT_PIN,
    OPT_TOKEN,
    OPT_CACERT,
    OPT_VIDEO,
    OPT_AUDIO,
    OPT_REPLAY,
    OPT_CODEC,
    OPT_SIZE,
    OPT_FPS,
    OPT_BITRATE,
    OPT_SHOW,
    OPT_RECORD,
    OPT_NO_DECODE,
    OPT_READ_TIMECODE,
    OPT_READ_CLICKS,
    OPT_DURATION,
    OPT_STATS,
    OPT_STATS_INTERVAL,
    OPT_CONNECT_TIMEOUT,
    OPT_COUNT,
    OPT_ICE_ADDRESS,
    OPT_VERBOSE,
    OPT_SHARE,
    OPT_SHARE_AFTER,
    OPT_HELP,
};

static const struct option long_options[] = {
    {"server", required_argument, NULL, OPT_SERVER},
    {"conference", required_argument, NULL, OPT_CONFERENCE},
    {"name", required_argument, NULL, OPT_NAME},
    {"pin", required_argument, NULL, OPT_PIN},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"video", required_argument, NULL, OPT_VIDEO},
    {"audio", required_argument, NULL, OPT_AUDIO},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"codec", required_argument, NULL, OPT_CODEC},
    {"size", required_argument, NULL, OPT_SIZE},
    {"fps", required_argument, NULL, OPT_FPS},
    {"bitrate", required_argument, NULL, OPT_BITRATE},
    {"show", no_argument, NULL, OPT_SHOW},
    {"record", required_argument, NULL, OPT_RECORD},
    {"no-decode", no_argument, NULL, OPT_NO_DECODE},
    {"read-timecode", no_argument, NULL, OPT_READ_TIMECODE},
    {"read-clicks", no_argument, NULL, OPT_READ_CLICKS},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"stats", no_argument, NULL, OPT_STATS},
    {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"count", required_argument, NULL, OPT_COUNT},
    {"ice-address", required_argument, NULL, OPT_ICE_ADDRESS},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"share", required_argument, NULL, OPT_SHARE},
    {"share-after", required_argument, NULL, OPT_SHARE_AFTER},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* One option; returns -1 to go on, else the exit status. */
static int apply_option(int c, const char *arg, struct room_options *opt, bool *media_given)
{
    switch (c) {
    case OPT_SERVER: opt->server = arg; return -1;
    case OPT_CONFERENCE: opt->conference = arg; return -1;
    case OPT_NAME: opt->name = arg; return -1;
    case OPT_PIN: opt->pin = arg; return -1;
    case OPT_TOKEN: opt->token = arg; return -1;
    case OPT_CACERT: opt->cacert = arg; return -1;
    case OPT_VIDEO: *media_given = true; return parse_video(arg, opt);
    case OPT_AUDIO: *media_given = true; return parse_audio(arg, opt);
    case OPT_REPLAY:
        if (opt->replay_count == (int)G_N_ELEMENTS(opt->replay))
            return bad("--replay is given at most 4 times (renditions of one clip): '%s' is one "
                       "too many",
                       arg);
        opt->replay[opt->replay_count++] = arg;
        return -1;
    case OPT_CODEC:
        if (strcmp(arg, "vp8") == 0)
            opt->codec = ROOM_CODEC_VP8;
        else if (strcmp(arg, "h264") == 0)
            opt->codec = ROOM_CODEC_H264;
        else
            return bad("--codec is vp8 or h264, not '%s'", arg);
        return -1;
    case OPT_SIZE: return parse_size(arg, opt);
    case OPT_FPS:
        return parse_int(arg, 1, 60, &opt->fps) ? -1 : bad("--fps wants 1..60, not '%s'", arg);
    case OPT_BITRATE:
        return parse_int(arg, 50, 20000, &opt->bitrate_kbps)
                   ? -1
                   : bad("--bitrate wants 50..20000 kbit/s, not '%s'", arg);
    case OPT_SHOW: opt->show = true; return -1;
    case OPT_RECORD: opt->record = arg; return -1;
    case OPT_NO_DECODE: opt->no_decode = true; return -1;
    case OPT_READ_TIMECODE: opt->read_timecode = true; return -1;
    case OPT_READ_CLICKS: opt->read_clicks = true; return -1;
    case OPT_DURATION:
        return parse_int(arg, 1, 7 * 24 * 3600, &opt->duration_s)
                   ? -1
                   : bad("--duration wants whole seconds >= 1, not '%s'", arg);
    case OPT_STATS: opt->stats = true; return -1;
    case OPT_STATS_INTERVAL:
        return parse_int(arg, 1, 3600, &opt->stats_interval_s)
                   ? -1
                   : bad("--stats-interval wants 1..3600 seconds, not '%s'", arg);
    case OPT_CONNECT_TIMEOUT:
        return parse_int(arg, 1, 600, &opt->connect_timeout_s)
                   ? -1
                   : bad("--connect-timeout wants 1..600 seconds, not '%s'", arg);
    case OPT_COUNT:
        return parse_int(arg, 1, ROOM_MAX_COUNT, &opt->count)
                   ? -1
                   : bad("--count wants 1..64, not '%s'", arg);
    case OPT_ICE_ADDRESS:
        if (opt->ice_address_count == ROOM_MAX_ICE_ADDRESSES)
            return bad("at most 8 --ice-address, '%s' is one too many", arg);
        opt->ice_addresses[opt->ice_address_count++] = arg;
        return -1;
    case OPT_VERBOSE: opt->verbose = true; return -1;
    case OPT_SHARE: return parse_share(arg, opt);
    case OPT_SHARE_AFTER:
        return parse_int(arg, 0, 7 * 24 * 3600, &opt->share_after_s)
                   ? -1
                   : bad("--share-after wants whole seconds >= 0, not '%s'", arg);
    case OPT_HELP: options_usage(stdout); return ROOM_EXIT_OK;
    default: return ROOM_EXIT_USAGE;
    }
}

static int check_required(const struct room_options *opt, bool media_given)
{
    if (!opt->server || !opt->conference || !opt->name) {
        fprintf(stderr,
                "mcu-room: --server, --conference and --name are required (see mcu-room --help)\n");
        return ROOM_EXIT_USAGE;
    }
    if (!g_str_has_prefix(opt->server, "ws://") && !g_str_has_prefix(opt->server, "wss://"))
        return bad("--server wants ws://HOST:PORT/PATH or wss://HOST:PORT/PATH, not '%s'",
                   opt->server);
    if (opt->cacert && !g_str_has_prefix(opt->server, "wss://"))
        return bad("--cacert is for a wss:// server (%s)", opt->server);
    if (opt->cacert && access(opt->cacert, R_OK) != 0)
        return bad("--cacert: cannot read '%s'", opt->cacert);
    if (!g_utf8_validate(opt->name, -1, NULL) || g_utf8_strlen(opt->name, -1) < 1 ||
        g_utf8_strlen(opt->name, -1) > 60)
        return bad("--name wants 1..60 characters of UTF-8, not '%s'", opt->name);
    if (opt->pin && opt->token) return bad("--pin and --token exclude each other (%s)", "give one");
    if (opt->replay_count && media_given)
        return bad("--replay sends the file's own video and audio: drop --video/--audio (%s)",
                   opt->replay[0]);
    if (opt->share != ROOM_VIDEO_NONE && opt->count > 1)
        return bad("--share is for one room: drop --count (%s)", "--share");
    if (opt->share == ROOM_VIDEO_NONE && opt->share_after_s)
        return bad("--share-after needs --share (%s)", "--share-after");
    if (opt->show && opt->no_decode)
        return bad("--show needs decoding: drop --no-decode (%s)", "--show");
    if (opt->read_timecode && opt->no_decode)
        return bad("--read-timecode needs decoding: drop --no-decode (%s)", "--read-timecode");
    if (opt->read_clicks && opt->no_decode)
        return bad("--read-clicks needs decoding: drop --no-decode (%s)", "--read-clicks");
    return -1;
}

int options_parse(int argc, char **argv, struct room_options *opt)
{
    bool media_given = false;
    int c, rc;

    memset(opt, 0, sizeof(*opt));
    opt->video = ROOM_VIDEO_TEST;
    opt->video_arg = DEFAULT_PATTERN;
    opt->audio = ROOM_AUDIO_TEST;
    opt->tone_hz = DEFAULT_TONE_HZ;
    opt->codec = ROOM_CODEC_VP8;
    opt->width = DEFAULT_WIDTH;
    opt->height = DEFAULT_HEIGHT;
    opt->fps = DEFAULT_FPS;
    opt->bitrate_kbps = DEFAULT_BITRATE_KBPS;
    opt->stats_interval_s = DEFAULT_STATS_INTERVAL_S;
    opt->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_S;
    opt->count = 1;
    opt->share = ROOM_VIDEO_NONE;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (c == '?' || c == ':') {
            const char *what = argv[optind - 1];
            return bad(c == ':' ? "%s needs a value" : "unknown or incomplete option '%s'", what);
        }
        rc = apply_option(c, optarg, opt, &media_given);
        if (rc >= 0) return rc;
    }
    if (optind < argc) return bad("unexpected argument '%s'", argv[optind]);
    return check_required(opt, media_given);
}
