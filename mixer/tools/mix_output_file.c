/* mix_output_file.c - muxes the mix engine's encoded frames into WebM/Matroska with
 * libavformat. See mix_output_file.h. */
#include "mixer/tools/mix_output_file.h"

#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mixer/media/audio_format.h"

struct mix_output_file {
    AVFormatContext *fmt;
    AVStream *video, *audio;
    AVPacket *packet;
    bool header_written;
    bool failed;
    enum media_codec video_codec;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

struct mix_output_file *mix_output_file_open(const struct mix_output_file_config *cfg,
                                             char *err, size_t errlen)
{
    const char *format = ends_with(cfg->path, ".webm") ? "webm" : "matroska";
    if (cfg->video_codec == MEDIA_CODEC_H264 && strcmp(format, "webm") == 0) {
        set_err(err, errlen, "%s: WebM cannot hold H.264; use .mkv", cfg->path);
        return NULL;
    }
    struct mix_output_file *f = calloc(1, sizeof *f);
    if (!f) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    f->video_codec = cfg->video_codec;
    int rc = avformat_alloc_output_context2(&f->fmt, NULL, format, cfg->path);
    f->packet = av_packet_alloc();
    if (rc < 0 || !f->packet) {
        set_err(err, errlen, "%s: cannot set up the %s muxer", cfg->path, format);
        goto fail;
    }
    if (cfg->video_codec != MEDIA_CODEC_NONE) {
        f->video = avformat_new_stream(f->fmt, NULL);
        if (!f->video)
            goto nomem;
        AVCodecParameters *p = f->video->codecpar;
        p->codec_type = AVMEDIA_TYPE_VIDEO;
        p->codec_id = cfg->video_codec == MEDIA_CODEC_VP8 ? AV_CODEC_ID_VP8 : AV_CODEC_ID_H264;
        p->width = cfg->width;
        p->height = cfg->height;
        p->format = AV_PIX_FMT_YUV420P;
        f->video->time_base = (AVRational){1, 1000};
        f->video->avg_frame_rate = (AVRational){cfg->fps, 1};
    }
    if (cfg->opus_header) {
        f->audio = avformat_new_stream(f->fmt, NULL);
        if (!f->audio)
            goto nomem;
        AVCodecParameters *p = f->audio->codecpar;
        p->codec_type = AVMEDIA_TYPE_AUDIO;
        p->codec_id = AV_CODEC_ID_OPUS;
        p->sample_rate = AUDIO_SAMPLE_RATE;
        av_channel_layout_default(&p->ch_layout, AUDIO_CHANNELS);
        p->frame_size = AUDIO_FRAME_SAMPLES;
        p->initial_padding = cfg->opus_delay;
        p->extradata = av_mallocz(cfg->opus_header_size + AV_INPUT_BUFFER_PADDING_SIZE);
        if (!p->extradata)
            goto nomem;
        memcpy(p->extradata, cfg->opus_header, cfg->opus_header_size);
        p->extradata_size = (int)cfg->opus_header_size;
        f->audio->time_base = (AVRational){1, 1000};
    }
    if ((rc = avio_open(&f->fmt->pb, cfg->path, AVIO_FLAG_WRITE)) < 0) {
        set_err(err, errlen, "%s: cannot create: %s", cfg->path, av_err2str(rc));
        goto fail;
    }
    return f;
nomem:
    set_err(err, errlen, "out of memory");
fail:
    if (f->fmt)
        avio_closep(&f->fmt->pb);
    avformat_free_context(f->fmt);
    av_packet_free(&f->packet);
    free(f);
    return NULL;
}

/* The SPS and PPS NAL units (with start codes) at the front of an Annex B keyframe:
 * everything before the first slice. */
static size_t h264_headers_size(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i + 3 < size; i++) {
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) {
            int type = p[i + 3] & 0x1f;
            if (type >= 1 && type <= 5) /* a slice: headers end at its start code */
                return i > 0 && p[i - 1] == 0 ? i - 1 : i;
            i += 2;
        }
    }
    return 0;
}

static int write_header(struct mix_output_file *f, const struct encoded_frame *first_video)
{
    if (first_video && f->video_codec == MEDIA_CODEC_H264) {
        size_t n = h264_headers_size(first_video->data, first_video->size);
        if (n > 0) {
            AVCodecParameters *p = f->video->codecpar;
            p->extradata = av_mallocz(n + AV_INPUT_BUFFER_PADDING_SIZE);
            if (!p->extradata)
                return -1;
            memcpy(p->extradata, first_video->data, n);
            p->extradata_size = (int)n;
        }
    }
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "live", "0", 0);
    int rc = avformat_write_header(f->fmt, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        return -1;
    f->header_written = true;
    return 0;
}

int mix_output_file_write(struct mix_output_file *f, enum media_kind kind,
                          const struct encoded_frame *frame, int64_t time_us)
{
    if (f->failed)
        return -1;
    AVStream *st = kind == MEDIA_VIDEO ? f->video : f->audio;
    if (!st)
        return 0;
    if (!f->header_written) {
        if (f->video && kind != MEDIA_VIDEO)
            return 0; /* audio before the first picture: dropped (see header) */
        if (write_header(f, kind == MEDIA_VIDEO ? frame : NULL) < 0) {
            f->failed = true;
            return -1;
        }
    }
    AVPacket *p = f->packet;
    if (av_new_packet(p, (int)frame->size) < 0) {
        f->failed = true;
        return -1;
    }
    memcpy(p->data, frame->data, frame->size);
    p->stream_index = st->index;
    p->pts = p->dts = time_us;
    p->duration = kind == MEDIA_AUDIO ? AUDIO_TICK_MS * 1000 : 0;
    if (frame->keyframe || kind == MEDIA_AUDIO)
        p->flags |= AV_PKT_FLAG_KEY;
    av_packet_rescale_ts(p, AV_TIME_BASE_Q, st->time_base);
    int rc = av_interleaved_write_frame(f->fmt, p);
    av_packet_unref(p);
    if (rc < 0) {
        f->failed = true;
        return -1;
    }
    return 0;
}

int mix_output_file_close(struct mix_output_file *f)
{
    if (!f)
        return 0;
    int rc = f->failed ? -1 : 0;
    if (!f->header_written && !f->failed && write_header(f, NULL) < 0)
        rc = -1;
    if (f->header_written && av_write_trailer(f->fmt) < 0)
        rc = -1;
    if (avio_closep(&f->fmt->pb) < 0)
        rc = -1;
    avformat_free_context(f->fmt);
    av_packet_free(&f->packet);
    free(f);
    return rc;
}
