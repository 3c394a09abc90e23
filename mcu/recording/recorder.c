/* recorder.c - the recorder object: the media thread's side (timeline and bounded
 * queue, under one lock) and the writer thread (files, segments, sync, finalising).
 * See recorder.h. */
#include "mcu/recording/recorder.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcu/core/log.h"
#include "mcu/recording/recorder_archive.h"
#include "mixer/mux/webm_probe.h"
#include "mixer/mux/webm_writer.h"

#define AUDIO_FRAME_US    20000
#define AUDIO_SLACK_US    20000   /* audio laid end to end while within this of the clock */
#define KEYFRAME_RETRY_US 1000000 /* ask again while still waiting */
#define RECORDER_LENGTH_SLACK_MS \
    2000 /* a file may hold this much less than was written
                                         (the last cluster, the trailer) */

struct queued_frame {
    struct queued_frame *next;
    enum media_kind kind;
    bool keyframe;
    int64_t t_us;    /* recording time: from the start, pauses cut out */
    int64_t wall_ms; /* wall clock when pushed */
    size_t size;
    uint8_t data[];
};

enum timeline { TIMELINE_WAIT_KEY, TIMELINE_RUNNING, TIMELINE_PAUSED };

struct recorder {
    /* settings, fixed after recorder_new */
    char *archive_dir, *conference_id, *title;
    enum media_codec video_codec;
    int width, height, fps;
    uint8_t *opus_header;
    size_t opus_header_size;
    int64_t segment_us;
    size_t queue_frames, queue_bytes;
    int64_t frame_us;

    GMutex lock;
    GCond wake;
    GThread *thread;

    /* under the lock */
    struct queued_frame *head, *tail;
    size_t queued, queued_bytes;
    enum timeline timeline;
    bool started;      /* the first keyframe came */
    int64_t origin_us; /* t = now_us - origin_us */
    int64_t last_t_us, last_video_t_us, next_audio_t_us;
    bool have_video_t, have_audio_t;
    bool video_gap; /* a video frame was dropped: wait for a keyframe */
    bool keyframe_wanted;
    int64_t last_keyframe_ask_us;
    enum recorder_state state;
    char reason[RECORDER_REASON_MAX];
    bool stop, done;
    struct recorder_stats stats;
    GQueue results; /* of struct recorder_result* */
    GArray *rooms;  /* of struct recorder_room, every room ever seen */
    bool rooms_changed;
    char *current_path;

    /* writer thread only */
    struct webm_writer *file;
    struct recorder_result current; /* of the open file */
    char *part_path;
    int part_lock_fd; /* holds recorder_part_lock() on part_path while open; -1 */
    int64_t segment_start_t_us;
    int segment_index;
    bool asked_split;
    bool failed;
    int64_t last_sync_us;
    uint64_t bytes_before; /* of the files already finished */
};

/* --- names -------------------------------------------------------------------------------- */

static const char *const state_names[] = {"starting", "recording", "paused",
                                          "stopping", "stopped",   "failed"};
static const char *const status_names[] = {"recording", "complete", "interrupted", "failed"};

const char *recorder_state_name(enum recorder_state s) { return state_names[s]; }
const char *recorder_file_status_name(enum recorder_file_status s) { return status_names[s]; }

int recorder_file_status_from_name(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(status_names); i++)
        if (strcmp(name, status_names[i]) == 0) return (int)i;
    return -1;
}

void recorder_result_clear(struct recorder_result *res)
{
    if (!res) return;
    g_free(res->path);
    g_free(res->conference_id);
    g_free(res->title);
    for (size_t i = 0; i < res->room_count; i++) {
        g_free(res->rooms[i].id);
        g_free(res->rooms[i].name);
    }
    g_free(res->rooms);
    memset(res, 0, sizeof *res);
}

/* --- rooms (owner's thread writes, writer reads; under the lock) ---------------------------- */

void recorder_room_joined(struct recorder *r, const char *id, const char *name)
{
    g_mutex_lock(&r->lock);
    bool present = false;
    for (guint i = 0; i < r->rooms->len; i++) {
        struct recorder_room *room = &g_array_index(r->rooms, struct recorder_room, i);
        if (room->left_ms == 0 && strcmp(room->id, id) == 0) present = true;
    }
    if (!present && r->rooms->len < RECORDER_MAX_ROOMS) {
        struct recorder_room room = {.id = g_strdup(id),
                                     .name = g_strdup(name ? name : id),
                                     .joined_ms = g_get_real_time() / 1000};
        g_array_append_val(r->rooms, room);
        r->rooms_changed = true;
    }
    g_mutex_unlock(&r->lock);
}

void recorder_room_left(struct recorder *r, const char *id)
{
    g_mutex_lock(&r->lock);
    for (guint i = 0; i < r->rooms->len; i++) {
        struct recorder_room *room = &g_array_index(r->rooms, struct recorder_room, i);
        if (room->left_ms == 0 && strcmp(room->id, id) == 0) {
            room->left_ms = g_get_real_time() / 1000;
            r->rooms_changed = true;
        }
    }
    g_mutex_unlock(&r->lock);
}

/* Under the lock: the rooms that attended during [start_ms, now] into res. */
static void snapshot_rooms(struct recorder *r, struct recorder_result *res)
{
    for (size_t i = 0; i < res->room_count; i++) {
        g_free(res->rooms[i].id);
        g_free(res->rooms[i].name);
    }
    g_free(res->rooms);
    res->rooms = r->rooms->len ? g_new0(struct recorder_room, r->rooms->len) : NULL;
    res->room_count = 0;
    for (guint i = 0; i < r->rooms->len; i++) {
        const struct recorder_room *room = &g_array_index(r->rooms, struct recorder_room, i);
        if (room->left_ms != 0 && room->left_ms < res->start_ms) continue;
        struct recorder_room *copy = &res->rooms[res->room_count++];
        *copy = *room;
        copy->id = g_strdup(room->id);
        copy->name = g_strdup(room->name);
    }
}

/* --- the media thread's side ------------------------------------------------------------- */

/* Under the lock. */
static void ask_keyframe(struct recorder *r, int64_t now_us)
{
    if (r->last_keyframe_ask_us && now_us - r->last_keyframe_ask_us < KEYFRAME_RETRY_US) return;
    r->keyframe_wanted = true;
    r->last_keyframe_ask_us = now_us;
}

void recorder_push(struct recorder *r, enum media_kind kind, const struct encoded_frame *frame,
                   int64_t now_us)
{
    bool video = kind == MEDIA_VIDEO;
    bool has_video = r->video_codec != MEDIA_CODEC_NONE;
    if ((video && !has_video) || (!video && !r->opus_header) || frame->size == 0) return;
    g_mutex_lock(&r->lock);
    if (r->stop || r->state == RECORDER_FAILED || r->timeline == TIMELINE_PAUSED) goto out;
    if (r->timeline == TIMELINE_WAIT_KEY) {
        if (has_video && !(video && frame->keyframe)) {
            ask_keyframe(r, now_us);
            goto out;
        }
        /* Start, or carry on one frame after the last frame before the pause. */
        int64_t last = has_video ? r->last_video_t_us : r->last_t_us;
        r->origin_us = r->started ? now_us - (last + r->frame_us) : now_us;
        r->started = true;
        r->timeline = TIMELINE_RUNNING;
        r->state = RECORDER_RECORDING;
        r->video_gap = false;
        r->have_audio_t = false;
    }
    int64_t t = now_us - r->origin_us;
    if (video) {
        if (r->video_gap && !frame->keyframe) {
            ask_keyframe(r, now_us);
            goto out;
        }
        /* On the frame grid, so that players see a constant frame rate. The media
         * thread ticks on a fixed schedule and is late, never early; when it falls
         * far behind it skips ticks. So each frame takes the next slot, unless the
         * clock says ticks were skipped (it is 2 or more slots further on), and a
         * late tick followed by a catch-up tick cannot push the grid ahead. */
        int64_t natural = t < 0 ? 0 : t / r->frame_us;
        int64_t slot = r->have_video_t ? r->last_video_t_us / r->frame_us + 1 : natural;
        if (natural - 1 > slot) slot = natural - 1;
        t = slot * r->frame_us;
    } else if (r->have_audio_t && llabs(t - r->next_audio_t_us) <= AUDIO_SLACK_US) {
        t = r->next_audio_t_us;
    }
    if (r->queued >= r->queue_frames || r->queued_bytes + frame->size > r->queue_bytes) {
        r->stats.frames_dropped++;
        if (video) {
            r->video_gap = true;
            r->keyframe_wanted = true;
            r->last_keyframe_ask_us = now_us;
        } else {
            r->next_audio_t_us = t + AUDIO_FRAME_US; /* the gap stays a gap */
            r->have_audio_t = true;
        }
        goto out;
    }
    struct queued_frame *q = g_malloc(sizeof *q + frame->size);
    q->next = NULL;
    q->kind = kind;
    q->keyframe = video ? frame->keyframe : true;
    q->t_us = t;
    q->wall_ms = g_get_real_time() / 1000;
    q->size = frame->size;
    memcpy(q->data, frame->data, frame->size);
    if (r->tail)
        r->tail->next = q;
    else
        r->head = q;
    r->tail = q;
    r->queued++;
    r->queued_bytes += frame->size;
    if (video) {
        r->video_gap = false;
        r->last_video_t_us = t;
        r->have_video_t = true;
    } else {
        r->next_audio_t_us = t + AUDIO_FRAME_US;
        r->have_audio_t = true;
    }
    if (t > r->last_t_us) r->last_t_us = t;
    g_cond_signal(&r->wake);
out:
    g_mutex_unlock(&r->lock);
}

bool recorder_take_keyframe_request(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    bool wanted = r->keyframe_wanted;
    r->keyframe_wanted = false;
    g_mutex_unlock(&r->lock);
    return wanted;
}

/* --- the owner's side --------------------------------------------------------------------- */

int recorder_pause(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    int rc = -1;
    if (!r->stop && r->state != RECORDER_FAILED && r->timeline != TIMELINE_PAUSED) {
        r->timeline = TIMELINE_PAUSED;
        r->state = RECORDER_PAUSED;
        rc = 0;
    }
    g_mutex_unlock(&r->lock);
    return rc;
}

int recorder_resume(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    int rc = -1;
    if (!r->stop && r->state != RECORDER_FAILED && r->timeline == TIMELINE_PAUSED) {
        r->timeline = TIMELINE_WAIT_KEY;
        r->state = r->started ? RECORDER_RECORDING : RECORDER_STARTING;
        r->keyframe_wanted = true;
        r->last_keyframe_ask_us = 0;
        rc = 0;
    }
    g_mutex_unlock(&r->lock);
    return rc;
}

void recorder_stop(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    if (!r->stop) {
        r->stop = true;
        if (r->state != RECORDER_FAILED && !r->done) r->state = RECORDER_STOPPING;
        g_cond_signal(&r->wake);
    }
    g_mutex_unlock(&r->lock);
}

bool recorder_done(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    bool done = r->done;
    g_mutex_unlock(&r->lock);
    return done;
}

enum recorder_state recorder_state(struct recorder *r, char *reason, size_t reasonlen)
{
    g_mutex_lock(&r->lock);
    enum recorder_state s = r->state;
    if (reason && reasonlen) snprintf(reason, reasonlen, "%s", r->reason);
    g_mutex_unlock(&r->lock);
    return s;
}

void recorder_get_stats(struct recorder *r, struct recorder_stats *out)
{
    g_mutex_lock(&r->lock);
    *out = r->stats;
    g_mutex_unlock(&r->lock);
}

char *recorder_current_path(struct recorder *r)
{
    g_mutex_lock(&r->lock);
    char *path = g_strdup(r->current_path);
    g_mutex_unlock(&r->lock);
    return path;
}

bool recorder_take_result(struct recorder *r, struct recorder_result *out)
{
    g_mutex_lock(&r->lock);
    struct recorder_result *res = g_queue_pop_head(&r->results);
    g_mutex_unlock(&r->lock);
    if (!res) return false;
    *out = *res;
    g_free(res);
    return true;
}

/* --- the writer thread -------------------------------------------------------------------- */

/* The length of a finished file is what the file holds (res->duration_ms had what was
 * written): a file that holds clearly less than was written (cut, replaced, moved by
 * another process) fails with both lengths in the reason rather than pass for whole. */
static void file_duration_check(struct recorder *r, struct recorder_result *res,
                                enum recorder_file_status *status, const char **reason, char *why,
                                size_t whylen)
{
    int64_t file_us = 0;
    char err[RECORDER_REASON_MAX] = "";
    if (webm_file_duration(res->path, &file_us, err, sizeof err) != 0) {
        log_warn("recorder %s: cannot read the length of %s back: %s", r->conference_id, res->path,
                 err);
        return;
    }
    int64_t written_ms = res->duration_ms, file_ms = file_us / 1000;
    res->duration_ms = file_ms;
    if (written_ms - file_ms > RECORDER_LENGTH_SLACK_MS && *status != RECORDER_FILE_FAILED) {
        snprintf(why, whylen, "the file holds %.1f s of the %.1f s written", file_ms / 1000.0,
                 written_ms / 1000.0);
        log_warn("recorder %s: %s: %s", r->conference_id, res->path, why);
        *status = RECORDER_FILE_FAILED;
        *reason = why;
    }
}

/* Closes the open file (with the trailer when `status` is complete), renames it to its
 * final name, checksums it, writes its sidecar and queues its result. */
static void finish_file(struct recorder *r, enum recorder_file_status status, const char *reason)
{
    if (!r->file) return;
    struct recorder_result *res = &r->current;
    char err[RECORDER_REASON_MAX] = "";
    res->duration_ms = webm_writer_duration_us(r->file) / 1000;
    r->bytes_before += webm_writer_bytes(r->file);
    if (webm_writer_close(r->file, status == RECORDER_FILE_COMPLETE, err, sizeof err) != 0 &&
        status == RECORDER_FILE_COMPLETE) {
        status = RECORDER_FILE_FAILED;
        reason = err;
    }
    r->file = NULL;
    char why[RECORDER_REASON_MAX] = "";
    if (rename(r->part_path, res->path) != 0) {
        /* Never report a file of that name that is not ours: the .part it is. */
        snprintf(why, sizeof why, "cannot rename %s: %s", r->part_path, g_strerror(errno));
        log_warn("recorder %s: %s", r->conference_id, why);
        g_free(res->path);
        res->path = g_strdup(r->part_path);
        status = RECORDER_FILE_FAILED;
        reason = why;
    } else if (recorder_sync_parent(res->path) != 0) {
        log_warn("recorder %s: cannot sync the folder of %s: %s", r->conference_id, res->path,
                 g_strerror(errno));
    }
    if (r->part_lock_fd >= 0) close(r->part_lock_fd);
    r->part_lock_fd = -1;
    file_duration_check(r, res, &status, &reason, why, sizeof why);
    res->status = status;
    snprintf(res->reason, sizeof res->reason, "%s", reason ? reason : "");
    res->end_ms = g_get_real_time() / 1000;
    if (recorder_sha256_file(res->path, res->sha256, &res->size) != 0) {
        res->sha256[0] = '\0';
        log_warn("recorder %s: cannot read %s back for its checksum: %s", r->conference_id,
                 res->path, g_strerror(errno));
    }
    g_mutex_lock(&r->lock);
    snapshot_rooms(r, res);
    g_free(r->current_path);
    r->current_path = NULL;
    g_mutex_unlock(&r->lock);
    if (recorder_sidecar_write(res) != 0) {
        /* (a full disk) The one written at the start would say "recording": remove it
         * rather than leave it lying; the owner still gets the result. */
        log_warn("recorder %s: cannot write the sidecar of %s: %s", r->conference_id, res->path,
                 g_strerror(errno));
        char *json = g_strconcat(res->path, ".json", NULL);
        unlink(json);
        g_free(json);
    }
    struct recorder_result *done = g_new(struct recorder_result, 1);
    *done = *res; /* ownership moves to the queue */
    memset(res, 0, sizeof *res);
    g_free(r->part_path);
    r->part_path = NULL;
    g_mutex_lock(&r->lock);
    g_queue_push_tail(&r->results, done);
    g_mutex_unlock(&r->lock);
}

/* A write error: the recording ends here; what was written is kept. */
static void fail(struct recorder *r, const char *reason)
{
    r->failed = true;
    g_mutex_lock(&r->lock);
    r->state = RECORDER_FAILED;
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    g_mutex_unlock(&r->lock);
    finish_file(r, RECORDER_FILE_FAILED, reason);
}

static int open_file(struct recorder *r, const struct queued_frame *first)
{
    char err[RECORDER_REASON_MAX] = "";
    const char *ext = r->video_codec == MEDIA_CODEC_H264 ? "mkv" : "webm";
    char *path = recorder_archive_name(r->archive_dir, r->conference_id, first->wall_ms, ext, err,
                                       sizeof err);
    if (!path) {
        fail(r, err);
        return -1;
    }
    struct recorder_result *res = &r->current;
    memset(res, 0, sizeof *res);
    res->path = path;
    res->conference_id = g_strdup(r->conference_id);
    res->title = g_strdup(r->title);
    res->segment = ++r->segment_index;
    res->start_ms = first->wall_ms;
    res->status = RECORDER_FILE_RECORDING;
    snprintf(res->video_codec, sizeof res->video_codec, "%s",
             r->video_codec != MEDIA_CODEC_NONE ? media_codec_name(r->video_codec) : "");
    snprintf(res->audio_codec, sizeof res->audio_codec, "%s", r->opus_header ? "opus" : "");
    res->width = r->width;
    res->height = r->height;
    g_mutex_lock(&r->lock);
    snapshot_rooms(r, res);
    r->rooms_changed = false;
    g_mutex_unlock(&r->lock);
    if (recorder_sidecar_write(res) != 0) {
        snprintf(err, sizeof err, "cannot write %s.json: %s", path, g_strerror(errno));
        recorder_result_clear(res);
        fail(r, err);
        return -1;
    }
    r->part_path = g_strconcat(path, RECORDER_PART_SUFFIX, NULL);
    struct webm_writer_config fc = {
        .path = r->part_path,
        .webm = r->video_codec != MEDIA_CODEC_H264,
        .video_codec = r->video_codec,
        .width = r->width,
        .height = r->height,
        .fps = r->fps,
        .opus_header = r->opus_header,
        .opus_header_size = r->opus_header_size,
        .title = r->title,
    };
    struct encoded_frame key = {
        .codec = r->video_codec, .data = first->data, .size = first->size, .keyframe = true};
    r->file =
        webm_writer_open(&fc, r->video_codec != MEDIA_CODEC_NONE ? &key : NULL, err, sizeof err);
    if (!r->file) {
        char *json = g_strconcat(path, ".json", NULL);
        unlink(json);
        g_free(json);
        recorder_result_clear(res);
        g_free(r->part_path);
        r->part_path = NULL;
        fail(r, err);
        return -1;
    }
    r->part_lock_fd = recorder_part_lock(r->part_path);
    if (r->part_lock_fd < 0)
        log_warn("recorder %s: cannot lock %s: %s", r->conference_id, r->part_path,
                 g_strerror(errno));
    r->segment_start_t_us = first->t_us;
    r->asked_split = false;
    r->last_sync_us = g_get_monotonic_time();
    g_mutex_lock(&r->lock);
    g_free(r->current_path);
    r->current_path = g_strdup(path);
    r->stats.files++;
    g_mutex_unlock(&r->lock);
    log_info("recorder %s: writing %s", r->conference_id, path);
    return 0;
}

static void write_frame(struct recorder *r, const struct queued_frame *q)
{
    if (r->failed) return;
    bool video = q->kind == MEDIA_VIDEO;
    bool starts_file = r->video_codec == MEDIA_CODEC_NONE || (video && q->keyframe);
    if (!r->file) {
        if (!starts_file || open_file(r, q) != 0) return;
    } else if (r->segment_us > 0 && q->t_us - r->segment_start_t_us >= r->segment_us) {
        if (starts_file) {
            finish_file(r, RECORDER_FILE_COMPLETE, NULL);
            if (r->failed || open_file(r, q) != 0) return;
        } else if (!r->asked_split) {
            r->asked_split = true;
            g_mutex_lock(&r->lock);
            r->keyframe_wanted = true;
            g_mutex_unlock(&r->lock);
        }
    }
    int64_t t = q->t_us - r->segment_start_t_us;
    struct encoded_frame f = {.codec = video ? r->video_codec : MEDIA_CODEC_OPUS,
                              .data = q->data,
                              .size = q->size,
                              .keyframe = q->keyframe};
    char err[RECORDER_REASON_MAX] = "";
    if (webm_writer_write(r->file, q->kind, &f, t < 0 ? 0 : t, err, sizeof err) != 0) {
        fail(r, err);
        return;
    }
    g_mutex_lock(&r->lock);
    r->stats.frames_written++;
    r->stats.bytes_written = r->bytes_before + webm_writer_bytes(r->file);
    g_mutex_unlock(&r->lock);
}

/* Once a second: the disk gets what the muxer wrote; the sidecar gets new rooms. */
static void periodic(struct recorder *r, bool rooms_changed)
{
    if (!r->file || r->failed) return;
    int64_t now = g_get_monotonic_time();
    if (now - r->last_sync_us >= RECORDER_SYNC_INTERVAL_US) {
        r->last_sync_us = now;
        char err[RECORDER_REASON_MAX] = "";
        if (webm_writer_sync(r->file, err, sizeof err) != 0) {
            fail(r, err);
            return;
        }
    }
    if (rooms_changed) {
        g_mutex_lock(&r->lock);
        snapshot_rooms(r, &r->current);
        g_mutex_unlock(&r->lock);
        r->current.duration_ms = webm_writer_duration_us(r->file) / 1000;
        if (recorder_sidecar_write(&r->current) != 0)
            log_warn("recorder %s: cannot update %s.json: %s", r->conference_id, r->current.path,
                     g_strerror(errno));
    }
}

static void free_frames(struct queued_frame *q)
{
    while (q) {
        struct queued_frame *next = q->next;
        g_free(q);
        q = next;
    }
}

static gpointer writer_main(gpointer data)
{
    struct recorder *r = data;
    g_mutex_lock(&r->lock);
    for (;;) {
        if (!r->head && !r->stop)
            g_cond_wait_until(&r->wake, &r->lock,
                              g_get_monotonic_time() + RECORDER_SYNC_INTERVAL_US / 2);
        struct queued_frame *batch = r->head;
        r->head = r->tail = NULL;
        r->queued = r->queued_bytes = 0;
        bool stop = r->stop, rooms_changed = r->rooms_changed;
        r->rooms_changed = false;
        g_mutex_unlock(&r->lock);
        for (struct queued_frame *q = batch; q; q = q->next) write_frame(r, q);
        free_frames(batch);
        periodic(r, rooms_changed);
        g_mutex_lock(&r->lock);
        if ((stop && !r->head) || r->failed) break; /* failed: pushes stop, nothing to write */
    }
    g_mutex_unlock(&r->lock);
    if (!r->failed) finish_file(r, RECORDER_FILE_COMPLETE, NULL);
    g_mutex_lock(&r->lock);
    if (r->state != RECORDER_FAILED) r->state = RECORDER_STOPPED;
    r->done = true;
    g_mutex_unlock(&r->lock);
    return NULL;
}

/* --- life ------------------------------------------------------------------------------ */

static bool valid_id(const char *id)
{
    if (!id || !*id || strlen(id) > 64) return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
    return true;
}

struct recorder *recorder_new(const struct recorder_config *cfg, char *err, size_t errlen)
{
    if (!cfg->archive_dir || !*cfg->archive_dir || !valid_id(cfg->conference_id)) {
        snprintf(err, errlen,
                 "recorder: an archive directory and a conference id [a-z0-9-] are needed");
        return NULL;
    }
    if (cfg->video_codec != MEDIA_CODEC_NONE && cfg->video_codec != MEDIA_CODEC_VP8 &&
        cfg->video_codec != MEDIA_CODEC_H264) {
        snprintf(err, errlen, "recorder: video must be VP8 or H.264");
        return NULL;
    }
    if (cfg->video_codec == MEDIA_CODEC_NONE && !cfg->opus_header) {
        snprintf(err, errlen, "recorder: nothing to record (no video, no audio)");
        return NULL;
    }
    if (cfg->video_codec != MEDIA_CODEC_NONE && (cfg->width <= 0 || cfg->height <= 0)) {
        snprintf(err, errlen, "recorder: the video size is missing");
        return NULL;
    }
    struct recorder *r = g_new0(struct recorder, 1);
    r->archive_dir = g_strdup(cfg->archive_dir);
    r->conference_id = g_strdup(cfg->conference_id);
    r->title = g_strdup(cfg->title);
    r->video_codec = cfg->video_codec;
    r->width = cfg->width;
    r->height = cfg->height;
    r->fps = cfg->fps > 0 ? cfg->fps : 30;
    r->frame_us = 1000000 / r->fps;
    if (cfg->opus_header) {
        r->opus_header = g_memdup2(cfg->opus_header, cfg->opus_header_size);
        r->opus_header_size = cfg->opus_header_size;
    }
    r->segment_us = cfg->segment_us > 0 ? cfg->segment_us : 0;
    r->queue_frames = cfg->queue_frames ? cfg->queue_frames : RECORDER_DEFAULT_QUEUE_FRAMES;
    r->queue_bytes = cfg->queue_bytes ? cfg->queue_bytes : RECORDER_DEFAULT_QUEUE_BYTES;
    g_mutex_init(&r->lock);
    g_cond_init(&r->wake);
    g_queue_init(&r->results);
    r->rooms = g_array_new(FALSE, TRUE, sizeof(struct recorder_room));
    r->timeline = TIMELINE_WAIT_KEY;
    r->state = RECORDER_STARTING;
    r->keyframe_wanted = true;
    r->part_lock_fd = -1;
    r->thread = g_thread_try_new("recorder", writer_main, r, NULL);
    if (!r->thread) {
        snprintf(err, errlen, "recorder: cannot start the writer thread");
        r->done = true;
        recorder_free(r);
        return NULL;
    }
    return r;
}

void recorder_wait(struct recorder *r)
{
    if (!r->thread) return;
    recorder_stop(r);
    g_thread_join(r->thread);
    r->thread = NULL;
}

void recorder_free(struct recorder *r)
{
    if (!r) return;
    recorder_wait(r);
    free_frames(r->head);
    struct recorder_result *res;
    while ((res = g_queue_pop_head(&r->results)) != NULL) {
        log_info("recorder %s: %s (%s) was not collected", r->conference_id, res->path,
                 recorder_file_status_name(res->status));
        recorder_result_clear(res);
        g_free(res);
    }
    for (guint i = 0; i < r->rooms->len; i++) {
        struct recorder_room *room = &g_array_index(r->rooms, struct recorder_room, i);
        g_free(room->id);
        g_free(room->name);
    }
    g_array_free(r->rooms, TRUE);
    g_free(r->current_path);
    g_free(r->archive_dir);
    g_free(r->conference_id);
    g_free(r->title);
    g_free(r->opus_header);
    g_mutex_clear(&r->lock);
    g_cond_clear(&r->wake);
    g_free(r);
}
