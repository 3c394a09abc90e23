/* click_probe.h - the click (click.h) in mcu-room's pipelines: the sender
 * (--audio test:click) writes the click into every raw buffer of a silent live test
 * source as it leaves the source, before the Opus encoder; the reader (--read-clicks)
 * looks for click onsets in every decoded audio buffer as it leaves the decoder and
 * keeps their delays after the whole second, the glass-to-glass delay of the sound on
 * the machine's monotonic clock.
 *
 * Times: a raw buffer that leaves the source now holds the sound of the last
 * buffer-length before now (as a microphone's would); a decoded buffer that leaves the
 * decoder now would start to play now. The first CLICK_WARMUP_S seconds after the
 * first onset heard are not counted (jitter buffers settle). */
#ifndef HOINGHI_ROOM_CLICK_PROBE_H
#define HOINGHI_ROOM_CLICK_PROBE_H

#include <gst/audio/audio.h>
#include <gst/gst.h>

#define CLICK_WARMUP_S 2

/* What the click source should produce: native-endian 16-bit mono at 48 kHz. */
#define CLICK_SOURCE_CAPS "audio/x-raw,format=" GST_AUDIO_NE(S16) ",rate=48000,channels=1"

/* Writes the click into each raw audio buffer (16-bit, native endianness) that leaves
 * pad; other formats pass unchanged. */
void click_source_attach(GstPad *pad);

struct click_reader;

struct click_reader *click_reader_new(void);

/* Looks for onsets in every decoded audio buffer (16-bit, native endianness, channel
 * 0) that leaves pad; thread-safe. */
void click_reader_attach(struct click_reader *r, GstPad *pad);

/* "clicks 18 heard, mean 95.2 ms, p50 94 ms, p99 110 ms" or "clicks none heard" (g_free it). */
char *click_reader_line(struct click_reader *r);

/* Summary fields: click_count=N click_mean_ms=.. click_p50_ms=.. click_p99_ms=..
 * click_min_ms=.. click_max_ms=.. (g_free it). */
char *click_reader_summary_fields(struct click_reader *r);

void click_reader_free(struct click_reader *r);

#endif
