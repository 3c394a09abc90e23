/* protocol_client_parse.c - one server message (JSON text) to struct
 * protocol_server_message (protocol_client_parse() in protocol_client.h). The
 * envelope first (JSON, an object, a string "type"), then the fields the type must
 * have; optional fields of the wrong type count as absent. */
#include "signaling/client/protocol_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *error, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    if (error != NULL && size > 0) {
        va_start(ap, fmt);
        vsnprintf(error, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const struct {
    const char *name;
    enum protocol_server_kind kind;
} KINDS[] = {
    {"hello", PROTOCOL_SERVER_HELLO},
    {"reply", PROTOCOL_SERVER_REPLY},
    {"error", PROTOCOL_SERVER_ERROR},
    {"candidate", PROTOCOL_SERVER_CANDIDATE},
    {"end_of_candidates", PROTOCOL_SERVER_END_OF_CANDIDATES},
    {"media", PROTOCOL_SERVER_MEDIA},
    {"bye", PROTOCOL_SERVER_BYE},
    {"participants", PROTOCOL_SERVER_PARTICIPANTS},
    {"participant_joined", PROTOCOL_SERVER_PARTICIPANT_JOINED},
    {"participant_left", PROTOCOL_SERVER_PARTICIPANT_LEFT},
    {"active_speaker", PROTOCOL_SERVER_ACTIVE_SPEAKER},
    {"layout", PROTOCOL_SERVER_LAYOUT},
    {"mute", PROTOCOL_SERVER_MUTE},
    {"conference_ending", PROTOCOL_SERVER_CONFERENCE_ENDING},
    {"waiting_for_host", PROTOCOL_SERVER_WAITING_FOR_HOST},
    {"host_present", PROTOCOL_SERVER_HOST_PRESENT},
    {"send_limits", PROTOCOL_SERVER_SEND_LIMITS},
    {"presenting", PROTOCOL_SERVER_PRESENTING},
};

/* A string member of obj, or NULL (absent, null or not a string). */
static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static bool flag(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

/* A required string member; -1 (with the reason) when it is missing. */
static int need(const json_t *obj, const char *where, const char *key, const char **out,
                char *error, size_t size)
{
    *out = str(obj, key);
    if (*out == NULL)
        return fail(error, size, "%s: field \"%s\" is missing or not a string", where, key);
    return 0;
}

static int read_member(const json_t *obj, const char *where, bool need_name,
                       struct protocol_member *out, char *error, size_t size)
{
    if (!json_is_object(obj))
        return fail(error, size, "%s: a participant must be an object", where);
    if (need(obj, where, "participant", &out->participant, error, size) ||
        (need_name && need(obj, where, "name", &out->name, error, size)))
        return -1;
    out->audio_muted = flag(obj, "audio_muted");
    out->video_muted = flag(obj, "video_muted");
    return 0;
}

/* "id" of a reply or error: this client's ids are integers. */
static int64_t read_id(const json_t *msg)
{
    json_t *id = json_object_get(msg, "id");
    return json_is_integer(id) ? (int64_t)json_integer_value(id) : 0;
}

static int parse_reply(struct protocol_server_message *m, char *error, size_t size)
{
    json_t *data = json_object_get(m->json, "data");
    json_t *id = json_object_get(m->json, "id");

    if (!json_is_string(id) && !json_is_number(id))
        return fail(error, size, "reply: field \"id\" is missing or not a string or number");
    m->id = read_id(m->json);
    m->request = str(m->json, "request");
    if (data != NULL && !json_is_null(data) && !json_is_object(data))
        return fail(error, size, "reply: field \"data\" must be an object");
    if (!json_is_object(data)) {
        data = json_object();
        if (data == NULL || json_object_set_new(m->json, "data", data) != 0)
            return fail(error, size, "out of memory");
    }
    m->data = data;
    if (m->request == NULL) return 0;
    if (strcmp(m->request, "join") == 0) {
        if (need(data, "reply to join", "participant", &m->participant, error, size)) return -1;
        m->conference = str(data, "conference");
        m->title = str(data, "title");
        m->host = flag(data, "host");
        m->waiting_for_host = flag(data, "waiting_for_host");
    } else if (strcmp(m->request, "offer") == 0) {
        if (need(data, "reply to offer", "sdp", &m->sdp, error, size)) return -1;
    } else if (strcmp(m->request, "mute") == 0) {
        m->member.audio_muted = flag(data, "audio");
        m->member.video_muted = flag(data, "video");
    } else if (strcmp(m->request, "video_quality") == 0) {
        m->quality = str(data, "quality");
    }
    return 0;
}

static int parse_error(struct protocol_server_message *m, char *error, size_t size)
{
    json_t *err = json_object_get(m->json, "error");
    json_t *retry = json_object_get(err, "retry_after_ms");

    m->id = read_id(m->json);
    m->request = str(m->json, "request");
    if (!json_is_object(err))
        return fail(error, size, "error: field \"error\" is missing or not an object");
    if (need(err, "error", "code", &m->error_code, error, size)) return -1;
    m->error_message = str(err, "message");
    if (m->error_message == NULL) m->error_message = "";
    if (json_is_integer(retry) && json_integer_value(retry) >= 0)
        m->retry_after_ms = (int64_t)json_integer_value(retry);
    return 0;
}

static int parse_candidate(struct protocol_server_message *m, char *error, size_t size)
{
    json_t *index = json_object_get(m->json, "sdpMLineIndex");

    if (need(m->json, "candidate", "candidate", &m->candidate, error, size)) return -1;
    m->sdp_mid = str(m->json, "sdpMid");
    if (json_is_integer(index) && json_integer_value(index) >= 0 &&
        json_integer_value(index) <= 65535)
        m->sdp_mline_index = (int)json_integer_value(index);
    if (m->sdp_mid == NULL && m->sdp_mline_index < 0)
        return fail(error, size, "candidate: needs \"sdpMid\" or \"sdpMLineIndex\"");
    return 0;
}

static int parse_participants(struct protocol_server_message *m, char *error, size_t size)
{
    json_t *list = json_object_get(m->json, "participants");
    size_t count = json_array_size(list);

    if (!json_is_array(list))
        return fail(error, size, "participants: field \"participants\" is missing or not an array");
    m->layout = str(m->json, "layout");
    m->active_speaker = str(m->json, "active_speaker");
    if (count == 0) return 0;
    m->members = calloc(count, sizeof *m->members);
    if (m->members == NULL) return fail(error, size, "out of memory");
    m->member_count = count;
    for (size_t i = 0; i < count; i++)
        if (read_member(json_array_get(list, i), "participants", true, &m->members[i], error, size))
            return -1;
    return 0;
}

/* send_limits: "video" with active (boolean) and the integers; an inactive video may
 * leave out the sizes. */
static int parse_send_limits(struct protocol_server_message *m, char *error, size_t size)
{
    const json_t *video = json_object_get(m->json, "video");
    if (!json_is_object(video))
        return fail(error, size, "send_limits: field \"video\" is missing or not an object");
    const json_t *active = json_object_get(video, "active");
    if (!json_is_boolean(active))
        return fail(error, size, "send_limits: field \"video.active\" is missing or not a boolean");
    struct protocol_send_limits *l = &m->send_limits;
    l->active = json_is_true(active);
    static const char *const keys[] = {"width", "height", "fps", "max_bitrate"};
    json_int_t values[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < 4; i++) {
        const json_t *v = json_object_get(video, keys[i]);
        if (v == NULL && !l->active) continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > (i == 3 ? (json_int_t)1 << 40 : 65535))
            return fail(error, size, "send_limits: field \"video.%s\" is missing or out of range",
                        keys[i]);
        values[i] = json_integer_value(v);
    }
    l->width = (int)values[0];
    l->height = (int)values[1];
    l->fps = (int)values[2];
    l->max_bitrate = (int64_t)values[3];
    return 0;
}

static int parse_fields(struct protocol_server_message *m, char *error, size_t size)
{
    json_t *version = json_object_get(m->json, "version");
    json_t *seconds = json_object_get(m->json, "seconds");

    switch (m->kind) {
    case PROTOCOL_SERVER_HELLO:
        m->server = str(m->json, "server");
        if (!json_is_integer(version))
            return fail(error, size, "hello: field \"version\" is missing or not an integer");
        m->version = (int)json_integer_value(version);
        return 0;
    case PROTOCOL_SERVER_REPLY: return parse_reply(m, error, size);
    case PROTOCOL_SERVER_ERROR: return parse_error(m, error, size);
    case PROTOCOL_SERVER_CANDIDATE: return parse_candidate(m, error, size);
    case PROTOCOL_SERVER_MEDIA:
        m->reason = str(m->json, "reason");
        return need(m->json, "media", "state", &m->state, error, size);
    case PROTOCOL_SERVER_BYE:
        m->error_code = str(m->json, "code");
        m->reason = str(m->json, "reason");
        if (m->reason == NULL) m->reason = "";
        return 0;
    case PROTOCOL_SERVER_PARTICIPANTS: return parse_participants(m, error, size);
    case PROTOCOL_SERVER_PARTICIPANT_JOINED:
        return read_member(m->json, "participant_joined", true, &m->member, error, size);
    case PROTOCOL_SERVER_PARTICIPANT_LEFT:
        m->reason = str(m->json, "reason");
        return need(m->json, "participant_left", "participant", &m->participant, error, size);
    case PROTOCOL_SERVER_ACTIVE_SPEAKER: m->participant = str(m->json, "participant"); return 0;
    case PROTOCOL_SERVER_LAYOUT: return need(m->json, "layout", "layout", &m->layout, error, size);
    case PROTOCOL_SERVER_MUTE: return read_member(m->json, "mute", false, &m->member, error, size);
    case PROTOCOL_SERVER_CONFERENCE_ENDING:
        m->ends_at = str(m->json, "ends_at");
        if (!json_is_integer(seconds))
            return fail(error, size,
                        "conference_ending: field \"seconds\" is missing or not an integer");
        m->seconds = (int64_t)json_integer_value(seconds);
        return 0;
    case PROTOCOL_SERVER_SEND_LIMITS: return parse_send_limits(m, error, size);
    case PROTOCOL_SERVER_PRESENTING:
        m->participant = str(m->json, "participant");
        m->member.participant = m->participant;
        m->member.name = str(m->json, "name");
        m->content = str(m->json, "content");
        m->reason = str(m->json, "reason");
        return 0;
    case PROTOCOL_SERVER_END_OF_CANDIDATES:
    case PROTOCOL_SERVER_WAITING_FOR_HOST:
    case PROTOCOL_SERVER_HOST_PRESENT:
    case PROTOCOL_SERVER_OTHER: return 0;
    }
    return 0;
}

static void reset(struct protocol_server_message *m)
{
    memset(m, 0, sizeof *m);
    m->sdp_mline_index = -1;
    m->retry_after_ms = -1;
}

int protocol_client_parse(const char *text, size_t length, struct protocol_server_message *m,
                          char *error, size_t size)
{
    json_error_t jerr;
    size_t i, count = sizeof KINDS / sizeof KINDS[0];

    reset(m);
    if (error != NULL && size > 0) error[0] = '\0';
    if (text == NULL) return fail(error, size, "no message");
    if (length > PROTOCOL_MAX_MESSAGE)
        return fail(error, size, "the message has %zu bytes; the limit is %d", length,
                    PROTOCOL_MAX_MESSAGE);
    m->json = json_loadb(text, length, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (m->json == NULL)
        return fail(error, size, "not JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                    jerr.column);
    if (!json_is_object(m->json)) {
        protocol_server_message_clear(m);
        return fail(error, size, "a message must be a JSON object");
    }
    m->type = str(m->json, "type");
    if (m->type == NULL) {
        protocol_server_message_clear(m);
        return fail(error, size, "field \"type\" is missing or not a string");
    }
    for (i = 0; i < count && strcmp(KINDS[i].name, m->type) != 0; i++)
        ;
    m->kind = i < count ? KINDS[i].kind : PROTOCOL_SERVER_OTHER;
    if (parse_fields(m, error, size) != 0) {
        protocol_server_message_clear(m);
        return -1;
    }
    return 0;
}

void protocol_server_message_clear(struct protocol_server_message *m)
{
    free(m->members);
    json_decref(m->json);
    reset(m);
}
