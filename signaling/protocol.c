/* protocol.c - signalling protocol v1 messages; see protocol.h and docs/protocol.md. */
#include "signaling/protocol.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SERVER_NAME "hoinghi/0.1"

static const struct {
    const char *name;
    enum protocol_request_type type;
} request_types[] = {
    {"join", PROTOCOL_JOIN},
    {"offer", PROTOCOL_OFFER},
    {"candidate", PROTOCOL_CANDIDATE},
    {"end_of_candidates", PROTOCOL_END_OF_CANDIDATES},
    {"leave", PROTOCOL_LEAVE},
    {"keepalive", PROTOCOL_KEEPALIVE},
};

static int fail(struct protocol_error *error, const char *code, const char *fmt, const char *arg)
{
    error->code = code;
    snprintf(error->message, sizeof error->message, fmt, arg ? arg : "");
    return -1;
}

/* Counts UTF-8 characters; -1 when the bytes are not valid UTF-8. */
static long utf8_length(const char *s)
{
    long count = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra;
        if (*p < 0x80) extra = 0;
        else if ((*p & 0xE0) == 0xC0 && *p >= 0xC2) extra = 1;
        else if ((*p & 0xF0) == 0xE0) extra = 2;
        else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4) extra = 3;
        else return -1;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xC0) != 0x80) return -1;
        count++;
    }
    return count;
}

/* A string field: required or optional, non-empty when present. */
static int string_field(json_t *message, const char *field, bool required, const char **out,
                        struct protocol_error *error)
{
    json_t *value = json_object_get(message, field);
    *out = NULL;
    if (!value || json_is_null(value)) {
        if (required) return fail(error, "bad_request", "the field '%s' is missing", field);
        return 0;
    }
    if (!json_is_string(value))
        return fail(error, "bad_request", "the field '%s' must be a string", field);
    *out = json_string_value(value);
    return 0;
}

int protocol_parse_request(const char *text, size_t length, struct protocol_request *r,
                           struct protocol_error *error)
{
    memset(r, 0, sizeof *r);
    memset(error, 0, sizeof *error);
    r->sdp_mline_index = -1;
    if (length > PROTOCOL_MAX_MESSAGE)
        return fail(error, "message_too_large", "the message is larger than 64 KiB%s", NULL);

    json_error_t json_error;
    json_t *message = json_loadb(text, length, JSON_REJECT_DUPLICATES, &json_error);
    if (!message)
        return fail(error, "bad_json", "the message is not JSON: %s", json_error.text);
    if (!json_is_object(message)) {
        json_decref(message);
        return fail(error, "bad_json", "the message must be a JSON object%s", NULL);
    }

    json_t *id = json_object_get(message, "id");
    if (id && (json_is_string(id) || json_is_integer(id))) error->id = json_incref(id);

    json_t *type = json_object_get(message, "type");
    if (!json_is_string(type)) {
        json_decref(message);
        return fail(error, "bad_request", "the field 'type' is missing or not a string%s", NULL);
    }
    const char *type_name = json_string_value(type);
    size_t i;
    for (i = 0; i < sizeof request_types / sizeof request_types[0]; i++)
        if (strcmp(request_types[i].name, type_name) == 0) break;
    if (i == sizeof request_types / sizeof request_types[0]) {
        char message_text[96];
        snprintf(message_text, sizeof message_text, "%.64s", type_name);
        json_decref(message);
        return fail(error, "unknown_type", "there is no request type '%s'", message_text);
    }
    error->request = request_types[i].name;
    if (!error->id) {
        json_decref(message);
        return fail(error, "bad_request", "the field 'id' (a string or a number) is missing%s", NULL);
    }
    json_t *version = json_object_get(message, "version");
    if (version && !(json_is_integer(version) && json_integer_value(version) == PROTOCOL_VERSION)) {
        json_decref(message);
        return fail(error, "unsupported_version", "this server speaks protocol version 1%s", NULL);
    }

    r->type = request_types[i].type;
    r->type_name = request_types[i].name;
    r->message = message;
    r->id = error->id;
    error->id = NULL;

    int rc = 0;
    switch (r->type) {
    case PROTOCOL_JOIN:
        rc = string_field(message, "conference", true, &r->conference, error);
        if (rc == 0) rc = string_field(message, "name", true, &r->name, error);
        if (rc == 0) rc = string_field(message, "pin", false, &r->pin, error);
        if (rc == 0) rc = string_field(message, "token", false, &r->token, error);
        if (rc == 0) {
            long chars = utf8_length(r->name);
            if (chars < 1 || chars > PROTOCOL_MAX_NAME_CHARS)
                rc = fail(error, "bad_request",
                          "the field 'name' must be 1 to 64 characters of UTF-8%s", NULL);
        }
        break;
    case PROTOCOL_OFFER:
        rc = string_field(message, "sdp", true, &r->sdp, error);
        break;
    case PROTOCOL_CANDIDATE: {
        rc = string_field(message, "candidate", true, &r->candidate, error);
        if (rc == 0) rc = string_field(message, "sdpMid", false, &r->sdp_mid, error);
        json_t *index = json_object_get(message, "sdpMLineIndex");
        if (rc == 0 && index && !json_is_null(index)) {
            if (!json_is_integer(index) || json_integer_value(index) < 0 ||
                json_integer_value(index) > 255)
                rc = fail(error, "bad_request", "the field 'sdpMLineIndex' must be a small number%s", NULL);
            else
                r->sdp_mline_index = (int)json_integer_value(index);
        }
        break;
    }
    case PROTOCOL_END_OF_CANDIDATES:
    case PROTOCOL_LEAVE:
    case PROTOCOL_KEEPALIVE:
        break;
    }
    if (rc != 0) {
        error->id = r->id;
        r->id = NULL;
        protocol_request_clear(r);
        return -1;
    }
    return 0;
}

void protocol_request_clear(struct protocol_request *r)
{
    json_decref(r->id);
    json_decref(r->message);
    memset(r, 0, sizeof *r);
}

void protocol_error_clear(struct protocol_error *error)
{
    json_decref(error->id);
    memset(error, 0, sizeof *error);
}

static char *dump(json_t *object)
{
    char *text = json_dumps(object, JSON_COMPACT);
    json_decref(object);
    return text;
}

char *protocol_build_hello(void)
{
    return dump(json_pack("{s:s, s:i, s:s}", "type", "hello", "version", PROTOCOL_VERSION,
                          "server", SERVER_NAME));
}

char *protocol_build_reply(const json_t *id, const char *request, json_t *data)
{
    json_t *m = json_pack("{s:s, s:O?, s:s?}", "type", "reply", "id", id, "request", request);
    if (data)
        json_object_set(m, "data", data);
    else
        json_object_set_new(m, "data", json_object());
    return dump(m);
}

char *protocol_build_error(const json_t *id, const char *request, const char *code,
                           const char *message)
{
    return dump(json_pack("{s:s, s:O?, s:s?, s:{s:s, s:s}}", "type", "error", "id", id,
                          "request", request, "error", "code", code, "message", message));
}

char *protocol_build_candidate_event(const char *candidate, const char *sdp_mid, int mline_index)
{
    return dump(json_pack("{s:s, s:s, s:s, s:i}", "type", "candidate", "candidate", candidate,
                          "sdpMid", sdp_mid, "sdpMLineIndex", mline_index));
}

char *protocol_build_end_of_candidates_event(void)
{
    return dump(json_pack("{s:s}", "type", "end_of_candidates"));
}

char *protocol_build_media_event(const char *state, const char *reason)
{
    json_t *m = json_pack("{s:s, s:s}", "type", "media", "state", state);
    if (reason) json_object_set_new(m, "reason", json_string(reason));
    return dump(m);
}

char *protocol_build_bye(const char *reason)
{
    return dump(json_pack("{s:s, s:s}", "type", "bye", "reason", reason));
}
