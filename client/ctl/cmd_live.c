/* cmd_live.c - mcuctl participant list|mute|unmute|kick|focus, layout set,
 * share stop, record start|stop|pause|resume: actions on a running conference. */
#include "client/ctl/ctl.h"

#include <stdio.h>
#include <string.h>

static const struct ctl_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct ctl_opt mute_opts[] = {
    {"audio", NULL, "the microphone (the default)"},
    {"video", NULL, "the camera (the room's name shows instead)"},
    {NULL, NULL, NULL},
};
static const struct ctl_opt focus_opts[] = {
    {"none", NULL, "give the big tile back to the active speaker"},
    {NULL, NULL, NULL},
};

/* A call on /api/v1/conferences/CONF + suffix; *out gets the answer. */
static int conference_call(struct ctl *ctl, const char *method, const char *conference,
                           const char *suffix, json_t *body, json_t **out)
{
    char *id = ctl_escape(conference);
    char *path = g_strdup_printf("/api/v1/conferences/%s%s", id, suffix);
    int rc = ctl_call(ctl, method, path, body, out);
    g_free(path);
    g_free(id);
    return rc;
}

/* A bitrate in bit/s as kbit/s; "-" when the server did not say. */
static char *kbits(json_t *bps)
{
    if (!json_is_integer(bps)) return g_strdup("-");
    return g_strdup_printf("%lld", (long long)json_integer_value(bps) / 1000);
}

static char **participant_row(json_t *p)
{
    json_t *st = json_object_get(p, "stats");
    bool am = json_is_true(json_object_get(p, "audio_muted"));
    bool vm = json_is_true(json_object_get(p, "video_muted"));
    char **row = g_new0(char *, 11);
    row[0] = ctl_json_text(json_object_get(p, "id"));
    row[1] = ctl_json_text(json_object_get(p, "name"));
    row[2] = g_strdup(am && vm ? "audio+video" : am ? "audio" : vm ? "video" : "-");
    char *ac = ctl_json_text(json_object_get(st, "audio_codec"));
    char *vc = ctl_json_text(json_object_get(st, "video_codec"));
    row[3] = g_strdup_printf("%s/%s", ac, vc);
    g_free(ac);
    g_free(vc);
    row[4] = ctl_json_text(json_object_get(st, "resolution"));
    row[5] = kbits(json_object_get(st, "bitrate_in_bps"));
    row[6] = kbits(json_object_get(st, "bitrate_out_bps"));
    row[7] =
        g_strdup_printf("%lld", (long long)(json_integer_value(json_object_get(st, "audio_lost")) +
                                            json_integer_value(json_object_get(st, "video_lost"))));
    row[8] = g_strdup_printf("%.1f", json_real_value(json_object_get(st, "video_jitter_ms")));
    row[9] = ctl_json_text(json_object_get(st, "rtt_ms"));
    return row;
}

static int cmd_participants(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *out = NULL;
    int rc = conference_call(ctl, "GET", a->positional[0], "/participants", NULL, &out);
    if (rc != CTL_OK) return rc;
    if (ctl->json) {
        ctl_print_json(out);
    } else {
        static const char *const columns[] = {"ID",        "NAME",      "MUTED",      "CODECS",
                                              "RECEIVES",  "IN KBIT/S", "OUT KBIT/S", "LOST",
                                              "JITTER MS", "RTT MS",    NULL};
        GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        size_t i;
        json_t *p;
        json_array_foreach(out, i, p) g_ptr_array_add(rows, participant_row(p));
        ctl_print_table(columns, rows);
        g_ptr_array_free(rows, TRUE);
    }
    json_decref(out);
    return CTL_OK;
}

static int participant_action(struct ctl *ctl, const struct ctl_args *a, const char *action,
                              json_t *body)
{
    char *pid = ctl_escape(a->positional[1]);
    char *suffix = g_strdup_printf("/participants/%s/%s", pid, action);
    json_t *out = NULL;
    int rc = conference_call(ctl, "POST", a->positional[0], suffix, body, &out);
    g_free(suffix);
    g_free(pid);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else if (json_object_get(out, "kicked"))
        printf("%s removed\n", a->positional[1]);
    else
        printf("%s: audio %s, video %s\n", a->positional[1],
               json_is_true(json_object_get(out, "audio_muted")) ? "muted" : "on",
               json_is_true(json_object_get(out, "video_muted")) ? "muted" : "on");
    json_decref(out);
    return CTL_OK;
}

static int mute(struct ctl *ctl, const struct ctl_args *a, const char *action)
{
    bool audio = ctl_opt_flag(a, "audio"), video = ctl_opt_flag(a, "video");
    json_t *body = json_pack("{s:b, s:b}", "audio", audio || !video, "video", video);
    int rc = participant_action(ctl, a, action, body);
    json_decref(body);
    return rc;
}

static int cmd_mute(struct ctl *ctl, const struct ctl_args *a) { return mute(ctl, a, "mute"); }
static int cmd_unmute(struct ctl *ctl, const struct ctl_args *a) { return mute(ctl, a, "unmute"); }
static int cmd_kick(struct ctl *ctl, const struct ctl_args *a)
{
    return participant_action(ctl, a, "kick", NULL);
}

static int cmd_focus(struct ctl *ctl, const struct ctl_args *a)
{
    bool none = ctl_opt_flag(a, "none");
    if ((a->count == 2) == none) {
        fprintf(stderr, "mcuctl: give a participant id, or --none\n");
        return CTL_USAGE;
    }
    json_t *body =
        json_pack("{s:o}", "participant", none ? json_null() : json_string(a->positional[1]));
    json_t *out = NULL;
    int rc = conference_call(ctl, "PUT", a->positional[0], "/focus", body, &out);
    json_decref(body);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("big tile: %s\n", none ? "the active speaker" : a->positional[1]);
    json_decref(out);
    return CTL_OK;
}

static int cmd_layout(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *body = json_pack("{s:s}", "layout", a->positional[1]);
    json_t *out = NULL;
    int rc = conference_call(ctl, "PUT", a->positional[0], "/layout", body, &out);
    json_decref(body);
    if (rc != CTL_OK) return rc;
    if (ctl->json)
        ctl_print_json(out);
    else
        printf("layout %s\n", json_string_value(json_object_get(out, "layout")));
    json_decref(out);
    return CTL_OK;
}

/* POST .../share/stop: ends the presentation (the room goes on). */
static int cmd_share_stop(struct ctl *ctl, const struct ctl_args *a)
{
    json_t *out = NULL;
    int rc = conference_call(ctl, "POST", a->positional[0], "/share/stop", NULL, &out);
    if (rc == CTL_OK) {
        if (ctl->json)
            ctl_print_json(out);
        else
            printf("%s: share of %s stopped\n", a->positional[0],
                   json_string_value(json_object_get(out, "participant")));
    }
    json_decref(out);
    return rc;
}

/* POST .../recording/ACTION; prints what was done and the recording's state. */
static int record(struct ctl *ctl, const struct ctl_args *a, const char *action)
{
    static const char *const done[][2] = {{"start", "started (from the next keyframe)"},
                                          {"stop", "stopped"},
                                          {"pause", "paused"},
                                          {"resume", "resumed (from the next keyframe)"}};
    const char *what = action;
    for (size_t i = 0; i < G_N_ELEMENTS(done); i++)
        if (strcmp(done[i][0], action) == 0) what = done[i][1];
    char *suffix = g_strdup_printf("/recording/%s", action);
    json_t *out = NULL;
    int rc = conference_call(ctl, "POST", a->positional[0], suffix, NULL, &out);
    g_free(suffix);
    if (rc == CTL_OK) {
        if (ctl->json)
            ctl_print_json(out);
        else
            printf("%s: recording %s; state %s\n", a->positional[0], what,
                   json_string_value(json_object_get(out, "recording")));
    }
    json_decref(out);
    return rc;
}

static int cmd_record_start(struct ctl *ctl, const struct ctl_args *a)
{
    return record(ctl, a, "start");
}
static int cmd_record_stop(struct ctl *ctl, const struct ctl_args *a)
{
    return record(ctl, a, "stop");
}
static int cmd_record_pause(struct ctl *ctl, const struct ctl_args *a)
{
    return record(ctl, a, "pause");
}
static int cmd_record_resume(struct ctl *ctl, const struct ctl_args *a)
{
    return record(ctl, a, "resume");
}

const struct ctl_command ctl_live_commands[] = {
    {"participant", "list", "CONFERENCE", 1, 1, no_opts, cmd_participants,
     "who is in a conference: codecs, resolution, bitrate, loss, jitter, RTT"},
    {"participant", "mute", "CONFERENCE PARTICIPANT", 2, 2, mute_opts, cmd_mute,
     "mute a room's audio (--audio, the default) and/or video (--video)"},
    {"participant", "unmute", "CONFERENCE PARTICIPANT", 2, 2, mute_opts, cmd_unmute,
     "unmute a room's audio and/or video"},
    {"participant", "kick", "CONFERENCE PARTICIPANT", 2, 2, no_opts, cmd_kick,
     "remove a room from the conference"},
    {"participant", "focus", "CONFERENCE [PARTICIPANT]", 1, 2, focus_opts, cmd_focus,
     "put a room in the big tile (layouts 1+5, 1+7, speaker), or --none"},
    {"layout", "set", "CONFERENCE LAYOUT", 2, 2, no_opts, cmd_layout,
     "change the picture: 1x1 2x2 3x3 4x4 5x5 1+5 1+7 speaker speaker+N presentation or "
     "custom JSON"},
    {"share", "stop", "CONFERENCE", 1, 1, no_opts, cmd_share_stop,
     "stop the presentation (screen share) in a conference; the room stays"},
    {"record", "start", "CONFERENCE", 1, 1, no_opts, cmd_record_start,
     "start recording a running conference into the archive"},
    {"record", "stop", "CONFERENCE", 1, 1, no_opts, cmd_record_stop,
     "stop recording; the file is finished"},
    {"record", "pause", "CONFERENCE", 1, 1, no_opts, cmd_record_pause,
     "pause recording (cut out of the file)"},
    {"record", "resume", "CONFERENCE", 1, 1, no_opts, cmd_record_resume,
     "resume a paused recording"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL},
};
