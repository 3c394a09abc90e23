/* rtp_fixture.c - loads length-prefixed RTP captures for the tests; see rtp_fixture.h. */
#include "tests/unit/rtp_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    uint8_t *bytes = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(bytes, cap);
            if (!p) {
                free(bytes);
                fclose(fp);
                return NULL;
            }
            bytes = p;
        }
        size_t got = fread(bytes + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    fclose(fp);
    *size = n;
    return bytes;
}

int rtp_fixture_load(const char *path, struct rtp_fixture *f)
{
    memset(f, 0, sizeof(*f));
    size_t size = 0;
    f->bytes = read_file(path, &size);
    if (!f->bytes) return -1;
    size_t max = size / 2 + 1;
    f->packet = calloc(max, sizeof(*f->packet));
    f->length = calloc(max, sizeof(*f->length));
    if (!f->packet || !f->length) goto fail;
    size_t off = 0;
    while (off < size) {
        if (off + 2 > size) goto fail;
        size_t len = ((size_t)f->bytes[off] << 8) | f->bytes[off + 1];
        off += 2;
        if (off + len > size) goto fail;
        f->packet[f->count] = f->bytes + off;
        f->length[f->count] = len;
        f->count++;
        off += len;
    }
    return 0;
fail:
    rtp_fixture_free(f);
    return -1;
}

void rtp_fixture_free(struct rtp_fixture *f)
{
    free(f->bytes);
    free(f->packet);
    free(f->length);
    memset(f, 0, sizeof(*f));
}
