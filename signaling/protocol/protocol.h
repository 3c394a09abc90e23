/* protocol.h - the signalling protocol v1 (docs/protocol.md): parse one client
 * message into a typed request, and build the server's replies, errors and events as
 * JSON text. It parses and produces messages only; it owns no conference.
 *
 * Error codes are the stable strings of docs/protocol.md ("bad_json", "not_joined",
 * ...); SDP refusals get theirs from sdp_error_code() in sdp.h.
 *
 * Built strings are malloc'd; the caller frees them with free(). A builder returns
 * NULL only when out of memory or when an argument breaks its stated contract. */
#ifndef HOINGHI_SIGNALING_PROTOCOL_H
#define HOINGHI_SIGNALING_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTOCOL_VERSION             1
#define PROTOCOL_SERVER              "hoinghi/0.1"
#define PROTOCOL_MAX_MESSAGE         (64 * 1024) /* bytes of one message */
#define PROTOCOL_MAX_NAME_CHARS      64          /* display name, in Unicode characters */
#define PROTOCOL_MAX_FIELD_BYTES     256         /* conference, pin, token, sdpMid */
#define PROTOCOL_MAX_ID_BYTES        32          /* content_of: a participant id */
#define PROTOCOL_MAX_CANDIDATE_BYTES 1024        /* candidate */

enum protocol_request_type {
    PROTOCOL_JOIN,
    PROTOCOL_OFFER,
    PROTOCOL_CANDIDATE,
    PROTOCOL_END_OF_CANDIDATES,
    PROTOCOL_LEAVE,
    PROTOCOL_KEEPALIVE,
    PROTOCOL_MUTE,
    PROTOCOL_VIDEO_QUALITY,
};

/* One request. Strings point into `message` (kept alive by the request) and are NULL
 * when absent (a JSON null counts as absent). Unknown fields are ignored. */
struct protocol_request {
    enum protocol_request_type type;
    const char *type_name;  /* "join", "offer", ... (static) */
    json_t *id;             /* the request id as sent (string or number), owned */
    const char *conference; /* join: 1..256 bytes */
    const char *name;       /* join: 1..64 UTF-8 characters, no control characters */
    const char *pin;        /* join, optional, 0..256 bytes */
    const char *token;      /* join, optional, 0..256 bytes */
    const char *content_of; /* join, optional, 1..32 bytes: this connection carries the
                               presentation (screen share) of that participant */
    const char *sdp;        /* offer: 1..SDP_MAX_TEXT bytes */
    const char *candidate;  /* candidate: "candidate:...", 1..1024 bytes */
    const char *sdp_mid;    /* candidate, optional, 1..256 bytes ("" with an index: NULL) */
    int sdp_mline_index;    /* candidate, 0..65535, -1 if absent; a candidate has
                                    sdp_mid or sdp_mline_index or both */
    int mute_audio;         /* mute: 1 mute, 0 unmute, -1 not given */
    int mute_video;
    const char *video_quality; /* video_quality: "auto", "high" or "low" */
    json_t *message;           /* the parsed message (owned) */
};

/* Why a message could not become a request. `id` and `request` are what could be read
 * (NULL when not): the error reply echoes them. */
struct protocol_error {
    json_t *id;          /* owned reference or NULL */
    const char *request; /* static type name, or NULL (unknown or missing type) */
    const char *code;    /* stable code: bad_json, message_too_large, bad_request,
                                    unknown_type, unsupported_version */
    char message[256];   /* for people; bad_request names the field */
};

/* Parses one message of `length` bytes (need not be NUL-terminated). Returns 0 and
 * fills *request (release with protocol_request_clear), or -1 and fills *error
 * (release with protocol_error_clear). Checks, in order: size, JSON (UTF-8, no
 * duplicate keys, no NUL in strings), an object, "type" a string, a known type, "id"
 * a string or number, "version" (if given) 1, then the type's fields. */
int protocol_parse_request(const char *text, size_t length, struct protocol_request *request,
                           struct protocol_error *error);
void protocol_request_clear(struct protocol_request *request);
void protocol_error_clear(struct protocol_error *error);

/* True when `s` is valid UTF-8 (RFC 3629) of 1..max_chars characters without
 * control characters (C0, DEL, C1): the rule for a display name. */
bool protocol_valid_name(const char *s, size_t max_chars);

/* A malloc'd copy of `s` in which every byte that does not start a valid UTF-8
 * sequence is replaced by '?', so that it can be a JSON string (error messages quote
 * the client's bytes). NULL only when out of memory. */
char *protocol_utf8_sanitize(const char *s);

/* {"type":"hello","version":1,"server":"hoinghi/0.1"} */
char *protocol_build_hello(void);
/* {"type":"reply","id":ID,"request":REQ,"data":DATA}; id is a string or a number;
 * data is not consumed, NULL = {}, otherwise it must be an object. */
char *protocol_build_reply(const json_t *id, const char *request, json_t *data);
/* {"type":"error","id":ID|null,"request":REQ|null,"error":{"code":..,"message":..}};
 * id or request NULL (or an id that is not a string or number) gives null. */
char *protocol_build_error(const json_t *id, const char *request, const char *code,
                           const char *message);
/* The same with "retry_after_ms": N in the error object: when to try again (for
 * `rate_limited`). */
char *protocol_build_retry_error(const json_t *id, const char *request, const char *code,
                                 const char *message, int64_t retry_after_ms);
/* {"type":"candidate","candidate":..[,"sdpMid":..][,"sdpMLineIndex":..]}: sdp_mid NULL
 * and mline_index < 0 are left out. */
char *protocol_build_candidate_event(const char *candidate, const char *sdp_mid, int mline_index);
/* {"type":"end_of_candidates"} */
char *protocol_build_end_of_candidates_event(void);
/* {"type":"media","state":STATE[,"reason":REASON]}; state is one of "connecting",
 * "connected", "failed", "closed" (NULL otherwise); reason NULL is left out. */
char *protocol_build_media_event(const char *state, const char *reason);
/* {"type":"bye","reason":REASON} (NULL reason = "") */
char *protocol_build_bye(const char *reason);
/* Why the server ended a participant, when it is not a failure: the `code` of `bye`. */
#define PROTOCOL_BYE_CONFERENCE_ENDED "conference_ended" /* its end, an operator's end, deleted */
#define PROTOCOL_BYE_REMOVED          "removed"          /* an operator removed this room */
/* {"type":"bye","code":CODE,"reason":REASON}; code NULL is left out. */
char *protocol_build_bye_code(const char *code, const char *reason);

/* Conference events. A roster entry is one participant. */
struct protocol_roster_entry {
    const char *participant;
    const char *name;
    bool audio_muted;
    bool video_muted;
};
/* {"type":"participants","participants":[...],"layout":L,"active_speaker":ID|null} */
char *protocol_build_participants_event(const struct protocol_roster_entry *entries, size_t count,
                                        const char *layout, const char *active_speaker);
/* {"type":"participant_joined","participant":..,"name":..,"audio_muted":..,"video_muted":..} */
char *protocol_build_participant_joined_event(const struct protocol_roster_entry *entry);
/* {"type":"participant_left","participant":..,"reason":..} */
char *protocol_build_participant_left_event(const char *participant, const char *reason);
/* {"type":"active_speaker","participant":ID|null} */
char *protocol_build_active_speaker_event(const char *participant);
/* {"type":"layout","layout":L} */
char *protocol_build_layout_event(const char *layout);
/* Who presents (docs/protocol.md, "Presenting"):
 * {"type":"presenting","participant":ID|null,"name":N|null,"content":CID|null,
 *  "reason":R|null}: participant is the presenting room, content its content
 * connection; all null (with a reason) when nobody presents any more. */
char *protocol_build_presenting_event(const char *participant, const char *name,
                                      const char *content, const char *reason);
/* {"type":"mute","participant":..,"audio_muted":..,"video_muted":..} */
char *protocol_build_mute_event(const char *participant, bool audio_muted, bool video_muted);

/* What this room's camera should send (docs/sender-control.md):
 * {"type":"send_limits","video":{"active":A,"width":W,"height":H,"fps":F,"max_bitrate":B}};
 * active false (not drawn: pause the video): width, height and fps are 0. */
struct protocol_send_limits {
    bool active;
    int width, height; /* the picture must fit inside */
    int fps;
    int64_t max_bitrate; /* bits per second */
};
char *protocol_build_send_limits_event(const struct protocol_send_limits *limits);

#endif
