/* test_protocol.c - the signalling protocol (signaling/protocol/protocol.h, docs/protocol.md):
 * every request type, every parse error, id echo, limits, and the server messages
 * (checked by parsing the built JSON back with jansson). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "signaling/protocol/protocol.h"
#include "signaling/sdp/sdp.h"

static const char *const TYPE_NAMES[] = {"join",  "offer",    "candidate", "end_of_candidates",
                                         "leave", "keepalive"};

static void expect_ok(const char *text, enum protocol_request_type type,
                      struct protocol_request *req)
{
    struct protocol_error error;
    int rc = protocol_parse_request(text, strlen(text), req, &error);
    if (rc != 0) fprintf(stderr, "%s -> %s: %s\n", text, error.code, error.message);
    assert_int_equal(rc, 0);
    assert_null(error.id);
    assert_null(error.code);
    assert_int_equal(req->type, type);
    assert_string_equal(req->type_name, TYPE_NAMES[type]);
    assert_non_null(req->id);
}

/* Parse must fail with `code` and a message mentioning `part`. */
static void expect_error(const char *text, size_t len, const char *code, const char *part)
{
    struct protocol_request req;
    struct protocol_error error;
    int rc = protocol_parse_request(text, len, &req, &error);
    if (rc != -1 || error.code == NULL || strcmp(error.code, code) != 0 ||
        strstr(error.message, part) == NULL)
        fprintf(stderr, "%.80s -> %s \"%s\", want %s \"%s\"\n", text ? text : "(null)",
                error.code ? error.code : "ok", error.message, code, part);
    assert_int_equal(rc, -1);
    assert_string_equal(error.code, code);
    assert_non_null(strstr(error.message, part));
    assert_null(req.message); /* nothing left to release in req */
    assert_null(req.id);
    protocol_error_clear(&error);
    protocol_request_clear(&req);
}

static void expect_error_text(const char *text, const char *code, const char *part)
{
    expect_error(text, strlen(text), code, part);
}

/* Parses built JSON text back; fails the test if it is not an object. */
static json_t *load(char *text)
{
    assert_non_null(text);
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(v);
    assert_true(json_is_object(v));
    return v;
}

static void test_join(void **state)
{
    (void)state;
    struct protocol_request req;
    expect_ok(
        "{\"type\":\"join\",\"id\":1,\"conference\":\"echo\",\"name\":\"S\xe1\xbb\x9f Y t\xe1\xba\xbf\",\"pin\":\"1234\"}",
        PROTOCOL_JOIN, &req);
    assert_int_equal(json_integer_value(req.id), 1);
    assert_string_equal(req.conference, "echo");
    assert_string_equal(req.name, "S\xe1\xbb\x9f Y t\xe1\xba\xbf");
    assert_string_equal(req.pin, "1234");
    assert_null(req.token);
    protocol_request_clear(&req);
    assert_null(req.message);
    assert_null(req.id);

    expect_ok(
        "{\"type\":\"join\",\"id\":\"j-1\",\"conference\":\"c\",\"name\":\"A\",\"token\":\"t0k\",\"version\":1,\"extra\":[1]}",
        PROTOCOL_JOIN, &req);
    assert_string_equal(json_string_value(req.id), "j-1");
    assert_string_equal(req.token, "t0k");
    assert_null(req.pin);
    assert_null(req.content_of);
    protocol_request_clear(&req);

    /* a content (presentation) connection of room p3f9c2a */
    expect_ok("{\"type\":\"join\",\"id\":2,\"conference\":\"c\",\"name\":\"A\",\"pin\":\"1\","
              "\"content_of\":\"p3f9c2a\"}",
              PROTOCOL_JOIN, &req);
    assert_string_equal(req.content_of, "p3f9c2a");
    protocol_request_clear(&req);
}

static void test_offer_candidate_and_bare_requests(void **state)
{
    (void)state;
    struct protocol_request req;
    expect_ok("{\"type\":\"offer\",\"id\":2,\"sdp\":\"v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\n\"}",
              PROTOCOL_OFFER, &req);
    assert_string_equal(req.sdp, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
    protocol_request_clear(&req);

    expect_ok(
        "{\"type\":\"candidate\",\"id\":3,\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\","
        "\"sdpMid\":\"0\",\"sdpMLineIndex\":0}",
        PROTOCOL_CANDIDATE, &req);
    assert_string_equal(req.candidate, "candidate:1 1 udp 1 127.0.0.1 5000 typ host");
    assert_string_equal(req.sdp_mid, "0");
    assert_int_equal(req.sdp_mline_index, 0);
    protocol_request_clear(&req);

    expect_ok(
        "{\"type\":\"candidate\",\"id\":4,\"candidate\":\"candidate:x\",\"sdpMid\":null,\"sdpMLineIndex\":1}",
        PROTOCOL_CANDIDATE, &req);
    assert_null(req.sdp_mid);
    assert_int_equal(req.sdp_mline_index, 1);
    protocol_request_clear(&req);

    expect_ok(
        "{\"type\":\"candidate\",\"id\":5,\"candidate\":\"candidate:x\",\"sdpMid\":\"audio0\"}",
        PROTOCOL_CANDIDATE, &req);
    assert_int_equal(req.sdp_mline_index, -1);
    protocol_request_clear(&req);

    /* An empty sdpMid with an index counts as absent (some stacks send it so). */
    expect_ok("{\"type\":\"candidate\",\"id\":9,\"candidate\":\"candidate:x\",\"sdpMid\":\"\","
              "\"sdpMLineIndex\":0}",
              PROTOCOL_CANDIDATE, &req);
    assert_null(req.sdp_mid);
    assert_int_equal(req.sdp_mline_index, 0);
    protocol_request_clear(&req);

    expect_ok("{\"type\":\"end_of_candidates\",\"id\":6}", PROTOCOL_END_OF_CANDIDATES, &req);
    protocol_request_clear(&req);
    expect_ok("{\"type\":\"leave\",\"id\":7}", PROTOCOL_LEAVE, &req);
    protocol_request_clear(&req);
    expect_ok(" {\"id\":8, \"type\":\"keepalive\"} \n", PROTOCOL_KEEPALIVE, &req);
    protocol_request_clear(&req);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error_text("", "bad_json", "not JSON");
    expect_error_text("{\"type\":\"join\"", "bad_json", "not JSON");
    expect_error_text("{\"type\":\"leave\",\"id\":1} trailing", "bad_json", "not JSON");
    expect_error_text("[1,2]", "bad_json", "object");
    expect_error_text("\"join\"", "bad_json", "object");
    expect_error_text("{\"type\":\"leave\",\"type\":\"join\",\"id\":1}", "bad_json", "duplicate");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"name\":\"a\\u0000b\",\"conference\":\"c\"}",
                      "bad_json", "not JSON");
    expect_error(NULL, 0, "bad_json", "no message");

    expect_error_text("{\"id\":1}", "bad_request", "\"type\"");
    expect_error_text("{\"type\":5,\"id\":1}", "bad_request", "\"type\" must be a string");
    expect_error_text("{\"type\":\"leave\"}", "bad_request", "\"id\"");
    expect_error_text("{\"type\":\"leave\",\"id\":{}}", "bad_request", "\"id\" must be");
    expect_error_text("{\"type\":\"leave\",\"id\":null}", "bad_request", "\"id\" must be");
    expect_error_text("{\"type\":\"leave\",\"id\":1,\"version\":\"1\"}", "bad_request", "version");
    expect_error_text("{\"type\":\"leave\",\"id\":1,\"version\":2}", "unsupported_version",
                      "version 2");
    expect_error_text("{\"type\":\"leave\",\"id\":1,\"version\":0}", "unsupported_version",
                      "speaks 1");
    expect_error_text("{\"type\":\"dance\",\"id\":1}", "unknown_type", "\"dance\"");
    expect_error_text("{\"type\":\"hello\",\"id\":1}", "unknown_type", "hello");

    /* join */
    expect_error_text("{\"type\":\"join\",\"id\":1,\"name\":\"a\"}", "bad_request",
                      "\"conference\"");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":\"\",\"name\":\"a\"}",
                      "bad_request", "\"conference\"");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":7,\"name\":\"a\"}", "bad_request",
                      "\"conference\" must be a string");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":\"c\"}", "bad_request",
                      "\"name\"");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"\"}",
                      "bad_request", "\"name\"");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\\nb\"}",
                      "bad_request", "\"name\"");
    expect_error_text(
        "{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\",\"pin\":1234}",
        "bad_request", "\"pin\" must be a string");
    expect_error_text(
        "{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\",\"token\":[]}",
        "bad_request", "\"token\"");
    expect_error_text(
        "{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\",\"content_of\":\"\"}",
        "bad_request", "\"content_of\"");
    expect_error_text("{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\","
                      "\"content_of\":\"0123456789abcdef0123456789abcdef0\"}",
                      "bad_request", "\"content_of\"");
    expect_error_text(
        "{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"a\",\"content_of\":7}",
        "bad_request", "\"content_of\"");
    /* offer */
    expect_error_text("{\"type\":\"offer\",\"id\":1}", "bad_request", "\"sdp\"");
    expect_error_text("{\"type\":\"offer\",\"id\":1,\"sdp\":\"\"}", "bad_request", "\"sdp\"");
    expect_error_text("{\"type\":\"offer\",\"id\":1,\"sdp\":{}}", "bad_request", "\"sdp\"");
    /* candidate */
    expect_error_text("{\"type\":\"candidate\",\"id\":1,\"sdpMid\":\"0\"}", "bad_request",
                      "\"candidate\"");
    expect_error_text("{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\"}", "bad_request",
                      "sdpMid");
    expect_error_text("{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\",\"sdpMLineIndex\":-1}",
                      "bad_request", "sdpMLineIndex");
    expect_error_text(
        "{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\",\"sdpMLineIndex\":\"0\"}",
        "bad_request", "sdpMLineIndex");
    expect_error_text("{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\",\"sdpMid\":5}",
                      "bad_request", "sdpMid");
    /* ... but an empty sdpMid alone is no mid at all */
    expect_error_text("{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\",\"sdpMid\":\"\"}",
                      "bad_request", "\"sdpMid\" must be 1..256 bytes");
    expect_error_text(
        "{\"type\":\"candidate\",\"id\":1,\"candidate\":\"c\",\"sdpMid\":\"\",\"sdpMLineIndex\":null}",
        "bad_request", "sdpMid");
}

/* On error the id and the request type are kept, so the error can echo them. */
static void test_error_keeps_id_and_type(void **state)
{
    (void)state;
    struct protocol_request req;
    struct protocol_error error;
    const char *text = "{\"type\":\"join\",\"id\":\"abc\",\"conference\":\"c\"}";
    assert_int_equal(protocol_parse_request(text, strlen(text), &req, &error), -1);
    assert_string_equal(json_string_value(error.id), "abc");
    assert_string_equal(error.request, "join");
    json_t *msg = load(protocol_build_error(error.id, error.request, error.code, error.message));
    assert_string_equal(json_string_value(json_object_get(msg, "id")), "abc");
    assert_string_equal(json_string_value(json_object_get(msg, "request")), "join");
    json_decref(msg);
    protocol_error_clear(&error);
    assert_null(error.id);

    text = "{\"type\":\"fly\",\"id\":9}";
    assert_int_equal(protocol_parse_request(text, strlen(text), &req, &error), -1);
    assert_int_equal(json_integer_value(error.id), 9);
    assert_null(error.request); /* an unknown type is not echoed */
    protocol_error_clear(&error);

    text = "{\"type\":\"offer\",\"id\":[1]}";
    assert_int_equal(protocol_parse_request(text, strlen(text), &req, &error), -1);
    assert_null(error.id);
    assert_string_equal(error.request, "offer");
    protocol_error_clear(&error);

    text = "not json";
    assert_int_equal(protocol_parse_request(text, strlen(text), &req, &error), -1);
    assert_null(error.id);
    assert_null(error.request);
    msg = load(protocol_build_error(error.id, error.request, error.code, error.message));
    assert_true(json_is_null(json_object_get(msg, "id")));
    assert_true(json_is_null(json_object_get(msg, "request")));
    json_decref(msg);
    protocol_error_clear(&error);
}

static void test_id_echo_exact(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"{\"type\":\"keepalive\",\"id\":42}", "42"},
        {"{\"type\":\"keepalive\",\"id\":-7}", "-7"},
        {"{\"type\":\"keepalive\",\"id\":9007199254740993}", "9007199254740993"},
        {"{\"type\":\"keepalive\",\"id\":1.5}", "1.5"},
        {"{\"type\":\"keepalive\",\"id\":\"x-1\"}", "\"x-1\""},
        {"{\"type\":\"keepalive\",\"id\":\"\"}", "\"\""},
        {"{\"type\":\"keepalive\",\"id\":\"\xe1\xbb\x9f \\\"q\\\"\"}",
         "\"\xe1\xbb\x9f \\\"q\\\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct protocol_request req;
        expect_ok(cases[i][0], PROTOCOL_KEEPALIVE, &req);
        char *reply = protocol_build_reply(req.id, req.type_name, NULL);
        assert_non_null(reply);
        char want[160];
        snprintf(want, sizeof want,
                 "{\"type\":\"reply\",\"id\":%s,\"request\":\"keepalive\",\"data\":{}}",
                 cases[i][1]);
        assert_string_equal(reply, want);
        free(reply);
        char *error = protocol_build_error(req.id, req.type_name, "not_joined", "join first");
        snprintf(
            want, sizeof want,
            "{\"type\":\"error\",\"id\":%s,\"request\":\"keepalive\",\"error\":{\"code\":\"not_joined\",\"message\":\"join first\"}}",
            cases[i][1]);
        assert_string_equal(error, want);
        free(error);
        protocol_request_clear(&req);
    }
}

static void test_size_limit(void **state)
{
    (void)state;
    size_t big = PROTOCOL_MAX_MESSAGE + 1;
    char *text = malloc(big + 1);
    assert_non_null(text);
    /* a well-formed offer just over the limit */
    const char *head = "{\"type\":\"offer\",\"id\":1,\"sdp\":\"";
    size_t hl = strlen(head);
    memcpy(text, head, hl);
    memset(text + hl, 'a', big - hl - 2);
    memcpy(text + big - 2, "\"}", 2);
    text[big] = '\0';
    expect_error(text, big, "message_too_large", "limit");
    /* one byte shorter: exactly at the limit, accepted */
    memcpy(text + big - 3, "\"}", 2);
    text[big - 1] = '\0';
    struct protocol_request req;
    struct protocol_error error;
    assert_int_equal(protocol_parse_request(text, big - 1, &req, &error), 0);
    assert_int_equal(strlen(req.sdp), big - 1 - hl - 2);
    protocol_request_clear(&req);
    free(text);
}

static char *join_with_name(const char *name)
{
    char *text = malloc(strlen(name) + 128);
    assert_non_null(text);
    sprintf(text, "{\"type\":\"join\",\"id\":1,\"conference\":\"c\",\"name\":\"%s\"}", name);
    return text;
}

static void test_name_rules(void **state)
{
    (void)state;
    /* 64 three-byte characters pass, 65 fail: the limit counts characters */
    char name[65 * 3 + 1] = "";
    for (int i = 0; i < 64; i++) strcat(name, "\xe1\xbb\x87"); /* U+1EC7 */
    char *text = join_with_name(name);
    struct protocol_request req;
    expect_ok(text, PROTOCOL_JOIN, &req);
    protocol_request_clear(&req);
    free(text);
    strcat(name, "\xe1\xbb\x87");
    text = join_with_name(name);
    expect_error_text(text, "bad_request", "\"name\"");
    free(text);

    /* invalid UTF-8 in the message is not JSON (RFC 8259) */
    text = join_with_name("ab\xff");
    expect_error_text(text, "bad_json", "not JSON");
    free(text);
    text = join_with_name("\xc0\xaf"); /* overlong '/' */
    expect_error_text(text, "bad_json", "not JSON");
    free(text);

    /* the name rule on its own */
    assert_true(protocol_valid_name("Ph\xc3\xb2ng h\xe1\xbb\x8dp", 64));
    assert_true(protocol_valid_name("\xf0\x9f\x8e\xa5", 1)); /* U+1F3A5, 4 bytes */
    assert_false(protocol_valid_name("ab", 1));
    assert_false(protocol_valid_name("", 64));
    assert_false(protocol_valid_name(NULL, 64));
    assert_false(protocol_valid_name("a\xff", 64));
    assert_false(protocol_valid_name("\xe1\xbb", 64));         /* truncated sequence */
    assert_false(protocol_valid_name("\xed\xa0\x80", 64));     /* UTF-16 surrogate */
    assert_false(protocol_valid_name("\xf4\x90\x80\x80", 64)); /* above U+10FFFF */
    assert_false(protocol_valid_name("\xe0\x80\xaf", 64));     /* overlong */
    assert_false(protocol_valid_name("tab\there", 64));
    assert_false(protocol_valid_name("del\x7f", 64));
    assert_false(protocol_valid_name("c1\xc2\x85", 64)); /* U+0085 */
}

static void test_builders(void **state)
{
    (void)state;
    char *hello = protocol_build_hello();
    assert_string_equal(hello, "{\"type\":\"hello\",\"version\":1,\"server\":\"hoinghi/0.1\"}");
    free(hello);

    json_t *id = json_integer(1);
    json_t *data = json_pack("{s:s, s:s}", "participant", "p3f9c2a", "conference", "echo");
    json_t *msg = load(protocol_build_reply(id, "join", data));
    assert_string_equal(json_string_value(json_object_get(msg, "type")), "reply");
    assert_int_equal(json_integer_value(json_object_get(msg, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(msg, "request")), "join");
    assert_true(json_equal(json_object_get(msg, "data"), data));
    json_decref(msg);
    assert_null(protocol_build_reply(NULL, "join", data)); /* a reply needs an id */
    json_t *array = json_array();
    assert_null(protocol_build_reply(id, "join", array)); /* data must be an object */
    assert_null(protocol_build_reply(array, "join", NULL));
    json_decref(array);
    json_decref(data);

    /* an unreadable message: id and request are null */
    msg = load(protocol_build_error(NULL, NULL, "bad_json", "not JSON: ..."));
    assert_true(json_is_null(json_object_get(msg, "id")));
    assert_true(json_is_null(json_object_get(msg, "request")));
    json_t *error = json_object_get(msg, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "bad_json");
    assert_string_equal(json_string_value(json_object_get(error, "message")), "not JSON: ...");
    json_decref(msg);
    msg = load(protocol_build_error(id, "offer", sdp_error_code(SDP_ERROR_NO_BUNDLE), NULL));
    error = json_object_get(msg, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "sdp_no_bundle");
    assert_true(json_string_length(json_object_get(error, "message")) > 0);
    json_decref(msg);
    json_decref(id);

    msg = load(protocol_build_candidate_event(
        "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "0", 0));
    assert_string_equal(json_string_value(json_object_get(msg, "type")), "candidate");
    assert_string_equal(json_string_value(json_object_get(msg, "candidate")),
                        "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host");
    assert_string_equal(json_string_value(json_object_get(msg, "sdpMid")), "0");
    assert_int_equal(json_integer_value(json_object_get(msg, "sdpMLineIndex")), 0);
    assert_null(json_object_get(msg, "id"));
    json_decref(msg);
    msg = load(protocol_build_candidate_event("candidate:x", NULL, -1));
    assert_null(json_object_get(msg, "sdpMid"));
    assert_null(json_object_get(msg, "sdpMLineIndex"));
    json_decref(msg);
    assert_null(protocol_build_candidate_event(NULL, "0", 0));

    char *eoc = protocol_build_end_of_candidates_event();
    assert_string_equal(eoc, "{\"type\":\"end_of_candidates\"}");
    free(eoc);

    static const char *const states[] = {"connecting", "connected", "failed", "closed"};
    for (size_t i = 0; i < 4; i++) {
        const char *reason = i >= 2 ? "ice timeout" : NULL;
        msg = load(protocol_build_media_event(states[i], reason));
        assert_string_equal(json_string_value(json_object_get(msg, "type")), "media");
        assert_string_equal(json_string_value(json_object_get(msg, "state")), states[i]);
        if (reason != NULL)
            assert_string_equal(json_string_value(json_object_get(msg, "reason")), reason);
        else
            assert_null(json_object_get(msg, "reason"));
        json_decref(msg);
    }
    assert_null(protocol_build_media_event("dancing", NULL)); /* not a protocol state */
    assert_null(protocol_build_media_event(NULL, NULL));

    msg = load(protocol_build_bye("conference ended"));
    assert_string_equal(json_string_value(json_object_get(msg, "type")), "bye");
    assert_string_equal(json_string_value(json_object_get(msg, "reason")), "conference ended");
    json_decref(msg);

    /* non-ASCII stays UTF-8 and round-trips */
    msg = load(protocol_build_bye("h\xe1\xbb\x99i ngh\xe1\xbb\x8b k\xe1\xba\xbft th\xc3\xba"
                                  "c"));
    assert_string_equal(json_string_value(json_object_get(msg, "reason")),
                        "h\xe1\xbb\x99i ngh\xe1\xbb\x8b k\xe1\xba\xbft th\xc3\xba"
                        "c");
    json_decref(msg);
}

static void test_error_texts(void **state)
{
    (void)state;
    /* a long unknown type is cut in the message, which stays within its buffer */
    char text[600];
    snprintf(text, sizeof text, "{\"type\":\"%0500d\",\"id\":1}", 7);
    expect_error_text(text, "unknown_type", "no request type");
    assert_null(protocol_build_error(NULL, NULL, NULL, "x")); /* a code is required */
    char *e = protocol_build_error(NULL, NULL, "internal_error", NULL);
    assert_string_equal(
        e,
        "{\"type\":\"error\",\"id\":null,\"request\":null,\"error\":{\"code\":\"internal_error\",\"message\":\"internal_error\"}}");
    free(e);
}

/* Found by fuzzing (tests/fuzz/regressions/fuzz_protocol/): a message whose JSON
 * error quotes bytes that are not UTF-8 (jansson says "invalid escape near '"\xe1'")
 * must still get its bad_json reply; the bytes become '?'. */
static void test_error_reply_for_non_utf8_input(void **state)
{
    (void)state;
    static const char text[] = "{\"type\": \"join\", \"id\": 1, \"name\": \"\\\xe1\xbb\x9f Y\"}";
    struct protocol_request req;
    struct protocol_error error;
    assert_int_equal(protocol_parse_request(text, sizeof text - 1, &req, &error), -1);
    assert_string_equal(error.code, "bad_json");
    char *reply = protocol_build_error(error.id, error.request, error.code, error.message);
    assert_non_null(reply);
    json_t *msg = load(reply);
    const char *message =
        json_string_value(json_object_get(json_object_get(msg, "error"), "message"));
    assert_non_null(message);
    assert_non_null(strstr(message, "invalid escape"));
    assert_true(protocol_valid_name(message, 1000));
    json_decref(msg);
    protocol_error_clear(&error);

    /* a message cut in the middle of a UTF-8 sequence, valid text kept as it is */
    reply = protocol_build_error(NULL, NULL, "bad_request", "ab\xc3");
    assert_non_null(reply);
    assert_non_null(strstr(reply, "\"ab?\""));
    free(reply);
    char *fixed = protocol_utf8_sanitize("S\xe1\xbb\x9f \xff\xfe y t\xe1\xba\xbf\xed\xa0\x80");
    assert_string_equal(fixed, "S\xe1\xbb\x9f ?? y t\xe1\xba\xbf???");
    free(fixed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_offer_candidate_and_bare_requests),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_error_keeps_id_and_type),
        cmocka_unit_test(test_id_echo_exact),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_builders),
        cmocka_unit_test(test_error_texts),
        cmocka_unit_test(test_error_reply_for_non_utf8_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
