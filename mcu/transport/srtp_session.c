/* srtp_session.c - SRTP/SRTCP protect and unprotect for one DTLS-SRTP association on
 * libsrtp2: one libsrtp context per direction. See srtp_session.h for the contract. */
#include "mcu/transport/srtp_session.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "mcu/core/mcu_error.h"

static_assert(SRTP_SESSION_MAX_TRAILER >= SRTP_MAX_TRAILER_LEN + 4,
              "SRTP_SESSION_MAX_TRAILER must cover libsrtp's SRTCP trailer");

/* RTP fixed header; RTCP header plus sender SSRC. */
#define RTP_MIN_LEN  12
#define RTCP_MIN_LEN 8

struct srtp_session_counters {
    atomic_uint_fast64_t protected_rtp, protected_rtcp;
    atomic_uint_fast64_t unprotected_rtp, unprotected_rtcp;
    atomic_uint_fast64_t auth_failures, replays, bad_length, other_failures;
};

struct srtp_session {
    srtp_t outbound; /* local key, ssrc_any_outbound */
    srtp_t inbound;  /* remote key, ssrc_any_inbound */
    enum dtls_srtp_profile profile;
    struct srtp_session_counters counters;
};

/* libsrtp2's one-time global init (cipher and auth tables). */
static pthread_once_t srtp_library_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t srtp_library_status = srtp_err_status_fail;

static void srtp_library_init(void) { srtp_library_status = srtp_init(); }

static void count(atomic_uint_fast64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static uint64_t read_counter(const atomic_uint_fast64_t *counter)
{
    return atomic_load_explicit(counter, memory_order_relaxed);
}

static void count_failure(struct srtp_session *s, srtp_err_status_t status)
{
    switch (status) {
    case srtp_err_status_auth_fail: count(&s->counters.auth_failures); break;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: count(&s->counters.replays); break;
    case srtp_err_status_bad_param: count(&s->counters.bad_length); break;
    default: count(&s->counters.other_failures); break;
    }
}

/* Fills one direction's policy; `key` holds master key then salt. */
static int fill_policy(srtp_policy_t *policy, enum dtls_srtp_profile profile,
                       srtp_ssrc_type_t ssrc_type, unsigned char *key)
{
    memset(policy, 0, sizeof *policy);
    switch (profile) {
    case DTLS_SRTP_PROFILE_AES128_CM_SHA1_80:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
        break;
    case DTLS_SRTP_PROFILE_AEAD_AES_128_GCM:
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtcp);
        break;
    default: return -1;
    }
    policy->ssrc.type = ssrc_type;
    policy->key = key;
    policy->window_size = SRTP_SESSION_REPLAY_WINDOW;
    policy->allow_repeat_tx = 1;
    policy->next = NULL;
    return 0;
}

/* Creates one direction's context. Returns 0 or -1. */
static int create_context(srtp_t *out, enum dtls_srtp_profile profile, srtp_ssrc_type_t type,
                          const uint8_t *master_key, const uint8_t *master_salt, size_t key_len,
                          size_t salt_len, char *err, size_t errlen)
{
    unsigned char key[DTLS_SRTP_MAX_MASTER_KEY_LEN + DTLS_SRTP_MAX_MASTER_SALT_LEN];
    memcpy(key, master_key, key_len);
    memcpy(key + key_len, master_salt, salt_len);
    srtp_policy_t policy;
    int rc = -1;
    if (fill_policy(&policy, profile, type, key) < 0) {
        mcu_error_set(err, errlen, "unsupported SRTP profile");
    } else {
        srtp_err_status_t status = srtp_create(out, &policy); /* copies the key */
        if (status == srtp_err_status_ok)
            rc = 0;
        else
            mcu_error_set(err, errlen, "srtp_create failed (libsrtp error %d)", (int)status);
    }
    explicit_bzero(key, sizeof key);
    return rc;
}

struct srtp_session *srtp_session_new(const struct dtls_srtp_keys *keys, char *err, size_t errlen)
{
    pthread_once(&srtp_library_once, srtp_library_init);
    if (srtp_library_status != srtp_err_status_ok) {
        mcu_error_set(err, errlen, "srtp_init failed (libsrtp error %d)", (int)srtp_library_status);
        return NULL;
    }
    if (!keys) {
        mcu_error_set(err, errlen, "no keys");
        return NULL;
    }
    size_t want_salt;
    switch (keys->profile) {
    case DTLS_SRTP_PROFILE_AES128_CM_SHA1_80: want_salt = 14; break;
    case DTLS_SRTP_PROFILE_AEAD_AES_128_GCM: want_salt = 12; break;
    default: mcu_error_set(err, errlen, "no SRTP profile"); return NULL;
    }
    if (keys->master_key_len != 16 || keys->master_salt_len != want_salt) {
        mcu_error_set(err, errlen, "key/salt lengths %zu/%zu do not fit the profile",
                      keys->master_key_len, keys->master_salt_len);
        return NULL;
    }
    struct srtp_session *s = calloc(1, sizeof *s);
    if (!s) {
        mcu_error_set(err, errlen, "out of memory");
        return NULL;
    }
    s->profile = keys->profile;
    if (create_context(&s->outbound, keys->profile, ssrc_any_outbound, keys->local_master_key,
                       keys->local_master_salt, keys->master_key_len, keys->master_salt_len, err,
                       errlen) < 0 ||
        create_context(&s->inbound, keys->profile, ssrc_any_inbound, keys->remote_master_key,
                       keys->remote_master_salt, keys->master_key_len, keys->master_salt_len, err,
                       errlen) < 0) {
        srtp_session_free(s);
        return NULL;
    }
    return s;
}

void srtp_session_free(struct srtp_session *s)
{
    if (!s) return;
    if (s->outbound) srtp_dealloc(s->outbound);
    if (s->inbound) srtp_dealloc(s->inbound);
    free(s);
}

typedef srtp_err_status_t (*srtp_transform_fn)(srtp_t, void *, int *);

/* Protects `*len` bytes in place when there is room for the trailer. */
static int protect(struct srtp_session *s, srtp_transform_fn fn, size_t min_len, uint8_t *buf,
                   size_t *len, size_t cap, atomic_uint_fast64_t *ok_counter)
{
    if (!buf || !len || *len < min_len || cap < *len || cap - *len < SRTP_SESSION_MAX_TRAILER ||
        *len > INT_MAX - SRTP_SESSION_MAX_TRAILER) {
        count(&s->counters.bad_length);
        return -1;
    }
    int n = (int)*len;
    srtp_err_status_t status = fn(s->outbound, buf, &n);
    if (status != srtp_err_status_ok) {
        count_failure(s, status);
        return -1;
    }
    *len = (size_t)n;
    count(ok_counter);
    return 0;
}

static int unprotect(struct srtp_session *s, srtp_transform_fn fn, size_t min_len, uint8_t *buf,
                     size_t *len, atomic_uint_fast64_t *ok_counter)
{
    if (!buf || !len || *len < min_len || *len > INT_MAX) {
        count(&s->counters.bad_length);
        return -1;
    }
    int n = (int)*len;
    srtp_err_status_t status = fn(s->inbound, buf, &n);
    if (status != srtp_err_status_ok) {
        count_failure(s, status);
        return -1;
    }
    *len = (size_t)n;
    count(ok_counter);
    return 0;
}

int srtp_session_protect_rtp(struct srtp_session *s, uint8_t *buf, size_t *len, size_t cap)
{
    return protect(s, srtp_protect, RTP_MIN_LEN, buf, len, cap, &s->counters.protected_rtp);
}

int srtp_session_protect_rtcp(struct srtp_session *s, uint8_t *buf, size_t *len, size_t cap)
{
    return protect(s, srtp_protect_rtcp, RTCP_MIN_LEN, buf, len, cap, &s->counters.protected_rtcp);
}

int srtp_session_unprotect_rtp(struct srtp_session *s, uint8_t *buf, size_t *len)
{
    return unprotect(s, srtp_unprotect, RTP_MIN_LEN, buf, len, &s->counters.unprotected_rtp);
}

int srtp_session_unprotect_rtcp(struct srtp_session *s, uint8_t *buf, size_t *len)
{
    return unprotect(s, srtp_unprotect_rtcp, RTCP_MIN_LEN, buf, len, &s->counters.unprotected_rtcp);
}

void srtp_session_get_stats(const struct srtp_session *s, struct srtp_session_stats *out)
{
    out->protected_rtp = read_counter(&s->counters.protected_rtp);
    out->protected_rtcp = read_counter(&s->counters.protected_rtcp);
    out->unprotected_rtp = read_counter(&s->counters.unprotected_rtp);
    out->unprotected_rtcp = read_counter(&s->counters.unprotected_rtcp);
    out->auth_failures = read_counter(&s->counters.auth_failures);
    out->replays = read_counter(&s->counters.replays);
    out->bad_length = read_counter(&s->counters.bad_length);
    out->other_failures = read_counter(&s->counters.other_failures);
}
