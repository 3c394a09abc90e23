/* recorder_file.c - one recording file: libavformat's Matroska/WebM muxer over our own
 * file descriptor (custom AVIO), and the remux that mends a file cut short. See
 * recorder_file.h. */
#include "mcu/recording/recorder_file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IO_BUFFER_SIZE (64 * 1024)
#define CLUSTER_SIZE_LIMIT (2 * 1024 * 1024)
#define MAX_INTERLEAVE_DELTA_US 300000
#define OPUS_FRAME_US 20000
#define OPUS_RATE 48000

struct recorder_file {
    AVFormatContext *fmt;
    AVIOContext *io;
    AVStream *video, *audio;
    AVPacket *packet;
    int fd;
    int io_errno;                 /* errno of the first failed write or seek */
    bool failed;
    int64_t video_frame_us;       /* 1/fps */
    int64_t last_dts[2];          /* per stream index, in its time base; INT64_MIN: none */
    int64_t end_us;
    uint64_t bytes;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* --- our AVIO: plain write(2)/lseek(2) on f->fd, errno kept --------------------------- */

static int io_write(void *opaque, uint8_t *buf, int size)
{
    struct recorder_file *f = opaque;
    int done = 0;
    while (done < size) {
        ssize_t n = write(f->fd, buf + done, (size_t)(size - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            if (!f->io_errno) f->io_errno = e;
            return AVERROR(e);
        }
        done += (int)n;
        f->bytes += (uint64_t)n;
    }
    return size;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    struct recorder_file *f = opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat st;
        return fstat(f->fd, &st) == 0 ? (int64_t)st.st_size : AVERROR(errno);
    }
    off_t at = lseek(f->fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    if (at < 0) {
        if (!f->io_errno) f->io_errno = errno;
        return AVERROR(errno);
    }
    return (int64_t)at;
}

/* The reason a libavformat call failed: our errno if the disk said no. */
static void io_reason(const struct recorder_file *f, int rc, const char *what, char *err, size_t errlen)
{
    if (f->io_errno)
        set_err(err, errlen, "%s: %s", what, g_strerror(f->io_errno));
    else
        set_err(err, errlen, "%s: %s", what, av_err2str(rc));
}

/* --- writing -------------------------------------------------------------------------- */

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
    p->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!p->extradata) return -1;
    memcpy(p->extradata, data, size);
    p->extradata_size = (int)size;
    return 0;
}

static int add_streams(struct recorder_file *f, const struct recorder_file_config *cfg,
                       const struct encoded_frame *first_video)
{
    if (cfg->video_codec != MEDIA_CODEC_NONE) {
        if (!(f->video = avformat_new_stream(f->fmt, NULL))) return -1;
        AVCodecParameters *p = f->video->codecpar;
        p->codec_type = AVMEDIA_TYPE_VIDEO;
        p->codec_id = cfg->video_codec == MEDIA_CODEC_VP8 ? AV_CODEC_ID_VP8 : AV_CODEC_ID_H264;
        p->width = cfg->width;
        p->height = cfg->height;
        p->format = AV_PIX_FMT_YUV420P;
        f->video->time_base = (AVRational){1, 1000};
        f->video->avg_frame_rate = (AVRational){cfg->fps, 1};
        if (cfg->video_codec == MEDIA_CODEC_H264 && first_video) {
            size_t n = h264_headers_size(first_video->data, first_video->size);
            if (n > 0 && set_extradata(p, first_video->data, n) != 0) return -1;
        }
    }
    if (cfg->opus_header) {
        if (!(f->audio = avformat_new_stream(f->fmt, NULL))) return -1;
        AVCodecParameters *p = f->audio->codecpar;
        p->codec_type = AVMEDIA_TYPE_AUDIO;
        p->codec_id = AV_CODEC_ID_OPUS;
        p->sample_rate = OPUS_RATE;
        int channels = cfg->opus_header_size >= 19 ? cfg->opus_header[9] : 1;
        av_channel_layout_default(&p->ch_layout, channels > 0 ? channels : 1);
        p->frame_size = OPUS_RATE / 1000 * (OPUS_FRAME_US / 1000);
        if (cfg->opus_header_size >= 12)   /* OpusHead pre-skip, little endian */
            p->initial_padding = cfg->opus_header[10] | cfg->opus_header[11] << 8;
        if (set_extradata(p, cfg->opus_header, cfg->opus_header_size) != 0) return -1;
        f->audio->time_base = (AVRational){1, 1000};
    }
    return 0;
}

static void free_file(struct recorder_file *f)
{
    if (f->io) {
        av_freep(&f->io->buffer);
        avio_context_free(&f->io);
    }
    if (f->fmt) avformat_free_context(f->fmt);
    av_packet_free(&f->packet);
    if (f->fd >= 0) close(f->fd);
    free(f);
}

struct recorder_file *recorder_file_open(const struct recorder_file_config *cfg,
                                         const struct encoded_frame *first_video,
                                         char *err, size_t errlen)
{
    if (cfg->webm && cfg->video_codec == MEDIA_CODEC_H264) {
        set_err(err, errlen, "WebM cannot hold H.264");
        return NULL;
    }
    struct recorder_file *f = calloc(1, sizeof *f);
    if (!f) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    f->fd = -1;
    f->last_dts[0] = f->last_dts[1] = INT64_MIN;
    f->video_frame_us = 1000000 / (cfg->fps > 0 ? cfg->fps : 30);
    const char *format = cfg->webm ? "webm" : "matroska";
    uint8_t *buffer = NULL;
    if (avformat_alloc_output_context2(&f->fmt, NULL, format, NULL) < 0 || !f->fmt ||
        !(f->packet = av_packet_alloc()) || add_streams(f, cfg, first_video) != 0 ||
        !(buffer = av_malloc(IO_BUFFER_SIZE)) ||
        !(f->io = avio_alloc_context(buffer, IO_BUFFER_SIZE, 1, f, NULL, io_write, io_seek))) {
        if (!f->io) av_free(buffer);
        set_err(err, errlen, "cannot set up the %s muxer (out of memory)", format);
        free_file(f);
        return NULL;
    }
    f->fd = open(cfg->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (f->fd < 0) {
        set_err(err, errlen, "cannot create %s: %s", cfg->path, g_strerror(errno));
        free_file(f);
        return NULL;
    }
    f->fmt->pb = f->io;
    f->fmt->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;
    f->fmt->flush_packets = 1;
    f->fmt->max_interleave_delta = MAX_INTERLEAVE_DELTA_US;
    if (cfg->title) av_dict_set(&f->fmt->metadata, "title", cfg->title, 0);
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "live", "0", 0);
    av_dict_set_int(&opts, "cluster_time_limit", RECORDER_FILE_CLUSTER_MS, 0);
    av_dict_set_int(&opts, "cluster_size_limit", CLUSTER_SIZE_LIMIT, 0);
    int rc = avformat_write_header(f->fmt, &opts);
    av_dict_free(&opts);
    if (rc >= 0) {
        avio_flush(f->io);
        if (f->io->error < 0) rc = f->io->error;
    }
    if (rc < 0) {
        io_reason(f, rc, "cannot write the file header", err, errlen);
        free_file(f);
        unlink(cfg->path);
        return NULL;
    }
    return f;
}

int recorder_file_write(struct recorder_file *f, enum media_kind kind,
                        const struct encoded_frame *frame, int64_t time_us,
                        char *err, size_t errlen)
{
    if (f->failed) {
        set_err(err, errlen, "the file failed earlier");
        return -1;
    }
    AVStream *st = kind == MEDIA_VIDEO ? f->video : f->audio;
    if (!st) return 0;
    AVPacket *p = f->packet;
    if (av_new_packet(p, (int)frame->size) < 0) {
        set_err(err, errlen, "out of memory");
        f->failed = true;
        return -1;
    }
    memcpy(p->data, frame->data, frame->size);
    int64_t duration_us = kind == MEDIA_AUDIO ? OPUS_FRAME_US : f->video_frame_us;
    p->stream_index = st->index;
    p->pts = p->dts = time_us;
    p->duration = duration_us;
    if (frame->keyframe || kind == MEDIA_AUDIO) p->flags |= AV_PKT_FLAG_KEY;
    av_packet_rescale_ts(p, AV_TIME_BASE_Q, st->time_base);
    int64_t *last = &f->last_dts[st->index & 1];
    if (*last != INT64_MIN && p->dts <= *last) p->pts = p->dts = *last + 1;   /* same ms */
    *last = p->dts;
    int64_t end = av_rescale_q(p->pts + p->duration, st->time_base, AV_TIME_BASE_Q);
    int rc = av_interleaved_write_frame(f->fmt, p);
    av_packet_unref(p);
    if (rc >= 0 && f->io->error < 0) rc = f->io->error;
    if (rc < 0) {
        io_reason(f, rc, "cannot write", err, errlen);
        f->failed = true;
        return -1;
    }
    if (end > f->end_us) f->end_us = end;
    return 0;
}

int recorder_file_sync(struct recorder_file *f, char *err, size_t errlen)
{
    if (f->failed) return -1;
    avio_flush(f->io);
    if (f->io->error < 0) {
        io_reason(f, f->io->error, "cannot write", err, errlen);
        f->failed = true;
        return -1;
    }
    if (fdatasync(f->fd) != 0) {
        set_err(err, errlen, "cannot sync: %s", g_strerror(errno));
        f->failed = true;
        return -1;
    }
    return 0;
}

int64_t recorder_file_duration_us(const struct recorder_file *f) { return f->end_us; }
uint64_t recorder_file_bytes(const struct recorder_file *f) { return f->bytes; }

int recorder_file_close(struct recorder_file *f, bool finish, char *err, size_t errlen)
{
    if (!f) return 0;
    int rc = f->failed ? -1 : 0;
    if (finish && !f->failed) {
        int t = av_write_trailer(f->fmt);
        if (t >= 0) avio_flush(f->io);
        if (t >= 0 && f->io->error < 0) t = f->io->error;
        if (t < 0) {
            io_reason(f, t, "cannot finish the file", err, errlen);
            rc = -1;
        }
    }
    if (rc == 0 && fdatasync(f->fd) != 0) {
        set_err(err, errlen, "cannot sync: %s", g_strerror(errno));
        rc = -1;
    }
    if (close(f->fd) != 0 && rc == 0) {
        set_err(err, errlen, "cannot close: %s", g_strerror(errno));
        rc = -1;
    }
    f->fd = -1;
    free_file(f);
    return rc;
}

/* --- remux ------------------------------------------------------------------------------ */

static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int recorder_file_remux(const char *in, const char *out, int64_t *duration_us,
                        char *err, size_t errlen)
{
    AVFormatContext *src = NULL, *dst = NULL;
    AVPacket *p = av_packet_alloc();
    int *map = NULL;
    bool created = false;
    int64_t end = 0, packets = 0;
    int rc = p ? avformat_open_input(&src, in, NULL, NULL) : AVERROR(ENOMEM);
    if (rc < 0) {
        set_err(err, errlen, "cannot read %s: %s", in, av_err2str(rc));
        goto fail;
    }
    const char *format = g_str_has_suffix(out, ".webm") ? "webm" : "matroska";
    if ((rc = avformat_alloc_output_context2(&dst, NULL, format, out)) < 0 ||
        !(map = calloc(src->nb_streams, sizeof *map))) {
        set_err(err, errlen, "cannot set up the %s muxer", format);
        goto fail;
    }
    for (unsigned i = 0; i < src->nb_streams; i++) {
        AVStream *is = src->streams[i];
        enum AVMediaType type = is->codecpar->codec_type;
        map[i] = -1;
        if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) continue;
        AVStream *os = avformat_new_stream(dst, NULL);
        if (!os || avcodec_parameters_copy(os->codecpar, is->codecpar) < 0) {
            set_err(err, errlen, "out of memory");
            goto fail;
        }
        os->codecpar->codec_tag = 0;
        os->time_base = is->time_base;
        map[i] = os->index;
    }
    av_dict_copy(&dst->metadata, src->metadata, 0);
    if ((rc = avio_open(&dst->pb, out, AVIO_FLAG_WRITE)) < 0) {
        set_err(err, errlen, "cannot create %s: %s", out, av_err2str(rc));
        goto fail;
    }
    created = true;
    if ((rc = avformat_write_header(dst, NULL)) < 0) {
        set_err(err, errlen, "cannot write %s: %s", out, av_err2str(rc));
        goto fail;
    }
    while (av_read_frame(src, p) >= 0) {   /* up to the end, or the first damaged spot */
        int o = (unsigned)p->stream_index < src->nb_streams ? map[p->stream_index] : -1;
        if (o < 0 || p->pts == AV_NOPTS_VALUE) {
            av_packet_unref(p);
            continue;
        }
        AVRational from = src->streams[p->stream_index]->time_base;
        int64_t e = av_rescale_q(p->pts + (p->duration > 0 ? p->duration : 0), from, AV_TIME_BASE_Q);
        if (e > end) end = e;
        av_packet_rescale_ts(p, from, dst->streams[o]->time_base);
        p->stream_index = o;
        p->pos = -1;
        rc = av_interleaved_write_frame(dst, p);
        av_packet_unref(p);
        if (rc < 0) {
            set_err(err, errlen, "cannot write %s: %s", out, av_err2str(rc));
            goto fail;
        }
        packets++;
    }
    if (packets == 0) {
        set_err(err, errlen, "%s holds no media", in);
        goto fail;
    }
    if ((rc = av_write_trailer(dst)) < 0 || (rc = avio_closep(&dst->pb)) < 0) {
        set_err(err, errlen, "cannot finish %s: %s", out, av_err2str(rc));
        goto fail;
    }
    if (sync_path(out) != 0) {
        set_err(err, errlen, "cannot sync %s: %s", out, g_strerror(errno));
        goto fail;
    }
    avformat_free_context(dst);
    avformat_close_input(&src);
    av_packet_free(&p);
    free(map);
    *duration_us = end;
    return 0;

fail:
    if (dst) {
        if (dst->pb) avio_closep(&dst->pb);
        avformat_free_context(dst);
    }
    if (created) unlink(out);
    avformat_close_input(&src);
    av_packet_free(&p);
    free(map);
    return -1;
}
