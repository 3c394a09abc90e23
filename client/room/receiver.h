/* receiver.h - what a room does with the streams webrtcbin receives: depayload each
 * one, hand the encoded frames to the recorder (if any), decode them into a window
 * and the loudspeaker (--show) or into nothing (headless), or only count them
 * (--no-decode). Counts frames received and decoded into the room's stats. */
#ifndef HOINGHI_ROOM_RECEIVER_H
#define HOINGHI_ROOM_RECEIVER_H

#include <gst/gst.h>

#include "client/room/recorder.h"
#include "client/room/stats.h"

enum receiver_output {
    RECEIVER_DISCARD,    /* decode, then drop (headless) */
    RECEIVER_SHOW,       /* decode into autovideosink / autoaudiosink */
    RECEIVER_COUNT_ONLY, /* no decoding */
};

struct receiver;

/* Handles every stream webrtc (in pipeline) will add. recorder may be NULL; stats
 * and recorder must outlive the receiver. */
struct receiver *receiver_new(GstElement *pipeline, GstElement *webrtc, enum receiver_output output,
                              struct recorder *recorder, struct room_stats *stats);

/* Stops handling new streams (call with the pipeline stopped or stopping). */
void receiver_free(struct receiver *r);

#endif
