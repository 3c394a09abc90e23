/* timecode_probe.h - the time code (timecode.h) in mcu-room's pipelines: the sender
 * (--video test:timecode) draws the time into every raw frame as it leaves the test
 * source, before scaling and the encoder; the reader (--read-timecode) looks for a
 * code in every decoded video frame as it leaves the decoder and keeps now - stamp,
 * the glass-to-glass delay on the machine's monotonic clock.
 *
 * A stamp is counted once, in the first frame that shows it: a composite that repeats
 * an input picture (the canvas ticks, the input has nothing new) would otherwise count
 * the same send time again, later. The first TIMECODE_WARMUP_S seconds after the first
 * code read are not counted (encoder rate control, jitter buffers and keyframe
 * requests settle). */
#ifndef HOINGHI_ROOM_TIMECODE_PROBE_H
#define HOINGHI_ROOM_TIMECODE_PROBE_H

#include <gst/gst.h>

#define TIMECODE_WARMUP_S 2

/* Draws the time into each raw video buffer (a YUV format) that leaves pad. */
void timecode_stamp_attach(GstPad *pad);

struct timecode_reader;

struct timecode_reader *timecode_reader_new(void);

/* Reads every decoded video buffer (a YUV format) that leaves pad; thread-safe. */
void timecode_reader_attach(struct timecode_reader *r, GstPad *pad);

/* "timecode 120 frames, mean 45 ms, p50 44 ms, p99 60 ms" or "timecode none read" (g_free it). */
char *timecode_reader_line(struct timecode_reader *r);

/* Summary fields: timecode_frames=N timecode_mean_ms=.. timecode_p50_ms=..
 * timecode_p99_ms=.. timecode_min_ms=.. timecode_max_ms=.. timecode_unread=N (g_free it). */
char *timecode_reader_summary_fields(struct timecode_reader *r);

void timecode_reader_free(struct timecode_reader *r);

#endif
