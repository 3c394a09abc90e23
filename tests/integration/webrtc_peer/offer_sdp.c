/* offer_sdp.c - the SDP the test peer reads and edits: its offer's H.264 fmtp (what
 * mcud decodes) and the answer's video codec, for the summary. */
#include "tests/integration/webrtc_peer/peer.h"

#include <string.h>

/* The "PT NAME/RATE" rtpmap of payload type pt in media m, or NULL. */
static const char *rtpmap_of(const GstSDPMedia *m, const char *pt)
{
    size_t ptlen = strlen(pt);
    for (guint i = 0; i < gst_sdp_media_attributes_len(m); i++) {
        const GstSDPAttribute *a = gst_sdp_media_get_attribute(m, i);
        if (strcmp(a->key, "rtpmap") == 0 && a->value && strncmp(a->value, pt, ptlen) == 0 &&
            a->value[ptlen] == ' ')
            return a->value + ptlen + 1;
    }
    return NULL;
}

/* Index of the "a=fmtp:PT ..." attribute of payload type pt in media m, or -1. */
static int fmtp_index(const GstSDPMedia *m, const char *pt)
{
    size_t ptlen = strlen(pt);
    for (guint i = 0; i < gst_sdp_media_attributes_len(m); i++) {
        const GstSDPAttribute *a = gst_sdp_media_get_attribute(m, i);
        if (strcmp(a->key, "fmtp") == 0 && a->value && strncmp(a->value, pt, ptlen) == 0 &&
            a->value[ptlen] == ' ')
            return (int)i;
    }
    return -1;
}

static bool fmtp_has(const char *params, const char *want)
{
    char **parts = g_strsplit(params, ";", -1);
    bool found = false;
    for (char **s = parts; *s && !found; s++) found = g_ascii_strcasecmp(g_strstrip(*s), want) == 0;
    g_strfreev(parts);
    return found;
}

const char *peer_h264_fmtp(const struct peer_options *opt)
{
    if (strcmp(opt->h264_profile, "high") == 0)
        return "packetization-mode=1;profile-level-id=64001f;level-asymmetry-allowed=1";
    if (strcmp(opt->h264_profile, "main") == 0)
        return "packetization-mode=1;profile-level-id=4d001f;level-asymmetry-allowed=1";
    return "packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1";
}

/* The offer must say packetization-mode=1 and the profile-level-id of `fmtp` for every
 * H.264 payload type (docs/protocol.md: what mcud decodes). webrtcbin copies
 * whatever the payloader's caps say, which may be another level or nothing before
 * the first buffer, so rewrite the fmtp where it differs. Returns how many fmtp
 * lines were rewritten. */
int offer_fix_h264_fmtp(GstSDPMessage *sdp, const char *fmtp)
{
    char plid[32];
    const char *at = strstr(fmtp, "profile-level-id=");
    snprintf(plid, sizeof plid, "%.23s", at ? at : "");
    plid[strcspn(plid, ";")] = '\0';
    int fixed = 0;
    for (guint mi = 0; mi < gst_sdp_message_medias_len(sdp); mi++) {
        /* GstSDPMessage hands out const media; the message is ours to edit */
        GstSDPMedia *m = (GstSDPMedia *)gst_sdp_message_get_media(sdp, mi);
        if (g_strcmp0(gst_sdp_media_get_media(m), "video") != 0) continue;
        for (guint fi = 0; fi < gst_sdp_media_formats_len(m); fi++) {
            const char *pt = gst_sdp_media_get_format(m, fi);
            const char *map = rtpmap_of(m, pt);
            int idx;
            const char *params = "";
            GstSDPAttribute attr;
            char *value;

            if (!map || g_ascii_strncasecmp(map, "H264/", 5) != 0) continue;
            idx = fmtp_index(m, pt);
            if (idx >= 0)
                params = gst_sdp_media_get_attribute(m, (guint)idx)->value + strlen(pt) + 1;
            if (fmtp_has(params, "packetization-mode=1") && fmtp_has(params, plid)) continue;
            peer_log("offer H.264 pt %s fmtp was '%s'", pt, params);
            value = g_strdup_printf("%s %s", pt, fmtp);
            gst_sdp_attribute_set(&attr, "fmtp", value);
            if (idx >= 0)
                gst_sdp_media_replace_attribute(m, (guint)idx, &attr);
            else
                gst_sdp_media_add_attribute(m, "fmtp", value);
            if (idx < 0) gst_sdp_attribute_clear(&attr);
            g_free(value);
            fixed++;
        }
    }
    return fixed;
}

/* Describes the first (preferred) codec of the first video section of an SDP:
 * sets *codec to the encoding name ("H264") and returns "H264/90000 pt=102
 * fmtp=...", both g_malloc'd; NULL when there is no video codec. */
char *sdp_video_codec(const GstSDPMessage *sdp, char **codec)
{
    *codec = NULL;
    for (guint mi = 0; mi < gst_sdp_message_medias_len(sdp); mi++) {
        const GstSDPMedia *m = gst_sdp_message_get_media(sdp, mi);
        const char *pt, *map;
        int idx;

        if (g_strcmp0(gst_sdp_media_get_media(m), "video") != 0 || gst_sdp_media_get_port(m) == 0 ||
            gst_sdp_media_formats_len(m) == 0)
            continue;
        pt = gst_sdp_media_get_format(m, 0);
        map = rtpmap_of(m, pt);
        idx = fmtp_index(m, pt);
        *codec = g_strndup(map ? map : "?", map ? strcspn(map, "/") : 1);
        return g_strdup_printf(
            "%s pt=%s fmtp=%s", map ? map : "?", pt,
            idx >= 0 ? gst_sdp_media_get_attribute(m, (guint)idx)->value + strlen(pt) + 1 : "-");
    }
    return NULL;
}
