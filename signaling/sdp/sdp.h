/* sdp.h - SDP (RFC 8866) for WebRTC as data structures: parse an offer, build an
 * answer that picks from what the offer lists, write it back as text.
 *
 * The MCU is always the answerer. It needs BUNDLE (RFC 8843) and rtcp-mux (RFC 5761),
 * a DTLS fingerprint (RFC 8122), and decodes Opus audio and VP8 or H.264
 * (packetization-mode 1; constrained baseline, Main or High profile) video. Everything else in an offer is
 * kept as parsed data (unknown attributes are preserved per media section) but is
 * not answered.
 *
 * Ownership: sdp_parse() and sdp_answer_create() return a heap struct the caller frees
 * with sdp_session_free(); sdp_write() returns a malloc'd string the caller frees.
 *
 * Bounds (every array has a maximum; the rules when an offer has more):
 *  - text over SDP_MAX_TEXT bytes: SDP_ERROR_TOO_LARGE.
 *  - more than SDP_MAX_MEDIA m= sections, or more BUNDLE mids than that: error.
 *  - a value that does not fit the field that interprets it (ufrag, fingerprint,
 *    fmtp, rtcp-fb, mid, ...): error naming the line.
 *  - list overflow is ignored, never an error: RTP payload types after the first
 *    SDP_MAX_CODECS of an m= line (and their rtpmap/fmtp/rtcp-fb lines), rtcp-fb past
 *    SDP_MAX_RTCP_FB per codec, extmaps past SDP_MAX_EXTMAPS, SSRCs past
 *    SDP_MAX_SSRCS, candidates past SDP_MAX_CANDIDATES (or longer than 255 bytes),
 *    uninterpreted attributes past SDP_MAX_ATTRIBUTES (or with a name or value that
 *    does not fit), and a second a=group:BUNDLE.
 *  - rtpmap/fmtp/rtcp-fb lines for a payload type not on the m= line are ignored. */
#ifndef HOINGHI_SIGNALING_SDP_H
#define HOINGHI_SIGNALING_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDP_MAX_TEXT       (64 * 1024) /* larger SDP is rejected */
#define SDP_MAX_MEDIA      16
#define SDP_MAX_CODECS     32
#define SDP_MAX_RTCP_FB    12
#define SDP_MAX_EXTMAPS    16
#define SDP_MAX_CANDIDATES 32
#define SDP_MAX_SSRCS      8
#define SDP_MAX_ATTRIBUTES 64
#define SDP_MAX_GROUP_MIDS SDP_MAX_MEDIA

enum sdp_media_type { SDP_MEDIA_AUDIO, SDP_MEDIA_VIDEO, SDP_MEDIA_APPLICATION, SDP_MEDIA_OTHER };
enum sdp_direction { SDP_SENDRECV, SDP_SENDONLY, SDP_RECVONLY, SDP_INACTIVE };
enum sdp_setup { SDP_SETUP_NONE, SDP_SETUP_ACTPASS, SDP_SETUP_ACTIVE, SDP_SETUP_PASSIVE };

struct sdp_codec {
    uint8_t payload_type;
    char name[32]; /* encoding name as written, e.g. "VP8", "opus", "rtx" */
    uint32_t clock_rate;
    uint8_t channels; /* 0 when not given */
    char fmtp[512];   /* parameters after "a=fmtp:PT ", "" if none */
    size_t rtcp_fb_count;
    char rtcp_fb[SDP_MAX_RTCP_FB][48]; /* e.g. "nack", "nack pli", "ccm fir", "goog-remb" */
};

struct sdp_extmap {
    uint16_t id;
    char uri[128];
};

struct sdp_ssrc {
    uint32_t ssrc;
    char cname[64];
    char msid[128]; /* "stream track" from a=ssrc:N msid:..., or "" */
};

struct sdp_attribute { /* attributes we do not interpret, kept verbatim */
    char name[64];
    char value[256];
};

struct sdp_media {
    enum sdp_media_type type;
    char type_name[16];  /* "audio", "video", "application", ... */
    uint16_t port;       /* 0 = rejected / disabled */
    char proto[40];      /* e.g. "UDP/TLS/RTP/SAVPF" */
    char connection[64]; /* c= value, e.g. "IN IP4 127.0.0.1"; "" if none */
    char formats[128];   /* m= format list of a non-RTP section ("webrtc-datachannel");
                                   for RTP sections the formats are the codecs */
    char mid[32];
    enum sdp_direction direction;
    bool rtcp_mux;
    bool rtcp_rsize;
    bool bundle_only;
    char ice_ufrag[256]; /* media-level ICE credentials, "" if inherited */
    char ice_pwd[256];
    char fingerprint_hash[16]; /* e.g. "sha-256", "" if inherited */
    char fingerprint[200];     /* "AB:CD:..." */
    enum sdp_setup setup;
    char msid[160]; /* a=msid value, "" if none */
    size_t codec_count;
    struct sdp_codec codecs[SDP_MAX_CODECS]; /* in m= line order (preference) */
    size_t extmap_count;
    struct sdp_extmap extmaps[SDP_MAX_EXTMAPS];
    size_t ssrc_count;
    struct sdp_ssrc ssrcs[SDP_MAX_SSRCS];
    uint32_t fid_primary, fid_rtx; /* a=ssrc-group:FID, 0 if none */
    size_t candidate_count;
    char candidates[SDP_MAX_CANDIDATES][256]; /* a=candidate values, "candidate:..." */
    bool end_of_candidates;
    size_t attribute_count;
    struct sdp_attribute attributes[SDP_MAX_ATTRIBUTES];
};

struct sdp_session {
    uint64_t origin_session_id;
    uint64_t origin_version;
    char origin_username[64];
    char origin_address[64]; /* "IN IP4 127.0.0.1"; written as "IN IP4 0.0.0.0" if "" */
    char session_name[64];
    char ice_ufrag[256]; /* session-level values, "" if absent */
    char ice_pwd[256];
    bool ice_lite;
    bool ice_trickle; /* a=ice-options:trickle */
    char fingerprint_hash[16];
    char fingerprint[200];
    enum sdp_setup setup;
    char msid_semantic[64];
    size_t bundle_count; /* a=group:BUNDLE mids */
    char bundle_mids[SDP_MAX_GROUP_MIDS][32];
    size_t media_count;
    struct sdp_media media[SDP_MAX_MEDIA];
    size_t attribute_count; /* session-level attributes we do not interpret */
    struct sdp_attribute attributes[SDP_MAX_ATTRIBUTES];
};

/* Why an offer was refused; each maps to a stable signalling error code. */
enum sdp_error {
    SDP_OK = 0,
    SDP_ERROR_SYNTAX,         /* "sdp_invalid": not parseable SDP */
    SDP_ERROR_TOO_LARGE,      /* "sdp_invalid": over SDP_MAX_TEXT */
    SDP_ERROR_NO_FINGERPRINT, /* "sdp_no_fingerprint" */
    SDP_ERROR_NO_BUNDLE,      /* "sdp_no_bundle" */
    SDP_ERROR_NO_RTCP_MUX,    /* "sdp_no_rtcp_mux" */
    SDP_ERROR_NO_ICE,         /* "sdp_invalid": no ICE credentials */
    SDP_ERROR_NO_CODEC,       /* "sdp_no_common_codec": nothing we can decode */
};

/* Stable signalling code for an error ("sdp_invalid", "sdp_no_fingerprint", ...). */
const char *sdp_error_code(enum sdp_error e);

/* Parses SDP text (CRLF or LF line ends). Returns SDP_OK and *out, or an error with a
 * human message in err (e.g. "line 7: m= line needs a port"). */
enum sdp_error sdp_parse(const char *text, struct sdp_session **out, char *err, size_t errlen);

void sdp_session_free(struct sdp_session *s);

/* "sendrecv", "sendonly", "recvonly", "inactive". */
const char *sdp_direction_name(enum sdp_direction d);
/* "actpass", "active", "passive"; "" for SDP_SETUP_NONE. */
const char *sdp_setup_name(enum sdp_setup s);
/* The offered direction seen from the answerer: sendonly <-> recvonly. */
enum sdp_direction sdp_direction_reverse(enum sdp_direction d);

/* Whether an ICE candidate ("candidate:..." or "a=candidate:...") names its address
 * with an mDNS host name ("<uuid>.local", as browsers hide host addresses) instead
 * of an IP address. */
bool sdp_candidate_is_mdns(const char *candidate);

/* Text form of a session, CRLF line ends. malloc'd; NULL only when out of memory. */
char *sdp_write(const struct sdp_session *s);

/* Codec names the answer may pick, in the MCU's order of preference. */
enum sdp_video_codec { SDP_VIDEO_NONE = 0, SDP_VIDEO_VP8, SDP_VIDEO_H264 };

/* What the local side brings to an answer. */
struct sdp_answer_params {
    const char *ice_ufrag;
    const char *ice_pwd;
    const char *fingerprint_hash; /* "sha-256" */
    const char *fingerprint;      /* "AB:CD:..." */
    enum sdp_setup setup;         /* SDP_SETUP_NONE = choose per RFC 8842 (passive
                                          when the offer says actpass or active) */
    uint32_t audio_ssrc;          /* our outgoing SSRCs, announced with a=ssrc */
    uint32_t video_ssrc;
    const char *cname;
    const char *stream_id;                    /* msid stream id, e.g. "hoinghi" */
    enum sdp_video_codec video_preference[2]; /* e.g. {VP8, H264}; NONE ends the list */
    /* video: also answer the offer's rtx (RFC 4588) for the chosen codec, so that the
     * sender retransmits and probes the path on its RTX stream (its bandwidth estimate
     * starts right; the receiver must unwrap: rtp_rtx_unwrap) */
    bool accept_rtx;
    const char *const *candidates; /* local candidates ("candidate:..."), may be NULL */
    size_t candidate_count;
    bool end_of_candidates;
};

/* What was agreed, for the media code. Payload types are the offer's. */
struct sdp_negotiated {
    bool has_audio, has_video;
    char audio_mid[32], video_mid[32];
    uint8_t audio_pt;            /* Opus */
    uint32_t audio_remote_ssrc;  /* 0 if the offer did not say */
    uint16_t audio_level_ext_id; /* RFC 6464 extmap id, 0 if none */
    enum sdp_video_codec video_codec;
    uint8_t video_pt;
    uint8_t video_rtx_pt; /* 0 if no rtx for the chosen codec */
    uint32_t video_remote_ssrc, video_remote_rtx_ssrc;
    bool video_nack, video_pli, video_fir, video_remb, video_transport_cc;
    uint16_t mid_ext_id; /* urn:ietf:params:rtp-hdrext:sdes:mid, 0 if none */
    uint16_t abs_send_time_ext_id;
    uint16_t transport_cc_ext_id;
    char remote_ice_ufrag[256];
    char remote_ice_pwd[256];
    char remote_fingerprint_hash[16];
    char remote_fingerprint[200];
    enum sdp_setup remote_setup; /* as offered */
    enum sdp_setup local_setup;  /* what the answer says (ACTIVE or PASSIVE) */
};

/* Builds the answer to `offer`. Media sections we cannot use are answered with port 0
 * in the same order (as RFC 8829 requires); audio gets Opus, video the first codec of
 * params->video_preference the offer lists (H.264 only when packetization-mode=1 and a
 * profile-level-id of constrained baseline 42e0xx/42c0xx/4200xx, Main 4dxxxx or High
 * 64xxxx, ...). Refuses offers with
 * no fingerprint, no BUNDLE, no rtcp-mux or no usable codec at all.
 * The local candidates and a=end-of-candidates go on the first accepted section (the
 * BUNDLE tag); m= port and c= come from the first UDP candidate (else 9, 0.0.0.0).
 * Parameters that break their contract (a missing or over-long ufrag, pwd,
 * fingerprint, cname or stream_id (<= 56 bytes), a candidate not starting with
 * "candidate:") give SDP_ERROR_SYNTAX with "answer parameters: ..." in err: a bug
 * in the caller, not in the offer. The full rules are in docs/protocol.md ("SDP"). */
enum sdp_error sdp_answer_create(const struct sdp_session *offer,
                                 const struct sdp_answer_params *params,
                                 struct sdp_session **answer, struct sdp_negotiated *negotiated,
                                 char *err, size_t errlen);

#endif
