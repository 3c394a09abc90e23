/* protocol_client_build.c - a client's requests as JSON text (protocol_client_build()
 * in protocol_client.h). Each request is one jansson object dumped compact. */
#include "signaling/client/protocol_client.h"

#include <string.h>

void protocol_client_request_init(struct protocol_client_request *request,
                                  enum protocol_request_type type)
{
    memset(request, 0, sizeof *request);
    request->type = type;
    request->sdp_mline_index = -1;
    request->mute_audio = request->mute_video = -1;
}

static const char *type_name(enum protocol_request_type type)
{
    switch (type) {
    case PROTOCOL_JOIN: return "join";
    case PROTOCOL_OFFER: return "offer";
    case PROTOCOL_CANDIDATE: return "candidate";
    case PROTOCOL_END_OF_CANDIDATES: return "end_of_candidates";
    case PROTOCOL_LEAVE: return "leave";
    case PROTOCOL_KEEPALIVE: return "keepalive";
    case PROTOCOL_MUTE: return "mute";
    case PROTOCOL_VIDEO_QUALITY: return "video_quality";
    }
    return NULL;
}

/* Sets key to a new string when value is not NULL; false only when that failed. */
static bool set_string(json_t *msg, const char *key, const char *value)
{
    return value == NULL || json_object_set_new(msg, key, json_string(value)) == 0;
}

/* The type's own fields; false when a required one is missing or adding failed. */
static bool add_fields(json_t *msg, const struct protocol_client_request *r)
{
    switch (r->type) {
    case PROTOCOL_JOIN:
        return r->conference != NULL && r->name != NULL &&
               set_string(msg, "conference", r->conference) && set_string(msg, "name", r->name) &&
               set_string(msg, "pin", r->pin) && set_string(msg, "token", r->token) &&
               set_string(msg, "content_of", r->content_of);
    case PROTOCOL_OFFER: return r->sdp != NULL && set_string(msg, "sdp", r->sdp);
    case PROTOCOL_CANDIDATE:
        return r->candidate != NULL && (r->sdp_mid != NULL || r->sdp_mline_index >= 0) &&
               set_string(msg, "candidate", r->candidate) &&
               set_string(msg, "sdpMid", r->sdp_mid) &&
               (r->sdp_mline_index < 0 ||
                json_object_set_new(msg, "sdpMLineIndex", json_integer(r->sdp_mline_index)) == 0);
    case PROTOCOL_MUTE:
        return (r->mute_audio >= 0 || r->mute_video >= 0) &&
               (r->mute_audio < 0 ||
                json_object_set_new(msg, "audio", json_boolean(r->mute_audio)) == 0) &&
               (r->mute_video < 0 ||
                json_object_set_new(msg, "video", json_boolean(r->mute_video)) == 0);
    case PROTOCOL_VIDEO_QUALITY:
        return r->video_quality != NULL && set_string(msg, "quality", r->video_quality);
    case PROTOCOL_END_OF_CANDIDATES:
    case PROTOCOL_LEAVE:
    case PROTOCOL_KEEPALIVE: return true;
    }
    return false;
}

char *protocol_client_build(const struct protocol_client_request *request, int64_t id)
{
    const char *type = type_name(request->type);
    json_t *msg;
    char *text = NULL;

    if (type == NULL || id <= 0) return NULL;
    msg = json_object();
    if (msg != NULL && json_object_set_new(msg, "type", json_string(type)) == 0 &&
        json_object_set_new(msg, "id", json_integer((json_int_t)id)) == 0 &&
        add_fields(msg, request))
        text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    return text;
}
