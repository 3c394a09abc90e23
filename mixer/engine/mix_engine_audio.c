/* mix_engine_audio.c - the mix engine's 20 ms audio tick: pull what each input has
 * due, decode the inputs worth hearing (all of them, or with RFC 6464 levels only the
 * loudest top-N), mix, encode the full mix once for everyone who shares it and a
 * minus-self mix for each input that contributed, packetize and hand out. See
 * mix_engine.h. */
#include "mixer/engine/mix_engine_internal.h"

/* Which inputs to decode: those without levels always, those with levels only when
 * they are among the loudest top_n of the inputs that have levels. */
static void choose_decodes(struct mix_engine *e)
{
    size_t n = e->cfg.max_inputs;
    bool any_level = false;
    for (size_t i = 0; i < n; i++) {
        const struct mix_input *in = &e->inputs[i];
        e->levels[i] = AUDIO_LEVEL_SILENT;
        if (in->active && in->pending_count > 0 && in->level >= 0) {
            e->levels[i] = (uint8_t)in->level;
            any_level = true;
        }
    }
    if (any_level) audio_mixer_select(e->audio_mixer, e->levels, n, e->decode_audio);
    for (size_t i = 0; i < n; i++) {
        const struct mix_input *in = &e->inputs[i];
        if (!in->active || in->level < 0) e->decode_audio[i] = true;
    }
}

/* Gives the mixer each input's tick: samples if it has them, else its level only. */
static void put_inputs(struct mix_engine *e)
{
    for (size_t i = 0; i < e->cfg.max_inputs; i++) {
        struct mix_input *in = &e->inputs[i];
        if (!in->active || !in->audio_jb) continue;
        int level = in->level >= 0 ? in->level : AUDIO_LEVEL_UNKNOWN;
        if (mix_input_take_tick(in))
            audio_mixer_put(e->audio_mixer, i, in->tick_pcm, 1, level);
        else if (level != AUDIO_LEVEL_UNKNOWN)
            audio_mixer_put(e->audio_mixer, i, NULL, 1, level);
    }
}

static void encode_and_emit(struct mix_engine *e, const struct mix_engine_sink *sink,
                            struct mix_audio_encoder *encoder, struct packetizer *packetizer,
                            const struct mix_output *out, const int16_t *pcm, int64_t now_us)
{
    struct encoded_frame frame;
    int64_t ts = (int64_t)e->audio_ticks * AUDIO_FRAME_SAMPLES;
    int got = mix_audio_encoder_encode(encoder, pcm, ts, &frame);
    if (got < 0) {
        e->stats.errors++;
        return;
    }
    if (got == 0) return;
    frame.rtp_timestamp = (uint32_t)ts;
    e->stats.audio_frames_out++;
    mix_engine_emit(e, sink, out, packetizer, &frame, now_us);
}

/* Which inputs get their own (minus-self, or in the benchmark baseline per-input)
 * encode this tick. An input that moves from the shared mix to its own continues
 * from the full mix encoder's state before this tick's frame (as its limiter does),
 * so the stream its receiver decodes goes on without a restart (then at its own,
 * lower complexity). Encoders are made once per input and kept. Call before the
 * full mix is encoded. */
static void prepare_own_outputs(struct mix_engine *e)
{
    for (size_t i = 0; i < e->cfg.max_inputs; i++) {
        struct mix_input *in = &e->inputs[i];
        if (!in->active) continue;
        enum audio_mix_kind kind = audio_mixer_output(e->audio_mixer, i, NULL);
        bool own = e->cfg.encode_every_input ||
                   (e->cfg.minus_self && kind == AUDIO_MIX_OWN && in->audio_jb);
        if (own && !in->own_active) {
            if (mix_engine_open_own_output(e, i) < 0) {
                e->stats.errors++;
                own = false;
            } else {
                mix_audio_encoder_copy_state(in->own_encoder, e->full_encoder);
                mix_audio_encoder_set_complexity(in->own_encoder, mix_engine_own_complexity(e));
            }
        }
        in->own_active = own;
    }
}

static void encode_own_mixes(struct mix_engine *e, const struct mix_engine_sink *sink,
                             int64_t now_us)
{
    for (size_t i = 0; i < e->cfg.max_inputs; i++) {
        struct mix_input *in = &e->inputs[i];
        if (!in->active || !in->own_active) continue;
        const int16_t *pcm = NULL;
        audio_mixer_output(e->audio_mixer, i, &pcm);
        struct mix_output out = {MIX_OUTPUT_AUDIO_OWN, i, e->cfg.audio_ssrc + 1 + (uint32_t)i};
        e->stats.own_encodes++;
        encode_and_emit(e, sink, in->own_encoder, in->own_packetizer, &out, pcm, now_us);
    }
}

int mix_engine_audio_tick(struct mix_engine *e, int64_t now_us, const struct mix_engine_sink *sink)
{
    int64_t video_extra_us = mix_engine_video_extra_us(e);
    for (size_t i = 0; i < e->cfg.max_inputs; i++)
        if (e->inputs[i].active) mix_input_pull_audio(&e->inputs[i], now_us, video_extra_us);
    choose_decodes(e);
    for (size_t i = 0; i < e->cfg.max_inputs; i++)
        if (e->inputs[i].active) mix_input_decode_audio(&e->inputs[i], e->decode_audio[i]);
    put_inputs(e);
    audio_mixer_mix(e->audio_mixer);
    prepare_own_outputs(e);

    struct mix_output full = {MIX_OUTPUT_AUDIO_FULL, 0, e->cfg.audio_ssrc};
    encode_and_emit(e, sink, e->full_encoder, e->full_packetizer, &full,
                    audio_mixer_full(e->audio_mixer), now_us);
    encode_own_mixes(e, sink, now_us);
    e->audio_ticks++;
    e->stats.audio_ticks++;
    return 0;
}
