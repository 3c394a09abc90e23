/* options.c - the test peer's command line (usage() is its manual in brief;
 * docs/testing-webrtcbin.md the long form). */
#include "tests/integration/webrtc_peer/peer.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: webrtc_peer --server ws://HOST:PORT/ws --conference ID --name NAME\n"
                 "                   [--pin PIN] [--codec h264|vp8] [--duration SECONDS]\n"
                 "                   [--min-frames N] [--ice-address ADDR]...\n"
                 "                   [--h264-profile constrained-baseline|main|high]\n"
                 "                   [--pattern PATTERN] [--offer-as-is] [--show-sdp] [--stay]\n"
                 "       webrtc_peer --print-offer [--codec h264|vp8] [--offer-as-is]\n"
                 "\n"
                 "Joins a conference, sends a test pattern and a sine tone, decodes what comes\n"
                 "back. Exit 0 when at least --min-frames video frames (default 60) and some\n"
                 "audio were decoded within --duration seconds (default 15).\n"
                 "--ice-address adds a local ICE address (libnice gathers no loopback address\n"
                 "on its own: in a loopback-only namespace pass --ice-address 127.0.0.1).\n"
                 "The offer's H.264 fmtp is rewritten to packetization-mode=1;profile-level-id=\n"
                 "42e01f unless --offer-as-is (webrtcbin's own says 42c01e, with sprop sets);\n"
                 "--h264-profile main or high sends that profile with B-frames and offers\n"
                 "4d001f or 64001f. --pattern is videotestsrc's (default ball; e.g. green).\n"
                 "--stay keeps the call up after that, until --duration runs out or SIGTERM /\n"
                 "SIGINT (exit 0 if the goal was met by then); it logs 'goal reached' when met.\n"
                 "Exit codes: 0 ok, 1 not enough media, 2 usage, 3 join refused,\n"
                 "4 signalling failure, 5 GStreamer set-up failure.\n");
}

static bool parse_count(const char *text, int min, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min || v > 1000000) return false;
    *out = (int)v;
    return true;
}

/* Returns -1 when the options are good, else the exit status to leave with. */
int peer_parse_options(int argc, char **argv, struct peer_options *opt)
{
    static const struct option longopts[] = {
        {"server", required_argument, NULL, 's'},
        {"conference", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"pin", required_argument, NULL, 'p'},
        {"codec", required_argument, NULL, 'k'},
        {"duration", required_argument, NULL, 'd'},
        {"min-frames", required_argument, NULL, 'f'},
        {"ice-address", required_argument, NULL, 'i'},
        {"print-offer", no_argument, NULL, 'o'},
        {"offer-as-is", no_argument, NULL, 'a'},
        {"show-sdp", no_argument, NULL, 'S'},
        {"stay", no_argument, NULL, 'y'},
        {"h264-profile", required_argument, NULL, 'P'},
        {"pattern", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(opt, 0, sizeof(*opt));
    opt->codec = "h264";
    opt->h264_profile = "constrained-baseline";
    opt->pattern = "ball";
    opt->duration_s = 15;
    opt->min_frames = 60;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': opt->server = optarg; break;
        case 'c': opt->conference = optarg; break;
        case 'n': opt->name = optarg; break;
        case 'p': opt->pin = optarg; break;
        case 'k': opt->codec = optarg; break;
        case 'o': opt->print_offer = true; break;
        case 'a': opt->offer_as_is = true; break;
        case 'S': opt->show_sdp = true; break;
        case 'y': opt->stay = true; break;
        case 'P': opt->h264_profile = optarg; break;
        case 't': opt->pattern = optarg; break;
        case 'd':
            if (!parse_count(optarg, 1, &opt->duration_s)) {
                fprintf(stderr, "webrtc_peer: --duration wants whole seconds >= 1, not '%s'\n",
                        optarg);
                return PEER_USAGE;
            }
            break;
        case 'f':
            if (!parse_count(optarg, 0, &opt->min_frames)) {
                fprintf(stderr, "webrtc_peer: --min-frames wants a count >= 0, not '%s'\n", optarg);
                return PEER_USAGE;
            }
            break;
        case 'i':
            if (opt->ice_address_count == PEER_MAX_ICE_ADDRESSES) {
                fprintf(stderr, "webrtc_peer: at most %d --ice-address\n", PEER_MAX_ICE_ADDRESSES);
                return PEER_USAGE;
            }
            opt->ice_addresses[opt->ice_address_count++] = optarg;
            break;
        case 'h': usage(stdout); return PEER_OK;
        default: usage(stderr); return PEER_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "webrtc_peer: unexpected argument '%s'\n", argv[optind]);
        return PEER_USAGE;
    }
    if (strcmp(opt->codec, "h264") != 0 && strcmp(opt->codec, "vp8") != 0) {
        fprintf(stderr, "webrtc_peer: --codec is h264 or vp8, not '%s'\n", opt->codec);
        return PEER_USAGE;
    }
    if (strcmp(opt->h264_profile, "constrained-baseline") != 0 &&
        strcmp(opt->h264_profile, "main") != 0 && strcmp(opt->h264_profile, "high") != 0) {
        fprintf(stderr, "webrtc_peer: --h264-profile is constrained-baseline, main or high\n");
        return PEER_USAGE;
    }
    if (opt->pattern[0] == '\0' ||
        strspn(opt->pattern, "abcdefghijklmnopqrstuvwxyz-") != strlen(opt->pattern)) {
        fprintf(stderr, "webrtc_peer: --pattern wants a videotestsrc pattern name\n");
        return PEER_USAGE;
    }
    if (!opt->print_offer && (!opt->server || !opt->conference || !opt->name)) {
        fprintf(stderr, "webrtc_peer: --server, --conference and --name are required\n");
        usage(stderr);
        return PEER_USAGE;
    }
    if (opt->server && !g_str_has_prefix(opt->server, "ws://")) {
        fprintf(stderr, "webrtc_peer: --server wants ws://HOST:PORT/PATH, not '%s'\n", opt->server);
        return PEER_USAGE;
    }
    if (opt->name && (opt->name[0] == '\0' || !g_utf8_validate(opt->name, -1, NULL))) {
        fprintf(stderr, "webrtc_peer: --name must be non-empty UTF-8\n");
        return PEER_USAGE;
    }
    return -1;
}
