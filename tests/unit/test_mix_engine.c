/* test_mix_engine.c - the mix engine (mixer/mix_engine*.c): minus-self audio routing
 * and content, layout switches reaching every output profile, keyframe requests from
 * an input whose video stalls, and the RTP packetization of the outputs. Inputs are
 * made here: tones and solid pictures encoded, packetized and pushed as RTP with
 * arrival times on a clock the test drives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "mixer/rtp/depacketizer.h"
#include "mixer/codec/mix_audio_codec.h"
#include "mixer/engine/mix_engine.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/rtp/rtp.h"
#include "mixer/codec/video_decoder.h"
#include "mixer/codec/video_encoder.h"
#include "tests/unit/media_synth.h"

#define TICK          AUDIO_FRAME_SAMPLES
#define AUDIO_TICK_US 20000
#define VIDEO_TICK_US 33333
#define KEEP_SAMPLES  4800 /* last 100 ms of each audio output: 10 Hz bins */

/* What came out of the engine. */
struct stream_check {
    bool seen;
    uint32_t ssrc;
    uint16_t last_sequence;
    uint32_t last_timestamp;
    size_t packets, markers, frames, bad;
};

struct capture {
    /* audio: decoded samples per output (0: full, 1 + slot: own) */
    struct mix_audio_decoder *decoder[4];
    int16_t pcm[4][KEEP_SAMPLES];
    size_t frames[4];
    /* video: newest decoded picture per profile */
    struct video_decoder *video_decoder[2];
    AVFrame *picture[2];
    size_t video_frames[2];
    /* packets per output, and a depacketizer per video profile */
    struct stream_check stream[6]; /* 0,1: video profiles; 2: full; 3..5: own */
    struct depacketizer *depacketizer[2];
    size_t depacketized[2];
};

static void keep_pcm(struct capture *c, size_t k, const struct encoded_frame *f)
{
    int16_t pcm[MIX_AUDIO_MAX_DECODED];
    int n = mix_audio_decoder_decode(c->decoder[k], f->data, f->size, pcm);
    assert_true(n > 0 && n <= KEEP_SAMPLES);
    memmove(c->pcm[k], c->pcm[k] + n, (KEEP_SAMPLES - (size_t)n) * sizeof(int16_t));
    memcpy(c->pcm[k] + KEEP_SAMPLES - n, pcm, (size_t)n * sizeof(int16_t));
    c->frames[k]++;
}

static void on_frame(void *opaque, const struct mix_output *out, const struct encoded_frame *f,
                     int64_t now_us)
{
    (void)now_us;
    struct capture *c = opaque;
    if (out->kind == MIX_OUTPUT_VIDEO) {
        const AVFrame *pic;
        if (video_decoder_decode(c->video_decoder[out->index], f, &pic) == VIDEO_DECODE_PICTURE) {
            av_frame_unref(c->picture[out->index]);
            assert_int_equal(av_frame_ref(c->picture[out->index], pic), 0);
        }
        c->video_frames[out->index]++;
    } else {
        keep_pcm(c, out->kind == MIX_OUTPUT_AUDIO_FULL ? 0 : 1 + out->index, f);
    }
}

static void on_packet(void *opaque, const struct mix_output *out, const uint8_t *data, size_t len)
{
    struct capture *c = opaque;
    size_t k = out->kind == MIX_OUTPUT_VIDEO        ? out->index
               : out->kind == MIX_OUTPUT_AUDIO_FULL ? 2
                                                    : 3 + out->index;
    struct stream_check *s = &c->stream[k];
    struct rtp_header h;
    assert_int_equal(rtp_parse(data, len, &h), 0);
    assert_true(len <= PACKETIZER_DEFAULT_MTU);
    assert_int_equal(h.ssrc, out->ssrc);
    assert_int_equal(h.payload_type, out->kind == MIX_OUTPUT_VIDEO ? 96 : 111);
    if (s->seen) {
        if (h.ssrc != s->ssrc || h.sequence != (uint16_t)(s->last_sequence + 1)) s->bad++;
        if (out->kind != MIX_OUTPUT_VIDEO && h.timestamp != s->last_timestamp + TICK) s->bad++;
    }
    s->seen = true;
    s->ssrc = h.ssrc;
    s->last_sequence = h.sequence;
    s->last_timestamp = h.timestamp;
    s->packets++;
    s->markers += h.marker;
    if (out->kind == MIX_OUTPUT_VIDEO) {
        struct encoded_frame f;
        assert_int_equal(depacketizer_push(c->depacketizer[out->index], data, len), 0);
        while (depacketizer_pull(c->depacketizer[out->index], &f) == 1)
            c->depacketized[out->index]++;
    }
}

static void capture_init(struct capture *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < 4; i++)
        assert_non_null(c->decoder[i] = mix_audio_decoder_new(MEDIA_CODEC_OPUS));
    for (size_t i = 0; i < 2; i++) {
        assert_non_null(c->video_decoder[i] = video_decoder_new(MEDIA_CODEC_VP8));
        assert_non_null(c->picture[i] = av_frame_alloc());
        assert_non_null(c->depacketizer[i] = depacketizer_new(MEDIA_CODEC_VP8));
    }
}

static void capture_free(struct capture *c)
{
    for (size_t i = 0; i < 4; i++) mix_audio_decoder_free(c->decoder[i]);
    for (size_t i = 0; i < 2; i++) {
        video_decoder_free(c->video_decoder[i]);
        av_frame_free(&c->picture[i]);
        depacketizer_free(c->depacketizer[i]);
    }
}

/* One room's sender: an encoder and a packetizer per stream. */
struct sender {
    struct mix_audio_encoder *audio;
    struct packetizer *audio_packetizer;
    struct video_encoder *video;
    struct packetizer *video_packetizer;
    AVFrame *picture;
};

static void sender_init(struct sender *s, uint32_t ssrc, uint8_t y, uint8_t u, uint8_t v)
{
    memset(s, 0, sizeof *s);
    struct mix_audio_encoder_config ac;
    mix_audio_encoder_config_init(&ac);
    assert_non_null(s->audio = mix_audio_encoder_new(&ac));
    struct packetizer_config pc = {.codec = MEDIA_CODEC_OPUS, .ssrc = ssrc, .payload_type = 111};
    assert_non_null(s->audio_packetizer = packetizer_new(&pc));
    struct video_encoder_config vc;
    video_encoder_config_init(&vc, MEDIA_CODEC_VP8, 160, 120, 200000);
    assert_non_null(s->video = video_encoder_new(&vc));
    pc = (struct packetizer_config){
        .codec = MEDIA_CODEC_VP8, .ssrc = ssrc + 1, .payload_type = 96, .mtu = 300};
    assert_non_null(s->video_packetizer = packetizer_new(&pc));
    assert_non_null(s->picture = synth_picture(160, 120, y, u, v));
}

static void sender_free(struct sender *s)
{
    mix_audio_encoder_free(s->audio);
    packetizer_free(s->audio_packetizer);
    video_encoder_free(s->video);
    packetizer_free(s->video_packetizer);
    av_frame_free(&s->picture);
}

/* Encodes 20 ms of a tone (amplitude 0: silence) for tick k and pushes it. */
static void send_audio(struct mix_engine *e, size_t slot, struct sender *s, double freq,
                       double amplitude, int64_t k)
{
    int16_t pcm[TICK];
    synth_tone(pcm, TICK, 1, freq, amplitude, AUDIO_SAMPLE_RATE, (size_t)k * TICK);
    struct encoded_frame f;
    assert_int_equal(mix_audio_encoder_encode(s->audio, pcm, k * TICK, &f), 1);
    f.rtp_timestamp = (uint32_t)(k * TICK);
    assert_true(packetizer_push(s->audio_packetizer, &f) > 0);
    const uint8_t *data;
    size_t size;
    while (packetizer_pull(s->audio_packetizer, &data, &size) == 1)
        assert_int_equal(mix_engine_push_rtp(e, slot, MEDIA_AUDIO, data, size, k * AUDIO_TICK_US),
                         0);
}

/* Encodes the sender's picture as video frame k and pushes its packets; with `lose`,
 * the packets are made (sequence numbers used) but never arrive. */
static void send_video(struct mix_engine *e, size_t slot, struct sender *s, int64_t k, bool lose)
{
    struct encoded_frame f;
    assert_int_equal(video_encoder_encode(s->video, s->picture, k * 3000), 0);
    assert_int_equal(video_encoder_receive(s->video, &f), 1);
    assert_true(packetizer_push(s->video_packetizer, &f) > 0);
    const uint8_t *data;
    size_t size;
    while (packetizer_pull(s->video_packetizer, &data, &size) == 1)
        if (!lose) mix_engine_push_rtp(e, slot, MEDIA_VIDEO, data, size, k * VIDEO_TICK_US);
}

static struct mix_engine *new_engine_with(size_t profiles, size_t top_n, bool decode_hidden)
{
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    cfg.width = 320;
    cfg.height = 180;
    cfg.max_inputs = 3;
    cfg.profile_count = profiles;
    cfg.top_n = top_n;
    cfg.profiles[0].width = 320;
    cfg.profiles[0].height = 180;
    cfg.profiles[0].bitrate = 300000;
    cfg.profiles[1] = cfg.profiles[0];
    cfg.profiles[1].width = 160;
    cfg.profiles[1].height = 90;
    cfg.profiles[1].bitrate = 100000;
    cfg.profiles[1].ssrc = 0x10000002;
    cfg.decode_hidden = decode_hidden;
    char err[200] = "";
    struct mix_engine *e = mix_engine_new(&cfg, err, sizeof err);
    if (!e) fail_msg("mix_engine_new: %s", err);
    return e;
}

static struct mix_engine *new_engine(size_t profiles, size_t top_n)
{
    return new_engine_with(profiles, top_n, false);
}

static double amp(const int16_t *pcm, double freq)
{
    return synth_tone_amplitude(pcm, KEEP_SAMPLES, 1, freq, AUDIO_SAMPLE_RATE);
}

static void test_minus_self(void **state)
{
    (void)state;
    struct mix_engine *e = new_engine(0, 2);
    struct mix_input_config ic = {.audio_codec = MEDIA_CODEC_OPUS, .name = "room"};
    for (size_t i = 0; i < 3; i++) assert_int_equal(mix_engine_add_input(e, i, &ic), 0);
    assert_int_equal(mix_engine_add_input(e, 0, &ic), -1); /* taken */
    struct sender a, b, quiet;
    sender_init(&a, 100, 0, 0, 0);
    sender_init(&b, 200, 0, 0, 0);
    sender_init(&quiet, 300, 0, 0, 0);
    struct capture c;
    capture_init(&c);
    struct mix_engine_sink sink = {&c, on_frame, on_packet};
    for (int64_t k = 0; k < 40; k++) {
        send_audio(e, 0, &a, 440, 8000, k);
        send_audio(e, 1, &b, 880, 8000, k);
        send_audio(e, 2, &quiet, 440, 0, k);
        assert_int_equal(mix_engine_audio_tick(e, k * AUDIO_TICK_US, &sink), 0);
    }
    /* Both talkers have their own mix; the quiet room (not in the top 2) shares the
     * full mix. */
    assert_int_equal(mix_engine_audio_route(e, 0), MIX_ROUTE_OWN);
    assert_int_equal(mix_engine_audio_route(e, 1), MIX_ROUTE_OWN);
    assert_int_equal(mix_engine_audio_route(e, 2), MIX_ROUTE_FULL);
    assert_int_equal(mix_engine_audio_route(e, 5), MIX_ROUTE_NONE);
    assert_true(c.frames[0] >= 35 && c.frames[1] >= 30 && c.frames[2] >= 30);
    assert_int_equal(c.frames[3], 0); /* no own mix for the silent room */

    /* A hears only B, B only A, everyone else both. */
    double a440 = amp(c.pcm[1], 440), a880 = amp(c.pcm[1], 880);
    double b440 = amp(c.pcm[2], 440), b880 = amp(c.pcm[2], 880);
    double f440 = amp(c.pcm[0], 440), f880 = amp(c.pcm[0], 880);
    print_message("A's mix: 440 %.0f, 880 %.0f; B's: %.0f, %.0f; full: %.0f, %.0f\n", a440, a880,
                  b440, b880, f440, f880);
    assert_true(a880 > 4000 && a440 < a880 / 20);
    assert_true(b440 > 4000 && b880 < b440 / 20);
    assert_true(f440 > 4000 && f880 > 4000);

    /* Audio packets: own SSRC per mix, contiguous sequence, timestamps 960 apart. */
    assert_int_equal(c.stream[2].ssrc, mix_engine_config(e)->audio_ssrc);
    assert_int_equal(c.stream[3].ssrc, mix_engine_config(e)->audio_ssrc + 1);
    assert_int_equal(c.stream[4].ssrc, mix_engine_config(e)->audio_ssrc + 2);
    for (size_t k = 2; k < 5; k++) assert_int_equal(c.stream[k].bad, 0);
    assert_true(mix_engine_input_stats(e, 0)->audio_frames >= 38);

    capture_free(&c);
    sender_free(&a);
    sender_free(&b);
    sender_free(&quiet);
    mix_engine_free(e);
}

/* Mean luma of a rectangle given in fractions of the picture. */
static double luma(const AVFrame *pic, double x, double y, double w, double h)
{
    return synth_mean(pic, 0, (int)(x * pic->width) & ~1, (int)(y * pic->height) & ~1,
                      (int)(w * pic->width) & ~1, (int)(h * pic->height) & ~1);
}

static void run_video(struct mix_engine *e, struct sender *s, size_t n, int64_t *k,
                      const struct mix_engine_sink *sink)
{
    for (size_t i = 0; i < n; i++, (*k)++) {
        for (size_t slot = 0; slot < 2; slot++) send_video(e, slot, &s[slot], *k, false);
        assert_int_equal(mix_engine_video_tick(e, *k * VIDEO_TICK_US, sink), 0);
    }
}

static void test_layout_switch_and_profiles(void **state)
{
    (void)state;
    struct mix_engine *e = new_engine(2, 4);
    struct mix_input_config ic = {.video_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_engine_add_input(e, 0, &ic), 0);
    assert_int_equal(mix_engine_add_input(e, 1, &ic), 0);
    struct sender s[2];
    sender_init(&s[0], 100, 81, 90, 240); /* red */
    sender_init(&s[1], 200, 145, 54, 34); /* green */
    struct capture c;
    capture_init(&c);
    struct mix_engine_sink sink = {&c, on_frame, on_packet};
    int64_t k = 0;

    /* 1x1: input 0, pillarboxed (4:3 in 16:9), fills the middle. */
    run_video(e, s, 5, &k, &sink);
    for (size_t p = 0; p < 2; p++) {
        const AVFrame *pic = c.picture[p];
        assert_int_equal(pic->width, p == 0 ? 320 : 160);
        assert_int_equal(pic->height, p == 0 ? 180 : 90);
        assert_true(fabs(luma(pic, 0.4, 0.3, 0.2, 0.4) - 81) < 12);
        assert_true(luma(pic, 0.0, 0.3, 0.1, 0.4) < 30); /* bar */
    }

    /* Input 1 has no cell in 1x1: it is not decoded and asks for nothing. */
    assert_true(mix_engine_input_drawn(e, 0));
    assert_false(mix_engine_input_drawn(e, 1));
    assert_int_equal(mix_engine_input_stats(e, 1)->video_pictures, 0);
    assert_int_equal(mix_engine_input_stats(e, 1)->video_hidden, 5);
    assert_false(mix_engine_keyframe_request(e, 1, k * VIDEO_TICK_US));

    /* 2x2 from the next tick: red top left, green top right, bottom black. Input 1
     * comes into view from a keyframe (what the MCU's PLI brings). */
    char err[200];
    assert_int_equal(mix_engine_set_layout(e, "2x2", err, sizeof err), 0);
    assert_int_equal(mix_engine_layout(e)->count, 4);
    video_encoder_request_keyframe(s[1].video);
    run_video(e, s, 3, &k, &sink);
    assert_true(mix_engine_input_drawn(e, 1));
    assert_int_equal(mix_engine_input_stats(e, 1)->video_pictures, 3);
    for (size_t p = 0; p < 2; p++) {
        const AVFrame *pic = c.picture[p];
        assert_true(fabs(luma(pic, 0.2, 0.15, 0.1, 0.2) - 81) < 12);
        assert_true(fabs(luma(pic, 0.7, 0.15, 0.1, 0.2) - 145) < 12);
        assert_true(luma(pic, 0.2, 0.6, 0.6, 0.3) < 30);
    }
    assert_int_equal(mix_engine_set_layout(e, "6x6", err, sizeof err), -1);
    assert_int_equal(mix_engine_set_layout(e, "{\"cells\":[]}", err, sizeof err), -1);

    /* Packetization: every frame came out as RTP with a marker on its last packet,
     * contiguous sequence numbers, and depacketizes back into the same frames. */
    for (size_t p = 0; p < 2; p++) {
        assert_int_equal(c.video_frames[p], 8);
        assert_int_equal(c.stream[p].markers, 8);
        assert_int_equal(c.stream[p].bad, 0);
        assert_int_equal(c.depacketized[p], 8);
        assert_int_equal(c.stream[p].ssrc, mix_engine_config(e)->profiles[p].ssrc);
    }
    /* Keyframe on request: exactly the next frame of that profile. */
    assert_int_equal(mix_engine_request_keyframe(e, 1), 0);
    assert_int_equal(mix_engine_request_keyframe(e, 2), -1);
    assert_int_equal(mix_engine_set_bitrate(e, 0, 250000), 0);
    run_video(e, s, 1, &k, &sink);
    assert_int_equal(mix_engine_stats(e)->video_frames_out, 18);

    capture_free(&c);
    sender_free(&s[0]);
    sender_free(&s[1]);
    mix_engine_free(e);
}

/* The baseline of the benchmark (sender control off): an input that is not drawn is
 * decoded all the same. */
static void test_decode_hidden_baseline(void **state)
{
    (void)state;
    struct mix_engine *e = new_engine_with(2, 4, true);
    struct mix_input_config ic = {.video_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_engine_add_input(e, 0, &ic), 0);
    assert_int_equal(mix_engine_add_input(e, 1, &ic), 0);
    struct sender s[2];
    sender_init(&s[0], 100, 81, 90, 240);
    sender_init(&s[1], 200, 145, 54, 34);
    struct capture c;
    capture_init(&c);
    struct mix_engine_sink sink = {&c, on_frame, on_packet};
    int64_t k = 0;
    run_video(e, s, 5, &k, &sink); /* 1x1: input 1 has no cell */
    assert_false(mix_engine_input_drawn(e, 1));
    assert_int_equal(mix_engine_input_stats(e, 1)->video_hidden, 0);
    assert_int_equal(mix_engine_input_stats(e, 1)->video_pictures, 5);
    mix_engine_free(e);
    for (size_t i = 0; i < 2; i++) sender_free(&s[i]);
    capture_free(&c);
}

static void test_cells(void **state)
{
    (void)state;
    bool present[5] = {true, true, false, true, true};
    int cells[4];
    /* Grid: cell i shows input i. */
    mix_engine_cells(4, false, present, 5, -1, 3, cells);
    assert_int_equal(cells[0], 0);
    assert_int_equal(cells[1], 1);
    assert_int_equal(cells[2], -1);
    assert_int_equal(cells[3], 3);
    /* Speaker: the speaker first, the others in slot order, as many as fit. */
    mix_engine_cells(3, true, present, 5, -1, 3, cells);
    assert_int_equal(cells[0], 3);
    assert_int_equal(cells[1], 0);
    assert_int_equal(cells[2], 1);
    /* The focus wins over the speaker; an absent speaker gives the first input. */
    mix_engine_cells(2, true, present, 5, 4, 3, cells);
    assert_int_equal(cells[0], 4);
    assert_int_equal(cells[1], 0);
    mix_engine_cells(2, true, present, 5, -1, 2, cells);
    assert_int_equal(cells[0], 0);
    assert_int_equal(cells[1], 1);
    assert_true(mix_engine_layout_follows_speaker("speaker+4"));
    assert_true(mix_engine_layout_follows_speaker("1+5"));
    assert_false(mix_engine_layout_follows_speaker("3x3"));
}

/* Cells in a given order (a conference's join order): no holes, focus and speaker
 * in the big cell whatever their position. */
static void test_cells_in_order(void **state)
{
    (void)state;
    int cells[4];
    /* Rooms that joined in slots 4, 0, 3 (slot 1 left, 2 was never there). */
    const int order[3] = {4, 0, 3};
    mix_engine_cells_in_order(4, false, order, 3, -1, 3, cells);
    assert_int_equal(cells[0], 4);
    assert_int_equal(cells[1], 0);
    assert_int_equal(cells[2], 3);
    assert_int_equal(cells[3], -1); /* empty cells only at the end */
    /* Speaker layouts: the speaker first, the others in that order. */
    mix_engine_cells_in_order(3, true, order, 3, -1, 3, cells);
    assert_int_equal(cells[0], 3);
    assert_int_equal(cells[1], 4);
    assert_int_equal(cells[2], 0);
    /* The operator's focus keeps the big cell; a speaker not in the order is ignored. */
    mix_engine_cells_in_order(3, true, order, 3, 0, 3, cells);
    assert_int_equal(cells[0], 0);
    assert_int_equal(cells[1], 4);
    assert_int_equal(cells[2], 3);
    mix_engine_cells_in_order(2, true, order, 3, -1, 1, cells);
    assert_int_equal(cells[0], 4);
    assert_int_equal(cells[1], 0);
    mix_engine_cells_in_order(2, false, order, 0, -1, -1, cells);
    assert_int_equal(cells[0], -1);
    assert_int_equal(cells[1], -1);
}

/* One video tick per step for the active slots, each from its own sender. */
static void run_slots(struct mix_engine *e, struct sender *s, const size_t *slots, size_t n,
                      size_t ticks, int64_t *k, const struct mix_engine_sink *sink)
{
    for (size_t t = 0; t < ticks; t++, (*k)++) {
        for (size_t i = 0; i < n; i++) send_video(e, slots[i], &s[i], *k, false);
        assert_int_equal(mix_engine_video_tick(e, *k * VIDEO_TICK_US, sink), 0);
    }
}

/* The luma of the middle of each 2x2 cell of the picture (row-major). */
static void cell_lumas(const AVFrame *pic, double out[4])
{
    for (size_t cell = 0; cell < 4; cell++)
        out[cell] =
            luma(pic, 0.2 + 0.5 * (double)(cell % 2), 0.15 + 0.5 * (double)(cell / 2), 0.1, 0.2);
}

static void assert_cells(const AVFrame *pic, const double want[4])
{
    double got[4];
    cell_lumas(pic, got);
    print_message("cells: %.0f %.0f %.0f %.0f (want %.0f %.0f %.0f %.0f)\n", got[0], got[1], got[2],
                  got[3], want[0], want[1], want[2], want[3]);
    for (size_t cell = 0; cell < 4; cell++) assert_true(fabs(got[cell] - want[cell]) < 12);
}

/* A conference's join order: A (slot 0), B (1), C (2) fill a 2x2; B leaves and C moves
 * up into its cell; D joins into the free slot 1 and comes after C. */
static void test_order_fills_cells_without_holes(void **state)
{
    (void)state;
    struct mix_engine *e = new_engine(1, 4);
    char err[200];
    assert_int_equal(mix_engine_set_layout(e, "2x2", err, sizeof err), 0);
    struct mix_input_config ic = {.video_codec = MEDIA_CODEC_VP8};
    for (size_t slot = 0; slot < 3; slot++) assert_int_equal(mix_engine_add_input(e, slot, &ic), 0);
    struct sender s[4];
    sender_init(&s[0], 100, 81, 90, 240);  /* A: red */
    sender_init(&s[1], 200, 145, 54, 34);  /* B: green */
    sender_init(&s[2], 300, 41, 240, 110); /* C: blue */
    sender_init(&s[3], 400, 210, 16, 146); /* D: yellow */
    struct capture c;
    capture_init(&c);
    struct mix_engine_sink sink = {&c, on_frame, on_packet};
    int64_t k = 0;
    const double black = 16;

    const int abc[3] = {0, 1, 2};
    assert_int_equal(mix_engine_set_order(e, abc, 3), 0);
    const size_t abc_slots[3] = {0, 1, 2};
    run_slots(e, s, abc_slots, 3, 3, &k, &sink);
    assert_cells(c.picture[0], (double[4]){81, 145, 41, black});

    /* B leaves: C moves up into cell 1, cell 2 is empty (no hole before C). */
    mix_engine_remove_input(e, 1);
    const int ac[2] = {0, 2};
    assert_int_equal(mix_engine_set_order(e, ac, 2), 0);
    struct sender a_c[2] = {s[0], s[2]};
    const size_t ac_slots[2] = {0, 2};
    run_slots(e, a_c, ac_slots, 2, 2, &k, &sink);
    assert_cells(c.picture[0], (double[4]){81, 41, black, black});

    /* D joins late in slot 1: it comes after C, in cell 2. */
    assert_int_equal(mix_engine_add_input(e, 1, &ic), 0);
    const int acd[3] = {0, 2, 1};
    assert_int_equal(mix_engine_set_order(e, acd, 3), 0);
    struct sender a_c_d[3] = {s[0], s[2], s[3]};
    const size_t acd_slots[3] = {0, 2, 1};
    run_slots(e, a_c_d, acd_slots, 3, 3, &k, &sink);
    assert_cells(c.picture[0], (double[4]){81, 41, 210, black});

    /* A bad order is refused and the one in effect stays. */
    const int twice[2] = {0, 0};
    assert_int_equal(mix_engine_set_order(e, twice, 2), -1);
    const int outside[1] = {3};
    assert_int_equal(mix_engine_set_order(e, outside, 1), -1);
    run_slots(e, a_c_d, acd_slots, 3, 1, &k, &sink);
    assert_cells(c.picture[0], (double[4]){81, 41, 210, black});

    capture_free(&c);
    for (size_t i = 0; i < 4; i++) sender_free(&s[i]);
    mix_engine_free(e);
}

static void test_keyframe_request_from_stalled_input(void **state)
{
    (void)state;
    struct mix_engine *e = new_engine(1, 4);
    struct mix_input_config ic = {.video_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_engine_add_input(e, 0, &ic), 0);
    struct sender s;
    sender_init(&s, 100, 81, 90, 240);
    struct mix_engine_sink sink = {0};
    int64_t k = 0, now = 0;

    /* The keyframe is lost: deltas cannot be decoded -> ask, then not again at once. */
    send_video(e, 0, &s, k++, true);
    bool asked = false;
    for (int i = 0; i < 5; i++, k++) {
        send_video(e, 0, &s, k, false);
        now = k * VIDEO_TICK_US;
        mix_engine_video_tick(e, now, &sink);
        asked |= mix_engine_keyframe_request(e, 0, now);
    }
    assert_true(asked);
    assert_false(mix_engine_keyframe_request(e, 0, now));
    assert_int_equal(mix_engine_input_stats(e, 0)->video_pictures, 0);

    /* Still stalled 700 ms later: asked again (rate-limited, not silenced). */
    now += 700000;
    assert_true(mix_engine_keyframe_request(e, 0, now));

    /* A keyframe arrives: pictures flow, no more requests. */
    k = now / VIDEO_TICK_US + 1;
    video_encoder_request_keyframe(s.video);
    for (int i = 0; i < 5; i++, k++) {
        send_video(e, 0, &s, k, false);
        mix_engine_video_tick(e, k * VIDEO_TICK_US, &sink);
    }
    now = k * VIDEO_TICK_US + 800000;
    assert_false(mix_engine_keyframe_request(e, 0, now));
    assert_true(mix_engine_input_stats(e, 0)->video_pictures >= 5);

    /* A frame is lost mid-stream: the input stalls and a keyframe is asked for. */
    k = now / VIDEO_TICK_US + 1;
    send_video(e, 0, &s, k++, true);
    asked = false;
    for (int i = 0; i < 10; i++, k++) {
        send_video(e, 0, &s, k, false);
        now = k * VIDEO_TICK_US;
        mix_engine_video_tick(e, now, &sink);
        asked |= mix_engine_keyframe_request(e, 0, now);
    }
    assert_true(asked);
    assert_false(mix_engine_keyframe_request(e, 5, now)); /* no such input */
    sender_free(&s);
    mix_engine_free(e);
}

static void test_bad_config_and_inputs(void **state)
{
    (void)state;
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    char err[200] = "";
    cfg.width = 321;
    assert_null(mix_engine_new(&cfg, err, sizeof err));
    assert_true(strstr(err, "canvas") != NULL);
    mix_engine_config_init(&cfg);
    cfg.profiles[0].codec = MEDIA_CODEC_OPUS;
    assert_null(mix_engine_new(&cfg, err, sizeof err));
    mix_engine_config_init(&cfg);
    cfg.threads = 0;
    assert_null(mix_engine_new(&cfg, err, sizeof err));

    struct mix_engine *e = new_engine(0, 2);
    struct mix_input_config bad = {.audio_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_engine_add_input(e, 0, &bad), -1);
    struct mix_input_config ok = {.audio_codec = MEDIA_CODEC_OPUS};
    assert_int_equal(mix_engine_add_input(e, 3, &ok), -1); /* beyond max_inputs */
    assert_int_equal(mix_engine_add_input(e, 0, &ok), 0);
    uint8_t junk[40] = {0x80, 111};
    assert_int_equal(mix_engine_push_rtp(e, 0, MEDIA_VIDEO, junk, sizeof junk, 0), -1);
    assert_int_equal(mix_engine_push_rtp(e, 1, MEDIA_AUDIO, junk, sizeof junk, 0), -1);
    assert_int_equal(mix_engine_push_rtp(e, 0, MEDIA_AUDIO, junk, 5, 0), -1);
    mix_engine_remove_input(e, 0);
    assert_int_equal(mix_engine_audio_route(e, 0), MIX_ROUTE_NONE);
    assert_int_equal(mix_engine_add_input(e, 0, &ok), 0); /* slot reusable */
    mix_engine_free(e);
}

static void test_threads_give_the_same_picture(void **state)
{
    (void)state;
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    cfg.width = 320;
    cfg.height = 180;
    cfg.max_inputs = 2;
    cfg.threads = 3;
    cfg.profiles[0].width = 320;
    cfg.profiles[0].height = 180;
    cfg.profiles[0].bitrate = 300000;
    struct mix_engine *e = mix_engine_new(&cfg, NULL, 0);
    assert_non_null(e);
    assert_int_equal(mix_engine_set_layout(e, "2x2", NULL, 0), 0);
    struct mix_input_config ic = {.video_codec = MEDIA_CODEC_VP8};
    assert_int_equal(mix_engine_add_input(e, 0, &ic), 0);
    assert_int_equal(mix_engine_add_input(e, 1, &ic), 0);
    struct sender s[2];
    sender_init(&s[0], 100, 81, 90, 240);
    sender_init(&s[1], 200, 145, 54, 34);
    struct capture c;
    capture_init(&c);
    struct mix_engine_sink sink = {&c, on_frame, NULL};
    int64_t k = 0;
    run_video(e, s, 4, &k, &sink);
    assert_true(fabs(luma(c.picture[0], 0.2, 0.15, 0.1, 0.2) - 81) < 12);
    assert_true(fabs(luma(c.picture[0], 0.7, 0.15, 0.1, 0.2) - 145) < 12);
    assert_int_equal(c.stream[0].packets, 0); /* no packet callback: not packetized */
    capture_free(&c);
    sender_free(&s[0]);
    sender_free(&s[1]);
    mix_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minus_self),
        cmocka_unit_test(test_layout_switch_and_profiles),
        cmocka_unit_test(test_decode_hidden_baseline),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_cells_in_order),
        cmocka_unit_test(test_order_fills_cells_without_holes),
        cmocka_unit_test(test_keyframe_request_from_stalled_input),
        cmocka_unit_test(test_bad_config_and_inputs),
        cmocka_unit_test(test_threads_give_the_same_picture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
