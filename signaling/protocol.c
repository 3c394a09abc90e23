/* protocol.c - the vocabulary of the signalling protocol: error codes, request names,
 * the SDP-to-protocol error mapping and the display-name rule. Parsing is in
 * protocol_parse.c, message building in protocol_build.c. */
#include "signaling/protocol.h"

#include <stdint.h>

const char *protocol_error_code(enum protocol_error e)
{
    switch (e) {
    case PROTOCOL_OK: return "ok";
    case PROTOCOL_ERROR_BAD_JSON: return "bad_json";
    case PROTOCOL_ERROR_MESSAGE_TOO_LARGE: return "message_too_large";
    case PROTOCOL_ERROR_BAD_REQUEST: return "bad_request";
    case PROTOCOL_ERROR_UNKNOWN_TYPE: return "unknown_type";
    case PROTOCOL_ERROR_UNSUPPORTED_VERSION: return "unsupported_version";
    case PROTOCOL_ERROR_NOT_JOINED: return "not_joined";
    case PROTOCOL_ERROR_ALREADY_JOINED: return "already_joined";
    case PROTOCOL_ERROR_UNKNOWN_CONFERENCE: return "unknown_conference";
    case PROTOCOL_ERROR_WRONG_PIN: return "wrong_pin";
    case PROTOCOL_ERROR_INVALID_TOKEN: return "invalid_token";
    case PROTOCOL_ERROR_CONFERENCE_FULL: return "conference_full";
    case PROTOCOL_ERROR_SDP_INVALID: return "sdp_invalid";
    case PROTOCOL_ERROR_SDP_NO_FINGERPRINT: return "sdp_no_fingerprint";
    case PROTOCOL_ERROR_SDP_NO_BUNDLE: return "sdp_no_bundle";
    case PROTOCOL_ERROR_SDP_NO_RTCP_MUX: return "sdp_no_rtcp_mux";
    case PROTOCOL_ERROR_SDP_NO_COMMON_CODEC: return "sdp_no_common_codec";
    case PROTOCOL_ERROR_OFFER_IN_PROGRESS: return "offer_in_progress";
    case PROTOCOL_ERROR_MEDIA_FAILED: return "media_failed";
    case PROTOCOL_ERROR_INTERNAL: return "internal_error";
    }
    return "internal_error";
}

enum protocol_error protocol_error_from_sdp(enum sdp_error e)
{
    switch (e) {
    case SDP_OK: return PROTOCOL_OK;
    case SDP_ERROR_SYNTAX:
    case SDP_ERROR_TOO_LARGE:
    case SDP_ERROR_NO_ICE: return PROTOCOL_ERROR_SDP_INVALID;
    case SDP_ERROR_NO_FINGERPRINT: return PROTOCOL_ERROR_SDP_NO_FINGERPRINT;
    case SDP_ERROR_NO_BUNDLE: return PROTOCOL_ERROR_SDP_NO_BUNDLE;
    case SDP_ERROR_NO_RTCP_MUX: return PROTOCOL_ERROR_SDP_NO_RTCP_MUX;
    case SDP_ERROR_NO_CODEC: return PROTOCOL_ERROR_SDP_NO_COMMON_CODEC;
    }
    return PROTOCOL_ERROR_SDP_INVALID;
}

const char *protocol_request_name(enum protocol_request_type t)
{
    switch (t) {
    case PROTOCOL_REQUEST_JOIN: return "join";
    case PROTOCOL_REQUEST_OFFER: return "offer";
    case PROTOCOL_REQUEST_CANDIDATE: return "candidate";
    case PROTOCOL_REQUEST_END_OF_CANDIDATES: return "end_of_candidates";
    case PROTOCOL_REQUEST_LEAVE: return "leave";
    case PROTOCOL_REQUEST_KEEPALIVE: return "keepalive";
    }
    return "";
}

/* Decodes one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Returns its length and the code point, or 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;                 /* also stops at the NUL terminator */
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return len;
}

bool protocol_valid_name(const char *s, size_t max_chars)
{
    if (s == NULL)
        return false;
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        uint32_t cp = 0;
        size_t n = utf8_decode(p, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return false;             /* invalid UTF-8, or a C0/DEL/C1 control character */
        p += n;
        if (++chars > max_chars)
            return false;
    }
    return chars > 0;
}
