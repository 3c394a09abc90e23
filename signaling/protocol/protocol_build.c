/* protocol_build.c - server messages as JSON text (the protocol_build_*() functions in
 * protocol.h): hello, reply, error and the events. Each builds a jansson object and
 * dumps it compact, UTF-8 as is. */
#include "signaling/protocol/protocol.h"

#include <stdlib.h>
#include <string.h>

/* Dumps and drops `msg`; NULL stays NULL. */
static char *dump(json_t *msg)
{
    if (msg == NULL) return NULL;
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    return text;
}

/* Adds key -> value (a new reference); false when value is NULL or adding failed. */
static bool set_new(json_t *obj, const char *key, json_t *value)
{
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

static json_t *message(const char *type)
{
    json_t *msg = json_object();
    if (msg != NULL && !set_new(msg, "type", json_string(type))) {
        json_decref(msg);
        return NULL;
    }
    return msg;
}

static bool valid_id(const json_t *id) { return json_is_string(id) || json_is_number(id); }

char *protocol_build_hello(void)
{
    json_t *msg = message("hello");
    if (msg != NULL && (!set_new(msg, "version", json_integer(PROTOCOL_VERSION)) ||
                        !set_new(msg, "server", json_string(PROTOCOL_SERVER)))) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

char *protocol_build_reply(const json_t *id, const char *request, json_t *data)
{
    if (!valid_id(id) || request == NULL || (data != NULL && !json_is_object(data))) return NULL;
    json_t *msg = message("reply");
    if (msg != NULL && (!set_new(msg, "id", json_deep_copy(id)) ||
                        !set_new(msg, "request", json_string(request)) ||
                        !set_new(msg, "data", data ? json_deep_copy(data) : json_object()))) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

/* An error; with "retry_after_ms" in it when retry_after_ms >= 0. */
static char *build_error(const json_t *id, const char *request, const char *code,
                         const char *message_text, json_int_t retry_after_ms)
{
    if (code == NULL) return NULL;
    /* The message may quote what the client sent (a JSON parser's complaint, an SDP
     * line): bytes that are not UTF-8 become '?', or the reply could not be built. */
    char *text = protocol_utf8_sanitize(message_text ? message_text : code);
    json_t *msg = message("error");
    json_t *error = json_object();
    bool ok =
        text != NULL && msg != NULL && error != NULL && set_new(error, "code", json_string(code)) &&
        set_new(error, "message", json_string(text)) &&
        (retry_after_ms < 0 || set_new(error, "retry_after_ms", json_integer(retry_after_ms))) &&
        set_new(msg, "id", valid_id(id) ? json_deep_copy(id) : json_null()) &&
        set_new(msg, "request", request ? json_string(request) : json_null());
    if (ok) {
        ok = json_object_set_new(msg, "error", error) == 0;
        error = NULL;
    }
    json_decref(error);
    free(text);
    if (!ok) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

char *protocol_build_error(const json_t *id, const char *request, const char *code,
                           const char *message_text)
{
    return build_error(id, request, code, message_text, -1);
}

char *protocol_build_retry_error(const json_t *id, const char *request, const char *code,
                                 const char *message_text, int64_t retry_after_ms)
{
    return build_error(id, request, code, message_text,
                       retry_after_ms < 0 ? 0 : (json_int_t)retry_after_ms);
}

char *protocol_build_candidate_event(const char *candidate, const char *sdp_mid, int mline_index)
{
    if (candidate == NULL) return NULL;
    json_t *msg = message("candidate");
    bool ok = msg != NULL && set_new(msg, "candidate", json_string(candidate)) &&
              (sdp_mid == NULL || set_new(msg, "sdpMid", json_string(sdp_mid))) &&
              (mline_index < 0 || set_new(msg, "sdpMLineIndex", json_integer(mline_index)));
    if (!ok) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

char *protocol_build_end_of_candidates_event(void) { return dump(message("end_of_candidates")); }

static bool valid_media_state(const char *state)
{
    static const char *const states[] = {"connecting", "connected", "failed", "closed"};
    for (size_t i = 0; state != NULL && i < sizeof states / sizeof states[0]; i++)
        if (strcmp(state, states[i]) == 0) return true;
    return false;
}

char *protocol_build_media_event(const char *state, const char *reason)
{
    if (!valid_media_state(state)) return NULL;
    json_t *msg = message("media");
    bool ok = msg != NULL && set_new(msg, "state", json_string(state)) &&
              (reason == NULL || set_new(msg, "reason", json_string(reason)));
    if (!ok) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

char *protocol_build_bye(const char *reason) { return protocol_build_bye_code(NULL, reason); }

char *protocol_build_bye_code(const char *code, const char *reason)
{
    json_t *msg = message("bye");
    if (msg != NULL && ((code && !set_new(msg, "code", json_string(code))) ||
                        !set_new(msg, "reason", json_string(reason ? reason : "")))) {
        json_decref(msg);
        return NULL;
    }
    return dump(msg);
}

static json_t *roster_entry(const struct protocol_roster_entry *e)
{
    return json_pack("{s:s, s:s, s:b, s:b}", "participant", e->participant, "name", e->name,
                     "audio_muted", e->audio_muted, "video_muted", e->video_muted);
}

/* Adds every field of `fields` (consumed) to a new message of `type`. */
static char *event(const char *type, json_t *fields)
{
    json_t *msg = message(type);
    if (msg == NULL || fields == NULL || json_object_update(msg, fields) != 0) {
        json_decref(msg);
        json_decref(fields);
        return NULL;
    }
    json_decref(fields);
    return dump(msg);
}

char *protocol_build_participants_event(const struct protocol_roster_entry *entries, size_t count,
                                        const char *layout, const char *active_speaker)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < count; i++) {
        json_t *entry = roster_entry(&entries[i]);
        if (entry == NULL || json_array_append_new(list, entry) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    if (list == NULL) return NULL;
    return event("participants", json_pack("{s:o, s:s, s:s?}", "participants", list, "layout",
                                           layout, "active_speaker", active_speaker));
}

char *protocol_build_participant_joined_event(const struct protocol_roster_entry *entry)
{
    return event("participant_joined", roster_entry(entry));
}

char *protocol_build_participant_left_event(const char *participant, const char *reason)
{
    return event("participant_left", json_pack("{s:s, s:s}", "participant", participant, "reason",
                                               reason ? reason : "left"));
}

char *protocol_build_active_speaker_event(const char *participant)
{
    return event("active_speaker", json_pack("{s:s?}", "participant", participant));
}

char *protocol_build_layout_event(const char *layout)
{
    return event("layout", json_pack("{s:s}", "layout", layout));
}

char *protocol_build_presenting_event(const char *participant, const char *name,
                                      const char *content, const char *reason)
{
    return event("presenting", json_pack("{s:s?, s:s?, s:s?, s:s?}", "participant", participant,
                                         "name", name, "content", content, "reason", reason));
}

char *protocol_build_mute_event(const char *participant, bool audio_muted, bool video_muted)
{
    return event("mute", json_pack("{s:s, s:b, s:b}", "participant", participant, "audio_muted",
                                   audio_muted, "video_muted", video_muted));
}

char *protocol_build_send_limits_event(const struct protocol_send_limits *l)
{
    if (l == NULL) return NULL;
    return event("send_limits", json_pack("{s:{s:b,s:i,s:i,s:i,s:I}}", "video", "active", l->active,
                                          "width", l->width, "height", l->height, "fps", l->fps,
                                          "max_bitrate", (json_int_t)l->max_bitrate));
}
