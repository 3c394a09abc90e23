/* webm_remux.c - webm_remux(): copies a Matroska/WebM file cut short (no trailer)
 * into a whole one with cues and a duration. See webm_writer.h. */
#include "mixer/mux/webm_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <libavformat/avformat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mixer/media/error_text.h"

static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int webm_remux(const char *in, const char *out, int64_t *duration_us, char *err, size_t errlen)
{
    AVFormatContext *src = NULL, *dst = NULL;
    AVPacket *p = av_packet_alloc();
    int *map = NULL;
    bool created = false;
    int64_t end = 0, packets = 0;
    int rc = p ? avformat_open_input(&src, in, NULL, NULL) : AVERROR(ENOMEM);
    if (rc < 0) {
        error_text_set(err, errlen, "cannot read %s: %s", in, av_err2str(rc));
        goto fail;
    }
    const char *format = webm_writer_name_is_webm(out) ? "webm" : "matroska";
    if ((rc = avformat_alloc_output_context2(&dst, NULL, format, out)) < 0 ||
        !(map = calloc(src->nb_streams, sizeof *map))) {
        error_text_set(err, errlen, "cannot set up the %s muxer", format);
        goto fail;
    }
    for (unsigned i = 0; i < src->nb_streams; i++) {
        AVStream *is = src->streams[i];
        enum AVMediaType type = is->codecpar->codec_type;
        map[i] = -1;
        if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) continue;
        AVStream *os = avformat_new_stream(dst, NULL);
        if (!os || avcodec_parameters_copy(os->codecpar, is->codecpar) < 0) {
            error_text_set(err, errlen, "out of memory");
            goto fail;
        }
        os->codecpar->codec_tag = 0;
        os->time_base = is->time_base;
        map[i] = os->index;
    }
    av_dict_copy(&dst->metadata, src->metadata, 0);
    if ((rc = avio_open(&dst->pb, out, AVIO_FLAG_WRITE)) < 0) {
        error_text_set(err, errlen, "cannot create %s: %s", out, av_err2str(rc));
        goto fail;
    }
    created = true;
    if ((rc = avformat_write_header(dst, NULL)) < 0) {
        error_text_set(err, errlen, "cannot write %s: %s", out, av_err2str(rc));
        goto fail;
    }
    while (av_read_frame(src, p) >= 0) { /* up to the end, or the first damaged spot */
        int o = (unsigned)p->stream_index < src->nb_streams ? map[p->stream_index] : -1;
        if (o < 0 || p->pts == AV_NOPTS_VALUE) {
            av_packet_unref(p);
            continue;
        }
        AVRational from = src->streams[p->stream_index]->time_base;
        int64_t e =
            av_rescale_q(p->pts + (p->duration > 0 ? p->duration : 0), from, AV_TIME_BASE_Q);
        if (e > end) end = e;
        av_packet_rescale_ts(p, from, dst->streams[o]->time_base);
        p->stream_index = o;
        p->pos = -1;
        rc = av_interleaved_write_frame(dst, p);
        av_packet_unref(p);
        if (rc < 0) {
            error_text_set(err, errlen, "cannot write %s: %s", out, av_err2str(rc));
            goto fail;
        }
        packets++;
    }
    if (packets == 0) {
        error_text_set(err, errlen, "%s holds no media", in);
        goto fail;
    }
    if ((rc = av_write_trailer(dst)) < 0 || (rc = avio_closep(&dst->pb)) < 0) {
        error_text_set(err, errlen, "cannot finish %s: %s", out, av_err2str(rc));
        goto fail;
    }
    if (sync_path(out) != 0) {
        error_text_set(err, errlen, "cannot sync %s: %s", out, strerror(errno));
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
