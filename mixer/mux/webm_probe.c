/* webm_probe.c - webm_file_duration(): the media length of a Matroska/WebM file, read
 * back packet by packet. See webm_probe.h. */
#include "mixer/mux/webm_probe.h"

#include <libavformat/avformat.h>

#include "mixer/media/error_text.h"

int webm_file_duration(const char *path, int64_t *duration_us, char *err, size_t errlen)
{
    *duration_us = 0;
    AVFormatContext *src = NULL;
    const AVInputFormat *matroska = av_find_input_format("matroska");
    int rc = avformat_open_input(&src, path, matroska, NULL);
    if (rc < 0) {
        error_text_set(err, errlen, "cannot read %s: %s", path, av_err2str(rc));
        return -1;
    }
    AVPacket *p = av_packet_alloc();
    if (!p) {
        avformat_close_input(&src);
        error_text_set(err, errlen, "out of memory");
        return -1;
    }
    int64_t end = 0;
    while (av_read_frame(src, p) >= 0) { /* up to the end, or the first damaged spot */
        if ((unsigned)p->stream_index < src->nb_streams && p->pts != AV_NOPTS_VALUE) {
            AVRational tb = src->streams[p->stream_index]->time_base;
            int64_t e =
                av_rescale_q(p->pts + (p->duration > 0 ? p->duration : 0), tb, AV_TIME_BASE_Q);
            if (e > end) end = e;
        }
        av_packet_unref(p);
    }
    av_packet_free(&p);
    avformat_close_input(&src);
    *duration_us = end;
    return 0;
}
