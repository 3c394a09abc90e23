/* protocol.h - the WebSocket signalling protocol (docs/protocol.md, version 1): one
 * client message (JSON text) in, a typed request or a protocol error out; server
 * messages (hello, reply, error, events) out as JSON text.
 *
 * This module only reads and writes messages. Which errors apply to a connection's
 * state (not_joined, wrong_pin, ...) is the daemon's business; their codes are here so
 * that every code has one spelling.
 *
 * Ownership: protocol_parse_request() fills a caller-owned struct whose strings and id
 * point into a JSON document it holds a reference to; protocol_request_clear() drops
 * it (call it after every parse, also a failed one). Every protocol_build_*() returns
 * a malloc'd NUL-terminated UTF-8 string the caller frees with free(); NULL only when
 * out of memory or when an argument breaks the stated contract. */
#ifndef HOINGHI_SIGNALING_PROTOCOL_H
#define HOINGHI_SIGNALING_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "signaling/sdp.h"

#define PROTOCOL_VERSION          1
#define PROTOCOL_SERVER           "hoinghi/0.1"
#define PROTOCOL_MAX_MESSAGE      (64 * 1024)   /* bytes of one message */
#define PROTOCOL_NAME_MAX_CHARS   64            /* display name, in Unicode characters */
#define PROTOCOL_FIELD_MAX_BYTES  256           /* conference, pin, token, sdpMid */

enum protocol_request_type {
    PROTOCOL_REQUEST_JOIN,
    PROTOCOL_REQUEST_OFFER,
    PROTOCOL_REQUEST_CANDIDATE,
    PROTOCOL_REQUEST_END_OF_CANDIDATES,
    PROTOCOL_REQUEST_LEAVE,
    PROTOCOL_REQUEST_KEEPALIVE,
};

/* Every error code of the protocol. The first five come from parsing. */
enum protocol_error {
    PROTOCOL_OK = 0,
    PROTOCOL_ERROR_BAD_JSON,
    PROTOCOL_ERROR_MESSAGE_TOO_LARGE,
    PROTOCOL_ERROR_BAD_REQUEST,
    PROTOCOL_ERROR_UNKNOWN_TYPE,
    PROTOCOL_ERROR_UNSUPPORTED_VERSION,
    PROTOCOL_ERROR_NOT_JOINED,
    PROTOCOL_ERROR_ALREADY_JOINED,
    PROTOCOL_ERROR_UNKNOWN_CONFERENCE,
    PROTOCOL_ERROR_WRONG_PIN,
    PROTOCOL_ERROR_INVALID_TOKEN,
    PROTOCOL_ERROR_CONFERENCE_FULL,
    PROTOCOL_ERROR_SDP_INVALID,
    PROTOCOL_ERROR_SDP_NO_FINGERPRINT,
    PROTOCOL_ERROR_SDP_NO_BUNDLE,
    PROTOCOL_ERROR_SDP_NO_RTCP_MUX,
    PROTOCOL_ERROR_SDP_NO_COMMON_CODEC,
    PROTOCOL_ERROR_OFFER_IN_PROGRESS,
    PROTOCOL_ERROR_MEDIA_FAILED,
    PROTOCOL_ERROR_INTERNAL,
};

/* One parsed client request. String fields are NULL when absent. They and `id` are
 * borrowed from `root` and stay valid until protocol_request_clear() (json_incref()
 * the id to keep it longer). Unknown fields are ignored. */
struct protocol_request {
    enum protocol_request_type type;
    const char *type_name;      /* "join", ...; on error the received type if it was a
                                   string (for the error's "request"), else NULL */
    json_t *id;                 /* the request id (string or number) to echo, or NULL */
    int version;                /* "version" if given, else PROTOCOL_VERSION */
    /* join */
    const char *conference;
    const char *name;
    const char *pin;
    const char *token;
    /* offer */
    const char *sdp;
    /* candidate: candidate is required; at least one of sdp_mid / sdp_mline_index */
    const char *candidate;
    const char *sdp_mid;
    int sdp_mline_index;        /* -1 when absent */
    json_t *root;               /* the whole message (owned reference) */
};

/* Parses one client message of `len` bytes (need not be NUL-terminated). Returns
 * PROTOCOL_OK, or one of BAD_JSON, MESSAGE_TOO_LARGE, BAD_REQUEST (the message
 * names the field), UNKNOWN_TYPE, UNSUPPORTED_VERSION with a human message in err.
 * On error, req->id and req->type_name are set when the message had them, so the
 * error can echo them. Always call protocol_request_clear() afterwards. */
enum protocol_error protocol_parse_request(const char *text, size_t len, struct protocol_request *req,
                                           char *err, size_t errlen);

void protocol_request_clear(struct protocol_request *req);

/* Stable code string, e.g. "bad_request", "sdp_no_bundle". */
const char *protocol_error_code(enum protocol_error e);

/* The protocol error for an SDP refusal (SDP_ERROR_SYNTAX -> SDP_INVALID, ...). */
enum protocol_error protocol_error_from_sdp(enum sdp_error e);

/* "join", "offer", ... */
const char *protocol_request_name(enum protocol_request_type t);

/* True when `s` is valid UTF-8 of 1..max_chars characters without control
 * characters (what a display name must be). */
bool protocol_valid_name(const char *s, size_t max_chars);

/* {"type":"hello","version":1,"server":"hoinghi/0.1"} */
char *protocol_build_hello(void);

/* {"type":"reply","id":ID,"request":REQUEST,"data":DATA}. id must be a string or a
 * number (normally req->id); data is borrowed, NULL means {}; must be an object. */
char *protocol_build_reply(const json_t *id, const char *request, json_t *data);

/* {"type":"error","id":ID|null,"request":REQUEST|null,"error":{"code":..,"message":..}}.
 * id and request may be NULL (a message that could not be read). */
char *protocol_build_error(const json_t *id, const char *request, enum protocol_error code,
                           const char *message);

/* Events (no id). sdp_mid may be NULL (omitted); sdp_mline_index < 0 is omitted. */
char *protocol_build_candidate_event(const char *candidate, const char *sdp_mid, int sdp_mline_index);
char *protocol_build_end_of_candidates_event(void);

enum protocol_media_state {
    PROTOCOL_MEDIA_CONNECTING,
    PROTOCOL_MEDIA_CONNECTED,
    PROTOCOL_MEDIA_FAILED,
    PROTOCOL_MEDIA_CLOSED,
};
/* reason may be NULL (omitted); it is expected for failed and closed. */
char *protocol_build_media_event(enum protocol_media_state state, const char *reason);
char *protocol_build_bye_event(const char *reason);

#endif
