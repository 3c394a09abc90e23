/* byte_buffer.c - growable, size-limited byte array; see byte_buffer.h. */
#include "mixer/media/byte_buffer.h"

#include <stdlib.h>
#include <string.h>

void byte_buffer_init(struct byte_buffer *b, size_t limit)
{
    b->data = NULL;
    b->size = 0;
    b->capacity = 0;
    b->limit = limit;
}

void byte_buffer_free(struct byte_buffer *b)
{
    free(b->data);
    byte_buffer_init(b, b->limit);
}

uint8_t *byte_buffer_reserve(struct byte_buffer *b, size_t n)
{
    if (n > b->limit || b->size > b->limit - n) return NULL;
    size_t need = b->size + n;
    if (need > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 256;
        while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        if (cap > b->limit) cap = b->limit;
        uint8_t *p = realloc(b->data, cap);
        if (!p) return NULL;
        b->data = p;
        b->capacity = cap;
    }
    return b->data + b->size;
}

int byte_buffer_append(struct byte_buffer *b, const void *bytes, size_t n)
{
    if (n == 0) return 0;
    uint8_t *dst = byte_buffer_reserve(b, n);
    if (!dst) return -1;
    memcpy(dst, bytes, n);
    b->size += n;
    return 0;
}

int byte_buffer_insert(struct byte_buffer *b, size_t at, const void *bytes, size_t n)
{
    if (at > b->size) return -1;
    if (n == 0) return 0;
    if (!byte_buffer_reserve(b, n)) return -1;
    memmove(b->data + at + n, b->data + at, b->size - at);
    memcpy(b->data + at, bytes, n);
    b->size += n;
    return 0;
}
