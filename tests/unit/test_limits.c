/* test_limits.c - mcud's limits (mcu/core/limits.c): the [mcud] keys with their defaults
 * and range errors (through mcu_config_load, as mcud reads them), and the run-time
 * checks on a clock the test drives: join attempts per address, the server-wide
 * participant limit, messages per connection, and the counters of each refusal; and
 * the shape of the `rate_limited` error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcu/core/config.h"
#include "mcu/core/limits.h"
#include "mcu/core/rate_limiter.h"
#include "signaling/protocol/protocol.h"

#define SECOND 1000000LL

/* Loads a config file with this text; returns mcu_config_load's result. */
static int load_text(const char *text, struct mcu_config *cfg, char *err, size_t errlen)
{
    char path[] = "/tmp/test_limits.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *argv[] = {"mcud", "--config", path, NULL};
    int rc = mcu_config_load(3, argv, cfg, err, errlen);
    unlink(path);
    return rc;
}

static void test_defaults(void **state)
{
    (void)state;
    struct mcu_config cfg;
    char err[512];
    char *argv[] = {"mcud", NULL};
    assert_int_equal(mcu_config_load(1, argv, &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.limits.max_participants, MCU_LIMITS_DEFAULT_MAX_PARTICIPANTS);
    assert_int_equal(cfg.limits.max_sdp_bytes, MCU_LIMITS_DEFAULT_MAX_SDP_BYTES);
    assert_int_equal(cfg.limits.join_rate, MCU_LIMITS_DEFAULT_JOIN_RATE);
    assert_int_equal(cfg.limits.join_burst, MCU_LIMITS_DEFAULT_JOIN_BURST);
    assert_int_equal(cfg.limits.message_rate, MCU_LIMITS_DEFAULT_MESSAGE_RATE);
    assert_int_equal(cfg.limits.message_burst, MCU_LIMITS_DEFAULT_MESSAGE_BURST);
    assert_int_equal(cfg.limits.send_queue_bytes, MCU_LIMITS_DEFAULT_SEND_QUEUE_BYTES);
    mcu_config_clear(&cfg);
}

static void test_file_keys(void **state)
{
    (void)state;
    struct mcu_config cfg;
    char err[512];
    assert_int_equal(
        load_text("[mcud]\nmax-participants=3\nmax-sdp-bytes=2048\njoin-rate=0\n"
                  "join-burst=2\nmessage-rate=5\nmessage-burst=7\nsend-queue-bytes=65536\n",
                  &cfg, err, sizeof err),
        0);
    assert_int_equal(cfg.limits.max_participants, 3);
    assert_int_equal(cfg.limits.max_sdp_bytes, 2048);
    assert_int_equal(cfg.limits.join_rate, 0);
    assert_int_equal(cfg.limits.join_burst, 2);
    assert_int_equal(cfg.limits.message_rate, 5);
    assert_int_equal(cfg.limits.message_burst, 7);
    assert_int_equal(cfg.limits.send_queue_bytes, 65536);
    mcu_config_clear(&cfg);
}

static void file_error(const char *text, const char *fragment)
{
    struct mcu_config cfg;
    char err[512] = "";
    assert_int_equal(load_text(text, &cfg, err, sizeof err), -1);
    if (!strstr(err, fragment)) fail_msg("error '%s' does not mention '%s'", err, fragment);
    assert_int_equal(cfg.conference_count, 0);
}

static void test_file_errors(void **state)
{
    (void)state;
    file_error("[mcud]\nmax-participants=0\n",
               "max-participants: '0' is not a number of participants");
    file_error("[mcud]\nmax-participants=lots\n", "max-participants: 'lots'");
    file_error("[mcud]\nmax-sdp-bytes=100\n", "from 1024 to 65536");
    file_error("[mcud]\nmax-sdp-bytes=70000\n", "from 1024 to 65536");
    file_error("[mcud]\njoin-rate=-1\n", "join-rate: '-1'");
    file_error("[mcud]\njoin-burst=0\n", "join-burst: '0'");
    file_error("[mcud]\nsend-queue-bytes=1000\n", "send-queue-bytes: '1000'");
    file_error("[mcud]\nmax-participant=3\n", "unknown key 'max-participant'");
    file_error("[mcud]\nmax-participant=3\n", "max-sdp-bytes"); /* the keys are listed */
}

static struct mcu_limits_config small_limits(void)
{
    struct mcu_limits_config c;
    mcu_limits_config_defaults(&c);
    c.max_participants = 2;
    c.join_rate = 6; /* one every 10 s */
    c.join_burst = 2;
    c.message_rate = 10;
    c.message_burst = 3;
    return c;
}

static void test_join_attempts_per_address(void **state)
{
    (void)state;
    struct mcu_limits_config c = small_limits();
    struct limits *l = limits_new(&c);
    int64_t retry = -1;
    assert_true(limits_allow_join_attempt(l, "192.0.2.7", 0, &retry));
    assert_int_equal(retry, 0);
    assert_true(limits_allow_join_attempt(l, "192.0.2.7", 1 * SECOND, NULL));
    assert_false(limits_allow_join_attempt(l, "192.0.2.7", 2 * SECOND, &retry));
    assert_int_equal(retry, 8000); /* ms until the next token */
    assert_true(limits_allow_join_attempt(l, "192.0.2.8", 2 * SECOND, NULL));
    assert_true(limits_allow_join_attempt(l, "192.0.2.7", 10 * SECOND, NULL));
    assert_int_equal(limits_counter(l, LIMITS_JOIN_RATE_LIMITED), 1);
    assert_int_equal(limits_join_table_size(l), 2);
    limits_free(l);

    c.join_rate = 0; /* no limit */
    l = limits_new(&c);
    for (int i = 0; i < 1000; i++) assert_true(limits_allow_join_attempt(l, "192.0.2.7", 0, NULL));
    assert_int_equal(limits_join_table_size(l), 0);
    limits_free(l);
}

static void test_server_participant_limit(void **state)
{
    (void)state;
    struct mcu_limits_config c = small_limits();
    struct limits *l = limits_new(&c);
    assert_true(limits_allow_participant(l, 0));
    assert_true(limits_allow_participant(l, 1));
    assert_false(limits_allow_participant(l, 2));
    assert_false(limits_allow_participant(l, 3));
    assert_int_equal(limits_counter(l, LIMITS_JOIN_SERVER_FULL), 2);
    limits_free(l);
}

static void test_messages_per_connection(void **state)
{
    (void)state;
    struct mcu_limits_config c = small_limits();
    struct limits *l = limits_new(&c);
    struct token_bucket a = {0}, b = {0};
    int64_t retry = 0;
    for (int i = 0; i < 3; i++) assert_true(limits_allow_message(l, &a, 0, NULL));
    assert_false(limits_allow_message(l, &a, 0, &retry));
    assert_int_equal(retry, 100);
    assert_true(limits_allow_message(l, &b, 0, NULL)); /* another connection */
    assert_true(limits_allow_message(l, &a, 100 * 1000, NULL));
    assert_int_equal(limits_counter(l, LIMITS_MESSAGE_RATE_LIMITED), 1);
    limits_count(l, LIMITS_SDP_TOO_LARGE);
    assert_int_equal(limits_counter(l, LIMITS_SDP_TOO_LARGE), 1);
    assert_string_equal(limits_counter_name(LIMITS_SDP_TOO_LARGE), "sdp_too_large");
    /* ignored candidates are counted apart from the refusals */
    limits_count_ignored_candidate(l, LIMITS_CANDIDATE_MDNS);
    limits_count_ignored_candidate(l, LIMITS_CANDIDATE_MDNS);
    assert_int_equal(limits_ignored_candidates(l, LIMITS_CANDIDATE_MDNS), 2);
    assert_int_equal(limits_ignored_candidates(l, LIMITS_CANDIDATE_UNPARSEABLE), 0);
    assert_int_equal(limits_counter(l, LIMITS_CANDIDATES_REFUSED), 0);
    assert_string_equal(limits_ignored_candidate_name(LIMITS_CANDIDATE_MDNS), "mdns");
    assert_int_equal(limits_ignored_candidates(NULL, LIMITS_CANDIDATE_MDNS), 0);
    limits_free(l);
}

/* rate_limited errors carry retry_after_ms inside the error object. */
static void test_retry_error_shape(void **state)
{
    (void)state;
    json_t *id = json_string("j1");
    char *text = protocol_build_retry_error(id, "join", "rate_limited", "too many", 9347);
    json_t *m = json_loads(text, 0, NULL);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "error");
    assert_string_equal(json_string_value(json_object_get(m, "id")), "j1");
    json_t *error = json_object_get(m, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "rate_limited");
    assert_int_equal(json_integer_value(json_object_get(error, "retry_after_ms")), 9347);
    json_decref(m);
    free(text);
    /* plain errors have none */
    text = protocol_build_error(id, "join", "server_full", "full");
    m = json_loads(text, 0, NULL);
    assert_null(json_object_get(json_object_get(m, "error"), "retry_after_ms"));
    json_decref(m);
    free(text);
    json_decref(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_file_keys),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_join_attempts_per_address),
        cmocka_unit_test(test_server_participant_limit),
        cmocka_unit_test(test_messages_per_connection),
        cmocka_unit_test(test_retry_error_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
