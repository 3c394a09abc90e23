/* rate_limiter.c - token buckets and a bounded table of them; see rate_limiter.h.
 * The table is a hash of key -> entry plus a queue in order of last use (most recent
 * at the head), so finding the least recently used bucket is O(1). */
#include "mcu/core/rate_limiter.h"

#include <glib.h>
#include <math.h>

static void refill(struct token_bucket *b, const struct token_bucket_rate *rate, int64_t now_us)
{
    if (!b->started) {
        b->started = true;
        b->tokens = rate->burst;
        b->updated_us = now_us;
        return;
    }
    if (now_us > b->updated_us) {
        b->tokens += (double)(now_us - b->updated_us) * rate->per_second / 1e6;
        if (b->tokens > rate->burst) b->tokens = rate->burst;
        b->updated_us = now_us;
    }
}

bool token_bucket_take(struct token_bucket *b, const struct token_bucket_rate *rate, int64_t now_us,
                       int64_t *retry_after_us)
{
    refill(b, rate, now_us);
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        if (retry_after_us) *retry_after_us = 0;
        return true;
    }
    if (retry_after_us) *retry_after_us = (int64_t)ceil((1.0 - b->tokens) * 1e6 / rate->per_second);
    return false;
}

bool token_bucket_is_full(const struct token_bucket *b, const struct token_bucket_rate *rate,
                          int64_t now_us)
{
    if (!b->started) return true;
    int64_t elapsed = now_us > b->updated_us ? now_us - b->updated_us : 0;
    return b->tokens + (double)elapsed * rate->per_second / 1e6 >= rate->burst;
}

struct rate_entry {
    char *key; /* owned; also the hash key */
    struct token_bucket bucket;
    GList *link; /* in `recent` */
};

struct rate_limiter {
    struct token_bucket_rate rate;
    size_t max_keys;
    GHashTable *entries; /* key -> struct rate_entry* (owned) */
    GQueue recent;       /* of struct rate_entry*, most recently used first */
    uint64_t evictions;
};

static void entry_free(gpointer data)
{
    struct rate_entry *e = data;
    g_free(e->key);
    g_free(e);
}

struct rate_limiter *rate_limiter_new(const struct token_bucket_rate *rate, size_t max_keys)
{
    if (!rate || !(rate->per_second > 0) || !(rate->burst >= 1) || max_keys == 0) return NULL;
    struct rate_limiter *l = g_new0(struct rate_limiter, 1);
    l->rate = *rate;
    l->max_keys = max_keys;
    l->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    g_queue_init(&l->recent);
    return l;
}

void rate_limiter_free(struct rate_limiter *l)
{
    if (!l) return;
    g_queue_clear(&l->recent);
    g_hash_table_destroy(l->entries);
    g_free(l);
}

static void forget(struct rate_limiter *l, struct rate_entry *e)
{
    g_queue_delete_link(&l->recent, e->link);
    g_hash_table_remove(l->entries, e->key);
}

/* Room for one more key: refilled buckets go first, then the least recently used. */
static void make_room(struct rate_limiter *l, int64_t now_us)
{
    GList *next;
    for (GList *it = l->recent.head; it; it = next) {
        next = it->next;
        struct rate_entry *e = it->data;
        if (token_bucket_is_full(&e->bucket, &l->rate, now_us)) forget(l, e);
    }
    if (g_hash_table_size(l->entries) >= l->max_keys) {
        forget(l, g_queue_peek_tail(&l->recent));
        l->evictions++;
    }
}

bool rate_limiter_allow(struct rate_limiter *l, const char *key, int64_t now_us,
                        int64_t *retry_after_us)
{
    struct rate_entry *e = g_hash_table_lookup(l->entries, key);
    if (e) {
        g_queue_unlink(&l->recent, e->link);
        g_queue_push_head_link(&l->recent, e->link);
    } else {
        if (g_hash_table_size(l->entries) >= l->max_keys) make_room(l, now_us);
        e = g_new0(struct rate_entry, 1);
        e->key = g_strdup(key);
        g_queue_push_head(&l->recent, e);
        e->link = l->recent.head;
        g_hash_table_insert(l->entries, e->key, e);
    }
    return token_bucket_take(&e->bucket, &l->rate, now_us, retry_after_us);
}

size_t rate_limiter_size(const struct rate_limiter *l) { return g_hash_table_size(l->entries); }

uint64_t rate_limiter_evictions(const struct rate_limiter *l) { return l->evictions; }
