/* participant_offer.c - the first offer of a participant: negotiated before any socket
 * is opened, then the media session, the answer with its ICE credentials and
 * candidates, and the packets' way into the mixing conference or back through an
 * echo. See participant_internal.h. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/log.h"
#include "mcu/session/participant_internal.h"
#include "mcu/transport/dtls_identity.h"

/* sdp_answer_create() both negotiates and writes the answer, and wants our ICE
 * credentials for the second; they exist only once the media session does, which
 * needs what the negotiation agrees (DTLS role, the peer's credentials). So the offer
 * is negotiated first with these stand-ins (that answer is thrown away), and answered
 * for real once the media session is open. */
#define NEGOTIATION_ICE_UFRAG "placeholder"
#define NEGOTIATION_ICE_PWD   "placeholderplaceholderpl"

/* Our side: fresh SSRCs, the DTLS fingerprint and the conference's codecs, VP8 first. */
static void set_our_side(struct participant *p, struct first_offer *o)
{
    snprintf(o->cname, sizeof o->cname, "hoinghi-%s", p->id);
    struct sdp_answer_params params = {
        .ice_ufrag = NEGOTIATION_ICE_UFRAG,
        .ice_pwd = NEGOTIATION_ICE_PWD,
        .fingerprint_hash = DTLS_IDENTITY_FINGERPRINT_HASH,
        .fingerprint = dtls_identity_fingerprint(p->session->identity),
        .setup = SDP_SETUP_NONE,
        .audio_ssrc = g_random_int() | 1u,
        .video_ssrc = g_random_int() | 1u,
        .cname = o->cname,
        .stream_id = "hoinghi",
        .accept_rtx = p->member != NULL, /* the mix unwraps RTX; the echo forwards as is */
    };
    size_t n_codecs = 0;
    if (CONFERENCE(p)->allow_vp8) params.video_preference[n_codecs++] = SDP_VIDEO_VP8;
    if (CONFERENCE(p)->allow_h264) params.video_preference[n_codecs++] = SDP_VIDEO_H264;
    o->params = params;
}

/* Parses and negotiates the offer (refusing a bad one) before any socket is opened. */
static int negotiate(struct participant *p, const char *sdp, struct first_offer *o, char *err,
                     size_t errlen)
{
    enum sdp_error e = sdp_parse(sdp, &o->offer, err, errlen);
    struct sdp_session *answer = NULL;
    if (e == SDP_OK) {
        set_our_side(p, o);
        e = sdp_answer_create(o->offer, &o->params, &answer, &o->negotiated, err, errlen);
        sdp_session_free(answer);
    }
    if (e == SDP_OK) return 0;
    o->code = sdp_error_code(e);
    return -1;
}

/* The media session the negotiation agreed, with the offer's own candidates. */
static int open_media(struct participant *p, struct first_offer *o, char *err, size_t errlen)
{
    const struct sdp_negotiated *n = &o->negotiated;
    struct media_session_config config = {
        .context = NULL,
        .identity = p->session->identity,
        .ice_addresses = p->session->ice_addresses,
        .public_address = p->session->config->public_address,
        .dtls_role = n->local_setup == SDP_SETUP_ACTIVE ? DTLS_ROLE_CLIENT : DTLS_ROLE_SERVER,
        .remote_ice_ufrag = n->remote_ice_ufrag,
        .remote_ice_pwd = n->remote_ice_pwd,
        .remote_fingerprint_hash = n->remote_fingerprint_hash,
        .remote_fingerprint = n->remote_fingerprint,
    };
    struct media_session_events events = {
        .state_changed = participant_on_media_state,
        .rtp = participant_on_media_rtp,
        .rtcp = participant_on_media_rtcp,
    };
    p->media = media_session_new(&config, &events, p, err, errlen);
    if (!p->media) {
        log_warn("participant %s: media session failed: %s", p->id, err);
        o->code = "media_failed";
        return -1;
    }
    p->remote_candidates = 0;
    for (size_t m = 0; m < o->offer->media_count; m++) {
        const struct sdp_media *media = &o->offer->media[m];
        for (size_t c = 0; c < media->candidate_count; c++)
            participant_add_remote_candidate(p, media->candidates[c]); /* refused ones: ignored */
        if (media->end_of_candidates) media_session_remote_candidates_done(p->media);
    }
    return 0;
}

/* The real answer: the media session's ICE credentials and candidates. NULL when it
 * cannot be built. */
static char *write_answer(struct participant *p, struct first_offer *o, char *err, size_t errlen)
{
    char **candidates = media_session_local_candidates(p->media);
    o->params.ice_ufrag = media_session_local_ufrag(p->media);
    o->params.ice_pwd = media_session_local_pwd(p->media);
    o->params.setup = o->negotiated.local_setup;
    o->params.candidates = (const char *const *)candidates;
    o->params.candidate_count = g_strv_length(candidates);
    o->params.end_of_candidates = true;
    struct sdp_session *answer = NULL;
    enum sdp_error e =
        sdp_answer_create(o->offer, &o->params, &answer, &o->negotiated, err, errlen);
    o->params.candidates = NULL;
    o->params.candidate_count = 0;
    g_strfreev(candidates);
    char *text = e == SDP_OK ? sdp_write(answer) : NULL;
    sdp_session_free(answer);
    if (!text) {
        o->code = "internal_error";
        snprintf(err, errlen, "could not build the SDP answer");
    }
    return text;
}

/* Where the packets go: into the mixing conference, or back through an echo. */
static int connect_media(struct participant *p, struct first_offer *o, char *err, size_t errlen)
{
    const struct sdp_negotiated *n = &o->negotiated;
    o->code = "sdp_no_common_codec";
    if (p->member) {
        struct conference_media_config media = {
            .media = p->media,
            .audio_codec = n->has_audio ? MEDIA_CODEC_OPUS : MEDIA_CODEC_NONE,
            .audio_pt = n->audio_pt,
            .audio_level_ext_id = (uint8_t)n->audio_level_ext_id,
            .video_codec = !n->has_video                      ? MEDIA_CODEC_NONE
                           : n->video_codec == SDP_VIDEO_H264 ? MEDIA_CODEC_H264
                                                              : MEDIA_CODEC_VP8,
            .video_pt = n->video_pt,
            .video_rtx_pt = n->video_rtx_pt,
            .audio_out_ssrc = o->params.audio_ssrc,
            .video_out_ssrc = o->params.video_ssrc,
            .audio_in_ssrc = n->audio_remote_ssrc,
            .video_in_ssrc = n->video_remote_ssrc,
            .video_nack = n->video_nack,
            .cname = o->cname,
            .transport_cc_ext_id = (uint8_t)n->transport_cc_ext_id,
        };
        if (conference_attach_media(p->mix, p->member, &media) == 0) return 0;
        snprintf(err, errlen, "the conference does not send the video codec this offer chose");
        return -1;
    }
    struct echo_config echo_config = {
        .audio_pt = n->has_audio ? n->audio_pt : 0,
        .video_pt = n->has_video ? n->video_pt : 0,
        .audio_out_ssrc = o->params.audio_ssrc,
        .video_out_ssrc = o->params.video_ssrc,
        .audio_in_ssrc_hint = n->audio_remote_ssrc,
        .video_in_ssrc_hint = n->video_remote_ssrc,
        .video_nack = n->video_nack,
        .transport_cc_ext_id = (uint8_t)n->transport_cc_ext_id,
    };
    snprintf(echo_config.cname, sizeof echo_config.cname, "%s", o->cname);
    p->echo = echo_new(&echo_config);
    if (!p->echo) {
        snprintf(err, errlen, "nothing to echo in this offer");
        return -1;
    }
    p->tick = g_timeout_source_new(ECHO_TICK_MS);
    g_source_set_callback(p->tick, participant_echo_tick, p, NULL);
    g_source_attach(p->tick, NULL);
    return 0;
}

/* The first offer: negotiated, then the media session opened, answered and connected
 * to the conference, in that order; each step fails with its own code and message.
 * Returns the answer's text, or NULL (no media left) with o->code and err. */
char *participant_answer_first_offer(struct participant *p, const char *sdp, struct first_offer *o,
                                     char *err, size_t errlen)
{
    char *answer = NULL;
    if (negotiate(p, sdp, o, err, errlen) == 0 && open_media(p, o, err, errlen) == 0 &&
        (answer = write_answer(p, o, err, errlen)) != NULL &&
        connect_media(p, o, err, errlen) != 0) {
        free(answer);
        answer = NULL;
    }
    sdp_session_free(o->offer);
    o->offer = NULL;
    if (!answer) {
        participant_end_media(p);
        return NULL;
    }
    p->agreed = g_new0(struct media_agreement, 1);
    media_agreement_init(p->agreed, &o->params, &o->negotiated);
    return answer;
}
