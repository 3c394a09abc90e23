/* replay_ladder.c - one rendition of a replayed clip at a time; see replay_ladder.h. */
#include "client/room/replay_ladder.h"

#include <gst/app/gstappsrc.h>
#include <string.h>

#include "client/room/file_loop.h"
#include "client/room/util.h"

#define TICK_MS 10

struct rendition {
    struct file_loop *loop;
    int width, height;
};

struct replay_ladder {
    struct rendition renditions[REPLAY_LADDER_MAX]; /* largest first */
    int count;
    int sending; /* the rendition whose frames go out */
    int wanted;  /* the one the limits ask for: sending from its next keyframe */
    gboolean paused;
    gboolean need_keyframe; /* after a pause: wait for a keyframe of `sending` */
    GstClockTime last_pts;  /* of the last frame out: a switch never goes back in time */
    GstElement *appsrc;     /* our reference; the sending pipeline holds another */
    GstElement *target;     /* the sending pipeline (reference) */
    guint timer;
};

static void rendition_size(const struct file_loop *loop, int *w, int *h)
{
    const GstStructure *st = gst_caps_get_structure(file_loop_caps(loop), 0);
    *w = *h = 0;
    gst_structure_get_int(st, "width", w);
    gst_structure_get_int(st, "height", h);
}

static const char *codec_of(const struct file_loop *loop)
{
    return gst_structure_get_name(gst_caps_get_structure(file_loop_caps(loop), 0));
}

struct replay_ladder *replay_ladder_new(const char *const *paths, int count, char **error)
{
    struct replay_ladder *ladder = g_new0(struct replay_ladder, 1);

    ladder->last_pts = GST_CLOCK_TIME_NONE;
    if (count < 1 || count > REPLAY_LADDER_MAX) {
        room_set_error(error, "--replay takes 1 to %d renditions, not %d", REPLAY_LADDER_MAX,
                       count);
        replay_ladder_free(ladder);
        return NULL;
    }
    for (int i = 0; i < count; i++) {
        struct rendition r = {0};
        r.loop = file_loop_new(paths[i], "video", FILE_LOOP_ENCODED, error);
        if (!r.loop) {
            replay_ladder_free(ladder);
            return NULL;
        }
        rendition_size(r.loop, &r.width, &r.height);
        if (ladder->count > 0 &&
            strcmp(codec_of(r.loop), codec_of(ladder->renditions[0].loop)) != 0) {
            room_set_error(error, "--replay renditions must share one codec: %s is %s, %s is %s",
                           paths[0], codec_of(ladder->renditions[0].loop), paths[i],
                           codec_of(r.loop));
            file_loop_free(r.loop);
            replay_ladder_free(ladder);
            return NULL;
        }
        /* keep them largest first */
        int at = ladder->count;
        while (at > 0 &&
               (long)ladder->renditions[at - 1].width * ladder->renditions[at - 1].height <
                   (long)r.width * r.height) {
            ladder->renditions[at] = ladder->renditions[at - 1];
            at--;
        }
        ladder->renditions[at] = r;
        ladder->count++;
    }
    ladder->appsrc = gst_element_factory_make("appsrc", NULL);
    gst_object_ref_sink(ladder->appsrc);
    g_object_set(ladder->appsrc, "caps", file_loop_caps(ladder->renditions[0].loop), "format",
                 GST_FORMAT_TIME, "is-live", TRUE, "do-timestamp", FALSE, "block", FALSE,
                 "max-bytes", (guint64)0, NULL);
    return ladder;
}

const GstCaps *replay_ladder_caps(const struct replay_ladder *ladder)
{
    return file_loop_caps(ladder->renditions[0].loop);
}

GstElement *replay_ladder_source(struct replay_ladder *ladder) { return ladder->appsrc; }

/* One due frame of rendition i: out when it belongs to the stream, else dropped. */
static void handle_frame(struct replay_ladder *ladder, int i, GstBuffer *buf)
{
    gboolean keyframe = !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
    GstClockTime pts = GST_BUFFER_PTS(buf);
    gboolean later = !GST_CLOCK_TIME_IS_VALID(ladder->last_pts) || pts > ladder->last_pts;

    if (ladder->paused) {
        gst_buffer_unref(buf);
        return;
    }
    if (i == ladder->wanted && i != ladder->sending && keyframe && later) {
        ladder->sending = i;
        ladder->need_keyframe = FALSE;
        g_object_set(ladder->appsrc, "caps", file_loop_caps(ladder->renditions[i].loop), NULL);
    }
    if (i != ladder->sending || (ladder->need_keyframe && !keyframe) || !later) {
        gst_buffer_unref(buf);
        return;
    }
    ladder->need_keyframe = FALSE;
    ladder->last_pts = pts;
    gst_app_src_push_buffer(GST_APP_SRC(ladder->appsrc), buf);
}

/* The wanted rendition first, so that its keyframe wins over the frame of the same
 * time in the rendition sent until then. */
static void take_rendition(struct replay_ladder *ladder, int i, GstClockTime now)
{
    GstBuffer *buf;
    while ((buf = file_loop_take_due(ladder->renditions[i].loop, now)) != NULL)
        handle_frame(ladder, i, buf);
}

static gboolean tick(gpointer data)
{
    struct replay_ladder *ladder = data;
    GstClockTime now = file_loop_running_time(ladder->target);

    take_rendition(ladder, ladder->wanted, now);
    for (int i = 0; i < ladder->count; i++)
        if (i != ladder->wanted) take_rendition(ladder, i, now);
    if (file_loop_stopped(ladder->renditions[ladder->sending].loop)) {
        gst_app_src_end_of_stream(GST_APP_SRC(ladder->appsrc));
        ladder->timer = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

void replay_ladder_start(struct replay_ladder *ladder, GstElement *pipeline)
{
    if (ladder->timer) return;
    ladder->target = gst_object_ref(pipeline);
    ladder->timer = g_timeout_add(TICK_MS, tick, ladder);
}

void replay_ladder_apply_limits(struct replay_ladder *ladder, const struct protocol_send_limits *l,
                                char **applied)
{
    if (!l->active) {
        ladder->paused = TRUE;
        *applied = g_strdup("video paused");
        return;
    }
    int pick = ladder->count - 1; /* none fits: the smallest */
    for (int i = 0; i < ladder->count; i++) {
        const struct rendition *r = &ladder->renditions[i];
        if (l->width <= 0 || l->height <= 0 || (r->width <= l->width && r->height <= l->height)) {
            pick = i;
            break;
        }
    }
    if (ladder->paused) {
        ladder->paused = FALSE;
        ladder->need_keyframe = TRUE;
    }
    ladder->wanted = pick;
    const struct rendition *r = &ladder->renditions[pick];
    *applied = g_strdup_printf("rendition %dx%d%s", r->width, r->height,
                               pick == ladder->sending ? "" : " from its next keyframe");
}

char *replay_ladder_sent_size(const struct replay_ladder *ladder)
{
    if (ladder->paused) return g_strdup("paused");
    const struct rendition *r = &ladder->renditions[ladder->sending];
    return g_strdup_printf("%dx%d", r->width, r->height);
}

char *replay_ladder_describe(const struct replay_ladder *ladder)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < ladder->count; i++)
        g_string_append_printf(s, "%s%dx%d", i ? ", " : "", ladder->renditions[i].width,
                               ladder->renditions[i].height);
    return g_string_free(s, FALSE);
}

void replay_ladder_free(struct replay_ladder *ladder)
{
    if (!ladder) return;
    room_stop_source(&ladder->timer);
    for (int i = 0; i < ladder->count; i++) file_loop_free(ladder->renditions[i].loop);
    if (ladder->appsrc) gst_object_unref(ladder->appsrc);
    if (ladder->target) gst_object_unref(ladder->target);
    g_free(ladder);
}
