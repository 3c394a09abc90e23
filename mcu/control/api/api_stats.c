/* api_stats.c - /api/v1/stats (JSON) and /metrics (Prometheus text format 0.0.4):
 * stored conferences by state, and for each running conference its participants,
 * packets and bytes in and out, loss, the media thread's video tick time (decode +
 * compose + encode of one canvas frame; the engine does not time the phases apart)
 * and the MCU-added latency; the allocator's heap in use and held. /metrics adds
 * each room's series (api_metrics_rooms.c) and the recording, archive, uptime and
 * build series (api_metrics_server.c). See docs/api.md. */
#include "mcu/control/control_internal.h"

#include <malloc.h>
#include <string.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/registry.h"
#include "mcu/core/limits.h"
#include "mcu/control/api/prometheus_text.h"
#include "mcu/http/http_server.h"

struct conference_totals {
    const char *id;
    size_t participants;
    uint64_t packets_in, packets_out, bytes_in, bytes_out, lost;
    uint64_t transport_cc_feedback;
    struct conference_stats media;
};

struct member_sum {
    struct conference *conference;
    struct conference_totals *totals;
};

static void sum_member(struct conference_member *m, void *data)
{
    struct member_sum *s = data;
    struct conference_member_stats st;
    conference_member_get_stats(s->conference, m, &st);
    s->totals->participants++;
    s->totals->packets_in += st.rtp_in;
    s->totals->packets_out += st.rtp_out;
    s->totals->bytes_in += st.bytes_in;
    s->totals->bytes_out += st.bytes_out;
    s->totals->lost += (uint64_t)st.audio_lost + st.video_lost;
    s->totals->transport_cc_feedback += st.transport_cc_feedback;
}

static void add_totals(const char *id, struct conference *conference, void *data)
{
    struct conference_totals t = {.id = id};
    struct member_sum s = {conference, &t};
    conference_foreach_member(conference, sum_member, &s);
    conference_get_stats(conference, &t.media);
    g_array_append_val((GArray *)data, t);
}

/* Totals of every running conference. */
static GArray *collect(struct control *control)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(struct conference_totals));
    registry_foreach_running(control->registry, add_totals, out);
    return out;
}

static void count_states(struct control *control, int counts[3])
{
    GPtrArray *list = store_conference_list(control->store, -1);
    counts[0] = counts[1] = counts[2] = 0;
    for (guint i = 0; i < list->len; i++)
        counts[((struct store_conference *)list->pdata[i])->state]++;
    g_ptr_array_free(list, TRUE);
}

void api_stats(struct api_call *call)
{
    int counts[3];
    count_states(call->control, counts);
    GArray *running = collect(call->control);
    json_t *list = json_array();
    size_t participants = 0;
    for (guint i = 0; i < running->len; i++) {
        const struct conference_totals *t = &g_array_index(running, struct conference_totals, i);
        participants += t->participants;
        json_array_append_new(
            list,
            json_pack(
                "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:I, "
                "s:f, s:f, s:f, s:f}",
                "id", t->id, "participants", (json_int_t)t->participants, "packets_in",
                (json_int_t)t->packets_in, "packets_out", (json_int_t)t->packets_out, "bytes_in",
                (json_int_t)t->bytes_in, "bytes_out", (json_int_t)t->bytes_out, "packets_lost",
                (json_int_t)t->lost, "video_frames", (json_int_t)t->media.video_ticks,
                "video_frames_skipped", (json_int_t)t->media.video_ticks_skipped, "audio_ticks",
                (json_int_t)t->media.audio_ticks, "mixer_frame_ms", t->media.video_tick_ms,
                "video_decode_ms", t->media.video_decode_ms, "video_encode_ms",
                t->media.video_encode_ms, "latency_median_ms", t->media.latency_median_ms,
                "latency_p99_ms", t->media.latency_p99_ms, "input_frames_dropped",
                (json_int_t)t->media.input_frames_dropped, "queue_drops",
                (json_int_t)t->media.packets_queued_dropped, "latency_mean_ms",
                t->media.latency_mean_ms, "jitter_wait_ms", t->media.jitter_wait_ms, "tick_wait_ms",
                t->media.tick_wait_ms, "video_compose_ms", t->media.video_compose_ms));
    }
    g_array_free(running, TRUE);
    api_reply(call, 200,
              json_pack("{s:I, s:{s:i, s:i, s:i}, s:I, s:I, s:o}", "uptime_seconds",
                        (json_int_t)(control_now() - call->control->started_at), "conferences",
                        "scheduled", counts[STORE_SCHEDULED], "open", counts[STORE_OPEN], "ended",
                        counts[STORE_ENDED], "running_conferences",
                        (json_int_t)json_array_size(list), "participants", (json_int_t)participants,
                        "running", list));
}

/* What the limits refused (docs/operator-guide.md, "Limits"). */
static void append_limit_metrics(GString *s, const struct control *control)
{
    prom_metric(s, "hoinghi_limit_refusals_total", "counter",
                "Requests refused, messages dropped and connections closed by a limit.");
    for (int k = 0; k < LIMITS_COUNTER_COUNT; k++)
        g_string_append_printf(s, "hoinghi_limit_refusals_total{limit=\"%s\"} %llu\n",
                               limits_counter_name(k),
                               (unsigned long long)limits_counter(control->limits, k));
    g_string_append_printf(s, "hoinghi_limit_refusals_total{limit=\"slow_client_dropped\"} %llu\n",
                           (unsigned long long)http_server_slow_clients_dropped(control->http));
    prom_metric(s, "hoinghi_remote_candidates_ignored_total", "counter",
                "Remote ICE candidates not given to ICE: mDNS names (accepted), unparseable ones.");
    for (int k = 0; k < LIMITS_IGNORED_CANDIDATE_COUNT; k++)
        g_string_append_printf(s, "hoinghi_remote_candidates_ignored_total{reason=\"%s\"} %llu\n",
                               limits_ignored_candidate_name(k),
                               (unsigned long long)limits_ignored_candidates(control->limits, k));
    prom_metric(s, "hoinghi_join_rate_addresses", "gauge",
                "Source addresses the join rate limiter remembers.");
    g_string_append_printf(s, "hoinghi_join_rate_addresses %zu\n",
                           limits_join_table_size(control->limits));
}

/* The process's memory as the C library's allocator sees it (glibc mallinfo2): what
 * is allocated and not freed, and what the allocator holds from the system. Next to
 * the resident set size this tells a leak (in use grows) from memory the allocator
 * keeps for reuse (only what it holds grows). */
static void append_heap_metrics(GString *s)
{
    struct mallinfo2 m = mallinfo2();
    prom_metric(s, "hoinghi_heap_in_use_bytes", "gauge",
                "Bytes allocated with malloc and not freed (all arenas and mmapped blocks).");
    g_string_append_printf(s, "hoinghi_heap_in_use_bytes %zu\n", m.uordblks + m.hblkhd);
    prom_metric(s, "hoinghi_heap_held_bytes", "gauge",
                "Bytes the allocator holds from the system (in use or free for reuse).");
    g_string_append_printf(s, "hoinghi_heap_held_bytes %zu\n", m.arena + m.hblkhd);
}

void api_metrics(struct api_call *call, struct http_response *response)
{
    int counts[3];
    count_states(call->control, counts);
    GArray *running = collect(call->control);
    GString *s = g_string_new(NULL);
    prom_metric(s, "hoinghi_conferences", "gauge", "Stored conferences by state.");
    for (int i = 0; i < 3; i++)
        g_string_append_printf(s, "hoinghi_conferences{state=\"%s\"} %d\n", store_state_name(i),
                               counts[i]);
    prom_metric(s, "hoinghi_running_conferences", "gauge",
                "Conferences with someone in them (media running).");
    g_string_append_printf(s, "hoinghi_running_conferences %u\n", running->len);
    size_t participants = 0;
    for (guint i = 0; i < running->len; i++)
        participants += g_array_index(running, struct conference_totals, i).participants;
    prom_metric(s, "hoinghi_participants", "gauge", "Participants in all conferences.");
    g_string_append_printf(s, "hoinghi_participants %zu\n", participants);
    append_limit_metrics(s, call->control);
    control_access_metrics(call->control, s);
    append_heap_metrics(s);

    static const struct {
        const char *name, *type, *help;
    } per[] = {
        {"hoinghi_conference_participants", "gauge", "Participants in the conference."},
        {"hoinghi_packets_received_total", "counter",
         "RTP packets received from the conference's rooms."},
        {"hoinghi_packets_sent_total", "counter", "RTP packets sent to the conference's rooms."},
        {"hoinghi_bytes_received_total", "counter", "RTP payload bytes received."},
        {"hoinghi_bytes_sent_total", "counter", "RTP payload bytes sent."},
        {"hoinghi_packets_lost_total", "counter",
         "RTP packets lost on the way in (cumulative, RFC 3550)."},
        {"hoinghi_mixer_frames_total", "counter", "Canvas frames composed (video ticks)."},
        {"hoinghi_mixer_frames_skipped_total", "counter",
         "Canvas frames not made: the media thread fell behind."},
        {"hoinghi_mixer_frame_seconds", "gauge",
         "Mean time of one video tick (decode + compose + encode)."},
        {"hoinghi_audio_ticks_total", "counter", "20 ms audio mixes."},
        {"hoinghi_latency_median_seconds", "gauge",
         "MCU-added video delay, median (arrival to composite out)."},
        {"hoinghi_latency_p99_seconds", "gauge", "MCU-added video delay, 99th percentile."},
        {"hoinghi_input_frames_dropped_total", "counter",
         "Input video frames not shown (loss, decode errors, keyframe waits)."},
        {"hoinghi_inbound_queue_drops_total", "counter",
         "Inbound packets dropped on a full media queue."},
        {"hoinghi_video_decode_seconds", "gauge",
         "Mean time per video tick spent decoding the rooms' video."},
        {"hoinghi_video_encode_seconds", "gauge",
         "Mean time per video tick spent encoding the output profiles."},
        {"hoinghi_transport_cc_feedback_total", "counter",
         "RTCP transport-cc feedback packets sent to the rooms' senders (present rooms)."},
    };
    for (size_t k = 0; k < G_N_ELEMENTS(per); k++) {
        prom_metric(s, per[k].name, per[k].type, per[k].help);
        for (guint i = 0; i < running->len; i++) {
            const struct conference_totals *t =
                &g_array_index(running, struct conference_totals, i);
            double v = 0;
            switch (k) {
            case 0: v = (double)t->participants; break;
            case 1: v = (double)t->packets_in; break;
            case 2: v = (double)t->packets_out; break;
            case 3: v = (double)t->bytes_in; break;
            case 4: v = (double)t->bytes_out; break;
            case 5: v = (double)t->lost; break;
            case 6: v = (double)t->media.video_ticks; break;
            case 7: v = (double)t->media.video_ticks_skipped; break;
            case 8: v = t->media.video_tick_ms / 1e3; break;
            case 9: v = (double)t->media.audio_ticks; break;
            case 10: v = t->media.latency_median_ms / 1e3; break;
            case 11: v = t->media.latency_p99_ms / 1e3; break;
            case 12: v = (double)t->media.input_frames_dropped; break;
            case 13: v = (double)t->media.packets_queued_dropped; break;
            case 14: v = t->media.video_decode_ms / 1e3; break;
            case 15: v = t->media.video_encode_ms / 1e3; break;
            case 16: v = (double)t->transport_cc_feedback; break;
            }
            struct prom_label label = {"conference", t->id};
            prom_sample(s, per[k].name, &label, 1, v);
        }
    }
    g_array_free(running, TRUE);
    api_metrics_rooms(call->control, s);
    api_metrics_server(call->control, s);
    call->status = 200;
    response->status = 200;
    response->content_type = "text/plain; version=0.0.4; charset=utf-8";
    response->body = g_string_free(s, FALSE);
}
