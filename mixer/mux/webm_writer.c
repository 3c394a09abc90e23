/* webm_writer.c - libavformat's Matroska/WebM muxer over our own file descriptor
 * (custom AVIO). See webm_writer.h; the remux is in webm_remux.c. */
#include "mixer/mux/webm_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mixer/media/error_text.h"

#define IO_BUFFER_SIZE          (64 * 1024)
#define CLUSTER_SIZE_LIMIT      (2 * 1024 * 1024)
#define MAX_INTERLEAVE_DELTA_US 300000
#define OPUS_FRAME_US           20000
#define OPUS_RATE               48000

struct webm_writer {
    AVFormatContext *fmt;
    AVIOContext *io;
    AVStream *video, *audio;
    AVPacket *packet;
    char *path;
    int fd;
    int io_errno; /* errno of the first failed write or seek */
    bool header_written;
    bool failed;
    int64_t video_frame_us; /* 1/fps */
    int64_t last_dts[2];    /* per stream index, in its time base; INT64_MIN: none */
    int64_t end_us;
    uint64_t bytes;
};

bool webm_writer_name_is_webm(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcasecmp(path + n - 5, ".webm") == 0;
}

/* --- our AVIO: plain write(2)/lseek(2) on w->fd, errno kept --------------------------- */

static int io_write(void *opaque, uint8_t *buf, int size)
{
    struct webm_writer *w = opaque;
    int done = 0;
    while (done < size) {
        ssize_t n = write(w->fd, buf + done, (size_t)(size - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            if (!w->io_errno) w->io_errno = e;
            return AVERROR(e);
        }
        done += (int)n;
        w->bytes += (uint64_t)n;
    }
    return size;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    struct webm_writer *w = opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat st;
        return fstat(w->fd, &st) == 0 ? (int64_t)st.st_size : AVERROR(errno);
    }
    off_t at = lseek(w->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    if (at < 0) {
        if (!w->io_errno) w->io_errno = errno;
        return AVERROR(errno);
    }
    return (int64_t)at;
}

/* The reason a libavformat call failed: our errno if the disk said no. */
static void io_reason(const struct webm_writer *w, int rc, const char *what, char *err,
                      size_t errlen)
{
    if (w->io_errno)
        error_text_set(err, errlen, "%s: %s", what, strerror(w->io_errno));
    else
        error_text_set(err, errlen, "%s: %s", what, av_err2str(rc));
}

/* --- streams and header ---------------------------------------------------------------- */

/* The SPS and PPS NAL units (with start codes) at the front of an Annex B keyframe:
 * everything before the first slice. */
static size_t h264_headers_size(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i + 3 < size; i++) {
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) {
            int type = p[i + 3] & 0x1f;
            if (type >= 1 && type <= 5) return i > 0 && p[i - 1] == 0 ? i - 1 : i;
            i += 2;
        }
    }
    return 0;
}

static int set_extradata(AVCodecParameters *p, const uint8_t *data, size_t size)
{
    av_freep(&p->extradata);
    p->extradata_size = 0;
    p->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!p->extradata) return -1;
    memcpy(p->extradata, data, size);
    p->extradata_size = (int)size;
    return 0;
}

static int add_streams(struct webm_writer *w, const struct webm_writer_config *cfg)
{
    if (cfg->video_codec != MEDIA_CODEC_NONE) {
        if (!(w->video = avformat_new_stream(w->fmt, NULL))) return -1;
        AVCodecParameters *p = w->video->codecpar;
        p->codec_type = AVMEDIA_TYPE_VIDEO;
        p->codec_id = cfg->video_codec == MEDIA_CODEC_VP8 ? AV_CODEC_ID_VP8 : AV_CODEC_ID_H264;
        p->width = cfg->width;
        p->height = cfg->height;
        p->format = AV_PIX_FMT_YUV420P;
        w->video->time_base = (AVRational){1, 1000};
        w->video->avg_frame_rate = (AVRational){cfg->fps, 1};
    }
    if (cfg->opus_header) {
        if (!(w->audio = avformat_new_stream(w->fmt, NULL))) return -1;
        AVCodecParameters *p = w->audio->codecpar;
        p->codec_type = AVMEDIA_TYPE_AUDIO;
        p->codec_id = AV_CODEC_ID_OPUS;
        p->sample_rate = OPUS_RATE;
        int channels = cfg->opus_header_size >= 19 ? cfg->opus_header[9] : 1;
        av_channel_layout_default(&p->ch_layout, channels > 0 ? channels : 1);
        p->frame_size = OPUS_RATE / 1000 * (OPUS_FRAME_US / 1000);
        if (cfg->opus_header_size >= 12) /* OpusHead pre-skip, little endian */
            p->initial_padding = cfg->opus_header[10] | cfg->opus_header[11] << 8;
        if (set_extradata(p, cfg->opus_header, cfg->opus_header_size) != 0) return -1;
        w->audio->time_base = (AVRational){1, 1000};
    }
    return 0;
}

/* Writes the header (with the H.264 SPS/PPS of `first_video` as codec private data)
 * and hands it to the kernel. 0, or -1 with the reason in err. */
static int write_header(struct webm_writer *w, const struct encoded_frame *first_video, char *err,
                        size_t errlen)
{
    if (w->video && first_video && w->video->codecpar->codec_id == AV_CODEC_ID_H264) {
        size_t n = h264_headers_size(first_video->data, first_video->size);
        if (n > 0 && set_extradata(w->video->codecpar, first_video->data, n) != 0) {
            error_text_set(err, errlen, "out of memory");
            return -1;
        }
    }
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "live", "0", 0);
    av_dict_set_int(&opts, "cluster_time_limit", WEBM_WRITER_CLUSTER_MS, 0);
    av_dict_set_int(&opts, "cluster_size_limit", CLUSTER_SIZE_LIMIT, 0);
    int rc = avformat_write_header(w->fmt, &opts);
    av_dict_free(&opts);
    if (rc >= 0) {
        avio_flush(w->io);
        if (w->io->error < 0) rc = w->io->error;
    }
    if (rc < 0) {
        io_reason(w, rc, "cannot write the file header", err, errlen);
        return -1;
    }
    w->header_written = true;
    return 0;
}

static void free_writer(struct webm_writer *w)
{
    if (w->io) {
        av_freep(&w->io->buffer);
        avio_context_free(&w->io);
    }
    if (w->fmt) avformat_free_context(w->fmt);
    av_packet_free(&w->packet);
    if (w->fd >= 0) close(w->fd);
    free(w->path);
    free(w);
}

/* --- the API ----------------------------------------------------------------------------- */

struct webm_writer *webm_writer_open(const struct webm_writer_config *cfg,
                                     const struct encoded_frame *first_video, char *err,
                                     size_t errlen)
{
    if (cfg->webm && cfg->video_codec == MEDIA_CODEC_H264) {
        error_text_set(err, errlen, "WebM cannot hold H.264; use Matroska (.mkv)");
        return NULL;
    }
    struct webm_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(cfg->path))) {
        free(w);
        error_text_set(err, errlen, "out of memory");
        return NULL;
    }
    w->fd = -1;
    w->last_dts[0] = w->last_dts[1] = INT64_MIN;
    w->video_frame_us = 1000000 / (cfg->fps > 0 ? cfg->fps : 30);
    const char *format = cfg->webm ? "webm" : "matroska";
    uint8_t *buffer = NULL;
    if (avformat_alloc_output_context2(&w->fmt, NULL, format, NULL) < 0 || !w->fmt ||
        !(w->packet = av_packet_alloc()) || add_streams(w, cfg) != 0 ||
        !(buffer = av_malloc(IO_BUFFER_SIZE)) ||
        !(w->io = avio_alloc_context(buffer, IO_BUFFER_SIZE, 1, w, NULL, io_write, io_seek))) {
        if (!w->io) av_free(buffer);
        error_text_set(err, errlen, "cannot set up the %s muxer (out of memory)", format);
        free_writer(w);
        return NULL;
    }
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (cfg->replace ? O_TRUNC : O_EXCL);
    w->fd = open(cfg->path, flags, 0644);
    if (w->fd < 0) {
        error_text_set(err, errlen, "cannot create %s: %s", cfg->path, strerror(errno));
        free_writer(w);
        return NULL;
    }
    w->fmt->pb = w->io;
    w->fmt->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;
    w->fmt->flush_packets = 1;
    w->fmt->max_interleave_delta = MAX_INTERLEAVE_DELTA_US;
    if (cfg->title) av_dict_set(&w->fmt->metadata, "title", cfg->title, 0);
    if ((!w->video || first_video) && write_header(w, first_video, err, errlen) != 0) {
        free_writer(w);
        unlink(cfg->path);
        return NULL;
    }
    return w;
}

int webm_writer_write(struct webm_writer *w, enum media_kind kind,
                      const struct encoded_frame *frame, int64_t time_us, char *err, size_t errlen)
{
    if (w->failed) {
        error_text_set(err, errlen, "the file failed earlier");
        return -1;
    }
    AVStream *st = kind == MEDIA_VIDEO ? w->video : w->audio;
    if (!st) return 0;
    if (!w->header_written) {
        if (kind != MEDIA_VIDEO) return 0; /* audio before the first picture: dropped */
        if (write_header(w, frame, err, errlen) != 0) {
            w->failed = true;
            return -1;
        }
    }
    AVPacket *p = w->packet;
    if (av_new_packet(p, (int)frame->size) < 0) {
        error_text_set(err, errlen, "out of memory");
        w->failed = true;
        return -1;
    }
    memcpy(p->data, frame->data, frame->size);
    int64_t duration_us = kind == MEDIA_AUDIO ? OPUS_FRAME_US : w->video_frame_us;
    p->stream_index = st->index;
    p->pts = p->dts = time_us;
    p->duration = duration_us;
    if (frame->keyframe || kind == MEDIA_AUDIO) p->flags |= AV_PKT_FLAG_KEY;
    av_packet_rescale_ts(p, AV_TIME_BASE_Q, st->time_base);
    int64_t *last = &w->last_dts[st->index & 1];
    if (*last != INT64_MIN && p->dts <= *last) p->pts = p->dts = *last + 1; /* same ms */
    *last = p->dts;
    int64_t end = av_rescale_q(p->pts + p->duration, st->time_base, AV_TIME_BASE_Q);
    int rc = av_interleaved_write_frame(w->fmt, p);
    av_packet_unref(p);
    if (rc >= 0 && w->io->error < 0) rc = w->io->error;
    if (rc < 0) {
        io_reason(w, rc, "cannot write", err, errlen);
        w->failed = true;
        return -1;
    }
    if (end > w->end_us) w->end_us = end;
    return 0;
}

int webm_writer_sync(struct webm_writer *w, char *err, size_t errlen)
{
    if (w->failed) return -1;
    avio_flush(w->io);
    if (w->io->error < 0) {
        io_reason(w, w->io->error, "cannot write", err, errlen);
        w->failed = true;
        return -1;
    }
    if (fdatasync(w->fd) != 0) {
        error_text_set(err, errlen, "cannot sync: %s", strerror(errno));
        w->failed = true;
        return -1;
    }
    return 0;
}

int64_t webm_writer_duration_us(const struct webm_writer *w) { return w->end_us; }
uint64_t webm_writer_bytes(const struct webm_writer *w) { return w->bytes; }

int webm_writer_close(struct webm_writer *w, bool finish, char *err, size_t errlen)
{
    if (!w) return 0;
    int rc = w->failed ? -1 : 0;
    if (finish && rc == 0 && !w->header_written && write_header(w, NULL, err, errlen) != 0) rc = -1;
    if (finish && rc == 0) {
        int t = av_write_trailer(w->fmt);
        if (t >= 0) avio_flush(w->io);
        if (t >= 0 && w->io->error < 0) t = w->io->error;
        if (t < 0) {
            io_reason(w, t, "cannot finish the file", err, errlen);
            rc = -1;
        }
    }
    if (rc == 0 && fdatasync(w->fd) != 0) {
        error_text_set(err, errlen, "cannot sync: %s", strerror(errno));
        rc = -1;
    }
    if (close(w->fd) != 0 && rc == 0) {
        error_text_set(err, errlen, "cannot close: %s", strerror(errno));
        rc = -1;
    }
    w->fd = -1;
    free_writer(w);
    return rc;
}
