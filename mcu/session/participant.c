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

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mcu/conference/conference.h"
#include "mcu/conference/echo.h"
#include "mcu/session/join_access.h"
#include "mcu/core/limits.h"
#include "mcu/core/log.h"
#include "mcu/transport/media_session.h"
#include "mcu/core/rate_limiter.h"
#include "mcu/session/reoffer.h"
#include "mcu/server.h"
#include "signaling/protocol/protocol.h"
#include "signaling/sdp/sdp.h"

#define ECHO_TICK_MS 200

enum participant_state { PARTICIPANT_CONNECTED, PARTICIPANT_JOINED };

struct participant {
    struct mcu_server *server;
    struct ws_connection *connection;
    enum participant_state state;
    char id[16];
    char *name;
    const struct mcu_conference_config *conference;
    struct media_session *media;
    struct media_agreement *agreed;    /* what the offer/answer agreed, for re-offers */
    struct echo *echo;
    struct echo_output *echo_output;
    struct conference *mix;            /* a mixing conference, when joined to one */
    struct conference_member *member;
    GSource *tick;
    GSource *end_media;            /* deferred teardown after a media failure */
    struct token_bucket messages;  /* message-rate (limits.h) */
    size_t remote_candidates;      /* given to this media session, offer + trickled */
};

static void leave_mix(struct participant *p, const char *reason);

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

static void on_media_rtp(void *owner, uint8_t *packet, size_t length)
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

static void on_media_rtcp(void *owner, uint8_t *packet, size_t length)
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

static gboolean on_tick(gpointer user)
{
    struct participant *p = user;
    if (p->echo && p->media && media_session_state(p->media) == MEDIA_STATE_CONNECTED) {
        echo_tick(p->echo, g_get_monotonic_time(), p->echo_output);
        flush_echo_output(p);
    }
    return G_SOURCE_CONTINUE;
}

static void stop_source(GSource **source)
{
    if (*source) {
        g_source_destroy(*source);
        g_source_unref(*source);
        *source = NULL;
    }
}

static void log_media_stats(struct participant *p)
{
    struct media_session_stats ms;
    media_session_get_stats(p->media, &ms);
    log_info("participant %s media: rtp in %llu out %llu, rtcp in %llu out %llu, "
             "dropped (srtp %llu, unknown %llu, early %llu), not sent (not ready %llu, failed %llu)",
             p->id, (unsigned long long)ms.rtp_in, (unsigned long long)ms.rtp_out,
             (unsigned long long)ms.rtcp_in, (unsigned long long)ms.rtcp_out,
             (unsigned long long)ms.dropped_unprotect, (unsigned long long)ms.dropped_unknown,
             (unsigned long long)ms.dropped_early, (unsigned long long)ms.send_not_ready,
             (unsigned long long)ms.send_failed);
}

static void end_media(struct participant *p)
{
    stop_source(&p->end_media);
    stop_source(&p->tick);
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
    end_media(p);
    if (p->state == PARTICIPANT_JOINED) {
        /* Dropped: out of the conference (the client was sent `bye`). */
        log_info("participant %s '%s' dropped from conference %s", p->id, p->name, p->conference->id);
        leave_mix(p, "dropped");
        p->state = PARTICIPANT_CONNECTED;
        p->conference = NULL;
    }
    return G_SOURCE_REMOVE;
}

static void on_media_state(void *owner, enum media_state state, const char *reason)
{
    struct participant *p = owner;
    log_info("participant %s media %s%s%s", p->id, media_state_name(state),
             reason[0] ? ": " : "", reason);
    send_text(p, protocol_build_media_event(media_state_name(state), reason[0] ? reason : NULL));
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

struct broadcast {
    const char *text;
    const struct participant *except;
};

static void send_to_member(struct conference_member *m, void *data)
{
    const struct broadcast *b = data;
    struct participant *other = conference_member_user(m);
    if (other != b->except) ws_connection_send(other->connection, b->text);
}

/* Sends `text` (freed here) to every member of p's conference but `except`. */
static void broadcast(struct conference *c, char *text, const struct participant *except)
{
    if (!text) return;
    struct broadcast b = {text, except};
    conference_foreach_member(c, send_to_member, &b);
    free(text);
}

static struct protocol_roster_entry roster_entry(const struct conference_member *m)
{
    struct protocol_roster_entry e = {
        .participant = conference_member_id(m), .name = conference_member_name(m),
        .audio_muted = conference_member_audio_muted(m), .video_muted = conference_member_video_muted(m),
    };
    return e;
}

static void add_roster_entry(struct conference_member *m, void *data)
{
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

void participant_broadcast_event(struct conference *conference, char *text)
{
    broadcast(conference, text, NULL);
}

void participant_announce_active_speaker(void *server, struct conference *conference,
                                         struct conference_member *speaker)
{
    (void)server;
    broadcast(conference, protocol_build_active_speaker_event(speaker ? conference_member_id(speaker) : NULL),
              NULL);
}

/* Leaves the mixing conference (if in one): the others are told. */
static void leave_mix(struct participant *p, const char *reason)
{
    if (!p->member) return;
    struct conference *c = p->mix;
    conference_remove_member(c, p->member);
    p->member = NULL;
    p->mix = NULL;
    broadcast(c, protocol_build_participant_left_event(p->id, reason), NULL);
    mcu_server_release_conference(p->server, c);
}

/* Joins a mixing conference; 0, or -1 after sending the error. */
static int join_mix(struct participant *p, const struct protocol_request *r,
                    const struct mcu_conference_config *conf)
{
    char err[256] = "";
    struct conference *c = mcu_server_open_conference(p->server, conf, err, sizeof err);
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
        mcu_server_release_conference(p->server, c);
        return -1;
    }
    p->mix = c;
    return 0;
}

/* Roster for the joiner, participant_joined for the others. */
static void announce_join(struct participant *p)
{
    send_roster(p);
    struct protocol_roster_entry me = roster_entry(p->member);
    broadcast(p->mix, protocol_build_participant_joined_event(&me), p);
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
    log_info("participant %s: audio %s, video %s", p->id, audio ? "muted" : "on", video ? "muted" : "on");
    send_reply(p, r->id, r->type_name, json_pack("{s:b, s:b}", "audio", audio, "video", video));
    broadcast(p->mix, protocol_build_mute_event(p->id, audio, video), NULL);
}

/* --- requests ------------------------------------------------------------------- */

/* Participants joined to any conference. */
static size_t count_joined(struct mcu_server *server)
{
    size_t count = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, server->participants);
    while (g_hash_table_iter_next(&it, NULL, &value))
        if (((const struct participant *)value)->state == PARTICIPANT_JOINED) count++;
    return count;
}

/* One more remote candidate for the media session: false (counted) past the limit. */
static bool take_candidate_slot(struct participant *p)
{
    if (p->remote_candidates >= MCU_LIMITS_MAX_REMOTE_CANDIDATES) {
        limits_count(p->server->limits, LIMITS_CANDIDATES_REFUSED);
        return false;
    }
    p->remote_candidates++;
    return true;
}

static void handle_join(struct participant *p, const struct protocol_request *r)
{
    if (p->state == PARTICIPANT_JOINED) {
        send_error(p, r->id, r->type_name, "already_joined",
                   "this connection has already joined; send leave first");
        return;
    }
    int64_t retry_ms = 0;
    if (!limits_allow_join_attempt(p->server->limits, ws_connection_peer(p->connection),
                                   g_get_monotonic_time(), &retry_ms)) {
        char message[160];
        snprintf(message, sizeof message, "too many join attempts from this address; try again in %lld ms",
                 (long long)retry_ms);
        log_debug("join refused for '%s' from %s: rate limited", r->name, ws_connection_peer(p->connection));
        send_text(p, protocol_build_retry_error(r->id, r->type_name, "rate_limited", message, retry_ms));
        return;
    }
    const struct mcu_conference_config *conf =
        mcu_server_find_conference(p->server, r->conference);
    if (!conf) {
        char message[160];
        snprintf(message, sizeof message, "there is no conference '%s'", r->conference);
        send_error(p, r->id, r->type_name, "unknown_conference", message);
        return;
    }
    /* The lock, tokens and the PIN (join_access.c). */
    struct join_access access;
    if (join_access_check(p->server, conf, r->token, r->pin, &access) != 0) {
        log_info("join refused for '%s' from %s: %s", r->name, ws_connection_peer(p->connection), access.message);
        send_error(p, r->id, r->type_name, access.code, access.message);
        return;
    }
    if (!limits_allow_participant(p->server->limits, count_joined(p->server))) {
        char message[160];
        snprintf(message, sizeof message, "the server has its maximum of %d participants",
                 limits_config(p->server->limits)->max_participants);
        log_warn("join refused for '%s' from %s: %s", r->name, ws_connection_peer(p->connection), message);
        send_error(p, r->id, r->type_name, "server_full", message);
        return;
    }
    if (conf->type == MCU_CONFERENCE_MIX && join_mix(p, r, conf) != 0) return;
    p->state = PARTICIPANT_JOINED;
    p->conference = conf;
    g_free(p->name);
    p->name = g_strdup(r->name);
    log_info("participant %s '%s' joined conference %s from %s", p->id, p->name, conf->id,
             ws_connection_peer(p->connection));
    bool waiting = p->member && conference_waiting_for_host(p->mix) && !access.host;
    send_reply(p, r->id, r->type_name,
               json_pack("{s:s, s:s, s:s, s:b, s:b}", "participant", p->id, "conference", conf->id,
                         "title", conf->title, "host", access.host, "waiting_for_host", waiting));
    if (p->member) announce_join(p);
    if (p->member && access.host) conference_member_set_host(p->mix, p->member);
    else if (waiting) send_text(p, join_access_host_event(true));
}

/* A new offer on the media session: answered on it, restarting ICE when the
 * room's ICE credentials changed (reoffer.h). */
static void handle_reoffer(struct participant *p, const struct protocol_request *r)
{
    char err[256] = "", *answer = NULL;
    const char *code = NULL;
    /* p->agreed is set whenever p->media is: both come with the first answer. */
    enum reoffer_result result = reoffer_answer(p->agreed, p->media, r->sdp, &answer, &code,
                                                err, sizeof err);
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

/* Builds the answer for an offer, creating the media session on the way. */
static void handle_offer(struct participant *p, const struct protocol_request *r)
{
    char err[256] = "";
    size_t sdp_bytes = strlen(r->sdp);
    int max_sdp = limits_config(p->server->limits)->max_sdp_bytes;
    if (sdp_bytes > (size_t)max_sdp) {
        limits_count(p->server->limits, LIMITS_SDP_TOO_LARGE);
        snprintf(err, sizeof err, "the SDP offer has %zu bytes; the limit is %d", sdp_bytes, max_sdp);
        send_error(p, r->id, r->type_name, "sdp_too_large", err);
        return;
    }
    if (p->media) {
        handle_reoffer(p, r);
        return;
    }
    struct sdp_session *offer = NULL, *answer = NULL;
    enum sdp_error e = sdp_parse(r->sdp, &offer, err, sizeof err);
    if (e != SDP_OK) {
        send_error(p, r->id, r->type_name, sdp_error_code(e), err);
        return;
    }

    uint32_t audio_ssrc = g_random_int() | 1u, video_ssrc = g_random_int() | 1u;
    char cname[32];
    snprintf(cname, sizeof cname, "hoinghi-%s", p->id);
    struct sdp_answer_params params = {
        .ice_ufrag = "placeholder",
        .ice_pwd = "placeholderplaceholderpl",
        .fingerprint_hash = DTLS_IDENTITY_FINGERPRINT_HASH,
        .fingerprint = dtls_identity_fingerprint(p->server->identity),
        .setup = SDP_SETUP_NONE,
        .audio_ssrc = audio_ssrc,
        .video_ssrc = video_ssrc,
        .cname = cname,
        .stream_id = "hoinghi",
    };
    /* The conference's codecs, VP8 first. */
    size_t n_codecs = 0;
    if (p->conference->allow_vp8) params.video_preference[n_codecs++] = SDP_VIDEO_VP8;
    if (p->conference->allow_h264) params.video_preference[n_codecs++] = SDP_VIDEO_H264;
    /* First pass: negotiate (and refuse bad offers) before any socket is opened. */
    struct sdp_negotiated negotiated;
    e = sdp_answer_create(offer, &params, &answer, &negotiated, err, sizeof err);
    sdp_session_free(answer);
    answer = NULL;
    if (e != SDP_OK) {
        sdp_session_free(offer);
        send_error(p, r->id, r->type_name, sdp_error_code(e), err);
        return;
    }

    struct media_session_config config = {
        .context = NULL,
        .identity = p->server->identity,
        .ice_addresses = p->server->ice_addresses,
        .public_address = p->server->config->public_address,
        .dtls_role = negotiated.local_setup == SDP_SETUP_ACTIVE ? DTLS_ROLE_CLIENT : DTLS_ROLE_SERVER,
        .remote_ice_ufrag = negotiated.remote_ice_ufrag,
        .remote_ice_pwd = negotiated.remote_ice_pwd,
        .remote_fingerprint_hash = negotiated.remote_fingerprint_hash,
        .remote_fingerprint = negotiated.remote_fingerprint,
    };
    struct media_session_events events = {
        .state_changed = on_media_state, .rtp = on_media_rtp, .rtcp = on_media_rtcp,
    };
    p->media = media_session_new(&config, &events, p, err, sizeof err);
    if (!p->media) {
        sdp_session_free(offer);
        log_warn("participant %s: media session failed: %s", p->id, err);
        send_error(p, r->id, r->type_name, "media_failed", err);
        return;
    }
    /* Candidates that came inside the offer. */
    p->remote_candidates = 0;
    for (size_t m = 0; m < offer->media_count; m++) {
        const struct sdp_media *media = &offer->media[m];
        for (size_t c = 0; c < media->candidate_count; c++)
            if (take_candidate_slot(p)) media_session_add_remote_candidate(p->media, media->candidates[c]);
        if (media->end_of_candidates) media_session_remote_candidates_done(p->media);
    }

    char **candidates = media_session_local_candidates(p->media);
    params.ice_ufrag = media_session_local_ufrag(p->media);
    params.ice_pwd = media_session_local_pwd(p->media);
    params.setup = negotiated.local_setup;
    params.candidates = (const char *const *)candidates;
    params.candidate_count = g_strv_length(candidates);
    params.end_of_candidates = true;
    e = sdp_answer_create(offer, &params, &answer, &negotiated, err, sizeof err);
    g_strfreev(candidates);
    sdp_session_free(offer);
    char *answer_text = e == SDP_OK ? sdp_write(answer) : NULL;
    sdp_session_free(answer);
    if (!answer_text) {
        end_media(p);
        send_error(p, r->id, r->type_name, "internal_error", "could not build the SDP answer");
        return;
    }

    if (p->member) {
        struct conference_media_config media = {
            .media = p->media,
            .audio_codec = negotiated.has_audio ? MEDIA_CODEC_OPUS : MEDIA_CODEC_NONE,
            .audio_pt = negotiated.audio_pt,
            .audio_level_ext_id = (uint8_t)negotiated.audio_level_ext_id,
            .video_codec = !negotiated.has_video ? MEDIA_CODEC_NONE
                           : negotiated.video_codec == SDP_VIDEO_H264 ? MEDIA_CODEC_H264 : MEDIA_CODEC_VP8,
            .video_pt = negotiated.video_pt,
            .audio_out_ssrc = audio_ssrc,
            .video_out_ssrc = video_ssrc,
            .audio_in_ssrc = negotiated.audio_remote_ssrc,
            .video_in_ssrc = negotiated.video_remote_ssrc,
            .video_nack = negotiated.video_nack,
            .cname = cname,
        };
        if (conference_attach_media(p->mix, p->member, &media) != 0) {
            free(answer_text);
            end_media(p);
            send_error(p, r->id, r->type_name, "sdp_no_common_codec",
                       "the conference does not send the video codec this offer chose");
            return;
        }
    } else {
        struct echo_config echo_config = {
            .audio_pt = negotiated.has_audio ? negotiated.audio_pt : 0,
            .video_pt = negotiated.has_video ? negotiated.video_pt : 0,
            .audio_out_ssrc = audio_ssrc,
            .video_out_ssrc = video_ssrc,
            .audio_in_ssrc_hint = negotiated.audio_remote_ssrc,
            .video_in_ssrc_hint = negotiated.video_remote_ssrc,
            .video_nack = negotiated.video_nack,
        };
        snprintf(echo_config.cname, sizeof echo_config.cname, "%s", cname);
        p->echo = echo_new(&echo_config);
        if (!p->echo) {
            free(answer_text);
            end_media(p);
            send_error(p, r->id, r->type_name, "sdp_no_common_codec", "nothing to echo in this offer");
            return;
        }
        p->tick = g_timeout_source_new(ECHO_TICK_MS);
        g_source_set_callback(p->tick, on_tick, p, NULL);
        g_source_attach(p->tick, NULL);
    }

    p->agreed = g_new0(struct media_agreement, 1);
    media_agreement_init(p->agreed, &params, &negotiated);
    log_info("participant %s: offer answered (audio %s pt %u, video %s pt %u)", p->id,
             negotiated.has_audio ? "opus" : "none", negotiated.audio_pt,
             negotiated.video_codec == SDP_VIDEO_VP8 ? "VP8"
             : negotiated.video_codec == SDP_VIDEO_H264 ? "H264" : "none",
             negotiated.video_pt);
    send_reply(p, r->id, r->type_name, json_pack("{s:s, s:s}", "type", "answer", "sdp", answer_text));
    free(answer_text);
    send_text(p, protocol_build_media_event("connecting", NULL));
}

static void handle_request(struct participant *p, const struct protocol_request *r)
{
    if (r->type != PROTOCOL_JOIN && r->type != PROTOCOL_KEEPALIVE &&
        p->state != PARTICIPANT_JOINED) {
        send_error(p, r->id, r->type_name, "not_joined", "join a conference first");
        return;
    }
    switch (r->type) {
    case PROTOCOL_JOIN:
        handle_join(p, r);
        break;
    case PROTOCOL_OFFER:
        handle_offer(p, r);
        break;
    case PROTOCOL_CANDIDATE:
        if (!p->media) {
            send_error(p, r->id, r->type_name, "bad_request", "candidate before offer");
            return;
        }
        if (!take_candidate_slot(p)) {
            char message[96];
            snprintf(message, sizeof message, "at most %d candidates per media session",
                     MCU_LIMITS_MAX_REMOTE_CANDIDATES);
            send_error(p, r->id, r->type_name, "too_many_candidates", message);
            return;
        }
        if (media_session_add_remote_candidate(p->media, r->candidate) != 0) {
            send_error(p, r->id, r->type_name, "bad_request", "the candidate cannot be parsed");
            return;
        }
        send_reply(p, r->id, r->type_name, json_object());
        break;
    case PROTOCOL_END_OF_CANDIDATES:
        if (p->media) media_session_remote_candidates_done(p->media);
        send_reply(p, r->id, r->type_name, json_object());
        break;
    case PROTOCOL_MUTE:
        handle_mute(p, r);
        break;
    case PROTOCOL_VIDEO_QUALITY:
        if (!p->member) {
            send_error(p, r->id, r->type_name, "bad_request", "video_quality is for mixing conferences");
            break;
        }
        conference_member_set_video_quality(p->mix, p->member,
            strcmp(r->video_quality, "low") == 0 ? CONFERENCE_QUALITY_LOW
            : strcmp(r->video_quality, "high") == 0 ? CONFERENCE_QUALITY_HIGH : CONFERENCE_QUALITY_AUTO);
        log_info("participant %s: video quality %s", p->id, r->video_quality);
        send_reply(p, r->id, r->type_name, json_pack("{s:s}", "quality", r->video_quality));
        break;
    case PROTOCOL_LEAVE:
        end_media(p);
        leave_mix(p, "left");
        log_info("participant %s '%s' left conference %s", p->id, p->name, p->conference->id);
        p->state = PARTICIPANT_CONNECTED;
        p->conference = NULL;
        send_reply(p, r->id, r->type_name, json_object());
        break;
    case PROTOCOL_KEEPALIVE:
        send_reply(p, r->id, r->type_name, json_object());
        break;
    }
}

/* --- lifetime --------------------------------------------------------------------- */

struct participant *participant_new(struct mcu_server *server, struct ws_connection *connection)
{
    struct participant *p = g_new0(struct participant, 1);
    p->server = server;
    p->connection = connection;
    p->echo_output = g_new0(struct echo_output, 1);
    do {
        snprintf(p->id, sizeof p->id, "p%08x", g_random_int());
    } while (g_hash_table_contains(server->participants, p->id));
    g_hash_table_insert(server->participants, p->id, p);
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
    bool allowed = limits_allow_message(p->server->limits, &p->messages, g_get_monotonic_time(), &retry_ms);
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

void participant_kick(struct participant *p, const char *reason)
{
    if (p->state != PARTICIPANT_JOINED) return;
    send_text(p, protocol_build_bye(reason));
    end_media(p);
    leave_mix(p, reason);
    log_info("participant %s '%s' removed from conference %s: %s", p->id, p->name,
             p->conference->id, reason);
    p->state = PARTICIPANT_CONNECTED;
    p->conference = NULL;
}

size_t participant_count_in(struct mcu_server *server, const struct mcu_conference_config *conference)
{
    size_t count = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, server->participants);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const struct participant *p = value;
        if (p->state == PARTICIPANT_JOINED && p->conference == conference) count++;
    }
    return count;
}

void participant_kick_all_in(struct mcu_server *server, const struct mcu_conference_config *conference,
                             const char *reason)
{
    GPtrArray *list = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, server->participants);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        struct participant *p = value;
        if (p->state == PARTICIPANT_JOINED && p->conference == conference) g_ptr_array_add(list, p);
    }
    for (guint i = 0; i < list->len; i++) participant_kick(list->pdata[i], reason);
    g_ptr_array_free(list, TRUE);
}

const char *participant_id(const struct participant *p) { return p->id; }

void participant_handle_oversized(struct participant *p, size_t length)
{
    char message[128];
    limits_count(p->server->limits, LIMITS_MESSAGE_TOO_LARGE);
    snprintf(message, sizeof message, "the message has %zu bytes; the limit is %d", length,
             PROTOCOL_MAX_MESSAGE);
    send_error(p, NULL, NULL, "message_too_large", message);
}

void participant_free(struct participant *p)
{
    if (!p) return;
    if (p->state == PARTICIPANT_JOINED)
        log_info("participant %s '%s' left conference %s (connection closed)", p->id, p->name,
                 p->conference->id);
    end_media(p);
    leave_mix(p, "connection closed");
    g_hash_table_remove(p->server->participants, p->id);
    g_free(p->echo_output);
    g_free(p->name);
    g_free(p);
}
