/* dtls_transport.c - a DTLS 1.2 endpoint for DTLS-SRTP on OpenSSL, driven by the owner
 * with datagrams in and datagrams out. See dtls_transport.h for the contract.
 *
 * OpenSSL talks to a small BIO of our own that keeps datagram boundaries: a read
 * returns the one datagram being handled, each write becomes one queued outgoing
 * datagram. During the handshake OpenSSL packs a flight's records into datagrams of
 * at most the MTU and flushes each as one write; a memory BIO would lose those
 * boundaries. */
#include "mcu/transport/dtls_transport.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mcu/core/mcu_error.h"

#define SRTP_PROFILES_DEFAULT "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"
#define CIPHERS                                                    \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"   \
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"
#define GROUPS            "X25519:P-256:P-384"
#define EXPORTER_LABEL    "EXTRACTOR-dtls_srtp"
#define RECORD_HEADER_LEN 13
#define REASON_SIZE       256

struct outgoing_datagram {
    struct outgoing_datagram *next;
    size_t len;
    uint8_t data[];
};

struct dtls_transport {
    enum dtls_role role;
    enum dtls_state state;
    SSL_CTX *ctx;
    SSL *ssl; /* owns the BIO */

    const EVP_MD *remote_md; /* digest named by the peer's a=fingerprint */
    uint8_t remote_digest[EVP_MAX_MD_SIZE];
    unsigned int remote_digest_len;
    char remote_hash_name[16];
    bool peer_verified; /* set by verify_peer_certificate() */
    unsigned int max_retransmits;

    enum dtls_srtp_profile profile; /* set when CONNECTED */

    /* The datagram being handed to OpenSSL by handle_datagram(), read once. */
    const uint8_t *in_data;
    size_t in_len;

    struct outgoing_datagram *out_head, *out_tail;
    size_t out_count;

    struct dtls_transport_stats stats;
    char reason[REASON_SIZE];
};

/* --- helpers --- */

static void set_reason(struct dtls_transport *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keeps the first reason: it is the cause, later ones are consequences. */
static void set_reason(struct dtls_transport *t, const char *fmt, ...)
{
    if (t->reason[0] != '\0') return;
    va_list ap;
    va_start(ap, fmt);
    mcu_error_vset(t->reason, sizeof t->reason, fmt, ap);
    va_end(ap);
}

/* Enters FAILED with the OpenSSL error queue's last entry as reason (unless a reason
 * was already set, e.g. by the fingerprint check). Clears the queue. */
static void fail_from_openssl(struct dtls_transport *t, const char *what)
{
    unsigned long code = ERR_peek_last_error();
    char buf[200];
    if (code != 0)
        ERR_error_string_n(code, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "no OpenSSL error");
    set_reason(t, "%s: %s", what, buf);
    ERR_clear_error();
    t->state = DTLS_STATE_FAILED;
}

bool dtls_is_dtls_record(const uint8_t *data, size_t len)
{
    return data && len > 0 && data[0] >= 20 && data[0] <= 63;
}

/* True when `data` is a sequence of well-framed DTLS 1.0/1.2 records. */
static bool records_well_framed(const uint8_t *data, size_t len)
{
    size_t off = 0;
    if (len < RECORD_HEADER_LEN) return false;
    while (off < len) {
        if (len - off < RECORD_HEADER_LEN) return false;
        const uint8_t *r = data + off;
        uint8_t type = r[0];
        if (type < 20 || type > 23) /* CCS, alert, handshake, app data */
            return false;
        if (r[1] != 0xfe || (r[2] != 0xff && r[2] != 0xfd)) return false;
        size_t body = ((size_t)r[11] << 8) | r[12];
        if (body > len - off - RECORD_HEADER_LEN) return false;
        off += RECORD_HEADER_LEN + body;
    }
    return true;
}

const char *dtls_srtp_profile_name(enum dtls_srtp_profile profile)
{
    switch (profile) {
    case DTLS_SRTP_PROFILE_AES128_CM_SHA1_80: return "AES128_CM_SHA1_80";
    case DTLS_SRTP_PROFILE_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
    case DTLS_SRTP_PROFILE_NONE: break;
    }
    return "none";
}

/* OpenSSL's name for a profile, NULL for none/unknown. */
static const char *openssl_profile_name(enum dtls_srtp_profile profile)
{
    switch (profile) {
    case DTLS_SRTP_PROFILE_AES128_CM_SHA1_80: return "SRTP_AES128_CM_SHA1_80";
    case DTLS_SRTP_PROFILE_AEAD_AES_128_GCM: return "SRTP_AEAD_AES_128_GCM";
    case DTLS_SRTP_PROFILE_NONE: break;
    }
    return NULL;
}

static enum dtls_srtp_profile profile_from_id(unsigned long id)
{
    if (id == SRTP_AES128_CM_SHA1_80) return DTLS_SRTP_PROFILE_AES128_CM_SHA1_80;
    if (id == SRTP_AEAD_AES_128_GCM) return DTLS_SRTP_PROFILE_AEAD_AES_128_GCM;
    return DTLS_SRTP_PROFILE_NONE;
}

static void profile_lengths(enum dtls_srtp_profile profile, size_t *key_len, size_t *salt_len)
{
    *key_len = 16;
    *salt_len = profile == DTLS_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14;
}

static const EVP_MD *md_from_hash_name(const char *name)
{
    if (!name) return NULL;
    if (strcasecmp(name, "sha-1") == 0) return EVP_sha1();
    if (strcasecmp(name, "sha-256") == 0) return EVP_sha256();
    if (strcasecmp(name, "sha-384") == 0) return EVP_sha384();
    if (strcasecmp(name, "sha-512") == 0) return EVP_sha512();
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses "AB:cd:..." into exactly `want` bytes. Returns 0 or -1. */
static int parse_fingerprint(const char *text, uint8_t *out, size_t want)
{
    if (!text) return -1;
    size_t n = 0;
    const char *p = text;
    for (;;) {
        int hi = hex_value(p[0]);
        int lo = hi < 0 ? -1 : hex_value(p[1]);
        if (lo < 0 || n == want) return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        p += 2;
        if (*p == '\0') break;
        if (*p != ':') return -1;
        p++;
    }
    return n == want ? 0 : -1;
}

static void format_fingerprint(const uint8_t *md, unsigned int len, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (unsigned int i = 0; i < len && o + 4 <= cap; i++) {
        if (i > 0) out[o++] = ':';
        out[o++] = hex[md[i] >> 4];
        out[o++] = hex[md[i] & 0xf];
    }
    if (cap > 0) out[o < cap ? o : cap - 1] = '\0';
}

/* --- the datagram BIO --- */

static void queue_outgoing(struct dtls_transport *t, const void *data, size_t len)
{
    if (t->out_count >= DTLS_TRANSPORT_MAX_QUEUED) {
        t->stats.datagrams_dropped++;
        return;
    }
    struct outgoing_datagram *d = malloc(sizeof *d + len);
    if (!d) {
        t->stats.datagrams_dropped++;
        return;
    }
    d->next = NULL;
    d->len = len;
    memcpy(d->data, data, len);
    if (t->out_tail)
        t->out_tail->next = d;
    else
        t->out_head = d;
    t->out_tail = d;
    t->out_count++;
}

static int datagram_bio_write(BIO *bio, const char *data, int len)
{
    struct dtls_transport *t = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (!t || len < 0) return -1;
    /* Like UDP: a datagram that cannot be queued is lost, not an error. */
    queue_outgoing(t, data, (size_t)len);
    return len;
}

static int datagram_bio_read(BIO *bio, char *buf, int cap)
{
    struct dtls_transport *t = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (!t || !t->in_data || cap <= 0) {
        BIO_set_retry_read(bio);
        return -1;
    }
    size_t n = t->in_len < (size_t)cap ? t->in_len : (size_t)cap;
    memcpy(buf, t->in_data, n);
    t->in_data = NULL; /* one datagram, read once; excess is truncated */
    t->in_len = 0;
    return (int)n;
}

static long datagram_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    (void)bio;
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU: return DTLS_TRANSPORT_MTU;
    default: return 0; /* no MTU overhead, nothing pending, no peer address */
    }
}

static int datagram_bio_create(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

static int datagram_bio_destroy(BIO *bio)
{
    BIO_set_data(bio, NULL);
    return 1;
}

/* One immutable method table for the whole process, made once. */
static pthread_once_t datagram_bio_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *datagram_bio_method;

static void datagram_bio_method_init(void)
{
    int index = BIO_get_new_index();
    if (index < 0) return;
    BIO_METHOD *m = BIO_meth_new(index | BIO_TYPE_SOURCE_SINK, "hoinghi datagram");
    if (!m) return;
    if (!BIO_meth_set_write(m, datagram_bio_write) || !BIO_meth_set_read(m, datagram_bio_read) ||
        !BIO_meth_set_ctrl(m, datagram_bio_ctrl) || !BIO_meth_set_create(m, datagram_bio_create) ||
        !BIO_meth_set_destroy(m, datagram_bio_destroy)) {
        BIO_meth_free(m);
        return;
    }
    datagram_bio_method = m;
}

static BIO *datagram_bio_new(struct dtls_transport *t)
{
    pthread_once(&datagram_bio_once, datagram_bio_method_init);
    if (!datagram_bio_method) return NULL;
    BIO *bio = BIO_new(datagram_bio_method);
    if (bio) BIO_set_data(bio, t);
    return bio;
}

/* --- OpenSSL callbacks --- */

/* Replaces chain verification: WebRTC certificates are self-signed; what makes the
 * peer trusted is that its certificate matches the fingerprint signalled in SDP. */
static int verify_peer_certificate(X509_STORE_CTX *store, void *arg)
{
    struct dtls_transport *t = arg;
    X509 *peer = X509_STORE_CTX_get0_cert(store);
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!peer || !X509_digest(peer, t->remote_md, md, &md_len)) {
        set_reason(t, "peer sent no usable certificate");
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    if (md_len != t->remote_digest_len || CRYPTO_memcmp(md, t->remote_digest, md_len) != 0) {
        char got[EVP_MAX_MD_SIZE * 3];
        format_fingerprint(md, md_len, got, sizeof got);
        set_reason(t, "peer certificate fingerprint %s %s does not match the SDP fingerprint",
                   t->remote_hash_name, got);
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    }
    t->peer_verified = true;
    return 1;
}

/* Retransmission timer: DTLS_TRANSPORT_INITIAL_TIMEOUT_MS, doubled per expiry, capped. */
static unsigned int retransmit_timer(SSL *ssl, unsigned int previous_us)
{
    (void)ssl;
    const unsigned int max_us = DTLS_TRANSPORT_MAX_TIMEOUT_MS * 1000u;
    if (previous_us == 0) return DTLS_TRANSPORT_INITIAL_TIMEOUT_MS * 1000u;
    return previous_us >= max_us / 2 ? max_us : previous_us * 2;
}

/* --- life cycle --- */

static SSL_CTX *make_context(struct dtls_transport *t, const struct dtls_identity *id, char *err,
                             size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    if (!ctx) goto fail;
    int verify = SSL_VERIFY_PEER;
    if (t->role == DTLS_ROLE_SERVER) verify |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) ||
        !SSL_CTX_set_cipher_list(ctx, CIPHERS) || !SSL_CTX_set1_groups_list(ctx, GROUPS) ||
        !SSL_CTX_use_certificate(ctx, dtls_identity_certificate(id)) ||
        !SSL_CTX_use_PrivateKey(ctx, dtls_identity_private_key(id)) ||
        !SSL_CTX_check_private_key(ctx))
        goto fail;
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_verify(ctx, verify, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_peer_certificate, t);
    /* SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
    if (SSL_CTX_set_tlsext_use_srtp(ctx, SRTP_PROFILES_DEFAULT) != 0) goto fail;
    return ctx;
fail : {
    char buf[200] = "unknown OpenSSL error";
    unsigned long code = ERR_peek_last_error();
    if (code) ERR_error_string_n(code, buf, sizeof buf);
    ERR_clear_error();
    mcu_error_set(err, errlen, "cannot set up DTLS context: %s", buf);
    SSL_CTX_free(ctx);
    return NULL;
}
}

struct dtls_transport *dtls_transport_new(const struct dtls_identity *id, enum dtls_role role,
                                          const char *remote_fingerprint_hash,
                                          const char *remote_fingerprint, char *err, size_t errlen)
{
    if (!id || (role != DTLS_ROLE_CLIENT && role != DTLS_ROLE_SERVER)) {
        mcu_error_set(err, errlen, "no identity or bad role");
        return NULL;
    }
    const EVP_MD *md = md_from_hash_name(remote_fingerprint_hash);
    if (!md) {
        mcu_error_set(err, errlen, "unsupported fingerprint hash \"%s\"",
                      remote_fingerprint_hash ? remote_fingerprint_hash : "(null)");
        return NULL;
    }
    struct dtls_transport *t = calloc(1, sizeof *t);
    if (!t) {
        mcu_error_set(err, errlen, "out of memory");
        return NULL;
    }
    t->role = role;
    t->state = DTLS_STATE_NEW;
    t->max_retransmits = DTLS_TRANSPORT_MAX_RETRANSMITS;
    t->remote_md = md;
    t->remote_digest_len = (unsigned int)EVP_MD_get_size(md);
    snprintf(t->remote_hash_name, sizeof t->remote_hash_name, "%s", remote_fingerprint_hash);
    for (char *c = t->remote_hash_name; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    if (parse_fingerprint(remote_fingerprint, t->remote_digest, t->remote_digest_len) < 0) {
        mcu_error_set(err, errlen, "malformed %s fingerprint \"%s\"", t->remote_hash_name,
                      remote_fingerprint ? remote_fingerprint : "(null)");
        free(t);
        return NULL;
    }
    t->ctx = make_context(t, id, err, errlen);
    if (!t->ctx) {
        free(t);
        return NULL;
    }
    t->ssl = SSL_new(t->ctx);
    BIO *bio = t->ssl ? datagram_bio_new(t) : NULL;
    if (!bio) {
        ERR_clear_error();
        mcu_error_set(err, errlen, "cannot create DTLS session");
        dtls_transport_free(t);
        return NULL;
    }
    SSL_set_bio(t->ssl, bio, bio); /* one reference, now owned by ssl */
    if (!SSL_set_mtu(t->ssl, DTLS_TRANSPORT_MTU)) {
        ERR_clear_error();
        mcu_error_set(err, errlen, "cannot set DTLS MTU");
        dtls_transport_free(t);
        return NULL;
    }
    DTLS_set_timer_cb(t->ssl, retransmit_timer);
    if (role == DTLS_ROLE_CLIENT)
        SSL_set_connect_state(t->ssl);
    else
        SSL_set_accept_state(t->ssl);
    return t;
}

int dtls_transport_set_srtp_profiles(struct dtls_transport *t,
                                     const enum dtls_srtp_profile *profiles, size_t count)
{
    if (t->state != DTLS_STATE_NEW || !profiles || count == 0 || count > 4) return -1;
    char list[128] = "";
    for (size_t i = 0; i < count; i++) {
        const char *name = openssl_profile_name(profiles[i]);
        if (!name) return -1;
        if (i > 0) strcat(list, ":");
        strcat(list, name);
    }
    if (SSL_set_tlsext_use_srtp(t->ssl, list) != 0) { /* 0 is success */
        ERR_clear_error();
        return -1;
    }
    return 0;
}

void dtls_transport_free(struct dtls_transport *t)
{
    if (!t) return;
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    struct outgoing_datagram *d = t->out_head;
    while (d) {
        struct outgoing_datagram *next = d->next;
        free(d);
        d = next;
    }
    free(t);
}

/* --- driving the handshake --- */

/* Called when SSL_do_handshake() returned 1. */
static void handshake_done(struct dtls_transport *t)
{
    if (!t->peer_verified || !SSL_get0_peer_certificate(t->ssl)) {
        set_reason(t, "handshake ended without a verified peer certificate");
        t->state = DTLS_STATE_FAILED;
        return;
    }
    SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(t->ssl);
    t->profile = p ? profile_from_id(p->id) : DTLS_SRTP_PROFILE_NONE;
    if (t->profile == DTLS_SRTP_PROFILE_NONE) {
        set_reason(t, "peer negotiated no supported SRTP profile (use_srtp)");
        t->state = DTLS_STATE_FAILED;
        SSL_shutdown(t->ssl); /* tell the peer rather than leave it hanging */
        ERR_clear_error();
        return;
    }
    t->state = DTLS_STATE_CONNECTED;
}

/* Runs the handshake as far as it goes. Returns 0, or -1 when it failed. */
static int drive_handshake(struct dtls_transport *t)
{
    ERR_clear_error();
    int r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        handshake_done(t);
        return t->state == DTLS_STATE_CONNECTED ? 0 : -1;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();
        return 0;
    }
    fail_from_openssl(t, "DTLS handshake failed");
    return -1;
}

/* After the handshake: consumes alerts, close_notify and (ignored) application data.
 * Returns 0, or -1 when the connection failed. */
static int drive_connected(struct dtls_transport *t)
{
    uint8_t buf[2048];
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, buf, sizeof buf);
        if (r > 0) {
            t->stats.app_data_ignored++;
            continue;
        }
        int e = SSL_get_error(t->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            ERR_clear_error();
            return 0;
        }
        if (e == SSL_ERROR_ZERO_RETURN) {
            set_reason(t, "closed by peer (close_notify)");
            t->state = DTLS_STATE_CLOSED;
            SSL_shutdown(t->ssl); /* answer with our close_notify */
            ERR_clear_error();
            return 0;
        }
        fail_from_openssl(t, "DTLS connection failed");
        return -1;
    }
}

int dtls_transport_start(struct dtls_transport *t)
{
    if (t->state != DTLS_STATE_NEW) return -1;
    t->state = DTLS_STATE_CONNECTING;
    if (t->role == DTLS_ROLE_SERVER) return 0;
    return drive_handshake(t);
}

int dtls_transport_handle_datagram(struct dtls_transport *t, const uint8_t *data, size_t len)
{
    t->stats.datagrams_received++;
    if (t->state == DTLS_STATE_NEW && t->role == DTLS_ROLE_SERVER) t->state = DTLS_STATE_CONNECTING;
    bool usable_state = t->state == DTLS_STATE_CONNECTING || t->state == DTLS_STATE_CONNECTED;
    if (!usable_state || !data || len > DTLS_TRANSPORT_MAX_DATAGRAM ||
        !dtls_is_dtls_record(data, len) || !records_well_framed(data, len)) {
        t->stats.datagrams_rejected++;
        return -1;
    }
    t->in_data = data;
    t->in_len = len;
    int rc;
    if (t->state == DTLS_STATE_CONNECTING) {
        rc = drive_handshake(t);
        /* Records that followed the last handshake message in the same datagram. */
        if (rc == 0 && t->state == DTLS_STATE_CONNECTED) rc = drive_connected(t);
    } else {
        rc = drive_connected(t);
    }
    t->in_data = NULL; /* never keep the caller's pointer */
    t->in_len = 0;
    if (rc < 0) t->stats.datagrams_rejected++;
    return rc;
}

size_t dtls_transport_pop_outgoing(struct dtls_transport *t, uint8_t *buf, size_t cap)
{
    while (t->out_head) {
        struct outgoing_datagram *d = t->out_head;
        t->out_head = d->next;
        if (!t->out_head) t->out_tail = NULL;
        t->out_count--;
        size_t len = d->len;
        bool fits = buf && len <= cap;
        if (fits) memcpy(buf, d->data, len);
        free(d);
        if (fits) {
            t->stats.datagrams_sent++;
            return len;
        }
        t->stats.datagrams_dropped++;
    }
    return 0;
}

int64_t dtls_transport_timeout_ms(const struct dtls_transport *t)
{
    if (t->state != DTLS_STATE_CONNECTING && t->state != DTLS_STATE_CONNECTED) return -1;
    struct timeval tv;
    if (DTLSv1_get_timeout(t->ssl, &tv) != 1) return -1;
    return (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
}

void dtls_transport_handle_timeout(struct dtls_transport *t)
{
    if (t->state != DTLS_STATE_CONNECTING && t->state != DTLS_STATE_CONNECTED) return;
    if (t->state == DTLS_STATE_CONNECTING && dtls_transport_timeout_ms(t) == 0 &&
        t->stats.retransmits >= t->max_retransmits) {
        set_reason(t, "handshake timed out after %u retransmissions", t->max_retransmits);
        t->state = DTLS_STATE_FAILED;
        return;
    }
    ERR_clear_error();
    int r = DTLSv1_handle_timeout(t->ssl);
    if (r < 0) {
        fail_from_openssl(t, "DTLS retransmission failed");
        return;
    }
    ERR_clear_error();
    if (r == 0) return;
    t->stats.retransmits++;
}

void dtls_transport_set_max_retransmits(struct dtls_transport *t, unsigned int max)
{
    t->max_retransmits = max > 0 ? max : 1;
}

enum dtls_state dtls_transport_state(const struct dtls_transport *t) { return t->state; }

const char *dtls_transport_failure_reason(const struct dtls_transport *t) { return t->reason; }

enum dtls_role dtls_transport_role(const struct dtls_transport *t) { return t->role; }

int dtls_transport_srtp_keys(const struct dtls_transport *t, struct dtls_srtp_keys *out)
{
    memset(out, 0, sizeof *out);
    if (t->state != DTLS_STATE_CONNECTED || t->profile == DTLS_SRTP_PROFILE_NONE) return -1;
    size_t key_len, salt_len;
    profile_lengths(t->profile, &key_len, &salt_len);
    /* RFC 5764 4.2: client key | server key | client salt | server salt. */
    uint8_t material[2 * (DTLS_SRTP_MAX_MASTER_KEY_LEN + DTLS_SRTP_MAX_MASTER_SALT_LEN)];
    size_t total = 2 * (key_len + salt_len);
    ERR_clear_error();
    if (SSL_export_keying_material(t->ssl, material, total, EXPORTER_LABEL, strlen(EXPORTER_LABEL),
                                   NULL, 0, 0) != 1) {
        ERR_clear_error();
        OPENSSL_cleanse(material, sizeof material);
        return -1;
    }
    const uint8_t *client_key = material;
    const uint8_t *server_key = material + key_len;
    const uint8_t *client_salt = material + 2 * key_len;
    const uint8_t *server_salt = material + 2 * key_len + salt_len;
    bool client = t->role == DTLS_ROLE_CLIENT;
    out->profile = t->profile;
    out->master_key_len = key_len;
    out->master_salt_len = salt_len;
    memcpy(out->local_master_key, client ? client_key : server_key, key_len);
    memcpy(out->local_master_salt, client ? client_salt : server_salt, salt_len);
    memcpy(out->remote_master_key, client ? server_key : client_key, key_len);
    memcpy(out->remote_master_salt, client ? server_salt : client_salt, salt_len);
    OPENSSL_cleanse(material, sizeof material);
    return 0;
}

void dtls_transport_close(struct dtls_transport *t)
{
    if (t->state == DTLS_STATE_FAILED || t->state == DTLS_STATE_CLOSED) return;
    if (t->state == DTLS_STATE_CONNECTED) {
        ERR_clear_error();
        SSL_shutdown(t->ssl); /* queues close_notify */
        ERR_clear_error();
    }
    set_reason(t, "closed locally");
    t->state = DTLS_STATE_CLOSED;
}

void dtls_transport_get_stats(const struct dtls_transport *t, struct dtls_transport_stats *out)
{
    *out = t->stats;
}
