/* test_webm_writer.c - the one Matroska/WebM writer (mixer/mux/webm_writer.c): real
 * VP8 frames (video_encoder over synthetic pictures) and Opus frames (the mixer's
 * encoder over a synthetic tone) are written with chosen timestamps, then libavformat
 * reads the file back: stream count, codecs, frame count per stream, timestamps. Also
 * the header waiting for the first picture (earlier audio dropped), a file closed
 * without its trailer (a crash) still demuxing and mended by webm_remux, and the
 * refusals (H.264 in WebM, an existing file without `replace`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libavformat/avformat.h>
#include <unistd.h>

#include "mixer/codec/mix_audio_codec.h"
#include "mixer/codec/video_encoder.h"
#include "mixer/media/audio_format.h"
#include "mixer/mux/webm_writer.h"
#include "tests/unit/media_synth.h"

#define W            160
#define H            120
#define FPS          25
#define VIDEO_FRAMES 10 /* 0.4 s */
#define AUDIO_FRAMES 20 /* 0.4 s of 20 ms */

struct frames {
    struct video_encoder *venc;
    struct mix_audio_encoder *aenc;
    AVFrame *picture;
    int64_t sample;
};

static void frames_init(struct frames *fr)
{
    memset(fr, 0, sizeof *fr);
    struct video_encoder_config vc;
    video_encoder_config_init(&vc, MEDIA_CODEC_VP8, W, H, 200000);
    vc.fps = FPS;
    fr->venc = video_encoder_new(&vc);
    assert_non_null(fr->venc);
    struct mix_audio_encoder_config ac;
    mix_audio_encoder_config_init(&ac);
    fr->aenc = mix_audio_encoder_new(&ac);
    assert_non_null(fr->aenc);
    fr->picture = synth_picture(W, H, 120, 90, 200);
    assert_non_null(fr->picture);
}

static void frames_free(struct frames *fr)
{
    video_encoder_free(fr->venc);
    mix_audio_encoder_free(fr->aenc);
    av_frame_free(&fr->picture);
}

/* Encodes picture i and writes it at i/FPS s. */
static void write_video(struct frames *fr, struct webm_writer *w, int i)
{
    assert_int_equal(video_encoder_encode(fr->venc, fr->picture, i), 0);
    struct encoded_frame f;
    int got = 0;
    char err[256] = "";
    while (video_encoder_receive(fr->venc, &f) == 1) {
        assert_int_equal(
            webm_writer_write(w, MEDIA_VIDEO, &f, (int64_t)i * 1000000 / FPS, err, sizeof err), 0);
        got++;
    }
    assert_int_equal(got, 1);
}

/* Encodes 20 ms of a 440 Hz tone and writes it at `time_us` (if the encoder gave one:
 * returns 1). */
static int write_audio(struct frames *fr, struct webm_writer *w, int64_t time_us)
{
    int16_t pcm[AUDIO_FRAME_SAMPLES * AUDIO_CHANNELS];
    synth_tone(pcm, AUDIO_FRAME_SAMPLES, AUDIO_CHANNELS, 440, 8000, AUDIO_SAMPLE_RATE,
               (size_t)fr->sample);
    struct encoded_frame f;
    int rc = mix_audio_encoder_encode(fr->aenc, pcm, fr->sample, &f);
    fr->sample += AUDIO_FRAME_SAMPLES;
    assert_true(rc >= 0);
    if (rc == 0) return 0;
    char err[256] = "";
    assert_int_equal(webm_writer_write(w, MEDIA_AUDIO, &f, time_us, err, sizeof err), 0);
    return 1;
}

struct readback {
    int streams;
    enum AVCodecID codec[2];
    int packets[2];
    int64_t first_ms[2], last_ms[2]; /* pts in milliseconds */
    bool ascending;
    double duration_s;
};

static void read_back(const char *path, struct readback *rb)
{
    memset(rb, 0, sizeof *rb);
    rb->ascending = true;
    AVFormatContext *in = NULL;
    assert_int_equal(avformat_open_input(&in, path, NULL, NULL), 0);
    assert_true(avformat_find_stream_info(in, NULL) >= 0);
    rb->streams = (int)in->nb_streams;
    assert_true(rb->streams <= 2);
    for (int i = 0; i < rb->streams; i++) {
        rb->codec[i] = in->streams[i]->codecpar->codec_id;
        rb->first_ms[i] = INT64_MIN;
    }
    rb->duration_s = in->duration > 0 ? in->duration / 1e6 : 0;
    AVPacket *p = av_packet_alloc();
    while (av_read_frame(in, p) >= 0) {
        int s = p->stream_index;
        int64_t ms = av_rescale_q(p->pts, in->streams[s]->time_base, (AVRational){1, 1000});
        if (rb->first_ms[s] == INT64_MIN)
            rb->first_ms[s] = ms;
        else if (ms <= rb->last_ms[s])
            rb->ascending = false;
        rb->last_ms[s] = ms;
        rb->packets[s]++;
        av_packet_unref(p);
    }
    av_packet_free(&p);
    avformat_close_input(&in);
}

static char *temp_path(const char *name)
{
    char *dir = g_dir_make_tmp("test_webm_writer.XXXXXX", NULL);
    assert_non_null(dir);
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    return path;
}

static void remove_path(char *path)
{
    g_unlink(path);
    char *dir = g_path_get_dirname(path);
    g_rmdir(dir);
    g_free(dir);
    g_free(path);
}

static struct webm_writer_config vp8_opus_config(const char *path, struct frames *fr)
{
    size_t head_size = 0;
    const uint8_t *head = mix_audio_encoder_extradata(fr->aenc, &head_size);
    return (struct webm_writer_config){.path = path,
                                       .webm = true,
                                       .video_codec = MEDIA_CODEC_VP8,
                                       .width = W,
                                       .height = H,
                                       .fps = FPS,
                                       .opus_header = head,
                                       .opus_header_size = head_size,
                                       .title = "Phòng họp"};
}

/* Interleaved VP8 and Opus: what was written is what reads back. */
static void test_vp8_and_opus_read_back(void **state)
{
    (void)state;
    struct frames fr;
    frames_init(&fr);
    char *path = temp_path("a.webm");
    struct webm_writer_config cfg = vp8_opus_config(path, &fr);
    char err[256] = "";
    struct webm_writer *w = webm_writer_open(&cfg, NULL, err, sizeof err);
    assert_non_null(w);
    int audio_written = 0, a = 0, first_audio = -1;
    for (int v = 0; v < VIDEO_FRAMES; v++) {
        write_video(&fr, w, v);
        for (; (int64_t)a * 20000 < (int64_t)(v + 1) * 1000000 / FPS && a < AUDIO_FRAMES; a++) {
            audio_written += write_audio(&fr, w, (int64_t)a * 20000);
            if (audio_written == 1 && first_audio < 0) first_audio = a;
        }
    }
    assert_true(audio_written >= AUDIO_FRAMES - 1);
    assert_int_equal(webm_writer_duration_us(w), (int64_t)(AUDIO_FRAMES)*20000);
    assert_int_equal(webm_writer_sync(w, err, sizeof err), 0);
    assert_true(webm_writer_bytes(w) > 0);
    assert_int_equal(webm_writer_close(w, true, err, sizeof err), 0);

    struct readback rb;
    read_back(path, &rb);
    assert_int_equal(rb.streams, 2);
    assert_int_equal(rb.codec[0], AV_CODEC_ID_VP8);
    assert_int_equal(rb.codec[1], AV_CODEC_ID_OPUS);
    assert_int_equal(rb.packets[0], VIDEO_FRAMES);
    assert_int_equal(rb.packets[1], audio_written);
    assert_int_equal(rb.first_ms[0], 0);
    assert_int_equal(rb.last_ms[0], (VIDEO_FRAMES - 1) * 1000 / FPS);
    /* The demuxer moves Opus back by the pre-skip (CodecDelay): compare spans. */
    assert_int_equal(rb.last_ms[1] - rb.first_ms[1], (AUDIO_FRAMES - 1 - first_audio) * 20);
    assert_true(rb.first_ms[1] <= first_audio * 20 && rb.first_ms[1] > first_audio * 20 - 10);
    assert_true(rb.ascending);
    assert_true(rb.duration_s > 0.35 && rb.duration_s < 0.5);
    remove_path(path);
    frames_free(&fr);
}

/* Without a first picture the header waits for one; audio before it is dropped. */
static void test_header_waits_for_the_first_picture(void **state)
{
    (void)state;
    struct frames fr;
    frames_init(&fr);
    char *path = temp_path("b.mkv");
    struct webm_writer_config cfg = vp8_opus_config(path, &fr);
    cfg.webm = webm_writer_name_is_webm(path);
    assert_false(cfg.webm);
    char err[256] = "";
    struct webm_writer *w = webm_writer_open(&cfg, NULL, err, sizeof err);
    assert_non_null(w);
    for (int a = 0; a < 5; a++) write_audio(&fr, w, (int64_t)a * 20000);
    assert_int_equal(webm_writer_bytes(w), 0);
    write_video(&fr, w, 3);
    int after = write_audio(&fr, w, 120000);
    assert_int_equal(webm_writer_close(w, true, err, sizeof err), 0);

    struct readback rb;
    read_back(path, &rb);
    assert_int_equal(rb.streams, 2);
    assert_int_equal(rb.packets[0], 1);
    assert_int_equal(rb.packets[1], after);
    assert_int_equal(rb.first_ms[0], 3 * 1000 / FPS);
    remove_path(path);
    frames_free(&fr);
}

/* A writer never closed with its trailer (a crash) leaves a file that demuxes; the
 * remux mends it into a whole one with the same frames. */
static void test_cut_file_demuxes_and_remuxes(void **state)
{
    (void)state;
    struct frames fr;
    frames_init(&fr);
    char *path = temp_path("c.webm");
    struct webm_writer_config cfg = vp8_opus_config(path, &fr);
    cfg.video_codec = MEDIA_CODEC_NONE; /* audio only: header at once */
    char err[256] = "";
    struct webm_writer *w = webm_writer_open(&cfg, NULL, err, sizeof err);
    assert_non_null(w);
    assert_true(webm_writer_bytes(w) > 0);
    int written = 0;
    for (int a = 0; a < 100; a++) written += write_audio(&fr, w, (int64_t)a * 20000);
    assert_int_equal(webm_writer_close(w, false, err, sizeof err), 0); /* no trailer */

    struct readback rb;
    read_back(path, &rb);
    assert_int_equal(rb.streams, 1);
    assert_int_equal(rb.codec[0], AV_CODEC_ID_OPUS);
    assert_true(rb.packets[0] >= written - 50); /* at least the finished clusters */

    char *fixed = g_strconcat(path, ".fixed.webm", NULL);
    int64_t duration_us = 0;
    assert_int_equal(webm_remux(path, fixed, &duration_us, err, sizeof err), 0);
    struct readback rb2;
    read_back(fixed, &rb2);
    assert_int_equal(rb2.packets[0], rb.packets[0]);
    assert_true(rb2.duration_s > 0);
    assert_int_equal(duration_us / 1000, rb.last_ms[0] + 20);
    g_unlink(fixed);
    g_free(fixed);
    remove_path(path);
    frames_free(&fr);
}

static void test_refusals(void **state)
{
    (void)state;
    struct frames fr;
    frames_init(&fr);
    char *path = temp_path("d.webm");
    struct webm_writer_config cfg = vp8_opus_config(path, &fr);
    char err[256] = "";
    cfg.video_codec = MEDIA_CODEC_H264;
    assert_null(webm_writer_open(&cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "H.264"));
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    cfg.video_codec = MEDIA_CODEC_VP8;
    g_file_set_contents(path, "x", 1, NULL);
    assert_null(webm_writer_open(&cfg, NULL, err, sizeof err)); /* exists, no replace */
    assert_non_null(strstr(err, "cannot create"));
    cfg.replace = true;
    struct webm_writer *w = webm_writer_open(&cfg, NULL, NULL, 0);
    assert_non_null(w);
    assert_int_equal(webm_writer_close(w, true, NULL, 0), 0); /* header only */
    gchar *data = NULL;
    gsize size = 0;
    assert_true(g_file_get_contents(path, &data, &size, NULL));
    assert_true(size > 4 && memcmp(data, "\x1a\x45\xdf\xa3", 4) == 0); /* EBML */
    g_free(data);
    remove_path(path);
    frames_free(&fr);
}

int main(void)
{
    av_log_set_level(AV_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp8_and_opus_read_back),
        cmocka_unit_test(test_header_waits_for_the_first_picture),
        cmocka_unit_test(test_cut_file_demuxes_and_remuxes),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
