/* sdp.c - the small shared part of the SDP module: error codes, names of directions
 * and setup roles, and freeing a session. Parsing, writing and answering live in
 * sdp_parse.c, sdp_write.c and sdp_answer.c. */
#include "signaling/sdp/sdp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sdp_error_code(enum sdp_error e)
{
    switch (e) {
    case SDP_OK: return "ok";
    case SDP_ERROR_SYNTAX:
    case SDP_ERROR_TOO_LARGE:
    case SDP_ERROR_NO_ICE: return "sdp_invalid";
    case SDP_ERROR_NO_FINGERPRINT: return "sdp_no_fingerprint";
    case SDP_ERROR_NO_BUNDLE: return "sdp_no_bundle";
    case SDP_ERROR_NO_RTCP_MUX: return "sdp_no_rtcp_mux";
    case SDP_ERROR_NO_CODEC: return "sdp_no_common_codec";
    }
    return "sdp_invalid";
}

void sdp_session_free(struct sdp_session *s) { free(s); }

const char *sdp_direction_name(enum sdp_direction d)
{
    switch (d) {
    case SDP_SENDRECV: return "sendrecv";
    case SDP_SENDONLY: return "sendonly";
    case SDP_RECVONLY: return "recvonly";
    case SDP_INACTIVE: return "inactive";
    }
    return "inactive";
}

const char *sdp_setup_name(enum sdp_setup s)
{
    switch (s) {
    case SDP_SETUP_NONE: return "";
    case SDP_SETUP_ACTPASS: return "actpass";
    case SDP_SETUP_ACTIVE: return "active";
    case SDP_SETUP_PASSIVE: return "passive";
    }
    return "";
}

enum sdp_direction sdp_direction_reverse(enum sdp_direction d)
{
    switch (d) {
    case SDP_SENDONLY: return SDP_RECVONLY;
    case SDP_RECVONLY: return SDP_SENDONLY;
    case SDP_SENDRECV:
    case SDP_INACTIVE: break;
    }
    return d;
}

bool sdp_candidate_is_mdns(const char *candidate)
{
    if (candidate == NULL) return false;
    if (strncmp(candidate, "a=", 2) == 0) candidate += 2;
    if (strncmp(candidate, "candidate:", 10) != 0) return false;
    const char *p = candidate + 10;
    /* foundation, component, transport, priority, then the connection address */
    for (int field = 0; field < 5; field++) {
        while (*p == ' ' || *p == '\t') p++;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') p++;
        if (p == start) return false;
        if (field == 4) {
            size_t len = (size_t)(p - start);
            return len > 6 && strncasecmp(p - 6, ".local", 6) == 0;
        }
    }
    return false;
}
