/* test_recorder.c - the recorder (mcu/recorder*.c): the mix engine's own encoders make
 * the frames (an empty conference: placeholder canvas and the silent full mix) on a
 * clock the test drives, the recorder writes them, and libavformat reads the files
 * back: streams, codecs, duration; pause/resume cutting paused time out; segment
 * splits at keyframes; write errors (file size limit, an archive that cannot be
 * created) ending in the failed state without a crash; a file cut short still
 * demuxing up to near the cut, and start-up recovery of a .part file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libavformat/avformat.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mcu/recording/recorder.h"
#include "mcu/recording/recorder_archive.h"
#include "mixer/engine/mix_engine.h"

#define AUDIO_TICK_US 20000
#define FPS           25
#define VIDEO_TICK_US (1000000 / FPS)
#define WIDTH         320
#define HEIGHT        180

/* --- a small conference without rooms, driven on a test clock ------------------------------ */

struct rig {
    struct mix_engine *engine;
    struct recorder *recorder;
    char *archive;
    int64_t now_us;
    int64_t next_audio, next_video;
    size_t keyframe_requests;
    int64_t keyframe_every_us; /* > 0: the encoder also makes a keyframe this often,
                                       as receivers' PLIs would, so a test does not hang
                                       on when the writer thread asks for one */
    int64_t next_keyframe_us;
};

static void on_frame(void *opaque, const struct mix_output *out, const struct encoded_frame *f,
                     int64_t now_us)
{
    struct rig *rig = opaque;
    if (out->kind == MIX_OUTPUT_VIDEO && out->index == 0)
        recorder_push(rig->recorder, MEDIA_VIDEO, f, now_us);
    if (out->kind == MIX_OUTPUT_AUDIO_FULL) recorder_push(rig->recorder, MEDIA_AUDIO, f, now_us);
}

static void rig_init(struct rig *rig, enum media_codec codec, int64_t segment_us,
                     const char *archive)
{
    memset(rig, 0, sizeof *rig);
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    cfg.width = WIDTH;
    cfg.height = HEIGHT;
    cfg.fps = FPS;
    cfg.max_inputs = 4;
    cfg.profiles[0].codec = codec;
    cfg.profiles[0].width = WIDTH;
    cfg.profiles[0].height = HEIGHT;
    cfg.profiles[0].bitrate = 300000;
    cfg.profiles[0].payload_type = 96;
    cfg.profiles[0].ssrc = 1234;
    cfg.minus_self = false;
    char err[256] = "";
    rig->engine = mix_engine_new(&cfg, err, sizeof err);
    if (!rig->engine) fail_msg("mix_engine_new: %s", err);
    rig->archive = archive ? g_strdup(archive) : g_dir_make_tmp("test_recorder.XXXXXX", NULL);
    assert_non_null(rig->archive);
    size_t header_size = 0;
    const uint8_t *header = mix_engine_audio_extradata(rig->engine, &header_size);
    assert_non_null(header);
    struct recorder_config rc = {
        .archive_dir = rig->archive,
        .conference_id = "hop-tuan",
        .title = "Họp tuần",
        .video_codec = codec,
        .width = WIDTH,
        .height = HEIGHT,
        .fps = FPS,
        .opus_header = header,
        .opus_header_size = header_size,
        .segment_us = segment_us,
        .queue_frames = 100000,
        .queue_bytes = 256u << 20, /* no drops in a fast test */
    };
    rig->recorder = recorder_new(&rc, err, sizeof err);
    if (!rig->recorder) fail_msg("recorder_new: %s", err);
    rig->now_us = 1000000;
    rig->next_audio = rig->next_video = rig->now_us;
}

/* Runs the conference for `us` of its clock (as fast as it goes). */
static void rig_run(struct rig *rig, int64_t us)
{
    struct mix_engine_sink sink = {.opaque = rig, .frame = on_frame};
    int64_t end = rig->now_us + us;
    while (rig->now_us < end) {
        if (recorder_take_keyframe_request(rig->recorder)) {
            mix_engine_request_keyframe(rig->engine, 0);
            rig->keyframe_requests++;
        }
        if (rig->keyframe_every_us > 0 && rig->now_us >= rig->next_keyframe_us) {
            mix_engine_request_keyframe(rig->engine, 0);
            rig->next_keyframe_us = rig->now_us + rig->keyframe_every_us;
        }
        if (rig->next_audio <= rig->next_video) {
            rig->now_us = rig->next_audio;
            assert_int_equal(mix_engine_audio_tick(rig->engine, rig->now_us, &sink), 0);
            rig->next_audio += AUDIO_TICK_US;
        } else {
            rig->now_us = rig->next_video;
            assert_int_equal(mix_engine_video_tick(rig->engine, rig->now_us, &sink), 0);
            rig->next_video += VIDEO_TICK_US;
        }
    }
}

/* Stops, waits (bounded) for the writer, collects the results in order. */
static size_t rig_stop(struct rig *rig, struct recorder_result *results, size_t max)
{
    recorder_stop(rig->recorder);
    for (int i = 0; i < 3000 && !recorder_done(rig->recorder); i++) g_usleep(10000);
    assert_true(recorder_done(rig->recorder));
    size_t n = 0;
    while (n < max && recorder_take_result(rig->recorder, &results[n])) n++;
    return n;
}

static void rm_rf(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            rm_rf(child);
            g_free(child);
        }
        g_dir_close(d);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

static void rig_free(struct rig *rig, bool remove)
{
    recorder_free(rig->recorder);
    mix_engine_free(rig->engine);
    if (remove) rm_rf(rig->archive);
    g_free(rig->archive);
}

/* --- reading files back ------------------------------------------------------------------ */

struct probe {
    int video_streams, audio_streams;
    enum AVCodecID video_codec, audio_codec;
    int width, height;
    int video_packets, audio_packets, video_keyframes;
    bool first_is_keyframe;
    int64_t first_video_ms, last_end_ms; /* last packet's pts + duration */
    int64_t max_video_gap_ms;
    int64_t container_duration_ms; /* -1: unknown */
};

static int probe_file(const char *path, struct probe *p)
{
    memset(p, 0, sizeof *p);
    p->first_video_ms = -1;
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0) return -1;
    int video = -1, audio = -1;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        AVCodecParameters *cp = fmt->streams[i]->codecpar;
        if (cp->codec_type == AVMEDIA_TYPE_VIDEO) {
            p->video_streams++;
            p->video_codec = cp->codec_id;
            p->width = cp->width;
            p->height = cp->height;
            video = (int)i;
        } else if (cp->codec_type == AVMEDIA_TYPE_AUDIO) {
            p->audio_streams++;
            p->audio_codec = cp->codec_id;
            audio = (int)i;
        }
    }
    p->container_duration_ms = fmt->duration == AV_NOPTS_VALUE ? -1 : fmt->duration / 1000;
    AVPacket *pkt = av_packet_alloc();
    int64_t last_video = -1;
    while (av_read_frame(fmt, pkt) >= 0) {
        AVRational tb = fmt->streams[pkt->stream_index]->time_base;
        int64_t ms = av_rescale_q(pkt->pts, tb, (AVRational){1, 1000});
        int64_t end = ms + av_rescale_q(pkt->duration, tb, (AVRational){1, 1000});
        if (end > p->last_end_ms) p->last_end_ms = end;
        if (pkt->stream_index == video) {
            bool key = pkt->flags & AV_PKT_FLAG_KEY;
            if (p->video_packets == 0) {
                p->first_is_keyframe = key;
                p->first_video_ms = ms;
            }
            if (last_video >= 0 && ms - last_video > p->max_video_gap_ms)
                p->max_video_gap_ms = ms - last_video;
            last_video = ms;
            p->video_packets++;
            p->video_keyframes += key;
        } else if (pkt->stream_index == audio) {
            p->audio_packets++;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return 0;
}

static bool file_exists(const char *path) { return g_file_test(path, G_FILE_TEST_EXISTS); }

static void assert_finished_file(const struct recorder_result *res)
{
    assert_non_null(res->path);
    assert_true(file_exists(res->path));
    char *part = g_strconcat(res->path, ".part", NULL);
    assert_false(file_exists(part));
    g_free(part);
    char hex[65];
    uint64_t size = 0;
    assert_int_equal(recorder_sha256_file(res->path, hex, &size), 0);
    assert_string_equal(hex, res->sha256);
    assert_int_equal(size, res->size);
    struct recorder_result side;
    assert_int_equal(recorder_sidecar_read(res->path, &side), 0);
    assert_string_equal(side.sha256, res->sha256);
    assert_int_equal(side.status, res->status);
    assert_int_equal(side.duration_ms, res->duration_ms);
    assert_string_equal(side.conference_id, "hop-tuan");
    recorder_result_clear(&side);
}

/* --- tests ------------------------------------------------------------------------------ */

static void test_records_vp8_and_opus(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 0, NULL);
    recorder_room_joined(rig.recorder, "p1", "Hà Nội");
    rig_run(&rig, 1000000);
    recorder_room_joined(rig.recorder, "p2", "Huế");
    rig_run(&rig, 1000000);
    recorder_room_left(rig.recorder, "p1");
    rig_run(&rig, 1000000);
    assert_true(rig.keyframe_requests >= 1); /* start asks for a keyframe */
    struct recorder_result res[4];
    assert_int_equal(rig_stop(&rig, res, 4), 1);
    assert_int_equal(recorder_state(rig.recorder, NULL, 0), RECORDER_STOPPED);
    struct recorder_stats st;
    recorder_get_stats(rig.recorder, &st);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.frames_dropped, 0);
    assert_true(st.frames_written >= 3 * (FPS + 50) - 5);
    assert_true(st.bytes_written > 0 && st.bytes_written <= res[0].size);
    assert_null(recorder_current_path(rig.recorder));
    assert_int_equal(res[0].status, RECORDER_FILE_COMPLETE);
    assert_true(g_str_has_suffix(res[0].path, ".webm"));
    assert_non_null(strstr(res[0].path, "/hop-tuan-"));
    assert_string_equal(res[0].video_codec, "VP8");
    assert_string_equal(res[0].audio_codec, "opus");
    assert_int_equal(res[0].segment, 1);
    assert_int_equal(res[0].room_count, 2);
    assert_string_equal(res[0].rooms[0].name, "Hà Nội");
    assert_true(res[0].rooms[0].left_ms > 0);
    assert_int_equal(res[0].rooms[1].left_ms, 0);
    assert_true(res[0].duration_ms >= 2900 && res[0].duration_ms <= 3100);
    assert_finished_file(&res[0]);

    struct probe p;
    assert_int_equal(probe_file(res[0].path, &p), 0);
    assert_int_equal(p.video_streams, 1);
    assert_int_equal(p.audio_streams, 1);
    assert_int_equal(p.video_codec, AV_CODEC_ID_VP8);
    assert_int_equal(p.audio_codec, AV_CODEC_ID_OPUS);
    assert_int_equal(p.width, WIDTH);
    assert_int_equal(p.height, HEIGHT);
    assert_true(p.first_is_keyframe);
    assert_int_equal(p.first_video_ms, 0);
    assert_true(p.video_packets >= 3 * FPS - 2);
    assert_true(p.audio_packets >= 3 * 50 - 3);
    assert_true(p.container_duration_ms >= 2900 && p.container_duration_ms <= 3100);
    assert_int_equal(res[0].duration_ms, p.last_end_ms); /* the index's length: the file's */
    recorder_result_clear(&res[0]);
    rig_free(&rig, true);
}

static void test_h264_goes_to_matroska(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_H264, 0, NULL);
    rig_run(&rig, 2000000);
    struct recorder_result res[2];
    assert_int_equal(rig_stop(&rig, res, 2), 1);
    assert_true(g_str_has_suffix(res[0].path, ".mkv"));
    assert_string_equal(res[0].video_codec, "H264");
    struct probe p;
    assert_int_equal(probe_file(res[0].path, &p), 0);
    assert_int_equal(p.video_codec, AV_CODEC_ID_H264);
    assert_int_equal(p.audio_codec, AV_CODEC_ID_OPUS);
    assert_true(p.first_is_keyframe);
    assert_true(p.container_duration_ms >= 1900 && p.container_duration_ms <= 2100);
    recorder_result_clear(&res[0]);
    rig_free(&rig, true);
}

static void test_pause_cuts_time_out(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 0, NULL);
    rig_run(&rig, 1000000);
    assert_int_equal(recorder_pause(rig.recorder), 0);
    assert_int_equal(recorder_pause(rig.recorder), -1);
    assert_int_equal(recorder_state(rig.recorder, NULL, 0), RECORDER_PAUSED);
    size_t asked = rig.keyframe_requests;
    rig_run(&rig, 2000000); /* not recorded */
    assert_int_equal(recorder_resume(rig.recorder), 0);
    assert_int_equal(recorder_resume(rig.recorder), -1);
    rig_run(&rig, 1000000);
    assert_true(rig.keyframe_requests > asked); /* resume asks for a keyframe */
    struct recorder_result res[2];
    assert_int_equal(rig_stop(&rig, res, 2), 1);
    struct probe p;
    assert_int_equal(probe_file(res[0].path, &p), 0);
    /* ~2 s recorded (resume waits for its keyframe: a few frames less), no hole */
    assert_true(p.last_end_ms >= 1700 && p.last_end_ms <= 2100);
    assert_true(p.max_video_gap_ms <= 2 * VIDEO_TICK_US / 1000);
    assert_true(p.video_keyframes >= 2);
    recorder_result_clear(&res[0]);
    rig_free(&rig, true);
}

static void test_segments_play_back_to_back(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 1000000, NULL);
    /* Keyframes every 250 ms whatever the writer asks, so where the segments split
     * depends on the media only, not on how fast the writer thread runs. */
    rig.keyframe_every_us = 250000;
    rig_run(&rig, 3500000);
    struct recorder_result res[8];
    size_t n = rig_stop(&rig, res, 8);
    assert_true(n >= 3 && n <= 4);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(res[i].segment, (int)i + 1);
        assert_int_equal(res[i].status, RECORDER_FILE_COMPLETE);
        assert_finished_file(&res[i]);
        for (size_t k = 0; k < i; k++) assert_string_not_equal(res[k].path, res[i].path);
        struct probe p;
        assert_int_equal(probe_file(res[i].path, &p), 0);
        assert_int_equal(p.video_streams, 1);
        assert_int_equal(p.audio_streams, 1);
        assert_true(p.first_is_keyframe);
        assert_int_equal(p.first_video_ms, 0);
        if (i + 1 < n) assert_true(p.last_end_ms >= 1000 && p.last_end_ms <= 1400);
        total += p.last_end_ms;
    }
    assert_true(total >= 3300 && total <= 3700);
    for (size_t i = 0; i < n; i++) recorder_result_clear(&res[i]);
    rig_free(&rig, true);
}

static void test_write_error_stops_the_recording(void **state)
{
    (void)state;
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 0, NULL);
    small = old;
    small.rlim_cur = 24 * 1024; /* writes past 24 KiB fail with EFBIG */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    char reason[RECORDER_REASON_MAX] = "";
    for (int i = 0;
         i < 60 && recorder_state(rig.recorder, reason, sizeof reason) != RECORDER_FAILED; i++) {
        rig_run(&rig, 500000);
        g_usleep(20000);
    }
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(recorder_state(rig.recorder, reason, sizeof reason), RECORDER_FAILED);
    assert_non_null(strstr(reason, g_strerror(EFBIG)));
    rig_run(&rig, 500000); /* the conference goes on; frames ignored */
    struct recorder_result res[2];
    assert_int_equal(rig_stop(&rig, res, 2), 1);
    assert_int_equal(recorder_state(rig.recorder, NULL, 0), RECORDER_FAILED);
    assert_int_equal(res[0].status, RECORDER_FILE_FAILED);
    assert_non_null(strstr(res[0].reason, g_strerror(EFBIG)));
    assert_true(file_exists(res[0].path)); /* kept, and it plays up to the error */
    struct probe p;
    assert_int_equal(probe_file(res[0].path, &p), 0);
    assert_true(p.video_packets > 0);
    recorder_result_clear(&res[0]);
    rig_free(&rig, true);

    /* An archive that cannot be created: failed at the first keyframe. */
    rig_init(&rig, MEDIA_CODEC_VP8, 0, "/dev/null/archive");
    for (int i = 0;
         i < 100 && recorder_state(rig.recorder, reason, sizeof reason) != RECORDER_FAILED; i++) {
        rig_run(&rig, 100000);
        g_usleep(10000);
    }
    assert_int_equal(recorder_state(rig.recorder, reason, sizeof reason), RECORDER_FAILED);
    assert_non_null(strstr(reason, "cannot create"));
    assert_int_equal(rig_stop(&rig, res, 2), 0);
    rig_free(&rig, false);
}

static void test_cut_file_plays_and_is_recovered(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 0, NULL);
    rig_run(&rig, 6000000);
    struct recorder_result res[2];
    assert_int_equal(rig_stop(&rig, res, 2), 1);
    char *data = NULL;
    gsize size = 0;
    assert_true(g_file_get_contents(res[0].path, &data, &size, NULL));

    /* A copy cut at 70 %, as a kill -9 leaves it: no trailer, a torn last cluster. */
    char *dir = g_dir_make_tmp("test_recorder_cut.XXXXXX", NULL);
    char *day = g_build_filename(dir, "2024", "05", "01", NULL);
    assert_int_equal(g_mkdir_with_parents(day, 0755), 0);
    char *part = g_build_filename(day, "hop-tuan-20240501T080000Z.webm.part", NULL);
    assert_true(g_file_set_contents(part, data, (gssize)(size * 7 / 10), NULL));
    struct probe p;
    assert_int_equal(probe_file(part, &p), 0);
    assert_int_equal(p.video_streams, 1);
    assert_int_equal(p.audio_streams, 1);
    assert_true(p.last_end_ms >= 3000); /* up to near the cut (~4.2 s) */
    int64_t cut_end = p.last_end_ms;

    /* While another open file holds the part's lock (a live recorder of another mcud
     * sharing the archive), recovery leaves it alone. */
    int held = recorder_part_lock(part);
    assert_true(held >= 0);
    assert_int_equal(recorder_recover(dir, NULL, NULL), 0);
    assert_true(file_exists(part));
    close(held);

    assert_int_equal(recorder_recover(dir, NULL, NULL), 1);
    char *fixed = g_build_filename(day, "hop-tuan-20240501T080000Z.webm", NULL);
    assert_false(file_exists(part));
    assert_true(file_exists(fixed));
    struct recorder_result side;
    assert_int_equal(recorder_sidecar_read(fixed, &side), 0);
    assert_int_equal(side.status, RECORDER_FILE_INTERRUPTED);
    assert_string_equal(side.conference_id, "hop-tuan");
    assert_int_equal(side.start_ms, 1714550400000LL);
    char hex[65];
    assert_int_equal(recorder_sha256_file(fixed, hex, NULL), 0);
    assert_string_equal(hex, side.sha256);
    assert_true(side.duration_ms >= cut_end - 100 && side.duration_ms <= cut_end + 100);
    struct probe q;
    assert_int_equal(probe_file(fixed, &q), 0);
    assert_true(q.container_duration_ms >= cut_end - 100);
    assert_int_equal(q.video_packets, p.video_packets);
    assert_int_equal(recorder_recover(dir, NULL, NULL), 0); /* nothing left to do */
    assert_int_equal(recorder_recover("/nonexistent/archive", NULL, NULL), 0);

    recorder_result_clear(&side);
    recorder_result_clear(&res[0]);
    g_free(fixed);
    g_free(part);
    g_free(day);
    rm_rf(dir);
    g_free(dir);
    g_free(data);
    rig_free(&rig, true);
}

/* Another process moves the live .part away and leaves a short file of its own under
 * the final name (what a second mcud's "recovery" did): the recording is reported
 * failed, as the .part, with the reason; never as that other file. */
static void test_part_moved_away_fails_loudly(void **state)
{
    (void)state;
    struct rig rig;
    rig_init(&rig, MEDIA_CODEC_VP8, 0, NULL);
    rig_run(&rig, 3000000);
    char *path = recorder_current_path(rig.recorder);
    assert_non_null(path);
    char *part = g_strconcat(path, RECORDER_PART_SUFFIX, NULL);
    char *data = NULL;
    gsize size = 0;
    assert_true(g_file_get_contents(part, &data, &size, NULL));
    assert_true(g_file_set_contents(path, data, (gssize)(size / 3), NULL));
    assert_int_equal(unlink(part), 0);
    rig_run(&rig, 2000000);
    struct recorder_result res[2];
    assert_int_equal(rig_stop(&rig, res, 2), 1);
    assert_int_equal(res[0].status, RECORDER_FILE_FAILED);
    assert_non_null(strstr(res[0].reason, "cannot rename"));
    assert_string_equal(res[0].path, part);
    recorder_result_clear(&res[0]);
    g_free(data);
    g_free(part);
    g_free(path);
    rig_free(&rig, true);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    struct recorder_room rooms[1] = {{.id = "p1", .name = "Đà Nẵng", .joined_ms = 5, .left_ms = 9}};
    struct recorder_result in = {
        .path = "/a/b/x-20240501T080000Z.webm",
        .conference_id = "x",
        .title = "Tiêu đề",
        .segment = 2,
        .start_ms = 1714550400123LL,
        .end_ms = 1714550410123LL,
        .duration_ms = 10000,
        .size = 42,
        .video_codec = "VP8",
        .audio_codec = "opus",
        .width = 1280,
        .height = 720,
        .sha256 = "ab",
        .status = RECORDER_FILE_FAILED,
        .reason = "No space left on device",
        .rooms = rooms,
        .room_count = 1,
    };
    char *text = recorder_result_to_json(&in);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"start\": \"2024-05-01T08:00:00.123Z\""));
    assert_non_null(strstr(text, "\"file\": \"x-20240501T080000Z.webm\""));
    struct recorder_result out;
    assert_int_equal(recorder_result_from_json(text, &out), 0);
    assert_string_equal(out.title, "Tiêu đề");
    assert_int_equal(out.segment, 2);
    assert_int_equal(out.start_ms, in.start_ms);
    assert_int_equal(out.status, RECORDER_FILE_FAILED);
    assert_string_equal(out.reason, in.reason);
    assert_int_equal(out.room_count, 1);
    assert_string_equal(out.rooms[0].name, "Đà Nẵng");
    assert_int_equal(out.rooms[0].left_ms, 9);
    recorder_result_clear(&out);
    assert_int_equal(recorder_result_from_json("{\"status\": \"weird\"}", &out), -1);
    g_free(text);
}

int main(void)
{
    av_log_set_level(AV_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_vp8_and_opus),
        cmocka_unit_test(test_h264_goes_to_matroska),
        cmocka_unit_test(test_pause_cuts_time_out),
        cmocka_unit_test(test_segments_play_back_to_back),
        cmocka_unit_test(test_write_error_stops_the_recording),
        cmocka_unit_test(test_cut_file_plays_and_is_recovered),
        cmocka_unit_test(test_part_moved_away_fails_loudly),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
