/* protocol_parse.c - one client message (JSON text) to struct protocol_request
 * (protocol_parse_request() in protocol.h). The checks run in a fixed order: size,
 * JSON, object, type, id, version, known type, then the type's own fields. */
#include "signaling/protocol.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CANDIDATE_MAX_BYTES 1024

static enum protocol_error fail(enum protocol_error e, char *err, size_t errlen, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return e;
}

static const struct {
    const char *name;
    enum protocol_request_type type;
} REQUEST_TYPES[] = {
    {"join", PROTOCOL_REQUEST_JOIN},
    {"offer", PROTOCOL_REQUEST_OFFER},
    {"candidate", PROTOCOL_REQUEST_CANDIDATE},
    {"end_of_candidates", PROTOCOL_REQUEST_END_OF_CANDIDATES},
    {"leave", PROTOCOL_REQUEST_LEAVE},
    {"keepalive", PROTOCOL_REQUEST_KEEPALIVE},
};

/* A string field: required or optional (absent or null leaves *out NULL), with a
 * length in bytes of min..max. */
static enum protocol_error string_field(json_t *root, const char *key, bool required, size_t min,
                                        size_t max, const char **out, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "missing field \"%s\"", key);
        return PROTOCOL_OK;
    }
    if (!json_is_string(v))
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "field \"%s\" must be a string", key);
    size_t len = json_string_length(v);
    if (len < min || len > max)
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "field \"%s\" must be %zu..%zu bytes long",
                    key, min, max);
    *out = json_string_value(v);
    return PROTOCOL_OK;
}

static enum protocol_error parse_join(struct protocol_request *r, char *err, size_t errlen)
{
    enum protocol_error rc;
    if ((rc = string_field(r->root, "conference", true, 1, PROTOCOL_FIELD_MAX_BYTES, &r->conference, err, errlen)) ||
        (rc = string_field(r->root, "name", true, 1, PROTOCOL_NAME_MAX_CHARS * 4, &r->name, err, errlen)) ||
        (rc = string_field(r->root, "pin", false, 0, PROTOCOL_FIELD_MAX_BYTES, &r->pin, err, errlen)) ||
        (rc = string_field(r->root, "token", false, 0, PROTOCOL_FIELD_MAX_BYTES, &r->token, err, errlen)))
        return rc;
    if (!protocol_valid_name(r->name, PROTOCOL_NAME_MAX_CHARS))
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen,
                    "field \"name\" must be 1..%d characters of UTF-8 text without control characters",
                    PROTOCOL_NAME_MAX_CHARS);
    return PROTOCOL_OK;
}

static enum protocol_error parse_candidate(struct protocol_request *r, char *err, size_t errlen)
{
    enum protocol_error rc;
    if ((rc = string_field(r->root, "candidate", true, 1, CANDIDATE_MAX_BYTES, &r->candidate, err, errlen)) ||
        (rc = string_field(r->root, "sdpMid", false, 1, PROTOCOL_FIELD_MAX_BYTES, &r->sdp_mid, err, errlen)))
        return rc;
    json_t *index = json_object_get(r->root, "sdpMLineIndex");
    if (index != NULL && !json_is_null(index)) {
        if (!json_is_integer(index) || json_integer_value(index) < 0 || json_integer_value(index) > 65535)
            return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen,
                        "field \"sdpMLineIndex\" must be an integer 0..65535");
        r->sdp_mline_index = (int)json_integer_value(index);
    }
    if (r->sdp_mid == NULL && r->sdp_mline_index < 0)
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen,
                    "a candidate needs \"sdpMid\" or \"sdpMLineIndex\"");
    return PROTOCOL_OK;
}

static enum protocol_error parse_fields(struct protocol_request *r, char *err, size_t errlen)
{
    switch (r->type) {
    case PROTOCOL_REQUEST_JOIN:
        return parse_join(r, err, errlen);
    case PROTOCOL_REQUEST_OFFER:
        return string_field(r->root, "sdp", true, 1, SDP_MAX_TEXT, &r->sdp, err, errlen);
    case PROTOCOL_REQUEST_CANDIDATE:
        return parse_candidate(r, err, errlen);
    case PROTOCOL_REQUEST_END_OF_CANDIDATES:
    case PROTOCOL_REQUEST_LEAVE:
    case PROTOCOL_REQUEST_KEEPALIVE:
        break;
    }
    return PROTOCOL_OK;
}

enum protocol_error protocol_parse_request(const char *text, size_t len, struct protocol_request *req,
                                           char *err, size_t errlen)
{
    memset(req, 0, sizeof *req);
    req->version = PROTOCOL_VERSION;
    req->sdp_mline_index = -1;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (len > PROTOCOL_MAX_MESSAGE)
        return fail(PROTOCOL_ERROR_MESSAGE_TOO_LARGE, err, errlen,
                    "the message has %zu bytes; the limit is %d", len, PROTOCOL_MAX_MESSAGE);
    if (text == NULL)
        return fail(PROTOCOL_ERROR_BAD_JSON, err, errlen, "no message");

    json_error_t jerr;
    req->root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (req->root == NULL)
        return fail(PROTOCOL_ERROR_BAD_JSON, err, errlen, "not JSON: %s (line %d, column %d)", jerr.text,
                    jerr.line, jerr.column);
    if (!json_is_object(req->root))
        return fail(PROTOCOL_ERROR_BAD_JSON, err, errlen, "a message must be a JSON object");

    json_t *type = json_object_get(req->root, "type");
    if (json_is_string(type))
        req->type_name = json_string_value(type);
    json_t *id = json_object_get(req->root, "id");
    if (json_is_string(id) || json_is_number(id))
        req->id = id;
    if (req->type_name == NULL)
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen,
                    type ? "field \"type\" must be a string" : "missing field \"type\"");
    if (id == NULL)
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "missing field \"id\"");
    if (req->id == NULL)
        return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "field \"id\" must be a string or a number");

    json_t *version = json_object_get(req->root, "version");
    if (version != NULL) {
        if (!json_is_integer(version))
            return fail(PROTOCOL_ERROR_BAD_REQUEST, err, errlen, "field \"version\" must be an integer");
        if (json_integer_value(version) != PROTOCOL_VERSION)
            return fail(PROTOCOL_ERROR_UNSUPPORTED_VERSION, err, errlen,
                        "protocol version %" JSON_INTEGER_FORMAT " is not spoken here (this server speaks %d)",
                        json_integer_value(version), PROTOCOL_VERSION);
        req->version = PROTOCOL_VERSION;
    }

    size_t i = 0, count = sizeof REQUEST_TYPES / sizeof REQUEST_TYPES[0];
    while (i < count && strcmp(REQUEST_TYPES[i].name, req->type_name) != 0)
        i++;
    if (i == count)
        return fail(PROTOCOL_ERROR_UNKNOWN_TYPE, err, errlen, "no request type \"%.64s\"", req->type_name);
    req->type = REQUEST_TYPES[i].type;
    req->type_name = REQUEST_TYPES[i].name;
    return parse_fields(req, err, errlen);
}

void protocol_request_clear(struct protocol_request *req)
{
    json_decref(req->root);
    memset(req, 0, sizeof *req);
    req->sdp_mline_index = -1;
}
