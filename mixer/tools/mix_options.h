/* mix_options.h - mcu-mix's command line: the flags, their defaults, their checks
 * and the --help text. */
#ifndef HOINGHI_MIXER_TOOLS_MIX_OPTIONS_H
#define HOINGHI_MIXER_TOOLS_MIX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mixer/media/media.h"

#define MIX_OPTIONS_MAX_SWITCHES 16

struct mix_layout_switch {
    int64_t at_us;
    char *layout; /* name or JSON text; owned */
};

struct mix_options {
    char *layout; /* name or JSON text; owned */
    int width, height, fps;
    enum media_codec vcodec; /* VP8, H264 or NONE (audio only) */
    int vbitrate, abitrate;
    int threads;
    bool realtime;
    int64_t duration_us; /* 0: the longest input */
    bool quiet;
    const char *output;
    const char **inputs; /* argv entries, not owned */
    size_t input_count;
    struct mix_layout_switch switches[MIX_OPTIONS_MAX_SWITCHES];
    size_t switch_count;
    int vp8_cpu_used;
    const char *h264_preset;
    int audio_complexity;
    size_t top_n;
    bool minus_self;         /* also encode the live minus-self mixes (discarded) */
    bool encode_every_input; /* benchmark baseline: one audio encode per input */
    bool audio_levels;       /* measure input levels up front, send them RFC 6464 */
    bool stats;              /* print the mixing phase's CPU seconds */
};

/* Parses argv. Returns 0 (run), 1 (--help printed: exit 0) or -1 (a message was
 * printed: exit 2). */
int mix_options_parse(struct mix_options *o, int argc, char **argv);
void mix_options_free(struct mix_options *o);

#endif
