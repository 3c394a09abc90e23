/* mix_engine.c - the mix engine's set-up, inputs, layout, feedback and control. The
 * ticks live in mix_engine_video.c and mix_engine_audio.c. See mix_engine.h. */
#include "mixer/engine/mix_engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/engine/mix_engine_internal.h"
#include "mixer/media/error_text.h"

void mix_engine_config_init(struct mix_engine_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->width = 1280;
    cfg->height = 720;
    cfg->fps = 30;
    cfg->max_inputs = 16;
    cfg->threads = 1;
    cfg->profile_count = 1;
    cfg->profiles[0] = (struct mix_profile_config){.codec = MEDIA_CODEC_VP8,
                                                   .width = 1280,
                                                   .height = 720,
                                                   .bitrate = 2000000,
                                                   .payload_type = 96,
                                                   .ssrc = 0x10000001};
    cfg->vp8_cpu_used = -6;
    cfg->h264_preset = "veryfast";
    cfg->top_n = 4;
    cfg->audio_bitrate = 32000;
    cfg->audio_complexity = 5;
    cfg->audio_own_complexity = 1;
    cfg->audio_payload_type = 111;
    cfg->audio_ssrc = 0x20000001;
    cfg->minus_self = true;
}

static int check_config(const struct mix_engine_config *c, char *err, size_t errlen)
{
    if (c->width < 16 || c->height < 16 || c->width % 2 || c->height % 2 || c->width > 4096 ||
        c->height > 4096) {
        error_text_set(err, errlen, "canvas size %dx%d: need even sizes 16..4096", c->width,
                       c->height);
        return -1;
    }
    if (c->fps < 1 || c->fps > 120) {
        error_text_set(err, errlen, "fps %d: need 1..120", c->fps);
        return -1;
    }
    if (c->max_inputs < 1 || c->max_inputs > MIX_ENGINE_MAX_INPUTS) {
        error_text_set(err, errlen, "max_inputs %zu: need 1..%d", c->max_inputs,
                       MIX_ENGINE_MAX_INPUTS);
        return -1;
    }
    if (c->threads < 1 || c->threads > WORK_POOL_MAX_THREADS) {
        error_text_set(err, errlen, "threads %d: need 1..%d", c->threads, WORK_POOL_MAX_THREADS);
        return -1;
    }
    if (c->profile_count > MIX_ENGINE_MAX_PROFILES) {
        error_text_set(err, errlen, "%zu profiles: at most %d", c->profile_count,
                       MIX_ENGINE_MAX_PROFILES);
        return -1;
    }
    for (size_t i = 0; i < c->profile_count; i++) {
        const struct mix_profile_config *p = &c->profiles[i];
        if (p->codec != MEDIA_CODEC_VP8 && p->codec != MEDIA_CODEC_H264) {
            error_text_set(err, errlen, "profile %zu: codec must be VP8 or H.264", i);
            return -1;
        }
        if (p->width < 16 || p->height < 16 || p->width % 2 || p->height % 2 ||
            p->bitrate < 10000 || p->payload_type > 127) {
            error_text_set(err, errlen,
                           "profile %zu: bad size %dx%d, bitrate %d or payload type %u", i,
                           p->width, p->height, p->bitrate, p->payload_type);
            return -1;
        }
    }
    if (c->top_n < 1 || c->audio_payload_type > 127 || c->audio_bitrate < 6000 ||
        c->audio_bitrate > 510000 || c->audio_complexity < 0 || c->audio_complexity > 10 ||
        c->audio_own_complexity < 0 || c->audio_own_complexity > 10) {
        error_text_set(err, errlen, "audio: bad top_n, payload type, bitrate or complexity");
        return -1;
    }
    return 0;
}

static struct packetizer *new_packetizer(const struct mix_engine *e, enum media_codec codec,
                                         uint8_t payload_type, uint32_t ssrc)
{
    struct packetizer_config pc = {
        .codec = codec,
        .ssrc = ssrc,
        .payload_type = payload_type,
        .first_sequence = (uint16_t)(ssrc * 2654435761u >> 16), /* differs per output */
        .first_picture_id = (uint16_t)(ssrc & 0x7fff),
        .mtu = e->cfg.mtu,
        .h264_stap_a = true,
    };
    return packetizer_new(&pc);
}

static int open_profiles(struct mix_engine *e, char *err, size_t errlen)
{
    for (size_t i = 0; i < e->cfg.profile_count; i++) {
        struct mix_profile *p = &e->profiles[i];
        p->cfg = e->cfg.profiles[i];
        struct video_encoder_config vc;
        video_encoder_config_init(&vc, p->cfg.codec, p->cfg.width, p->cfg.height, p->cfg.bitrate);
        vc.fps = e->cfg.fps;
        vc.vp8_cpu_used = e->cfg.vp8_cpu_used;
        vc.h264_preset = e->h264_preset;
        p->encoder = video_encoder_new(&vc);
        p->packetizer = new_packetizer(e, p->cfg.codec, p->cfg.payload_type, p->cfg.ssrc);
        if (!p->encoder || !p->packetizer) {
            error_text_set(err, errlen, "profile %zu: cannot open the %s encoder at %dx%d", i,
                           media_codec_name(p->cfg.codec), p->cfg.width, p->cfg.height);
            return -1;
        }
    }
    return 0;
}

struct mix_engine *mix_engine_new(const struct mix_engine_config *cfg, char *err, size_t errlen)
{
    if (!cfg || check_config(cfg, err, errlen) < 0) return NULL;
    struct mix_engine *e = calloc(1, sizeof *e);
    if (!e) {
        error_text_set(err, errlen, "out of memory");
        return NULL;
    }
    e->cfg = *cfg;
    snprintf(e->h264_preset, sizeof e->h264_preset, "%s",
             cfg->h264_preset ? cfg->h264_preset : "veryfast");
    e->cfg.h264_preset = e->h264_preset;
    size_t n = cfg->max_inputs;
    e->inputs = calloc(n, sizeof *e->inputs);
    e->decode_list = calloc(n, sizeof *e->decode_list);
    e->composed_arrivals = calloc(n, sizeof *e->composed_arrivals);
    e->levels = calloc(n, sizeof *e->levels);
    e->decode_audio = calloc(n, sizeof *e->decode_audio);
    e->present = calloc(n, sizeof *e->present);
    e->pool = work_pool_new(cfg->threads);
    e->focus_slot = -1;

    struct compositor_config cc;
    compositor_config_init(&cc);
    cc.width = cfg->width;
    cc.height = cfg->height;
    cc.fps = cfg->fps;
    cc.max_inputs = n;
    e->compositor = compositor_new(&cc);

    struct audio_mixer_config ac;
    audio_mixer_config_init(&ac);
    ac.max_inputs = n;
    ac.top_n = cfg->top_n;
    e->audio_mixer = audio_mixer_new(&ac);

    struct mix_audio_encoder_config ec = {cfg->audio_bitrate, cfg->audio_complexity};
    e->full_encoder = mix_audio_encoder_new(&ec);
    e->full_packetizer =
        new_packetizer(e, MEDIA_CODEC_OPUS, cfg->audio_payload_type, cfg->audio_ssrc);
    if (!e->inputs || !e->decode_list || !e->composed_arrivals || !e->levels || !e->decode_audio ||
        !e->present || !e->pool || !e->compositor || !e->audio_mixer || !e->full_encoder ||
        !e->full_packetizer) {
        error_text_set(err, errlen, "cannot set up the engine (out of memory, or no libopus)");
        mix_engine_free(e);
        return NULL;
    }
    if (open_profiles(e, err, errlen) < 0 || mix_engine_set_layout(e, "1x1", err, errlen) < 0) {
        mix_engine_free(e);
        return NULL;
    }
    return e;
}

void mix_engine_free(struct mix_engine *e)
{
    if (!e) return;
    if (e->inputs)
        for (size_t i = 0; i < e->cfg.max_inputs; i++)
            if (e->inputs[i].active) mix_input_close(&e->inputs[i]);
    for (size_t i = 0; i < MIX_ENGINE_MAX_PROFILES; i++) {
        video_encoder_free(e->profiles[i].encoder);
        packetizer_free(e->profiles[i].packetizer);
    }
    work_pool_free(e->pool);
    compositor_free(e->compositor);
    audio_mixer_free(e->audio_mixer);
    mix_audio_encoder_free(e->full_encoder);
    packetizer_free(e->full_packetizer);
    free(e->inputs);
    free(e->decode_list);
    free(e->composed_arrivals);
    free(e->levels);
    free(e->decode_audio);
    free(e->present);
    free(e);
}

static struct mix_input *input_at(const struct mix_engine *e, size_t slot)
{
    if (slot >= e->cfg.max_inputs || !e->inputs[slot].active) return NULL;
    return &e->inputs[slot];
}

int mix_engine_add_input(struct mix_engine *e, size_t slot, const struct mix_input_config *cfg)
{
    if (!cfg || slot >= e->cfg.max_inputs || e->inputs[slot].active) return -1;
    if ((cfg->audio_codec != MEDIA_CODEC_NONE &&
         media_codec_kind(cfg->audio_codec) != MEDIA_AUDIO) ||
        (cfg->video_codec != MEDIA_CODEC_NONE && media_codec_kind(cfg->video_codec) != MEDIA_VIDEO))
        return -1;
    if (mix_input_open(&e->inputs[slot], cfg) < 0) return -1;
    compositor_clear_input(e->compositor, slot);
    compositor_set_video_muted(e->compositor, slot, false);
    compositor_set_label(e->compositor, slot, cfg->name);
    audio_mixer_remove(e->audio_mixer, slot);
    return 0;
}

void mix_engine_remove_input(struct mix_engine *e, size_t slot)
{
    struct mix_input *in = input_at(e, slot);
    if (!in) return;
    mix_input_close(in);
    compositor_clear_input(e->compositor, slot);
    compositor_set_video_muted(e->compositor, slot, false);
    compositor_set_label(e->compositor, slot, NULL);
    audio_mixer_remove(e->audio_mixer, slot);
    if (e->focus_slot == (int)slot) e->focus_slot = -1;
}

int mix_engine_set_focus(struct mix_engine *e, int slot)
{
    if (slot >= (int)e->cfg.max_inputs) return -1;
    e->focus_slot = slot < 0 ? -1 : slot;
    return 0;
}

int mix_engine_set_order(struct mix_engine *e, const int *slots, size_t count)
{
    bool listed[MIX_ENGINE_MAX_INPUTS] = {false};
    if (count > e->cfg.max_inputs) return -1;
    for (size_t i = 0; i < count; i++) {
        if (slots[i] < 0 || (size_t)slots[i] >= e->cfg.max_inputs || listed[slots[i]]) return -1;
        listed[slots[i]] = true;
    }
    for (size_t i = 0; i < count; i++) e->order[i] = slots[i];
    e->order_count = count;
    e->ordered = true;
    return 0;
}

int mix_engine_set_input_video_muted(struct mix_engine *e, size_t slot, bool muted)
{
    struct mix_input *in = input_at(e, slot);
    if (!in) return -1;
    in->video_muted = muted;
    /* Unmuted: the next picture comes from a keyframe (the stream had a gap). */
    if (!muted) in->reference_lost = true;
    return compositor_set_video_muted(e->compositor, slot, muted);
}

size_t mix_engine_composed_arrivals(const struct mix_engine *e, int64_t *arrivals, size_t max)
{
    size_t n = e->composed_count < max ? e->composed_count : max;
    memcpy(arrivals, e->composed_arrivals, n * sizeof *arrivals);
    return n;
}

int mix_engine_set_profile_active(struct mix_engine *e, size_t profile, bool active)
{
    if (profile >= e->cfg.profile_count) return -1;
    struct mix_profile *p = &e->profiles[profile];
    if (active && p->inactive)
        video_encoder_request_keyframe(p->encoder); /* its first frame must be a key */
    p->inactive = !active;
    return 0;
}

int mix_engine_push_rtp(struct mix_engine *e, size_t slot, enum media_kind kind,
                        const uint8_t *packet, size_t len, int64_t arrival_us)
{
    struct mix_input *in = input_at(e, slot);
    if (!in || !packet) return -1;
    struct jitter_buffer *jb = kind == MEDIA_VIDEO ? in->video_jb : in->audio_jb;
    if (!jb) return -1;
    if (kind == MEDIA_VIDEO) {
        if (in->video_muted) return -1;
        in->video_seen = true;
    }
    return jitter_buffer_push(jb, packet, len, arrival_us);
}

void mix_engine_end_input(struct mix_engine *e, size_t slot, enum media_kind kind)
{
    struct mix_input *in = input_at(e, slot);
    if (!in) return;
    struct jitter_buffer *jb = kind == MEDIA_VIDEO ? in->video_jb : in->audio_jb;
    if (jb) jitter_buffer_drain(jb);
}

int mix_engine_set_layout(struct mix_engine *e, const char *name, char *err, size_t errlen)
{
    struct layout l;
    char why[160] = "";
    if (!name) {
        error_text_set(err, errlen, "no layout given");
        return -1;
    }
    if (name[0] == '{') {
        if (layout_from_json(name, e->cfg.width, e->cfg.height, &l, why, sizeof why) < 0) {
            error_text_set(err, errlen, "layout JSON: %s", why);
            return -1;
        }
    } else if (layout_from_name(name, e->cfg.width, e->cfg.height, &l) < 0) {
        error_text_set(err, errlen, "unknown layout \"%s\"", name);
        return -1;
    }
    if (compositor_set_layout(e->compositor, &l) < 0) {
        error_text_set(err, errlen, "layout \"%s\" does not fit the canvas", name);
        return -1;
    }
    e->layout = l;
    e->follow_speaker = mix_engine_layout_follows_speaker(name);
    return 0;
}

bool mix_engine_layout_follows_speaker(const char *name)
{
    return strncmp(name, "speaker", 7) == 0 || strcmp(name, "1+5") == 0 ||
           strcmp(name, "1+7") == 0 || strcmp(name, "presentation") == 0;
}

bool mix_engine_input_drawn(const struct mix_engine *e, size_t slot)
{
    const struct mix_input *in = input_at(e, slot);
    return in && !in->hidden;
}

const struct layout *mix_engine_layout(const struct mix_engine *e) { return &e->layout; }

bool mix_engine_keyframe_request(struct mix_engine *e, size_t slot, int64_t now_us)
{
    struct mix_input *in = input_at(e, slot);
    if (!in || !in->video_jb || (in->hidden && !e->cfg.decode_hidden)) return false;
    /* One request per input per interval, whichever part wants it: the jitter buffer
     * (a frame lost for good) and the decoder (a broken reference) must not each
     * ask in turn. The jitter buffer keeps its wish until it is asked. */
    if (in->last_keyframe_request_us != INT64_MIN &&
        now_us - in->last_keyframe_request_us < MIX_ENGINE_KEYFRAME_INTERVAL_US)
        return false;
    bool stalled = in->reference_lost || video_decoder_needs_keyframe(in->video_decoder);
    bool ask = jitter_buffer_keyframe_request(in->video_jb, now_us) || (in->video_seen && stalled);
    if (ask) {
        in->last_keyframe_request_us = now_us;
        in->stats.keyframe_requests++;
    }
    return ask;
}

size_t mix_engine_nack(struct mix_engine *e, size_t slot, int64_t now_us, uint16_t *seqs,
                       size_t max)
{
    struct mix_input *in = input_at(e, slot);
    if (!in || !in->video_jb || (in->hidden && !e->cfg.decode_hidden)) return 0;
    return jitter_buffer_nack(in->video_jb, now_us, seqs, max);
}

void mix_engine_set_rtt(struct mix_engine *e, size_t slot, int64_t rtt_us)
{
    struct mix_input *in = input_at(e, slot);
    if (in && in->video_jb) jitter_buffer_set_rtt(in->video_jb, rtt_us);
}

int mix_engine_request_keyframe(struct mix_engine *e, size_t profile)
{
    if (profile >= e->cfg.profile_count) return -1;
    video_encoder_request_keyframe(e->profiles[profile].encoder);
    return 0;
}

int mix_engine_set_bitrate(struct mix_engine *e, size_t profile, int bitrate)
{
    if (profile >= e->cfg.profile_count) return -1;
    if (video_encoder_set_bitrate(e->profiles[profile].encoder, bitrate) < 0) return -1;
    e->profiles[profile].cfg.bitrate = bitrate;
    return 0;
}

enum mix_route mix_engine_audio_route(const struct mix_engine *e, size_t slot)
{
    const struct mix_input *in = input_at(e, slot);
    if (!in) return MIX_ROUTE_NONE;
    return in->own_active ? MIX_ROUTE_OWN : MIX_ROUTE_FULL;
}

int mix_engine_active_speaker(const struct mix_engine *e)
{
    return audio_mixer_active_speaker(e->audio_mixer);
}

const uint8_t *mix_engine_audio_extradata(const struct mix_engine *e, size_t *size)
{
    return mix_audio_encoder_extradata(e->full_encoder, size);
}

const char *mix_engine_input_name(const struct mix_engine *e, size_t slot)
{
    const struct mix_input *in = input_at(e, slot);
    return in ? in->name : NULL;
}

const struct mix_input_stats *mix_engine_input_stats(const struct mix_engine *e, size_t slot)
{
    const struct mix_input *in = input_at(e, slot);
    return in ? &in->stats : NULL;
}

const struct mix_engine_stats *mix_engine_stats(const struct mix_engine *e) { return &e->stats; }

const struct mix_engine_config *mix_engine_config(const struct mix_engine *e) { return &e->cfg; }

int mix_engine_own_complexity(const struct mix_engine *e)
{
    /* The per-room baseline stands for "no sharing": every room at full quality. */
    return e->cfg.encode_every_input ? e->cfg.audio_complexity : e->cfg.audio_own_complexity;
}

int mix_engine_open_own_output(struct mix_engine *e, size_t slot)
{
    struct mix_input *in = &e->inputs[slot];
    if (!in->own_encoder) {
        struct mix_audio_encoder_config ec = {e->cfg.audio_bitrate, mix_engine_own_complexity(e)};
        in->own_encoder = mix_audio_encoder_new(&ec);
    }
    if (!in->own_packetizer)
        in->own_packetizer = new_packetizer(e, MEDIA_CODEC_OPUS, e->cfg.audio_payload_type,
                                            e->cfg.audio_ssrc + 1 + (uint32_t)slot);
    return in->own_encoder && in->own_packetizer ? 0 : -1;
}

void mix_engine_emit(struct mix_engine *e, const struct mix_engine_sink *sink,
                     const struct mix_output *out, struct packetizer *packetizer,
                     const struct encoded_frame *frame, int64_t now_us)
{
    if (!sink) return;
    if (sink->frame) sink->frame(sink->opaque, out, frame, now_us);
    if (!sink->packet) return;
    if (packetizer_push(packetizer, frame) < 0) {
        e->stats.errors++;
        return;
    }
    const uint8_t *data;
    size_t size;
    while (packetizer_pull(packetizer, &data, &size) == 1)
        sink->packet(sink->opaque, out, data, size);
}
