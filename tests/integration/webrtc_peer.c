/* webrtc_peer.c - a GStreamer webrtcbin test peer for mcud.
 *
 * Joins a conference over the signalling WebSocket (docs/protocol.md), offers one
 * video stream (H.264 or VP8) and one Opus audio stream made from test sources,
 * decodes what the server sends back and exits 0 once it decoded enough video frames
 * and some audio within a time limit. It is a second WebRTC stack nobody here wrote,
 * so the integration tests see mcud interoperate with something other than itself.
 * Usage and exit codes: usage() below and docs/testing-webrtcbin.md.
 *
 * One file because the Makefile builds each tests/integration/\*.c into one program;
 * the sections are: options, logging/finish, signalling (libwebsockets + jansson),
 * SDP helpers, webrtcbin negotiation, decoding and counting, main.
 *
 * Threads: the GLib main loop owns the WebSocket (libwebsockets runs on that loop
 * through its glib event-loop plugin, LWS_SERVER_OPTION_GLIB + foreign_loops) and all
 * peer state. webrtcbin signals, promise callbacks and pad probes run on GStreamer
 * threads: they hand work to the main loop with g_idle_add() or touch only the
 * atomic counters and the media lock. */
#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <nice/agent.h>
#include <jansson.h>
#include <libwebsockets.h>

#include <glib-unix.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ICE_ADDRESSES 8
#define MAX_MESSAGE_SIZE  (64 * 1024)   /* protocol limit for one signalling message */
#define H264_PT_FMTP      "packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1"

enum peer_exit {
    PEER_OK = 0,
    PEER_NO_MEDIA = 1,      /* connected, but not enough media decoded in time */
    PEER_USAGE = 2,
    PEER_JOIN_REFUSED = 3,  /* the server answered the join with an error */
    PEER_SIGNALLING = 4,    /* cannot connect, offer refused, socket closed, ... */
    PEER_SETUP = 5,         /* a GStreamer element is missing or the pipeline failed */
};

/* ---------------------------------------------------------------- options */

struct options {
    const char *server;         /* ws://HOST:PORT/PATH */
    const char *conference;
    const char *name;
    const char *pin;            /* NULL: none sent */
    const char *codec;          /* "h264" or "vp8" */
    int duration_s;
    int min_frames;
    const char *ice_addresses[MAX_ICE_ADDRESSES];
    int ice_address_count;
    bool print_offer;           /* print the SDP offer and exit, no server */
    bool offer_as_is;           /* send webrtcbin's H.264 fmtp unchanged */
    bool show_sdp;              /* log the offer and the answer on stderr */
    bool stay;                  /* goal reached: stay until --duration or SIGTERM */
};

static void usage(FILE *out)
{
    fprintf(out,
        "usage: webrtc_peer --server ws://HOST:PORT/ws --conference ID --name NAME\n"
        "                   [--pin PIN] [--codec h264|vp8] [--duration SECONDS]\n"
        "                   [--min-frames N] [--ice-address ADDR]...\n"
        "                   [--offer-as-is] [--show-sdp] [--stay]\n"
        "       webrtc_peer --print-offer [--codec h264|vp8] [--offer-as-is]\n"
        "\n"
        "Joins a conference, sends a test pattern and a sine tone, decodes what comes\n"
        "back. Exit 0 when at least --min-frames video frames (default 60) and some\n"
        "audio were decoded within --duration seconds (default 15).\n"
        "--ice-address adds a local ICE address (libnice gathers no loopback address\n"
        "on its own: in a loopback-only namespace pass --ice-address 127.0.0.1).\n"
        "The offer's H.264 fmtp is rewritten to packetization-mode=1;profile-level-id=\n"
        "42e01f unless --offer-as-is (webrtcbin's own says 42c01e, with sprop sets).\n"
        "--stay keeps the call up after that, until --duration runs out or SIGTERM /\n"
        "SIGINT (exit 0 if the goal was met by then); it logs 'goal reached' when met.\n"
        "Exit codes: 0 ok, 1 not enough media, 2 usage, 3 join refused,\n"
        "4 signalling failure, 5 GStreamer set-up failure.\n");
}

static bool parse_count(const char *text, int min, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

/* Returns -1 when the options are good, else the exit status to leave with. */
static int parse_options(int argc, char **argv, struct options *opt)
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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(opt, 0, sizeof(*opt));
    opt->codec = "h264";
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
        case 'd':
            if (!parse_count(optarg, 1, &opt->duration_s)) {
                fprintf(stderr, "webrtc_peer: --duration wants whole seconds >= 1, not '%s'\n", optarg);
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
            if (opt->ice_address_count == MAX_ICE_ADDRESSES) {
                fprintf(stderr, "webrtc_peer: at most %d --ice-address\n", MAX_ICE_ADDRESSES);
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

/* ---------------------------------------------------------------- peer state */

struct peer {
    struct options opt;
    GMainLoop *loop;
    GstElement *pipeline;
    GstElement *webrtc;             /* owned by pipeline */

    /* signalling: main loop only */
    char *url_buffer;               /* lws_parse_uri() cuts this one up */
    char *url_path;                 /* "/ws" */
    struct lws_context *lws;
    struct lws *wsi;
    GQueue outbox;                  /* JSON texts (malloc'd by jansson) to send */
    GString *inbox;                 /* the message being received */
    json_int_t next_id;
    json_int_t join_id, offer_id;
    bool connected, greeted, joined;
    bool negotiation_needed, offer_started, offer_sent, answered, answer_applied;
    GQueue early_candidates;        /* json_t * candidate requests made before the offer went out */
    int candidates_sent;
    bool gathering_done;
    char *participant;

    /* negotiation results (main loop) */
    char *answer_video;             /* e.g. "H264/90000 pt=102 fmtp=..." */
    char *answer_video_codec;       /* e.g. "H264" */
    char *ice_state, *dtls_state, *connection_state;   /* read when finishing */

    /* media: written by streaming threads */
    gint video_frames;              /* atomic */
    gint audio_buffers;             /* atomic */
    gint goal_reported;             /* atomic flag: idle check queued once */
    GMutex media_lock;              /* guards the strings below */
    int width, height;
    char *video_format;             /* decoded caps format, e.g. "I420" */
    char *received_video_codec;     /* encoding-name on webrtcbin's video src pad */
    char *video_decoder;            /* factory that decodebin picked, e.g. "avdec_h264" */

    /* outcome */
    bool finished;
    int exit_code;
    char *failure;                  /* why it failed, NULL on success */
};

static void logf_(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("webrtc_peer: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Ends the run (first call wins). Takes ownership of failure (NULL = success). */
static void peer_finish(struct peer *p, int exit_code, char *failure)
{
    if (p->finished) {
        g_free(failure);
        return;
    }
    p->finished = true;
    p->exit_code = exit_code;
    p->failure = failure;
    g_main_loop_quit(p->loop);
}

static const char *enum_nick(GType type, int value)
{
    GEnumClass *klass = g_type_class_ref(type);
    GEnumValue *v = g_enum_get_value(klass, value);
    const char *nick = v ? v->value_nick : "unknown";
    g_type_class_unref(klass);   /* enum classes of registered types stay alive */
    return nick;
}

/* ---------------------------------------------------------------- signalling */

static void ws_flush(struct peer *p)
{
    if (p->wsi && !g_queue_is_empty(&p->outbox))
        lws_callback_on_writable(p->wsi);
}

/* Queues a message for sending; takes the reference on msg. */
static void ws_send(struct peer *p, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text) {
        peer_finish(p, PEER_SIGNALLING, g_strdup("cannot encode a JSON message"));
        return;
    }
    g_queue_push_tail(&p->outbox, text);
    ws_flush(p);
}

/* Sends a request of this type with these fields (reference taken); returns its id. */
static json_int_t request(struct peer *p, const char *type, json_t *fields)
{
    json_int_t id = ++p->next_id;
    json_object_set_new(fields, "type", json_string(type));
    json_object_set_new(fields, "id", json_integer(id));
    ws_send(p, fields);
    return id;
}

static void send_join(struct peer *p)
{
    json_t *req = json_pack("{s:s, s:s}", "conference", p->opt.conference, "name", p->opt.name);
    if (p->opt.pin)
        json_object_set_new(req, "pin", json_string(p->opt.pin));
    p->join_id = request(p, "join", req);
    logf_("join sent (conference %s)", p->opt.conference);
}

static void maybe_create_offer(struct peer *p);
static void apply_answer(struct peer *p, const char *sdp_text);
static void add_remote_candidate(struct peer *p, json_t *msg);

static char *error_text(json_t *msg)
{
    json_t *err = json_object_get(msg, "error");
    const char *code = json_string_value(json_object_get(err, "code"));
    const char *message = json_string_value(json_object_get(err, "message"));
    return g_strdup_printf("%s (%s)", code ? code : "no code", message ? message : "no message");
}

static void on_reply(struct peer *p, json_t *msg, json_int_t id)
{
    json_t *data = json_object_get(msg, "data");

    if (id == p->join_id) {
        const char *who = json_string_value(json_object_get(data, "participant"));
        p->participant = g_strdup(who ? who : "?");
        p->joined = true;
        logf_("joined conference %s as participant %s", p->opt.conference, p->participant);
        maybe_create_offer(p);
    } else if (id == p->offer_id) {
        const char *sdp = json_string_value(json_object_get(data, "sdp"));
        if (!sdp) {
            peer_finish(p, PEER_SIGNALLING, g_strdup("the offer reply has no data.sdp"));
            return;
        }
        apply_answer(p, sdp);
    }
}

static void on_error(struct peer *p, json_t *msg, json_int_t id)
{
    char *what = error_text(msg);
    const char *req = json_string_value(json_object_get(msg, "request"));

    if (id == p->join_id && p->join_id != 0) {
        peer_finish(p, PEER_JOIN_REFUSED, g_strdup_printf("join refused: %s", what));
    } else if (id == p->offer_id && p->offer_id != 0) {
        peer_finish(p, PEER_SIGNALLING, g_strdup_printf("offer refused: %s", what));
    } else {
        /* a candidate or keepalive error is worth seeing but not fatal by itself */
        logf_("server error for request %s (id %" JSON_INTEGER_FORMAT "): %s",
              req ? req : "?", id, what);
    }
    g_free(what);
}

static void handle_message(struct peer *p, const char *text)
{
    json_error_t jerr;
    json_t *msg = json_loads(text, 0, &jerr);
    const char *type;

    if (!json_is_object(msg)) {
        logf_("unreadable message from server: %s", jerr.text);
        json_decref(msg);
        return;
    }
    type = json_string_value(json_object_get(msg, "type"));
    if (!type) {
        logf_("message without a type from server: %.200s", text);
    } else if (strcmp(type, "hello") == 0) {
        json_int_t version = json_integer_value(json_object_get(msg, "version"));
        const char *server = json_string_value(json_object_get(msg, "server"));
        logf_("hello from %s (protocol version %" JSON_INTEGER_FORMAT ")", server ? server : "?", version);
        if (!p->greeted) {
            p->greeted = true;
            send_join(p);
        }
    } else if (strcmp(type, "reply") == 0) {
        on_reply(p, msg, json_integer_value(json_object_get(msg, "id")));
    } else if (strcmp(type, "error") == 0) {
        on_error(p, msg, json_integer_value(json_object_get(msg, "id")));
    } else if (strcmp(type, "candidate") == 0) {
        add_remote_candidate(p, msg);
    } else if (strcmp(type, "end_of_candidates") == 0) {
        logf_("server: end of candidates");
    } else if (strcmp(type, "media") == 0) {
        const char *state = json_string_value(json_object_get(msg, "state"));
        const char *reason = json_string_value(json_object_get(msg, "reason"));
        logf_("server media state: %s%s%s", state ? state : "?", reason ? ", " : "", reason ? reason : "");
        if (state && strcmp(state, "failed") == 0)
            peer_finish(p, PEER_NO_MEDIA, g_strdup_printf("the server reports media failed: %s",
                                                          reason ? reason : "no reason given"));
    } else if (strcmp(type, "bye") == 0) {
        const char *reason = json_string_value(json_object_get(msg, "reason"));
        peer_finish(p, PEER_SIGNALLING, g_strdup_printf("the server said bye: %s", reason ? reason : "no reason"));
    } else {
        logf_("ignoring server message of type %s", type);
    }
    json_decref(msg);
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    struct lws_context *ctx = lws_get_context(wsi);
    struct peer *p = ctx ? lws_context_user(ctx) : NULL;
    (void)user;

    if (!p)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        p->wsi = NULL;
        peer_finish(p, PEER_SIGNALLING, g_strdup_printf("cannot connect to %s: %s", p->opt.server,
                                                       in ? (const char *)in : "unknown error"));
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        p->connected = true;
        logf_("connected to %s", p->opt.server);
        ws_flush(p);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        g_string_append_len(p->inbox, in, (gssize)len);
        if (p->inbox->len > MAX_MESSAGE_SIZE) {
            peer_finish(p, PEER_SIGNALLING, g_strdup("a server message is over 64 KiB"));
            return -1;
        }
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            handle_message(p, p->inbox->str);
            g_string_truncate(p->inbox, 0);
        }
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        char *text = g_queue_pop_head(&p->outbox);
        size_t n;
        unsigned char *buf;
        int written;

        if (!text)
            break;
        n = strlen(text);
        buf = g_malloc(LWS_PRE + n);
        memcpy(buf + LWS_PRE, text, n);
        written = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
        g_free(buf);
        free(text);
        if (written < (int)n) {
            peer_finish(p, PEER_SIGNALLING, g_strdup("writing to the signalling socket failed"));
            return -1;
        }
        ws_flush(p);
        break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        p->wsi = NULL;
        peer_finish(p, PEER_SIGNALLING, g_strdup("the server closed the signalling connection"));
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols ws_protocols[] = {
    {"hoinghi-signalling", ws_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Creates the libwebsockets context on our GLib main loop and starts connecting. */
static bool ws_connect(struct peer *p)
{
    struct lws_context_creation_info info;
    struct lws_client_connect_info ci;
    void *foreign_loops[1] = {p->loop};
    const char *scheme, *host, *path;
    int port;

    p->url_buffer = g_strdup(p->opt.server);
    if (lws_parse_uri(p->url_buffer, &scheme, &host, &port, &path) != 0 || strcmp(scheme, "ws") != 0) {
        fprintf(stderr, "webrtc_peer: --server wants ws://HOST:PORT/PATH, not '%s'\n", p->opt.server);
        return false;
    }
    p->url_path = g_strconcat("/", path, NULL);

    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = ws_protocols;
    info.options = LWS_SERVER_OPTION_GLIB;
    info.foreign_loops = foreign_loops;
    info.user = p;
    info.uid = (uid_t)-1;
    info.gid = (gid_t)-1;
    p->lws = lws_create_context(&info);
    if (!p->lws) {
        fprintf(stderr, "webrtc_peer: cannot create the libwebsockets context (glib event loop plugin missing?)\n");
        return false;
    }

    memset(&ci, 0, sizeof(ci));
    ci.context = p->lws;
    ci.address = host;
    ci.port = port;
    ci.path = p->url_path;
    ci.host = host;
    ci.origin = host;
    ci.local_protocol_name = ws_protocols[0].name;
    ci.pwsi = &p->wsi;
    if (!lws_client_connect_via_info(&ci) && !p->finished) {
        /* the connection-error callback normally says why; this is the fallback */
        fprintf(stderr, "webrtc_peer: cannot start connecting to %s\n", p->opt.server);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- SDP helpers */

/* The "PT NAME/RATE" rtpmap of payload type pt in media m, or NULL. */
static const char *rtpmap_of(const GstSDPMedia *m, const char *pt)
{
    size_t ptlen = strlen(pt);
    for (guint i = 0; i < gst_sdp_media_attributes_len(m); i++) {
        const GstSDPAttribute *a = gst_sdp_media_get_attribute(m, i);
        if (strcmp(a->key, "rtpmap") == 0 && a->value && strncmp(a->value, pt, ptlen) == 0 &&
            a->value[ptlen] == ' ')
            return a->value + ptlen + 1;
    }
    return NULL;
}

/* Index of the "a=fmtp:PT ..." attribute of payload type pt in media m, or -1. */
static int fmtp_index(const GstSDPMedia *m, const char *pt)
{
    size_t ptlen = strlen(pt);
    for (guint i = 0; i < gst_sdp_media_attributes_len(m); i++) {
        const GstSDPAttribute *a = gst_sdp_media_get_attribute(m, i);
        if (strcmp(a->key, "fmtp") == 0 && a->value && strncmp(a->value, pt, ptlen) == 0 &&
            a->value[ptlen] == ' ')
            return (int)i;
    }
    return -1;
}

static bool fmtp_has(const char *params, const char *want)
{
    char **parts = g_strsplit(params, ";", -1);
    bool found = false;
    for (char **s = parts; *s && !found; s++)
        found = g_ascii_strcasecmp(g_strstrip(*s), want) == 0;
    g_strfreev(parts);
    return found;
}

/* The offer must say packetization-mode=1 and constrained baseline 42e01f for every
 * H.264 payload type (docs/protocol.md: what mcud decodes). webrtcbin copies
 * whatever the payloader's caps say, which may be another level or nothing before
 * the first buffer, so rewrite the fmtp where it differs. Returns how many fmtp
 * lines were rewritten. */
static int offer_fix_h264_fmtp(GstSDPMessage *sdp)
{
    int fixed = 0;
    for (guint mi = 0; mi < gst_sdp_message_medias_len(sdp); mi++) {
        /* GstSDPMessage hands out const media; the message is ours to edit */
        GstSDPMedia *m = (GstSDPMedia *)gst_sdp_message_get_media(sdp, mi);
        if (g_strcmp0(gst_sdp_media_get_media(m), "video") != 0)
            continue;
        for (guint fi = 0; fi < gst_sdp_media_formats_len(m); fi++) {
            const char *pt = gst_sdp_media_get_format(m, fi);
            const char *map = rtpmap_of(m, pt);
            int idx;
            const char *params = "";
            GstSDPAttribute attr;
            char *value;

            if (!map || g_ascii_strncasecmp(map, "H264/", 5) != 0)
                continue;
            idx = fmtp_index(m, pt);
            if (idx >= 0)
                params = gst_sdp_media_get_attribute(m, (guint)idx)->value + strlen(pt) + 1;
            if (fmtp_has(params, "packetization-mode=1") && fmtp_has(params, "profile-level-id=42e01f"))
                continue;
            logf_("offer H.264 pt %s fmtp was '%s'", pt, params);
            value = g_strdup_printf("%s %s", pt, H264_PT_FMTP);
            gst_sdp_attribute_set(&attr, "fmtp", value);
            if (idx >= 0)
                gst_sdp_media_replace_attribute(m, (guint)idx, &attr);
            else
                gst_sdp_media_add_attribute(m, "fmtp", value);
            if (idx < 0)
                gst_sdp_attribute_clear(&attr);
            g_free(value);
            fixed++;
        }
    }
    return fixed;
}

/* Describes the first (preferred) codec of the first video section of an SDP:
 * sets *codec to the encoding name ("H264") and returns "H264/90000 pt=102
 * fmtp=...", both g_malloc'd; NULL when there is no video codec. */
static char *sdp_video_codec(const GstSDPMessage *sdp, char **codec)
{
    *codec = NULL;
    for (guint mi = 0; mi < gst_sdp_message_medias_len(sdp); mi++) {
        const GstSDPMedia *m = gst_sdp_message_get_media(sdp, mi);
        const char *pt, *map;
        int idx;

        if (g_strcmp0(gst_sdp_media_get_media(m), "video") != 0 || gst_sdp_media_get_port(m) == 0 ||
            gst_sdp_media_formats_len(m) == 0)
            continue;
        pt = gst_sdp_media_get_format(m, 0);
        map = rtpmap_of(m, pt);
        idx = fmtp_index(m, pt);
        *codec = g_strndup(map ? map : "?", map ? strcspn(map, "/") : 1);
        return g_strdup_printf("%s pt=%s fmtp=%s", map ? map : "?", pt,
                               idx >= 0 ? gst_sdp_media_get_attribute(m, (guint)idx)->value + strlen(pt) + 1 : "-");
    }
    return NULL;
}

/* ---------------------------------------------------------------- negotiation */

struct offer_ready {        /* created on a webrtcbin thread, consumed on the main loop */
    struct peer *peer;
    char *sdp_text;         /* NULL when create-offer or set-local-description failed */
    char *error;
};

static void offer_ready_free(gpointer data)
{
    struct offer_ready *o = data;
    g_free(o->sdp_text);
    g_free(o->error);
    g_free(o);
}

static void flush_early_candidates(struct peer *p)
{
    json_t *req;
    while ((req = g_queue_pop_head(&p->early_candidates)) != NULL) {
        request(p, "candidate", req);
        p->candidates_sent++;
    }
    if (p->gathering_done)
        request(p, "end_of_candidates", json_object());
}

static gboolean on_offer_ready(gpointer data)
{
    struct offer_ready *o = data;
    struct peer *p = o->peer;

    if (!o->sdp_text) {
        peer_finish(p, PEER_SETUP, g_strdup_printf("webrtcbin could not create an offer: %s",
                                                  o->error ? o->error : "no reason"));
        return G_SOURCE_REMOVE;
    }
    if (p->opt.print_offer) {
        fputs(o->sdp_text, stdout);
        fflush(stdout);
        peer_finish(p, PEER_OK, NULL);
        return G_SOURCE_REMOVE;
    }
    if (p->opt.show_sdp)
        logf_("offer SDP:\n%s", o->sdp_text);
    p->offer_id = request(p, "offer", json_pack("{s:s}", "sdp", o->sdp_text));
    p->offer_sent = true;
    logf_("offer sent");
    flush_early_candidates(p);
    return G_SOURCE_REMOVE;
}

/* set-local-description promise: runs on a webrtcbin thread. The offer goes out only
 * now: an answer that came back before webrtcbin applied our offer would be refused
 * ("not in the correct state"), which a fast server on loopback does provoke. */
static void on_local_set(GstPromise *promise, gpointer data)
{
    struct offer_ready *o = data;
    const GstStructure *reply = gst_promise_get_reply(promise);

    if (reply && gst_structure_has_field(reply, "error")) {
        GError *err = NULL;
        gst_structure_get(reply, "error", G_TYPE_ERROR, &err, NULL);
        o->error = g_strdup_printf("set-local-description: %s", err ? err->message : "unknown error");
        g_clear_error(&err);
        g_clear_pointer(&o->sdp_text, g_free);
    }
    gst_promise_unref(promise);
    g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, on_offer_ready, o, offer_ready_free);
}

/* create-offer promise: runs on a webrtcbin thread. */
static void on_offer_created(GstPromise *promise, gpointer data)
{
    struct peer *p = data;
    struct offer_ready *o = g_new0(struct offer_ready, 1);
    const GstStructure *reply = gst_promise_get_reply(promise);
    GstWebRTCSessionDescription *offer = NULL;

    o->peer = p;
    if (reply)
        gst_structure_get(reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
    if (!offer) {
        GError *err = NULL;
        if (reply)
            gst_structure_get(reply, "error", G_TYPE_ERROR, &err, NULL);
        o->error = g_strdup(err ? err->message : "the promise has no offer");
        g_clear_error(&err);
        g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, on_offer_ready, o, offer_ready_free);
    } else {
        int fixed = strcmp(p->opt.codec, "h264") == 0 && !p->opt.offer_as_is ? offer_fix_h264_fmtp(offer->sdp) : 0;
        if (fixed > 0)
            logf_("rewrote %d H.264 fmtp line(s) of the offer to '%s'", fixed, H264_PT_FMTP);
        o->sdp_text = gst_sdp_message_as_text(offer->sdp);
        g_signal_emit_by_name(p->webrtc, "set-local-description", offer,
                              gst_promise_new_with_change_func(on_local_set, o, NULL));
        gst_webrtc_session_description_free(offer);
    }
    gst_promise_unref(promise);
}

static void maybe_create_offer(struct peer *p)
{
    bool ready = p->opt.print_offer || p->joined;
    if (!ready || !p->negotiation_needed || p->offer_started)
        return;
    p->offer_started = true;
    g_signal_emit_by_name(p->webrtc, "create-offer", NULL,
                          gst_promise_new_with_change_func(on_offer_created, p, NULL));
}

static gboolean on_negotiation_needed_main(gpointer data)
{
    struct peer *p = data;
    p->negotiation_needed = true;
    maybe_create_offer(p);
    return G_SOURCE_REMOVE;
}

static void on_negotiation_needed(GstElement *webrtc, gpointer data)
{
    (void)webrtc;
    g_idle_add(on_negotiation_needed_main, data);
}

struct remote_set {         /* set-remote-description outcome, to the main loop */
    struct peer *peer;
    char *error;            /* NULL on success */
};

static gboolean on_remote_set_main(gpointer data)
{
    struct remote_set *r = data;
    if (r->error) {
        peer_finish(r->peer, PEER_SIGNALLING, g_strdup_printf("webrtcbin rejected the answer: %s", r->error));
    } else {
        r->peer->answer_applied = true;
        logf_("answer applied");
    }
    g_free(r->error);
    g_free(r);
    return G_SOURCE_REMOVE;
}

static void on_remote_set(GstPromise *promise, gpointer data)
{
    struct remote_set *r = g_new0(struct remote_set, 1);
    const GstStructure *reply = gst_promise_get_reply(promise);
    GError *err = NULL;

    r->peer = data;
    if (reply && gst_structure_has_field(reply, "error")) {
        gst_structure_get(reply, "error", G_TYPE_ERROR, &err, NULL);
        r->error = g_strdup(err ? err->message : "unknown error");
        g_clear_error(&err);
    }
    gst_promise_unref(promise);
    g_idle_add(on_remote_set_main, r);
}

static void apply_answer(struct peer *p, const char *sdp_text)
{
    GstSDPMessage *sdp = NULL;
    GstWebRTCSessionDescription *answer;

    if (gst_sdp_message_new_from_text(sdp_text, &sdp) != GST_SDP_OK) {
        peer_finish(p, PEER_SIGNALLING, g_strdup("the server's answer is not SDP that GStreamer can parse"));
        gst_sdp_message_free(sdp);
        return;
    }
    if (p->opt.show_sdp)
        logf_("answer SDP:\n%s", sdp_text);
    p->answer_video = sdp_video_codec(sdp, &p->answer_video_codec);
    logf_("answer received: video %s", p->answer_video ? p->answer_video : "none");
    p->answered = true;
    answer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, sdp);   /* takes sdp */
    g_signal_emit_by_name(p->webrtc, "set-remote-description", answer,
                          gst_promise_new_with_change_func(on_remote_set, p, NULL));
    gst_webrtc_session_description_free(answer);
}

static void add_remote_candidate(struct peer *p, json_t *msg)
{
    const char *cand = json_string_value(json_object_get(msg, "candidate"));
    json_t *index = json_object_get(msg, "sdpMLineIndex");

    if (!cand || !json_is_integer(index)) {
        logf_("ignoring a server candidate without candidate/sdpMLineIndex");
        return;
    }
    logf_("server candidate: %s", cand);
    g_signal_emit_by_name(p->webrtc, "add-ice-candidate", (guint)json_integer_value(index), cand);
}

/* The mid of m-line mline in our local description, or "" (caller frees). */
static char *local_mid(struct peer *p, guint mline)
{
    GstWebRTCSessionDescription *local = NULL;
    char *mid = NULL;

    g_object_get(p->webrtc, "local-description", &local, NULL);
    if (local && mline < gst_sdp_message_medias_len(local->sdp))
        mid = g_strdup(gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(local->sdp, mline), "mid"));
    if (local)
        gst_webrtc_session_description_free(local);
    return mid ? mid : g_strdup("");
}

struct local_candidate {    /* from on-ice-candidate (webrtcbin thread) to the main loop */
    struct peer *peer;
    guint mline;
    char *candidate;
};

static void local_candidate_free(gpointer data)
{
    struct local_candidate *c = data;
    g_free(c->candidate);
    g_free(c);
}

static gboolean on_local_candidate_main(gpointer data)
{
    struct local_candidate *c = data;
    struct peer *p = c->peer;
    const char *text = c->candidate;
    char *mid;
    json_t *req;

    if (g_str_has_prefix(text, "a="))
        text += 2;
    if (*text == '\0')
        return G_SOURCE_REMOVE;     /* an empty candidate means end of gathering; handled there */
    mid = local_mid(p, c->mline);
    req = json_pack("{s:s, s:s, s:i}", "candidate", text, "sdpMid", mid, "sdpMLineIndex", (int)c->mline);
    g_free(mid);
    logf_("local candidate: %s", text);
    if (!p->offer_sent) {   /* gathering starts at set-local-description, before the offer is out */
        g_queue_push_tail(&p->early_candidates, req);
    } else {
        request(p, "candidate", req);
        p->candidates_sent++;
    }
    return G_SOURCE_REMOVE;
}

static void on_ice_candidate(GstElement *webrtc, guint mline, gchar *candidate, gpointer data)
{
    struct local_candidate *c = g_new0(struct local_candidate, 1);
    (void)webrtc;
    c->peer = data;
    c->mline = mline;
    c->candidate = g_strdup(candidate);
    g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, on_local_candidate_main, c, local_candidate_free);
}

static gboolean on_gathering_done_main(gpointer data)
{
    struct peer *p = data;
    if (p->gathering_done)
        return G_SOURCE_REMOVE;
    p->gathering_done = true;
    logf_("ICE gathering complete");
    if (p->opt.print_offer)
        return G_SOURCE_REMOVE;
    if (p->offer_sent)
        request(p, "end_of_candidates", json_object());
    /* else flush_early_candidates() sends it after the offer */
    return G_SOURCE_REMOVE;
}

static void on_gathering_state(GObject *webrtc, GParamSpec *pspec, gpointer data)
{
    GstWebRTCICEGatheringState state;
    (void)pspec;
    g_object_get(webrtc, "ice-gathering-state", &state, NULL);
    if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
        g_idle_add(on_gathering_done_main, data);
}

static void on_ice_connection_state(GObject *webrtc, GParamSpec *pspec, gpointer data)
{
    GstWebRTCICEConnectionState state;
    (void)pspec;
    (void)data;
    g_object_get(webrtc, "ice-connection-state", &state, NULL);
    logf_("ICE connection state: %s", enum_nick(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)state));
}

/* libnice gathers no loopback address by itself: hand it the --ice-address list. */
static bool add_ice_addresses(struct peer *p)
{
    GstWebRTCICE *ice = NULL;
    NiceAgent *agent = NULL;
    bool ok = true;

    if (p->opt.ice_address_count == 0)
        return true;
    g_object_get(p->webrtc, "ice-agent", &ice, NULL);
    if (ice && g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent"))
        g_object_get(ice, "agent", &agent, NULL);
    if (!agent) {
        fprintf(stderr, "webrtc_peer: webrtcbin's ICE agent is not libnice; cannot add --ice-address\n");
        ok = false;
    }
    for (int i = 0; ok && i < p->opt.ice_address_count; i++) {
        NiceAddress addr;
        nice_address_init(&addr);
        if (!nice_address_set_from_string(&addr, p->opt.ice_addresses[i]) ||
            !nice_agent_add_local_address(agent, &addr)) {
            fprintf(stderr, "webrtc_peer: cannot use ICE address '%s'\n", p->opt.ice_addresses[i]);
            ok = false;
        }
    }
    if (agent)
        g_object_unref(agent);
    if (ice)
        gst_object_unref(ice);
    return ok;
}

/* ---------------------------------------------------------------- decoding and counting */

static gboolean on_goal_check(gpointer data);

static void note_progress(struct peer *p)
{
    if (g_atomic_int_get(&p->video_frames) >= p->opt.min_frames && g_atomic_int_get(&p->audio_buffers) > 0 &&
        g_atomic_int_compare_and_exchange(&p->goal_reported, 0, 1))
        g_idle_add(on_goal_check, p);
}

static void note_video_caps(struct peer *p, GstCaps *caps)
{
    const GstStructure *s = gst_caps_get_structure(caps, 0);
    int w = 0, h = 0;

    gst_structure_get_int(s, "width", &w);
    gst_structure_get_int(s, "height", &h);
    g_mutex_lock(&p->media_lock);
    if (p->width != w || p->height != h)
        logf_("decoded video caps: %dx%d %s", w, h, gst_structure_get_string(s, "format"));
    p->width = w;
    p->height = h;
    g_free(p->video_format);
    p->video_format = g_strdup(gst_structure_get_string(s, "format"));
    g_mutex_unlock(&p->media_lock);
}

static GstPadProbeReturn on_decoded_video(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct peer *p = data;
    (void)pad;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        g_atomic_int_inc(&p->video_frames);
        note_progress(p);
    } else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_CAPS) {
        GstCaps *caps;
        gst_event_parse_caps(GST_PAD_PROBE_INFO_EVENT(info), &caps);
        note_video_caps(p, caps);
    }
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn on_decoded_audio(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    struct peer *p = data;
    (void)pad;
    (void)info;
    g_atomic_int_inc(&p->audio_buffers);
    note_progress(p);
    return GST_PAD_PROBE_OK;
}

/* decodebin exposed a decoded stream: count it into a fakesink. */
static void on_decoded_pad(GstElement *decodebin, GstPad *pad, gpointer data)
{
    struct peer *p = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    const char *kind = caps ? gst_structure_get_name(gst_caps_get_structure(caps, 0)) : "";
    GstElement *sink = gst_element_factory_make("fakesink", NULL);
    GstPad *sinkpad;
    (void)decodebin;

    g_object_set(sink, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add(GST_BIN(p->pipeline), sink);
    gst_element_sync_state_with_parent(sink);
    sinkpad = gst_element_get_static_pad(sink, "sink");
    if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK)
        logf_("cannot link a decoded %s pad", kind);
    gst_object_unref(sinkpad);

    if (g_str_has_prefix(kind, "video/")) {
        note_video_caps(p, caps);
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                          on_decoded_video, p, NULL);
    } else if (g_str_has_prefix(kind, "audio/")) {
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_decoded_audio, p, NULL);
    }
    if (caps)
        gst_caps_unref(caps);
}

/* Records which decoder decodebin picked for video (avdec_h264, vp8dec, ...). */
static void on_decoder_added(GstBin *bin, GstElement *element, gpointer data)
{
    struct peer *p = data;
    GstElementFactory *f = gst_element_get_factory(element);
    const char *klass = f ? gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS) : NULL;
    (void)bin;

    if (klass && strstr(klass, "Decoder") && strstr(klass, "Video")) {
        g_mutex_lock(&p->media_lock);
        g_free(p->video_decoder);
        p->video_decoder = g_strdup(GST_OBJECT_NAME(f));
        g_mutex_unlock(&p->media_lock);
    }
}

/* webrtcbin has a stream from the server: decode it. */
static void on_webrtc_pad(GstElement *webrtc, GstPad *pad, gpointer data)
{
    struct peer *p = data;
    GstCaps *caps;
    const GstStructure *s;
    GstElement *decodebin;
    GstPad *sinkpad;
    (void)webrtc;

    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
        return;
    caps = gst_pad_get_current_caps(pad);
    if (!caps)
        caps = gst_pad_query_caps(pad, NULL);
    s = gst_caps_get_structure(caps, 0);
    logf_("incoming %s stream: %s", gst_structure_get_string(s, "media"),
          gst_structure_get_string(s, "encoding-name"));
    if (g_strcmp0(gst_structure_get_string(s, "media"), "video") == 0) {
        g_mutex_lock(&p->media_lock);
        g_free(p->received_video_codec);
        p->received_video_codec = g_strdup(gst_structure_get_string(s, "encoding-name"));
        g_mutex_unlock(&p->media_lock);
    }
    gst_caps_unref(caps);

    decodebin = gst_element_factory_make("decodebin", NULL);
    g_signal_connect(decodebin, "pad-added", G_CALLBACK(on_decoded_pad), p);
    g_signal_connect(decodebin, "element-added", G_CALLBACK(on_decoder_added), p);
    gst_bin_add(GST_BIN(p->pipeline), decodebin);
    gst_element_sync_state_with_parent(decodebin);
    sinkpad = gst_element_get_static_pad(decodebin, "sink");
    if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK)
        logf_("cannot link webrtcbin's %s to decodebin", GST_PAD_NAME(pad));
    gst_object_unref(sinkpad);
}

/* ---------------------------------------------------------------- pipeline */

struct needed_element {
    const char *factory;
    const char *package;
};

/* Every element the run needs, with the Debian package that has it. */
static bool check_elements(const char *codec)
{
    static const struct needed_element common[] = {
        {"webrtcbin", "gstreamer1.0-plugins-bad"}, {"dtlssrtpenc", "gstreamer1.0-plugins-bad"},
        {"srtpenc", "gstreamer1.0-plugins-bad"},   {"nicesrc", "gstreamer1.0-nice"},
        {"rtpbin", "gstreamer1.0-plugins-good"},   {"videotestsrc", "gstreamer1.0-plugins-base"},
        {"audiotestsrc", "gstreamer1.0-plugins-base"}, {"opusenc", "gstreamer1.0-plugins-base"},
        {"opusdec", "gstreamer1.0-plugins-base"},  {"rtpopuspay", "gstreamer1.0-plugins-good"},
        {"decodebin", "gstreamer1.0-plugins-base"}, {"fakesink", "libgstreamer1.0-0"},
    };
    static const struct needed_element h264[] = {
        {"x264enc", "gstreamer1.0-plugins-ugly"}, {"rtph264pay", "gstreamer1.0-plugins-good"},
        {"rtph264depay", "gstreamer1.0-plugins-good"}, {"avdec_h264", "gstreamer1.0-libav"},
    };
    static const struct needed_element vp8[] = {
        {"vp8enc", "gstreamer1.0-plugins-good"}, {"rtpvp8pay", "gstreamer1.0-plugins-good"},
        {"rtpvp8depay", "gstreamer1.0-plugins-good"}, {"vp8dec", "gstreamer1.0-plugins-good"},
    };
    const struct needed_element *lists[2] = {common, strcmp(codec, "h264") == 0 ? h264 : vp8};
    size_t counts[2] = {G_N_ELEMENTS(common), 4};
    bool ok = true;

    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            GstElementFactory *f = gst_element_factory_find(lists[l][i].factory);
            if (!f) {
                fprintf(stderr, "webrtc_peer: missing GStreamer element %s (Debian package %s)\n",
                        lists[l][i].factory, lists[l][i].package);
                ok = false;
            } else {
                gst_object_unref(f);
            }
        }
    }
    return ok;
}

static const char *pipeline_description(const char *codec)
{
    if (strcmp(codec, "h264") == 0)
        return "webrtcbin name=webrtc bundle-policy=max-bundle "
               "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 "
               "! queue ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 "
               "! video/x-h264,profile=constrained-baseline "
               "! rtph264pay config-interval=-1 aggregate-mode=zero-latency "
               "! application/x-rtp,media=video,encoding-name=H264,payload=102 ! webrtc. "
               "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! queue ! opusenc "
               "! rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc.";
    return "webrtcbin name=webrtc bundle-policy=max-bundle "
           "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 "
           "! queue ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay "
           "! application/x-rtp,media=video,encoding-name=VP8,payload=96 ! webrtc. "
           "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! queue ! opusenc "
           "! rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc.";
}

static gboolean on_bus_message(GstBus *bus, GstMessage *msg, gpointer data)
{
    struct peer *p = data;
    (void)bus;

    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        GError *err = NULL;
        char *debug = NULL;
        gst_message_parse_error(msg, &err, &debug);
        logf_("pipeline error debug: %s", debug ? debug : "-");
        peer_finish(p, PEER_SETUP, g_strdup_printf("GStreamer error from %s: %s", GST_OBJECT_NAME(msg->src),
                                                  err ? err->message : "?"));
        g_clear_error(&err);
        g_free(debug);
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
        GError *err = NULL;
        gst_message_parse_warning(msg, &err, NULL);
        logf_("GStreamer warning from %s: %s", GST_OBJECT_NAME(msg->src), err ? err->message : "?");
        g_clear_error(&err);
    }
    return G_SOURCE_CONTINUE;
}

static bool pipeline_create(struct peer *p)
{
    GError *err = NULL;

    if (!check_elements(p->opt.codec))
        return false;
    p->pipeline = gst_parse_launch(pipeline_description(p->opt.codec), &err);
    if (!p->pipeline || err) {
        fprintf(stderr, "webrtc_peer: cannot build the pipeline: %s\n", err ? err->message : "?");
        g_clear_error(&err);
        return false;
    }
    p->webrtc = gst_bin_get_by_name(GST_BIN(p->pipeline), "webrtc");
    gst_object_unref(p->webrtc);    /* the pipeline keeps it alive */
    if (!add_ice_addresses(p))
        return false;

    g_signal_connect(p->webrtc, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), p);
    g_signal_connect(p->webrtc, "on-ice-candidate", G_CALLBACK(on_ice_candidate), p);
    g_signal_connect(p->webrtc, "notify::ice-gathering-state", G_CALLBACK(on_gathering_state), p);
    g_signal_connect(p->webrtc, "notify::ice-connection-state", G_CALLBACK(on_ice_connection_state), p);
    g_signal_connect(p->webrtc, "pad-added", G_CALLBACK(on_webrtc_pad), p);
    {
        GstBus *bus = gst_pipeline_get_bus(GST_PIPELINE(p->pipeline));
        gst_bus_add_watch(bus, on_bus_message, p);
        gst_object_unref(bus);
    }
    if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        fprintf(stderr, "webrtc_peer: the pipeline does not start\n");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- outcome */

/* Reads ICE, DTLS and peer-connection states into the peer (main loop, before stop). */
static void read_transport_states(struct peer *p)
{
    GstWebRTCICEConnectionState ice;
    GstWebRTCPeerConnectionState conn;
    GstWebRTCRTPTransceiver *trans = NULL;

    g_object_get(p->webrtc, "ice-connection-state", &ice, "connection-state", &conn, NULL);
    p->ice_state = g_strdup(enum_nick(GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, (int)ice));
    p->connection_state = g_strdup(enum_nick(GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, (int)conn));
    g_signal_emit_by_name(p->webrtc, "get-transceiver", 0, &trans);
    if (trans) {
        GstWebRTCRTPSender *sender = NULL;
        GstWebRTCDTLSTransport *dtls = NULL;
        g_object_get(trans, "sender", &sender, NULL);
        if (sender)
            g_object_get(sender, "transport", &dtls, NULL);
        if (dtls) {
            GstWebRTCDTLSTransportState state;
            g_object_get(dtls, "state", &state, NULL);
            p->dtls_state = g_strdup(enum_nick(GST_TYPE_WEBRTC_DTLS_TRANSPORT_STATE, (int)state));
            gst_object_unref(dtls);
        }
        if (sender)
            gst_object_unref(sender);
        gst_object_unref(trans);
    }
    if (!p->dtls_state)
        p->dtls_state = g_strdup("none");
}

static char *media_shortfall(struct peer *p)
{
    int frames = g_atomic_int_get(&p->video_frames);
    int audio = g_atomic_int_get(&p->audio_buffers);
    return g_strdup_printf("%s, %s, %d local candidates sent%s, ICE %s, DTLS %s, %d video frames decoded "
                           "(need %d), %d audio buffers decoded in %d s",
                           p->joined ? "joined" : "not joined",
                           p->answer_applied ? "answer applied" : p->answered ? "answer not applied" : "no answer",
                           p->candidates_sent,
                           p->candidates_sent == 0 ? " (libnice gathers no loopback address by itself: "
                                                     "pass --ice-address 127.0.0.1)" : "",
                           p->ice_state, p->dtls_state, frames, p->opt.min_frames, audio, p->opt.duration_s);
}

static gboolean on_goal_check(gpointer data)
{
    struct peer *p = data;
    if (p->opt.stay) {
        logf_("goal reached: decoded %d video frames and %d audio buffers; staying until SIGTERM or --duration",
              g_atomic_int_get(&p->video_frames), g_atomic_int_get(&p->audio_buffers));
        return G_SOURCE_REMOVE;
    }
    logf_("decoded %d video frames and %d audio buffers: done", g_atomic_int_get(&p->video_frames),
          g_atomic_int_get(&p->audio_buffers));
    peer_finish(p, PEER_OK, NULL);
    return G_SOURCE_REMOVE;
}

static gboolean on_deadline(gpointer data)
{
    struct peer *p = data;
    if (p->opt.print_offer) {
        peer_finish(p, PEER_SETUP, g_strdup("webrtcbin made no offer in time"));
        return G_SOURCE_REMOVE;
    }
    if (!p->greeted)
        peer_finish(p, PEER_SIGNALLING, g_strdup_printf("no hello from %s within %d s (%s)", p->opt.server,
                                                       p->opt.duration_s,
                                                       p->connected ? "connected" : "never connected"));
    else if (!p->joined)
        peer_finish(p, PEER_SIGNALLING, g_strdup("no reply to join in time"));
    else if (!p->answered)
        peer_finish(p, PEER_SIGNALLING, g_strdup(p->offer_sent ? "no answer to the offer in time"
                                                                : "webrtcbin made no offer in time"));
    else if (g_atomic_int_get(&p->video_frames) >= p->opt.min_frames && g_atomic_int_get(&p->audio_buffers) > 0)
        peer_finish(p, PEER_OK, NULL);
    else
        peer_finish(p, PEER_NO_MEDIA, NULL);   /* described after the states are read */
    return G_SOURCE_REMOVE;
}

/* SIGTERM / SIGINT: end now, judged as if --duration had run out. */
static gboolean on_stop_signal(gpointer data)
{
    logf_("stop signal: leaving");
    return on_deadline(data);
}

static void print_summary(struct peer *p)
{
    g_mutex_lock(&p->media_lock);
    printf("webrtc_peer: result=%s video_frames=%d resolution=%dx%d video_format=%s audio_buffers=%d "
           "answer_video_codec=%s received_video_codec=%s video_decoder=%s ice=%s dtls=%s connection=%s "
           "candidates_sent=%d\n",
           p->exit_code == PEER_OK ? "ok" : "fail", g_atomic_int_get(&p->video_frames), p->width, p->height,
           p->video_format ? p->video_format : "none", g_atomic_int_get(&p->audio_buffers),
           p->answer_video_codec ? p->answer_video_codec : "none",
           p->received_video_codec ? p->received_video_codec : "none",
           p->video_decoder ? p->video_decoder : "none", p->ice_state, p->dtls_state, p->connection_state,
           p->candidates_sent);
    g_mutex_unlock(&p->media_lock);
    if (p->answer_video)
        printf("webrtc_peer: answer video: %s\n", p->answer_video);
    fflush(stdout);
}

/* ---------------------------------------------------------------- main */

static void peer_free(struct peer *p)
{
    char *text;
    json_t *req;

    if (p->pipeline) {
        gst_element_set_state(p->pipeline, GST_STATE_NULL);
        gst_object_unref(p->pipeline);
    }
    if (p->lws)
        lws_context_destroy(p->lws);
    while ((text = g_queue_pop_head(&p->outbox)) != NULL)
        free(text);
    while ((req = g_queue_pop_head(&p->early_candidates)) != NULL)
        json_decref(req);
    g_string_free(p->inbox, TRUE);
    g_main_loop_unref(p->loop);
    g_mutex_clear(&p->media_lock);
    g_free(p->url_buffer);
    g_free(p->url_path);
    g_free(p->participant);
    g_free(p->answer_video);
    g_free(p->answer_video_codec);
    g_free(p->ice_state);
    g_free(p->dtls_state);
    g_free(p->connection_state);
    g_free(p->video_format);
    g_free(p->received_video_codec);
    g_free(p->video_decoder);
    g_free(p->failure);
}

int main(int argc, char **argv)
{
    struct peer peer;
    struct peer *p = &peer;
    int rc;

    memset(p, 0, sizeof(*p));
    rc = parse_options(argc, argv, &p->opt);
    if (rc >= 0)
        return rc;
    gst_init(NULL, NULL);
    p->loop = g_main_loop_new(NULL, FALSE);
    p->inbox = g_string_new(NULL);
    g_queue_init(&p->outbox);
    g_queue_init(&p->early_candidates);
    g_mutex_init(&p->media_lock);

    if (!pipeline_create(p)) {
        peer_free(p);
        return PEER_SETUP;
    }
    if (!p->opt.print_offer && !ws_connect(p)) {
        peer_free(p);
        return PEER_SIGNALLING;
    }
    g_timeout_add_seconds((guint)p->opt.duration_s, on_deadline, p);
    g_unix_signal_add(SIGTERM, on_stop_signal, p);
    g_unix_signal_add(SIGINT, on_stop_signal, p);
    if (!p->finished)
        g_main_loop_run(p->loop);

    if (!p->opt.print_offer) {
        read_transport_states(p);
        if (p->exit_code == PEER_NO_MEDIA && !p->failure)
            p->failure = media_shortfall(p);
        print_summary(p);
    }
    if (p->failure)
        fprintf(stderr, "webrtc_peer: FAILED: %s\n", p->failure);
    rc = p->exit_code;
    peer_free(p);
    return rc;
}
