/* rtp_fixture.h - test support: loads an RTP capture from tests/fixtures/rtp/ (each
 * packet preceded by a 16-bit big-endian length, RFC 4571 framing). */
#ifndef HOINGHI_TESTS_RTP_FIXTURE_H
#define HOINGHI_TESTS_RTP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct rtp_fixture {
    uint8_t *bytes;         /* the whole file */
    size_t count;           /* packets */
    const uint8_t **packet; /* packet[i] points into bytes */
    size_t *length;
};

/* Loads `path` (relative to the repository root). Returns 0, or -1 if the file is
 * missing or its framing is broken. */
int rtp_fixture_load(const char *path, struct rtp_fixture *f);
void rtp_fixture_free(struct rtp_fixture *f);

#endif
