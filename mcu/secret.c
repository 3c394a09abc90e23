/* secret.c - random tokens, SHA-256 digests, constant-time compare; see secret.h. */
#include "mcu/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
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
        memset(out, '0', SECRET_HASH_HEX - 1);   /* never matches a real digest's input */
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
