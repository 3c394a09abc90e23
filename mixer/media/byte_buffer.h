/* byte_buffer.h - a growable byte array with a hard size limit, for assembling frames
 * and packets. One owner: whoever embeds the struct calls byte_buffer_free(). */
#ifndef HOINGHI_MIXER_BYTE_BUFFER_H
#define HOINGHI_MIXER_BYTE_BUFFER_H

#include <stddef.h>
#include <stdint.h>

struct byte_buffer {
    uint8_t *data;
    size_t size;     /* bytes in use */
    size_t capacity; /* bytes allocated */
    size_t limit;    /* size may never exceed this */
};

/* An empty buffer that may grow to `limit` bytes. Allocates nothing yet. */
void byte_buffer_init(struct byte_buffer *b, size_t limit);
void byte_buffer_free(struct byte_buffer *b);

/* Appends `n` bytes. Returns 0, or -1 (buffer unchanged) past the limit or out of
 * memory. */
int byte_buffer_append(struct byte_buffer *b, const void *bytes, size_t n);

/* Inserts `n` bytes at offset `at` (<= size). Returns 0 or -1 as above. */
int byte_buffer_insert(struct byte_buffer *b, size_t at, const void *bytes, size_t n);

/* Makes room for `n` more bytes and returns where they go (the caller fills them and
 * then adds n to size), or NULL past the limit or out of memory. */
uint8_t *byte_buffer_reserve(struct byte_buffer *b, size_t n);

#endif
