/* recorder.h - `--record FILE`: what a room receives, written into one Matroska file
 * as it arrives (the depayloaded VP8/H.264 and Opus, no re-encoding).
 *
 * The muxer gets a video and an audio input up front (Matroska cannot add a track
 * once it has written its header). A stream that has not arrived a few seconds after
 * the first one is closed, so a one-sided call still records. The recording starts at
 * the first video keyframe; timestamps that webrtcbin moves backwards (RTCP lip-sync)
 * are shifted so that each track keeps increasing. recorder_finish() closes every input and reports when
 * the file is complete (header sizes, cues and duration written). */
#ifndef HOINGHI_ROOM_RECORDER_H
#define HOINGHI_ROOM_RECORDER_H

#include <gst/gst.h>

struct recorder;

/* Adds matroskamux ! filesink location=path to pipeline. NULL with *error set. */
struct recorder *recorder_new(GstElement *pipeline, const char *path, char **error);

/* Records the encoded stream from src (e.g. a tee's src pad) as the video or audio
 * track (media "video" or "audio"). The first call of each kind wins. */
void recorder_link(struct recorder *rec, const char *media, GstPad *src);

/* Closes the file: done(user) is called on the main loop once it is complete. */
void recorder_finish(struct recorder *rec, void (*done)(void *user), void *user);

/* Seconds of video written so far (from buffer timestamps), for the summary. */
double recorder_seconds(const struct recorder *rec);

/* Frees what the recorder owns (its elements belong to the pipeline). */
void recorder_free(struct recorder *rec);

#endif
