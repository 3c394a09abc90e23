/* timecode.h - the glass-to-glass instrument's code: a send time written into a
 * picture as big black and white bars, and found again in a received picture that
 * may show it scaled down (a cell of a 2x2 or 3x3 composite), re-encoded and noisy.
 *
 * The time is CLOCK_MONOTONIC in milliseconds modulo 2^24 (about 4.6 hours), the one
 * clock every process on a machine shares: a sender stamps it, a reader on the same
 * machine subtracts it from its own reading of the clock.
 *
 * The code is one row of 50 modules, each a bar of equal width (the picture's width /
 * 54) and a fifth of the picture's height tall, centred across the picture an eighth
 * of its height from the top (clear of the name label the MCU draws at a tile's bottom
 * left): a start pattern 101010, the 24 bits of the time (most significant first), a
 * CRC-16 (CCITT) of them, and a stop pattern 0101; 1 is white (luma 235), 0 black
 * (16). The reader scans rows of any picture for the start pattern, takes the module
 * width from it, samples each module at its centre and accepts a row whose start,
 * stop and CRC are right; a picture's time is one that two rows agree on. It does not
 * need to know where the sender's picture is drawn or how much it was scaled.
 *
 * Plain C on a luma plane (no GStreamer): timecode_probe.c is the GStreamer glue,
 * tests/unit/test_timecode.c the test. */
#ifndef HOINGHI_ROOM_TIMECODE_H
#define HOINGHI_ROOM_TIMECODE_H

#include <stdbool.h>
#include <stdint.h>

#define TIMECODE_BITS    24
#define TIMECODE_MODULES 50 /* start 6 + time 24 + CRC 16 + stop 4 */
#define TIMECODE_MASK    ((1u << TIMECODE_BITS) - 1)

/* The shared clock now: CLOCK_MONOTONIC in ms modulo 2^24. */
uint32_t timecode_now(void);

/* Milliseconds from stamp to now on that clock (modulo 2^24: 0..16777215). */
uint32_t timecode_elapsed_ms(uint32_t now, uint32_t stamp);

/* Draws stamp (its low 24 bits) into the luma plane of a width x height picture. A
 * picture narrower than 108 pixels (modules under 2 pixels) is left as it is. */
void timecode_draw(uint8_t *luma, int stride, int width, int height, uint32_t stamp);

/* Looks for a code anywhere in the luma plane; true with *stamp set when two rows
 * read the same valid code. */
bool timecode_read(const uint8_t *luma, int stride, int width, int height, uint32_t *stamp);

#endif
