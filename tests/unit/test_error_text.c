/* test_error_text.c - the error-buffer helpers, one per library: mixer/media/
 * error_text.c (mixer), mcu/core/mcu_error.c (mcu, over the mixer's) and
 * signaling/sdp/signaling_error.c (signaling, its own): the message in full when it fits, cut at a UTF-8 character boundary when it does not
 * (Vietnamese text: 2- and 3-byte characters), and nothing done for a NULL buffer or
 * a zero length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/core/mcu_error.h"
#include "mixer/media/error_text.h"
#include "signaling/sdp/signaling_error.h"

/* "Phòng họp Hà Nội": ò is 2 bytes (c3 b2), ọ and ộ 3 bytes (e1 bb 8d, e1 bb 99), à 2. */
#define ROOM "Ph\xc3\xb2ng h\xe1\xbb\x8dp H\xc3\xa0 N\xe1\xbb\x99i"

/* True if s is whole UTF-8 (no cut sequence at its end or anywhere). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 0;
        if (n == 0) return 0;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80) return 0;
        p += n;
    }
    return 1;
}

static void test_fits(void **state)
{
    (void)state;
    char err[64];
    error_text_set(err, sizeof err, "cannot join %s: %d", ROOM, 42);
    assert_string_equal(err, "cannot join " ROOM ": 42");
}

/* Every buffer length from 1 to the whole message: a prefix of it, valid UTF-8, and as
 * long as it can be (at most 3 bytes given back: a cut 4-byte sequence's first 3). */
static void test_cut_on_a_character_boundary(void **state)
{
    (void)state;
    const char *full = "x " ROOM;
    size_t len = strlen(full);
    for (size_t n = 1; n <= len + 1; n++) {
        char err[64];
        memset(err, 'Z', sizeof err);
        error_text_set(err, n, "x %s", ROOM);
        size_t got = strlen(err);
        assert_true(got < n);
        assert_true(got + 3 >= n - 1);
        assert_memory_equal(err, full, got);
        assert_true(valid_utf8(err));
        assert_int_equal(err[n], 'Z'); /* nothing past the buffer */
    }
    /* "Ph" + the 2 bytes of ò need 5 with the NUL: 4 keeps "Ph" only. */
    char small[4];
    error_text_set(small, sizeof small, "%s", ROOM);
    assert_string_equal(small, "Ph");
}

static void test_null_and_empty_buffers(void **state)
{
    (void)state;
    error_text_set(NULL, 0, "nothing %s", ROOM);
    error_text_set(NULL, 16, "nothing %s", ROOM);
    char one = 'Z';
    error_text_set(&one, 0, "nothing");
    assert_int_equal(one, 'Z');
    error_text_set(&one, 1, "%s", ROOM);
    assert_int_equal(one, '\0');
}

static void test_trim_of_a_copied_text(void **state)
{
    (void)state;
    char buf[8];
    memcpy(buf, "ab\xe1\xbb\x99", 5); /* ab + ộ */
    buf[4] = '\0';                    /* a copy that kept 2 of ộ's 3 bytes */
    error_text_trim_utf8(buf, 4);
    assert_string_equal(buf, "ab");
}

/* The mcu's and the signaling library's helpers keep the same contract. */
static void test_other_libraries(void **state)
{
    (void)state;
    char a[4], b[4];
    mcu_error_set(a, sizeof a, "%s", ROOM);
    signaling_error_set(b, sizeof b, "%s", ROOM);
    assert_string_equal(a, "Ph");
    assert_string_equal(b, "Ph");
    for (size_t n = 1; n <= 40; n++) {
        char x[64], y[64];
        error_text_set(x, n, "x %s", ROOM);
        mcu_error_set(y, n, "x %s", ROOM);
        assert_string_equal(x, y);
        signaling_error_set(y, n, "x %s", ROOM);
        assert_string_equal(x, y);
    }
    mcu_error_set(NULL, 8, "nothing");
    signaling_error_set(NULL, 8, "nothing");
    char one = 'Z';
    mcu_error_set(&one, 0, "nothing");
    signaling_error_set(&one, 0, "nothing");
    assert_int_equal(one, 'Z');
    char big[64];
    signaling_error_set(big, sizeof big, "line %u: %s", 3u, ROOM);
    assert_string_equal(big, "line 3: " ROOM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_cut_on_a_character_boundary),
        cmocka_unit_test(test_null_and_empty_buffers),
        cmocka_unit_test(test_trim_of_a_copied_text),
        cmocka_unit_test(test_other_libraries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
