/* secret.h - mcud's secrets: random tokens (OpenSSL RAND_bytes), their SHA-256 digests
 * (what the store keeps instead of the token), a constant-time comparison of digests,
 * and PIN hashes. Pure functions, no state.
 *
 * Tokens are random (192 bits), so one SHA-256 is enough to keep them out of the store.
 * PINs are a few digits, so they are hashed with a salted, slow KDF instead:
 * PBKDF2-HMAC-SHA256 (OpenSSL), 16 random salt bytes per PIN, encoded as
 *   pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX
 * The iteration count travels in the string, so a stored hash keeps working when the
 * default changes. */
#ifndef HOINGHI_MCU_SECRET_H
#define HOINGHI_MCU_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_TOKEN_BYTES 24 /* random bytes in a token */
#define SECRET_TOKEN_MAX   64 /* prefix + hex + NUL fits */
#define SECRET_HASH_HEX    65 /* 64 hex digits + NUL */

/* Writes `prefix` followed by 48 random hex digits into out (SECRET_TOKEN_MAX bytes).
 * Returns 0, or -1 when the random generator fails. */
int secret_new_token(const char *prefix, char out[SECRET_TOKEN_MAX]);

/* SHA-256 of `text` as 64 lower-case hex digits. */
void secret_hash(const char *text, char out[SECRET_HASH_HEX]);

/* True when two hex digests are equal; constant time in their content. */
bool secret_hash_equal(const char *a, const char *b);

#define SECRET_PIN_HASH_PREFIX    "pbkdf2-sha256$"
#define SECRET_PIN_ITERATIONS     20000 /* about 15 ms per check on one core */
#define SECRET_PIN_MIN_ITERATIONS 1000
#define SECRET_PIN_MAX_ITERATIONS 10000000
#define SECRET_PIN_SALT_BYTES     16
#define SECRET_PIN_HASH_MAX       160 /* an encoded PIN hash + NUL fits */

/* Hashes `pin` with a new random salt into out (SECRET_PIN_HASH_MAX bytes), encoded as
 * above. Returns 0, or -1 when the random generator or the KDF fails. */
int secret_pin_hash(const char *pin, char out[SECRET_PIN_HASH_MAX]);

/* True when `encoded` is a well-formed PIN hash (prefix, iterations in range, salt
 * and a 32-byte hash in hex). */
bool secret_is_pin_hash(const char *encoded);

/* True when `pin` hashes to `encoded` (a PIN hash); the final comparison is constant
 * time. False for a malformed `encoded` or a NULL pin. Costs the KDF's time. */
bool secret_pin_verify(const char *pin, const char *encoded);

/* True when `secret` matches `stored`: a PIN hash (checked as above) or a SHA-256 hex
 * digest of a token (hashed and compared in constant time). */
bool secret_verify(const char *secret, const char *stored);

#endif
