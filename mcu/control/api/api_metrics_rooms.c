/* api_metrics_rooms.c - the per-participant part of /metrics: for every room in a
 * running conference (browsers and native mcu-room/webrtcbin rooms alike), its
 * bitrate in and out over the last second, bytes, loss both ways, round-trip time
 * and jitter, labelled with the conference, the participant id and the room's name.
 * See docs/api.md, "Stats and metrics". */
#include "mcu/control/control_internal.h"

#include "mcu/conference/conference.h"
#include "mcu/conference/registry.h"
#include "mcu/control/api/prometheus_text.h"

/* One participant as the scrape saw it (strings owned). */
struct room_sample {
    char *conference, *id, *name;
    struct conference_member_stats stats;
};

static void room_sample_clear(gpointer p)
{
    struct room_sample *r = p;
    g_free(r->conference);
    g_free(r->id);
    g_free(r->name);
}

struct collect_state {
    const char *conference_id;
    struct conference *conference;
    GArray *rooms;
};

static void add_member(struct conference_member *m, void *data)
{
    struct collect_state *c = data;
    struct room_sample r = {
        .conference = g_strdup(c->conference_id),
        .id = g_strdup(conference_member_id(m)),
        .name = g_strdup(conference_member_name(m)),
    };
    conference_member_get_stats(c->conference, m, &r.stats);
    g_array_append_val(c->rooms, r);
}

static void add_conference(const char *id, struct conference *conference, void *data)
{
    struct collect_state c = {id, conference, data};
    conference_foreach_member(conference, add_member, &c);
}

enum room_series {
    ROOM_BITRATE_IN,
    ROOM_BITRATE_OUT,
    ROOM_BYTES_IN,
    ROOM_BYTES_OUT,
    ROOM_LOST_IN,
    ROOM_LOSS_OUT,
    ROOM_RTT,
    ROOM_SERIES_COUNT
};

static const struct {
    const char *name, *type, *help;
} room_series[ROOM_SERIES_COUNT] = {
    {"hoinghi_participant_receive_bits_per_second", "gauge",
     "Audio and video payload received from the room, over the last second."},
    {"hoinghi_participant_send_bits_per_second", "gauge",
     "Audio and video payload sent to the room, over the last second."},
    {"hoinghi_participant_received_bytes_total", "counter",
     "RTP payload bytes received from the room."},
    {"hoinghi_participant_sent_bytes_total", "counter",
     "RTP payload bytes sent to the room (wraps at 4 GiB per stream)."},
    {"hoinghi_participant_packets_lost_total", "counter",
     "RTP packets from the room lost on the way in (cumulative, RFC 3550)."},
    {"hoinghi_participant_loss_ratio", "gauge",
     "Fraction of the video sent to the room that it lost, from its last RTCP report."},
    {"hoinghi_participant_rtt_seconds", "gauge",
     "Round-trip time to the room, from its RTCP reports (absent until one came)."},
};

/* The value of series k for r; false when the room has none (RTT not known yet). */
static bool room_value(enum room_series k, const struct conference_member_stats *st, double *v)
{
    switch (k) {
    case ROOM_BITRATE_IN: *v = (double)st->bitrate_in_bps; return true;
    case ROOM_BITRATE_OUT: *v = (double)st->bitrate_out_bps; return true;
    case ROOM_BYTES_IN: *v = (double)st->bytes_in; return true;
    case ROOM_BYTES_OUT: *v = (double)st->bytes_out; return true;
    case ROOM_LOST_IN: *v = (double)st->audio_lost + st->video_lost; return true;
    case ROOM_LOSS_OUT: *v = st->fraction_lost / 256.0; return true;
    case ROOM_RTT: *v = st->rtt_ms / 1e3; return st->rtt_ms >= 0;
    default: return false;
    }
}

static void append_jitter(GString *s, const GArray *rooms)
{
    prom_metric(s, "hoinghi_participant_jitter_seconds", "gauge",
                "Interarrival jitter of the room's audio and video streams (RFC 3550).");
    for (guint i = 0; i < rooms->len; i++) {
        const struct room_sample *r = &g_array_index(rooms, struct room_sample, i);
        const double jitter[2] = {r->stats.audio_jitter_ms, r->stats.video_jitter_ms};
        for (int k = 0; k < 2; k++) {
            struct prom_label labels[] = {{"conference", r->conference},
                                          {"participant", r->id},
                                          {"room", r->name},
                                          {"media", k ? "video" : "audio"}};
            prom_sample(s, "hoinghi_participant_jitter_seconds", labels, G_N_ELEMENTS(labels),
                        jitter[k] / 1e3);
        }
    }
}

void api_metrics_rooms(struct control *control, GString *s)
{
    GArray *rooms = g_array_new(FALSE, TRUE, sizeof(struct room_sample));
    g_array_set_clear_func(rooms, room_sample_clear);
    registry_foreach_running(control->registry, add_conference, rooms);
    for (int k = 0; k < ROOM_SERIES_COUNT; k++) {
        prom_metric(s, room_series[k].name, room_series[k].type, room_series[k].help);
        for (guint i = 0; i < rooms->len; i++) {
            const struct room_sample *r = &g_array_index(rooms, struct room_sample, i);
            double v;
            if (!room_value(k, &r->stats, &v)) continue;
            struct prom_label labels[] = {
                {"conference", r->conference}, {"participant", r->id}, {"room", r->name}};
            prom_sample(s, room_series[k].name, labels, G_N_ELEMENTS(labels), v);
        }
    }
    append_jitter(s, rooms);
    g_array_free(rooms, TRUE);
}
