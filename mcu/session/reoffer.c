/* reoffer.c - answers a new offer on an established media session, restarting ICE
 * when the peer's ICE credentials changed; see reoffer.h. */
#include "mcu/session/reoffer.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/core/log.h"

void media_agreement_init(struct media_agreement *a, const struct sdp_answer_params *params,
                          const struct sdp_negotiated *negotiated)
{
    a->negotiated = *negotiated;
    a->params = *params;
    snprintf(a->cname, sizeof a->cname, "%s", params->cname ? params->cname : "");
    a->params.cname = a->cname; /* stream_id and fingerprint are static / the server's */
    a->params.candidates = NULL;
    a->params.candidate_count = 0;
    a->params.ice_ufrag = a->params.ice_pwd = NULL;
}

/* NULL when `now` keeps the media of `before`, else what changed. */
static const char *media_change(const struct sdp_negotiated *before,
                                const struct sdp_negotiated *now)
{
    if (strcmp(before->remote_fingerprint, now->remote_fingerprint) != 0 ||
        strcmp(before->remote_fingerprint_hash, now->remote_fingerprint_hash) != 0)
        return "the DTLS fingerprint";
    if (before->local_setup != now->local_setup) return "the DTLS role";
    if (before->has_audio != now->has_audio ||
        (now->has_audio && before->audio_pt != now->audio_pt))
        return "the audio";
    if (before->has_video != now->has_video ||
        (now->has_video &&
         (before->video_codec != now->video_codec || before->video_pt != now->video_pt)))
        return "the video codec";
    return NULL;
}

static enum reoffer_result refuse(const char **code, const char *what, char *err, size_t errlen,
                                  const char *message)
{
    *code = what;
    snprintf(err, errlen, "%s", message);
    return REOFFER_REFUSED;
}

enum reoffer_result reoffer_answer(struct media_agreement *a, struct media_session *media,
                                   const char *sdp, char **answer_text, const char **code,
                                   char *err, size_t errlen)
{
    struct sdp_session *offer = NULL, *answer = NULL;
    struct sdp_negotiated negotiated;
    char message[300];
    *answer_text = NULL;
    enum sdp_error e = sdp_parse(sdp, &offer, err, errlen);
    if (e != SDP_OK) {
        *code = sdp_error_code(e);
        return REOFFER_REFUSED;
    }
    /* First pass: negotiate only (the placeholders are never sent). */
    struct sdp_answer_params params = a->params;
    params.ice_ufrag = "placeholder";
    params.ice_pwd = "placeholderplaceholderpl";
    params.setup = a->negotiated.local_setup; /* an actpass re-offer keeps our role */
    e = sdp_answer_create(offer, &params, &answer, &negotiated, err, errlen);
    sdp_session_free(answer);
    answer = NULL;
    if (e != SDP_OK) {
        sdp_session_free(offer);
        *code = sdp_error_code(e);
        return REOFFER_REFUSED;
    }
    const char *changed = media_change(&a->negotiated, &negotiated);
    if (changed) {
        sdp_session_free(offer);
        snprintf(message, sizeof message,
                 "a new offer may restart ICE but not change %s; "
                 "leave and join again for that",
                 changed);
        return refuse(code, "offer_in_progress", err, errlen, message);
    }

    bool restart = strcmp(a->negotiated.remote_ice_ufrag, negotiated.remote_ice_ufrag) != 0 ||
                   strcmp(a->negotiated.remote_ice_pwd, negotiated.remote_ice_pwd) != 0;
    if (restart &&
        media_session_restart_ice(media, negotiated.remote_ice_ufrag, negotiated.remote_ice_pwd,
                                  message, sizeof message) != 0) {
        sdp_session_free(offer);
        return refuse(code, "media_failed", err, errlen, message);
    }
    if (restart) {
        for (size_t m = 0; m < offer->media_count; m++) {
            const struct sdp_media *section = &offer->media[m];
            for (size_t c = 0; c < section->candidate_count; c++)
                media_session_add_remote_candidate(media, section->candidates[c]);
            if (section->end_of_candidates) media_session_remote_candidates_done(media);
        }
    }

    char **candidates = media_session_local_candidates(media);
    params.ice_ufrag = media_session_local_ufrag(media);
    params.ice_pwd = media_session_local_pwd(media);
    params.setup = a->negotiated.local_setup;
    params.candidates = (const char *const *)candidates;
    params.candidate_count = g_strv_length(candidates);
    params.end_of_candidates = true;
    e = sdp_answer_create(offer, &params, &answer, &negotiated, err, errlen);
    g_strfreev(candidates);
    sdp_session_free(offer);
    if (e == SDP_OK) *answer_text = sdp_write(answer);
    sdp_session_free(answer);
    if (!*answer_text)
        return refuse(code, "internal_error", err, errlen, "could not build the SDP answer");
    a->negotiated = negotiated;
    return restart ? REOFFER_ICE_RESTARTED : REOFFER_ANSWERED;
}
