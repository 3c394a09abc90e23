/* secret.h - the operator plane's secrets: random tokens (OpenSSL RAND_bytes), their
 * SHA-256 digests (what the store keeps instead of the token) and a constant-time
 * comparison of digests. Pure functions, no state. */
#ifndef HOINGHI_MCU_SECRET_H
#define HOINGHI_MCU_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_TOKEN_BYTES 24                 /* random bytes in a token */
#define SECRET_TOKEN_MAX 64                   /* prefix + hex + NUL fits */
#define SECRET_HASH_HEX 65                    /* 64 hex digits + NUL */

/* Writes `prefix` followed by 48 random hex digits into out (SECRET_TOKEN_MAX bytes).
 * Returns 0, or -1 when the random generator fails. */
int secret_new_token(const char *prefix, char out[SECRET_TOKEN_MAX]);

/* SHA-256 of `text` as 64 lower-case hex digits. */
void secret_hash(const char *text, char out[SECRET_HASH_HEX]);

/* True when two hex digests are equal; constant time in their content. */
bool secret_hash_equal(const char *a, const char *b);

#endif
