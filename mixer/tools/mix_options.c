/* mix_options.c - mcu-mix flag parsing and --help. See mix_options.h. */
#include "mixer/tools/mix_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/video/layout.h"

static const char usage[] =
    "usage: mcu-mix [options] -o OUT IN1 [IN2 ...]\n"
    "\n"
    "Mixes N media files into one continuous-presence recording, offline, through the\n"
    "same path as a live conference: each input is packetized to RTP and goes through\n"
    "the mixer's jitter buffer, depacketizer and decoder; the canvas is composed, encoded\n"
    "once and muxed as it is, with the full audio mix (Opus), into OUT.\n"
    "\n"
    "Inputs: anything libavformat reads. VP8, H.264 and Opus streams are used as they\n"
    "are; other codecs are re-encoded first (video to VP8 at 1.5 Mbit/s, audio to Opus),\n"
    "which costs time. Input i goes into layout cell i (row-major); an input without\n"
    "video shows a grey placeholder in its cell; an input ends when its file does (its\n"
    "last picture stays). Time 0 of each input is its file's start.\n"
    "\n"
    "Output: OUT.webm (VP8 + Opus) or OUT.mkv (Matroska: H.264 or VP8, + Opus).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     output file (required)\n"
    "  --layout L            1x1, 2x2, 3x3, 4x4, 5x5, 1+5, 1+7, speaker, speaker+N, or a\n"
    "                        FILE.json with {\"cells\":[{\"x\":0,\"y\":0,\"w\":0.5,\"h\":1},...]}\n"
    "                        (fractions of the canvas). Default: the smallest grid that\n"
    "                        holds all inputs. `speaker` layouts show the active speaker\n"
    "                        in cell 0 and take any number of inputs; others at most\n"
    "                        their cell count.\n"
    "  --layout-switch T:L   switch to layout L at T seconds of media (repeatable, up to\n"
    "                        16; for tests and demos)\n"
    "  --size WxH            canvas and output size (even), default 1280x720\n"
    "  --fps N               output frame rate, default 30\n"
    "  --vcodec C            vp8 (default), h264, or none (audio only)\n"
    "  --vbitrate R          video bitrate, e.g. 2M, 500k, 800000; default 2M\n"
    "  --abitrate R          Opus bitrate of the mix, default 32k\n"
    "  --threads N           decode threads (the inputs fan out over them), default 1\n"
    "  --realtime            pace the mix at the speed of its media (default: as fast\n"
    "                        as it goes)\n"
    "  --duration S          stop after S seconds (default: the longest input)\n"
    "  --quiet               no progress on stderr\n"
    "  --vp8-cpu-used N      libvpx speed, -16..16, default -6 (realtime deadline)\n"
    "  --h264-preset P       x264 preset, default veryfast (tune zerolatency)\n"
    "  --audio-complexity N  libopus complexity 0..10, default 5\n"
    "  --top-n N             loudest inputs mixed per 20 ms, default 4\n"
    "  --minus-self          also encode the live conference's minus-self mixes\n"
    "                        (discarded: for benchmarks)\n"
    "  --audio-encode-every-input\n"
    "                        one Opus encode per input instead of the shared one\n"
    "                        (discarded: the benchmark's baseline)\n"
    "  --audio-levels        measure each input's audio levels up front (as a WebRTC\n"
    "                        sender does) and send them as RFC 6464 header extensions,\n"
    "                        so the mixer decodes only the loudest top-N inputs\n"
    "  --stats               print the CPU seconds of the mixing phase (after the\n"
    "                        inputs are opened and levels measured) on stderr\n"
    "  -h, --help            this text\n"
    "\n"
    "Progress goes to stderr about once a second for inputs longer than 10 s.\n"
    "Exit status: 0 done, 1 failed while mixing, 2 bad flags or unreadable input.\n";

enum {
    OPT_LAYOUT = 256,
    OPT_SWITCH,
    OPT_SIZE,
    OPT_FPS,
    OPT_VCODEC,
    OPT_VBITRATE,
    OPT_ABITRATE,
    OPT_THREADS,
    OPT_REALTIME,
    OPT_DURATION,
    OPT_QUIET,
    OPT_CPU_USED,
    OPT_PRESET,
    OPT_COMPLEXITY,
    OPT_TOP_N,
    OPT_MINUS_SELF,
    OPT_EVERY_INPUT,
    OPT_LEVELS,
    OPT_STATS,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {"layout", required_argument, NULL, OPT_LAYOUT},
    {"layout-switch", required_argument, NULL, OPT_SWITCH},
    {"size", required_argument, NULL, OPT_SIZE},
    {"fps", required_argument, NULL, OPT_FPS},
    {"vcodec", required_argument, NULL, OPT_VCODEC},
    {"vbitrate", required_argument, NULL, OPT_VBITRATE},
    {"abitrate", required_argument, NULL, OPT_ABITRATE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"realtime", no_argument, NULL, OPT_REALTIME},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"vp8-cpu-used", required_argument, NULL, OPT_CPU_USED},
    {"h264-preset", required_argument, NULL, OPT_PRESET},
    {"audio-complexity", required_argument, NULL, OPT_COMPLEXITY},
    {"top-n", required_argument, NULL, OPT_TOP_N},
    {"minus-self", no_argument, NULL, OPT_MINUS_SELF},
    {"audio-encode-every-input", no_argument, NULL, OPT_EVERY_INPUT},
    {"audio-levels", no_argument, NULL, OPT_LEVELS},
    {"stats", no_argument, NULL, OPT_STATS},
    {NULL, 0, NULL, 0},
};

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "mcu-mix: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(mcu-mix --help for the flags)\n");
    return -1;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

/* "2M", "500k", "800000" -> bits per second. */
static int parse_bitrate(const char *s, int *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0) return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1e3, end++;
    else if (*end == 'm' || *end == 'M')
        v *= 1e6, end++;
    if (*end || v < 6000 || v > 100e6) return -1;
    *out = (int)v;
    return 0;
}

static int parse_seconds(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > 1e7) return -1;
    *out = (int64_t)(v * 1e6 + 0.5);
    return 0;
}

/* A layout argument: a FILE.json's text, or the name itself. NULL (message printed)
 * if a file cannot be read. */
static char *layout_text(const char *arg)
{
    size_t n = strlen(arg);
    if (n < 5 || strcmp(arg + n - 5, ".json") != 0) return strdup(arg);
    FILE *f = fopen(arg, "rb");
    if (!f) {
        bad("cannot read layout file %s", arg);
        return NULL;
    }
    char *text = calloc(1, 65537);
    size_t got = text ? fread(text, 1, 65536, f) : 0;
    fclose(f);
    if (!text || got == 0) {
        free(text);
        bad("layout file %s is empty or unreadable", arg);
        return NULL;
    }
    return text;
}

static int add_switch(struct mix_options *o, const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!colon || o->switch_count == MIX_OPTIONS_MAX_SWITCHES)
        return bad("--layout-switch %s: want SECONDS:LAYOUT (at most 16)", arg);
    char seconds[32];
    size_t n = (size_t)(colon - arg);
    if (n == 0 || n >= sizeof seconds) return bad("--layout-switch %s: bad time", arg);
    memcpy(seconds, arg, n);
    seconds[n] = '\0';
    struct mix_layout_switch *s = &o->switches[o->switch_count];
    if (parse_seconds(seconds, &s->at_us) < 0) return bad("--layout-switch %s: bad time", arg);
    if (!(s->layout = layout_text(colon + 1))) return -1;
    o->switch_count++;
    return 0;
}

static int parse_flag(struct mix_options *o, int c, const char *arg)
{
    switch (c) {
    case 'o': o->output = arg; return 0;
    case OPT_LAYOUT: free(o->layout); return (o->layout = layout_text(arg)) ? 0 : -1;
    case OPT_SWITCH: return add_switch(o, arg);
    case OPT_SIZE:
        if (sscanf(arg, "%dx%d", &o->width, &o->height) != 2 || o->width < 16 || o->height < 16 ||
            o->width > 4096 || o->height > 4096 || o->width % 2 || o->height % 2)
            return bad("--size %s: want WxH, even, 16..4096", arg);
        return 0;
    case OPT_FPS:
        return parse_int(arg, 1, 120, &o->fps) < 0 ? bad("--fps %s: want 1..120", arg) : 0;
    case OPT_VCODEC:
        if (strcmp(arg, "vp8") == 0)
            o->vcodec = MEDIA_CODEC_VP8;
        else if (strcmp(arg, "h264") == 0)
            o->vcodec = MEDIA_CODEC_H264;
        else if (strcmp(arg, "none") == 0)
            o->vcodec = MEDIA_CODEC_NONE;
        else
            return bad("--vcodec %s: want vp8, h264 or none", arg);
        return 0;
    case OPT_VBITRATE:
        return parse_bitrate(arg, &o->vbitrate) < 0 ? bad("--vbitrate %s: want e.g. 2M", arg) : 0;
    case OPT_ABITRATE:
        if (parse_bitrate(arg, &o->abitrate) < 0 || o->abitrate > 510000)
            return bad("--abitrate %s: want 6k..510k", arg);
        return 0;
    case OPT_THREADS:
        return parse_int(arg, 1, 64, &o->threads) < 0 ? bad("--threads %s: want 1..64", arg) : 0;
    case OPT_REALTIME: o->realtime = true; return 0;
    case OPT_DURATION:
        if (parse_seconds(arg, &o->duration_us) < 0 || o->duration_us == 0)
            return bad("--duration %s: want seconds > 0", arg);
        return 0;
    case OPT_QUIET: o->quiet = true; return 0;
    case OPT_CPU_USED:
        return parse_int(arg, -16, 16, &o->vp8_cpu_used) < 0
                   ? bad("--vp8-cpu-used %s: want -16..16", arg)
                   : 0;
    case OPT_PRESET: o->h264_preset = arg; return 0;
    case OPT_COMPLEXITY:
        return parse_int(arg, 0, 10, &o->audio_complexity) < 0
                   ? bad("--audio-complexity %s: want 0..10", arg)
                   : 0;
    case OPT_TOP_N: {
        int n;
        if (parse_int(arg, 1, 64, &n) < 0) return bad("--top-n %s: want 1..64", arg);
        o->top_n = (size_t)n;
        return 0;
    }
    case OPT_MINUS_SELF: o->minus_self = true; return 0;
    case OPT_EVERY_INPUT: o->encode_every_input = true; return 0;
    case OPT_LEVELS: o->audio_levels = true; return 0;
    case OPT_STATS: o->stats = true; return 0;
    default: return bad("%s", "unknown flag");
    }
}

static const char *default_grid(size_t inputs)
{
    return inputs <= 1    ? "1x1"
           : inputs <= 4  ? "2x2"
           : inputs <= 9  ? "3x3"
           : inputs <= 16 ? "4x4"
                          : "5x5";
}

/* Checks that the inputs fit a layout; prints and returns -1 if not. */
static int check_layout(const struct mix_options *o, const char *text)
{
    struct layout l;
    char why[160] = "";
    int rc = text[0] == '{' ? layout_from_json(text, o->width, o->height, &l, why, sizeof why)
                            : layout_from_name(text, o->width, o->height, &l);
    if (rc < 0) return bad("bad layout: %s", why[0] ? why : text);
    if (strncmp(text, "speaker", 7) != 0 && o->input_count > l.count) {
        fprintf(stderr, "mcu-mix: %zu inputs do not fit layout %s (%zu cells)\n", o->input_count,
                text[0] == '{' ? "(JSON)" : text, l.count);
        return -1;
    }
    return 0;
}

int mix_options_parse(struct mix_options *o, int argc, char **argv)
{
    *o = (struct mix_options){
        .width = 1280,
        .height = 720,
        .fps = 30,
        .vcodec = MEDIA_CODEC_VP8,
        .vbitrate = 2000000,
        .abitrate = 32000,
        .threads = 1,
        .vp8_cpu_used = -6,
        .h264_preset = "veryfast",
        .audio_complexity = 5,
        .top_n = 4,
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", long_options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 1;
        }
        if (c == '?') return bad("unknown flag %s", argv[optind - 1]);
        if (c == ':') return bad("flag %s needs a value", argv[optind - 1]);
        if (parse_flag(o, c, optarg) < 0) return -1;
    }
    o->inputs = (const char **)(argv + optind);
    o->input_count = (size_t)(argc - optind);
    if (!o->output) return bad("%s", "no output file (-o OUT)");
    if (o->input_count == 0) return bad("%s", "no input files");
    if (o->input_count > 64) return bad("%s", "at most 64 inputs");
    if (!o->layout && !(o->layout = strdup(default_grid(o->input_count)))) return -1;
    if (o->vcodec != MEDIA_CODEC_NONE) {
        if (check_layout(o, o->layout) < 0) return -1;
        for (size_t i = 0; i < o->switch_count; i++)
            if (check_layout(o, o->switches[i].layout) < 0) return -1;
    }
    return 0;
}

void mix_options_free(struct mix_options *o)
{
    free(o->layout);
    for (size_t i = 0; i < o->switch_count; i++) free(o->switches[i].layout);
    o->layout = NULL;
    o->switch_count = 0;
}
