/* protocol.h - the signalling protocol v1 (docs/protocol.md): parse one client
 * message into a typed request, and build the server's replies, errors and events as
 * JSON text. It parses and produces messages only; it owns no conference.
 *
 * Built strings are malloc'd; the caller frees them with free(). */
#ifndef HOINGHI_SIGNALING_PROTOCOL_H
#define HOINGHI_SIGNALING_PROTOCOL_H

#include <jansson.h>
#include <stddef.h>

#define PROTOCOL_VERSION 1
#define PROTOCOL_MAX_MESSAGE (64 * 1024)
#define PROTOCOL_MAX_NAME_CHARS 64

enum protocol_request_type {
    PROTOCOL_JOIN,
    PROTOCOL_OFFER,
    PROTOCOL_CANDIDATE,
    PROTOCOL_END_OF_CANDIDATES,
    PROTOCOL_LEAVE,
    PROTOCOL_KEEPALIVE,
};

/* One request. Strings point into `message` (kept alive by the request). */
struct protocol_request {
    enum protocol_request_type type;
    const char *type_name;       /* "join", "offer", ... */
    json_t *id;                  /* the request id as sent (string or number) */
    const char *conference;      /* join */
    const char *name;            /* join: 1..64 UTF-8 characters */
    const char *pin;             /* join, optional */
    const char *token;           /* join, optional */
    const char *sdp;             /* offer */
    const char *candidate;       /* candidate: "candidate:..." */
    const char *sdp_mid;         /* candidate, optional */
    int sdp_mline_index;         /* candidate, -1 if absent */
    json_t *message;             /* the parsed message (owned) */
};

/* Why a message could not become a request. `id` and `request` are what could be read
 * (NULL when not): the error reply echoes them. */
struct protocol_error {
    json_t *id;                  /* owned reference or NULL */
    const char *request;         /* static type name, or NULL */
    const char *code;            /* stable code: bad_json, message_too_large, bad_request,
                                    unknown_type, unsupported_version */
    char message[256];
};

/* Parses one message of `length` bytes. Returns 0 and fills *request (release with
 * protocol_request_clear), or -1 and fills *error (release with protocol_error_clear). */
int protocol_parse_request(const char *text, size_t length, struct protocol_request *request,
                           struct protocol_error *error);
void protocol_request_clear(struct protocol_request *request);
void protocol_error_clear(struct protocol_error *error);

/* {"type":"hello","version":1,"server":"hoinghi/0.1"} */
char *protocol_build_hello(void);
/* {"type":"reply","id":ID,"request":REQ,"data":DATA}; data is not consumed (NULL = {}). */
char *protocol_build_reply(const json_t *id, const char *request, json_t *data);
/* {"type":"error","id":ID|null,"request":REQ|null,"error":{"code":..,"message":..}} */
char *protocol_build_error(const json_t *id, const char *request, const char *code,
                           const char *message);
/* {"type":"candidate","candidate":..,"sdpMid":..,"sdpMLineIndex":..} */
char *protocol_build_candidate_event(const char *candidate, const char *sdp_mid, int mline_index);
/* {"type":"end_of_candidates"} */
char *protocol_build_end_of_candidates_event(void);
/* {"type":"media","state":STATE[,"reason":REASON]} */
char *protocol_build_media_event(const char *state, const char *reason);
/* {"type":"bye","reason":REASON} */
char *protocol_build_bye(const char *reason);

#endif
