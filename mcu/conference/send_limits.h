/* send_limits.h - what each room should send, from where its picture is drawn. The
 * MCU knows every cell of the layout and which room it shows, so a room's camera
 * needs no more than the size of its cell (the largest over the output profiles
 * encoded), at the canvas frame rate, with a bitrate to match; a room that has no
 * cell (more rooms than cells) needs to send no video at all. docs/sender-control.md
 * has the reasoning and the figures.
 *
 * Bitrate: SEND_LIMITS_BITS_PER_PIXEL (0.1) bit per pixel per frame, i.e.
 * width x height x fps / 10, clamped to [SEND_LIMITS_MIN_BPS, SEND_LIMITS_MAX_BPS]
 * (100 kbit/s .. 2.5 Mbit/s): 426x240 at 30 fps is 307 kbit/s, 640x360 691 kbit/s,
 * 1280x720 2.5 Mbit/s (clamped). A room that is not drawn gets active false and
 * SEND_LIMITS_FLOOR_BPS (the REMB floor for senders that do not read the event).
 *
 * Pure logic: no clock, no lock, no allocation. */
#ifndef HOINGHI_MCU_SEND_LIMITS_H
#define HOINGHI_MCU_SEND_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "mixer/engine/mix_engine.h"

#define SEND_LIMITS_BITS_PER_PIXEL 0.1
#define SEND_LIMITS_MIN_BPS        100000
#define SEND_LIMITS_MAX_BPS        2500000
#define SEND_LIMITS_FLOOR_BPS      50000

/* What one room is asked to send. Not active: width, height and fps are 0. */
struct send_limits {
    bool active;
    int width, height; /* the cell: the picture must fit inside it */
    int fps;
    int max_bitrate; /* bits per second */
};

struct send_limits_size {
    int width, height;
};

/* Everything the limits depend on. */
struct send_limits_scene {
    const struct layout *layout; /* cells in canvas pixels */
    int canvas_width, canvas_height;
    int fps;             /* the canvas rate */
    bool follow_speaker; /* mix_engine_layout_follows_speaker() */
    int focus;           /* slot in the big cell (operator's focus), -1 none */
    int speaker;         /* the active speaker's slot, -1 none */
    /* The output sizes the picture is encoded at (none: the canvas size). */
    const struct send_limits_size *profiles;
    size_t profile_count;
    const bool *present; /* [slots]: the room is in the mix (has media) */
    size_t slots;
};

/* Writes out[0..slots-1]. A slot that is not present gets active false. */
void send_limits_compute(const struct send_limits_scene *scene, struct send_limits *out);

/* The bitrate for a picture of width x height at fps (the formula above). */
int send_limits_bitrate(int width, int height, int fps);

bool send_limits_equal(const struct send_limits *a, const struct send_limits *b);

/* True when b asks for more pixels than a (or turns the video back on): the sender
 * gets a keyframe request once it had time to follow. */
bool send_limits_grew(const struct send_limits *a, const struct send_limits *b);

#endif
