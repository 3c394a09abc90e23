/* mix_engine_video.c - the mix engine's video tick: decode what each input has due
 * (fanned out over the pool), hand the newest pictures to the compositor, compose the
 * canvas once, encode it once per output profile (each encoder scales it to its own
 * size), packetize and hand out. See mix_engine.h. */
#include <stdlib.h>
#include <time.h>

#include "mixer/engine/mix_engine_internal.h"

#define RTP_VIDEO_CLOCK 90000

/* Monotonic microseconds, for the phase timings in the stats only. */
static uint64_t phase_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct video_job {
    struct mix_engine *e;
    int64_t now_us;
    const AVFrame *canvas;
    int64_t pts;
};

static void decode_job(void *arg, size_t index)
{
    struct video_job *job = arg;
    struct mix_engine *e = job->e;
    mix_input_decode_video(&e->inputs[e->decode_list[index]], job->now_us);
}

static void encode_job(void *arg, size_t index)
{
    struct video_job *job = arg;
    struct mix_profile *p = &job->e->profiles[index];
    if (p->inactive) return;
    if (video_encoder_encode(p->encoder, job->canvas, job->pts) < 0)
        job->e->stats.errors++; /* counted once more by the encoder itself */
}

/* Cell 0 shows the active speaker (or the first input), the other cells the other
 * inputs in slot order. */
static void assign_speaker_cells(struct mix_engine *e)
{
    int speaker = audio_mixer_active_speaker(e->audio_mixer);
    if (e->focus_slot >= 0 && e->inputs[e->focus_slot].active) speaker = e->focus_slot;
    if (speaker < 0 || !e->inputs[speaker].active) {
        speaker = -1;
        for (size_t i = 0; i < e->cfg.max_inputs && speaker < 0; i++)
            if (e->inputs[i].active) speaker = (int)i;
    }
    size_t cell = 0;
    compositor_show(e->compositor, cell++, speaker);
    for (size_t i = 0; i < e->cfg.max_inputs && cell < e->layout.count; i++)
        if (e->inputs[i].active && (int)i != speaker)
            compositor_show(e->compositor, cell++, (int)i);
    while (cell < e->layout.count) compositor_show(e->compositor, cell++, -1);
}

/* Cell i shows input i, or nothing (black) if there is no input i. */
static void assign_grid_cells(struct mix_engine *e)
{
    for (size_t cell = 0; cell < e->layout.count; cell++)
        compositor_show(e->compositor, cell,
                        cell < e->cfg.max_inputs && e->inputs[cell].active ? (int)cell : -1);
}

int mix_engine_video_tick(struct mix_engine *e, int64_t now_us, const struct mix_engine_sink *sink)
{
    struct video_job job = {.e = e, .now_us = now_us};
    e->decode_count = 0;
    for (size_t i = 0; i < e->cfg.max_inputs; i++)
        if (e->inputs[i].active && e->inputs[i].video_jb) e->decode_list[e->decode_count++] = i;
    uint64_t decode_start = phase_clock_us();
    work_pool_run(e->pool, e->decode_count, decode_job, &job);
    e->stats.video_decode_us += phase_clock_us() - decode_start;

    e->composed_count = 0;
    for (size_t k = 0; k < e->decode_count; k++) {
        size_t slot = e->decode_list[k];
        struct mix_input *in = &e->inputs[slot];
        if (!in->new_picture) continue;
        in->new_picture = false;
        if (in->picture_arrival_us > 0)
            e->composed_arrivals[e->composed_count++] = in->picture_arrival_us;
        if (compositor_set_input(e->compositor, slot, in->picture) < 0) e->stats.errors++;
    }
    if (e->follow_speaker)
        assign_speaker_cells(e);
    else
        assign_grid_cells(e);
    e->stats.video_ticks++;
    if (e->cfg.profile_count == 0) return 0;

    /* 90 kHz from the caller's microseconds, without overflow for centuries. */
    job.pts = now_us / 1000000 * RTP_VIDEO_CLOCK + now_us % 1000000 * RTP_VIDEO_CLOCK / 1000000;
    job.canvas = compositor_compose(e->compositor, job.pts);
    if (!job.canvas) {
        e->stats.errors++;
        return -1;
    }
    uint64_t encode_start = phase_clock_us();
    work_pool_run(e->pool, e->cfg.profile_count, encode_job, &job);
    e->stats.video_encode_us += phase_clock_us() - encode_start;

    int rc = 0;
    for (size_t i = 0; i < e->cfg.profile_count; i++) {
        struct mix_profile *p = &e->profiles[i];
        if (p->inactive) continue;
        struct mix_output out = {MIX_OUTPUT_VIDEO, i, p->cfg.ssrc};
        struct encoded_frame frame;
        int got;
        while ((got = video_encoder_receive(p->encoder, &frame)) == 1) {
            e->stats.video_frames_out++;
            mix_engine_emit(e, sink, &out, p->packetizer, &frame, now_us);
        }
        if (got < 0) {
            e->stats.errors++;
            rc = -1;
        }
    }
    return rc;
}
