/* test_secret.c - mcu/core/secret.c: PIN hashes (PBKDF2, salted, encoded with their
 * parameters) verify the right PIN only, two hashes of one PIN differ (salt), malformed
 * encodings are refused and never match, and secret_verify() takes both a PIN hash
 * and a token's SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/core/secret.h"

static void pin_hash_round_trip(void **state)
{
    (void)state;
    char a[SECRET_PIN_HASH_MAX], b[SECRET_PIN_HASH_MAX];
    assert_int_equal(secret_pin_hash("4321", a), 0);
    assert_int_equal(secret_pin_hash("4321", b), 0);
    assert_true(strncmp(a, "pbkdf2-sha256$20000$", 20) == 0);
    assert_string_not_equal(a, b); /* a new salt each time */
    assert_null(strstr(a, "4321$"));
    assert_true(secret_is_pin_hash(a));
    assert_true(secret_pin_verify("4321", a));
    assert_true(secret_pin_verify("4321", b));
    assert_false(secret_pin_verify("4322", a));
    assert_false(secret_pin_verify("432", a));
    assert_false(secret_pin_verify("43210", a));
    assert_false(secret_pin_verify("", a));
    assert_false(secret_pin_verify(NULL, a));
}

static void malformed_hashes_never_match(void **state)
{
    (void)state;
    char good[SECRET_PIN_HASH_MAX];
    assert_int_equal(secret_pin_hash("4321", good), 0);
    const char *hash = strrchr(good, '$') + 1;
    char text[400];
    const char *const bad[] = {
        "",
        "4321",
        "pbkdf2-sha256$",
        "pbkdf2-sha256$20000$",
        "pbkdf2-sha256$x$00112233445566778899$",
        "pbkdf2-sha1$20000$0011223344556677$%s",
        "pbkdf2-sha256$999$0011223344556677$%s",
        "pbkdf2-sha256$99999999$0011223344556677$%s",
        "pbkdf2-sha256$20000$00112233$%s",
        "pbkdf2-sha256$20000$00112233445566ZZ$%s",
        "pbkdf2-sha256$20000$0011223344556677$%.63s",
        "pbkdf2-sha256$20000$0011223344556677$%sff",
        "pbkdf2-sha256$20000$0011223344556677$%s$",
        "pbkdf2-sha256$-20000$0011223344556677$%s",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, bad[i], hash);
        if (secret_is_pin_hash(text)) fail_msg("accepted '%s'", text);
        assert_false(secret_pin_verify("4321", text));
    }
    assert_false(secret_is_pin_hash(NULL));
}

static void verify_takes_both_kinds(void **state)
{
    (void)state;
    char token[SECRET_TOKEN_MAX], digest[SECRET_HASH_HEX], pin[SECRET_PIN_HASH_MAX];
    assert_int_equal(secret_new_token("ht_", token), 0);
    secret_hash(token, digest);
    assert_true(secret_verify(token, digest));
    token[5] ^= 1;
    assert_false(secret_verify(token, digest));
    assert_int_equal(secret_pin_hash("a host secret", pin), 0);
    assert_true(secret_verify("a host secret", pin));
    assert_false(secret_verify("a host secreT", pin));
    assert_false(secret_verify(NULL, pin));
    assert_false(secret_verify("x", NULL));
    assert_false(secret_verify("x", "not a digest"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pin_hash_round_trip),
        cmocka_unit_test(malformed_hashes_never_match),
        cmocka_unit_test(verify_takes_both_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
