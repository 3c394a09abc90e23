/* depacketizer_codec.h - private to the depacketizer_*.c files: what each codec
 * provides to the common frame assembly in depacketizer.c. Not a public header. */
#ifndef HOINGHI_MIXER_DEPACKETIZER_CODEC_H
#define HOINGHI_MIXER_DEPACKETIZER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/byte_buffer.h"
#include "mixer/rtp/depacketizer.h"

/* What append() made of one packet. */
enum depacketizer_append_result {
    DEPACKETIZER_APPENDED = 0, /* payload added to the frame */
    DEPACKETIZER_MALFORMED,    /* bad payload: packet dropped and counted, frame has a hole */
    DEPACKETIZER_LOST_START,   /* frame or fragment start is missing: frame has a hole */
};

struct depacketizer_codec {
    enum media_codec codec;
    size_t state_size; /* bytes of per-stream state, zeroed at creation */

    int (*inspect)(const uint8_t *payload, size_t len, struct depacketizer_packet_info *info);

    /* Adds one packet's payload to `frame`. `first`: the first packet of the frame;
     * `gap`: packets are missing just before this one. */
    enum depacketizer_append_result (*append)(void *state, struct byte_buffer *frame,
                                              const uint8_t *payload, size_t len, bool first,
                                              bool gap, struct depacketizer_stats *stats);

    /* Closes the frame. `hole`: a packet of it is missing or was dropped. Returns
     * true to hand the frame out (and sets *keyframe), false to drop it. */
    bool (*finish)(void *state, struct byte_buffer *frame, bool hole, bool *keyframe,
                   struct depacketizer_stats *stats);

    void (*free_state)(void *state); /* may be NULL */
};

extern const struct depacketizer_codec depacketizer_vp8;
extern const struct depacketizer_codec depacketizer_h264;
extern const struct depacketizer_codec depacketizer_opus;
extern const struct depacketizer_codec depacketizer_pcmu;
extern const struct depacketizer_codec depacketizer_pcma;

#endif
