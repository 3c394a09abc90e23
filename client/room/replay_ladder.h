/* replay_ladder.h - the video of `--replay`: one clip stored in one or more renditions
 * (for example 1280x720, 640x360, 426x240, 320x180 of the same clip, with keyframes at
 * the same times), sent as stored, one rendition at a time, into one appsrc.
 *
 * Every rendition is read and paced in real time (file_loop.h), frame-aligned; the
 * ladder passes on the frames of the rendition it sends and drops the others. The
 * MCU's send limits (docs/sender-control.md) choose the rendition: the largest that
 * fits the cell (the smallest when none fits); the switch happens at that rendition's
 * next keyframe, so the stream stays decodable. Limits with `active` false pause the
 * video; it resumes at a keyframe. The bitrate limit is not applied: a stored rendition
 * has the bitrate it was encoded with. Nothing here decodes or encodes. */
#ifndef HOINGHI_ROOM_REPLAY_LADDER_H
#define HOINGHI_ROOM_REPLAY_LADDER_H

#include <gst/gst.h>

#include "signaling/protocol/protocol.h"

#define REPLAY_LADDER_MAX 4 /* renditions */

struct replay_ladder;

/* Opens the video of each of the count paths (1..REPLAY_LADDER_MAX). NULL with *error
 * set (g_free it) when one cannot be read, has no VP8/H.264 video, or the renditions do
 * not share one codec. Sends the largest rendition until told otherwise. */
struct replay_ladder *replay_ladder_new(const char *const *paths, int count, char **error);

/* The stream's caps as the largest rendition has them (borrowed). */
const GstCaps *replay_ladder_caps(const struct replay_ladder *ladder);

/* The appsrc to put into the sending pipeline (the ladder keeps its own reference). */
GstElement *replay_ladder_source(struct replay_ladder *ladder);

/* Starts feeding in real time on pipeline's clock (call once it is PLAYING). */
void replay_ladder_start(struct replay_ladder *ladder, GstElement *pipeline);

/* The MCU's limits: chooses the rendition (switched at its next keyframe) or pauses.
 * *applied says what was done (g_free it). */
void replay_ladder_apply_limits(struct replay_ladder *ladder, const struct protocol_send_limits *l,
                                char **applied);

/* "640x360" for the rendition being sent, or "paused" (g_free it). */
char *replay_ladder_sent_size(const struct replay_ladder *ladder);

/* "1280x720, 640x360" (g_free it). */
char *replay_ladder_describe(const struct replay_ladder *ladder);

void replay_ladder_free(struct replay_ladder *ladder);

#endif
