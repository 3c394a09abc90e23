/* mix_input.c - one conference input's receive chains for the mix engine. See
 * mix_input.h. */
#include "mixer/engine/mix_input.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mixer/rtp/rtp.h"

int mix_input_open(struct mix_input *in, const struct mix_input_config *cfg)
{
    memset(in, 0, sizeof *in);
    in->cfg = *cfg;
    in->cfg.name = NULL;
    snprintf(in->name, sizeof in->name, "%s", cfg->name ? cfg->name : "");
    in->level = -1;
    in->window_min = SIZE_MAX;
    in->last_keyframe_request_us = INT64_MIN;
    byte_buffer_init(&in->pending, MIX_INPUT_MAX_PENDING * 1500u);
    struct jitter_buffer_config jbc;
    if (cfg->video_codec != MEDIA_CODEC_NONE) {
        jitter_buffer_default_config(cfg->video_codec, &jbc);
        in->video_jb = jitter_buffer_new(&jbc);
        in->video_depacketizer = depacketizer_new(cfg->video_codec);
        in->video_decoder = video_decoder_new(cfg->video_codec);
        in->picture = av_frame_alloc();
        if (!in->video_jb || !in->video_depacketizer || !in->video_decoder || !in->picture)
            goto fail;
    }
    if (cfg->audio_codec != MEDIA_CODEC_NONE) {
        jitter_buffer_default_config(cfg->audio_codec, &jbc);
        in->audio_jb = jitter_buffer_new(&jbc);
        in->audio_depacketizer = depacketizer_new(cfg->audio_codec);
        in->audio_decoder = mix_audio_decoder_new(cfg->audio_codec);
        if (!in->audio_jb || !in->audio_depacketizer || !in->audio_decoder) goto fail;
    }
    in->active = true;
    return 0;
fail:
    mix_input_close(in);
    return -1;
}

void mix_input_close(struct mix_input *in)
{
    jitter_buffer_free(in->video_jb);
    depacketizer_free(in->video_depacketizer);
    video_decoder_free(in->video_decoder);
    av_frame_free(&in->picture);
    jitter_buffer_free(in->audio_jb);
    depacketizer_free(in->audio_depacketizer);
    mix_audio_decoder_free(in->audio_decoder);
    byte_buffer_free(&in->pending);
    mix_audio_encoder_free(in->own_encoder);
    packetizer_free(in->own_packetizer);
    memset(in, 0, sizeof *in);
}

static void decode_one(struct mix_input *in, const struct encoded_frame *frame)
{
    const AVFrame *picture = NULL;
    in->stats.video_frames++;
    enum video_decode_status st = video_decoder_decode(in->video_decoder, frame, &picture);
    if (st == VIDEO_DECODE_NEED_KEYFRAME) {
        in->stats.video_errors++;
        return;
    }
    if (st != VIDEO_DECODE_PICTURE) return;
    av_frame_unref(in->picture);
    if (av_frame_ref(in->picture, picture) == 0) {
        in->new_picture = true;
        in->picture_arrival_us = in->frame_arrival_us;
        in->picture_ready_us = in->frame_ready_us;
        in->stats.video_pictures++;
    }
}

void mix_input_decode_video(struct mix_input *in, int64_t now_us)
{
    if (!in->video_jb) return;
    struct jitter_frame jf;
    struct encoded_frame frame;
    while (jitter_buffer_pull(in->video_jb, now_us, &jf) == 1) {
        uint64_t lost = jitter_buffer_stats(in->video_jb)->lost;
        if (lost != in->video_lost && !jf.keyframe) in->reference_lost = true;
        in->video_lost = lost;
        if (jf.keyframe) in->reference_lost = false;
        if (in->reference_lost) {
            in->stats.video_errors++;
            continue;
        }
        in->frame_arrival_us = 0;
        for (size_t i = 0; i < jf.packet_count; i++)
            if (jf.packets[i].arrival_us > in->frame_arrival_us)
                in->frame_arrival_us = jf.packets[i].arrival_us;
        in->frame_ready_us =
            jf.playout_us > in->frame_arrival_us ? jf.playout_us : in->frame_arrival_us;
        for (size_t i = 0; i < jf.packet_count; i++) {
            depacketizer_push(in->video_depacketizer, jf.packets[i].data, jf.packets[i].size);
            while (depacketizer_pull(in->video_depacketizer, &frame) == 1) decode_one(in, &frame);
        }
    }
}

void mix_input_skip_video(struct mix_input *in, int64_t now_us)
{
    if (!in->video_jb) return;
    struct jitter_frame jf;
    while (jitter_buffer_pull(in->video_jb, now_us, &jf) == 1) in->stats.video_hidden++;
    in->video_lost = jitter_buffer_stats(in->video_jb)->lost;
}

/* The RFC 6464 level of a packet, or -1 without the extension. */
static int packet_level(const struct mix_input *in, const uint8_t *data, size_t size)
{
    struct rtp_header h;
    bool voice;
    uint8_t level;
    if (in->cfg.audio_level_ext_id == 0 || rtp_parse(data, size, &h) < 0 ||
        rtp_audio_level(&h, in->cfg.audio_level_ext_id, &voice, &level) < 0)
        return -1;
    return level;
}

void mix_input_pull_audio(struct mix_input *in, int64_t now_us, int64_t video_extra_us)
{
    in->pending.size = 0;
    in->pending_count = 0;
    if (!in->audio_jb) return;
    if (in->video_jb && in->video_seen) {
        /* Lip sync at the output (mix_input.h): audio waits in its buffer what video
         * waits in its own plus the video path's extra time. */
        int64_t audio = jitter_buffer_own_delay(in->audio_jb),
                video = jitter_buffer_own_delay(in->video_jb);
        int64_t audio_wait = audio > video + video_extra_us ? audio : video + video_extra_us;
        int64_t video_wait = audio_wait - video_extra_us;
        jitter_buffer_set_delay_floor(in->audio_jb, audio_wait);
        jitter_buffer_set_delay_floor(in->video_jb, video_wait > 0 ? video_wait : 0);
    }
    struct jitter_frame jf;
    struct encoded_frame frame;
    while (jitter_buffer_pull(in->audio_jb, now_us, &jf) == 1) {
        if (jf.lost || jf.packet_count == 0) continue;
        in->level = packet_level(in, jf.packets[0].data, jf.packets[0].size);
        depacketizer_push(in->audio_depacketizer, jf.packets[0].data, jf.packets[0].size);
        while (depacketizer_pull(in->audio_depacketizer, &frame) == 1) {
            if (in->pending_count == MIX_INPUT_MAX_PENDING ||
                byte_buffer_append(&in->pending, frame.data, frame.size) < 0) {
                in->stats.audio_skipped++;
                continue;
            }
            in->pending_size[in->pending_count++] = frame.size;
        }
    }
}

static void enqueue(struct mix_input *in, const int16_t *pcm, size_t n)
{
    if (n > MIX_INPUT_AUDIO_QUEUE) {
        pcm += n - MIX_INPUT_AUDIO_QUEUE;
        n = MIX_INPUT_AUDIO_QUEUE;
    }
    if (in->queued + n > MIX_INPUT_AUDIO_QUEUE) { /* too far behind: drop the oldest */
        size_t drop = in->queued + n - MIX_INPUT_AUDIO_QUEUE;
        memmove(in->queue, in->queue + drop, (in->queued - drop) * sizeof *in->queue);
        in->queued -= drop;
    }
    memcpy(in->queue + in->queued, pcm, n * sizeof *pcm);
    in->queued += n;
}

void mix_input_decode_audio(struct mix_input *in, bool decode)
{
    static_assert(MIX_AUDIO_MAX_DECODED <= MIX_INPUT_AUDIO_QUEUE, "queue holds a packet");
    int16_t pcm[MIX_AUDIO_MAX_DECODED];
    size_t offset = 0;
    for (size_t i = 0; i < in->pending_count; i++) {
        size_t size = in->pending_size[i];
        if (!decode) {
            in->stats.audio_skipped++;
        } else {
            int n =
                mix_audio_decoder_decode(in->audio_decoder, in->pending.data + offset, size, pcm);
            if (n > 0) {
                enqueue(in, pcm, (size_t)n);
                in->stats.audio_frames++;
            }
        }
        offset += size;
    }
    in->pending.size = 0;
    in->pending_count = 0;
}

static void new_window(struct mix_input *in)
{
    in->window_ticks = 0;
    in->window_min = SIZE_MAX;
}

/* Drops the samples that stood in the queue through a whole window (mix_input.h). */
static void trim_standing_level(struct mix_input *in)
{
    if (in->trim_pending == 0 && in->queued > MIX_INPUT_TRIM_HIGH)
        in->trim_pending = in->queued - MIX_INPUT_TRIM_HIGH; /* a burst: no need to wait */
    if (in->trim_pending > 0) {
        size_t drop =
            in->trim_pending < MIX_INPUT_TRIM_STEP ? in->trim_pending : MIX_INPUT_TRIM_STEP;
        if (drop > in->queued) drop = in->queued;
        in->queued -= drop;
        memmove(in->queue, in->queue + drop, in->queued * sizeof *in->queue);
        in->stats.audio_trimmed += drop;
        in->trim_pending = in->queued > 0 ? in->trim_pending - drop : 0;
        if (in->trim_pending == 0) new_window(in); /* measure again from here */
        return;
    }
    if (in->queued < in->window_min) in->window_min = in->queued;
    if (++in->window_ticks < MIX_INPUT_TRIM_TICKS) return;
    if (in->window_min > MIX_INPUT_TRIM_FLOOR)
        in->trim_pending = in->window_min - MIX_INPUT_TRIM_FLOOR;
    new_window(in);
}

bool mix_input_take_tick(struct mix_input *in)
{
    if (in->queued < AUDIO_FRAME_SAMPLES) {
        if (in->audio_jb) in->stats.audio_underruns++;
        in->window_min = 0; /* it ran dry: nothing stood in it */
        return false;
    }
    memcpy(in->tick_pcm, in->queue, sizeof in->tick_pcm);
    in->queued -= AUDIO_FRAME_SAMPLES;
    memmove(in->queue, in->queue + AUDIO_FRAME_SAMPLES, in->queued * sizeof *in->queue);
    trim_standing_level(in);
    return true;
}
