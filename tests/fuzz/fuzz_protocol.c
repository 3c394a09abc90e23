/* fuzz_protocol.c - libFuzzer target: one WebSocket text message as a client sends it,
 * into signaling/protocol/protocol_parse.c protocol_parse_request() (size, JSON, type and field
 * checks). A parsed request's strings must be what the contract says (bounded, join
 * names valid); a refused one gets an error reply built with protocol_build_error(),
 * as participant.c answers it, and that reply must be JSON. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/protocol/protocol.h"
#include "signaling/sdp/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t min, size_t max)
{
    if (!s) return;
    size_t n = strlen(s);
    if (n < min || n > max) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct protocol_request req;
    struct protocol_error error;
    char *reply = NULL;
    if (protocol_parse_request((const char *)data, size, &req, &error) == 0) {
        if (!req.type_name || !req.message) abort();
        check_string(req.conference, 1, PROTOCOL_MAX_FIELD_BYTES);
        check_string(req.pin, 0, PROTOCOL_MAX_FIELD_BYTES);
        check_string(req.token, 0, PROTOCOL_MAX_FIELD_BYTES);
        check_string(req.sdp, 1, SDP_MAX_TEXT);
        check_string(req.candidate, 1, PROTOCOL_MAX_CANDIDATE_BYTES);
        check_string(req.sdp_mid, 1, PROTOCOL_MAX_FIELD_BYTES);
        if (req.name && !protocol_valid_name(req.name, PROTOCOL_MAX_NAME_CHARS)) abort();
        if (req.type == PROTOCOL_JOIN && (!req.conference || !req.name)) abort();
        if (req.type == PROTOCOL_CANDIDATE && !req.sdp_mid && req.sdp_mline_index < 0) abort();
        if (req.sdp_mline_index > 65535) abort();
        reply = protocol_build_reply(req.id, req.type_name, NULL);
        protocol_request_clear(&req);
    } else {
        if (!error.code) abort();
        reply = protocol_build_error(error.id, error.request, error.code, error.message);
        protocol_error_clear(&error);
    }
    if (!reply) abort();
    json_t *parsed = json_loads(reply, 0, NULL);
    if (!parsed) abort();
    json_decref(parsed);
    free(reply);
    return 0;
}
