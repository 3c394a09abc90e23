/* sources.h - what a room sends: the video and audio branches of the sending
 * pipeline, from a source (test pattern and tone, camera, microphone, a file decoded
 * and re-encoded, or a file replayed as it is) through the encoder and RTP payloader
 * into webrtcbin. A medium the room does not send still gets a receive-only
 * transceiver, so the conference's picture and sound come back either way.
 *
 * Video is always the first m-line, audio the second. */
#ifndef HOINGHI_ROOM_SOURCES_H
#define HOINGHI_ROOM_SOURCES_H

#include <gst/gst.h>

#include "client/room/options.h"
#include "signaling/protocol/protocol.h"

struct room_sources;

/* Builds the branches into pipeline and links them to webrtc (a webrtcbin in it).
 * NULL with *error set (g_free it) on failure (a missing element, an unreadable file). */
struct room_sources *sources_new(const struct room_options *opt, GstElement *pipeline,
                                 GstElement *webrtc, char **error);

/* Starts file sources (call once the pipeline is PLAYING). */
void sources_start(struct room_sources *s, GstElement *pipeline);

/* What is sent, for people: e.g. "video VP8 640x360@30 (test:smpte), audio Opus (test:440 Hz)". */
const char *sources_describe(const struct room_sources *s);

/* The MCU's send_limits (docs/sender-control.md), applied to the live encoder: the
 * capsfilter after videoscale ! videorate gets the largest size that fits the cell with
 * the room's own aspect (never larger than --width/--height) and the lower of the two
 * frame rates; the encoder the lower of the two bitrates (vp8enc target-bitrate,
 * x264enc bitrate); active false closes a valve before the encoder (video paused),
 * and opening it again asks the encoder for a keyframe. *applied says what was done
 * (g_free it). FALSE when there is no live encoder (replay, no video). */
gboolean sources_apply_limits(struct room_sources *s, const struct protocol_send_limits *l,
                              char **applied);

/* The size the encoder is fed now ("640x360"), "paused", or NULL (g_free it). */
char *sources_sent_size(const struct room_sources *s);

/* Frees the file readers; the branches belong to the pipeline. */
void sources_free(struct room_sources *s);

#endif
