/* test_srtp_session.c - SRTP/SRTCP on libsrtp2 (mcu/transport/srtp_session.c), keyed by a real
 * in-memory DTLS-SRTP handshake (mcu/transport/dtls_transport.c) for both profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mcu/transport/dtls_identity.h"
#include "mcu/transport/dtls_transport.h"
#include "mcu/transport/srtp_session.h"
#include "mixer/rtp/rtp.h"

#define PACKET_CAP (1200 + SRTP_SESSION_MAX_TRAILER)

struct keyed_pair {
    struct dtls_srtp_keys client, server;
};

static void shuttle(struct dtls_transport *from, struct dtls_transport *to)
{
    uint8_t buf[DTLS_TRANSPORT_MTU];
    size_t n;
    while ((n = dtls_transport_pop_outgoing(from, buf, sizeof buf)) > 0)
        dtls_transport_handle_datagram(to, buf, n);
}

/* Runs a DTLS handshake restricted to `profile` and exports both sides' keys. */
static void handshake_keys(enum dtls_srtp_profile profile, struct keyed_pair *out)
{
    char err[256] = "";
    struct dtls_identity *cid = dtls_identity_generate(err, sizeof err);
    struct dtls_identity *sid = dtls_identity_generate(err, sizeof err);
    assert_non_null(cid);
    assert_non_null(sid);
    struct dtls_transport *c = dtls_transport_new(cid, DTLS_ROLE_CLIENT, "sha-256",
                                                  dtls_identity_fingerprint(sid), err, sizeof err);
    struct dtls_transport *s = dtls_transport_new(sid, DTLS_ROLE_SERVER, "sha-256",
                                                  dtls_identity_fingerprint(cid), err, sizeof err);
    assert_non_null(c);
    assert_non_null(s);
    assert_int_equal(dtls_transport_set_srtp_profiles(c, &profile, 1), 0);
    assert_int_equal(dtls_transport_start(c), 0);
    for (int i = 0; i < 10; i++) {
        shuttle(c, s);
        shuttle(s, c);
    }
    assert_int_equal(dtls_transport_state(c), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_state(s), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_transport_srtp_keys(c, &out->client), 0);
    assert_int_equal(dtls_transport_srtp_keys(s, &out->server), 0);
    assert_int_equal(out->client.profile, profile);
    dtls_transport_free(c);
    dtls_transport_free(s);
    dtls_identity_free(cid);
    dtls_identity_free(sid);
}

static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, const char *payload)
{
    size_t n = rtp_write_header(buf, false, 111, seq, 960u * seq, ssrc);
    size_t plen = strlen(payload);
    memcpy(buf + n, payload, plen);
    return n + plen;
}

/* A receiver report with one report block: 8 + 24 bytes. */
static size_t make_rtcp_rr(uint8_t *buf, uint32_t ssrc)
{
    memset(buf, 0, 32);
    buf[0] = 0x81;
    buf[1] = 201;
    buf[3] = 7;
    buf[4] = (uint8_t)(ssrc >> 24);
    buf[5] = (uint8_t)(ssrc >> 16);
    buf[6] = (uint8_t)(ssrc >> 8);
    buf[7] = (uint8_t)ssrc;
    buf[8] = 0xca; /* reportee SSRC */
    buf[9] = 0xfe;
    return 32;
}

static void roundtrip_profile(enum dtls_srtp_profile profile)
{
    struct keyed_pair k;
    handshake_keys(profile, &k);
    char err[256] = "";
    struct srtp_session *client = srtp_session_new(&k.client, err, sizeof err);
    struct srtp_session *server = srtp_session_new(&k.server, err, sizeof err);
    explicit_bzero(&k, sizeof k);
    assert_non_null(client);
    assert_non_null(server);

    /* RTP client -> server, several SSRCs and packets. */
    for (uint16_t seq = 100; seq < 110; seq++) {
        for (uint32_t ssrc = 1; ssrc <= 2; ssrc++) {
            uint8_t pkt[PACKET_CAP], clear[PACKET_CAP];
            size_t len = make_rtp(pkt, seq, ssrc, "opus frame payload");
            size_t clear_len = len;
            memcpy(clear, pkt, len);
            assert_int_equal(srtp_session_protect_rtp(client, pkt, &len, sizeof pkt), 0);
            assert_true(len > clear_len);
            assert_memory_not_equal(pkt + 12, clear + 12, clear_len - 12); /* encrypted */
            assert_int_equal(srtp_session_unprotect_rtp(server, pkt, &len), 0);
            assert_int_equal(len, clear_len);
            assert_memory_equal(pkt, clear, len);
        }
    }

    /* RTP server -> client. */
    uint8_t pkt[PACKET_CAP], clear[PACKET_CAP];
    size_t len = make_rtp(pkt, 7, 0xabcdef, "video");
    size_t clear_len = len;
    memcpy(clear, pkt, len);
    assert_int_equal(srtp_session_protect_rtp(server, pkt, &len, sizeof pkt), 0);
    assert_int_equal(srtp_session_unprotect_rtp(client, pkt, &len), 0);
    assert_memory_equal(pkt, clear, clear_len);

    /* A side cannot unprotect its own output (the directions have different keys). */
    len = make_rtp(pkt, 8, 0xabcdef, "video");
    assert_int_equal(srtp_session_protect_rtp(server, pkt, &len, sizeof pkt), 0);
    uint8_t copy[PACKET_CAP];
    memcpy(copy, pkt, len);
    size_t copy_len = len;
    assert_int_equal(srtp_session_unprotect_rtp(server, copy, &copy_len), -1);

    /* RTCP both ways. */
    len = make_rtcp_rr(pkt, 0x11223344);
    clear_len = len;
    memcpy(clear, pkt, len);
    assert_int_equal(srtp_session_protect_rtcp(client, pkt, &len, sizeof pkt), 0);
    assert_true(len > clear_len);
    assert_int_equal(srtp_session_unprotect_rtcp(server, pkt, &len), 0);
    assert_int_equal(len, clear_len);
    assert_memory_equal(pkt, clear, len);
    len = make_rtcp_rr(pkt, 0x55667788);
    memcpy(clear, pkt, len);
    assert_int_equal(srtp_session_protect_rtcp(server, pkt, &len, sizeof pkt), 0);
    assert_int_equal(srtp_session_unprotect_rtcp(client, pkt, &len), 0);
    assert_memory_equal(pkt, clear, 32);

    struct srtp_session_stats st;
    srtp_session_get_stats(server, &st);
    assert_int_equal(st.unprotected_rtp, 20);
    assert_int_equal(st.unprotected_rtcp, 1);
    assert_int_equal(st.protected_rtp, 2);
    assert_int_equal(st.protected_rtcp, 1);
    assert_int_equal(st.auth_failures, 1);

    srtp_session_free(client);
    srtp_session_free(server);
}

static void test_roundtrip_gcm(void **state)
{
    (void)state;
    roundtrip_profile(DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);
}

static void test_roundtrip_cm(void **state)
{
    (void)state;
    roundtrip_profile(DTLS_SRTP_PROFILE_AES128_CM_SHA1_80);
}

struct sessions {
    struct srtp_session *tx, *rx;
};

static void make_sessions(enum dtls_srtp_profile profile, struct sessions *s)
{
    struct keyed_pair k;
    handshake_keys(profile, &k);
    char err[256] = "";
    s->tx = srtp_session_new(&k.client, err, sizeof err);
    s->rx = srtp_session_new(&k.server, err, sizeof err);
    explicit_bzero(&k, sizeof k);
    assert_non_null(s->tx);
    assert_non_null(s->rx);
}

static void free_sessions(struct sessions *s)
{
    srtp_session_free(s->tx);
    srtp_session_free(s->rx);
}

static void tamper_profile(enum dtls_srtp_profile profile)
{
    struct sessions s;
    make_sessions(profile, &s);
    uint8_t pkt[PACKET_CAP];
    size_t len;

    /* Flip one bit in the payload, in the header, in the tag: each fails auth. */
    size_t offsets[] = {20, 2, 0};
    for (size_t i = 0; i < 3; i++) {
        len = make_rtp(pkt, (uint16_t)(10 + i), 5, "some payload bytes");
        assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
        size_t at = offsets[i] ? offsets[i] : len - 1;
        pkt[at] ^= 0x01;
        assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), -1);
    }
    /* Truncated: tag cut off. */
    len = make_rtp(pkt, 20, 5, "some payload bytes");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
    len -= 4;
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), -1);
    /* Too short to be RTP at all. */
    len = 5;
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), -1);
    len = 3;
    assert_int_equal(srtp_session_unprotect_rtcp(s.rx, pkt, &len), -1);
    /* Forged: random bytes with an RTP-looking header. */
    len = make_rtp(pkt, 21, 5, "forged forged forged forged forged");
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), -1);
    /* Tampered SRTCP. */
    len = make_rtcp_rr(pkt, 9);
    assert_int_equal(srtp_session_protect_rtcp(s.tx, pkt, &len, sizeof pkt), 0);
    pkt[12] ^= 0x80;
    assert_int_equal(srtp_session_unprotect_rtcp(s.rx, pkt, &len), -1);

    struct srtp_session_stats st;
    srtp_session_get_stats(s.rx, &st);
    assert_int_equal(st.unprotected_rtp + st.unprotected_rtcp, 0);
    assert_true(st.auth_failures >= 5);
    assert_true(st.bad_length + st.other_failures + st.auth_failures == 8);

    /* The session still works after all that. */
    len = make_rtp(pkt, 30, 5, "fine");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), 0);
    free_sessions(&s);
}

static void test_tampered_packets_fail(void **state)
{
    (void)state;
    tamper_profile(DTLS_SRTP_PROFILE_AEAD_AES_128_GCM);
    tamper_profile(DTLS_SRTP_PROFILE_AES128_CM_SHA1_80);
}

static void test_replays_rejected(void **state)
{
    (void)state;
    struct sessions s;
    make_sessions(DTLS_SRTP_PROFILE_AES128_CM_SHA1_80, &s);
    uint8_t pkt[PACKET_CAP], saved[PACKET_CAP];
    size_t len = make_rtp(pkt, 1000, 77, "first");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
    memcpy(saved, pkt, len);
    size_t saved_len = len;
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), 0);
    memcpy(pkt, saved, saved_len);
    len = saved_len;
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), -1); /* replay */

    /* A packet that arrives after the window moved past it is too old. */
    uint8_t late[PACKET_CAP];
    size_t late_len = make_rtp(late, 1001, 77, "late");
    assert_int_equal(srtp_session_protect_rtp(s.tx, late, &late_len, sizeof late), 0);
    len = make_rtp(pkt, 1000 + SRTP_SESSION_REPLAY_WINDOW + 10, 77, "later");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, pkt, &len), 0);
    assert_int_equal(srtp_session_unprotect_rtp(s.rx, late, &late_len), -1); /* too old */
    /* The sender cannot protect it again either: its window moved on too. */
    late_len = make_rtp(late, 1001, 77, "late");
    assert_int_equal(srtp_session_protect_rtp(s.tx, late, &late_len, sizeof late), -1);

    /* Resending (NACK) the same packet through protect is allowed. */
    len = make_rtp(pkt, 2100, 77, "resend me");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);
    len = make_rtp(pkt, 2100, 77, "resend me");
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, sizeof pkt), 0);

    /* SRTCP replay. */
    len = make_rtcp_rr(pkt, 3);
    assert_int_equal(srtp_session_protect_rtcp(s.tx, pkt, &len, sizeof pkt), 0);
    memcpy(saved, pkt, len);
    saved_len = len;
    assert_int_equal(srtp_session_unprotect_rtcp(s.rx, pkt, &len), 0);
    memcpy(pkt, saved, saved_len);
    len = saved_len;
    assert_int_equal(srtp_session_unprotect_rtcp(s.rx, pkt, &len), -1);

    struct srtp_session_stats st;
    srtp_session_get_stats(s.rx, &st);
    assert_int_equal(st.replays, 3);
    assert_int_equal(st.auth_failures, 0);
    srtp_session_get_stats(s.tx, &st);
    assert_int_equal(st.replays, 1);
    free_sessions(&s);
}

static void test_small_cap_refused(void **state)
{
    (void)state;
    struct sessions s;
    make_sessions(DTLS_SRTP_PROFILE_AEAD_AES_128_GCM, &s);
    uint8_t pkt[PACKET_CAP], clear[PACKET_CAP];
    size_t len = make_rtp(pkt, 1, 1, "payload");
    memcpy(clear, pkt, len);
    size_t clear_len = len;
    /* Exactly enough for the packet, no room for a tag. */
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &len, clear_len), -1);
    assert_int_equal(
        srtp_session_protect_rtp(s.tx, pkt, &len, clear_len + SRTP_SESSION_MAX_TRAILER - 1), -1);
    assert_int_equal(len, clear_len);
    assert_memory_equal(pkt, clear, len); /* untouched */
    assert_int_equal(srtp_session_protect_rtcp(s.tx, pkt, &len, clear_len + 4), -1);
    size_t tiny = 4;
    assert_int_equal(srtp_session_protect_rtp(s.tx, pkt, &tiny, sizeof pkt), -1);
    assert_int_equal(srtp_session_protect_rtp(s.tx, NULL, &len, sizeof pkt), -1);
    assert_int_equal(
        srtp_session_protect_rtp(s.tx, pkt, &len, clear_len + SRTP_SESSION_MAX_TRAILER), 0);
    struct srtp_session_stats st;
    srtp_session_get_stats(s.tx, &st);
    assert_int_equal(st.bad_length, 5);
    assert_int_equal(st.protected_rtp, 1);
    free_sessions(&s);
}

static void test_bad_keys_refused(void **state)
{
    (void)state;
    char err[256] = "";
    struct dtls_srtp_keys k;
    memset(&k, 0x42, sizeof k);
    k.profile = DTLS_SRTP_PROFILE_NONE;
    k.master_key_len = 16;
    k.master_salt_len = 14;
    assert_null(srtp_session_new(&k, err, sizeof err));
    assert_true(strlen(err) > 0);
    k.profile = DTLS_SRTP_PROFILE_AEAD_AES_128_GCM; /* GCM wants a 12-byte salt */
    assert_null(srtp_session_new(&k, err, sizeof err));
    k.profile = DTLS_SRTP_PROFILE_AES128_CM_SHA1_80;
    k.master_key_len = 32;
    assert_null(srtp_session_new(&k, err, sizeof err));
    assert_null(srtp_session_new(NULL, err, sizeof err));
    k.master_key_len = 16;
    struct srtp_session *s = srtp_session_new(&k, err, sizeof err);
    assert_non_null(s);
    srtp_session_free(s);
    srtp_session_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_gcm),         cmocka_unit_test(test_roundtrip_cm),
        cmocka_unit_test(test_tampered_packets_fail), cmocka_unit_test(test_replays_rejected),
        cmocka_unit_test(test_small_cap_refused),     cmocka_unit_test(test_bad_keys_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
