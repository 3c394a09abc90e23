/* file_loop.h - one stream of a media file, played in a loop and in real time into an
 * appsrc: the source of `--replay` (encoded VP8/H.264 video or Opus audio, sent as it
 * is) and of `--video file:` / `--audio file:` (decoded, for re-encoding).
 *
 * A private reader pipeline (filesrc ! parsebin [! decodebin] ! appsink) runs ahead
 * with a small bounded queue; a 10 ms timer on the GLib main loop moves each buffer
 * into the appsrc when the sending pipeline's running time reaches it, restamped so
 * that timestamps keep growing across loops. At the end of the file the reader seeks
 * back to the start. In encoded mode a stream of up to 32 MiB is read whole at the
 * start and replayed from memory instead (the reader stops): many replaying rooms in
 * one process cost little more than their timers. Nothing here decodes in encoded
 * mode. */
#ifndef HOINGHI_ROOM_FILE_LOOP_H
#define HOINGHI_ROOM_FILE_LOOP_H

#include <gst/gst.h>

enum file_loop_mode {
    FILE_LOOP_ENCODED, /* the stream as stored: video/x-vp8, video/x-h264, audio/x-opus */
    FILE_LOOP_DECODED, /* decoded: video/x-raw or audio/x-raw */
};

struct file_loop;

/* Opens path and prerolls the first stream of kind media ("video" or "audio").
 * NULL with *error set (g_free it) when the file cannot be read or has no such stream
 * (in encoded mode: no VP8/H.264 video, no Opus audio). */
struct file_loop *file_loop_new(const char *path, const char *media, enum file_loop_mode mode,
                                char **error);

/* The stream's caps (borrowed), e.g. video/x-vp8 with width and height. */
const GstCaps *file_loop_caps(const struct file_loop *fl);

/* The appsrc to put into the sending pipeline (file_loop keeps its own reference). */
GstElement *file_loop_source(struct file_loop *fl);

/* For a caller that paces several loops itself (replay_ladder.h) instead of
 * file_loop_start: the next buffer due at running time `now` (restamped so that
 * timestamps keep growing across rounds), or NULL when none is due yet. The first call
 * fixes the loop's start (now + 50 ms): loops of files with the same timing called
 * with the same `now` stay frame-aligned. */
GstBuffer *file_loop_take_due(struct file_loop *fl, GstClockTime now);

/* TRUE once the reader failed (it said why on stderr): nothing more will come. */
gboolean file_loop_stopped(const struct file_loop *fl);

/* pipeline's running time now, GST_CLOCK_TIME_NONE before it has a clock. */
GstClockTime file_loop_running_time(GstElement *pipeline);

/* Starts feeding the appsrc in real time on pipeline's clock (call once it is
 * PLAYING). */
void file_loop_start(struct file_loop *fl, GstElement *pipeline);

/* Times the file has been started over so far. */
unsigned file_loop_rounds(const struct file_loop *fl);

/* Stops feeding and frees the reader (the appsrc stays with the sending pipeline). */
void file_loop_free(struct file_loop *fl);

#endif
