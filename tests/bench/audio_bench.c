/* audio_bench.c - the MCU's own audio work per room (make bench; not a test).
 *
 *   audio-bench [--rooms N] [--seconds S] [--mode shared|per-room|decode-all|all]
 *               [--complexity C] [--own-complexity C] [--top-n K] [--repeat R]
 *
 * Builds N rooms' Opus streams in memory first (untimed): per conference of up to 50
 * rooms, 4 talkers (synthetic speech: see struct talker) and the rest near-silent
 * (faint noise, about -77 dBov), encoded in
 * 20 ms packets and packetized to RTP with an RFC 6464 level in a one-byte header
 * extension, as a WebRTC sender sends them. Rooms are split into conferences of at
 * most 50 (one mix engine each, MIX_ENGINE_MAX_INPUTS is 64).
 *
 * Then the timed loop, S seconds of media as fast as the CPU goes, on one thread:
 * every 20 ms, each room's packet is pushed (mix_engine_push_rtp, arrival a few ms
 * late), each engine runs mix_engine_audio_tick, and each room gets the packet it
 * hears (the full mix, or its own minus-self mix) copied with its SSRC, sequence
 * number and timestamp rewritten: a stand-in for the daemon's per-receiver packet
 * work (SRTP protection and the send are not included). CPU time of that loop alone
 * (getrusage: user + sys) gives rooms per core = rooms x S / CPU seconds. With
 * --repeat R each mode runs R times and the least CPU time counts (on a shared
 * machine the others' load only ever adds).
 *
 * Modes: shared (one encode of the full mix for the listeners and a minus-self
 * encode for each talker: the engine's default), per-room (config
 * encode_every_input: one encode per room, the baseline), decode-all (shared, but
 * the packets carry no levels, so every room is decoded). Prints one line per mode:
 *
 *   audio-bench: mode shared rooms 50 conferences 1 seconds 10 cpu 0.123 rooms-per-core 4065 ...
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mixer/media/audio_format.h"
#include "mixer/codec/mix_audio_codec.h"
#include "mixer/engine/mix_engine.h"
#include "mixer/rtp/rtp.h"

#define ROOMS_PER_CONFERENCE 50
#define TALKERS              4
#define SILENT_STREAMS       4 /* distinct near-silent streams, shared round-robin */
#define LEVEL_EXT_ID         1
#define TICK_US              20000
#define MAX_PACKET           1500
#define PAYLOAD_TYPE         111

/* One encoded stream: `ticks` Opus payloads with their RFC 6464 levels. */
struct stream {
    size_t ticks;
    uint8_t **payload;
    size_t *size;
    uint8_t *level;
};

/* One room: its RTP packets, ready to push, and what it is sent back. */
struct room {
    uint8_t *packets; /* ticks x MAX_PACKET */
    size_t *length;
    uint8_t out[MAX_PACKET]; /* the packet it hears this tick, rewritten */
    uint16_t out_sequence;
    uint32_t out_ssrc;
};

struct conference {
    struct mix_engine *engine;
    size_t rooms;
    struct room *room;
    uint8_t full[MAX_PACKET]; /* this tick's packets per output */
    size_t full_len;
    uint8_t own[ROOMS_PER_CONFERENCE][MAX_PACKET];
    size_t own_len[ROOMS_PER_CONFERENCE];
    uint64_t modes[3]; /* output packets coded SILK, hybrid, CELT */
};

struct bench {
    size_t rooms;
    double seconds;
    size_t ticks;
    int complexity;     /* full mix; -1: the engine's default */
    int own_complexity; /* minus-self mixes; -1: the engine's default */
    size_t top_n;
    int repeat; /* runs per mode; the least CPU time is reported */
    struct stream talker[TALKERS];
    struct stream silent[SILENT_STREAMS];
};

struct result {
    double cpu;
    uint64_t encodes, own_encodes, decoded, skipped, packets_out;
    uint64_t modes[3];
};

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

/* A synthetic talker: glottal pulses (pitch drifting around 110 + 40k Hz) through
 * three moving formant resonators, about 3 syllables a second with a short fricative
 * each, a pause every 4 s, over room noise at about -60 dBov (louder than the silent
 * rooms, so a pausing talker still outranks them). Opus codes it in its speech mode
 * (hybrid SILK + CELT), as it would a voice: pure tones would be coded as music
 * (CELT only), which costs half as much. */
struct resonator {
    double y1, y2;
};

struct talker {
    int k;
    double phase;
    struct resonator formant[3];
    uint32_t seed;
    size_t sample;
};

static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

static double resonate(struct resonator *r, double x, double freq, double bandwidth)
{
    double radius = exp(-M_PI * bandwidth / AUDIO_SAMPLE_RATE);
    double theta = 2 * M_PI * freq / AUDIO_SAMPLE_RATE;
    double y = x * (1 - radius) + 2 * radius * cos(theta) * r->y1 - radius * radius * r->y2;
    r->y2 = r->y1;
    r->y1 = y;
    return y;
}

static void talker_pcm(struct talker *tk, int16_t *pcm)
{
    for (size_t i = 0; i < AUDIO_FRAME_SAMPLES; i++, tk->sample++) {
        double t = (double)tk->sample / AUDIO_SAMPLE_RATE;
        double f0 = (110.0 + 40.0 * tk->k) *
                    (1 + 0.08 * sin(2 * M_PI * 0.7 * t) + 0.04 * sin(2 * M_PI * 2.3 * t));
        tk->phase += f0 / AUDIO_SAMPLE_RATE;
        double pulse = 0;
        if (tk->phase >= 1) {
            tk->phase -= 1;
            pulse = 1;
        }
        double syllables = t * (3.2 + 0.3 * tk->k);
        double syllable = fmod(syllables, 1.0);
        double envelope = syllable < 0.65 ? sin(M_PI * syllable / 0.65) : 0;
        if (fmod(t * 0.25 + 0.1 * tk->k, 1.0) > 0.85) envelope = 0;
        double noise = (double)(lcg(&tk->seed) >> 16) / 32768.0 - 1;
        double fricative = syllable > 0.55 && syllable < 0.7 && envelope > 0 ? 0.06 * noise : 0;
        double x = pulse * envelope + fricative;
        double f1 = 500 + 250 * sin(2 * M_PI * 0.37 * syllables);
        double f2 = 1500 + 600 * sin(2 * M_PI * 0.23 * syllables + 1);
        double y = resonate(&tk->formant[0], x, f1, 80) +
                   0.6 * resonate(&tk->formant[1], x, f2, 120) +
                   0.3 * resonate(&tk->formant[2], x, 2600, 200);
        double v = 100000.0 * y + 60.0 * noise;
        pcm[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
    }
}

/* 20 ms of faint room noise (about -80 dBov). */
static void silent_pcm(int16_t *pcm, uint32_t *seed)
{
    for (size_t i = 0; i < AUDIO_FRAME_SAMPLES; i++) pcm[i] = (int16_t)((int)(lcg(seed) >> 28) - 8);
}

static uint8_t level_of(const int16_t *pcm)
{
    double energy = 0;
    for (size_t i = 0; i < AUDIO_FRAME_SAMPLES; i++) energy += (double)pcm[i] * pcm[i];
    if (energy <= 0) return AUDIO_LEVEL_SILENT;
    double db = 10.0 * log10(energy / AUDIO_FRAME_SAMPLES / (32768.0 * 32768.0));
    long level = lrint(-db);
    return (uint8_t)(level < 0 ? 0 : level > AUDIO_LEVEL_SILENT ? AUDIO_LEVEL_SILENT : level);
}

/* Encodes a stream as a sender would: Opus 32 kbit/s, 20 ms. kind: talker k >= 0,
 * or silent (-1 - seed). Returns 0 or -1. */
static int make_stream(struct stream *s, size_t ticks, int kind)
{
    struct mix_audio_encoder_config ec;
    mix_audio_encoder_config_init(&ec);
    struct mix_audio_encoder *enc = mix_audio_encoder_new(&ec);
    if (!enc) return -1;
    s->ticks = ticks;
    s->payload = calloc(ticks, sizeof *s->payload);
    s->size = calloc(ticks, sizeof *s->size);
    s->level = calloc(ticks, sizeof *s->level);
    if (!s->payload || !s->size || !s->level) {
        mix_audio_encoder_free(enc);
        return -1;
    }
    uint32_t seed = (uint32_t)(-kind) * 2654435761u;
    struct talker talker = {.k = kind, .seed = 12345u + (uint32_t)kind};
    int16_t pcm[AUDIO_FRAME_SAMPLES];
    for (size_t t = 0; t < ticks; t++) {
        if (kind >= 0)
            talker_pcm(&talker, pcm);
        else
            silent_pcm(pcm, &seed);
        struct encoded_frame f;
        if (mix_audio_encoder_encode(enc, pcm, (int64_t)(t * AUDIO_FRAME_SAMPLES), &f) != 1 ||
            f.size > MAX_PACKET - 64) {
            mix_audio_encoder_free(enc);
            return -1;
        }
        s->payload[t] = malloc(f.size);
        if (!s->payload[t]) {
            mix_audio_encoder_free(enc);
            return -1;
        }
        memcpy(s->payload[t], f.data, f.size);
        s->size[t] = f.size;
        s->level[t] = level_of(pcm);
    }
    mix_audio_encoder_free(enc);
    return 0;
}

static void free_stream(struct stream *s)
{
    for (size_t t = 0; s->payload && t < s->ticks; t++) free(s->payload[t]);
    free(s->payload);
    free(s->size);
    free(s->level);
}

/* Room r's RTP packets from stream s: header, level extension (if levels), payload. */
static int make_room(struct room *room, const struct stream *s, size_t ticks, uint32_t ssrc,
                     bool levels)
{
    room->packets = malloc(ticks * MAX_PACKET);
    room->length = calloc(ticks, sizeof *room->length);
    if (!room->packets || !room->length) return -1;
    uint16_t seq = (uint16_t)(ssrc * 40503u);
    for (size_t t = 0; t < ticks; t++) {
        uint8_t *p = room->packets + t * MAX_PACKET;
        size_t n = rtp_write_header(p, false, PAYLOAD_TYPE, (uint16_t)(seq + t),
                                    (uint32_t)(ssrc + t * AUDIO_FRAME_SAMPLES), ssrc);
        if (levels) {
            p[0] |= 0x10;
            const uint8_t ext[8] = {
                0xBE, 0xDE, 0, 1, LEVEL_EXT_ID << 4, (uint8_t)(0x80 | s->level[t]), 0, 0};
            memcpy(p + n, ext, sizeof ext);
            n += sizeof ext;
        }
        memcpy(p + n, s->payload[t], s->size[t]);
        room->length[t] = n + s->size[t];
    }
    room->out_ssrc = ssrc ^ 0x5a5a5a5a;
    room->out_sequence = (uint16_t)ssrc;
    return 0;
}

static void on_packet(void *opaque, const struct mix_output *out, const uint8_t *packet, size_t len)
{
    struct conference *c = opaque;
    if (len <= RTP_HEADER_MIN || len > MAX_PACKET) return;
    unsigned config = packet[RTP_HEADER_MIN] >> 3; /* the Opus TOC (RFC 6716 3.1) */
    c->modes[config < 12 ? 0 : config < 16 ? 1 : 2]++;
    if (out->kind == MIX_OUTPUT_AUDIO_FULL) {
        memcpy(c->full, packet, len);
        c->full_len = len;
    } else if (out->kind == MIX_OUTPUT_AUDIO_OWN && out->index < c->rooms) {
        memcpy(c->own[out->index], packet, len);
        c->own_len[out->index] = len;
    }
}

static void free_conference(struct conference *c)
{
    mix_engine_free(c->engine);
    for (size_t r = 0; c->room && r < c->rooms; r++) {
        free(c->room[r].packets);
        free(c->room[r].length);
    }
    free(c->room);
}

static int open_conference(struct conference *c, const struct bench *b, size_t first_room,
                           size_t rooms, const char *mode)
{
    bool levels = strcmp(mode, "decode-all") != 0;
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    cfg.profile_count = 0;
    cfg.max_inputs = rooms;
    cfg.top_n = b->top_n;
    cfg.audio_complexity = b->complexity;
    cfg.audio_own_complexity = b->own_complexity;
    cfg.minus_self = true;
    cfg.encode_every_input = strcmp(mode, "per-room") == 0;
    char err[200];
    c->rooms = rooms;
    c->engine = mix_engine_new(&cfg, err, sizeof err);
    c->room = calloc(rooms, sizeof *c->room);
    if (!c->engine || !c->room) {
        fprintf(stderr, "audio-bench: %s\n", c->engine ? "out of memory" : err);
        return -1;
    }
    for (size_t r = 0; r < rooms; r++) {
        const struct stream *s = r < TALKERS ? &b->talker[r] : &b->silent[r % SILENT_STREAMS];
        uint32_t ssrc = 0x1000u + (uint32_t)(first_room + r) * 7919u;
        struct mix_input_config ic = {.audio_codec = MEDIA_CODEC_OPUS,
                                      .video_codec = MEDIA_CODEC_NONE,
                                      .audio_level_ext_id = levels ? LEVEL_EXT_ID : 0,
                                      .name = NULL};
        if (make_room(&c->room[r], s, b->ticks, ssrc, levels) < 0 ||
            mix_engine_add_input(c->engine, r, &ic) < 0) {
            fprintf(stderr, "audio-bench: cannot set up room %zu\n", first_room + r);
            return -1;
        }
    }
    return 0;
}

/* The per-receiver stand-in: room r gets a copy of the packet it hears, rewritten. */
static void send_to_rooms(struct conference *c)
{
    for (size_t r = 0; r < c->rooms; r++) {
        struct room *room = &c->room[r];
        bool own = mix_engine_audio_route(c->engine, r) == MIX_ROUTE_OWN;
        const uint8_t *src = own ? c->own[r] : c->full;
        size_t len = own ? c->own_len[r] : c->full_len;
        if (len < RTP_HEADER_MIN) continue;
        memcpy(room->out, src, len);
        rtp_set_ssrc(room->out, room->out_ssrc);
        rtp_set_sequence(room->out, room->out_sequence++);
        rtp_set_timestamp(room->out, (uint32_t)(room->out_sequence * AUDIO_FRAME_SAMPLES));
    }
}

static int run(const struct bench *b, const char *mode, struct result *res)
{
    size_t count = (b->rooms + ROOMS_PER_CONFERENCE - 1) / ROOMS_PER_CONFERENCE;
    struct conference *conf = calloc(count, sizeof *conf);
    if (!conf) return -1;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        size_t first = i * ROOMS_PER_CONFERENCE;
        size_t n =
            b->rooms - first < ROOMS_PER_CONFERENCE ? b->rooms - first : ROOMS_PER_CONFERENCE;
        rc = open_conference(&conf[i], b, first, n, mode);
    }
    if (rc == 0) {
        double start = cpu_seconds();
        for (size_t t = 0; t < b->ticks; t++) {
            int64_t now = (int64_t)t * TICK_US;
            for (size_t i = 0; i < count; i++) {
                struct conference *c = &conf[i];
                for (size_t r = 0; r < c->rooms; r++) {
                    int64_t arrival = now + (int64_t)((r * 7 + t * 13) % 5) * 1000;
                    mix_engine_push_rtp(c->engine, r, MEDIA_AUDIO,
                                        c->room[r].packets + t * MAX_PACKET, c->room[r].length[t],
                                        arrival);
                }
                struct mix_engine_sink sink = {.opaque = c, .packet = on_packet};
                c->full_len = 0;
                memset(c->own_len, 0, sizeof c->own_len);
                mix_engine_audio_tick(c->engine, now, &sink);
                send_to_rooms(c);
            }
        }
        res->cpu = cpu_seconds() - start;
        for (size_t i = 0; i < count; i++) {
            const struct mix_engine_stats *st = mix_engine_stats(conf[i].engine);
            res->encodes += st->audio_frames_out;
            res->own_encodes += st->own_encodes;
            for (size_t r = 0; r < conf[i].rooms; r++) {
                const struct mix_input_stats *is = mix_engine_input_stats(conf[i].engine, r);
                res->decoded += is->audio_frames;
                res->skipped += is->audio_skipped;
            }
            res->packets_out += b->ticks * conf[i].rooms;
            for (int k = 0; k < 3; k++) res->modes[k] += conf[i].modes[k];
        }
    }
    for (size_t i = 0; i < count; i++) free_conference(&conf[i]);
    free(conf);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: audio-bench [--rooms N] [--seconds S] "
                    "[--mode shared|per-room|decode-all|all] [--complexity C] [--own-complexity C] "
                    "[--top-n K] "
                    "[--repeat R]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct bench b = {.rooms = 50,
                      .seconds = 10,
                      .complexity = -1,
                      .own_complexity = -1,
                      .top_n = 4,
                      .repeat = 1};
    const char *mode = "all";
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return usage();
        if (strcmp(argv[i], "--rooms") == 0)
            b.rooms = (size_t)atol(v);
        else if (strcmp(argv[i], "--seconds") == 0)
            b.seconds = atof(v);
        else if (strcmp(argv[i], "--mode") == 0)
            mode = v;
        else if (strcmp(argv[i], "--complexity") == 0)
            b.complexity = atoi(v);
        else if (strcmp(argv[i], "--own-complexity") == 0)
            b.own_complexity = atoi(v);
        else if (strcmp(argv[i], "--top-n") == 0)
            b.top_n = (size_t)atol(v);
        else if (strcmp(argv[i], "--repeat") == 0)
            b.repeat = atoi(v);
        else
            return usage();
        i++;
    }
    if (b.rooms < TALKERS || b.rooms > 100000 || b.seconds <= 0 || b.seconds > 3600 ||
        b.top_n < 1 || b.repeat < 1)
        return usage();
    struct mix_engine_config def;
    mix_engine_config_init(&def);
    if (b.complexity < 0) b.complexity = def.audio_complexity;
    if (b.own_complexity < 0) b.own_complexity = def.audio_own_complexity;
    /* A tick more than the media: the jitter buffers hold the newest packet 20 ms. */
    b.ticks = (size_t)lrint(b.seconds * 1000000 / TICK_US) + 1;
    int rc = 0;
    for (int k = 0; k < TALKERS && rc == 0; k++) rc = make_stream(&b.talker[k], b.ticks, k);
    for (int k = 0; k < SILENT_STREAMS && rc == 0; k++)
        rc = make_stream(&b.silent[k], b.ticks, -1 - k);
    if (rc < 0) {
        fprintf(stderr, "audio-bench: cannot encode the input streams\n");
        return 1;
    }
    const char *modes[] = {"shared", "per-room", "decode-all"};
    for (size_t m = 0; m < 3 && rc == 0; m++) {
        if (strcmp(mode, "all") != 0 && strcmp(mode, modes[m]) != 0) continue;
        struct result res = {0};
        for (int i = 0; i < b.repeat && rc == 0; i++) {
            struct result one = {0};
            rc = run(&b, modes[m], &one);
            if (i == 0 || one.cpu < res.cpu) res = one;
        }
        if (rc < 0) break;
        double per_core = res.cpu > 0 ? (double)b.rooms * b.seconds / res.cpu : 0;
        size_t conferences = (b.rooms + ROOMS_PER_CONFERENCE - 1) / ROOMS_PER_CONFERENCE;
        printf("audio-bench: mode %s rooms %zu conferences %zu seconds %g complexity %d/%d "
               "cpu %.3f rooms-per-core %.0f us-per-room-tick %.2f encodes %llu own-encodes %llu "
               "decoded %llu skipped %llu packets-out %llu silk %llu hybrid %llu celt %llu\n",
               modes[m], b.rooms, conferences, b.seconds, b.complexity,
               m == 1 ? b.complexity : b.own_complexity, res.cpu, per_core,
               res.cpu * 1e6 / ((double)b.rooms * (double)b.ticks), (unsigned long long)res.encodes,
               (unsigned long long)res.own_encodes, (unsigned long long)res.decoded,
               (unsigned long long)res.skipped, (unsigned long long)res.packets_out,
               (unsigned long long)res.modes[0], (unsigned long long)res.modes[1],
               (unsigned long long)res.modes[2]);
        fflush(stdout);
    }
    for (int k = 0; k < TALKERS; k++) free_stream(&b.talker[k]);
    for (int k = 0; k < SILENT_STREAMS; k++) free_stream(&b.silent[k]);
    if (rc == 0 && strcmp(mode, "all") != 0 && strcmp(mode, "shared") != 0 &&
        strcmp(mode, "per-room") != 0 && strcmp(mode, "decode-all") != 0)
        return usage();
    return rc < 0 ? 1 : 0;
}
