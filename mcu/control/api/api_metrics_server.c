/* api_metrics_server.c - the server's part of /metrics beyond the conference
 * totals: each running conference's recording (state, bytes and seconds of the one
 * under way), the archive file system's free and total bytes (statvfs), mcud's
 * uptime and its build (version, build id). See docs/api.md, "Stats and metrics". */
#include "mcu/control/control_internal.h"

#include <string.h>
#include <sys/statvfs.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/registry.h"
#include "mcu/core/build_info.h"
#include "mcu/core/config.h"
#include "mcu/control/api/prometheus_text.h"

/* One running conference's recording as the scrape saw it. */
struct recording_sample {
    char *conference; /* owned */
    bool under_way;
    struct conference_recording_progress progress;
};

static void recording_sample_clear(gpointer p)
{
    g_free(((struct recording_sample *)p)->conference);
}

static void add_recording(const char *id, struct conference *conference, void *data)
{
    struct recording_sample r = {.conference = g_strdup(id)};
    r.under_way = conference_recording_progress(conference, &r.progress);
    g_array_append_val((GArray *)data, r);
}

static void append_recordings(GString *s, struct control *control)
{
    GArray *list = g_array_new(FALSE, TRUE, sizeof(struct recording_sample));
    g_array_set_clear_func(list, recording_sample_clear);
    registry_foreach_running(control->registry, add_recording, list);
    prom_metric(s, "hoinghi_conference_recording", "gauge",
                "The running conference's recording state: 1 for the state it is in.");
    for (guint i = 0; i < list->len; i++) {
        const struct recording_sample *r = &g_array_index(list, struct recording_sample, i);
        for (int st = RECORDER_STARTING; st <= RECORDER_FAILED; st++) {
            struct prom_label labels[] = {{"conference", r->conference},
                                          {"state", recorder_state_name(st)}};
            prom_sample(s, "hoinghi_conference_recording", labels, G_N_ELEMENTS(labels),
                        r->progress.state == (enum recorder_state)st);
        }
    }
    prom_metric(s, "hoinghi_conference_recording_bytes", "gauge",
                "Bytes the recording under way has written (all its files).");
    for (guint i = 0; i < list->len; i++) {
        const struct recording_sample *r = &g_array_index(list, struct recording_sample, i);
        struct prom_label label = {"conference", r->conference};
        if (r->under_way)
            prom_sample(s, "hoinghi_conference_recording_bytes", &label, 1,
                        (double)r->progress.bytes_written);
    }
    prom_metric(s, "hoinghi_conference_recording_seconds", "gauge",
                "Seconds since the recording under way was started (paused time included).");
    int64_t now_us = g_get_real_time();
    for (guint i = 0; i < list->len; i++) {
        const struct recording_sample *r = &g_array_index(list, struct recording_sample, i);
        struct prom_label label = {"conference", r->conference};
        if (r->under_way)
            prom_sample(s, "hoinghi_conference_recording_seconds", &label, 1,
                        (double)(now_us - r->progress.started_us) / 1e6);
    }
    g_array_free(list, TRUE);
}

/* The file system the archive is (or will be, once a first recording makes the
 * directory) on: statvfs of the directory or its nearest existing parent. */
static bool archive_statvfs(const char *dir, struct statvfs *out)
{
    char *path = g_strdup(dir);
    bool ok = false;
    for (int depth = 0; depth < 64; depth++) {
        if (statvfs(path, out) == 0) {
            ok = true;
            break;
        }
        char *parent = g_path_get_dirname(path);
        bool top = strcmp(parent, path) == 0;
        g_free(path);
        path = parent;
        if (top) break;
    }
    g_free(path);
    return ok;
}

static void append_archive(GString *s, const struct control *control)
{
    struct statvfs fs;
    const char *dir = control->config ? control->config->archive_dir : NULL;
    bool have = dir && archive_statvfs(dir, &fs);
    struct prom_label label = {"path", dir};
    prom_metric(s, "hoinghi_archive_free_bytes", "gauge",
                "Bytes free for mcud on the archive's file system (statvfs f_bavail).");
    if (have)
        prom_sample(s, "hoinghi_archive_free_bytes", &label, 1,
                    (double)fs.f_bavail * (double)fs.f_frsize);
    prom_metric(s, "hoinghi_archive_size_bytes", "gauge",
                "Size of the archive's file system in bytes (statvfs f_blocks).");
    if (have)
        prom_sample(s, "hoinghi_archive_size_bytes", &label, 1,
                    (double)fs.f_blocks * (double)fs.f_frsize);
}

void api_metrics_server(struct control *control, GString *s)
{
    append_recordings(s, control);
    append_archive(s, control);
    prom_metric(s, "hoinghi_uptime_seconds", "gauge", "Seconds since mcud started.");
    prom_sample(s, "hoinghi_uptime_seconds", NULL, 0,
                (double)(control_now() - control->started_at));
    prom_metric(s, "hoinghi_build_info", "gauge",
                "Always 1: mcud's version and build id (the git commit it was built from).");
    struct prom_label build[] = {{"version", build_info_version()}, {"build", build_info_id()}};
    prom_sample(s, "hoinghi_build_info", build, G_N_ELEMENTS(build), 1);
}
