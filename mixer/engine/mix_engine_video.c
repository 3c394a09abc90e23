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

void mix_engine_cells(size_t cell_count, bool follow_speaker, const bool *present, size_t inputs,
                      int focus, int speaker, int *cell_slot)
{
    if (!follow_speaker) {
        for (size_t cell = 0; cell < cell_count; cell++)
            cell_slot[cell] = cell < inputs && present[cell] ? (int)cell : -1;
        return;
    }
    int lead = focus >= 0 && (size_t)focus < inputs && present[focus] ? focus : speaker;
    if (lead < 0 || (size_t)lead >= inputs || !present[lead]) {
        lead = -1;
        for (size_t i = 0; i < inputs && lead < 0; i++)
            if (present[i]) lead = (int)i;
    }
    size_t cell = 0;
    if (cell_count == 0) return;
    cell_slot[cell++] = lead;
    for (size_t i = 0; i < inputs && cell < cell_count; i++)
        if (present[i] && (int)i != lead) cell_slot[cell++] = (int)i;
    while (cell < cell_count) cell_slot[cell++] = -1;
}

/* The position of `slot` in order[0..count-1], or -1. */
static int position_of(const int *order, size_t count, int slot)
{
    for (size_t i = 0; slot >= 0 && i < count; i++)
        if (order[i] == slot) return (int)i;
    return -1;
}

void mix_engine_cells_in_order(size_t cell_count, bool follow_speaker, const int *order,
                               size_t count, int focus, int speaker, int *cell_slot)
{
    bool present[MIX_ENGINE_MAX_INPUTS];
    int cell_position[LAYOUT_MAX_CELLS];
    if (count > MIX_ENGINE_MAX_INPUTS) count = MIX_ENGINE_MAX_INPUTS;
    if (cell_count > LAYOUT_MAX_CELLS) cell_count = LAYOUT_MAX_CELLS;
    for (size_t i = 0; i < count; i++) present[i] = true;
    mix_engine_cells(cell_count, follow_speaker, present, count, position_of(order, count, focus),
                     position_of(order, count, speaker), cell_position);
    for (size_t cell = 0; cell < cell_count; cell++)
        cell_slot[cell] = cell_position[cell] >= 0 ? order[cell_position[cell]] : -1;
}

/* The active inputs in drawing order: the order set, then the others in slot order. */
static size_t drawing_order(const struct mix_engine *e, int *order)
{
    bool taken[MIX_ENGINE_MAX_INPUTS] = {false};
    size_t count = 0;
    for (size_t i = 0; i < e->order_count; i++) {
        int slot = e->order[i];
        if (!e->inputs[slot].active) continue;
        order[count++] = slot;
        taken[slot] = true;
    }
    for (size_t slot = 0; slot < e->cfg.max_inputs; slot++)
        if (e->inputs[slot].active && !taken[slot]) order[count++] = (int)slot;
    return count;
}

/* Which input each cell shows (mix_engine_cells(), or mix_engine_cells_in_order()
 * once an order was set), to the compositor; each input learns whether it is drawn.
 * An input that comes into view waits for a keyframe (its decoder skipped everything
 * while it was hidden). */
static void assign_cells(struct mix_engine *e)
{
    int cell_slot[LAYOUT_MAX_CELLS];
    int speaker = audio_mixer_active_speaker(e->audio_mixer);
    if (e->ordered) {
        int order[MIX_ENGINE_MAX_INPUTS];
        size_t count = drawing_order(e, order);
        int focus = e->focus_slot >= 0 && e->inputs[e->focus_slot].active ? e->focus_slot : -1;
        mix_engine_cells_in_order(e->layout.count, e->follow_speaker, order, count, focus, speaker,
                                  cell_slot);
    } else {
        for (size_t i = 0; i < e->cfg.max_inputs; i++) e->present[i] = e->inputs[i].active;
        mix_engine_cells(e->layout.count, e->follow_speaker, e->present, e->cfg.max_inputs,
                         e->focus_slot, speaker, cell_slot);
    }
    for (size_t i = 0; i < e->cfg.max_inputs; i++) e->present[i] = false; /* now: drawn */
    for (size_t cell = 0; cell < e->layout.count; cell++) {
        compositor_show(e->compositor, cell, cell_slot[cell]);
        if (cell_slot[cell] >= 0) e->present[cell_slot[cell]] = true;
    }
    for (size_t i = 0; i < e->cfg.max_inputs; i++) {
        struct mix_input *in = &e->inputs[i];
        if (!in->active) continue;
        bool hidden = !e->present[i];
        if (in->hidden && !hidden && !e->cfg.decode_hidden)
            in->reference_lost = true; /* back: from a keyframe */
        in->hidden = hidden;
    }
}

int64_t mix_engine_video_extra_us(const struct mix_engine *e)
{
    int fps = e->cfg.fps > 0 ? e->cfg.fps : 30;
    const struct mix_engine_stats *st = &e->stats;
    int64_t tick =
        st->video_ticks > 0
            ? (int64_t)((st->video_decode_us + st->video_compose_us + st->video_encode_us) /
                        st->video_ticks)
            : 0;
    int64_t extra = 1000000 / fps / 2 + tick - AUDIO_TICK_MS * 1000 / 2;
    return extra > 0 ? extra : 0;
}

int mix_engine_video_tick(struct mix_engine *e, int64_t now_us, const struct mix_engine_sink *sink)
{
    struct video_job job = {.e = e, .now_us = now_us};
    assign_cells(e);
    e->decode_count = 0;
    for (size_t i = 0; i < e->cfg.max_inputs; i++) {
        struct mix_input *in = &e->inputs[i];
        if (!in->active || !in->video_jb) continue;
        if (in->hidden && !e->cfg.decode_hidden)
            mix_input_skip_video(in, now_us); /* not drawn: not decoded */
        else
            e->decode_list[e->decode_count++] = i;
    }
    uint64_t decode_start = phase_clock_us();
    work_pool_run(e->pool, e->decode_count, decode_job, &job);
    e->stats.video_decode_us += phase_clock_us() - decode_start;

    uint64_t compose_start = phase_clock_us(); /* scaling the new pictures included */
    e->composed_count = 0;
    for (size_t k = 0; k < e->decode_count; k++) {
        size_t slot = e->decode_list[k];
        struct mix_input *in = &e->inputs[slot];
        if (!in->new_picture) continue;
        in->new_picture = false;
        if (in->picture_arrival_us > 0) {
            e->composed_arrivals[e->composed_count++] = in->picture_arrival_us;
            e->stats.video_frames_composed++;
            e->stats.video_jitter_wait_us +=
                (uint64_t)(in->picture_ready_us - in->picture_arrival_us);
            if (now_us > in->picture_ready_us)
                e->stats.video_tick_wait_us += (uint64_t)(now_us - in->picture_ready_us);
        }
        if (compositor_set_input(e->compositor, slot, in->picture) < 0) e->stats.errors++;
    }
    e->stats.video_ticks++;
    if (e->cfg.profile_count == 0) return 0;

    /* 90 kHz from the caller's microseconds, without overflow for centuries. */
    job.pts = now_us / 1000000 * RTP_VIDEO_CLOCK + now_us % 1000000 * RTP_VIDEO_CLOCK / 1000000;
    job.canvas = compositor_compose(e->compositor, job.pts);
    e->stats.video_compose_us += phase_clock_us() - compose_start;
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
