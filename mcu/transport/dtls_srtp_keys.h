/* dtls_srtp_keys.h - SRTP keying material as exported by a DTLS-SRTP handshake
 * (RFC 5764 section 4.2): the negotiated protection profile and one master key + salt
 * per direction. Produced by dtls_transport_srtp_keys(), consumed by srtp_session_new().
 *
 * "local" protects what this endpoint sends, "remote" unprotects what it receives.
 * The struct holds secrets: whoever fills one wipes it (explicit_bzero) when done. */
#ifndef HOINGHI_MCU_DTLS_SRTP_KEYS_H
#define HOINGHI_MCU_DTLS_SRTP_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum dtls_srtp_profile {
    DTLS_SRTP_PROFILE_NONE = 0,
    DTLS_SRTP_PROFILE_AES128_CM_SHA1_80, /* RFC 5764, id 0x0001: key 16, salt 14 */
    DTLS_SRTP_PROFILE_AEAD_AES_128_GCM,  /* RFC 7714, id 0x0007: key 16, salt 12 */
};

#define DTLS_SRTP_MAX_MASTER_KEY_LEN  32
#define DTLS_SRTP_MAX_MASTER_SALT_LEN 14

struct dtls_srtp_keys {
    enum dtls_srtp_profile profile;
    size_t master_key_len;
    size_t master_salt_len;
    uint8_t local_master_key[DTLS_SRTP_MAX_MASTER_KEY_LEN];
    uint8_t local_master_salt[DTLS_SRTP_MAX_MASTER_SALT_LEN];
    uint8_t remote_master_key[DTLS_SRTP_MAX_MASTER_KEY_LEN];
    uint8_t remote_master_salt[DTLS_SRTP_MAX_MASTER_SALT_LEN];
};

#endif
