/* participant.c - one signalling connection's state machine and its media; see
 * participant.h.
 *
 *   connected --join--> joined --offer--> media (connecting -> connected)
 *       ^                  |  <--leave--------|
 *       +------------------+ (failed media ends the participant: `bye`)
 *
 * Packets: media session -> echo (SSRC rewrite, PLI/NACK/SR handling) -> media session,
 * or, in a mixing conference, media session -> conference (mixed on its media thread,
 * which sends the composite back through the same media session).
 */
#include "mcu/session/participant.h"
#include "mcu/session/participant_internal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/echo.h"
#include "mcu/conference/registry.h"
#include "mcu/core/config.h"
#include "mcu/core/limits.h"
#include "mcu/core/glib_source.h"
#include "mcu/core/log.h"
#include "mcu/transport/media_session.h"
#include "mcu/core/rate_limiter.h"
#include "mcu/session/reoffer.h"
#include "signaling/protocol/protocol.h"
#include "signaling/sdp/sdp.h"

static void leave_conference(struct participant *p, const char *reason);
static void kick(struct participant *p, const char *code, const char *reason);
static void start_share(struct participant *p);

/* --- sending ------------------------------------------------------------------ */

static void send_text(struct participant *p, char *text)
{
    if (!text) return;
    ws_connection_send(p->connection, text);
    free(text);
}

static void send_error(struct participant *p, const json_t *id, const char *request,
                       const char *code, const char *message)
{
    send_text(p, protocol_build_error(id, request, code, message));
}

static void send_reply(struct participant *p, const json_t *id, const char *request, json_t *data)
{
    send_text(p, protocol_build_reply(id, request, data));
    json_decref(data);
}

/* --- media ---------------------------------------------------------------------- */

static void flush_echo_output(struct participant *p)
{
    struct echo_output *out = p->echo_output;
    for (size_t i = 0; i < out->count && p->media; i++) {
        const struct echo_packet *pkt = &out->packets[i];
        if (pkt->kind == ECHO_PACKET_RTP)
            media_session_send_rtp(p->media, pkt->data, pkt->length);
        else
            media_session_send_rtcp(p->media, pkt->data, pkt->length);
    }
    echo_output_clear(out);
}

void participant_on_media_rtp(void *owner, uint8_t *packet, size_t length)
{
    struct participant *p = owner;
    if (p->member) {
        conference_member_rtp(p->mix, p->member, packet, length, g_get_monotonic_time());
        return;
    }
    if (!p->echo) return;
    echo_handle_rtp(p->echo, packet, length, g_get_monotonic_time(), p->echo_output);
    flush_echo_output(p);
}

void participant_on_media_rtcp(void *owner, uint8_t *packet, size_t length)
{
    struct participant *p = owner;
    if (p->member) {
        conference_member_rtcp(p->mix, p->member, packet, length, g_get_monotonic_time());
        return;
    }
    if (!p->echo) return;
    echo_handle_rtcp(p->echo, packet, length, g_get_monotonic_time(), p->echo_output);
    flush_echo_output(p);
}

gboolean participant_echo_tick(gpointer user)
{
    struct participant *p = user;
    if (p->echo && p->media && media_session_state(p->media) == MEDIA_STATE_CONNECTED) {
        echo_tick(p->echo, g_get_monotonic_time(), p->echo_output);
        flush_echo_output(p);
    }
    return G_SOURCE_CONTINUE;
}

static void log_media_stats(struct participant *p)
{
    struct media_session_stats ms;
    media_session_get_stats(p->media, &ms);
    log_info(
        "participant %s media: rtp in %llu out %llu, rtcp in %llu out %llu, "
        "dropped (srtp %llu, unknown %llu, early %llu), not sent (not ready %llu, failed %llu)",
        p->id, (unsigned long long)ms.rtp_in, (unsigned long long)ms.rtp_out,
        (unsigned long long)ms.rtcp_in, (unsigned long long)ms.rtcp_out,
        (unsigned long long)ms.dropped_unprotect, (unsigned long long)ms.dropped_unknown,
        (unsigned long long)ms.dropped_early, (unsigned long long)ms.send_not_ready,
        (unsigned long long)ms.send_failed);
    if (p->member) {
        struct conference_member_stats cs;
        conference_member_get_stats(p->mix, p->member, &cs);
        log_info("participant %s video in: rtx %llu retransmissions, %llu probes; transport-cc "
                 "feedback %llu",
                 p->id, (unsigned long long)cs.rtx_in, (unsigned long long)cs.rtx_padding_in,
                 (unsigned long long)cs.transport_cc_feedback);
    }
}

void participant_end_media(struct participant *p)
{
    glib_source_stop(&p->end_media);
    glib_source_stop(&p->tick);
    if (p->media) {
        if (p->member) conference_detach_media(p->mix, p->member);
        log_media_stats(p);
        media_session_free(p->media);
        p->media = NULL;
    }
    g_free(p->agreed);
    p->agreed = NULL;
    echo_free(p->echo);
    p->echo = NULL;
}

static gboolean on_end_media(gpointer user)
{
    struct participant *p = user;
    g_source_unref(p->end_media);
    p->end_media = NULL;
    participant_end_media(p);
    if (CONFERENCE(p)) {
        /* Dropped: out of the conference (the client was sent `bye`). */
        log_info("participant %s '%s' dropped from conference %s", p->id, p->name,
                 CONFERENCE(p)->id);
        leave_conference(p, "dropped");
    }
    return G_SOURCE_REMOVE;
}

void participant_on_media_state(void *owner, enum media_state state, const char *reason)
{
    struct participant *p = owner;
    log_info("participant %s media %s%s%s", p->id, media_state_name(state), reason[0] ? ": " : "",
             reason);
    send_text(p, protocol_build_media_event(media_state_name(state), reason[0] ? reason : NULL));
    if (state == MEDIA_STATE_CONNECTED && p->member && conference_member_is_content(p->member))
        start_share(p);
    if (state == MEDIA_STATE_FAILED || state == MEDIA_STATE_CLOSED) {
        /* The peer is gone or unreachable: it leaves the conference. The session is
         * freed outside its own event handler. */
        send_text(p, protocol_build_bye(reason[0] ? reason : media_state_name(state)));
        if (!p->end_media) {
            p->end_media = g_idle_source_new();
            g_source_set_callback(p->end_media, on_end_media, p, NULL);
            g_source_attach(p->end_media, NULL);
        }
    }
}

/* --- mixing conferences --------------------------------------------------------- */

/* Sends `text` (freed here) to every member of the conference but `except` (NULL:
 * everyone): the registry's broadcast. */
static void broadcast(const struct participant *p, const struct mcu_conference_config *conference,
                      char *text, const struct participant *except)
{
    registry_broadcast(p->session->registry, conference->id, text, except ? except->entry : NULL);
}

static struct protocol_roster_entry roster_entry(const struct conference_member *m)
{
    struct protocol_roster_entry e = {
        .participant = conference_member_id(m),
        .name = conference_member_name(m),
        .audio_muted = conference_member_audio_muted(m),
        .video_muted = conference_member_video_muted(m),
    };
    return e;
}

static void add_roster_entry(struct conference_member *m, void *data)
{
    if (conference_member_is_content(m)) return; /* a presentation, not a room */
    g_array_append_val((GArray *)data, (struct protocol_roster_entry){0});
    GArray *entries = data;
    g_array_index(entries, struct protocol_roster_entry, entries->len - 1) = roster_entry(m);
}

static void send_roster(struct participant *p)
{
    GArray *entries = g_array_new(FALSE, FALSE, sizeof(struct protocol_roster_entry));
    conference_foreach_member(p->mix, add_roster_entry, entries);
    send_text(p, protocol_build_participants_event((struct protocol_roster_entry *)entries->data,
                                                   entries->len, conference_layout(p->mix), NULL));
    g_array_free(entries, TRUE);
}

void participant_announce_active_speaker(struct registry *registry, struct conference *conference,
                                         struct conference_member *speaker)
{
    registry_broadcast(
        registry, conference_config(conference)->id,
        protocol_build_active_speaker_event(speaker ? conference_member_id(speaker) : NULL), NULL);
}

void participant_send_limits(struct conference_member *member, const struct send_limits *limits)
{
    struct participant *p = conference_member_user(member);
    struct protocol_send_limits l = {limits->active, limits->width, limits->height, limits->fps,
                                     limits->max_bitrate};
    if (p) send_text(p, protocol_build_send_limits_event(&l));
}

/* --- presenting (docs/protocol.md, "Presenting") ----------------------------------- */

struct member_search {
    const char *id;
    struct conference_member *found;
};

static void match_member(struct conference_member *m, void *data)
{
    struct member_search *s = data;
    if (!s->found && strcmp(conference_member_id(m), s->id) == 0) s->found = m;
}

static struct conference_member *find_member(struct conference *c, const char *id)
{
    struct member_search s = {id, NULL};
    if (id) conference_foreach_member(c, match_member, &s);
    return s.found;
}

/* The `presenting` event for the conference's share now (NULL: none, with reason). */
static char *presenting_event(struct conference *c, const char *reason)
{
    struct conference_member *content = conference_share_content(c);
    if (!content) return protocol_build_presenting_event(NULL, NULL, NULL, reason);
    const char *owner_id = conference_member_content_owner(content);
    struct conference_member *owner = find_member(c, owner_id);
    return protocol_build_presenting_event(owner_id, owner ? conference_member_name(owner) : NULL,
                                           conference_member_id(content), NULL);
}

/* Tells everyone the layout when it is not `before` any more. */
static void announce_layout_change(struct participant *p, struct conference *c, const char *before)
{
    if (strcmp(before, conference_layout(c)) != 0)
        broadcast(p, conference_config(c), protocol_build_layout_event(conference_layout(c)), NULL);
}

/* A content connection's media is up: it is the presentation now; a previous one
 * is ended, everyone is told who presents and the layout. */
static void start_share(struct participant *p)
{
    struct conference *c = p->mix;
    if (conference_share_content(c) == p->member) return; /* an ICE restart, say */
    char *before = g_strdup(conference_layout(c));
    struct conference_member *previous = conference_share_start(c, p->member);
    broadcast(p, CONFERENCE(p), presenting_event(c, NULL), NULL);
    announce_layout_change(p, c, before);
    g_free(before);
    if (previous)
        kick(conference_member_user(previous), NULL, "another room took over the presentation");
}

/* The content connections whose room is `owner_id`, collected to end them. */
struct content_search {
    const char *owner_id;
    GPtrArray *found;
};

static void match_content(struct conference_member *m, void *data)
{
    struct content_search *s = data;
    const char *owner = conference_member_content_owner(m);
    if (owner && strcmp(owner, s->owner_id) == 0) g_ptr_array_add(s->found, m);
}

static void end_contents_of(struct participant *p)
{
    struct content_search s = {p->id, g_ptr_array_new()};
    conference_foreach_member(p->mix, match_content, &s);
    for (guint i = 0; i < s.found->len; i++)
        kick(conference_member_user(g_ptr_array_index(s.found, i)), NULL, "the room left");
    g_ptr_array_free(s.found, TRUE);
}

/* Out of its conference (if in one): media ended, out of the registry's table and
 * of the mix, whose other members are told. A room's presentation ends with it; a
 * presentation that ends tells everyone, and the layout comes back. */
/* Tells the operator plane that the room joined (left_reason NULL) or left. A
 * content connection is not a room: its share is not attendance. */
static void report_attendance(struct participant *p, const char *conference_id,
                              const char *left_reason)
{
    const struct join_access_hooks *hooks = &p->session->access;
    if (!hooks->attendance || (p->member && conference_member_is_content(p->member))) return;
    hooks->attendance(hooks->owner, conference_id, p->id, p->name, left_reason);
}

static void leave_conference(struct participant *p, const char *reason)
{
    participant_end_media(p);
    const struct mcu_conference_config *conference = CONFERENCE(p);
    if (!conference) return;
    report_attendance(p, conference->id, reason);
    if (p->member && !conference_member_is_content(p->member)) end_contents_of(p);
    registry_member_leave(p->entry);
    if (!p->member) return;
    struct conference *c = p->mix;
    bool content = conference_member_is_content(p->member);
    bool presenting = conference_share_content(c) == p->member;
    char *before = g_strdup(conference_layout(c));
    conference_remove_member(c, p->member);
    p->member = NULL;
    p->mix = NULL;
    if (!content)
        broadcast(p, conference, protocol_build_participant_left_event(p->id, reason), NULL);
    if (presenting) {
        broadcast(p, conference, presenting_event(c, reason), NULL);
        announce_layout_change(p, c, before);
    }
    g_free(before);
    registry_release_conference(p->session->registry, c);
}

/* Joins a mixing conference; 0, or -1 after sending the error. */
static int join_mix(struct participant *p, const struct protocol_request *r,
                    const struct mcu_conference_config *conf)
{
    char err[256] = "";
    struct conference *c = registry_start_conference(p->session->registry, conf, err, sizeof err);
    if (!c) {
        log_error("conference %s cannot start: %s", conf->id, err);
        send_error(p, r->id, r->type_name, "internal_error", err);
        return -1;
    }
    p->member = conference_add_member(c, p->id, r->name, p);
    if (!p->member) {
        char message[160];
        snprintf(message, sizeof message, "conference %s has its maximum of %d participants",
                 conf->id, conf->max_participants);
        send_error(p, r->id, r->type_name, "conference_full", message);
        registry_release_conference(p->session->registry, c);
        return -1;
    }
    p->mix = c;
    return 0;
}

/* A room joining after the rooms were warned that the conference ends soon
 * (conference_ending, sent once per occurrence by the scheduler) gets the warning too,
 * with the seconds left now. */
static void send_ending_warning(struct participant *p, const char *conference_id)
{
    int64_t end;
    const char *ends_at = registry_ending(p->session->registry, conference_id, &end);
    if (!ends_at) return;
    int64_t left = end - g_get_real_time() / G_USEC_PER_SEC;
    if (left <= 0) return;
    json_t *event = json_pack("{s:s, s:s, s:I}", "type", "conference_ending", "ends_at", ends_at,
                              "seconds", (json_int_t)left);
    if (event) send_text(p, json_dumps(event, JSON_COMPACT));
    json_decref(event);
}

/* Roster for the joiner (and who presents), participant_joined for the others. A
 * content connection is not announced: `presenting` names it once its media is up. */
static void announce_join(struct participant *p)
{
    if (conference_member_is_content(p->member)) return;
    send_roster(p);
    if (conference_share_content(p->mix)) send_text(p, presenting_event(p->mix, NULL));
    struct protocol_roster_entry me = roster_entry(p->member);
    broadcast(p, CONFERENCE(p), protocol_build_participant_joined_event(&me), p);
}

static void handle_mute(struct participant *p, const struct protocol_request *r)
{
    if (!p->member) {
        send_error(p, r->id, r->type_name, "bad_request", "mute is for mixing conferences");
        return;
    }
    bool audio = r->mute_audio >= 0 ? r->mute_audio == 1 : conference_member_audio_muted(p->member);
    bool video = r->mute_video >= 0 ? r->mute_video == 1 : conference_member_video_muted(p->member);
    conference_member_set_mute(p->mix, p->member, audio, video);
    log_info("participant %s: audio %s, video %s", p->id, audio ? "muted" : "on",
             video ? "muted" : "on");
    send_reply(p, r->id, r->type_name, json_pack("{s:b, s:b}", "audio", audio, "video", video));
    broadcast(p, CONFERENCE(p), protocol_build_mute_event(p->id, audio, video), NULL);
}

/* --- requests ------------------------------------------------------------------- */

/* One remote candidate (the offer's or trickled) for the media session. An mDNS host
 * candidate ("<uuid>.local") is accepted and ignored: resolving it could block the
 * control thread, and ICE finds that path anyway, as a peer-reflexive candidate, when
 * the peer's checks arrive. Only candidates ICE takes count towards the limit.
 * Returns NULL, or the error code to refuse a trickled one with. */
const char *participant_add_remote_candidate(struct participant *p, const char *candidate)
{
    if (sdp_candidate_is_mdns(candidate)) {
        limits_count_ignored_candidate(p->session->limits, LIMITS_CANDIDATE_MDNS);
        log_debug("participant %s: mDNS candidate ignored: %.200s", p->id, candidate);
        return NULL;
    }
    if (p->remote_candidates >= MCU_LIMITS_MAX_REMOTE_CANDIDATES) {
        limits_count(p->session->limits, LIMITS_CANDIDATES_REFUSED);
        return "too_many_candidates";
    }
    if (media_session_add_remote_candidate(p->media, candidate) != 0) {
        limits_count_ignored_candidate(p->session->limits, LIMITS_CANDIDATE_UNPARSEABLE);
        log_info("participant %s: candidate cannot be parsed: %.200s", p->id, candidate);
        return "bad_request";
    }
    p->remote_candidates++;
    return NULL;
}

/* A content connection's room must be a room (not content) of that mixing
 * conference; false after sending the error. */
static bool content_owner_ok(struct participant *p, const struct protocol_request *r,
                             const struct mcu_conference_config *conf)
{
    struct conference *c =
        conf->type == MCU_CONFERENCE_MIX ? registry_running(p->session->registry, conf->id) : NULL;
    struct conference_member *owner = c ? find_member(c, r->content_of) : NULL;
    const char *why = conf->type != MCU_CONFERENCE_MIX ? "presenting is for mixing conferences"
                      : !owner ? "content_of: no such room in this conference"
                      : conference_member_is_content(owner)
                          ? "content_of: that is a presentation, not a room"
                          : NULL;
    if (!why) return true;
    send_error(p, r->id, r->type_name, "bad_request", why);
    return false;
}

static void handle_join(struct participant *p, const struct protocol_request *r)
{
    if (CONFERENCE(p)) {
        send_error(p, r->id, r->type_name, "already_joined",
                   "this connection has already joined; send leave first");
        return;
    }
    int64_t retry_ms = 0;
    if (!limits_allow_join_attempt(p->session->limits, ws_connection_peer(p->connection),
                                   g_get_monotonic_time(), &retry_ms)) {
        char message[160];
        snprintf(message, sizeof message,
                 "too many join attempts from this address; try again in %lld ms",
                 (long long)retry_ms);
        log_debug("join refused for '%s' from %s: rate limited", r->name,
                  ws_connection_peer(p->connection));
        send_text(
            p, protocol_build_retry_error(r->id, r->type_name, "rate_limited", message, retry_ms));
        return;
    }
    const struct mcu_conference_config *conf =
        registry_find_settings(p->session->registry, r->conference);
    if (!conf) {
        char message[160];
        snprintf(message, sizeof message, "there is no conference '%s'", r->conference);
        send_error(p, r->id, r->type_name, "unknown_conference", message);
        return;
    }
    /* The lock, tokens and the PIN (join_access.c). */
    struct join_access access;
    if (join_access_check(&p->session->access, conf, r->token, r->pin, &access) != 0) {
        log_info("join refused for '%s' from %s: %s", r->name, ws_connection_peer(p->connection),
                 access.message);
        send_error(p, r->id, r->type_name, access.code, access.message);
        return;
    }
    if (!limits_allow_participant(p->session->limits,
                                  registry_joined_count(p->session->registry))) {
        char message[160];
        snprintf(message, sizeof message, "the server has its maximum of %d participants",
                 limits_config(p->session->limits)->max_participants);
        log_warn("join refused for '%s' from %s: %s", r->name, ws_connection_peer(p->connection),
                 message);
        send_error(p, r->id, r->type_name, "server_full", message);
        return;
    }
    if (r->content_of && !content_owner_ok(p, r, conf)) return;
    if (conf->type == MCU_CONFERENCE_MIX && join_mix(p, r, conf) != 0) return;
    if (r->content_of) conference_member_set_content(p->member, r->content_of);
    registry_member_join(p->entry, conf);
    g_free(p->name);
    p->name = g_strdup(r->name);
    log_info("participant %s '%s' joined conference %s from %s", p->id, p->name, conf->id,
             ws_connection_peer(p->connection));
    report_attendance(p, conf->id, NULL);
    bool waiting = p->member && conference_waiting_for_host(p->mix) && !access.host;
    send_reply(p, r->id, r->type_name,
               json_pack("{s:s, s:s, s:s, s:b, s:b}", "participant", p->id, "conference", conf->id,
                         "title", conf->title, "host", access.host, "waiting_for_host", waiting));
    if (p->member) announce_join(p);
    if (!r->content_of) send_ending_warning(p, conf->id);
    if (p->member && access.host)
        conference_member_set_host(p->mix, p->member);
    else if (waiting)
        send_text(p, join_access_host_event(true));
}

/* A new offer on the media session: answered on it, restarting ICE when the
 * room's ICE credentials changed (reoffer.h). */
static void handle_reoffer(struct participant *p, const struct protocol_request *r)
{
    char err[256] = "", *answer = NULL;
    const char *code = NULL;
    /* p->agreed is set whenever p->media is: both come with the first answer. */
    enum reoffer_result result =
        reoffer_answer(p->agreed, p->media, r->sdp, &answer, &code, err, sizeof err);
    if (result == REOFFER_REFUSED) {
        log_info("participant %s: new offer refused: %s", p->id, err);
        send_error(p, r->id, r->type_name, code, err);
        return;
    }
    /* A restart starts the remote candidate list afresh: the limit counts this ICE
     * session's candidates. */
    if (result == REOFFER_ICE_RESTARTED) p->remote_candidates = 0;
    log_info("participant %s: new offer answered%s", p->id,
             result == REOFFER_ICE_RESTARTED ? " with an ICE restart" : " (nothing changed)");
    send_reply(p, r->id, r->type_name, json_pack("{s:s, s:s}", "type", "answer", "sdp", answer));
    free(answer);
}

/* An offer: the first one opens the media session, later ones renegotiate it. */
static void handle_offer(struct participant *p, const struct protocol_request *r)
{
    char err[256] = "";
    size_t sdp_bytes = strlen(r->sdp);
    int max_sdp = limits_config(p->session->limits)->max_sdp_bytes;
    if (sdp_bytes > (size_t)max_sdp) {
        limits_count(p->session->limits, LIMITS_SDP_TOO_LARGE);
        snprintf(err, sizeof err, "the SDP offer has %zu bytes; the limit is %d", sdp_bytes,
                 max_sdp);
        send_error(p, r->id, r->type_name, "sdp_too_large", err);
        return;
    }
    if (p->media) {
        handle_reoffer(p, r);
        return;
    }
    struct first_offer o = {0};
    char *answer = participant_answer_first_offer(p, r->sdp, &o, err, sizeof err);
    if (!answer) {
        send_error(p, r->id, r->type_name, o.code, err);
        return;
    }
    const struct sdp_negotiated *n = &o.negotiated;
    log_info("participant %s: offer answered (audio %s pt %u, video %s pt %u, rtx pt %u)", p->id,
             n->has_audio ? "opus" : "none", n->audio_pt,
             n->video_codec == SDP_VIDEO_VP8    ? "VP8"
             : n->video_codec == SDP_VIDEO_H264 ? "H264"
                                                : "none",
             n->video_pt, n->video_rtx_pt);
    send_reply(p, r->id, r->type_name, json_pack("{s:s, s:s}", "type", "answer", "sdp", answer));
    free(answer);
    send_text(p, protocol_build_media_event("connecting", NULL));
}

static void handle_candidate(struct participant *p, const struct protocol_request *r)
{
    if (!p->media) {
        send_error(p, r->id, r->type_name, "bad_request", "candidate before offer");
        return;
    }
    const char *refused = participant_add_remote_candidate(p, r->candidate);
    if (refused && strcmp(refused, "too_many_candidates") == 0) {
        char message[96];
        snprintf(message, sizeof message, "at most %d candidates per media session",
                 MCU_LIMITS_MAX_REMOTE_CANDIDATES);
        send_error(p, r->id, r->type_name, refused, message);
    } else if (refused) {
        send_error(p, r->id, r->type_name, refused, "the candidate cannot be parsed");
    } else {
        send_reply(p, r->id, r->type_name, json_object());
    }
}

static void handle_request(struct participant *p, const struct protocol_request *r)
{
    if (r->type != PROTOCOL_JOIN && r->type != PROTOCOL_KEEPALIVE && !CONFERENCE(p)) {
        send_error(p, r->id, r->type_name, "not_joined", "join a conference first");
        return;
    }
    switch (r->type) {
    case PROTOCOL_JOIN: handle_join(p, r); break;
    case PROTOCOL_OFFER: handle_offer(p, r); break;
    case PROTOCOL_CANDIDATE: handle_candidate(p, r); break;
    case PROTOCOL_END_OF_CANDIDATES:
        if (p->media) media_session_remote_candidates_done(p->media);
        send_reply(p, r->id, r->type_name, json_object());
        break;
    case PROTOCOL_MUTE: handle_mute(p, r); break;
    case PROTOCOL_VIDEO_QUALITY:
        if (!p->member) {
            send_error(p, r->id, r->type_name, "bad_request",
                       "video_quality is for mixing conferences");
            break;
        }
        conference_member_set_video_quality(
            p->mix, p->member,
            strcmp(r->video_quality, "low") == 0    ? CONFERENCE_QUALITY_LOW
            : strcmp(r->video_quality, "high") == 0 ? CONFERENCE_QUALITY_HIGH
                                                    : CONFERENCE_QUALITY_AUTO);
        log_info("participant %s: video quality %s", p->id, r->video_quality);
        send_reply(p, r->id, r->type_name, json_pack("{s:s}", "quality", r->video_quality));
        break;
    case PROTOCOL_LEAVE:
        log_info("participant %s '%s' left conference %s", p->id, p->name, CONFERENCE(p)->id);
        leave_conference(p, "left");
        send_reply(p, r->id, r->type_name, json_object());
        break;
    case PROTOCOL_KEEPALIVE: send_reply(p, r->id, r->type_name, json_object()); break;
    }
}

/* --- lifetime --------------------------------------------------------------------- */

/* Ends this participant's part in its conference: `bye` with the reason, media
 * closed, out of the conference (the WebSocket stays open). */
static void kick(struct participant *p, const char *code, const char *reason)
{
    if (!CONFERENCE(p)) return;
    send_text(p, protocol_build_bye_code(code, reason));
    log_info("participant %s '%s' removed from conference %s: %s", p->id, p->name,
             CONFERENCE(p)->id, reason);
    leave_conference(p, reason);
}

/* What the registry may do to a participant. */
static void member_send(void *ctx, const char *text)
{
    struct participant *p = ctx;
    ws_connection_send(p->connection, text);
}

static void member_kick(void *ctx, const char *code, const char *reason)
{
    kick(ctx, code, reason);
}

static const struct registry_member_ops member_ops = {.send = member_send, .kick = member_kick};

struct participant *participant_new(const struct session_context *session,
                                    struct ws_connection *connection)
{
    struct participant *p = g_new0(struct participant, 1);
    p->session = session;
    p->connection = connection;
    p->echo_output = g_new0(struct echo_output, 1);
    p->entry = registry_member_new(session->registry, &member_ops, p);
    snprintf(p->id, sizeof p->id, "%s", registry_member_id(p->entry));
    log_debug("signalling connection %s from %s", p->id, ws_connection_peer(connection));
    send_text(p, protocol_build_hello());
    return p;
}

void participant_handle_message(struct participant *p, const char *text, size_t length)
{
    struct protocol_request request;
    struct protocol_error error;
    /* Every message counts against message-rate, unreadable ones too; those still get
     * the error that says what is wrong with them. */
    int64_t retry_ms = 0;
    bool allowed =
        limits_allow_message(p->session->limits, &p->messages, g_get_monotonic_time(), &retry_ms);
    if (protocol_parse_request(text, length, &request, &error) != 0) {
        send_error(p, error.id, error.request, error.code, error.message);
        protocol_error_clear(&error);
        return;
    }
    if (!allowed) {
        send_text(p, protocol_build_retry_error(request.id, request.type_name, "rate_limited",
                                                "too many messages on this connection", retry_ms));
        protocol_request_clear(&request);
        return;
    }
    handle_request(p, &request);
    protocol_request_clear(&request);
}

void participant_handle_oversized(struct participant *p, size_t length)
{
    char message[128];
    limits_count(p->session->limits, LIMITS_MESSAGE_TOO_LARGE);
    snprintf(message, sizeof message, "the message has %zu bytes; the limit is %d", length,
             PROTOCOL_MAX_MESSAGE);
    send_error(p, NULL, NULL, "message_too_large", message);
}

void participant_free(struct participant *p)
{
    if (!p) return;
    if (CONFERENCE(p))
        log_info("participant %s '%s' left conference %s (connection closed)", p->id, p->name,
                 CONFERENCE(p)->id);
    leave_conference(p, "connection closed");
    registry_member_free(p->entry);
    g_free(p->echo_output);
    g_free(p->name);
    g_free(p);
}
