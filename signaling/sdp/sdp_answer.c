/* sdp_answer.c - the MCU's answer to a WebRTC offer (sdp_answer_create() in sdp.h).
 *
 * Steps: check the caller's parameters; check that the offer's live sections carry
 * ICE credentials and a DTLS fingerprint; pick Opus for the first audio section and
 * the preferred video codec for the first video section; require that those
 * sections are in the offer's BUNDLE group and use rtcp-mux; then build the answer
 * section by section (refused ones get port 0) and fill struct sdp_negotiated.
 * The rules are spelled out for people in docs/protocol.md ("SDP answer"). */
#include "signaling/sdp/sdp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signaling/sdp/signaling_error.h"

#define URI_AUDIO_LEVEL   "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
#define URI_MID           "urn:ietf:params:rtp-hdrext:sdes:mid"
#define URI_ABS_SEND_TIME "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define URI_TRANSPORT_CC  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

#define OPUS_ANSWER_FMTP "minptime=10;useinbandfec=1"

static enum sdp_error fail(enum sdp_error e, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    signaling_error_vset(err, errlen, fmt, ap);
    va_end(ap);
    return e;
}

/* A section is live when it takes part in the session: a port, or bundle-only. */
static bool media_is_live(const struct sdp_media *m) { return m->port != 0 || m->bundle_only; }

static bool media_is_rtp(const struct sdp_media *m)
{
    return strstr(m->proto, "RTP/SAVPF") != NULL;
}

static const char *media_ice_ufrag(const struct sdp_session *o, const struct sdp_media *m)
{
    return m->ice_ufrag[0] ? m->ice_ufrag : o->ice_ufrag;
}

static const char *media_ice_pwd(const struct sdp_session *o, const struct sdp_media *m)
{
    return m->ice_pwd[0] ? m->ice_pwd : o->ice_pwd;
}

static enum sdp_setup media_setup(const struct sdp_session *o, const struct sdp_media *m)
{
    return m->setup != SDP_SETUP_NONE ? m->setup : o->setup;
}

static bool has_rtcp_fb(const struct sdp_codec *c, const char *fb)
{
    for (size_t i = 0; i < c->rtcp_fb_count; i++)
        if (strcmp(c->rtcp_fb[i], fb) == 0) return true;
    return false;
}

/* Value of `key` in an fmtp "k=v;k=v" list, copied into out; false if absent.
 * Spaces and tabs around keys and values are not part of them. */
static bool fmtp_value(const char *fmtp, const char *key, char *out, size_t cap)
{
    size_t keylen = strlen(key);
    const char *p = fmtp;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ';') p++;
        const char *end = strchr(p, ';');
        if (!end) end = p + strlen(p);
        const char *v = (size_t)(end - p) > keylen ? p + keylen : end;
        while (v < end && (*v == ' ' || *v == '\t')) v++;
        if (v < end && *v == '=' && strncasecmp(p, key, keylen) == 0) {
            v++;
            while (v < end && (*v == ' ' || *v == '\t')) v++;
            const char *vend = end;
            while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) vend--;
            size_t vlen = (size_t)(vend - v);
            if (vlen >= cap) return false;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

/* H.264 we decode: packetization-mode=1 and profile_idc 0x42 (baseline) with the
 * reserved low bits of profile-iop clear: 42e0xx, 42c0xx (constrained baseline) and
 * 4200xx (baseline, of which constrained baseline is the part WebRTC peers send);
 * or 0x4d (Main) or 0x64 (High, 8-bit 4:2:0; room systems send it, B-frames
 * included) with profile-iop's two reserved bits clear: 4d00xx, 4d40xx, 6400xx,
 * 640cxx, ... No profile-level-id means 420010 (RFC 6184 section 8.1). */
static bool h264_usable(const struct sdp_codec *c, char *profile_level_id, size_t cap)
{
    char mode[8] = "";
    if (!fmtp_value(c->fmtp, "packetization-mode", mode, sizeof mode) || strcmp(mode, "1") != 0)
        return false;
    char plid[16] = "";
    if (!fmtp_value(c->fmtp, "profile-level-id", plid, sizeof plid)) {
        profile_level_id[0] = '\0';
        return true;
    }
    if (strlen(plid) != 6 || strspn(plid, "0123456789abcdefABCDEF") != 6) return false;
    unsigned long v = strtoul(plid, NULL, 16);
    unsigned idc = (unsigned)(v >> 16) & 0xff, iop = (unsigned)(v >> 8) & 0xff;
    bool baseline = idc == 0x42 && (iop & 0x0f) == 0;
    bool main_or_high = (idc == 0x4d || idc == 0x64) && (iop & 0x03) == 0;
    if (!baseline && !main_or_high) return false;
    snprintf(profile_level_id, cap, "%s", plid);
    return true;
}

static const struct sdp_codec *find_opus(const struct sdp_media *m)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (strcasecmp(m->codecs[i].name, "opus") == 0 && m->codecs[i].clock_rate == 48000)
            return &m->codecs[i];
    return NULL;
}

static const struct sdp_codec *find_video(const struct sdp_media *m, enum sdp_video_codec want,
                                          char *profile_level_id, size_t cap)
{
    for (size_t i = 0; i < m->codec_count; i++) {
        const struct sdp_codec *c = &m->codecs[i];
        if (c->clock_rate != 90000) continue;
        if (want == SDP_VIDEO_VP8 && strcasecmp(c->name, "VP8") == 0) return c;
        if (want == SDP_VIDEO_H264 && strcasecmp(c->name, "H264") == 0 &&
            h264_usable(c, profile_level_id, cap))
            return c;
    }
    return NULL;
}

/* What was chosen for one offered section. */
struct choice {
    const struct sdp_codec *codec; /* NULL: section refused */
    enum sdp_video_codec video_codec;
    char profile_level_id[16];
};

static void choose_codecs(const struct sdp_session *offer, const struct sdp_answer_params *params,
                          struct choice *choices)
{
    bool have_audio = false, have_video = false;
    for (size_t i = 0; i < offer->media_count; i++) {
        const struct sdp_media *m = &offer->media[i];
        struct choice *ch = &choices[i];
        memset(ch, 0, sizeof *ch);
        if (!media_is_live(m) || !media_is_rtp(m)) continue;
        if (m->type == SDP_MEDIA_AUDIO && !have_audio) {
            ch->codec = find_opus(m);
            have_audio = ch->codec != NULL;
        } else if (m->type == SDP_MEDIA_VIDEO && !have_video) {
            for (size_t k = 0; k < 2 && ch->codec == NULL; k++) {
                enum sdp_video_codec want = params->video_preference[k];
                if (want == SDP_VIDEO_NONE) break;
                ch->codec = find_video(m, want, ch->profile_level_id, sizeof ch->profile_level_id);
                ch->video_codec = ch->codec ? want : SDP_VIDEO_NONE;
            }
            have_video = ch->codec != NULL;
        }
    }
}

/* Parameters come from the daemon; a bad one is a bug there, reported as syntax. */
static bool text_ok(const char *s, size_t cap)
{
    if (s == NULL || s[0] == '\0' || strlen(s) >= cap) return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == ' ') return false;
    return true;
}

#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)

static enum sdp_error check_params(const struct sdp_answer_params *p, char *err, size_t errlen)
{
    if (!text_ok(p->ice_ufrag, FIELD_SIZE(struct sdp_media, ice_ufrag)) ||
        !text_ok(p->ice_pwd, FIELD_SIZE(struct sdp_media, ice_pwd)))
        return fail(SDP_ERROR_SYNTAX, err, errlen, "answer parameters: bad ICE ufrag/pwd");
    if (!text_ok(p->fingerprint_hash, FIELD_SIZE(struct sdp_media, fingerprint_hash)) ||
        !text_ok(p->fingerprint, FIELD_SIZE(struct sdp_media, fingerprint)))
        return fail(SDP_ERROR_SYNTAX, err, errlen, "answer parameters: bad fingerprint");
    /* the stream id appears twice in an msid ("stream stream-video"): at most 56 bytes */
    if (!text_ok(p->cname, FIELD_SIZE(struct sdp_ssrc, cname)) || !text_ok(p->stream_id, 57))
        return fail(SDP_ERROR_SYNTAX, err, errlen, "answer parameters: bad cname/stream_id");
    if (p->candidate_count > 0 && p->candidates == NULL)
        return fail(SDP_ERROR_SYNTAX, err, errlen, "answer parameters: candidates missing");
    for (size_t i = 0; i < p->candidate_count; i++) {
        const char *c = p->candidates[i];
        if (c == NULL || strncmp(c, "candidate:", 10) != 0 ||
            strlen(c) >= FIELD_SIZE(struct sdp_media, candidates[0]) || strpbrk(c, "\r\n") != NULL)
            return fail(SDP_ERROR_SYNTAX, err, errlen, "answer parameters: bad candidate %zu", i);
    }
    return SDP_OK;
}

/* Transport checks on every live section, then the BUNDLE/rtcp-mux checks on the
 * sections we accept. */
static enum sdp_error check_offer(const struct sdp_session *offer, const struct choice *choices,
                                  char *err, size_t errlen)
{
    size_t live = 0, accepted = 0;
    for (size_t i = 0; i < offer->media_count; i++) {
        const struct sdp_media *m = &offer->media[i];
        if (!media_is_live(m)) continue;
        live++;
        if (media_ice_ufrag(offer, m)[0] == '\0' || media_ice_pwd(offer, m)[0] == '\0')
            return fail(SDP_ERROR_NO_ICE, err, errlen, "m-section %zu has no ICE ufrag/pwd", i);
        if (m->fingerprint_hash[0] == '\0' && offer->fingerprint_hash[0] == '\0')
            return fail(SDP_ERROR_NO_FINGERPRINT, err, errlen,
                        "m-section %zu has no DTLS fingerprint", i);
    }
    if (live == 0) return fail(SDP_ERROR_NO_CODEC, err, errlen, "the offer has no active media");
    for (size_t i = 0; i < offer->media_count; i++) {
        const struct sdp_media *m = &offer->media[i];
        if (choices[i].codec == NULL) continue;
        accepted++;
        bool bundled = false;
        for (size_t k = 0; k < offer->bundle_count && m->mid[0]; k++)
            bundled = bundled || strcmp(offer->bundle_mids[k], m->mid) == 0;
        if (!bundled)
            return fail(SDP_ERROR_NO_BUNDLE, err, errlen,
                        "m-section %zu (mid \"%s\") is not in an a=group:BUNDLE", i, m->mid);
        if (!m->rtcp_mux)
            return fail(SDP_ERROR_NO_RTCP_MUX, err, errlen, "m-section %zu has no a=rtcp-mux", i);
    }
    if (accepted == 0)
        return fail(SDP_ERROR_NO_CODEC, err, errlen,
                    "nothing in the offer can be decoded (Opus, VP8, H.264 packetization-mode=1 "
                    "constrained baseline)");
    return SDP_OK;
}

/* RFC 8842 section 5: the answerer takes the role the offer leaves it. */
static enum sdp_setup answer_setup(enum sdp_setup offered, enum sdp_setup wanted)
{
    switch (offered) {
    case SDP_SETUP_ACTPASS:
        return wanted == SDP_SETUP_ACTIVE ? SDP_SETUP_ACTIVE : SDP_SETUP_PASSIVE;
    case SDP_SETUP_PASSIVE: return SDP_SETUP_ACTIVE;
    case SDP_SETUP_ACTIVE:
    case SDP_SETUP_NONE: /* RFC 4145: no a=setup in an offer means active */ break;
    }
    return SDP_SETUP_PASSIVE;
}

static void keep_extmaps(const struct sdp_media *offered, struct sdp_media *answer)
{
    static const char *const kept[] = {URI_AUDIO_LEVEL, URI_MID, URI_ABS_SEND_TIME,
                                       URI_TRANSPORT_CC};
    for (size_t i = 0; i < offered->extmap_count; i++)
        for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
            if (strcmp(offered->extmaps[i].uri, kept[k]) == 0)
                answer->extmaps[answer->extmap_count++] = offered->extmaps[i];
}

static uint16_t extmap_id(const struct sdp_media *m, const char *uri)
{
    for (size_t i = 0; i < m->extmap_count; i++)
        if (strcmp(m->extmaps[i].uri, uri) == 0) return m->extmaps[i].id;
    return 0;
}

static void copy_feedback(const struct sdp_codec *offered, struct sdp_codec *answer,
                          const char *const *allowed, size_t allowed_count)
{
    for (size_t k = 0; k < allowed_count; k++)
        if (has_rtcp_fb(offered, allowed[k]))
            snprintf(answer->rtcp_fb[answer->rtcp_fb_count++], sizeof answer->rtcp_fb[0], "%s",
                     allowed[k]);
}

/* The answer codec: the offer's payload type and name, our parameters. Called after
 * keep_extmaps(): transport-cc feedback is answered only where its header extension
 * is (without the sequence numbers there is nothing to give feedback on). */
static void answer_codec(const struct choice *ch, struct sdp_media *a)
{
    static const char *const transport_cc[] = {"transport-cc"};
    static const char *const video_fb[] = {"nack", "nack pli", "ccm fir", "goog-remb"};
    bool twcc = extmap_id(a, URI_TRANSPORT_CC) != 0;
    const struct sdp_codec *o = ch->codec;
    struct sdp_codec *c = &a->codecs[0];
    a->codec_count = 1;
    c->payload_type = o->payload_type;
    snprintf(c->name, sizeof c->name, "%s", o->name);
    c->clock_rate = o->clock_rate;
    if (a->type == SDP_MEDIA_AUDIO) {
        c->channels = 2;
        snprintf(c->fmtp, sizeof c->fmtp, "%s", OPUS_ANSWER_FMTP);
        if (twcc) copy_feedback(o, c, transport_cc, 1);
        return;
    }
    if (ch->video_codec == SDP_VIDEO_H264) {
        if (ch->profile_level_id[0] != '\0')
            snprintf(c->fmtp, sizeof c->fmtp,
                     "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=%s",
                     ch->profile_level_id);
        else
            snprintf(c->fmtp, sizeof c->fmtp, "level-asymmetry-allowed=1;packetization-mode=1");
    }
    copy_feedback(o, c, video_fb, sizeof video_fb / sizeof video_fb[0]);
    if (twcc) copy_feedback(o, c, transport_cc, 1);
}

/* The offer's rtx codec for the answered video codec ("a=fmtp:R apt=P", perhaps with
 * ";rtx-time=..." after it), or NULL. */
static const struct sdp_codec *offered_rtx(const struct sdp_media *o, uint8_t primary_pt)
{
    char apt[16];
    int n = snprintf(apt, sizeof apt, "apt=%u", primary_pt);
    for (size_t i = 0; i < o->codec_count; i++) {
        const struct sdp_codec *c = &o->codecs[i];
        if (strcasecmp(c->name, "rtx") == 0 && c->clock_rate == 90000 &&
            strncmp(c->fmtp, apt, (size_t)n) == 0 && (c->fmtp[n] == '\0' || c->fmtp[n] == ';'))
            return c;
    }
    return NULL;
}

/* RFC 4588: rtx for the answered video codec, when the offer has it. */
static void answer_rtx(const struct sdp_media *o, struct sdp_media *a)
{
    const struct sdp_codec *r = offered_rtx(o, a->codecs[0].payload_type);
    if (!r || a->codec_count >= SDP_MAX_CODECS) return;
    struct sdp_codec *c = &a->codecs[a->codec_count++];
    memset(c, 0, sizeof *c);
    c->payload_type = r->payload_type;
    snprintf(c->name, sizeof c->name, "%s", r->name);
    c->clock_rate = 90000;
    snprintf(c->fmtp, sizeof c->fmtp, "apt=%u", a->codecs[0].payload_type);
}

/* Our connection data: the first UDP candidate's address and port, else the
 * JSEP placeholder 0.0.0.0:9. */
static void default_address(const struct sdp_answer_params *p, uint16_t *port, char *conn,
                            size_t cap)
{
    *port = 9;
    snprintf(conn, cap, "IN IP4 0.0.0.0");
    for (size_t i = 0; i < p->candidate_count; i++) {
        char foundation[64], transport[8], address[48];
        unsigned component = 0, port_value = 0;
        unsigned long priority = 0;
        if (sscanf(p->candidates[i], "candidate:%63s %u %7s %lu %47s %u", foundation, &component,
                   transport, &priority, address, &port_value) != 6)
            continue;
        if (strcasecmp(transport, "udp") != 0 || port_value == 0 || port_value > 65535) continue;
        *port = (uint16_t)port_value;
        snprintf(conn, cap, "IN %s %s", strchr(address, ':') ? "IP6" : "IP4", address);
        return;
    }
}

static void refuse_media(const struct sdp_media *o, struct sdp_media *a)
{
    a->type = o->type;
    memcpy(a->type_name, o->type_name, sizeof a->type_name);
    memcpy(a->proto, o->proto, sizeof a->proto);
    memcpy(a->formats, o->formats, sizeof a->formats);
    memcpy(a->mid, o->mid, sizeof a->mid);
    a->port = 0;
    a->direction = SDP_INACTIVE;
    if (o->codec_count > 0) {
        a->codec_count = 1;
        a->codecs[0].payload_type = o->codecs[0].payload_type;
        memcpy(a->codecs[0].name, o->codecs[0].name, sizeof a->codecs[0].name);
        a->codecs[0].clock_rate = o->codecs[0].clock_rate;
        a->codecs[0].channels = o->codecs[0].channels;
    }
}

static void accept_media(const struct sdp_session *offer, size_t index, const struct choice *ch,
                         const struct sdp_answer_params *p, enum sdp_setup setup, bool first,
                         struct sdp_media *a)
{
    const struct sdp_media *o = &offer->media[index];
    bool audio = o->type == SDP_MEDIA_AUDIO;
    a->type = o->type;
    memcpy(a->type_name, o->type_name, sizeof a->type_name);
    memcpy(a->proto, o->proto, sizeof a->proto);
    memcpy(a->mid, o->mid, sizeof a->mid);
    default_address(p, &a->port, a->connection, sizeof a->connection);
    a->direction = sdp_direction_reverse(o->direction);
    a->rtcp_mux = true;
    a->rtcp_rsize = o->rtcp_rsize;
    snprintf(a->ice_ufrag, sizeof a->ice_ufrag, "%s", p->ice_ufrag);
    snprintf(a->ice_pwd, sizeof a->ice_pwd, "%s", p->ice_pwd);
    snprintf(a->fingerprint_hash, sizeof a->fingerprint_hash, "%s", p->fingerprint_hash);
    snprintf(a->fingerprint, sizeof a->fingerprint, "%s", p->fingerprint);
    a->setup = setup;
    keep_extmaps(o, a);
    answer_codec(ch, a);
    if (!audio && p->accept_rtx) answer_rtx(o, a);

    uint32_t ssrc = audio ? p->audio_ssrc : p->video_ssrc;
    bool sending = a->direction == SDP_SENDRECV || a->direction == SDP_SENDONLY;
    if (sending) {
        char track_msid[FIELD_SIZE(struct sdp_ssrc, msid)];
        snprintf(track_msid, sizeof track_msid, "%s %s-%s", p->stream_id, p->stream_id,
                 audio ? "audio" : "video");
        snprintf(a->msid, sizeof a->msid, "%s", track_msid);
        if (ssrc != 0) {
            a->ssrc_count = 1;
            a->ssrcs[0].ssrc = ssrc;
            snprintf(a->ssrcs[0].cname, sizeof a->ssrcs[0].cname, "%s", p->cname);
            snprintf(a->ssrcs[0].msid, sizeof a->ssrcs[0].msid, "%s", track_msid);
        }
    }
    if (first) {
        for (size_t i = 0; i < p->candidate_count && i < SDP_MAX_CANDIDATES; i++)
            snprintf(a->candidates[a->candidate_count++], sizeof a->candidates[0], "%s",
                     p->candidates[i]);
        a->end_of_candidates = p->end_of_candidates;
    }
}

static uint32_t remote_ssrc(const struct sdp_media *m)
{
    if (m->fid_primary != 0) return m->fid_primary;
    return m->ssrc_count > 0 ? m->ssrcs[0].ssrc : 0;
}

static void fill_negotiated(const struct sdp_session *offer, const struct sdp_session *answer,
                            const struct choice *choices, enum sdp_setup local_setup,
                            struct sdp_negotiated *n)
{
    memset(n, 0, sizeof *n);
    n->local_setup = local_setup;
    for (size_t i = 0; i < offer->media_count; i++) {
        const struct sdp_media *o = &offer->media[i];
        const struct sdp_media *a = &answer->media[i];
        if (choices[i].codec == NULL) continue;
        if (n->remote_ice_ufrag[0] == '\0') { /* the first accepted section */
            snprintf(n->remote_ice_ufrag, sizeof n->remote_ice_ufrag, "%s",
                     media_ice_ufrag(offer, o));
            snprintf(n->remote_ice_pwd, sizeof n->remote_ice_pwd, "%s", media_ice_pwd(offer, o));
            bool own = o->fingerprint_hash[0] != '\0';
            snprintf(n->remote_fingerprint_hash, sizeof n->remote_fingerprint_hash, "%s",
                     own ? o->fingerprint_hash : offer->fingerprint_hash);
            snprintf(n->remote_fingerprint, sizeof n->remote_fingerprint, "%s",
                     own ? o->fingerprint : offer->fingerprint);
            n->remote_setup = media_setup(offer, o);
        }
        if (n->mid_ext_id == 0) n->mid_ext_id = extmap_id(a, URI_MID);
        if (n->abs_send_time_ext_id == 0) n->abs_send_time_ext_id = extmap_id(a, URI_ABS_SEND_TIME);
        if (n->transport_cc_ext_id == 0) n->transport_cc_ext_id = extmap_id(a, URI_TRANSPORT_CC);
        if (o->type == SDP_MEDIA_AUDIO) {
            n->has_audio = true;
            memcpy(n->audio_mid, o->mid, sizeof n->audio_mid);
            n->audio_pt = choices[i].codec->payload_type;
            n->audio_remote_ssrc = remote_ssrc(o);
            n->audio_level_ext_id = extmap_id(a, URI_AUDIO_LEVEL);
        } else {
            const struct sdp_codec *c = &a->codecs[0];
            n->has_video = true;
            memcpy(n->video_mid, o->mid, sizeof n->video_mid);
            n->video_codec = choices[i].video_codec;
            n->video_pt = c->payload_type;
            n->video_rtx_pt = a->codec_count > 1 ? a->codecs[1].payload_type : 0;
            n->video_remote_ssrc = remote_ssrc(o);
            n->video_remote_rtx_ssrc = o->fid_rtx;
            n->video_nack = has_rtcp_fb(c, "nack");
            n->video_pli = has_rtcp_fb(c, "nack pli");
            n->video_fir = has_rtcp_fb(c, "ccm fir");
            n->video_remb = has_rtcp_fb(c, "goog-remb");
            n->video_transport_cc = has_rtcp_fb(c, "transport-cc");
        }
    }
}

enum sdp_error sdp_answer_create(const struct sdp_session *offer,
                                 const struct sdp_answer_params *params,
                                 struct sdp_session **answer, struct sdp_negotiated *negotiated,
                                 char *err, size_t errlen)
{
    *answer = NULL;
    if (err != NULL && errlen > 0) err[0] = '\0';
    enum sdp_error rc = check_params(params, err, errlen);
    if (rc != SDP_OK) return rc;
    struct choice choices[SDP_MAX_MEDIA];
    choose_codecs(offer, params, choices);
    rc = check_offer(offer, choices, err, errlen);
    if (rc != SDP_OK) return rc;

    struct sdp_session *a = calloc(1, sizeof *a);
    if (a == NULL) return fail(SDP_ERROR_SYNTAX, err, errlen, "out of memory");
    enum sdp_setup offered_setup = SDP_SETUP_NONE;
    for (size_t i = 0; i < offer->media_count && offered_setup == SDP_SETUP_NONE; i++)
        if (choices[i].codec != NULL) offered_setup = media_setup(offer, &offer->media[i]);
    enum sdp_setup setup = answer_setup(offered_setup, params->setup);

    snprintf(a->origin_username, sizeof a->origin_username, "hoinghi");
    a->origin_session_id =
        offer->origin_session_id ^ 0x686f696e6768ULL; /* differs from the offer's */
    a->origin_version = 1;
    snprintf(a->origin_address, sizeof a->origin_address, "IN IP4 0.0.0.0");
    snprintf(a->session_name, sizeof a->session_name, "-");
    a->ice_trickle = true;
    snprintf(a->msid_semantic, sizeof a->msid_semantic, "WMS %s", params->stream_id);
    a->media_count = offer->media_count;
    bool first = true;
    for (size_t i = 0; i < offer->media_count; i++) {
        if (choices[i].codec == NULL) {
            refuse_media(&offer->media[i], &a->media[i]);
            continue;
        }
        accept_media(offer, i, &choices[i], params, setup, first, &a->media[i]);
        first = false;
        memcpy(a->bundle_mids[a->bundle_count++], offer->media[i].mid, sizeof a->bundle_mids[0]);
    }
    if (negotiated != NULL) fill_negotiated(offer, a, choices, setup, negotiated);
    *answer = a;
    return SDP_OK;
}
