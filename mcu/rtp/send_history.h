/* send_history.h - recently sent RTP packets of one outgoing stream, to answer NACKs.
 *
 * A bounded ring indexed by sequence number: it holds copies of the last `capacity`
 * packets (a power of two, rounded up) no older than `max_age_us`. Storing sequence
 * number s evicts whatever was stored for s - capacity (and any other sequence number in
 * the same slot); lookups of entries older than max_age_us miss. Memory is allocated once
 * at creation: capacity * SEND_HISTORY_MAX_PACKET bytes plus bookkeeping.
 *
 * Packets are stored as given (plaintext RTP, before SRTP protection). Not thread-safe:
 * one owner. */
#ifndef HOINGHI_MCU_SEND_HISTORY_H
#define HOINGHI_MCU_SEND_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define SEND_HISTORY_MAX_PACKET   1500
#define SEND_HISTORY_MAX_CAPACITY 4096

struct send_history;

/* capacity 1..SEND_HISTORY_MAX_CAPACITY (rounded up to a power of two); max_age_us <= 0
 * means no age limit. Returns NULL on bad arguments or out of memory. */
struct send_history *send_history_new(size_t capacity, int64_t max_age_us);
void send_history_free(struct send_history *h);

/* Stores a copy of an RTP packet sent at now_us; the sequence number is read from the
 * packet. Returns 0, or -1 when the packet is not RTP (shorter than 12 bytes, version
 * != 2) or longer than SEND_HISTORY_MAX_PACKET. */
int send_history_put(struct send_history *h, const uint8_t *packet, size_t len, int64_t now_us);

/* Finds the packet with sequence number `seq`, not older than max_age_us at now_us.
 * Returns a pointer valid until the next put/free and sets *len, or NULL. */
const uint8_t *send_history_get(const struct send_history *h, uint16_t seq, int64_t now_us,
                                size_t *len);

/* Packets currently stored (including ones that have aged out but were not overwritten). */
size_t send_history_count(const struct send_history *h);
size_t send_history_capacity(const struct send_history *h);

#endif
