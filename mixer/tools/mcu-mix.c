/* mcu-mix.c - the mixer offline: N media files in, one mixed WebM/Matroska file out,
 * through the mix engine exactly as a live conference would run it (see --help and
 * docs/mixer-engine.md).
 *
 * The run: open every input (mix_source), add each to the engine in the order given,
 * then step a media clock from 0 in the engine's tick times (audio every 20 ms, video
 * every 1/fps s). At each step, every input pushes the RTP packets that have
 * "arrived" by then, layout switches that are due are applied, and the due ticks run;
 * the engine's encoded frames go to the output file. The clock runs as fast as the
 * CPU allows, or, with --realtime, at wall-clock speed. */
#include <libavutil/log.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mixer/engine/mix_engine.h"
#include "mixer/mux/webm_writer.h"
#include "mixer/tools/mix_options.h"
#include "mixer/tools/mix_source.h"

#define AUDIO_TICK_US   20000
#define TAIL_US         200000   /* mixed after the last input ends, if no duration */
#define PROGRESS_MIN_US 10000000 /* inputs shorter than this show no progress */

struct run {
    struct mix_options opt;
    struct mix_source **sources;
    struct mix_engine *engine;
    struct webm_writer *out; /* header at the first video frame (webm_writer.h) */
    int64_t end_us;          /* 0: until the inputs end */
    bool write_failed;
    char write_err[512];
};

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

static void on_frame(void *opaque, const struct mix_output *out, const struct encoded_frame *frame,
                     int64_t now_us)
{
    struct run *r = opaque;
    enum media_kind kind = out->kind == MIX_OUTPUT_VIDEO ? MEDIA_VIDEO : MEDIA_AUDIO;
    if (out->kind == MIX_OUTPUT_AUDIO_OWN || (kind == MEDIA_VIDEO && out->index != 0))
        return; /* benchmark-only outputs */
    if (r->write_failed) return;
    if (webm_writer_write(r->out, kind, frame, now_us, r->write_err, sizeof r->write_err) < 0)
        r->write_failed = true;
}

static int open_inputs(struct run *r)
{
    char err[512];
    r->sources = calloc(r->opt.input_count, sizeof *r->sources);
    if (!r->sources) return -1;
    int64_t longest = 0;
    for (size_t i = 0; i < r->opt.input_count; i++) {
        r->sources[i] = mix_source_open(r->opt.inputs[i], i, r->opt.audio_levels, err, sizeof err);
        if (!r->sources[i]) {
            fprintf(stderr, "mcu-mix: %s\n", err);
            return -1;
        }
        if (mix_source_transcodes(r->sources[i]) && !r->opt.quiet)
            fprintf(stderr, "mcu-mix: %s: re-encoding (not VP8/H.264/Opus)\n", r->opt.inputs[i]);
        int64_t d = mix_source_duration_us(r->sources[i]);
        if (d > longest) longest = d;
    }
    r->end_us = r->opt.duration_us ? r->opt.duration_us : longest;
    return 0;
}

static int open_engine(struct run *r)
{
    char err[512];
    struct mix_engine_config cfg;
    mix_engine_config_init(&cfg);
    cfg.width = r->opt.width;
    cfg.height = r->opt.height;
    cfg.fps = r->opt.fps;
    cfg.max_inputs = r->opt.input_count;
    cfg.threads = r->opt.threads;
    cfg.profile_count = r->opt.vcodec == MEDIA_CODEC_NONE ? 0 : 1;
    cfg.profiles[0].codec = r->opt.vcodec;
    cfg.profiles[0].width = r->opt.width;
    cfg.profiles[0].height = r->opt.height;
    cfg.profiles[0].bitrate = r->opt.vbitrate;
    cfg.profiles[0].payload_type = r->opt.vcodec == MEDIA_CODEC_H264 ? 102 : 96;
    cfg.vp8_cpu_used = r->opt.vp8_cpu_used;
    cfg.h264_preset = r->opt.h264_preset;
    cfg.audio_bitrate = r->opt.abitrate;
    cfg.audio_complexity = r->opt.audio_complexity;
    cfg.top_n = r->opt.top_n;
    cfg.minus_self = r->opt.minus_self;
    cfg.encode_every_input = r->opt.encode_every_input;
    r->engine = mix_engine_new(&cfg, err, sizeof err);
    if (!r->engine) {
        fprintf(stderr, "mcu-mix: %s\n", err);
        return -1;
    }
    if (mix_engine_set_layout(r->engine, r->opt.layout, err, sizeof err) < 0) {
        fprintf(stderr, "mcu-mix: %s\n", err);
        return -1;
    }
    for (size_t i = 0; i < r->opt.input_count; i++) {
        struct mix_input_config ic;
        mix_source_input_config(r->sources[i], &ic);
        if (mix_engine_add_input(r->engine, i, &ic) < 0) {
            fprintf(stderr, "mcu-mix: %s: the mixer cannot take its streams\n", r->opt.inputs[i]);
            return -1;
        }
    }
    size_t header_size;
    const uint8_t *header = mix_engine_audio_extradata(r->engine, &header_size);
    struct webm_writer_config oc = {
        .path = r->opt.output,
        .webm = webm_writer_name_is_webm(r->opt.output),
        .replace = true,
        .video_codec = r->opt.vcodec,
        .width = r->opt.width,
        .height = r->opt.height,
        .fps = r->opt.fps,
        .opus_header = header,
        .opus_header_size = header_size,
    };
    r->out = webm_writer_open(&oc, NULL, err, sizeof err);
    if (!r->out) {
        fprintf(stderr, "mcu-mix: %s: %s\n", r->opt.output, err);
        return -1;
    }
    return 0;
}

static bool all_done(const struct run *r)
{
    for (size_t i = 0; i < r->opt.input_count; i++)
        if (!mix_source_done(r->sources[i])) return false;
    return true;
}

static void show_progress(const struct run *r, int64_t media_us, int64_t started_us, bool last)
{
    int64_t elapsed = wall_us() - started_us;
    double speed = elapsed > 0 ? (double)media_us / (double)elapsed : 0;
    fprintf(stderr, "mcu-mix: %.1f s of %.1f s mixed (%.1fx realtime)%s", media_us / 1e6,
            r->end_us / 1e6, speed, isatty(2) && !last ? "\r" : "\n");
}

/* Steps the media clock through every tick until the end. Returns 0 or -1. */
static int mix_all(struct run *r)
{
    char err[512];
    struct mix_engine_sink sink = {.opaque = r, .frame = on_frame};
    bool video = r->opt.vcodec != MEDIA_CODEC_NONE;
    int64_t video_index = 0, audio_index = 0, tail_end = 0;
    size_t next_switch = 0;
    bool progress = !r->opt.quiet && r->end_us >= PROGRESS_MIN_US;
    int64_t started = wall_us(), last_progress = started;
    for (;;) {
        int64_t next_video = video ? video_index * 1000000 / r->opt.fps : INT64_MAX;
        int64_t next_audio = audio_index * AUDIO_TICK_US;
        int64_t t = next_video < next_audio ? next_video : next_audio;
        if (r->end_us > 0 && t >= r->end_us) break;
        if (r->end_us == 0 && tail_end > 0 && t >= tail_end) break;
        for (size_t i = 0; i < r->opt.input_count; i++)
            if (mix_source_feed(r->sources[i], r->engine, t, err, sizeof err) < 0) {
                fprintf(stderr, "mcu-mix: %s\n", err);
                return -1;
            }
        if (r->end_us == 0 && tail_end == 0 && all_done(r)) tail_end = t + TAIL_US;
        while (next_switch < r->opt.switch_count && r->opt.switches[next_switch].at_us <= t) {
            if (mix_engine_set_layout(r->engine, r->opt.switches[next_switch].layout, err,
                                      sizeof err) < 0) {
                fprintf(stderr, "mcu-mix: %s\n", err);
                return -1;
            }
            next_switch++;
        }
        if (r->opt.realtime) {
            int64_t wait = started + t - wall_us();
            if (wait > 0) usleep((useconds_t)wait);
        }
        if (t == next_video) {
            mix_engine_video_tick(r->engine, t, &sink);
            video_index++;
        }
        if (t == next_audio) {
            mix_engine_audio_tick(r->engine, t, &sink);
            audio_index++;
        }
        if (r->write_failed) {
            fprintf(stderr, "mcu-mix: %s: %s\n", r->opt.output, r->write_err);
            return -1;
        }
        if (progress && wall_us() - last_progress >= 1000000) {
            last_progress = wall_us();
            show_progress(r, t, started, false);
        }
    }
    if (progress) show_progress(r, r->end_us, started, true);
    return 0;
}

/* An input whose video the mixer could not decode shows the placeholder: say so,
 * naming the input (also with --quiet: the output is not what was asked for). */
static void warn_undecoded(const struct run *r)
{
    for (size_t i = 0; i < r->opt.input_count; i++) {
        const struct mix_input_stats *st = mix_engine_input_stats(r->engine, i);
        if (!st || !mix_source_has_video(r->sources[i])) continue;
        if (st->video_frames > 0 && st->video_pictures == 0)
            fprintf(stderr,
                    "mcu-mix: warning: %s: none of its %llu video frames could be decoded "
                    "(unsupported profile or pixel format, or damaged data): its cell shows "
                    "the placeholder\n",
                    r->opt.inputs[i], (unsigned long long)st->video_frames);
        else if (st->video_frames == 0)
            fprintf(stderr,
                    "mcu-mix: warning: %s: no video frame of it reached the decoder: its cell "
                    "shows the placeholder\n",
                    r->opt.inputs[i]);
        else if (st->video_errors > st->video_frames / 2)
            fprintf(stderr,
                    "mcu-mix: warning: %s: %llu of its %llu video frames could not be "
                    "decoded\n",
                    r->opt.inputs[i], (unsigned long long)st->video_errors,
                    (unsigned long long)st->video_frames);
    }
}

static void close_run(struct run *r)
{
    if (r->sources)
        for (size_t i = 0; i < r->opt.input_count; i++) mix_source_close(r->sources[i]);
    free(r->sources);
    mix_engine_free(r->engine);
    mix_options_free(&r->opt);
}

int main(int argc, char **argv)
{
    struct run r = {0};
    av_log_set_level(AV_LOG_ERROR);
    int rc = mix_options_parse(&r.opt, argc, argv);
    if (rc != 0) {
        mix_options_free(&r.opt);
        return rc > 0 ? 0 : 2;
    }
    if (open_inputs(&r) < 0 || open_engine(&r) < 0) {
        if (r.out) webm_writer_close(r.out, false, NULL, 0);
        close_run(&r);
        return 2;
    }
    double cpu_start = cpu_seconds();
    rc = mix_all(&r);
    if (rc == 0) warn_undecoded(&r);
    char err[512] = "";
    if (webm_writer_close(r.out, true, err, sizeof err) < 0 && rc == 0) {
        fprintf(stderr, "mcu-mix: cannot finish %s: %s\n", r.opt.output, err);
        rc = -1;
    }
    if (r.opt.stats)
        fprintf(stderr, "mcu-mix: mixing took %.2f CPU s\n", cpu_seconds() - cpu_start);
    close_run(&r);
    return rc < 0 ? 1 : 0;
}
