/* secret.c - random tokens, SHA-256 digests, constant-time compare; see secret.h. */
#include "mcu/core/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int secret_new_token(const char *prefix, char out[SECRET_TOKEN_MAX])
{
    unsigned char bytes[SECRET_TOKEN_BYTES];
    size_t plen = strlen(prefix);
    if (plen + 2 * SECRET_TOKEN_BYTES + 1 > SECRET_TOKEN_MAX) return -1;
    if (RAND_bytes(bytes, sizeof bytes) != 1) return -1;
    memcpy(out, prefix, plen);
    to_hex(bytes, sizeof bytes, out + plen);
    OPENSSL_cleanse(bytes, sizeof bytes);
    return 0;
}

void secret_hash(const char *text, char out[SECRET_HASH_HEX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(text, strlen(text), digest, &len, EVP_sha256(), NULL) != 1 || len != 32) {
        memset(out, '0', SECRET_HASH_HEX - 1); /* never matches a real digest's input */
        out[SECRET_HASH_HEX - 1] = '\0';
        return;
    }
    to_hex(digest, 32, out);
}

bool secret_hash_equal(const char *a, const char *b)
{
    if (strlen(a) != SECRET_HASH_HEX - 1 || strlen(b) != SECRET_HASH_HEX - 1) return false;
    return CRYPTO_memcmp(a, b, SECRET_HASH_HEX - 1) == 0;
}

/* --- PIN hashes ------------------------------------------------------------------ */

static int from_hex(const char *hex, size_t len, unsigned char *out)
{
    if (len % 2) return -1;
    for (size_t i = 0; i < len; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) return -1;
        if (i % 2)
            out[i / 2] |= (unsigned char)v;
        else
            out[i / 2] = (unsigned char)(v << 4);
    }
    return 0;
}

/* Splits an encoded PIN hash; false when it is malformed. */
static bool parse_pin_hash(const char *encoded, unsigned *iterations, unsigned char *salt,
                           size_t *salt_len, unsigned char hash[32])
{
    if (!encoded || strncmp(encoded, SECRET_PIN_HASH_PREFIX, strlen(SECRET_PIN_HASH_PREFIX)) != 0)
        return false;
    const char *p = encoded + strlen(SECRET_PIN_HASH_PREFIX);
    char *end = NULL;
    unsigned long n = strtoul(p, &end, 10);
    if (end == p || *end != '$' || n < SECRET_PIN_MIN_ITERATIONS || n > SECRET_PIN_MAX_ITERATIONS)
        return false;
    const char *salt_hex = end + 1;
    const char *dollar = strchr(salt_hex, '$');
    if (!dollar) return false;
    size_t salt_hex_len = (size_t)(dollar - salt_hex);
    if (salt_hex_len < 16 || salt_hex_len > 2 * 32) return false;
    const char *hash_hex = dollar + 1;
    if (strlen(hash_hex) != 64) return false;
    if (from_hex(salt_hex, salt_hex_len, salt) != 0 || from_hex(hash_hex, 64, hash) != 0)
        return false;
    *iterations = (unsigned)n;
    *salt_len = salt_hex_len / 2;
    return true;
}

int secret_pin_hash(const char *pin, char out[SECRET_PIN_HASH_MAX])
{
    unsigned char salt[SECRET_PIN_SALT_BYTES], hash[32];
    char salt_hex[2 * SECRET_PIN_SALT_BYTES + 1], hash_hex[65];
    if (!pin || RAND_bytes(salt, sizeof salt) != 1) return -1;
    if (PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, sizeof salt, SECRET_PIN_ITERATIONS,
                          EVP_sha256(), sizeof hash, hash) != 1)
        return -1;
    to_hex(salt, sizeof salt, salt_hex);
    to_hex(hash, sizeof hash, hash_hex);
    snprintf(out, SECRET_PIN_HASH_MAX, SECRET_PIN_HASH_PREFIX "%d$%s$%s", SECRET_PIN_ITERATIONS,
             salt_hex, hash_hex);
    OPENSSL_cleanse(hash, sizeof hash);
    return 0;
}

bool secret_is_pin_hash(const char *encoded)
{
    unsigned iterations;
    unsigned char salt[32], hash[32];
    size_t salt_len;
    return parse_pin_hash(encoded, &iterations, salt, &salt_len, hash);
}

bool secret_pin_verify(const char *pin, const char *encoded)
{
    unsigned iterations;
    unsigned char salt[32], expected[32], actual[32];
    size_t salt_len;
    if (!pin || !parse_pin_hash(encoded, &iterations, salt, &salt_len, expected)) return false;
    if (PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, (int)salt_len, (int)iterations, EVP_sha256(),
                          sizeof actual, actual) != 1)
        return false;
    bool equal = CRYPTO_memcmp(actual, expected, sizeof actual) == 0;
    OPENSSL_cleanse(actual, sizeof actual);
    return equal;
}

bool secret_verify(const char *secret, const char *stored)
{
    if (!secret || !stored) return false;
    if (strncmp(stored, SECRET_PIN_HASH_PREFIX, strlen(SECRET_PIN_HASH_PREFIX)) == 0)
        return secret_pin_verify(secret, stored);
    char hash[SECRET_HASH_HEX];
    secret_hash(secret, hash);
    return secret_hash_equal(hash, stored);
}
