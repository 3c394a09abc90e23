/* test_recording_retention.c - the retention policy (mcu/recording/recording_retention.c) with
 * an injected clock: which recordings are due (finished ones only, by their end, the
 * boundary exactly N days, days 0 = never), and a run over a real store and archive
 * folder: the old files, their sidecars and rows go, each with an audit entry
 * (source "retention"); a recent one, one still recording and one with no time stay;
 * a file that cannot be removed keeps its row and gets a failed audit entry; a
 * second run removes nothing more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib.h>

#include "mcu/recording/recording_retention.h"
#include "mcu/store/store.h"

#define DAY_MS ((int64_t)24 * 3600 * 1000)
#define NOW_MS ((int64_t)1800000000000) /* 2027-01-15, injected */

struct fixture {
    char dir[64];
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/test_retention.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    char *path = g_build_filename(f->dir, STORE_FILE_NAME, NULL);
    char err[256];
    f->store = store_open(path, err, sizeof err);
    g_free(path);
    if (!f->store) {
        fprintf(stderr, "store_open: %s\n", err);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", f->dir, f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

static struct store_recording row(const char *status, int64_t started_ms, int64_t ended_ms)
{
    struct store_recording r = {
        .conference_id = "hop",
        .path = "/nowhere/hop.webm",
        .title = "Họp",
        .segment = 1,
        .started_ms = started_ms,
        .ended_ms = ended_ms,
        .status = (char *)status,
        .video_codec = "VP8",
        .audio_codec = "opus",
        .sha256 = "",
        .reason = "",
        .rooms_json = "[]",
    };
    return r;
}

static void due_only_when_finished_and_old(void **state)
{
    (void)state;
    struct store_recording r = row("complete", NOW_MS - 31 * DAY_MS, NOW_MS - 30 * DAY_MS);
    assert_true(recording_retention_due(&r, 30, NOW_MS));      /* exactly 30 days after its end */
    assert_false(recording_retention_due(&r, 30, NOW_MS - 1)); /* 1 ms short */
    assert_false(recording_retention_due(&r, 31, NOW_MS));
    assert_false(recording_retention_due(&r, 0, NOW_MS)); /* 0: kept forever */
    assert_false(recording_retention_due(&r, -5, NOW_MS));
    r.status = "interrupted";
    assert_true(recording_retention_due(&r, 30, NOW_MS));
    r.status = "failed";
    assert_true(recording_retention_due(&r, 30, NOW_MS));
    r.status = "recording"; /* never one still recording */
    assert_false(recording_retention_due(&r, 1, NOW_MS));
    r.status = "complete";
    r.ended_ms = 0; /* no end: its start counts */
    assert_true(recording_retention_due(&r, 31, NOW_MS));
    assert_false(recording_retention_due(&r, 32, NOW_MS));
    r.started_ms = 0; /* no time at all: kept */
    assert_false(recording_retention_due(&r, 1, NOW_MS));
    assert_false(recording_retention_due(NULL, 1, NOW_MS));
}

/* A recording file (and sidecar) named `name` in the fixture's folder, indexed. */
static int64_t put_file(struct fixture *f, const char *name, const char *status, int64_t ended_ms,
                        char **path_out)
{
    char *path = g_build_filename(f->dir, name, NULL);
    char *sidecar = g_strdup_printf("%s.json", path);
    assert_true(g_file_set_contents(path, "webm", 4, NULL));
    assert_true(g_file_set_contents(sidecar, "{}", 2, NULL));
    struct store_recording r = row(status, ended_ms - 3600 * 1000, ended_ms);
    r.path = path;
    int64_t id = 0;
    assert_int_equal(store_recording_put(f->store, &r, &id), STORE_OK);
    g_free(sidecar);
    *path_out = path;
    return id;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static int count_audit(struct store *s, int status)
{
    GPtrArray *list = store_audit_list(s, NULL);
    int n = 0;
    for (guint i = 0; i < list->len; i++) {
        const struct store_audit_entry *e = list->pdata[i];
        assert_string_equal(e->action, "recording.delete");
        assert_string_equal(e->source, "retention");
        assert_null(e->token_name);
        if (e->status == status) n++;
    }
    g_ptr_array_free(list, TRUE);
    return n;
}

static void run_removes_old_finished_files(void **state)
{
    struct fixture *f = *state;
    char *old1, *old2, *recent, *live;
    int64_t id_old1 = put_file(f, "hop-old1.webm", "complete", NOW_MS - 40 * DAY_MS, &old1);
    int64_t id_old2 = put_file(f, "hop-old2.webm", "interrupted", NOW_MS - 8 * DAY_MS, &old2);
    int64_t id_recent = put_file(f, "hop-recent.webm", "complete", NOW_MS - 6 * DAY_MS, &recent);
    int64_t id_live = put_file(f, "hop-live.webm", "recording", NOW_MS - 90 * DAY_MS, &live);

    assert_int_equal(recording_retention_run(f->store, 0, NOW_MS), 0); /* kept forever */
    assert_int_equal(recording_retention_run(f->store, 7, NOW_MS), 2);

    struct store_recording got;
    assert_int_equal(store_recording_get(f->store, id_old1, &got), STORE_NOT_FOUND);
    assert_int_equal(store_recording_get(f->store, id_old2, &got), STORE_NOT_FOUND);
    assert_false(exists(old1));
    assert_false(exists(old2));
    char *sidecar = g_strdup_printf("%s.json", old1);
    assert_false(exists(sidecar));
    g_free(sidecar);
    assert_int_equal(store_recording_get(f->store, id_recent, &got), STORE_OK);
    store_recording_clear(&got);
    assert_int_equal(store_recording_get(f->store, id_live, &got), STORE_OK);
    store_recording_clear(&got);
    assert_true(exists(recent));
    assert_true(exists(live));
    assert_int_equal(count_audit(f->store, 200), 2);

    /* The audit entry names the recording and its path. */
    char target[32];
    snprintf(target, sizeof target, "%lld", (long long)id_old1);
    struct store_audit_filter by = {.target = target};
    GPtrArray *list = store_audit_list(f->store, &by);
    assert_int_equal(list->len, 1);
    assert_non_null(strstr(((struct store_audit_entry *)list->pdata[0])->result, old1));
    g_ptr_array_free(list, TRUE);

    /* Nothing more is due until time passes. */
    assert_int_equal(recording_retention_run(f->store, 7, NOW_MS), 0);
    assert_int_equal(recording_retention_run(f->store, 7, NOW_MS + 1 * DAY_MS), 1);
    assert_false(exists(recent));
    assert_true(exists(live));
    assert_int_equal(count_audit(f->store, 200), 3);
    g_free(old1);
    g_free(old2);
    g_free(recent);
    g_free(live);
}

static void file_that_cannot_be_removed_keeps_its_row(void **state)
{
    struct fixture *f = *state;
    /* A folder where the file should be: unlink fails (EISDIR), even for root. */
    char *path = g_build_filename(f->dir, "stuck.webm", NULL);
    assert_int_equal(mkdir(path, 0755), 0);
    char *inner = g_build_filename(path, "x", NULL);
    assert_true(g_file_set_contents(inner, "x", 1, NULL));
    struct store_recording r = row("complete", NOW_MS - 50 * DAY_MS, NOW_MS - 49 * DAY_MS);
    r.path = path;
    int64_t id = 0;
    assert_int_equal(store_recording_put(f->store, &r, &id), STORE_OK);
    assert_int_equal(recording_retention_run(f->store, 30, NOW_MS), 0);
    struct store_recording got;
    assert_int_equal(store_recording_get(f->store, id, &got), STORE_OK);
    store_recording_clear(&got);
    assert_int_equal(count_audit(f->store, 500), 1);
    g_free(inner);
    g_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(due_only_when_finished_and_old),
        cmocka_unit_test_setup_teardown(run_removes_old_finished_files, setup, teardown),
        cmocka_unit_test_setup_teardown(file_that_cannot_be_removed_keeps_its_row, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
