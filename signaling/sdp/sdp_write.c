/* sdp_write.c - struct sdp_session to SDP text (sdp_write() in sdp.h).
 *
 * Writes one line per field in a fixed order (session lines, then each m= section:
 * connection, ICE, DTLS, mid, direction, msid, rtcp flags, extmaps, codecs, SSRCs,
 * candidates, then uninterpreted attributes), CRLF line ends. */
#include "signaling/sdp/sdp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
    char *data;
    size_t len, cap;
    bool failed; /* out of memory: the result is dropped */
};

static void append(struct text *t, const char *fmt, ...)
{
    if (t->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n =
            vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if (t->data != NULL && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap : 4096;
        while (cap - t->len <= (size_t)n) cap *= 2;
        char *grown = realloc(t->data, cap);
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
}

static void write_codec(struct text *t, const struct sdp_codec *c)
{
    if (c->name[0] != '\0') {
        append(t, "a=rtpmap:%u %s/%" PRIu32, c->payload_type, c->name, c->clock_rate);
        if (c->channels > 1) append(t, "/%u", c->channels);
        append(t, "\r\n");
    }
    for (size_t i = 0; i < c->rtcp_fb_count; i++)
        append(t, "a=rtcp-fb:%u %s\r\n", c->payload_type, c->rtcp_fb[i]);
    if (c->fmtp[0] != '\0') append(t, "a=fmtp:%u %s\r\n", c->payload_type, c->fmtp);
}

static void write_media(struct text *t, const struct sdp_media *m)
{
    append(t, "m=%s %u %s", m->type_name, m->port, m->proto);
    if (m->codec_count == 0) append(t, " %s", m->formats[0] ? m->formats : "0");
    for (size_t i = 0; i < m->codec_count; i++) append(t, " %u", m->codecs[i].payload_type);
    append(t, "\r\nc=%s\r\n", m->connection[0] ? m->connection : "IN IP4 0.0.0.0");
    if (m->ice_ufrag[0] != '\0') append(t, "a=ice-ufrag:%s\r\n", m->ice_ufrag);
    if (m->ice_pwd[0] != '\0') append(t, "a=ice-pwd:%s\r\n", m->ice_pwd);
    if (m->fingerprint_hash[0] != '\0')
        append(t, "a=fingerprint:%s %s\r\n", m->fingerprint_hash, m->fingerprint);
    if (m->setup != SDP_SETUP_NONE) append(t, "a=setup:%s\r\n", sdp_setup_name(m->setup));
    if (m->mid[0] != '\0') append(t, "a=mid:%s\r\n", m->mid);
    append(t, "a=%s\r\n", sdp_direction_name(m->direction));
    if (m->msid[0] != '\0') append(t, "a=msid:%s\r\n", m->msid);
    if (m->rtcp_mux) append(t, "a=rtcp-mux\r\n");
    if (m->rtcp_rsize) append(t, "a=rtcp-rsize\r\n");
    if (m->bundle_only) append(t, "a=bundle-only\r\n");
    for (size_t i = 0; i < m->extmap_count; i++)
        append(t, "a=extmap:%u %s\r\n", m->extmaps[i].id, m->extmaps[i].uri);
    for (size_t i = 0; i < m->codec_count; i++) write_codec(t, &m->codecs[i]);
    if (m->fid_primary != 0)
        append(t, "a=ssrc-group:FID %" PRIu32 " %" PRIu32 "\r\n", m->fid_primary, m->fid_rtx);
    for (size_t i = 0; i < m->ssrc_count; i++) {
        const struct sdp_ssrc *s = &m->ssrcs[i];
        if (s->cname[0] != '\0') append(t, "a=ssrc:%" PRIu32 " cname:%s\r\n", s->ssrc, s->cname);
        if (s->msid[0] != '\0') append(t, "a=ssrc:%" PRIu32 " msid:%s\r\n", s->ssrc, s->msid);
    }
    for (size_t i = 0; i < m->candidate_count; i++) append(t, "a=%s\r\n", m->candidates[i]);
    if (m->end_of_candidates) append(t, "a=end-of-candidates\r\n");
    for (size_t i = 0; i < m->attribute_count; i++) {
        const struct sdp_attribute *a = &m->attributes[i];
        append(t, "a=%s%s%s\r\n", a->name, a->value[0] ? ":" : "", a->value);
    }
}

char *sdp_write(const struct sdp_session *s)
{
    struct text t = {0};
    append(&t, "v=0\r\no=%s %" PRIu64 " %" PRIu64 " %s\r\ns=%s\r\nt=0 0\r\n",
           s->origin_username[0] ? s->origin_username : "-", s->origin_session_id,
           s->origin_version, s->origin_address[0] ? s->origin_address : "IN IP4 0.0.0.0",
           s->session_name[0] ? s->session_name : "-");
    if (s->bundle_count > 0) {
        append(&t, "a=group:BUNDLE");
        for (size_t i = 0; i < s->bundle_count; i++) append(&t, " %s", s->bundle_mids[i]);
        append(&t, "\r\n");
    }
    if (s->ice_lite) append(&t, "a=ice-lite\r\n");
    if (s->ice_trickle) append(&t, "a=ice-options:trickle\r\n");
    if (s->ice_ufrag[0] != '\0') append(&t, "a=ice-ufrag:%s\r\n", s->ice_ufrag);
    if (s->ice_pwd[0] != '\0') append(&t, "a=ice-pwd:%s\r\n", s->ice_pwd);
    if (s->fingerprint_hash[0] != '\0')
        append(&t, "a=fingerprint:%s %s\r\n", s->fingerprint_hash, s->fingerprint);
    if (s->setup != SDP_SETUP_NONE) append(&t, "a=setup:%s\r\n", sdp_setup_name(s->setup));
    if (s->msid_semantic[0] != '\0') append(&t, "a=msid-semantic: %s\r\n", s->msid_semantic);
    for (size_t i = 0; i < s->attribute_count; i++) {
        const struct sdp_attribute *a = &s->attributes[i];
        append(&t, "a=%s%s%s\r\n", a->name, a->value[0] ? ":" : "", a->value);
    }
    for (size_t i = 0; i < s->media_count; i++) write_media(&t, &s->media[i]);
    if (t.failed || t.data == NULL) {
        free(t.data);
        return NULL;
    }
    return t.data;
}
