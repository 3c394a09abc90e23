/* sdp_fixture.c - reads and parses the SDP test fixtures; see sdp_fixture.h. */
#include "tests/unit/sdp_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FIXTURES "tests/fixtures/sdp/"

char *sdp_fixture_read(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s (run from the repo root)\n", path);
        return NULL;
    }
    char *buf = malloc(256 * 1024);
    size_t n = buf ? fread(buf, 1, 256 * 1024 - 1, f) : 0;
    fclose(f);
    if (buf != NULL) buf[n] = '\0';
    return buf;
}

struct sdp_session *sdp_fixture_parse_text(const char *text)
{
    struct sdp_session *s = NULL;
    char err[256] = "";
    enum sdp_error rc = sdp_parse(text, &s, err, sizeof err);
    if (rc != SDP_OK) fprintf(stderr, "sdp_parse: %s\n", err);
    assert_int_equal(rc, SDP_OK);
    assert_non_null(s);
    return s;
}

struct sdp_session *sdp_fixture_parse(const char *name)
{
    char *text = sdp_fixture_read(name);
    assert_non_null(text);
    struct sdp_session *s = sdp_fixture_parse_text(text);
    free(text);
    return s;
}

bool sdp_fixture_has_fb(const struct sdp_codec *c, const char *fb)
{
    for (size_t i = 0; i < c->rtcp_fb_count; i++)
        if (strcmp(c->rtcp_fb[i], fb) == 0) return true;
    return false;
}
