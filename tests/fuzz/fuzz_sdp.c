/* fuzz_sdp.c - libFuzzer target: an SDP offer as a client sends it in an `offer`
 * message, into signaling/sdp/sdp_parse.c sdp_parse(). A parsed offer is written back with
 * sdp_write() (that text must parse again) and answered with sdp_answer_create() as
 * participant.c does (VP8 or H.264 preferred, by the last input byte); an answer must
 * have one m= section per offered one, pick codecs the offer lists under the
 * negotiated payload types, and be writable and parse too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signaling/sdp/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_parse(const char *text)
{
    struct sdp_session *s = NULL;
    char err[256];
    if (!text) abort();
    if (sdp_parse(text, &s, err, sizeof err) != SDP_OK) abort();
    sdp_session_free(s);
}

/* The offer lists payload type `pt` as `name` in a section of `type`. */
static bool offers_codec(const struct sdp_session *offer, enum sdp_media_type type, uint8_t pt,
                         const char *name)
{
    for (size_t m = 0; m < offer->media_count; m++) {
        if (offer->media[m].type != type) continue;
        for (size_t c = 0; c < offer->media[m].codec_count; c++)
            if (offer->media[m].codecs[c].payload_type == pt &&
                strcasecmp(offer->media[m].codecs[c].name, name) == 0)
                return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SDP_MAX_TEXT + 16) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct sdp_session *offer = NULL;
    char err[256];
    enum sdp_error rc = sdp_parse(text, &offer, err, sizeof err);
    if (rc != SDP_OK) {
        if (offer || !sdp_error_code(rc) || strnlen(err, sizeof err) == sizeof err) abort();
        free(text);
        return 0;
    }
    char *written = sdp_write(offer);
    must_parse(written);
    free(written);

    static const char *const candidates[] = {
        "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host",
    };
    bool h264_first = size > 0 && (data[size - 1] & 1);
    struct sdp_answer_params params = {
        .ice_ufrag = "hoin",
        .ice_pwd = "hoinghifuzzpasswordabcdef",
        .fingerprint_hash = "sha-256",
        .fingerprint =
            "6A:2B:8D:1E:0F:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB",
        .audio_ssrc = 1111,
        .video_ssrc = 2222,
        .cname = "hoinghi-fuzz",
        .stream_id = "hoinghi",
        .video_preference = {h264_first ? SDP_VIDEO_H264 : SDP_VIDEO_VP8,
                             h264_first ? SDP_VIDEO_VP8 : SDP_VIDEO_H264},
        .candidates = candidates,
        .candidate_count = 1,
        .end_of_candidates = true,
    };
    struct sdp_session *answer = NULL;
    struct sdp_negotiated negotiated;
    if (sdp_answer_create(offer, &params, &answer, &negotiated, err, sizeof err) == SDP_OK) {
        if (!answer || answer->media_count != offer->media_count) abort();
        if (negotiated.has_audio &&
            !offers_codec(offer, SDP_MEDIA_AUDIO, negotiated.audio_pt, "opus"))
            abort();
        if (negotiated.has_video &&
            !offers_codec(offer, SDP_MEDIA_VIDEO, negotiated.video_pt,
                          negotiated.video_codec == SDP_VIDEO_VP8 ? "VP8" : "H264"))
            abort();
        char *answer_text = sdp_write(answer);
        must_parse(answer_text);
        free(answer_text);
        sdp_session_free(answer);
    } else if (answer) {
        abort();
    }
    sdp_session_free(offer);
    free(text);
    return 0;
}
