/* mix_source.c - one mcu-mix input file to RTP packets into the mix engine. See
 * mix_source.h. */
#include "mixer/tools/mix_source.h"

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixer/codec/mix_audio_codec.h"
#include "mixer/media/error_text.h"
#include "mixer/rtp/packetizer.h"
#include "mixer/rtp/rtp.h"
#include "mixer/tools/mix_transcode.h"

struct source_stream {
    int index; /* in the file; -1: none */
    enum media_kind kind;
    enum media_codec codec; /* what goes to the engine */
    AVRational time_base;
    AVBSFContext *bsf;               /* H.264 to Annex B */
    struct mix_transcode *transcode; /* other codecs */
    struct packetizer *packetizer;
    int64_t last_arrival_us;
};

struct mix_source {
    AVFormatContext *fmt;
    size_t slot;
    struct source_stream video, audio;
    AVPacket *packet; /* read, not yet pushed (if pending) */
    AVPacket *filtered;
    bool pending;
    bool done;
    int64_t start_us; /* the file's start: time 0 */
    uint8_t *levels;  /* --audio-levels: per audio packet, in order */
    size_t level_count, level_next;
    struct mix_engine *engine; /* during feed */
};

static enum media_codec native_codec(enum AVCodecID id)
{
    switch (id) {
    case AV_CODEC_ID_VP8: return MEDIA_CODEC_VP8;
    case AV_CODEC_ID_H264: return MEDIA_CODEC_H264;
    case AV_CODEC_ID_OPUS: return MEDIA_CODEC_OPUS;
    default: return MEDIA_CODEC_NONE;
    }
}

static void close_stream(struct source_stream *s)
{
    av_bsf_free(&s->bsf);
    mix_transcode_free(s->transcode);
    packetizer_free(s->packetizer);
    s->transcode = NULL;
    s->packetizer = NULL;
}

static int open_stream(struct mix_source *src, struct source_stream *s, enum AVMediaType type,
                       const char *path, char *err, size_t errlen)
{
    s->index = -1;
    s->kind = type == AVMEDIA_TYPE_VIDEO ? MEDIA_VIDEO : MEDIA_AUDIO;
    s->last_arrival_us = 0;
    int index = av_find_best_stream(src->fmt, type, -1, -1, NULL, 0);
    if (index < 0) return 0;
    AVStream *st = src->fmt->streams[index];
    if (st->disposition & AV_DISPOSITION_ATTACHED_PIC) return 0;
    s->index = index;
    s->time_base = st->time_base;
    s->codec = native_codec(st->codecpar->codec_id);
    if (s->codec != MEDIA_CODEC_NONE && s->kind == MEDIA_AUDIO && s->codec != MEDIA_CODEC_OPUS)
        s->codec = MEDIA_CODEC_NONE;
    if (s->codec == MEDIA_CODEC_NONE) {
        s->transcode = mix_transcode_new(st);
        if (!s->transcode) {
            error_text_set(err, errlen, "%s: cannot decode its %s stream (%s)", path,
                           s->kind == MEDIA_VIDEO ? "video" : "audio",
                           avcodec_get_name(st->codecpar->codec_id));
            return -1;
        }
        s->codec = mix_transcode_codec(s->transcode);
    } else if (s->codec == MEDIA_CODEC_H264) {
        const AVBitStreamFilter *f = av_bsf_get_by_name("h264_mp4toannexb");
        if (!f || av_bsf_alloc(f, &s->bsf) < 0 ||
            avcodec_parameters_copy(s->bsf->par_in, st->codecpar) < 0 ||
            (s->bsf->time_base_in = st->time_base, av_bsf_init(s->bsf) < 0)) {
            error_text_set(err, errlen, "%s: cannot set up the H.264 Annex B filter", path);
            return -1;
        }
    }
    struct packetizer_config pc = {
        .codec = s->codec,
        .ssrc = (uint32_t)(0x30000000u + src->slot * 2 + (s->kind == MEDIA_VIDEO)),
        .payload_type = s->kind == MEDIA_VIDEO ? (s->codec == MEDIA_CODEC_VP8 ? 96 : 102) : 111,
        .first_sequence = (uint16_t)(1000 * src->slot + 17),
    };
    s->packetizer = packetizer_new(&pc);
    if (!s->packetizer) {
        error_text_set(err, errlen, "%s: cannot packetize %s", path, media_codec_name(s->codec));
        return -1;
    }
    return 0;
}

/* RFC 6464 level (0 loudest .. 127 silent) of n samples. */
static uint8_t level_of(const int16_t *pcm, int n)
{
    double energy = 0;
    for (int i = 0; i < n; i++) energy += (double)pcm[i] * pcm[i];
    if (n <= 0 || energy <= 0) return 127;
    double dbov = 10.0 * log10(energy / n / (32768.0 * 32768.0));
    return dbov <= -127 ? 127 : dbov >= 0 ? 0 : (uint8_t)(-dbov + 0.5);
}

/* The sender's side of --audio-levels: decodes the audio track once and keeps the
 * level of every packet. Returns 0 or -1. */
static int measure_levels(struct mix_source *src, const char *path)
{
    AVFormatContext *fmt = NULL;
    AVPacket *p = av_packet_alloc();
    struct mix_audio_decoder *dec = mix_audio_decoder_new(src->audio.codec);
    int16_t *pcm = malloc(MIX_AUDIO_MAX_DECODED * sizeof *pcm);
    size_t capacity = 0;
    int rc = -1;
    if (!p || !dec || !pcm || avformat_open_input(&fmt, path, NULL, NULL) < 0) goto out;
    while (av_read_frame(fmt, p) >= 0) {
        if (p->stream_index == src->audio.index) {
            if (src->level_count == capacity) {
                capacity = capacity ? capacity * 2 : 1024;
                uint8_t *grown = realloc(src->levels, capacity);
                if (!grown) goto out;
                src->levels = grown;
            }
            int n = mix_audio_decoder_decode(dec, p->data, (size_t)p->size, pcm);
            src->levels[src->level_count++] = level_of(pcm, n);
        }
        av_packet_unref(p);
    }
    rc = 0;
out:
    avformat_close_input(&fmt);
    av_packet_free(&p);
    mix_audio_decoder_free(dec);
    free(pcm);
    return rc;
}

struct mix_source *mix_source_open(const char *path, size_t slot, bool audio_levels, char *err,
                                   size_t errlen)
{
    struct mix_source *src = calloc(1, sizeof *src);
    if (!src) {
        error_text_set(err, errlen, "out of memory");
        return NULL;
    }
    src->slot = slot;
    src->video.index = src->audio.index = -1;
    int rc = avformat_open_input(&src->fmt, path, NULL, NULL);
    if (rc < 0) {
        error_text_set(err, errlen, "%s: cannot open: %s", path, av_err2str(rc));
        goto fail;
    }
    if ((rc = avformat_find_stream_info(src->fmt, NULL)) < 0) {
        error_text_set(err, errlen, "%s: cannot read: %s", path, av_err2str(rc));
        goto fail;
    }
    if (open_stream(src, &src->video, AVMEDIA_TYPE_VIDEO, path, err, errlen) < 0 ||
        open_stream(src, &src->audio, AVMEDIA_TYPE_AUDIO, path, err, errlen) < 0)
        goto fail;
    if (src->video.index < 0 && src->audio.index < 0) {
        error_text_set(err, errlen, "%s: has neither video nor audio", path);
        goto fail;
    }
    src->packet = av_packet_alloc();
    src->filtered = av_packet_alloc();
    if (!src->packet || !src->filtered) {
        error_text_set(err, errlen, "out of memory");
        goto fail;
    }
    src->start_us = src->fmt->start_time != AV_NOPTS_VALUE ? src->fmt->start_time : 0;
    if (audio_levels && src->audio.index >= 0 && !src->audio.transcode &&
        measure_levels(src, path) < 0) {
        error_text_set(err, errlen, "%s: cannot measure its audio levels", path);
        goto fail;
    }
    return src;
fail:
    mix_source_close(src);
    return NULL;
}

void mix_source_close(struct mix_source *src)
{
    if (!src) return;
    close_stream(&src->video);
    close_stream(&src->audio);
    av_packet_free(&src->packet);
    av_packet_free(&src->filtered);
    avformat_close_input(&src->fmt);
    free(src->levels);
    free(src);
}

void mix_source_input_config(const struct mix_source *src, struct mix_input_config *cfg)
{
    cfg->audio_codec = src->audio.index >= 0 ? src->audio.codec : MEDIA_CODEC_NONE;
    cfg->video_codec = src->video.index >= 0 ? src->video.codec : MEDIA_CODEC_NONE;
    cfg->audio_level_ext_id = src->levels ? MIX_SOURCE_LEVEL_EXT_ID : 0;
    cfg->name = src->fmt->url;
}

bool mix_source_has_video(const struct mix_source *src) { return src->video.index >= 0; }
bool mix_source_has_audio(const struct mix_source *src) { return src->audio.index >= 0; }
bool mix_source_transcodes(const struct mix_source *src)
{
    return src->video.transcode || src->audio.transcode;
}

int64_t mix_source_duration_us(const struct mix_source *src)
{
    return src->fmt->duration != AV_NOPTS_VALUE && src->fmt->duration > 0 ? src->fmt->duration : 0;
}

bool mix_source_done(const struct mix_source *src) { return src->done; }

static struct source_stream *stream_of(struct mix_source *src, int index)
{
    if (index == src->video.index) return &src->video;
    if (index == src->audio.index) return &src->audio;
    return NULL;
}

/* A packet's time on the file's clock (microseconds from the start). */
static int64_t packet_time_us(const struct mix_source *src, const struct source_stream *s,
                              const AVPacket *p)
{
    int64_t ts = p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
    if (ts == AV_NOPTS_VALUE) return s->last_arrival_us;
    return av_rescale_q(ts, s->time_base, AV_TIME_BASE_Q) - src->start_us;
}

/* Pushes an audio packet with its RFC 6464 level in a one-byte header extension. */
static void push_with_level(struct mix_source *src, const uint8_t *data, size_t size, uint8_t level,
                            int64_t time_us)
{
    uint8_t packet[PACKETIZER_DEFAULT_MTU + 8];
    if (size < RTP_HEADER_MIN || size + 8 > sizeof packet) return;
    memcpy(packet, data, RTP_HEADER_MIN);
    packet[0] |= 0x10; /* X: extension follows */
    const uint8_t ext[8] = {
        0xBE, 0xDE, 0, 1, (uint8_t)(MIX_SOURCE_LEVEL_EXT_ID << 4), (uint8_t)(0x80 | level),
        0,    0}; /* V=1, level; padding */
    memcpy(packet + RTP_HEADER_MIN, ext, sizeof ext);
    memcpy(packet + RTP_HEADER_MIN + sizeof ext, data + RTP_HEADER_MIN, size - RTP_HEADER_MIN);
    mix_engine_push_rtp(src->engine, src->slot, MEDIA_AUDIO, packet, size + sizeof ext, time_us);
}

/* Packetizes one encoded frame and pushes its packets into the engine. */
static void push_frame(struct mix_source *src, struct source_stream *s,
                       const struct encoded_frame *frame, int64_t time_us)
{
    if (time_us < s->last_arrival_us)
        time_us = s->last_arrival_us; /* arrivals never go back (B-frames, rounding) */
    s->last_arrival_us = time_us;
    if (packetizer_push(s->packetizer, frame) < 0) return;
    const uint8_t *data;
    size_t size;
    bool level = s->kind == MEDIA_AUDIO && src->levels && src->level_next < src->level_count;
    while (packetizer_pull(s->packetizer, &data, &size) == 1) {
        if (level)
            push_with_level(src, data, size, src->levels[src->level_next], time_us);
        else
            mix_engine_push_rtp(src->engine, src->slot, s->kind, data, size, time_us);
    }
    if (level) src->level_next++;
}

static uint32_t rtp_time(const struct source_stream *s, int64_t time_us)
{
    int64_t rate = media_codec_clock_rate(s->codec);
    return (uint32_t)(int64_t)av_rescale(time_us, rate, 1000000);
}

static void push_av_packet(struct mix_source *src, struct source_stream *s, const AVPacket *p)
{
    int64_t time_us = packet_time_us(src, s, p);
    struct encoded_frame frame = {
        .codec = s->codec,
        .data = p->data,
        .size = (size_t)p->size,
        .rtp_timestamp = rtp_time(s, time_us),
        .keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0,
    };
    push_frame(src, s, &frame, time_us);
}

struct transcode_ctx {
    struct mix_source *src;
    struct source_stream *s;
};

static int transcoded_frame(void *opaque, const struct encoded_frame *frame, int64_t time_us)
{
    struct transcode_ctx *ctx = opaque;
    struct encoded_frame f = *frame;
    f.rtp_timestamp = rtp_time(ctx->s, time_us);
    push_frame(ctx->src, ctx->s, &f, time_us);
    return 0;
}

/* Pushes one demuxed packet (or, with p == NULL, the end of the stream). */
static int push_packet(struct mix_source *src, struct source_stream *s, AVPacket *p)
{
    if (s->transcode) {
        struct transcode_ctx ctx = {src, s};
        return mix_transcode_feed(s->transcode, p, src->start_us, transcoded_frame, &ctx);
    }
    if (!s->bsf) {
        if (p) push_av_packet(src, s, p);
        return 0;
    }
    if (av_bsf_send_packet(s->bsf, p) < 0) return -1;
    while (av_bsf_receive_packet(s->bsf, src->filtered) == 0) {
        push_av_packet(src, s, src->filtered);
        av_packet_unref(src->filtered);
    }
    return 0;
}

static int finish(struct mix_source *src, char *err, size_t errlen)
{
    src->done = true;
    int rc = 0;
    if (src->video.index >= 0) {
        rc |= push_packet(src, &src->video, NULL);
        mix_engine_end_input(src->engine, src->slot, MEDIA_VIDEO);
    }
    if (src->audio.index >= 0) {
        rc |= push_packet(src, &src->audio, NULL);
        mix_engine_end_input(src->engine, src->slot, MEDIA_AUDIO);
    }
    if (rc < 0) error_text_set(err, errlen, "%s: error at the end of the stream", src->fmt->url);
    return rc < 0 ? -1 : 0;
}

int mix_source_feed(struct mix_source *src, struct mix_engine *engine, int64_t until_us, char *err,
                    size_t errlen)
{
    src->engine = engine;
    while (!src->done) {
        if (!src->pending) {
            int rc = av_read_frame(src->fmt, src->packet);
            if (rc == AVERROR_EOF) return finish(src, err, errlen);
            if (rc < 0) {
                error_text_set(err, errlen, "%s: read error: %s", src->fmt->url, av_err2str(rc));
                return -1;
            }
            if (!stream_of(src, src->packet->stream_index)) {
                av_packet_unref(src->packet);
                continue;
            }
            src->pending = true;
        }
        struct source_stream *s = stream_of(src, src->packet->stream_index);
        if (packet_time_us(src, s, src->packet) > until_us) return 0;
        int rc = push_packet(src, s, src->packet);
        av_packet_unref(src->packet);
        src->pending = false;
        if (rc < 0) {
            error_text_set(err, errlen, "%s: cannot re-encode its %s", src->fmt->url,
                           s->kind == MEDIA_VIDEO ? "video" : "audio");
            return -1;
        }
    }
    return 0;
}
