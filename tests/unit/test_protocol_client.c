/* test_protocol_client.c - the client side of the signalling protocol
 * (signaling/client/protocol_client.h): every request built by the client is read by
 * the server's parser (signaling/protocol) into the same fields; every message the
 * server builds is read by the client into the same fields; malformed server
 * messages are refused with a reason, unknown types are passed on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "signaling/client/protocol_client.h"
#include "signaling/protocol/protocol.h"

/* Builds `req` with `id`, parses it with the server's parser into *out. */
static void round_trip(const struct protocol_client_request *req, int64_t id,
                       struct protocol_request *out)
{
    struct protocol_error error;
    char *text = protocol_client_build(req, id);
    int rc;

    assert_non_null(text);
    rc = protocol_parse_request(text, strlen(text), out, &error);
    if (rc != 0) fprintf(stderr, "%s -> %s: %s\n", text, error.code, error.message);
    assert_int_equal(rc, 0);
    assert_int_equal(out->type, req->type);
    assert_true(json_is_integer(out->id));
    assert_int_equal(json_integer_value(out->id), id);
    free(text);
}

static void test_requests_round_trip(void **state)
{
    (void)state;
    struct protocol_client_request req;
    struct protocol_request got;

    protocol_client_request_init(&req, PROTOCOL_JOIN);
    req.conference = "echo";
    req.name = "S\xe1\xbb\x9f Y t\xe1\xba\xbf";
    req.pin = "1234";
    round_trip(&req, 1, &got);
    assert_string_equal(got.conference, "echo");
    assert_string_equal(got.name, req.name);
    assert_string_equal(got.pin, "1234");
    assert_null(got.token);
    protocol_request_clear(&got);

    req.pin = NULL;
    req.token = "t0k";
    round_trip(&req, 2, &got);
    assert_null(got.pin);
    assert_string_equal(got.token, "t0k");
    protocol_request_clear(&got);

    protocol_client_request_init(&req, PROTOCOL_OFFER);
    req.sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n";
    round_trip(&req, 3, &got);
    assert_string_equal(got.sdp, req.sdp);
    protocol_request_clear(&got);

    protocol_client_request_init(&req, PROTOCOL_CANDIDATE);
    req.candidate = "candidate:1 1 UDP 2122252543 127.0.0.1 40000 typ host";
    req.sdp_mid = "video0";
    req.sdp_mline_index = 0;
    round_trip(&req, 4, &got);
    assert_string_equal(got.candidate, req.candidate);
    assert_string_equal(got.sdp_mid, "video0");
    assert_int_equal(got.sdp_mline_index, 0);
    protocol_request_clear(&got);

    req.sdp_mid = NULL;
    req.sdp_mline_index = 1;
    round_trip(&req, 5, &got);
    assert_null(got.sdp_mid);
    assert_int_equal(got.sdp_mline_index, 1);
    protocol_request_clear(&got);

    protocol_client_request_init(&req, PROTOCOL_MUTE);
    req.mute_audio = 1;
    round_trip(&req, 6, &got);
    assert_int_equal(got.mute_audio, 1);
    assert_int_equal(got.mute_video, -1);
    protocol_request_clear(&got);
    req.mute_audio = -1;
    req.mute_video = 0;
    round_trip(&req, 7, &got);
    assert_int_equal(got.mute_audio, -1);
    assert_int_equal(got.mute_video, 0);
    protocol_request_clear(&got);

    protocol_client_request_init(&req, PROTOCOL_VIDEO_QUALITY);
    req.video_quality = "low";
    round_trip(&req, 8, &got);
    assert_string_equal(got.video_quality, "low");
    protocol_request_clear(&got);

    const enum protocol_request_type bare[] = {PROTOCOL_END_OF_CANDIDATES, PROTOCOL_LEAVE,
                                               PROTOCOL_KEEPALIVE};
    for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++) {
        protocol_client_request_init(&req, bare[i]);
        round_trip(&req, 100 + (int64_t)i, &got);
        protocol_request_clear(&got);
    }
}

static void test_requests_refused(void **state)
{
    (void)state;
    struct protocol_client_request req;

    protocol_client_request_init(&req, PROTOCOL_JOIN);
    req.conference = "echo";
    assert_null(protocol_client_build(&req, 1)); /* no name */
    req.name = "A";
    assert_null(protocol_client_build(&req, 0)); /* ids are > 0 */
    protocol_client_request_init(&req, PROTOCOL_OFFER);
    assert_null(protocol_client_build(&req, 1));
    protocol_client_request_init(&req, PROTOCOL_CANDIDATE);
    req.candidate = "candidate:x";
    assert_null(protocol_client_build(&req, 1)); /* neither sdpMid nor sdpMLineIndex */
    protocol_client_request_init(&req, PROTOCOL_MUTE);
    assert_null(protocol_client_build(&req, 1)); /* neither audio nor video */
    protocol_client_request_init(&req, PROTOCOL_VIDEO_QUALITY);
    assert_null(protocol_client_build(&req, 1));
    protocol_client_request_init(&req, (enum protocol_request_type)99);
    assert_null(protocol_client_build(&req, 1));
}

/* Parses server-built text (freed here); the message must read. */
static void parse_ok(char *text, enum protocol_server_kind kind, struct protocol_server_message *m)
{
    char why[256];
    int rc;

    assert_non_null(text);
    rc = protocol_client_parse(text, strlen(text), m, why, sizeof why);
    if (rc != 0) fprintf(stderr, "%s -> %s\n", text, why);
    assert_int_equal(rc, 0);
    assert_int_equal(m->kind, kind);
    free(text);
}

static void test_server_messages_round_trip(void **state)
{
    (void)state;
    struct protocol_server_message m;
    json_t *id = json_integer(7);
    json_t *data;

    parse_ok(protocol_build_hello(), PROTOCOL_SERVER_HELLO, &m);
    assert_int_equal(m.version, PROTOCOL_VERSION);
    assert_string_equal(m.server, PROTOCOL_SERVER);
    protocol_server_message_clear(&m);

    data = json_pack("{s:s, s:s, s:s, s:b, s:b}", "participant", "p1", "conference", "echo",
                     "title", "Echo", "host", 1, "waiting_for_host", 0);
    parse_ok(protocol_build_reply(id, "join", data), PROTOCOL_SERVER_REPLY, &m);
    assert_int_equal(m.id, 7);
    assert_string_equal(m.request, "join");
    assert_string_equal(m.participant, "p1");
    assert_string_equal(m.conference, "echo");
    assert_string_equal(m.title, "Echo");
    assert_true(m.host);
    assert_false(m.waiting_for_host);
    assert_true(json_is_object(m.data));
    protocol_server_message_clear(&m);
    json_decref(data);

    data = json_pack("{s:s, s:s}", "type", "answer", "sdp", "v=0\r\n");
    parse_ok(protocol_build_reply(id, "offer", data), PROTOCOL_SERVER_REPLY, &m);
    assert_string_equal(m.sdp, "v=0\r\n");
    protocol_server_message_clear(&m);
    json_decref(data);

    data = json_pack("{s:b, s:b}", "audio", 1, "video", 0);
    parse_ok(protocol_build_reply(id, "mute", data), PROTOCOL_SERVER_REPLY, &m);
    assert_true(m.member.audio_muted);
    assert_false(m.member.video_muted);
    protocol_server_message_clear(&m);
    json_decref(data);

    parse_ok(protocol_build_reply(id, "keepalive", NULL), PROTOCOL_SERVER_REPLY, &m);
    assert_int_equal(json_object_size(m.data), 0);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_error(id, "join", "wrong_pin", "the PIN is not right"),
             PROTOCOL_SERVER_ERROR, &m);
    assert_int_equal(m.id, 7);
    assert_string_equal(m.request, "join");
    assert_string_equal(m.error_code, "wrong_pin");
    assert_string_equal(m.error_message, "the PIN is not right");
    assert_int_equal(m.retry_after_ms, -1);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_retry_error(id, "join", "rate_limited", "slow down", 1500),
             PROTOCOL_SERVER_ERROR, &m);
    assert_int_equal(m.retry_after_ms, 1500);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_error(NULL, NULL, "bad_json", "not JSON"), PROTOCOL_SERVER_ERROR, &m);
    assert_int_equal(m.id, 0);
    assert_null(m.request);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_candidate_event("candidate:1 1 UDP 1 127.0.0.1 5000 typ host", "0", 0),
             PROTOCOL_SERVER_CANDIDATE, &m);
    assert_string_equal(m.candidate, "candidate:1 1 UDP 1 127.0.0.1 5000 typ host");
    assert_string_equal(m.sdp_mid, "0");
    assert_int_equal(m.sdp_mline_index, 0);
    protocol_server_message_clear(&m);
    parse_ok(protocol_build_candidate_event("candidate:x", "a", -1), PROTOCOL_SERVER_CANDIDATE, &m);
    assert_int_equal(m.sdp_mline_index, -1);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_end_of_candidates_event(), PROTOCOL_SERVER_END_OF_CANDIDATES, &m);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_media_event("failed", "DTLS handshake failed"), PROTOCOL_SERVER_MEDIA,
             &m);
    assert_string_equal(m.state, "failed");
    assert_string_equal(m.reason, "DTLS handshake failed");
    protocol_server_message_clear(&m);
    parse_ok(protocol_build_media_event("connected", NULL), PROTOCOL_SERVER_MEDIA, &m);
    assert_null(m.reason);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_bye("conference ended"), PROTOCOL_SERVER_BYE, &m);
    assert_string_equal(m.reason, "conference ended");
    assert_null(m.error_code); /* no code: a failure */
    protocol_server_message_clear(&m);
    parse_ok(protocol_build_bye_code(PROTOCOL_BYE_CONFERENCE_ENDED, "meeting over"),
             PROTOCOL_SERVER_BYE, &m);
    assert_string_equal(m.error_code, "conference_ended");
    assert_string_equal(m.reason, "meeting over");
    protocol_server_message_clear(&m);

    const struct protocol_roster_entry roster[] = {{"p1", "Anh", false, true},
                                                   {"p2", "B\xc3\xacnh", true, false}};
    parse_ok(protocol_build_participants_event(roster, 2, "2x2", "p2"),
             PROTOCOL_SERVER_PARTICIPANTS, &m);
    assert_int_equal(m.member_count, 2);
    assert_string_equal(m.members[0].participant, "p1");
    assert_string_equal(m.members[0].name, "Anh");
    assert_false(m.members[0].audio_muted);
    assert_true(m.members[0].video_muted);
    assert_string_equal(m.members[1].name, "B\xc3\xacnh");
    assert_true(m.members[1].audio_muted);
    assert_string_equal(m.layout, "2x2");
    assert_string_equal(m.active_speaker, "p2");
    protocol_server_message_clear(&m);
    assert_null(m.members);
    parse_ok(protocol_build_participants_event(roster, 0, "1x1", NULL),
             PROTOCOL_SERVER_PARTICIPANTS, &m);
    assert_int_equal(m.member_count, 0);
    assert_null(m.active_speaker);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_participant_joined_event(&roster[1]),
             PROTOCOL_SERVER_PARTICIPANT_JOINED, &m);
    assert_string_equal(m.member.participant, "p2");
    assert_string_equal(m.member.name, "B\xc3\xacnh");
    assert_true(m.member.audio_muted);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_participant_left_event("p2", "consent lost"),
             PROTOCOL_SERVER_PARTICIPANT_LEFT, &m);
    assert_string_equal(m.participant, "p2");
    assert_string_equal(m.reason, "consent lost");
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_active_speaker_event("p1"), PROTOCOL_SERVER_ACTIVE_SPEAKER, &m);
    assert_string_equal(m.participant, "p1");
    protocol_server_message_clear(&m);
    parse_ok(protocol_build_active_speaker_event(NULL), PROTOCOL_SERVER_ACTIVE_SPEAKER, &m);
    assert_null(m.participant);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_layout_event("custom"), PROTOCOL_SERVER_LAYOUT, &m);
    assert_string_equal(m.layout, "custom");
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_mute_event("p1", false, true), PROTOCOL_SERVER_MUTE, &m);
    assert_string_equal(m.member.participant, "p1");
    assert_null(m.member.name);
    assert_false(m.member.audio_muted);
    assert_true(m.member.video_muted);
    protocol_server_message_clear(&m);

    parse_ok(protocol_build_presenting_event("p1", "S\xe1\xbb\x9f Y t\xe1\xba\xbf", "p2", NULL),
             PROTOCOL_SERVER_PRESENTING, &m);
    assert_string_equal(m.participant, "p1");
    assert_string_equal(m.member.name, "S\xe1\xbb\x9f Y t\xe1\xba\xbf");
    assert_string_equal(m.content, "p2");
    assert_null(m.reason);
    protocol_server_message_clear(&m);
    parse_ok(protocol_build_presenting_event(NULL, NULL, NULL, "stopped by the operator"),
             PROTOCOL_SERVER_PRESENTING, &m);
    assert_null(m.participant);
    assert_null(m.content);
    assert_string_equal(m.reason, "stopped by the operator");
    protocol_server_message_clear(&m);

    struct protocol_send_limits limits = {true, 426, 240, 30, 306720};
    parse_ok(protocol_build_send_limits_event(&limits), PROTOCOL_SERVER_SEND_LIMITS, &m);
    assert_true(m.send_limits.active);
    assert_int_equal(m.send_limits.width, 426);
    assert_int_equal(m.send_limits.height, 240);
    assert_int_equal(m.send_limits.fps, 30);
    assert_int_equal(m.send_limits.max_bitrate, 306720);
    protocol_server_message_clear(&m);
    limits = (struct protocol_send_limits){.active = false, .max_bitrate = 50000};
    parse_ok(protocol_build_send_limits_event(&limits), PROTOCOL_SERVER_SEND_LIMITS, &m);
    assert_false(m.send_limits.active);
    assert_int_equal(m.send_limits.width, 0);
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"send_limits\",\"video\":{\"active\":false}}"),
             PROTOCOL_SERVER_SEND_LIMITS, &m);
    assert_false(m.send_limits.active);
    protocol_server_message_clear(&m);

    json_decref(id);
}

/* Events mcud builds outside signaling/protocol (mcu/), and a string id. */
static void test_other_events(void **state)
{
    (void)state;
    struct protocol_server_message m;

    parse_ok(
        strdup(
            "{\"type\":\"conference_ending\",\"ends_at\":\"2025-01-01T10:00:00Z\",\"seconds\":300}"),
        PROTOCOL_SERVER_CONFERENCE_ENDING, &m);
    assert_string_equal(m.ends_at, "2025-01-01T10:00:00Z");
    assert_int_equal(m.seconds, 300);
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"waiting_for_host\"}"), PROTOCOL_SERVER_WAITING_FOR_HOST, &m);
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"host_present\"}"), PROTOCOL_SERVER_HOST_PRESENT, &m);
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"something_new\",\"x\":1}"), PROTOCOL_SERVER_OTHER, &m);
    assert_string_equal(m.type, "something_new");
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"reply\",\"id\":\"abc\",\"request\":\"leave\",\"data\":null}"),
             PROTOCOL_SERVER_REPLY, &m);
    assert_int_equal(m.id, 0);
    assert_int_equal(json_object_size(m.data), 0);
    protocol_server_message_clear(&m);
    parse_ok(strdup("{\"type\":\"bye\"}"), PROTOCOL_SERVER_BYE, &m);
    assert_string_equal(m.reason, "");
    protocol_server_message_clear(&m);
}

static void expect_refused(const char *text, size_t length, const char *part)
{
    struct protocol_server_message m;
    char why[256];
    int rc = protocol_client_parse(text, length, &m, why, sizeof why);

    if (rc != -1 || strstr(why, part) == NULL)
        fprintf(stderr, "%.80s -> rc %d \"%s\", want \"%s\"\n", text ? text : "(null)", rc, why,
                part);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(why, part));
    assert_null(m.json); /* nothing to release */
    assert_null(m.members);
}

static void refused(const char *text, const char *part)
{
    expect_refused(text, strlen(text), part);
}

static void test_malformed(void **state)
{
    (void)state;
    char *big;

    expect_refused(NULL, 0, "no message");
    refused("", "not JSON");
    refused("{\"type\":\"hello\"", "not JSON");
    refused("{\"type\":\"bye\",\"type\":\"bye\"}", "not JSON"); /* duplicate key */
    refused("[1]", "object");
    refused("\"hello\"", "object");
    refused("{}", "\"type\"");
    refused("{\"type\":3}", "\"type\"");
    refused("{\"type\":\"hello\",\"server\":\"x\"}", "\"version\"");
    refused("{\"type\":\"reply\",\"request\":\"join\",\"data\":{}}", "\"id\"");
    refused("{\"type\":\"reply\",\"id\":1,\"request\":\"join\",\"data\":[]}", "\"data\"");
    refused("{\"type\":\"reply\",\"id\":1,\"request\":\"join\",\"data\":{}}", "\"participant\"");
    refused("{\"type\":\"reply\",\"id\":1,\"request\":\"offer\",\"data\":{\"sdp\":5}}", "\"sdp\"");
    refused("{\"type\":\"error\",\"id\":1}", "\"error\"");
    refused("{\"type\":\"error\",\"id\":1,\"error\":{\"message\":\"m\"}}", "\"code\"");
    refused("{\"type\":\"candidate\",\"sdpMid\":\"0\"}", "\"candidate\"");
    refused("{\"type\":\"candidate\",\"candidate\":\"candidate:x\"}", "sdpMid");
    refused("{\"type\":\"candidate\",\"candidate\":\"candidate:x\",\"sdpMLineIndex\":-1}",
            "sdpMid");
    refused("{\"type\":\"media\"}", "\"state\"");
    refused("{\"type\":\"participants\"}", "\"participants\"");
    refused(
        "{\"type\":\"participants\",\"participants\":[{\"participant\":\"p1\",\"name\":\"A\"},3]}",
        "object");
    refused("{\"type\":\"participants\",\"participants\":[{\"participant\":\"p1\"}]}", "\"name\"");
    refused("{\"type\":\"participant_joined\",\"name\":\"A\"}", "\"participant\"");
    refused("{\"type\":\"participant_left\"}", "\"participant\"");
    refused("{\"type\":\"layout\",\"layout\":null}", "\"layout\"");
    refused("{\"type\":\"mute\",\"audio_muted\":true}", "\"participant\"");
    refused("{\"type\":\"conference_ending\",\"seconds\":\"300\"}", "\"seconds\"");
    refused("{\"type\":\"send_limits\"}", "\"video\"");
    refused("{\"type\":\"send_limits\",\"video\":{\"width\":2}}", "\"video.active\"");
    refused("{\"type\":\"send_limits\",\"video\":{\"active\":true,\"width\":2}}",
            "\"video.height\"");
    refused("{\"type\":\"send_limits\",\"video\":{\"active\":true,\"width\":-2,"
            "\"height\":2,\"fps\":30,\"max_bitrate\":1}}",
            "\"video.width\"");

    big = malloc(PROTOCOL_MAX_MESSAGE + 2);
    assert_non_null(big);
    memset(big, ' ', PROTOCOL_MAX_MESSAGE + 1);
    memcpy(big, "{\"type\":\"bye\"}", 14);
    big[PROTOCOL_MAX_MESSAGE + 1] = '\0';
    expect_refused(big, PROTOCOL_MAX_MESSAGE + 1, "limit");
    free(big);

    /* not NUL-terminated: only `length` bytes are read */
    expect_refused("{\"type\":\"bye\"}xyz", 10, "not JSON");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_round_trip),
        cmocka_unit_test(test_requests_refused),
        cmocka_unit_test(test_server_messages_round_trip),
        cmocka_unit_test(test_other_events),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
