/* dtls_identity.h - the server's DTLS certificate: an ECDSA P-256 key and a self-signed
 * X.509 certificate (CN "hoinghi"), kept under the state directory so that mcud keeps
 * one fingerprint across restarts, and its SHA-256 fingerprint for SDP a=fingerprint.
 *
 * Files: STATE_DIR/dtls-key.pem (PKCS#8 PEM, mode 0600) and
 *        STATE_DIR/dtls-certificate.pem (PEM, mode 0644).
 * The certificate is valid DTLS_IDENTITY_VALID_DAYS days from creation (notBefore is
 * backdated one day for clock skew). At load, a pair that is missing, unreadable as
 * PEM, not P-256, mismatched (key does not belong to the certificate), expired or
 * expiring within DTLS_IDENTITY_RENEW_DAYS days is replaced by a fresh one. WebRTC
 * peers pin the fingerprint from SDP and do not check validity dates, so a renewal
 * only changes the fingerprint that later SDP answers carry.
 *
 * Files are written atomically (temporary file in the same directory, fsync, rename),
 * key file created 0600; the state directory is created (0700) when missing.
 *
 * An identity is immutable after creation and may be shared by any number of
 * dtls_transports and threads; each transport takes its own references to the key and
 * certificate, so the identity may be freed before them. */
#ifndef HOINGHI_MCU_DTLS_IDENTITY_H
#define HOINGHI_MCU_DTLS_IDENTITY_H

#include <stddef.h>
#include <openssl/types.h>

#define DTLS_IDENTITY_VALID_DAYS  365
#define DTLS_IDENTITY_RENEW_DAYS  30
#define DTLS_IDENTITY_COMMON_NAME "hoinghi"
#define DTLS_IDENTITY_KEY_FILE    "dtls-key.pem"
#define DTLS_IDENTITY_CERT_FILE   "dtls-certificate.pem"
/* The hash named in a=fingerprint for dtls_identity_fingerprint(). */
#define DTLS_IDENTITY_FINGERPRINT_HASH "sha-256"
/* "AB:CD:..." for SHA-256: 32 pairs, 31 colons, NUL. */
#define DTLS_IDENTITY_FINGERPRINT_SIZE 96

struct dtls_identity;

/* Loads the pair from `state_dir`, or creates and stores a new one (see above).
 * Returns NULL with a message in `err` when the directory or files cannot be
 * created, read or written (e.g. permission denied). */
struct dtls_identity *dtls_identity_load_or_create(const char *state_dir, char *err, size_t errlen);

/* A fresh in-memory identity that is never written anywhere (tests, clients). */
struct dtls_identity *dtls_identity_generate(char *err, size_t errlen);

/* SHA-256 fingerprint of the certificate's DER: uppercase hex pairs joined by ':',
 * the SDP form (a=fingerprint:sha-256 <this>). Owned by the identity. */
const char *dtls_identity_fingerprint(const struct dtls_identity *id);

/* Borrowed pointers, valid while the identity lives; take a reference
 * (X509_up_ref / EVP_PKEY_up_ref) to keep them longer. */
X509 *dtls_identity_certificate(const struct dtls_identity *id);
EVP_PKEY *dtls_identity_private_key(const struct dtls_identity *id);

/* NULL is allowed. */
void dtls_identity_free(struct dtls_identity *id);

#endif
