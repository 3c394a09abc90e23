/* sdp_fixture.h - test support for the SDP unit tests (test_sdp_parse.c,
 * test_sdp_answer.c, test_sdp_interop.c): reads the SDP offers captured from real
 * peers in tests/fixtures/sdp/ and parses SDP text, failing the running cmocka test
 * when that does not work. */
#ifndef HOINGHI_TESTS_SDP_FIXTURE_H
#define HOINGHI_TESTS_SDP_FIXTURE_H

#include <stdbool.h>

#include "signaling/sdp/sdp.h"

/* The text of tests/fixtures/sdp/NAME (relative to the repository root, the runner's
 * cwd); malloc'd, the caller frees it. NULL (and a line on stderr) if it cannot be read. */
char *sdp_fixture_read(const char *name);

/* sdp_parse() of `text`, which must succeed (the test fails otherwise); the caller
 * frees the session with sdp_session_free(). */
struct sdp_session *sdp_fixture_parse_text(const char *text);

/* sdp_fixture_parse_text() of the fixture NAME. */
struct sdp_session *sdp_fixture_parse(const char *name);

/* True when codec `c` lists the rtcp-fb value `fb` (e.g. "nack pli"). */
bool sdp_fixture_has_fb(const struct sdp_codec *c, const char *fb);

#endif
