/* test_ice_transport.c - the libnice wrapper: gathering only on the configured address,
 * the 1:1 NAT public address in candidates, remote candidate handling. Binds a UDP
 * socket on 127.0.0.1 but sends nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "mcu/transport/ice_transport.h"

static void ignore_datagram(void *owner, const uint8_t *data, size_t length)
{
    (void)owner;
    (void)data;
    (void)length;
}
static void ignore_state(void *owner, enum ice_state state)
{
    (void)owner;
    (void)state;
}

static const struct ice_transport_events events = {ignore_datagram, ignore_state};

static struct ice_transport *make(const char *public_address)
{
    static const char *const loopback[] = {"127.0.0.1", NULL};
    struct ice_transport_config config = {
        .context = NULL,
        .local_addresses = loopback,
        .public_address = public_address,
    };
    char err[256] = "";
    struct ice_transport *t = ice_transport_new(&config, &events, NULL, err, sizeof err);
    if (!t) fail_msg("ice_transport_new: %s", err);
    return t;
}

static void test_gathers_only_on_configured_address(void **state)
{
    struct ice_transport *t = make(NULL);
    assert_true(strlen(ice_transport_local_ufrag(t)) >= 4);
    assert_true(strlen(ice_transport_local_pwd(t)) >= 22);
    char **candidates = ice_transport_local_candidates(t);
    assert_non_null(candidates[0]);
    for (char **c = candidates; *c; c++) {
        assert_true(g_str_has_prefix(*c, "candidate:"));
        assert_non_null(strstr(*c, " 127.0.0.1 "));
        assert_non_null(strstr(*c, " UDP ") ? *c : strstr(*c, " udp "));
        assert_non_null(strstr(*c, "typ host"));
    }
    g_strfreev(candidates);
    assert_int_equal(ice_transport_state(t), ICE_STATE_NEW);
    assert_int_equal(ice_transport_send(t, (const uint8_t *)"x", 1), -1); /* no pair selected */
    ice_transport_free(t);
}

static void test_public_address_replaces_local_one(void **state)
{
    struct ice_transport *t = make("203.0.113.7");
    char **candidates = ice_transport_local_candidates(t);
    assert_non_null(candidates[0]);
    for (char **c = candidates; *c; c++) {
        assert_non_null(strstr(*c, " 203.0.113.7 "));
        assert_null(strstr(*c, "127.0.0.1"));
    }
    g_strfreev(candidates);
    ice_transport_free(t);
}

static void test_remote_candidates(void **state)
{
    struct ice_transport *t = make(NULL);
    assert_int_equal(ice_transport_set_remote_credentials(t, "abcd", "0123456789abcdef012345"), 0);
    assert_int_equal(ice_transport_add_remote_candidate(
                         t, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0"),
                     0);
    assert_int_equal(ice_transport_add_remote_candidate(
                         t, "a=candidate:2 1 UDP 2122260222 127.0.0.1 50001 typ host"),
                     0);
    /* TCP candidates are ignored, not errors. */
    assert_int_equal(ice_transport_add_remote_candidate(
                         t, "candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active"),
                     0);
    assert_int_equal(ice_transport_add_remote_candidate(t, "candidate:garbage"), -1);
    assert_int_equal(ice_transport_add_remote_candidate(t, ""), -1);
    ice_transport_remote_candidates_done(t);
    ice_transport_free(t);
}

static void test_restart_gives_new_credentials(void **state)
{
    (void)state;
    struct ice_transport *t = make(NULL);
    assert_int_equal(ice_transport_set_remote_credentials(t, "abcd", "0123456789012345678901"), 0);
    assert_int_equal(ice_transport_add_remote_candidate(
                         t, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"),
                     0);
    char *ufrag = g_strdup(ice_transport_local_ufrag(t)),
         *pwd = g_strdup(ice_transport_local_pwd(t));
    char **before = ice_transport_local_candidates(t);

    /* The peer's restart: new credentials here, the same candidates (sockets). */
    assert_int_equal(ice_transport_restart(t, "efgh", "9876543210987654321098"), 0);
    assert_string_not_equal(ice_transport_local_ufrag(t), ufrag);
    assert_string_not_equal(ice_transport_local_pwd(t), pwd);
    char **after = ice_transport_local_candidates(t);
    assert_non_null(after[0]);
    assert_string_equal(before[0], after[0]);
    assert_int_equal(ice_transport_add_remote_candidate(
                         t, "candidate:2 1 udp 2122260223 127.0.0.1 50002 typ host"),
                     0);

    /* A re-check after lost consent keeps what the peer knows. */
    g_free(ufrag);
    g_free(pwd);
    ufrag = g_strdup(ice_transport_local_ufrag(t));
    pwd = g_strdup(ice_transport_local_pwd(t));
    assert_int_equal(ice_transport_recheck(t), 0);
    assert_string_equal(ice_transport_local_ufrag(t), ufrag);
    assert_string_equal(ice_transport_local_pwd(t), pwd);
    g_free(ufrag);
    g_free(pwd);
    g_strfreev(before);
    g_strfreev(after);
    ice_transport_free(t);
}

static void test_bad_address_is_refused(void **state)
{
    static const char *const bad[] = {"not-an-ip", NULL};
    struct ice_transport_config config = {.local_addresses = bad};
    char err[256] = "";
    assert_null(ice_transport_new(&config, &events, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not-an-ip"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gathers_only_on_configured_address),
        cmocka_unit_test(test_public_address_replaces_local_one),
        cmocka_unit_test(test_remote_candidates),
        cmocka_unit_test(test_restart_gives_new_credentials),
        cmocka_unit_test(test_bad_address_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
