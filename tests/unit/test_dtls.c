/* test_dtls.c - DTLS identity (mcu/transport/dtls_identity.c) and DTLS-SRTP transport
 * (mcu/transport/dtls_transport.c): a client and a server endpoint in memory, shuttling
 * datagrams between them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mcu/transport/dtls_identity.h"
#include "mcu/transport/dtls_transport.h"

/* --- helpers --- */

static char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/hoinghi-dtls-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    return strdup(dir);
}

static void remove_state_dir(const char *dir)
{
    const char *files[] = {DTLS_IDENTITY_KEY_FILE, DTLS_IDENTITY_CERT_FILE};
    char path[512];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0); /* fails if anything else (a temp file) was left */
}

struct pair {
    struct dtls_identity *client_id, *server_id;
    struct dtls_transport *client, *server;
};

static void pair_make(struct pair *p, const char *client_expects, const char *server_expects)
{
    char err[256] = "";
    p->client_id = dtls_identity_generate(err, sizeof err);
    assert_non_null(p->client_id);
    p->server_id = dtls_identity_generate(err, sizeof err);
    assert_non_null(p->server_id);
    const char *cfp = client_expects ? client_expects : dtls_identity_fingerprint(p->server_id);
    const char *sfp = server_expects ? server_expects : dtls_identity_fingerprint(p->client_id);
    p->client = dtls_transport_new(p->client_id, DTLS_ROLE_CLIENT, "sha-256", cfp, err, sizeof err);
    assert_non_null(p->client);
    p->server = dtls_transport_new(p->server_id, DTLS_ROLE_SERVER, "SHA-256", sfp, err, sizeof err);
    assert_non_null(p->server);
    /* The transports keep their own references: identities may go first. */
    dtls_identity_free(p->client_id);
    dtls_identity_free(p->server_id);
    p->client_id = p->server_id = NULL;
}

static void pair_free(struct pair *p)
{
    dtls_transport_free(p->client);
    dtls_transport_free(p->server);
}

/* Moves every queued datagram from `from` to `to`; returns how many. With
 * `drop_first`, the first one is lost on the way. */
static int shuttle(struct dtls_transport *from, struct dtls_transport *to, bool drop_first)
{
    uint8_t buf[DTLS_TRANSPORT_MTU];
    size_t n;
    int moved = 0;
    while ((n = dtls_transport_pop_outgoing(from, buf, sizeof buf)) > 0) {
        assert_true(n <= DTLS_TRANSPORT_MTU);
        assert_true(dtls_is_dtls_record(buf, n));
        moved++;
        if (drop_first && moved == 1) continue;
        dtls_transport_handle_datagram(to, buf, n);
    }
    return moved;
}

static bool settled(const struct dtls_transport *t)
{
    enum dtls_state s = dtls_transport_state(t);
    return s == DTLS_STATE_CONNECTED || s == DTLS_STATE_FAILED || s == DTLS_STATE_CLOSED;
}

/* Shuttles until both sides settle or nothing moves. */
static void run_handshake(struct pair *p)
{
    for (int round = 0; round < 20; round++) {
        int moved = shuttle(p->client, p->server, false) + shuttle(p->server, p->client, false);
        if (moved == 0 && settled(p->client) && settled(p->server)) return;
        if (moved == 0) return;
    }
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* --- identity --- */

static void test_identity_create_then_reload(void **state)
{
    (void)state;
    char *parent = make_temp_dir();
    char dir[512];
    snprintf(dir, sizeof dir, "%s/state", parent); /* does not exist yet */
    char err[256] = "";

    struct dtls_identity *first = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(first);
    const char *fp = dtls_identity_fingerprint(first);
    assert_int_equal(strlen(fp), DTLS_IDENTITY_FINGERPRINT_SIZE - 1);
    for (size_t i = 0; fp[i]; i++) {
        if (i % 3 == 2)
            assert_int_equal(fp[i], ':');
        else
            assert_true((fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'A' && fp[i] <= 'F'));
    }
    char saved[DTLS_IDENTITY_FINGERPRINT_SIZE];
    strcpy(saved, fp);

    /* The fingerprint is the SHA-256 of the certificate's DER. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    assert_true(X509_digest(dtls_identity_certificate(first), EVP_sha256(), md, &md_len));
    assert_int_equal(md_len, 32);
    char hex[4];
    snprintf(hex, sizeof hex, "%02X", md[31]);
    assert_memory_equal(fp + 93, hex, 2);
    assert_non_null(dtls_identity_private_key(first));

    char key_path[600];
    snprintf(key_path, sizeof key_path, "%s/%s", dir, DTLS_IDENTITY_KEY_FILE);
    struct stat st;
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    struct dtls_identity *again = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(again);
    assert_string_equal(dtls_identity_fingerprint(again), saved);
    dtls_identity_free(again);
    dtls_identity_free(first);

    /* A key file that was loosened is tightened back on load. */
    assert_int_equal(chmod(key_path, 0644), 0);
    again = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(again);
    assert_string_equal(dtls_identity_fingerprint(again), saved);
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    dtls_identity_free(again);

    remove_state_dir(dir);
    assert_int_equal(rmdir(parent), 0);
    free(parent);
}

static void test_identity_corrupt_files_are_replaced(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char err[256] = "";
    struct dtls_identity *first = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(first);
    char saved[DTLS_IDENTITY_FINGERPRINT_SIZE];
    strcpy(saved, dtls_identity_fingerprint(first));
    dtls_identity_free(first);

    char cert_path[600];
    snprintf(cert_path, sizeof cert_path, "%s/%s", dir, DTLS_IDENTITY_CERT_FILE);
    FILE *f = fopen(cert_path, "w");
    assert_non_null(f);
    fputs("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n", f);
    fclose(f);

    struct dtls_identity *fresh = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(fresh);
    assert_string_not_equal(dtls_identity_fingerprint(fresh), saved);
    dtls_identity_free(fresh);
    remove_state_dir(dir);
    free(dir);
}

static void test_identity_expiring_is_renewed(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char err[256] = "";
    struct dtls_identity *first = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(first);
    char saved[DTLS_IDENTITY_FINGERPRINT_SIZE];
    strcpy(saved, dtls_identity_fingerprint(first));

    /* Re-sign the stored certificate with an end date inside the renewal margin. */
    X509 *cert = X509_dup(dtls_identity_certificate(first));
    assert_non_null(cert);
    long days = DTLS_IDENTITY_RENEW_DAYS - 1;
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(cert), days * 24 * 3600));
    assert_true(X509_sign(cert, dtls_identity_private_key(first), EVP_sha256()) > 0);
    char cert_path[600];
    snprintf(cert_path, sizeof cert_path, "%s/%s", dir, DTLS_IDENTITY_CERT_FILE);
    FILE *f = fopen(cert_path, "w");
    assert_non_null(f);
    assert_true(PEM_write_X509(f, cert));
    fclose(f);
    X509_free(cert);
    dtls_identity_free(first);

    struct dtls_identity *renewed = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(renewed);
    assert_string_not_equal(dtls_identity_fingerprint(renewed), saved);
    /* The renewed pair was stored: loading again keeps it. */
    strcpy(saved, dtls_identity_fingerprint(renewed));
    dtls_identity_free(renewed);
    renewed = dtls_identity_load_or_create(dir, err, sizeof err);
    assert_non_null(renewed);
    assert_string_equal(dtls_identity_fingerprint(renewed), saved);
    dtls_identity_free(renewed);
    remove_state_dir(dir);
    free(dir);
}

static void test_identity_unwritable_dir_fails(void **state)
{
    (void)state;
    char err[256] = "";
    /* A regular file where the directory should be. */
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    char sub[700];
    snprintf(sub, sizeof sub, "%s/state", path);
    assert_null(dtls_identity_load_or_create(sub, err, sizeof err));
    assert_true(strlen(err) > 0);
    unlink(path);
    rmdir(dir);
    free(dir);
}

/* --- transport --- */

static void assert_keys_match(struct pair *p, enum dtls_srtp_profile want)
{
    struct dtls_srtp_keys ck, sk;
    assert_int_equal(dtls_transport_srtp_keys(p->client, &ck), 0);
    assert_int_equal(dtls_transport_srtp_keys(p->server, &sk), 0);
    assert_int_equal(ck.profile, want);
    assert_int_equal(sk.profile, want);
    assert_int_equal(ck.master_key_len, 16);
    assert_int_equal(ck.master_salt_len, want == DTLS_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14);
    assert_memory_equal(ck.local_master_key, sk.remote_master_key, ck.master_key_len);
    assert_memory_equal(ck.local_master_salt, sk.remote_master_salt, ck.master_salt_len);
    assert_memory_equal(ck.remote_master_key, sk.local_master_key, ck.master_key_len);
    assert_memory_equal(ck.remote_master_salt, sk.local_master_salt, ck.master_salt_len);
    /* The two directions use different keys. */
    assert_memory_not_equal(ck.local_master_key, ck.remote_master_key, ck.master_key_len);
}

static void test_handshake_connects_and_keys_match(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_NEW);
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_transport_srtp_keys(p.client, &k), -1); /* not yet */
    assert_int_equal(dtls_transport_start(p.server), 0);
    assert_int_equal(dtls_transport_start(p.client), 0);
    assert_int_equal(dtls_transport_start(p.client), -1); /* only once */
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTING);
    assert_true(dtls_transport_timeout_ms(p.client) >= 0);

    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
    assert_string_equal(dtls_transport_failure_reason(p.client), "");
    /* Default preference: GCM first. */
    assert_keys_match(&p, DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);

    struct dtls_transport_stats st;
    dtls_transport_get_stats(p.server, &st);
    assert_true(st.datagrams_received > 0);
    assert_int_equal(st.datagrams_rejected, 0);

    /* Clean close: close_notify reaches the peer, which closes too. */
    dtls_transport_close(p.client);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CLOSED);
    assert_true(shuttle(p.client, p.server, false) > 0);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CLOSED);
    assert_non_null(strstr(dtls_transport_failure_reason(p.server), "close_notify"));
    dtls_transport_close(p.client); /* idempotent */
    pair_free(&p);
}

static void test_handshake_survives_lost_datagram(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    assert_int_equal(dtls_transport_start(p.client), 0);
    /* The ClientHello is lost; the server starts implicitly later. */
    assert_int_equal(shuttle(p.client, p.server, true), 1);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_NEW);
    assert_int_equal(dtls_transport_timeout_ms(p.server), -1);

    int64_t wait = dtls_transport_timeout_ms(p.client);
    assert_true(wait > 0 && wait <= DTLS_TRANSPORT_INITIAL_TIMEOUT_MS);
    struct dtls_transport_stats st;
    dtls_transport_handle_timeout(p.client); /* too early: nothing happens */
    dtls_transport_get_stats(p.client, &st);
    assert_int_equal(st.retransmits, 0);
    assert_int_equal(shuttle(p.client, p.server, false), 0);

    sleep_ms(dtls_transport_timeout_ms(p.client) + 5);
    assert_int_equal(dtls_transport_timeout_ms(p.client), 0);
    dtls_transport_handle_timeout(p.client);
    dtls_transport_get_stats(p.client, &st);
    assert_int_equal(st.retransmits, 1);
    /* The timer backs off. */
    assert_true(dtls_transport_timeout_ms(p.client) > DTLS_TRANSPORT_INITIAL_TIMEOUT_MS);
    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
    assert_keys_match(&p, DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);
    pair_free(&p);
}

static void test_handshake_times_out_without_peer(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    dtls_transport_set_max_retransmits(p.client, 1);
    assert_int_equal(dtls_transport_start(p.client), 0);
    /* Nobody answers: one retransmission, then the next expiry fails the handshake. */
    uint8_t buf[DTLS_TRANSPORT_MTU];
    int expiries = 0;
    while (dtls_transport_state(p.client) == DTLS_STATE_CONNECTING && expiries < 4) {
        while (dtls_transport_pop_outgoing(p.client, buf, sizeof buf) > 0) {
        }
        int64_t ms = dtls_transport_timeout_ms(p.client);
        assert_true(ms >= 0 && ms <= DTLS_TRANSPORT_MAX_TIMEOUT_MS);
        sleep_ms(ms + 2);
        dtls_transport_handle_timeout(p.client);
        expiries++;
    }
    assert_int_equal(expiries, 2);
    struct dtls_transport_stats st;
    dtls_transport_get_stats(p.client, &st);
    assert_int_equal(st.retransmits, 1);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_FAILED);
    assert_non_null(strstr(dtls_transport_failure_reason(p.client), "timed out"));
    assert_int_equal(dtls_transport_timeout_ms(p.client), -1);
    pair_free(&p);
}

static void handshake_with_profiles(enum dtls_srtp_profile client_only,
                                    enum dtls_srtp_profile server_only, bool expect_connected,
                                    enum dtls_srtp_profile want)
{
    struct pair p;
    pair_make(&p, NULL, NULL);
    if (client_only != DTLS_SRTP_PROFILE_NONE)
        assert_int_equal(dtls_transport_set_srtp_profiles(p.client, &client_only, 1), 0);
    if (server_only != DTLS_SRTP_PROFILE_NONE)
        assert_int_equal(dtls_transport_set_srtp_profiles(p.server, &server_only, 1), 0);
    assert_int_equal(dtls_transport_start(p.client), 0);
    run_handshake(&p);
    if (expect_connected) {
        assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
        assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
        assert_keys_match(&p, want);
    } else {
        assert_true(dtls_transport_state(p.client) == DTLS_STATE_FAILED ||
                    dtls_transport_state(p.server) == DTLS_STATE_FAILED);
        assert_int_not_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    }
    pair_free(&p);
}

static void test_both_profiles_negotiate(void **state)
{
    (void)state;
    handshake_with_profiles(DTLS_SRTP_PROFILE_AES128_CM_SHA1_80, DTLS_SRTP_PROFILE_NONE, true,
                            DTLS_SRTP_PROFILE_AES128_CM_SHA1_80);
    handshake_with_profiles(DTLS_SRTP_PROFILE_NONE, DTLS_SRTP_PROFILE_AES128_CM_SHA1_80, true,
                            DTLS_SRTP_PROFILE_AES128_CM_SHA1_80);
    handshake_with_profiles(DTLS_SRTP_PROFILE_AEAD_AES_128_GCM, DTLS_SRTP_PROFILE_NONE, true,
                            DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);
    /* No common profile: no SRTP, no connection. */
    handshake_with_profiles(DTLS_SRTP_PROFILE_AEAD_AES_128_GCM, DTLS_SRTP_PROFILE_AES128_CM_SHA1_80,
                            false, DTLS_SRTP_PROFILE_NONE);
}

static void test_set_profiles_rejects_bad_input(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    enum dtls_srtp_profile none = DTLS_SRTP_PROFILE_NONE;
    enum dtls_srtp_profile bogus = (enum dtls_srtp_profile)99;
    enum dtls_srtp_profile cm = DTLS_SRTP_PROFILE_AES128_CM_SHA1_80;
    assert_int_equal(dtls_transport_set_srtp_profiles(p.client, &none, 1), -1);
    assert_int_equal(dtls_transport_set_srtp_profiles(p.client, &bogus, 1), -1);
    assert_int_equal(dtls_transport_set_srtp_profiles(p.client, &cm, 0), -1);
    assert_int_equal(dtls_transport_start(p.client), 0);
    assert_int_equal(dtls_transport_set_srtp_profiles(p.client, &cm, 1), -1); /* too late */
    pair_free(&p);
}

static void test_wrong_fingerprint_fails(void **state)
{
    (void)state;
    const char *wrong = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    /* The client pins a wrong server fingerprint. */
    struct pair p;
    pair_make(&p, wrong, NULL);
    assert_int_equal(dtls_transport_start(p.client), 0);
    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_FAILED);
    assert_non_null(strstr(dtls_transport_failure_reason(p.client), "does not match"));
    assert_int_not_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_transport_srtp_keys(p.client, &k), -1);
    pair_free(&p);

    /* The server pins a wrong client fingerprint. */
    pair_make(&p, NULL, wrong);
    assert_int_equal(dtls_transport_start(p.client), 0);
    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_FAILED);
    assert_non_null(strstr(dtls_transport_failure_reason(p.server), "does not match"));
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_FAILED); /* got the alert */
    assert_true(strlen(dtls_transport_failure_reason(p.client)) > 0);
    pair_free(&p);
}

static void test_other_fingerprint_hashes(void **state)
{
    (void)state;
    char err[256] = "";
    struct dtls_identity *client_id = dtls_identity_generate(err, sizeof err);
    struct dtls_identity *server_id = dtls_identity_generate(err, sizeof err);
    assert_non_null(client_id);
    assert_non_null(server_id);
    /* The server pins the client with sha-512 (lowercase hex), the client the server
     * with sha-1. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char fp512[EVP_MAX_MD_SIZE * 3], fp1[EVP_MAX_MD_SIZE * 3];
    assert_true(X509_digest(dtls_identity_certificate(client_id), EVP_sha512(), md, &len));
    for (unsigned int i = 0; i < len; i++)
        sprintf(fp512 + 3 * i, i + 1 < len ? "%02x:" : "%02x", md[i]);
    assert_true(X509_digest(dtls_identity_certificate(server_id), EVP_sha1(), md, &len));
    for (unsigned int i = 0; i < len; i++)
        sprintf(fp1 + 3 * i, i + 1 < len ? "%02X:" : "%02X", md[i]);
    struct pair p = {0};
    p.client = dtls_transport_new(client_id, DTLS_ROLE_CLIENT, "sha-1", fp1, err, sizeof err);
    p.server = dtls_transport_new(server_id, DTLS_ROLE_SERVER, "sha-512", fp512, err, sizeof err);
    assert_non_null(p.client);
    assert_non_null(p.server);
    dtls_identity_free(client_id);
    dtls_identity_free(server_id);
    assert_int_equal(dtls_transport_start(p.client), 0);
    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
    pair_free(&p);
}

static void test_new_rejects_bad_fingerprints(void **state)
{
    (void)state;
    char err[256] = "";
    struct dtls_identity *id = dtls_identity_generate(err, sizeof err);
    assert_non_null(id);
    const char *fp = dtls_identity_fingerprint(id);
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "md5", fp, err, sizeof err));
    assert_non_null(strstr(err, "md5"));
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, NULL, fp, err, sizeof err));
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-256", NULL, err, sizeof err));
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-256", "AB:CD", err, sizeof err));
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-1", fp, err, sizeof err));
    char bad[DTLS_IDENTITY_FINGERPRINT_SIZE];
    strcpy(bad, fp);
    bad[4] = 'G';
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-256", bad, err, sizeof err));
    strcpy(bad, fp);
    bad[2] = '-';
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-256", bad, err, sizeof err));
    char longer[DTLS_IDENTITY_FINGERPRINT_SIZE + 3];
    snprintf(longer, sizeof longer, "%s:00", fp);
    assert_null(dtls_transport_new(id, DTLS_ROLE_CLIENT, "sha-256", longer, err, sizeof err));
    dtls_identity_free(id);
}

static void test_garbage_rejected(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    assert_int_equal(dtls_transport_start(p.server), 0);

    uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
    uint8_t rtp[40] = {0x80, 96};
    uint8_t short_record[5] = {22, 0xfe, 0xfd, 0, 0};
    uint8_t bad_version[20] = {22, 0x03, 0x03};
    uint8_t overlong[20] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00};
    uint8_t bad_type[20] = {30, 0xfe, 0xfd};
    assert_false(dtls_is_dtls_record(stun, sizeof stun));
    assert_false(dtls_is_dtls_record(rtp, sizeof rtp));
    assert_false(dtls_is_dtls_record(rtp, 0));
    assert_true(dtls_is_dtls_record(short_record, sizeof short_record));
    assert_int_equal(dtls_transport_handle_datagram(p.server, stun, sizeof stun), -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, rtp, sizeof rtp), -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, short_record, sizeof short_record),
                     -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, bad_version, sizeof bad_version), -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, overlong, sizeof overlong), -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, bad_type, sizeof bad_type), -1);
    assert_int_equal(dtls_transport_handle_datagram(p.server, NULL, 10), -1);
    uint8_t *huge = calloc(1, DTLS_TRANSPORT_MAX_DATAGRAM + 1);
    assert_non_null(huge);
    huge[0] = 22;
    assert_int_equal(
        dtls_transport_handle_datagram(p.server, huge, DTLS_TRANSPORT_MAX_DATAGRAM + 1), -1);
    free(huge);

    /* Well-framed records with random bodies: OpenSSL drops them, nothing breaks. */
    srand(1234);
    uint8_t junk[300];
    for (int i = 0; i < 200; i++) {
        size_t body = (size_t)(rand() % 250);
        junk[0] = (uint8_t)(20 + rand() % 4);
        junk[1] = 0xfe;
        junk[2] = 0xfd;
        for (size_t j = 3; j < 11; j++) junk[j] = (uint8_t)rand();
        junk[11] = (uint8_t)(body >> 8);
        junk[12] = (uint8_t)body;
        for (size_t j = 0; j < body; j++) junk[13 + j] = (uint8_t)rand();
        dtls_transport_handle_datagram(p.server, junk, 13 + body);
        dtls_transport_pop_outgoing(p.server, junk, sizeof junk);
    }

    struct dtls_transport_stats st;
    dtls_transport_get_stats(p.server, &st);
    assert_int_equal(st.datagrams_received, 208);
    assert_true(st.datagrams_rejected >= 8);

    /* None of it moved the server: it still completes a real handshake. */
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTING);
    assert_int_equal(dtls_transport_start(p.client), 0);
    run_handshake(&p);
    assert_int_equal(dtls_transport_state(p.server), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    /* Garbage after the handshake does not break the connection. */
    assert_int_equal(dtls_transport_handle_datagram(p.client, rtp, sizeof rtp), -1);
    for (int i = 0; i < 50; i++) {
        size_t body = 40;
        junk[0] = 23;
        junk[1] = 0xfe;
        junk[2] = 0xfd;
        for (size_t j = 3; j < 11; j++) junk[j] = (uint8_t)rand();
        junk[11] = 0;
        junk[12] = (uint8_t)body;
        for (size_t j = 0; j < body; j++) junk[13 + j] = (uint8_t)rand();
        dtls_transport_handle_datagram(p.client, junk, 13 + body);
    }
    assert_int_equal(dtls_transport_state(p.client), DTLS_STATE_CONNECTED);
    assert_keys_match(&p, DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);
    pair_free(&p);
}

static void test_pop_with_small_buffer_drops(void **state)
{
    (void)state;
    struct pair p;
    pair_make(&p, NULL, NULL);
    assert_int_equal(dtls_transport_start(p.client), 0);
    uint8_t buf[8];
    assert_int_equal(dtls_transport_pop_outgoing(p.client, buf, sizeof buf), 0);
    struct dtls_transport_stats st;
    dtls_transport_get_stats(p.client, &st);
    assert_true(st.datagrams_dropped >= 1);
    assert_int_equal(st.datagrams_sent, 0);
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_create_then_reload),
        cmocka_unit_test(test_identity_corrupt_files_are_replaced),
        cmocka_unit_test(test_identity_expiring_is_renewed),
        cmocka_unit_test(test_identity_unwritable_dir_fails),
        cmocka_unit_test(test_handshake_connects_and_keys_match),
        cmocka_unit_test(test_handshake_survives_lost_datagram),
        cmocka_unit_test(test_handshake_times_out_without_peer),
        cmocka_unit_test(test_both_profiles_negotiate),
        cmocka_unit_test(test_set_profiles_rejects_bad_input),
        cmocka_unit_test(test_wrong_fingerprint_fails),
        cmocka_unit_test(test_other_fingerprint_hashes),
        cmocka_unit_test(test_new_rejects_bad_fingerprints),
        cmocka_unit_test(test_garbage_rejected),
        cmocka_unit_test(test_pop_with_small_buffer_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
