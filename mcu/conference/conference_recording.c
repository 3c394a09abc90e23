/* conference_recording.c - a mixing conference's recording: start/stop/pause/resume
 * on the control thread, the media thread handing the recorded profile's frames and
 * the full audio mix to the recorder, the recorder's keyframe requests, the rooms that
 * attend, and the recorder's state and finished files reported to the owner. The
 * writing itself is mcu/recording/recorder.c's, on its own thread. See conference.h. */
#include "mcu/conference/conference_internal.h"

#include <stdio.h>
#include <string.h>

#include "mcu/core/log.h"

/* The profile to record: VP8 high when allowed (WebM), else H.264 high (Matroska). */
static int recorded_profile(const struct conference *c)
{
    int p = conference_profile_for(c, MEDIA_CODEC_VP8, false);
    return p >= 0 ? p : conference_profile_for(c, MEDIA_CODEC_H264, false);
}

int conference_start_recording(struct conference *c,
                               const struct conference_recording_options *opts, char *err,
                               size_t errlen)
{
    g_mutex_lock(&c->lock);
    bool busy = c->recorder != NULL;
    g_mutex_unlock(&c->lock);
    if (busy) {
        snprintf(err, errlen, "conference %s is being recorded already", c->config.id);
        return -1;
    }
    int profile = recorded_profile(c);
    size_t header_size = 0;
    /* The Opus header is fixed when the engine is made: safe to read here. */
    const uint8_t *header = mix_engine_audio_extradata(c->engine, &header_size);
    struct recorder_config rc = {
        .archive_dir = opts->archive_dir,
        .conference_id = c->config.id,
        .title = c->config.title,
        .video_codec = profile >= 0 ? c->profiles[profile].codec : MEDIA_CODEC_NONE,
        .width = profile >= 0 ? c->profiles[profile].width : 0,
        .height = profile >= 0 ? c->profiles[profile].height : 0,
        .fps = c->config.fps,
        .opus_header = header,
        .opus_header_size = header_size,
        .segment_us = opts->segment_us,
    };
    struct recorder *r = recorder_new(&rc, err, errlen);
    if (!r) return -1;
    g_mutex_lock(&c->lock);
    for (size_t i = 0; i < (size_t)c->config.max_participants; i++)
        if (c->members[i])
            recorder_room_joined(r, c->members[i]->participant_id, c->members[i]->name);
    c->recorder = r;
    c->recorder_profile = profile;
    c->recorder_started_us = g_get_real_time();
    c->last_recording_failed = false;
    if (profile >= 0) {
        c->profiles[profile].receivers++; /* encoded while recording */
        keyframe_limiter_ask(&c->profiles[profile].keyframes);
    }
    g_cond_signal(&c->wake);
    g_mutex_unlock(&c->lock);
    log_info("conference %s: recording started (%s, %dx%d + full audio mix) into %s", c->config.id,
             profile >= 0 ? c->profiles[profile].name : "audio only", rc.width, rc.height,
             opts->archive_dir);
    return 0;
}

/* Under the lock: the media thread stops feeding r; its profile may go idle. */
static struct recorder *detach_locked(struct conference *c)
{
    struct recorder *r = c->recorder;
    if (!r) return NULL;
    c->recorder = NULL;
    conference_release_profile(c, c->recorder_profile);
    c->recorder_profile = -1;
    return r;
}

/* Control thread: r stops; its writer finishes the file while the meeting goes on. */
static void retire(struct conference *c, struct recorder *r)
{
    recorder_stop(r);
    if (!c->finishing_recorders) c->finishing_recorders = g_ptr_array_new();
    g_ptr_array_add(c->finishing_recorders, r);
}

int conference_stop_recording(struct conference *c)
{
    g_mutex_lock(&c->lock);
    struct recorder *r = detach_locked(c);
    g_mutex_unlock(&c->lock);
    if (!r) return -1;
    retire(c, r);
    log_info("conference %s: recording stopped", c->config.id);
    return 0;
}

int conference_pause_recording(struct conference *c)
{
    g_mutex_lock(&c->lock);
    int rc = c->recorder ? recorder_pause(c->recorder) : -1;
    g_mutex_unlock(&c->lock);
    if (rc == 0) log_info("conference %s: recording paused", c->config.id);
    return rc;
}

int conference_resume_recording(struct conference *c)
{
    g_mutex_lock(&c->lock);
    int rc = c->recorder ? recorder_resume(c->recorder) : -1;
    g_cond_signal(&c->wake);
    g_mutex_unlock(&c->lock);
    if (rc == 0) log_info("conference %s: recording resumed", c->config.id);
    return rc;
}

bool conference_recording_state(struct conference *c, enum recorder_state *state, char *reason,
                                size_t reasonlen)
{
    g_mutex_lock(&c->lock);
    bool have = c->recorder != NULL;
    if (have) *state = recorder_state(c->recorder, reason, reasonlen);
    g_mutex_unlock(&c->lock);
    if (!have && reason && reasonlen) snprintf(reason, reasonlen, "%s", c->last_recording_failure);
    return have;
}

bool conference_recording_progress(struct conference *c, struct conference_recording_progress *out)
{
    memset(out, 0, sizeof *out);
    g_mutex_lock(&c->lock);
    bool have = c->recorder != NULL;
    if (have) {
        struct recorder_stats st;
        recorder_get_stats(c->recorder, &st);
        out->state = recorder_state(c->recorder, NULL, 0);
        out->bytes_written = st.bytes_written;
        out->started_us = c->recorder_started_us;
    } else {
        out->state = c->last_recording_failed ? RECORDER_FAILED : RECORDER_STOPPED;
    }
    g_mutex_unlock(&c->lock);
    return have;
}

/* --- the media thread ------------------------------------------------------------------- */

void conference_record_frame(struct conference *c, const struct mix_output *out,
                             const struct encoded_frame *frame, int64_t now_us)
{
    bool video = out->kind == MIX_OUTPUT_VIDEO;
    if (!video && out->kind != MIX_OUTPUT_AUDIO_FULL) return;
    g_mutex_lock(&c->lock);
    if (c->recorder && (!video || (int)out->index == c->recorder_profile))
        recorder_push(c->recorder, video ? MEDIA_VIDEO : MEDIA_AUDIO, frame, now_us);
    g_mutex_unlock(&c->lock);
}

void conference_recording_keyframes_locked(struct conference *c)
{
    if (c->recorder && recorder_take_keyframe_request(c->recorder) && c->recorder_profile >= 0)
        keyframe_limiter_ask(&c->profiles[c->recorder_profile].keyframes);
}

void conference_recording_room_locked(struct conference *c, const struct conference_member *m,
                                      bool joined)
{
    if (!c->recorder) return;
    if (joined)
        recorder_room_joined(c->recorder, m->participant_id, m->name);
    else
        recorder_room_left(c->recorder, m->participant_id);
}

/* --- reports to the owner (control thread) ------------------------------------------------ */

static void report_files(struct conference *c, struct recorder *r)
{
    struct recorder_result res;
    while (recorder_take_result(r, &res)) {
        if (res.status == RECORDER_FILE_COMPLETE)
            log_info("conference %s: recording %s finished: %lld ms, %llu bytes, %s+%s, sha256 %s",
                     c->config.id, res.path, (long long)res.duration_ms,
                     (unsigned long long)res.size, res.video_codec, res.audio_codec, res.sha256);
        else
            log_error(
                "conference %s: recording %s ended %s (%s): %lld ms, %llu bytes kept, sha256 %s",
                c->config.id, res.path, recorder_file_status_name(res.status), res.reason,
                (long long)res.duration_ms, (unsigned long long)res.size, res.sha256);
        if (c->events.recording_file) c->events.recording_file(c->owner, c, &res);
        recorder_result_clear(&res);
    }
}

static void report_state(struct conference *c, enum recorder_state state, const char *reason)
{
    if (state == c->reported_recording_state) return;
    c->reported_recording_state = state;
    if (state == RECORDER_FAILED) {
        snprintf(c->last_recording_failure, sizeof c->last_recording_failure, "%s", reason);
        c->last_recording_failed = true;
        log_error("conference %s: recording stopped by an error: %s; the meeting goes on",
                  c->config.id, reason);
    }
    if (c->events.recording_state) c->events.recording_state(c->owner, c, state, reason);
}

void conference_recording_poll(struct conference *c)
{
    char reason[RECORDER_REASON_MAX] = "";
    g_mutex_lock(&c->lock);
    struct recorder *r = c->recorder;
    enum recorder_state state = r ? recorder_state(r, reason, sizeof reason) : RECORDER_STOPPED;
    if (state == RECORDER_FAILED) detach_locked(c); /* it takes no more frames anyway */
    g_mutex_unlock(&c->lock);
    if (r) report_files(c, r);
    if (state == RECORDER_FAILED) retire(c, r);
    report_state(c, state, reason);
    for (guint i = 0; c->finishing_recorders && i < c->finishing_recorders->len;) {
        struct recorder *old = c->finishing_recorders->pdata[i];
        bool done = recorder_done(old);
        report_files(c, old);
        if (!done) {
            i++;
            continue;
        }
        recorder_free(old);
        g_ptr_array_remove_index(c->finishing_recorders, i);
    }
}

void conference_recording_end(struct conference *c)
{
    struct recorder *r = detach_locked(c); /* the media thread has stopped */
    if (r) retire(c, r);
    for (guint i = 0; c->finishing_recorders && i < c->finishing_recorders->len; i++) {
        struct recorder *old = c->finishing_recorders->pdata[i];
        recorder_wait(old);
        report_files(c, old);
        char reason[RECORDER_REASON_MAX] = "";
        if (recorder_state(old, reason, sizeof reason) == RECORDER_FAILED)
            report_state(c, RECORDER_FAILED, reason);
        recorder_free(old);
    }
    if (c->finishing_recorders) g_ptr_array_free(c->finishing_recorders, TRUE);
    c->finishing_recorders = NULL;
}
