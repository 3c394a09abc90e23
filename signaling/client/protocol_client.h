/* protocol_client.h - the client side of the signalling protocol v1 (docs/protocol.md):
 * build a client's requests as JSON text, and read any server message (hello, reply,
 * error, events) into a typed struct. The server side is signaling/protocol/protocol.h;
 * this file shares its request types and limits.
 *
 * No transport and no event loop: text in, structs out. mcu-room and the webrtcbin
 * test peer send and receive the text over their WebSocket (client/room/signalling.c).
 * Built strings are malloc'd; the caller frees them with free(). */
#ifndef HOINGHI_SIGNALING_CLIENT_PROTOCOL_CLIENT_H
#define HOINGHI_SIGNALING_CLIENT_PROTOCOL_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signaling/protocol/protocol.h"

/* One request to build. Fields a type does not use are ignored; strings are borrowed.
 * Start from protocol_client_request_init(), which sets the "not given" values. */
struct protocol_client_request {
    enum protocol_request_type type;
    const char *conference; /* join: required */
    const char *name;       /* join: required */
    const char *pin;        /* join: optional (NULL: not sent) */
    const char *token;      /* join: optional (NULL: not sent) */
    const char *content_of; /* join: optional: the room whose presentation this carries */
    const char *sdp;        /* offer: required */
    const char *candidate;  /* candidate: required ("candidate:...", no "a=") */
    const char *sdp_mid;    /* candidate: optional */
    int sdp_mline_index;    /* candidate: -1 = not sent; needs this or sdp_mid */
    int mute_audio;         /* mute: 1 mute, 0 unmute, -1 not sent; one of the two */
    int mute_video;
    const char *video_quality; /* video_quality: "auto", "high" or "low" */
};

void protocol_client_request_init(struct protocol_client_request *request,
                                  enum protocol_request_type type);

/* The request as one JSON object with "type" and "id" (> 0). NULL when a required
 * field is missing (or out of memory). */
char *protocol_client_build(const struct protocol_client_request *request, int64_t id);

enum protocol_server_kind {
    PROTOCOL_SERVER_HELLO,
    PROTOCOL_SERVER_REPLY,
    PROTOCOL_SERVER_ERROR,
    PROTOCOL_SERVER_CANDIDATE,
    PROTOCOL_SERVER_END_OF_CANDIDATES,
    PROTOCOL_SERVER_MEDIA,
    PROTOCOL_SERVER_BYE,
    PROTOCOL_SERVER_PARTICIPANTS,
    PROTOCOL_SERVER_PARTICIPANT_JOINED,
    PROTOCOL_SERVER_PARTICIPANT_LEFT,
    PROTOCOL_SERVER_ACTIVE_SPEAKER,
    PROTOCOL_SERVER_LAYOUT,
    PROTOCOL_SERVER_MUTE,
    PROTOCOL_SERVER_CONFERENCE_ENDING,
    PROTOCOL_SERVER_WAITING_FOR_HOST,
    PROTOCOL_SERVER_HOST_PRESENT,
    PROTOCOL_SERVER_SEND_LIMITS,
    PROTOCOL_SERVER_PRESENTING,
    PROTOCOL_SERVER_OTHER, /* a type this client does not know: `type` says which */
};

/* One participant of a roster (participants, participant_joined, mute events). */
struct protocol_member {
    const char *participant;
    const char *name; /* NULL in a mute event */
    bool audio_muted;
    bool video_muted;
};

/* One server message. Strings point into `json` (kept alive by the message) and are
 * NULL when absent; which fields are set depends on `kind`. */
struct protocol_server_message {
    enum protocol_server_kind kind;
    const char *type; /* the "type" as sent */

    /* reply, error: the request's id (this client sends integers; 0 when the id is
     * null or not an integer) and its echoed type name (NULL when null) */
    int64_t id;
    const char *request;
    json_t *data; /* reply: the "data" object (an empty one when absent) */
    /* reply to join */
    const char *participant; /* also: participant_left, active_speaker (NULL: nobody) */
    const char *conference;
    const char *title;
    bool host, waiting_for_host;
    /* reply to offer */
    const char *sdp;
    /* reply to mute: audio_muted/video_muted in `member`; reply to video_quality */
    const char *quality;
    /* error; bye's `code` (NULL when absent: a failure) */
    const char *error_code;
    const char *error_message; /* "" when the server sent none */
    int64_t retry_after_ms;    /* -1 when absent */

    /* hello */
    const char *server;
    int version;
    /* candidate */
    const char *candidate;
    const char *sdp_mid;
    int sdp_mline_index; /* -1 when absent */
    /* media */
    const char *state;
    const char *reason; /* media, bye ("" when absent), participant_left */
    /* participants */
    struct protocol_member *members; /* malloc'd array */
    size_t member_count;
    const char *layout;         /* participants, layout */
    const char *active_speaker; /* participants: NULL when nobody */
    /* participant_joined, mute */
    struct protocol_member member;
    /* conference_ending */
    const char *ends_at;
    int64_t seconds;
    /* presenting: participant (the presenting room, NULL: nobody), member.name,
     * content (its content connection), reason (when a share stopped) */
    const char *content;
    /* send_limits: what this room's camera should send */
    struct protocol_send_limits send_limits;

    json_t *json; /* the whole message (owned) */
};

/* Reads one server message of `length` bytes. Returns 0 and fills *message (release
 * with protocol_server_message_clear), or -1 with a reason in error[error_size] when
 * the text is not JSON, not an object, has no string "type", or a known type lacks a
 * field it must have (e.g. a reply to an offer without data.sdp, a candidate without
 * "candidate"). Unknown types are not an error: kind PROTOCOL_SERVER_OTHER. */
int protocol_client_parse(const char *text, size_t length, struct protocol_server_message *message,
                          char *error, size_t error_size);
void protocol_server_message_clear(struct protocol_server_message *message);

#endif
