/* twcc_feedback.c - transport-cc feedback from recorded arrivals (twcc_feedback.h).
 *
 * The feedback packet (draft-holmer-rmcat-transport-wide-cc-extensions-01, 3.1):
 *   RTPFB header (FMT 15), sender SSRC, media SSRC,
 *   base sequence number (16) | packet status count (16),
 *   reference time (24, signed, 64 ms units) | feedback packet count (8),
 *   packet status chunks (16 bits each), receive deltas, zero padding to 32 bits.
 * A status is 0 (not received), 1 (received, small delta: one byte, 0..255 in 250 us
 * units) or 2 (received, large or negative delta: two bytes, signed). Chunks are either
 * a run (T=0: the status and a 13-bit count) or a vector (T=1: 14 one-bit or 7 two-bit
 * statuses). The first delta is from the reference time; each next one from the
 * previous received packet's time as the receiver of the feedback will reconstruct it
 * (so rounding does not add up). */
#include "mcu/rtp/twcc_feedback.h"

#include <string.h>

#define HEADER_BYTES      20 /* RTCP header, two SSRCs, base/count, reference time */
#define RUN_MAX           8191
#define ONE_BIT_CAPACITY  14
#define TWO_BIT_CAPACITY  7
#define DELTA_UNIT_US     250
#define REFERENCE_UNIT_US 64000

enum { NOT_RECEIVED = 0, SMALL = 1, LARGE = 2 };

static size_t slot(int64_t seq) { return (size_t)((uint64_t)seq & (TWCC_FEEDBACK_WINDOW - 1)); }

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

void twcc_feedback_init(struct twcc_feedback *f)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < TWCC_FEEDBACK_WINDOW; i++) f->arrival_us[i] = TWCC_NOT_RECEIVED;
}

int twcc_feedback_read_extension(const uint8_t *data, size_t length, uint16_t *seq)
{
    if (!data || length != 2) return -1;
    *seq = (uint16_t)((data[0] << 8) | data[1]);
    return 0;
}

/* The ring moves forward to `seq`: numbers that leave it unreported are counted. */
static void advance(struct twcc_feedback *f, int64_t seq)
{
    int64_t leave_from = f->highest - TWCC_FEEDBACK_WINDOW + 1;
    int64_t leave_to = seq - TWCC_FEEDBACK_WINDOW; /* inclusive */
    if (leave_to > f->highest) leave_to = f->highest;
    for (int64_t s = leave_from > f->next ? leave_from : f->next; s <= leave_to; s++)
        if (f->arrival_us[slot(s)] != TWCC_NOT_RECEIVED) f->dropped++;
    int64_t clear_from = f->highest + 1;
    if (clear_from < seq - TWCC_FEEDBACK_WINDOW + 1) clear_from = seq - TWCC_FEEDBACK_WINDOW + 1;
    for (int64_t s = clear_from; s <= seq; s++) f->arrival_us[slot(s)] = TWCC_NOT_RECEIVED;
    f->highest = seq;
    if (f->next < seq - TWCC_FEEDBACK_WINDOW + 1) f->next = seq - TWCC_FEEDBACK_WINDOW + 1;
}

void twcc_feedback_record(struct twcc_feedback *f, uint16_t seq, int64_t arrival_us)
{
    if (arrival_us == TWCC_NOT_RECEIVED) arrival_us++;
    if (!f->started) {
        f->started = true;
        f->highest = f->next = seq;
        f->arrival_us[slot(seq)] = arrival_us;
        f->recorded++;
        return;
    }
    /* Unwrapped: the nearest number to the highest so far with these low 16 bits. */
    int64_t s = f->highest + (int16_t)(uint16_t)(seq - (uint16_t)f->highest);
    if (s > f->highest) advance(f, s);
    if (s <= f->highest - TWCC_FEEDBACK_WINDOW) {
        f->too_old++;
        return;
    }
    int64_t *a = &f->arrival_us[slot(s)];
    if (*a != TWCC_NOT_RECEIVED) {
        f->duplicates++;
        return;
    }
    *a = arrival_us;
    f->recorded++;
    if (s < f->next) f->next = s; /* late: report from here again */
}

bool twcc_feedback_pending(const struct twcc_feedback *f)
{
    return f->started && f->next <= f->highest;
}

/* --- status chunks -------------------------------------------------------------------- */

/* Statuses not yet in a chunk, and the chunks written so far. A copy is cheap, so a
 * status is first added to a copy to see what the packet would grow to. */
struct chunker {
    uint8_t status[ONE_BIT_CAPACITY]; /* as a run longer than that: status[0] only */
    size_t count;
    bool all_same, has_large;
    size_t written;
    uint16_t *chunks; /* shared by copies: a rejected copy's writes are overwritten */
};

static bool chunker_fits(const struct chunker *c, uint8_t status)
{
    if (c->count < TWO_BIT_CAPACITY) return true;
    if (c->count < ONE_BIT_CAPACITY && !c->has_large && status != LARGE) return true;
    return c->all_same && c->status[0] == status && c->count < RUN_MAX;
}

static uint16_t run_chunk(uint8_t status, size_t count)
{
    return (uint16_t)((status << 13) | count);
}

static uint16_t vector_chunk(const uint8_t *status, size_t count, bool two_bit)
{
    uint16_t chunk = two_bit ? 0xc000 : 0x8000;
    size_t capacity = two_bit ? TWO_BIT_CAPACITY : ONE_BIT_CAPACITY;
    for (size_t i = 0; i < count; i++) {
        if (two_bit)
            chunk |= (uint16_t)(status[i] << (2 * (capacity - 1 - i)));
        else
            chunk |= (uint16_t)((status[i] ? 1 : 0) << (capacity - 1 - i));
    }
    return chunk;
}

/* The pending statuses no longer take another one: the oldest go into a chunk. */
static void chunker_emit(struct chunker *c)
{
    if (c->all_same) {
        c->chunks[c->written++] = run_chunk(c->status[0], c->count);
        c->count = 0;
        return;
    }
    if (c->count == ONE_BIT_CAPACITY) {
        c->chunks[c->written++] = vector_chunk(c->status, c->count, false);
        c->count = 0;
        return;
    }
    /* 7..13 statuses with a large delta coming or present: seven in two bits. */
    c->chunks[c->written++] = vector_chunk(c->status, TWO_BIT_CAPACITY, true);
    c->count -= TWO_BIT_CAPACITY;
    memmove(c->status, c->status + TWO_BIT_CAPACITY, c->count);
    c->all_same = true;
    c->has_large = false;
    for (size_t i = 0; i < c->count; i++) {
        c->all_same = c->all_same && c->status[i] == c->status[0];
        c->has_large = c->has_large || c->status[i] == LARGE;
    }
}

static void chunker_add(struct chunker *c, uint8_t status)
{
    if (!chunker_fits(c, status)) chunker_emit(c);
    if (c->count == 0) {
        c->all_same = true;
        c->has_large = false;
    }
    if (c->count < ONE_BIT_CAPACITY) c->status[c->count] = status;
    c->all_same = c->all_same && c->status[0] == status;
    c->has_large = c->has_large || status == LARGE;
    c->count++;
}

/* The last chunk of a packet. */
static void chunker_finish(struct chunker *c)
{
    if (c->count == 0) return;
    if (c->all_same)
        c->chunks[c->written++] = run_chunk(c->status[0], c->count);
    else if (c->count <= TWO_BIT_CAPACITY)
        c->chunks[c->written++] = vector_chunk(c->status, c->count, true);
    else
        c->chunks[c->written++] = vector_chunk(c->status, c->count, false);
    c->count = 0;
}

/* --- the packet ----------------------------------------------------------------------- */

static size_t padded(size_t n) { return (n + 3) & ~(size_t)3; }

int twcc_feedback_build(struct twcc_feedback *f, struct rtcp_builder *b, uint32_t sender_ssrc,
                        uint32_t media_ssrc)
{
    if (!twcc_feedback_pending(f)) return 1;
    if (!b->buf || b->length > b->capacity) return -1;
    size_t room = b->capacity - b->length;
    if (room > TWCC_FEEDBACK_MAX_BYTES) room = TWCC_FEEDBACK_MAX_BYTES;

    int64_t first_received = f->next;
    while (f->arrival_us[slot(first_received)] == TWCC_NOT_RECEIVED) first_received++;
    int64_t reference = floor_div(f->arrival_us[slot(first_received)], REFERENCE_UNIT_US);
    int64_t cursor_us = reference * REFERENCE_UNIT_US;

    uint16_t chunks[TWCC_FEEDBACK_MAX_BYTES / 2];
    uint8_t deltas[TWCC_FEEDBACK_MAX_BYTES];
    size_t delta_bytes = 0, count = 0;
    struct chunker ch = {.chunks = chunks, .all_same = true};
    for (int64_t s = f->next; s <= f->highest; s++) {
        int64_t arrival = f->arrival_us[slot(s)];
        uint8_t status = NOT_RECEIVED;
        int64_t delta = 0;
        if (arrival != TWCC_NOT_RECEIVED) {
            delta = floor_div(arrival - cursor_us + DELTA_UNIT_US / 2, DELTA_UNIT_US);
            if (delta >= 0 && delta <= 255)
                status = SMALL;
            else if (delta >= INT16_MIN && delta <= INT16_MAX)
                status = LARGE;
            else
                break; /* too far from the previous one: the next packet starts here */
        }
        size_t this_delta = status == SMALL ? 1 : status == LARGE ? 2 : 0;
        struct chunker trial = ch;
        chunker_add(&trial, status);
        size_t size = HEADER_BYTES + 2 * (trial.written + 1) + delta_bytes + this_delta;
        if (padded(size) > room || count == UINT16_MAX) break;
        ch = trial;
        if (status == SMALL) deltas[delta_bytes++] = (uint8_t)delta;
        if (status == LARGE) {
            put16(deltas + delta_bytes, (uint16_t)(int16_t)delta);
            delta_bytes += 2;
        }
        if (status != NOT_RECEIVED) cursor_us += delta * DELTA_UNIT_US;
        count++;
    }
    /* Nothing up to the first received packet fits: no room at all. */
    if (count == 0 || f->next + (int64_t)count <= first_received) return -1;
    chunker_finish(&ch);

    size_t unpadded = HEADER_BYTES + 2 * ch.written + delta_bytes;
    size_t size = padded(unpadded);
    uint8_t *p = b->buf + b->length;
    memset(p, 0, size);
    bool padding = size != unpadded;
    p[0] = (uint8_t)(0x80 | (padding ? 0x20 : 0) | RTCP_RTPFB_TRANSPORT_CC);
    p[1] = RTCP_PT_RTPFB;
    put16(p + 2, (uint16_t)(size / 4 - 1));
    put32(p + 4, sender_ssrc);
    put32(p + 8, media_ssrc);
    put16(p + 12, (uint16_t)f->next);
    put16(p + 14, (uint16_t)count);
    put32(p + 16, ((uint32_t)reference & 0xffffff) << 8 | f->feedback_count);
    for (size_t i = 0; i < ch.written; i++) put16(p + HEADER_BYTES + 2 * i, chunks[i]);
    memcpy(p + HEADER_BYTES + 2 * ch.written, deltas, delta_bytes);
    if (padding) p[size - 1] = (uint8_t)(size - unpadded);
    b->length += size;

    f->feedback_count++;
    f->packets_built++;
    f->next += (int64_t)count;
    return 0;
}
