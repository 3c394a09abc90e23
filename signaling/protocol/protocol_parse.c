/* protocol_parse.c - one client message (JSON text) to struct protocol_request
 * (protocol_parse_request() in protocol.h). The checks run in the order the header
 * states; the first that fails decides the error. */
#include "signaling/protocol/protocol.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "signaling/sdp/sdp.h"
#include "signaling/sdp/signaling_error.h"

static int fail(struct protocol_error *error, const char *code, const char *fmt, ...)
{
    error->code = code;
    va_list ap;
    va_start(ap, fmt);
    signaling_error_vset(error->message, sizeof error->message, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct {
    const char *name;
    enum protocol_request_type type;
} REQUEST_TYPES[] = {
    {"join", PROTOCOL_JOIN},           {"offer", PROTOCOL_OFFER},
    {"candidate", PROTOCOL_CANDIDATE}, {"end_of_candidates", PROTOCOL_END_OF_CANDIDATES},
    {"leave", PROTOCOL_LEAVE},         {"keepalive", PROTOCOL_KEEPALIVE},
    {"mute", PROTOCOL_MUTE},           {"video_quality", PROTOCOL_VIDEO_QUALITY},
};

/* A string field, required or optional (absent or null leaves *out NULL), of
 * min..max bytes. */
static int string_field(json_t *message, const char *key, bool required, size_t min, size_t max,
                        const char **out, struct protocol_error *error)
{
    json_t *v = json_object_get(message, key);
    if (v == NULL || json_is_null(v)) {
        if (required) return fail(error, "bad_request", "missing field \"%s\"", key);
        return 0;
    }
    if (!json_is_string(v)) return fail(error, "bad_request", "field \"%s\" must be a string", key);
    size_t len = json_string_length(v);
    if (len < min || len > max)
        return fail(error, "bad_request", "field \"%s\" must be %zu..%zu bytes long", key, min,
                    max);
    *out = json_string_value(v);
    return 0;
}

static int parse_join(struct protocol_request *r, struct protocol_error *error)
{
    if (string_field(r->message, "conference", true, 1, PROTOCOL_MAX_FIELD_BYTES, &r->conference,
                     error) ||
        string_field(r->message, "name", true, 1, PROTOCOL_MAX_NAME_CHARS * 4, &r->name, error) ||
        string_field(r->message, "pin", false, 0, PROTOCOL_MAX_FIELD_BYTES, &r->pin, error) ||
        string_field(r->message, "token", false, 0, PROTOCOL_MAX_FIELD_BYTES, &r->token, error) ||
        string_field(r->message, "content_of", false, 1, PROTOCOL_MAX_ID_BYTES, &r->content_of,
                     error))
        return -1;
    if (!protocol_valid_name(r->name, PROTOCOL_MAX_NAME_CHARS))
        return fail(
            error, "bad_request",
            "field \"name\" must be 1..%d characters of UTF-8 text without control characters",
            PROTOCOL_MAX_NAME_CHARS);
    return 0;
}

static int parse_candidate(struct protocol_request *r, struct protocol_error *error)
{
    if (string_field(r->message, "candidate", true, 1, PROTOCOL_MAX_CANDIDATE_BYTES, &r->candidate,
                     error) ||
        string_field(r->message, "sdpMid", false, 0, PROTOCOL_MAX_FIELD_BYTES, &r->sdp_mid, error))
        return -1;
    json_t *index = json_object_get(r->message, "sdpMLineIndex");
    if (index != NULL && !json_is_null(index)) {
        if (!json_is_integer(index) || json_integer_value(index) < 0 ||
            json_integer_value(index) > 65535)
            return fail(error, "bad_request",
                        "field \"sdpMLineIndex\" must be an integer 0..65535");
        r->sdp_mline_index = (int)json_integer_value(index);
    }
    /* Some stacks send "sdpMid": "" with an index: an empty mid counts as absent. */
    if (r->sdp_mid != NULL && r->sdp_mid[0] == '\0') {
        if (r->sdp_mline_index < 0)
            return fail(error, "bad_request", "field \"sdpMid\" must be 1..%d bytes long",
                        PROTOCOL_MAX_FIELD_BYTES);
        r->sdp_mid = NULL;
    }
    if (r->sdp_mid == NULL && r->sdp_mline_index < 0)
        return fail(error, "bad_request", "a candidate needs \"sdpMid\" or \"sdpMLineIndex\"");
    return 0;
}

/* An optional boolean: 1, 0, or -1 when absent. */
static int bool_field(json_t *message, const char *field, int *out, struct protocol_error *error)
{
    json_t *value = json_object_get(message, field);
    *out = -1;
    if (value == NULL || json_is_null(value)) return 0;
    if (!json_is_boolean(value))
        return fail(error, "bad_request", "field \"%s\" must be true or false", field);
    *out = json_is_true(value) ? 1 : 0;
    return 0;
}

static int parse_fields(struct protocol_request *r, struct protocol_error *error)
{
    switch (r->type) {
    case PROTOCOL_JOIN: return parse_join(r, error);
    case PROTOCOL_OFFER:
        return string_field(r->message, "sdp", true, 1, SDP_MAX_TEXT, &r->sdp, error);
    case PROTOCOL_CANDIDATE: return parse_candidate(r, error);
    case PROTOCOL_VIDEO_QUALITY:
        if (string_field(r->message, "quality", true, 1, 16, &r->video_quality, error)) return -1;
        if (strcmp(r->video_quality, "auto") != 0 && strcmp(r->video_quality, "high") != 0 &&
            strcmp(r->video_quality, "low") != 0)
            return fail(error, "bad_request",
                        "field \"quality\" must be \"auto\", \"high\" or \"low\"");
        break;
    case PROTOCOL_MUTE:
        if (bool_field(r->message, "audio", &r->mute_audio, error) ||
            bool_field(r->message, "video", &r->mute_video, error))
            return -1;
        if (r->mute_audio < 0 && r->mute_video < 0)
            return fail(error, "bad_request", "mute needs \"audio\" or \"video\" (true or false)");
        break;
    case PROTOCOL_END_OF_CANDIDATES:
    case PROTOCOL_LEAVE:
    case PROTOCOL_KEEPALIVE: break;
    }
    return 0;
}

/* Everything up to the type's own fields; on success r->message and r->id are set. */
static int parse_envelope(const char *text, size_t length, struct protocol_request *r,
                          struct protocol_error *error)
{
    if (length > PROTOCOL_MAX_MESSAGE)
        return fail(error, "message_too_large", "the message has %zu bytes; the limit is %d",
                    length, PROTOCOL_MAX_MESSAGE);
    if (text == NULL) return fail(error, "bad_json", "no message");
    json_error_t jerr;
    r->message = json_loadb(text, length, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (r->message == NULL)
        return fail(error, "bad_json", "not JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                    jerr.column);
    if (!json_is_object(r->message))
        return fail(error, "bad_json", "a message must be a JSON object");

    json_t *id = json_object_get(r->message, "id");
    if (json_is_string(id) || json_is_number(id)) error->id = json_incref(id);
    json_t *type = json_object_get(r->message, "type");
    if (type == NULL) return fail(error, "bad_request", "missing field \"type\"");
    if (!json_is_string(type)) return fail(error, "bad_request", "field \"type\" must be a string");
    size_t i = 0, count = sizeof REQUEST_TYPES / sizeof REQUEST_TYPES[0];
    while (i < count && strcmp(REQUEST_TYPES[i].name, json_string_value(type)) != 0) i++;
    if (i == count)
        return fail(error, "unknown_type", "no request type \"%.64s\"", json_string_value(type));
    error->request = REQUEST_TYPES[i].name;
    if (id == NULL) return fail(error, "bad_request", "missing field \"id\"");
    if (error->id == NULL)
        return fail(error, "bad_request", "field \"id\" must be a string or a number");

    json_t *version = json_object_get(r->message, "version");
    if (version != NULL && !json_is_integer(version))
        return fail(error, "bad_request", "field \"version\" must be an integer");
    if (version != NULL && json_integer_value(version) != PROTOCOL_VERSION)
        return fail(error, "unsupported_version",
                    "protocol version %" JSON_INTEGER_FORMAT
                    " is not spoken here (this server speaks %d)",
                    json_integer_value(version), PROTOCOL_VERSION);
    r->type = REQUEST_TYPES[i].type;
    r->type_name = REQUEST_TYPES[i].name;
    r->id = json_incref(error->id);
    return 0;
}

int protocol_parse_request(const char *text, size_t length, struct protocol_request *request,
                           struct protocol_error *error)
{
    memset(request, 0, sizeof *request);
    memset(error, 0, sizeof *error);
    request->sdp_mline_index = -1;
    request->mute_audio = request->mute_video = -1;
    if (parse_envelope(text, length, request, error) == 0 && parse_fields(request, error) == 0) {
        protocol_error_clear(error);
        return 0;
    }
    protocol_request_clear(request);
    return -1;
}

void protocol_request_clear(struct protocol_request *request)
{
    json_decref(request->id);
    json_decref(request->message);
    memset(request, 0, sizeof *request);
    request->sdp_mline_index = -1;
    request->mute_audio = request->mute_video = -1;
}

void protocol_error_clear(struct protocol_error *error)
{
    json_decref(error->id);
    memset(error, 0, sizeof *error);
}
