/* sdp_parse.c - SDP text to struct sdp_session (sdp_parse() in sdp.h).
 *
 * One pass over a private copy of the text, line by line. Every value is copied into
 * a fixed-size field only after its length is checked; the rules for values and
 * lists that do not fit are written down in sdp.h. Errors name the line. */
#include "signaling/sdp/sdp.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signaling/sdp/signaling_error.h"

struct parser {
    struct sdp_session *session;
    struct sdp_media *media; /* current m= section, NULL at session level */
    bool media_is_rtp;
    bool seen_version;
    bool seen_origin;
    enum sdp_direction session_direction;
    unsigned line;
    char *err;
    size_t errlen;
};

static enum sdp_error fail(struct parser *p, const char *fmt, ...)
{
    if (p->err && p->errlen > 0) {
        int n = snprintf(p->err, p->errlen, "line %u: ", p->line);
        if (n >= 0 && (size_t)n < p->errlen) {
            va_list ap;
            va_start(ap, fmt);
            signaling_error_vset(p->err + n, p->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return SDP_ERROR_SYNTAX;
}

/* Copies a NUL-terminated value into a field of `cap` bytes; false if it does not fit. */
static bool copy_value(char *dst, size_t cap, const char *src)
{
    size_t len = strlen(src);
    if (len >= cap) return false;
    memcpy(dst, src, len + 1);
    return true;
}

/* Next space-separated token of *cursor (NUL-terminated in place), NULL at the end. */
static char *next_token(char **cursor)
{
    char *s = *cursor;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0') {
        *cursor = s;
        return NULL;
    }
    char *start = s;
    while (*s != '\0' && *s != ' ' && *s != '\t') s++;
    if (*s != '\0') *s++ = '\0';
    *cursor = s;
    return start;
}

static char *skip_spaces(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

/* Cuts the spaces and tabs off the end of s (in place). */
static void trim_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
}

/* Strict unsigned decimal: digits only, no sign, value <= max. */
static bool parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    if (s == NULL || !isdigit((unsigned char)s[0])) return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max) return false;
    *out = v;
    return true;
}

static struct sdp_codec *find_codec(struct sdp_media *m, unsigned long long pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return &m->codecs[i];
    return NULL;
}

/* Names of the static payload types a WebRTC peer may list without an rtpmap. */
static void set_static_codec(struct sdp_codec *c)
{
    static const struct {
        uint8_t pt;
        const char *name;
        uint32_t rate;
    } known[] = {
        {0, "PCMU", 8000},
        {8, "PCMA", 8000},
        {9, "G722", 8000},
        {13, "CN", 8000},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (known[i].pt == c->payload_type) {
            snprintf(c->name, sizeof c->name, "%s", known[i].name);
            c->clock_rate = known[i].rate;
            c->channels = 1;
        }
    }
}

static void add_attribute(struct sdp_attribute *list, size_t *count, const char *name,
                          const char *value)
{
    if (*count >= SDP_MAX_ATTRIBUTES) return; /* overflow: ignored (sdp.h) */
    struct sdp_attribute *a = &list[*count];
    if (!copy_value(a->name, sizeof a->name, name) ||
        !copy_value(a->value, sizeof a->value, value ? value : ""))
        return; /* does not fit: ignored */
    (*count)++;
}

static enum sdp_error parse_setup(struct parser *p, const char *value, enum sdp_setup *out)
{
    if (value == NULL) return fail(p, "a=setup needs a value");
    if (strcmp(value, "actpass") == 0)
        *out = SDP_SETUP_ACTPASS;
    else if (strcmp(value, "active") == 0)
        *out = SDP_SETUP_ACTIVE;
    else if (strcmp(value, "passive") == 0)
        *out = SDP_SETUP_PASSIVE;
    else
        return fail(p, "a=setup:%s is not actpass, active or passive", value);
    return SDP_OK;
}

static enum sdp_error parse_fingerprint(struct parser *p, char *value, char *hash, size_t hash_cap,
                                        char *fp, size_t fp_cap)
{
    if (hash[0] != '\0') return SDP_OK; /* first fingerprint wins */
    char *cursor = value ? value : (char *)"";
    char *h = next_token(&cursor);
    char *f = next_token(&cursor);
    if (h == NULL || f == NULL) return fail(p, "a=fingerprint needs a hash function and a value");
    if (!copy_value(hash, hash_cap, h) || !copy_value(fp, fp_cap, f)) {
        hash[0] = '\0';
        return fail(p, "a=fingerprint value too long");
    }
    return SDP_OK;
}

static enum sdp_error parse_ice_value(struct parser *p, const char *name, const char *value,
                                      char *dst, size_t cap)
{
    if (value == NULL || value[0] == '\0') return fail(p, "a=%s needs a value", name);
    if (!copy_value(dst, cap, value)) return fail(p, "a=%s longer than %zu bytes", name, cap - 1);
    return SDP_OK;
}

static void parse_ice_options(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    for (char *t; (t = next_token(&cursor)) != NULL;)
        if (strcmp(t, "trickle") == 0) p->session->ice_trickle = true;
}

static bool parse_direction(const char *name, enum sdp_direction *out)
{
    for (int d = SDP_SENDRECV; d <= SDP_INACTIVE; d++) {
        if (strcmp(name, sdp_direction_name((enum sdp_direction)d)) == 0) {
            *out = (enum sdp_direction)d;
            return true;
        }
    }
    return false;
}

static enum sdp_error parse_group(struct parser *p, const char *name, const char *value)
{
    struct sdp_session *s = p->session;
    char copy[SDP_MAX_GROUP_MIDS * 40];
    if (!copy_value(copy, sizeof copy, value ? value : "")) return fail(p, "a=group line too long");
    char *cursor = copy;
    char *semantics = next_token(&cursor);
    if (semantics == NULL || strcmp(semantics, "BUNDLE") != 0 || s->bundle_count > 0) {
        add_attribute(s->attributes, &s->attribute_count, name, value);
        return SDP_OK;
    }
    for (char *mid; (mid = next_token(&cursor)) != NULL;) {
        if (s->bundle_count >= SDP_MAX_GROUP_MIDS)
            return fail(p, "a=group:BUNDLE lists more than %d mids", SDP_MAX_GROUP_MIDS);
        if (!copy_value(s->bundle_mids[s->bundle_count], sizeof s->bundle_mids[0], mid))
            return fail(p, "a=group:BUNDLE mid longer than %zu bytes",
                        sizeof s->bundle_mids[0] - 1);
        s->bundle_count++;
    }
    return SDP_OK;
}

static enum sdp_error parse_session_attribute(struct parser *p, const char *name, char *value)
{
    struct sdp_session *s = p->session;
    if (strcmp(name, "group") == 0) return parse_group(p, name, value);
    if (strcmp(name, "ice-ufrag") == 0)
        return parse_ice_value(p, name, value, s->ice_ufrag, sizeof s->ice_ufrag);
    if (strcmp(name, "ice-pwd") == 0)
        return parse_ice_value(p, name, value, s->ice_pwd, sizeof s->ice_pwd);
    if (strcmp(name, "ice-lite") == 0) {
        s->ice_lite = true;
        return SDP_OK;
    }
    if (strcmp(name, "ice-options") == 0) {
        parse_ice_options(p, value);
        return SDP_OK;
    }
    if (strcmp(name, "fingerprint") == 0)
        return parse_fingerprint(p, value, s->fingerprint_hash, sizeof s->fingerprint_hash,
                                 s->fingerprint, sizeof s->fingerprint);
    if (strcmp(name, "setup") == 0) return parse_setup(p, value, &s->setup);
    if (strcmp(name, "msid-semantic") == 0) {
        if (!copy_value(s->msid_semantic, sizeof s->msid_semantic,
                        skip_spaces(value ? value : (char *)"")))
            return fail(p, "a=msid-semantic value too long");
        return SDP_OK;
    }
    if (value == NULL && parse_direction(name, &p->session_direction)) return SDP_OK;
    add_attribute(s->attributes, &s->attribute_count, name, value);
    return SDP_OK;
}

/* "PT name/rate[/channels]" */
static enum sdp_error parse_rtpmap(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    char *pt_text = next_token(&cursor);
    char *encoding = next_token(&cursor);
    unsigned long long pt = 0, rate = 0, channels = 0;
    if (pt_text == NULL || encoding == NULL || !parse_number(pt_text, 127, &pt))
        return fail(p, "a=rtpmap needs a payload type and an encoding");
    char *name = strtok_r(encoding, "/", &cursor);
    char *rate_text = strtok_r(NULL, "/", &cursor);
    char *channels_text = strtok_r(NULL, "/", &cursor);
    if (name == NULL || !parse_number(rate_text, UINT32_MAX, &rate))
        return fail(p, "a=rtpmap:%llu needs encoding/clock-rate", pt);
    if (channels_text != NULL && !parse_number(channels_text, 255, &channels))
        return fail(p, "a=rtpmap:%llu has a bad channel count", pt);
    struct sdp_codec *c = find_codec(p->media, pt);
    if (c == NULL) return SDP_OK; /* not on the m= line: ignored */
    if (!copy_value(c->name, sizeof c->name, name))
        return fail(p, "a=rtpmap:%llu encoding name too long", pt);
    c->clock_rate = (uint32_t)rate;
    c->channels = (uint8_t)channels;
    return SDP_OK;
}

/* "PT parameters" (the parameters are kept verbatim) */
static enum sdp_error parse_fmtp(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    char *pt_text = next_token(&cursor);
    unsigned long long pt = 0;
    if (pt_text == NULL || !parse_number(pt_text, 127, &pt))
        return fail(p, "a=fmtp needs a payload type");
    struct sdp_codec *c = find_codec(p->media, pt);
    if (c == NULL) return SDP_OK;
    if (!copy_value(c->fmtp, sizeof c->fmtp, skip_spaces(cursor)))
        return fail(p, "a=fmtp:%llu longer than %zu bytes", pt, sizeof c->fmtp - 1);
    return SDP_OK;
}

static void add_rtcp_fb(struct sdp_codec *c, const char *fb)
{
    for (size_t i = 0; i < c->rtcp_fb_count; i++)
        if (strcmp(c->rtcp_fb[i], fb) == 0) return;
    if (c->rtcp_fb_count < SDP_MAX_RTCP_FB)
        snprintf(c->rtcp_fb[c->rtcp_fb_count++], sizeof c->rtcp_fb[0], "%s", fb);
}

/* "PT|* type [subtype]"; kept as "type subtype" with one space between the words. */
static enum sdp_error parse_rtcp_fb(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    char *pt_text = next_token(&cursor);
    char fb[sizeof p->media->codecs[0].rtcp_fb[0]] = "";
    size_t len = 0;
    for (char *word; (word = next_token(&cursor)) != NULL;) {
        int n = snprintf(fb + len, sizeof fb - len, "%s%s", len ? " " : "", word);
        if (n < 0 || (size_t)n >= sizeof fb - len) return fail(p, "a=rtcp-fb value too long");
        len += (size_t)n;
    }
    if (pt_text == NULL || fb[0] == '\0')
        return fail(p, "a=rtcp-fb needs a payload type and a feedback type");
    if (strcmp(pt_text, "*") == 0) {
        for (size_t i = 0; i < p->media->codec_count; i++) add_rtcp_fb(&p->media->codecs[i], fb);
        return SDP_OK;
    }
    unsigned long long pt = 0;
    if (!parse_number(pt_text, 127, &pt)) return fail(p, "a=rtcp-fb has a bad payload type");
    struct sdp_codec *c = find_codec(p->media, pt);
    if (c != NULL) add_rtcp_fb(c, fb);
    return SDP_OK;
}

/* "id[/direction] uri [extension attributes]"; direction and attributes are dropped. */
static enum sdp_error parse_extmap(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    char *id_text = next_token(&cursor);
    char *uri = next_token(&cursor);
    if (id_text == NULL || uri == NULL) return fail(p, "a=extmap needs an id and a URI");
    char *slash = strchr(id_text, '/');
    if (slash != NULL) *slash = '\0';
    unsigned long long id = 0;
    if (!parse_number(id_text, 4095, &id) || id == 0) return fail(p, "a=extmap id must be 1..4095");
    struct sdp_media *m = p->media;
    if (m->extmap_count >= SDP_MAX_EXTMAPS) return SDP_OK;
    struct sdp_extmap *e = &m->extmaps[m->extmap_count];
    if (!copy_value(e->uri, sizeof e->uri, uri))
        return fail(p, "a=extmap URI longer than %zu bytes", sizeof e->uri - 1);
    e->id = (uint16_t)id;
    m->extmap_count++;
    return SDP_OK;
}

/* "ssrc attribute[:value]"; cname and msid are kept. */
static enum sdp_error parse_ssrc(struct parser *p, char *value)
{
    char *cursor = value ? value : (char *)"";
    char *ssrc_text = next_token(&cursor);
    char *attr = skip_spaces(cursor);
    unsigned long long ssrc = 0;
    if (ssrc_text == NULL || !parse_number(ssrc_text, UINT32_MAX, &ssrc))
        return fail(p, "a=ssrc needs a 32-bit SSRC");
    struct sdp_media *m = p->media;
    struct sdp_ssrc *entry = NULL;
    for (size_t i = 0; i < m->ssrc_count && entry == NULL; i++)
        if (m->ssrcs[i].ssrc == ssrc) entry = &m->ssrcs[i];
    if (entry == NULL) {
        if (m->ssrc_count >= SDP_MAX_SSRCS) return SDP_OK;
        entry = &m->ssrcs[m->ssrc_count++];
        entry->ssrc = (uint32_t)ssrc;
    }
    char *colon = strchr(attr, ':');
    if (colon == NULL) return SDP_OK;
    *colon = '\0';
    const char *attr_value = colon + 1;
    if (strcmp(attr, "cname") == 0 && !copy_value(entry->cname, sizeof entry->cname, attr_value))
        return fail(p, "a=ssrc cname longer than %zu bytes", sizeof entry->cname - 1);
    if (strcmp(attr, "msid") == 0 && !copy_value(entry->msid, sizeof entry->msid, attr_value))
        return fail(p, "a=ssrc msid longer than %zu bytes", sizeof entry->msid - 1);
    return SDP_OK;
}

static enum sdp_error parse_ssrc_group(struct parser *p, const char *name, char *value)
{
    struct sdp_media *m = p->media;
    char copy[256];
    if (!copy_value(copy, sizeof copy, value ? value : "")) return fail(p, "a=ssrc-group too long");
    char *cursor = copy;
    char *semantics = next_token(&cursor);
    if (semantics == NULL || strcmp(semantics, "FID") != 0 || m->fid_primary != 0) {
        add_attribute(m->attributes, &m->attribute_count, name, value);
        return SDP_OK;
    }
    unsigned long long primary = 0, rtx = 0;
    if (!parse_number(next_token(&cursor), UINT32_MAX, &primary) ||
        !parse_number(next_token(&cursor), UINT32_MAX, &rtx))
        return fail(p, "a=ssrc-group:FID needs two SSRCs");
    m->fid_primary = (uint32_t)primary;
    m->fid_rtx = (uint32_t)rtx;
    return SDP_OK;
}

static enum sdp_error parse_media_attribute(struct parser *p, const char *name, char *value)
{
    struct sdp_media *m = p->media;
    if (strcmp(name, "mid") == 0) {
        if (value == NULL || value[0] == '\0' || !copy_value(m->mid, sizeof m->mid, value))
            return fail(p, "a=mid must be 1..%zu bytes", sizeof m->mid - 1);
        return SDP_OK;
    }
    if (value == NULL && parse_direction(name, &m->direction)) return SDP_OK;
    if (strcmp(name, "rtcp-mux") == 0) {
        m->rtcp_mux = true;
        return SDP_OK;
    }
    if (strcmp(name, "rtcp-rsize") == 0) {
        m->rtcp_rsize = true;
        return SDP_OK;
    }
    if (strcmp(name, "bundle-only") == 0) {
        m->bundle_only = true;
        return SDP_OK;
    }
    if (strcmp(name, "end-of-candidates") == 0) {
        m->end_of_candidates = true;
        return SDP_OK;
    }
    if (strcmp(name, "ice-ufrag") == 0)
        return parse_ice_value(p, name, value, m->ice_ufrag, sizeof m->ice_ufrag);
    if (strcmp(name, "ice-pwd") == 0)
        return parse_ice_value(p, name, value, m->ice_pwd, sizeof m->ice_pwd);
    if (strcmp(name, "ice-options") == 0) {
        parse_ice_options(p, value);
        return SDP_OK;
    }
    if (strcmp(name, "fingerprint") == 0)
        return parse_fingerprint(p, value, m->fingerprint_hash, sizeof m->fingerprint_hash,
                                 m->fingerprint, sizeof m->fingerprint);
    if (strcmp(name, "setup") == 0) return parse_setup(p, value, &m->setup);
    if (strcmp(name, "msid") == 0) {
        if (!copy_value(m->msid, sizeof m->msid, value ? value : ""))
            return fail(p, "a=msid longer than %zu bytes", sizeof m->msid - 1);
        return SDP_OK;
    }
    if (strcmp(name, "candidate") == 0) {
        if (value != NULL && m->candidate_count < SDP_MAX_CANDIDATES) {
            int n = snprintf(m->candidates[m->candidate_count], sizeof m->candidates[0],
                             "candidate:%s", value);
            if (n > 0 && (size_t)n < sizeof m->candidates[0]) m->candidate_count++;
        }
        return SDP_OK;
    }
    if (p->media_is_rtp) {
        if (strcmp(name, "rtpmap") == 0) return parse_rtpmap(p, value);
        if (strcmp(name, "fmtp") == 0) return parse_fmtp(p, value);
        if (strcmp(name, "rtcp-fb") == 0) return parse_rtcp_fb(p, value);
        if (strcmp(name, "extmap") == 0) return parse_extmap(p, value);
        if (strcmp(name, "ssrc") == 0) return parse_ssrc(p, value);
        if (strcmp(name, "ssrc-group") == 0) return parse_ssrc_group(p, name, value);
    }
    add_attribute(m->attributes, &m->attribute_count, name, value);
    return SDP_OK;
}

/* The line's end is trimmed already (sdp_parse); the name's end and the value's
 * start are trimmed here: "a=rtcp-fb: 96 nack " reads as "a=rtcp-fb:96 nack". */
static enum sdp_error parse_attribute(struct parser *p, char *body)
{
    char *value = strchr(body, ':');
    if (value != NULL) {
        *value++ = '\0';
        value = skip_spaces(value);
    }
    trim_end(body);
    if (body[0] == '\0') return fail(p, "a= line without an attribute name");
    if (p->media == NULL) return parse_session_attribute(p, body, value);
    return parse_media_attribute(p, body, value);
}

static enum sdp_media_type media_type_of(const char *name)
{
    if (strcmp(name, "audio") == 0) return SDP_MEDIA_AUDIO;
    if (strcmp(name, "video") == 0) return SDP_MEDIA_VIDEO;
    if (strcmp(name, "application") == 0) return SDP_MEDIA_APPLICATION;
    return SDP_MEDIA_OTHER;
}

/* "type port[/count] proto fmt ..." */
static enum sdp_error parse_media_line(struct parser *p, char *body)
{
    struct sdp_session *s = p->session;
    if (!p->seen_origin) return fail(p, "m= before o=");
    if (s->media_count >= SDP_MAX_MEDIA) return fail(p, "more than %d m= sections", SDP_MAX_MEDIA);
    char *cursor = body;
    char *type = next_token(&cursor);
    char *port_text = next_token(&cursor);
    char *proto = next_token(&cursor);
    char *formats = skip_spaces(cursor);
    if (type == NULL || port_text == NULL || proto == NULL || formats[0] == '\0')
        return fail(p, "m= line needs media, port, protocol and formats");
    char *slash = strchr(port_text, '/');
    if (slash != NULL) *slash = '\0';
    unsigned long long port = 0;
    if (!parse_number(port_text, 65535, &port))
        return fail(p, "m= line has a bad port \"%s\"", port_text);

    struct sdp_media *m = &s->media[s->media_count];
    memset(m, 0, sizeof *m);
    if (!copy_value(m->type_name, sizeof m->type_name, type))
        return fail(p, "m= media type too long");
    if (!copy_value(m->proto, sizeof m->proto, proto)) return fail(p, "m= protocol too long");
    m->type = media_type_of(type);
    m->port = (uint16_t)port;
    m->direction = p->session_direction;
    p->media_is_rtp = strstr(proto, "RTP/") != NULL;
    if (!p->media_is_rtp) {
        if (!copy_value(m->formats, sizeof m->formats, formats))
            return fail(p, "m= format list too long");
    } else {
        for (char *f; (f = next_token(&formats)) != NULL;) {
            unsigned long long pt = 0;
            if (!parse_number(f, 127, &pt))
                return fail(p, "m= payload type \"%s\" is not 0..127", f);
            if (find_codec(m, pt) != NULL || m->codec_count >= SDP_MAX_CODECS) continue;
            struct sdp_codec *c = &m->codecs[m->codec_count++];
            c->payload_type = (uint8_t)pt;
            set_static_codec(c);
        }
    }
    s->media_count++;
    p->media = m;
    return SDP_OK;
}

/* "username sess-id sess-version nettype addrtype address" */
static enum sdp_error parse_origin(struct parser *p, char *body)
{
    struct sdp_session *s = p->session;
    char *cursor = body;
    char *user = next_token(&cursor);
    char *id = next_token(&cursor);
    char *version = next_token(&cursor);
    char *address = skip_spaces(cursor);
    unsigned long long id_value = 0, version_value = 0;
    if (user == NULL || id == NULL || version == NULL || address[0] == '\0')
        return fail(p, "o= line needs username, session id, version and address");
    if (!parse_number(id, UINT64_MAX, &id_value) ||
        !parse_number(version, UINT64_MAX, &version_value))
        return fail(p, "o= session id and version must be numbers");
    if (!copy_value(s->origin_username, sizeof s->origin_username, user) ||
        !copy_value(s->origin_address, sizeof s->origin_address, address))
        return fail(p, "o= line field too long");
    s->origin_session_id = id_value;
    s->origin_version = version_value;
    p->seen_origin = true;
    return SDP_OK;
}

/* One line, its trailing spaces and tabs cut off (sdp_parse): no value the parser
 * reads ends in whitespace (RFC 8866 allows it only in free text and unknown
 * attributes, and those are not interpreted). */
static enum sdp_error parse_line(struct parser *p, char *line)
{
    for (const char *c = line; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t') return fail(p, "control character in line");
    if (!islower((unsigned char)line[0]) || line[1] != '=')
        return fail(p, "not a \"x=value\" line");
    char type = line[0];
    char *body = line + 2;
    if (!p->seen_version) {
        if (type != 'v' || strcmp(body, "0") != 0) return fail(p, "SDP must start with v=0");
        p->seen_version = true;
        return SDP_OK;
    }
    switch (type) {
    case 'v': return fail(p, "a second v= line");
    case 'o':
        if (p->seen_origin || p->media != NULL) return fail(p, "o= must appear once, before m=");
        return parse_origin(p, body);
    case 's':
        if (p->media == NULL &&
            !copy_value(p->session->session_name, sizeof p->session->session_name, body))
            return fail(p, "s= line too long");
        return SDP_OK;
    case 'c':
        if (p->media != NULL &&
            !copy_value(p->media->connection, sizeof p->media->connection, body))
            return fail(p, "c= line too long");
        return SDP_OK;
    case 'm': return parse_media_line(p, body);
    case 'a': return parse_attribute(p, body);
    default: return SDP_OK; /* t=, b=, i=, u=, e=, p=, k=, r=, z= */
    }
}

enum sdp_error sdp_parse(const char *text, struct sdp_session **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err == NULL)
        errlen = 0;
    else if (errlen > 0)
        err[0] = '\0';
    struct parser p = {.err = err, .errlen = errlen};
    if (text == NULL) {
        snprintf(err, errlen, "no SDP");
        return SDP_ERROR_SYNTAX;
    }
    size_t len = strnlen(text, SDP_MAX_TEXT + 1);
    if (len > SDP_MAX_TEXT) {
        snprintf(err, errlen, "SDP larger than %d bytes", SDP_MAX_TEXT);
        return SDP_ERROR_TOO_LARGE;
    }
    char *copy = malloc(len + 1);
    p.session = calloc(1, sizeof *p.session);
    if (copy == NULL || p.session == NULL) {
        free(copy);
        free(p.session);
        snprintf(err, errlen, "out of memory");
        return SDP_ERROR_SYNTAX;
    }
    memcpy(copy, text, len + 1);

    enum sdp_error rc = SDP_OK;
    char *cursor = copy;
    while (rc == SDP_OK && *cursor != '\0') {
        char *line = cursor;
        char *nl = strchr(cursor, '\n');
        if (nl != NULL) {
            *nl = '\0';
            cursor = nl + 1;
        } else {
            cursor += strlen(cursor);
        }
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
        trim_end(line);
        p.line++;
        if (line[0] == '\0') continue; /* blank lines are tolerated */
        rc = parse_line(&p, line);
    }
    if (rc == SDP_OK && !p.seen_version) {
        snprintf(err, errlen, "empty SDP");
        rc = SDP_ERROR_SYNTAX;
    } else if (rc == SDP_OK && !p.seen_origin) {
        snprintf(err, errlen, "no o= line");
        rc = SDP_ERROR_SYNTAX;
    }
    free(copy);
    if (rc != SDP_OK) {
        free(p.session);
        return rc;
    }
    *out = p.session;
    return SDP_OK;
}
