/* api_live.c - operator actions on a running conference: participants with their
 * stats, mute/unmute, kick, layout, focus, stopping a share, recording
 * start/stop/pause/resume. Rooms get
 * the same signalling events as when they act themselves (docs/protocol.md). */
#include "mcu/control/control_internal.h"

#include <string.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/registry.h"
#include "mcu/core/config.h"
#include "mcu/core/log.h"
#include "signaling/protocol/protocol.h"

/* The conference must exist (stored or from the config file). Its running mix, or
 * NULL when nobody is in it; -1 after answering 404. */
static int find_conference(struct api_call *call, struct conference **running)
{
    const char *id = call->segments[1];
    struct store_conference c;
    bool stored = store_conference_get(call->control->store, id, &c) == STORE_OK;
    if (stored) store_conference_clear(&c);
    if (!stored && !registry_find_settings(call->control->registry, id)) {
        api_error(call, 404, "not_found", "there is no conference '%s'", id);
        return -1;
    }
    *running = registry_running(call->control->registry, id);
    return 0;
}

struct member_search {
    const char *id;
    struct conference_member *found;
};

static void match_member(struct conference_member *m, void *data)
{
    struct member_search *s = data;
    if (strcmp(conference_member_id(m), s->id) == 0) s->found = m;
}

/* The participant in segment 3; NULL after answering 404. */
static struct conference_member *find_member(struct api_call *call, struct conference *running)
{
    struct member_search s = {call->segments[3], NULL};
    if (running) conference_foreach_member(running, match_member, &s);
    if (!s.found)
        api_error(call, 404, "not_found", "participant '%s' is not in conference %s", s.id,
                  call->segments[1]);
    return s.found;
}

static const char *codec_name(enum media_codec codec)
{
    switch (codec) {
    case MEDIA_CODEC_OPUS: return "opus";
    case MEDIA_CODEC_VP8: return "vp8";
    case MEDIA_CODEC_H264: return "h264";
    default: return NULL;
    }
}

static json_t *nullable_string(const char *s) { return s ? json_string(s) : json_null(); }

struct list_state {
    struct conference *conference;
    json_t *out;
};

static void add_participant(struct conference_member *m, void *data)
{
    struct list_state *l = data;
    struct conference_member_stats st;
    conference_member_get_stats(l->conference, m, &st);
    json_t *stats = json_pack(
        "{s:o, s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:o, s:f, s:I, s:I, s:I, s:I, "
        "s:I}",
        "audio_codec", nullable_string(codec_name(st.audio_codec)), "video_codec",
        nullable_string(codec_name(st.video_codec)), "resolution",
        st.width ? json_sprintf("%dx%d", st.width, st.height) : json_null(), "profile",
        st.profile_name ? st.profile_name : "none", "packets_in", (json_int_t)st.rtp_in,
        "packets_out", (json_int_t)st.rtp_out, "bytes_in", (json_int_t)st.bytes_in, "bytes_out",
        (json_int_t)st.bytes_out, "audio_lost", (json_int_t)st.audio_lost, "video_lost",
        (json_int_t)st.video_lost, "audio_jitter_ms", st.audio_jitter_ms, "video_jitter_ms",
        st.video_jitter_ms, "rtt_ms", st.rtt_ms >= 0 ? json_integer(st.rtt_ms) : json_null(),
        "loss_fraction", st.fraction_lost / 256.0, "bandwidth_bps", (json_int_t)st.remb_bps,
        "keyframe_requests", (json_int_t)st.keyframe_requests, "transport_cc_feedback",
        (json_int_t)st.transport_cc_feedback, "rtx_in", (json_int_t)st.rtx_in, "rtx_probes_in",
        (json_int_t)st.rtx_padding_in);
    json_object_set_new(stats, "bitrate_in_bps", json_integer((json_int_t)st.bitrate_in_bps));
    json_object_set_new(stats, "bitrate_out_bps", json_integer((json_int_t)st.bitrate_out_bps));
    json_array_append_new(l->out,
                          json_pack("{s:s, s:s, s:b, s:b, s:o}", "id", conference_member_id(m),
                                    "name", conference_member_name(m), "audio_muted",
                                    conference_member_audio_muted(m), "video_muted",
                                    conference_member_video_muted(m), "stats", stats));
}

void api_participant_list(struct api_call *call)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    struct list_state l = {running, json_array()};
    if (running) conference_foreach_member(running, add_participant, &l);
    api_reply(call, 200, l.out);
}

/* mute (true) or unmute (false): body {"audio": bool, "video": bool}; neither: audio. */
static void set_mute(struct api_call *call, bool mute)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    json_t *body = api_read_body(call, true);
    if (!body) return;
    json_t *a = json_object_get(body, "audio"), *v = json_object_get(body, "video");
    json_t *errors = json_object();
    if (a && !json_is_boolean(a))
        json_object_set_new(errors, "audio", json_string("must be true or false"));
    if (v && !json_is_boolean(v))
        json_object_set_new(errors, "video", json_string("must be true or false"));
    bool audio = a ? json_is_true(a) : !v;
    bool video = v && json_is_true(v);
    json_decref(body);
    if (json_object_size(errors)) {
        api_field_errors(call, errors);
        return;
    }
    json_decref(errors);
    struct conference_member *m = find_member(call, running);
    if (!m) return;
    bool audio_muted = conference_member_audio_muted(m),
         video_muted = conference_member_video_muted(m);
    if (audio) audio_muted = mute;
    if (video) video_muted = mute;
    conference_member_set_mute(running, m, audio_muted, video_muted);
    api_set_detail(call, "participant %s '%s': audio %s, video %s", conference_member_id(m),
                   conference_member_name(m) ? conference_member_name(m) : "",
                   audio_muted ? "muted" : "on", video_muted ? "muted" : "on");
    log_info("participant %s: audio %s, video %s (by operator %s)", conference_member_id(m),
             audio_muted ? "muted" : "on", video_muted ? "muted" : "on", call->token_name);
    registry_broadcast(call->control->registry, call->segments[1],
                       protocol_build_mute_event(conference_member_id(m), audio_muted, video_muted),
                       NULL);
    api_reply(call, 200,
              json_pack("{s:s, s:b, s:b}", "id", conference_member_id(m), "audio_muted",
                        audio_muted, "video_muted", video_muted));
}

void api_participant_mute(struct api_call *call) { set_mute(call, true); }
void api_participant_unmute(struct api_call *call) { set_mute(call, false); }

void api_participant_kick(struct api_call *call)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    struct conference_member *m = find_member(call, running);
    if (!m) return;
    char *id = g_strdup(conference_member_id(m));
    api_set_detail(call, "participant %s '%s' removed", id,
                   conference_member_name(m) ? conference_member_name(m) : "");
    /* The participant leaves (and the conference may end with it). */
    registry_kick(call->control->registry, call->segments[1], id, "removed by an operator");
    api_reply(call, 200, json_pack("{s:s, s:b}", "id", id, "kicked", 1));
    g_free(id);
}

/* POST .../share/stop: the presentation's content connection is ended (`bye`); the
 * rooms get `presenting` null and the layout from before the share. */
void api_share_stop(struct api_call *call)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    struct conference_member *content = running ? conference_share_content(running) : NULL;
    if (!content) {
        api_error(call, 409, "conflict", "nobody presents in conference %s", call->segments[1]);
        return;
    }
    char *id = g_strdup(conference_member_id(content));
    char *owner = g_strdup(conference_member_content_owner(content));
    registry_kick(call->control->registry, call->segments[1], id, "stopped by the operator");
    api_reply(call, 200,
              json_pack("{s:s, s:s, s:s, s:b}", "id", call->segments[1], "participant", owner,
                        "content", id, "stopped", 1));
    g_free(id);
    g_free(owner);
}

void api_push_layout(struct control *control, const char *id, const char *layout)
{
    struct conference *running = registry_running(control->registry, id);
    char why[256];
    if (running && conference_set_layout(running, layout, why, sizeof why) == 0)
        registry_broadcast(control->registry, id,
                           protocol_build_layout_event(conference_layout(running)), NULL);
}

void api_layout_set(struct api_call *call)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    json_t *body = api_read_body(call, false);
    if (!body) return;
    const char *layout = json_string_value(json_object_get(body, "layout"));
    char *copy = g_strdup(layout);
    json_decref(body);
    if (!copy) {
        api_field_errors(
            call, json_pack("{s:s}", "layout", "is required: a layout name or custom JSON text"));
        return;
    }
    struct store_conference c;
    bool stored = store_conference_get(call->control->store, call->segments[1], &c) == STORE_OK;
    const struct mcu_conference_config *cfg =
        registry_find_settings(call->control->registry, call->segments[1]);
    int width = stored ? c.width : cfg ? cfg->width : MCU_CONFIG_DEFAULT_WIDTH;
    int height = stored ? c.height : cfg ? cfg->height : MCU_CONFIG_DEFAULT_HEIGHT;
    char why[256] = "";
    if (!api_layout_valid(copy, width, height, why, sizeof why)) {
        api_field_errors(call, json_pack("{s:s}", "layout", why));
    } else {
        if (stored) { /* kept for the conference's next start too */
            g_free(c.layout);
            c.layout = g_strdup(copy);
            c.updated_at = control_now();
            if (store_conference_update(call->control->store, &c) != STORE_OK)
                log_error("conference %s: the new layout was not stored", c.id);
            scheduler_refresh(call->control->scheduler, c.id);
            control_reschedule(call->control);
        }
        api_push_layout(call->control, call->segments[1], copy);
        api_reply(call, 200, json_pack("{s:s, s:s}", "id", call->segments[1], "layout", copy));
    }
    if (stored) store_conference_clear(&c);
    g_free(copy);
}

static bool has_big_cell(const char *layout)
{
    return strncmp(layout, "speaker", 7) == 0 || strcmp(layout, "1+5") == 0 ||
           strcmp(layout, "1+7") == 0 || strcmp(layout, "presentation") == 0;
}

void api_focus_set(struct api_call *call)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    json_t *body = api_read_body(call, false);
    if (!body) return;
    json_t *p = json_object_get(body, "participant");
    char *pid = g_strdup(json_string_value(p));
    bool valid = p && (json_is_null(p) || pid);
    json_decref(body);
    if (!valid) {
        api_field_errors(call, json_pack("{s:s}", "participant",
                                         "is required: a participant id, or null for "
                                         "the active speaker"));
    } else if (!running) {
        api_error(call, 409, "conflict", "nobody is in conference %s", call->segments[1]);
    } else if (!has_big_cell(conference_layout(running))) {
        api_error(call, 409, "conflict", "layout %s has no big tile; set 1+5, 1+7 or speaker first",
                  conference_layout(running));
    } else {
        struct member_search s = {pid, NULL};
        if (pid) conference_foreach_member(running, match_member, &s);
        if (pid && !s.found) {
            api_error(call, 404, "not_found", "participant '%s' is not in conference %s", pid,
                      call->segments[1]);
        } else {
            conference_set_focus(running, s.found);
            api_reply(call, 200,
                      json_pack("{s:s, s:o}", "id", call->segments[1], "focus",
                                pid ? json_string(pid) : json_null()));
        }
    }
    g_free(pid);
}

/* Recording: the running conference's recorder, into the configured archive. 409
 * when nobody is in the conference or its recording is not in the state the action
 * needs. */
enum recording_action { RECORDING_START, RECORDING_STOP, RECORDING_PAUSE, RECORDING_RESUME };

static void recording_reply(struct api_call *call, struct conference *running)
{
    enum recorder_state state;
    char reason[RECORDER_REASON_MAX] = "";
    bool have = conference_recording_state(running, &state, reason, sizeof reason);
    api_reply(call, 200,
              json_pack("{s:s, s:s}", "id", call->segments[1], "recording",
                        have ? recorder_state_name(state) : "stopped"));
}

static void recording_action(struct api_call *call, enum recording_action action)
{
    struct conference *running;
    if (find_conference(call, &running) != 0) return;
    const char *id = call->segments[1];
    if (!running) {
        api_error(call, 409, "not_running",
                  "nobody is in conference %s; it records only while it runs", id);
        return;
    }
    enum recorder_state state;
    char reason[RECORDER_REASON_MAX] = "";
    bool recording = conference_recording_state(running, &state, reason, sizeof reason);
    int rc = 0;
    switch (action) {
    case RECORDING_START: {
        if (recording) {
            api_error(call, 409, "already_recording",
                      "conference %s is being recorded already (%s)", id,
                      recorder_state_name(state));
            return;
        }
        const struct mcu_config *config = call->control->config;
        struct conference_recording_options opts = {
            .archive_dir = config->archive_dir,
            .segment_us = (int64_t)config->segment_minutes * 60 * 1000000,
        };
        char why[256] = "";
        if (conference_start_recording(running, &opts, why, sizeof why) != 0) {
            api_error(call, 500, "recording_failed", "the recording of %s cannot start: %s", id,
                      why);
            return;
        }
        break;
    }
    case RECORDING_STOP: rc = conference_stop_recording(running); break;
    case RECORDING_PAUSE: rc = conference_pause_recording(running); break;
    case RECORDING_RESUME: rc = conference_resume_recording(running); break;
    }
    if (rc != 0) {
        static const char *const what[] = {"", "stop", "pause", "resume"};
        const char *now = recording ? recorder_state_name(state) : "not recording";
        api_error(call, 409, "not_recording", "conference %s has no recording to %s (%s)", id,
                  what[action], now);
        return;
    }
    log_info("conference %s: recording %s by operator %s", id,
             action == RECORDING_START   ? "started"
             : action == RECORDING_STOP  ? "stopped"
             : action == RECORDING_PAUSE ? "paused"
                                         : "resumed",
             call->token_name);
    recording_reply(call, running);
}

void api_recording_start(struct api_call *call) { recording_action(call, RECORDING_START); }
void api_recording_stop(struct api_call *call) { recording_action(call, RECORDING_STOP); }
void api_recording_pause(struct api_call *call) { recording_action(call, RECORDING_PAUSE); }
void api_recording_resume(struct api_call *call) { recording_action(call, RECORDING_RESUME); }
