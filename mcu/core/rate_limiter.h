/* rate_limiter.h - token buckets: one bucket (`struct token_bucket`, e.g. the
 * messages of one connection), and a bounded table of buckets keyed by a string (the
 * join attempts of each source address). A bucket holds at most `burst` tokens and
 * refills at `per_second`; each event takes one token, and an event that finds no
 * token is refused with the time until one is back. The table holds at most
 * `max_keys` buckets: a new key in a full table first forgets the buckets that have
 * refilled (they remember nothing), then the least recently used one.
 *
 * Pure logic: the caller passes the time (monotonic microseconds), so tests drive
 * the clock. Not thread-safe: one owner, one thread. */
#ifndef HOINGHI_MCU_RATE_LIMITER_H
#define HOINGHI_MCU_RATE_LIMITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct token_bucket {
    double tokens;
    int64_t updated_us;
    bool started; /* false: full (a zeroed bucket is a full one) */
};

struct token_bucket_rate {
    double per_second; /* > 0 */
    double burst;      /* >= 1 */
};

/* Takes one token at now_us. True when there was one; false otherwise, with the
 * microseconds until there is one in *retry_after_us (may be NULL). */
bool token_bucket_take(struct token_bucket *b, const struct token_bucket_rate *rate, int64_t now_us,
                       int64_t *retry_after_us);

/* True when the bucket is full at now_us (nothing happened that it remembers). */
bool token_bucket_is_full(const struct token_bucket *b, const struct token_bucket_rate *rate,
                          int64_t now_us);

struct rate_limiter;

/* NULL when rate->per_second <= 0, rate->burst < 1 or max_keys == 0. */
struct rate_limiter *rate_limiter_new(const struct token_bucket_rate *rate, size_t max_keys);
void rate_limiter_free(struct rate_limiter *l);

/* One event for `key` at now_us: token_bucket_take on its bucket. */
bool rate_limiter_allow(struct rate_limiter *l, const char *key, int64_t now_us,
                        int64_t *retry_after_us);

/* Buckets held (at most max_keys). */
size_t rate_limiter_size(const struct rate_limiter *l);
/* Buckets forgotten to make room for new keys while the table was full. */
uint64_t rate_limiter_evictions(const struct rate_limiter *l);

#endif
