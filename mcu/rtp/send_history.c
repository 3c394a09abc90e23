/* send_history.c - ring of recently sent RTP packets, indexed by sequence number; see
 * send_history.h. One allocation for the slots, one for the packet bytes. */
#include "mcu/rtp/send_history.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    bool used;
    uint16_t seq;
    uint16_t length;
    int64_t sent_us;
};

struct send_history {
    size_t capacity;    /* power of two */
    int64_t max_age_us; /* <= 0: no limit */
    size_t count;
    struct slot *slots;
    uint8_t *bytes; /* capacity * SEND_HISTORY_MAX_PACKET */
};

struct send_history *send_history_new(size_t capacity, int64_t max_age_us)
{
    if (capacity == 0 || capacity > SEND_HISTORY_MAX_CAPACITY) return NULL;
    size_t cap = 1;
    while (cap < capacity) cap <<= 1;
    struct send_history *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->capacity = cap;
    h->max_age_us = max_age_us;
    h->slots = calloc(cap, sizeof *h->slots);
    h->bytes = malloc(cap * SEND_HISTORY_MAX_PACKET);
    if (!h->slots || !h->bytes) {
        send_history_free(h);
        return NULL;
    }
    return h;
}

void send_history_free(struct send_history *h)
{
    if (!h) return;
    free(h->slots);
    free(h->bytes);
    free(h);
}

int send_history_put(struct send_history *h, const uint8_t *packet, size_t len, int64_t now_us)
{
    if (!packet || len < 12 || len > SEND_HISTORY_MAX_PACKET || (packet[0] >> 6) != 2) return -1;
    uint16_t seq = (uint16_t)((packet[2] << 8) | packet[3]);
    size_t i = seq & (h->capacity - 1);
    struct slot *s = &h->slots[i];
    if (!s->used) h->count++;
    s->used = true;
    s->seq = seq;
    s->length = (uint16_t)len;
    s->sent_us = now_us;
    memcpy(h->bytes + i * SEND_HISTORY_MAX_PACKET, packet, len);
    return 0;
}

const uint8_t *send_history_get(const struct send_history *h, uint16_t seq, int64_t now_us,
                                size_t *len)
{
    size_t i = seq & (h->capacity - 1);
    const struct slot *s = &h->slots[i];
    if (!s->used || s->seq != seq) return NULL;
    if (h->max_age_us > 0 && now_us - s->sent_us > h->max_age_us) return NULL;
    if (len) *len = s->length;
    return h->bytes + i * SEND_HISTORY_MAX_PACKET;
}

size_t send_history_count(const struct send_history *h) { return h->count; }
size_t send_history_capacity(const struct send_history *h) { return h->capacity; }
