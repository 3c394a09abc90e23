/* sdp_answer.c - test tool: reads an SDP offer on stdin, prints the MCU's answer
 * (signaling/sdp/sdp.h) on stdout and what was negotiated as one JSON object on stderr.
 * Exit status 0, or 1 with "error CODE: message" on stderr when the offer is refused.
 *
 *   sdp-answer [--prefer vp8|h264] [--candidate "candidate:..."]... < offer.sdp
 *
 * The ICE credentials and fingerprint are fixed test values: enough for a browser to
 * accept the answer with setRemoteDescription(), not to connect. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/sdp/sdp.h"

#define MAX_CANDIDATES 8

static char *read_all(FILE *f)
{
    size_t cap = SDP_MAX_TEXT + 2, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) return NULL;
    size_t n;
    while (len < cap - 1 && (n = fread(buf + len, 1, cap - 1 - len, f)) > 0) len += n;
    buf[len] = '\0';
    return buf;
}

static const char *codec_name(enum sdp_video_codec c)
{
    return c == SDP_VIDEO_VP8 ? "VP8" : c == SDP_VIDEO_H264 ? "H264" : "none";
}

static void print_negotiated(const struct sdp_negotiated *n)
{
    json_t *o = json_pack(
        "{s:b, s:b, s:s, s:s, s:i, s:I, s:i, s:s, s:i, s:I, s:I, s:b, s:b, s:b, s:b, s:i, s:i, s:s}",
        "has_audio", n->has_audio, "has_video", n->has_video, "audio_mid", n->audio_mid,
        "video_mid", n->video_mid, "audio_pt", n->audio_pt, "audio_remote_ssrc",
        (json_int_t)n->audio_remote_ssrc, "audio_level_ext_id", n->audio_level_ext_id,
        "video_codec", codec_name(n->video_codec), "video_pt", n->video_pt, "video_remote_ssrc",
        (json_int_t)n->video_remote_ssrc, "video_remote_rtx_ssrc",
        (json_int_t)n->video_remote_rtx_ssrc, "video_nack", n->video_nack, "video_pli",
        n->video_pli, "video_fir", n->video_fir, "video_remb", n->video_remb, "mid_ext_id",
        n->mid_ext_id, "abs_send_time_ext_id", n->abs_send_time_ext_id, "local_setup",
        sdp_setup_name(n->local_setup));
    if (o != NULL) {
        json_dumpf(o, stderr, JSON_COMPACT);
        fputc('\n', stderr);
        json_decref(o);
    }
}

int main(int argc, char **argv)
{
    struct sdp_answer_params params = {
        .ice_ufrag = "hoin",
        .ice_pwd = "hoinghitestpasswordabcdef",
        .fingerprint_hash = "sha-256",
        .fingerprint =
            "6A:2B:8D:1E:0F:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB",
        .audio_ssrc = 1111,
        .video_ssrc = 2222,
        .cname = "hoinghi-test",
        .stream_id = "hoinghi",
        .video_preference = {SDP_VIDEO_VP8, SDP_VIDEO_H264},
        .end_of_candidates = true,
    };
    const char *candidates[MAX_CANDIDATES];
    size_t candidate_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--prefer") == 0 && i + 1 < argc) {
            const char *c = argv[++i];
            enum sdp_video_codec first = strcmp(c, "h264") == 0 ? SDP_VIDEO_H264 : SDP_VIDEO_VP8;
            params.video_preference[0] = first;
            params.video_preference[1] = first == SDP_VIDEO_VP8 ? SDP_VIDEO_H264 : SDP_VIDEO_VP8;
        } else if (strcmp(argv[i], "--candidate") == 0 && i + 1 < argc &&
                   candidate_count < MAX_CANDIDATES) {
            candidates[candidate_count++] = argv[++i];
        } else {
            fprintf(stderr, "usage: sdp-answer [--prefer vp8|h264] [--candidate C]... < offer\n");
            return 2;
        }
    }
    params.candidates = candidates;
    params.candidate_count = candidate_count;

    char *text = read_all(stdin);
    if (text == NULL) return 2;
    char err[256];
    struct sdp_session *offer = NULL, *answer = NULL;
    struct sdp_negotiated negotiated;
    enum sdp_error rc = sdp_parse(text, &offer, err, sizeof err);
    if (rc == SDP_OK) rc = sdp_answer_create(offer, &params, &answer, &negotiated, err, sizeof err);
    int status = 1;
    if (rc != SDP_OK) {
        fprintf(stderr, "error %s: %s\n", sdp_error_code(rc), err);
    } else {
        char *out = sdp_write(answer);
        if (out != NULL) {
            fputs(out, stdout);
            print_negotiated(&negotiated);
            status = 0;
        }
        free(out);
    }
    sdp_session_free(answer);
    sdp_session_free(offer);
    free(text);
    return status;
}
