/* test_sdp_answer.c - SDP answers (sdp_answer_create(), signaling/sdp/sdp.h) to offers
 * captured from real peers (tests/fixtures/sdp/) and to edited ones: codec choice, rtx,
 * transport-cc, setup and direction, and the broken offers each refused with its own
 * error. Parsing is in test_sdp_parse.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "signaling/sdp/sdp.h"
#include "tests/unit/sdp_fixture.h"

/* Every occurrence of `from` replaced by `to`; malloc'd. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), count = 0;
    for (const char *p = text; (p = strstr(p, from)) != NULL; p += fl) count++;
    char *out = malloc(strlen(text) + count * tl + 1);
    assert_non_null(out);
    char *w = out;
    const char *p = text;
    for (const char *hit; (hit = strstr(p, from)) != NULL; p = hit + fl) {
        memcpy(w, p, (size_t)(hit - p));
        w += hit - p;
        memcpy(w, to, tl);
        w += tl;
    }
    strcpy(w, p);
    return out;
}

static const char *const LOCAL_CANDIDATES[] = {
    "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
    "candidate:2 1 udp 2130706175 ::1 40002 typ host",
};

static struct sdp_answer_params test_params(enum sdp_video_codec first, enum sdp_video_codec second)
{
    struct sdp_answer_params p = {
        .ice_ufrag = "mcuU",
        .ice_pwd = "mcupasswordmcupassword22",
        .fingerprint_hash = "sha-256",
        .fingerprint =
            "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
        .audio_ssrc = 0x11111111,
        .video_ssrc = 0x22222222,
        .cname = "mcu-cname",
        .stream_id = "hoinghi",
        .video_preference = {first, second},
        .candidates = LOCAL_CANDIDATES,
        .candidate_count = 2,
        .end_of_candidates = true,
    };
    return p;
}

static enum sdp_error answer(const struct sdp_session *offer, const struct sdp_answer_params *p,
                             struct sdp_session **out, struct sdp_negotiated *n)
{
    char err[256] = "";
    enum sdp_error rc = sdp_answer_create(offer, p, out, n, err, sizeof err);
    if (rc != SDP_OK) {
        assert_null(*out);
        assert_true(err[0] != '\0'); /* every refusal says why */
    }
    return rc;
}

/* ---- answers ---- */

static void test_answer_chromium_prefers_vp8(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("chromium_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);

    assert_true(n.has_audio && n.has_video);
    assert_string_equal(n.audio_mid, "0");
    assert_string_equal(n.video_mid, "1");
    assert_int_equal(n.audio_pt, 111);
    assert_int_equal(n.audio_remote_ssrc, 24780773);
    assert_int_equal(n.audio_level_ext_id, 1);
    assert_int_equal(n.video_codec, SDP_VIDEO_VP8);
    assert_int_equal(n.video_pt, 96);
    assert_int_equal(n.video_rtx_pt, 0);
    assert_int_equal(n.video_remote_ssrc, 1210724875u);
    assert_int_equal(n.video_remote_rtx_ssrc, 4068526700u);
    assert_true(n.video_nack && n.video_pli && n.video_fir && n.video_remb);
    assert_true(n.video_transport_cc);
    assert_int_equal(n.mid_ext_id, 4);
    assert_int_equal(n.abs_send_time_ext_id, 2);
    assert_int_equal(n.transport_cc_ext_id, 3);
    assert_string_equal(n.remote_ice_ufrag, "XhNx");
    assert_string_equal(n.remote_ice_pwd, "CrSo3wSTyNwYCH6V/08VXsVi");
    assert_string_equal(n.remote_fingerprint_hash, "sha-256");
    assert_string_equal(n.remote_fingerprint, offer->media[0].fingerprint);
    assert_int_equal(n.remote_setup, SDP_SETUP_ACTPASS);
    assert_int_equal(n.local_setup, SDP_SETUP_PASSIVE);

    assert_int_equal(ans->media_count, 2);
    assert_int_equal(ans->bundle_count, 2);
    assert_string_equal(ans->bundle_mids[0], "0");
    assert_string_equal(ans->bundle_mids[1], "1");
    assert_true(ans->ice_trickle);
    for (size_t i = 0; i < 2; i++) {
        const struct sdp_media *m = &ans->media[i];
        assert_int_equal(m->port, 40000);
        assert_string_equal(m->connection, "IN IP4 127.0.0.1");
        assert_string_equal(m->ice_ufrag, p.ice_ufrag);
        assert_string_equal(m->ice_pwd, p.ice_pwd);
        assert_string_equal(m->fingerprint, p.fingerprint);
        assert_int_equal(m->setup, SDP_SETUP_PASSIVE);
        assert_int_equal(m->direction, SDP_SENDRECV);
        assert_true(m->rtcp_mux);
        assert_int_equal(m->codec_count, 1);
        assert_int_equal(m->ssrc_count, 1);
        assert_string_equal(m->ssrcs[0].cname, "mcu-cname");
    }
    const struct sdp_media *a = &ans->media[0], *v = &ans->media[1];
    assert_string_equal(a->codecs[0].name, "opus");
    assert_int_equal(a->codecs[0].channels, 2);
    assert_string_equal(a->codecs[0].fmtp, "minptime=10;useinbandfec=1");
    assert_int_equal(a->codecs[0].rtcp_fb_count, 1);
    assert_string_equal(a->codecs[0].rtcp_fb[0], "transport-cc");
    assert_int_equal(a->extmap_count, 4); /* audio-level, abs-send-time, transport-cc, mid */
    assert_int_equal(a->ssrcs[0].ssrc, 0x11111111);
    assert_string_equal(a->msid, "hoinghi hoinghi-audio");
    assert_string_equal(a->ssrcs[0].msid, "hoinghi hoinghi-audio");
    assert_int_equal(a->candidate_count, 2); /* on the BUNDLE tag only */
    assert_string_equal(a->candidates[0], LOCAL_CANDIDATES[0]);
    assert_true(a->end_of_candidates);
    assert_int_equal(v->candidate_count, 0);
    assert_string_equal(v->codecs[0].name, "VP8");
    assert_int_equal(v->codecs[0].payload_type, 96);
    assert_string_equal(v->codecs[0].fmtp, "");
    assert_int_equal(v->codecs[0].rtcp_fb_count, 5);
    assert_true(sdp_fixture_has_fb(&v->codecs[0], "transport-cc"));
    assert_int_equal(v->extmap_count, 3); /* abs-send-time, transport-cc, mid */
    assert_int_equal(v->extmaps[0].id, 2);
    assert_int_equal(v->extmaps[1].id, 3);
    assert_int_equal(v->extmaps[2].id, 4);
    assert_int_equal(v->ssrcs[0].ssrc, 0x22222222);
    assert_int_equal(v->fid_primary, 0);

    /* the written answer parses back to the same thing and names no rtx */
    char *text = sdp_write(ans);
    assert_non_null(text);
    assert_null(strstr(text, "rtx"));
    assert_non_null(strstr(text, "a=group:BUNDLE 0 1\r\n"));
    assert_non_null(strstr(text, "a=ice-options:trickle\r\n"));
    assert_non_null(strstr(text, "a=end-of-candidates\r\n"));
    assert_non_null(strstr(text, "a=msid:hoinghi hoinghi-video\r\n"));
    struct sdp_session *back = sdp_fixture_parse_text(text);
    assert_int_equal(back->media_count, 2);
    assert_memory_equal(&back->media[1], &ans->media[1], sizeof back->media[1]);
    assert_memory_equal(back->bundle_mids, ans->bundle_mids, sizeof back->bundle_mids);
    free(text);
    sdp_session_free(back);
    sdp_session_free(ans);
    sdp_session_free(offer);
}

/* With accept_rtx the answer keeps the offer's rtx for the chosen codec (and only it). */
static void test_answer_rtx(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("chromium_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    p.accept_rtx = true;
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(n.video_pt, 96);
    assert_int_equal(n.video_rtx_pt, 97);
    char *text = sdp_write(ans);
    assert_non_null(text);
    assert_non_null(strstr(text, " 96 97\r\n"));
    assert_non_null(strstr(text, "a=rtpmap:97 rtx/90000\r\n"));
    assert_non_null(strstr(text, "a=fmtp:97 apt=96\r\n"));
    free(text);
    sdp_session_free(ans);

    /* H.264 chosen: its own rtx */
    p = test_params(SDP_VIDEO_H264, SDP_VIDEO_VP8);
    p.accept_rtx = true;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(n.video_codec, SDP_VIDEO_H264);
    assert_int_not_equal(n.video_rtx_pt, 0);
    const struct sdp_media *v = &ans->media[1];
    assert_int_equal(v->codec_count, 2);
    assert_string_equal(v->codecs[1].name, "rtx");
    char apt[16];
    snprintf(apt, sizeof apt, "apt=%u", n.video_pt);
    assert_string_equal(v->codecs[1].fmtp, apt);
    sdp_session_free(ans);
    sdp_session_free(offer);
}

static void test_answer_chromium_prefers_h264(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("chromium_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_H264, SDP_VIDEO_VP8);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    /* the first H.264 the offer lists with mode 1 and a baseline profile: 102 (42001f) */
    assert_int_equal(n.video_codec, SDP_VIDEO_H264);
    assert_int_equal(n.video_pt, 102);
    assert_string_equal(ans->media[1].codecs[0].fmtp,
                        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
    sdp_session_free(ans);
    sdp_session_free(offer);
}

/* transport-cc feedback is answered only with its header extension, whose id the
 * negotiation hands on. */
static void test_answer_transport_cc(void **state)
{
    (void)state;
    char *text = sdp_fixture_read("chromium_offer.sdp");
    assert_non_null(text);
    char *moved = replace_all(text, "a=extmap:3 http://www.ietf.org/id/draft-holmer",
                              "a=extmap:9 http://www.ietf.org/id/draft-holmer");
    char *without = replace_all(text, "a=extmap:3 http://www.ietf.org/id/draft-holmer",
                                "a=extmap:3 http://example.invalid/id/draft-holmer");
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    for (int k = 0; k < 2; k++) {
        struct sdp_session *offer = sdp_fixture_parse_text(k == 0 ? moved : without), *ans = NULL;
        struct sdp_negotiated n;
        assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
        assert_int_equal(n.transport_cc_ext_id, k == 0 ? 9 : 0);
        assert_int_equal(n.video_transport_cc, k == 0);
        for (size_t i = 0; i < 2; i++) {
            const struct sdp_media *m = &ans->media[i];
            assert_int_equal(sdp_fixture_has_fb(&m->codecs[0], "transport-cc"), k == 0);
            bool ext = false;
            for (size_t e = 0; e < m->extmap_count; e++)
                ext = ext || (m->extmaps[e].id == 9 && strstr(m->extmaps[e].uri, "transport-wide"));
            assert_int_equal(ext, k == 0);
        }
        assert_true(sdp_fixture_has_fb(&ans->media[1].codecs[0], "goog-remb")); /* REMB stays */
        sdp_session_free(ans);
        sdp_session_free(offer);
    }
    free(moved);
    free(without);
    free(text);
}

static void test_answer_webrtcbin_h264(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("webrtcbin_h264_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_true(n.has_audio && n.has_video);
    assert_string_equal(n.audio_mid, "audio0");
    assert_string_equal(n.video_mid, "video1");
    assert_int_equal(n.audio_pt, 111);
    assert_int_equal(n.audio_level_ext_id, 0);
    assert_int_equal(n.video_codec, SDP_VIDEO_H264);
    assert_int_equal(n.video_pt, 102);
    assert_int_equal(n.video_remote_ssrc, 2076709834u);
    assert_int_equal(n.video_remote_rtx_ssrc, 0);
    assert_false(n.video_nack);
    assert_true(n.video_pli && n.video_fir);
    assert_false(n.video_remb);
    assert_int_equal(n.mid_ext_id, 0);
    assert_string_equal(n.remote_ice_ufrag, "xS+2tSoVgecpbHGA6gfGnzt/+wdjP0hW");
    const struct sdp_media *v = &ans->media[1];
    assert_int_equal(v->port, 40000); /* bundle-only in the offer, live in the answer */
    assert_false(v->bundle_only);
    assert_string_equal(v->codecs[0].name, "H264");
    assert_string_equal(v->codecs[0].fmtp,
                        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c015");
    assert_int_equal(v->codecs[0].rtcp_fb_count, 2);
    assert_string_equal(ans->media[0].codecs[0].name, "OPUS");
    assert_int_equal(ans->bundle_count, 2);
    sdp_session_free(ans);
    sdp_session_free(offer);
}

static void test_answer_webrtcbin_vp8(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("webrtcbin_vp8_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_H264, SDP_VIDEO_VP8);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(n.video_codec, SDP_VIDEO_VP8);
    assert_int_equal(n.video_pt, 96);
    sdp_session_free(ans);
    sdp_session_free(offer);
}

/* Video the preference list excludes is refused; audio still goes through. */
static void test_answer_video_refused_when_not_preferred(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("webrtcbin_h264_offer.sdp"), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_NONE);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_true(n.has_audio);
    assert_false(n.has_video);
    assert_int_equal(n.video_codec, SDP_VIDEO_NONE);
    assert_int_equal(ans->media_count, 2);
    assert_int_equal(ans->media[1].port, 0);
    assert_int_equal(ans->media[1].direction, SDP_INACTIVE);
    assert_int_equal(ans->bundle_count, 1);
    assert_string_equal(ans->bundle_mids[0], "audio0");
    sdp_session_free(ans);
    sdp_session_free(offer);
}

/* A data channel and a second video are answered with port 0, in order. */
static void test_answer_refuses_extra_sections(void **state)
{
    (void)state;
    char *text = sdp_fixture_read("chromium_offer.sdp");
    assert_non_null(text);
    char *grouped = replace_all(text, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2 3");
    char *full = malloc(strlen(grouped) + 2048);
    assert_non_null(full);
    sprintf(
        full,
        "%s"
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
        "a=ice-ufrag:XhNx\r\na=ice-pwd:CrSo3wSTyNwYCH6V/08VXsVi\r\na=setup:actpass\r\n"
        "a=fingerprint:sha-256 26:61:AA:3F\r\na=mid:2\r\na=sctp-port:5000\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:XhNx\r\n"
        "a=ice-pwd:CrSo3wSTyNwYCH6V/08VXsVi\r\na=setup:actpass\r\n"
        "a=fingerprint:sha-256 26:61:AA:3F\r\na=mid:3\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n",
        grouped);
    struct sdp_session *offer = sdp_fixture_parse_text(full), *ans = NULL;
    assert_int_equal(offer->media_count, 4);
    assert_string_equal(offer->media[2].formats, "webrtc-datachannel");
    assert_int_equal(offer->media[2].codec_count, 0);
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(ans->media_count, 4);
    assert_int_equal(ans->media[0].port, 40000);
    assert_int_equal(ans->media[1].port, 40000);
    assert_int_equal(ans->media[2].port, 0);
    assert_string_equal(ans->media[2].type_name, "application");
    assert_string_equal(ans->media[2].proto, "UDP/DTLS/SCTP");
    assert_string_equal(ans->media[2].formats, "webrtc-datachannel");
    assert_int_equal(ans->media[3].port, 0);
    assert_string_equal(ans->media[3].mid, "3");
    assert_int_equal(ans->bundle_count, 2);
    assert_string_equal(n.video_mid, "1");
    char *written = sdp_write(ans);
    assert_non_null(strstr(written, "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
    assert_non_null(strstr(written, "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n"));
    free(written);
    sdp_session_free(ans);
    sdp_session_free(offer);
    free(full);
    free(grouped);
    free(text);
}

static enum sdp_setup setup_for(const char *offered_line, enum sdp_setup wanted)
{
    char *text = sdp_fixture_read("chromium_offer.sdp");
    char *changed = replace_all(text, "a=setup:actpass", offered_line);
    struct sdp_session *offer = sdp_fixture_parse_text(changed), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    p.setup = wanted;
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(ans->media[0].setup, n.local_setup);
    assert_int_equal(ans->media[1].setup, n.local_setup);
    enum sdp_setup result = n.local_setup;
    sdp_session_free(ans);
    sdp_session_free(offer);
    free(changed);
    free(text);
    return result;
}

static void test_answer_setup_rfc8842(void **state)
{
    (void)state;
    assert_int_equal(setup_for("a=setup:actpass", SDP_SETUP_NONE), SDP_SETUP_PASSIVE);
    assert_int_equal(setup_for("a=setup:actpass", SDP_SETUP_ACTIVE), SDP_SETUP_ACTIVE);
    assert_int_equal(setup_for("a=setup:actpass", SDP_SETUP_PASSIVE), SDP_SETUP_PASSIVE);
    assert_int_equal(setup_for("a=setup:active", SDP_SETUP_NONE), SDP_SETUP_PASSIVE);
    assert_int_equal(setup_for("a=setup:active", SDP_SETUP_ACTIVE), SDP_SETUP_PASSIVE);
    assert_int_equal(setup_for("a=setup:passive", SDP_SETUP_NONE), SDP_SETUP_ACTIVE);
    assert_int_equal(setup_for("a=x-no-setup", SDP_SETUP_NONE), SDP_SETUP_PASSIVE);
}

static void direction_case(const char *offered, enum sdp_direction expected, bool announces_ssrc)
{
    char *text = sdp_fixture_read("chromium_offer.sdp");
    char *changed = replace_all(text, "a=sendrecv", offered);
    struct sdp_session *offer = sdp_fixture_parse_text(changed), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    struct sdp_negotiated n;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(ans->media[i].direction, expected);
        assert_int_equal(ans->media[i].ssrc_count, announces_ssrc ? 1 : 0);
        assert_int_equal(ans->media[i].msid[0] != '\0', announces_ssrc);
    }
    sdp_session_free(ans);
    sdp_session_free(offer);
    free(changed);
    free(text);
}

static void test_answer_mirrors_direction(void **state)
{
    (void)state;
    direction_case("a=sendrecv", SDP_SENDRECV, true);
    direction_case("a=sendonly", SDP_RECVONLY, false);
    direction_case("a=recvonly", SDP_SENDONLY, true);
    direction_case("a=inactive", SDP_INACTIVE, false);
}

/* One video codec with the given rtpmap + fmtp; true when the answer takes it. */
static bool video_accepted(const char *rtpmap, const char *fmtp)
{
    char text[2048];
    snprintf(text, sizeof text,
             "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE v\r\n"
             "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
             "a=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\n"
             "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=mid:v\r\na=rtcp-mux\r\n"
             "a=rtpmap:100 %s\r\n%s%s%s",
             rtpmap, fmtp ? "a=fmtp:100 " : "", fmtp ? fmtp : "", fmtp ? "\r\n" : "");
    struct sdp_session *offer = sdp_fixture_parse_text(text), *ans = NULL;
    struct sdp_answer_params p = test_params(SDP_VIDEO_H264, SDP_VIDEO_VP8);
    struct sdp_negotiated n;
    enum sdp_error rc = answer(offer, &p, &ans, &n);
    assert_true(rc == SDP_OK || rc == SDP_ERROR_NO_CODEC);
    sdp_session_free(ans);
    sdp_session_free(offer);
    return rc == SDP_OK;
}

static void test_answer_h264_profiles(void **state)
{
    (void)state;
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=42e01f"));
    assert_true(video_accepted("H264/90000", "profile-level-id=42C01F;packetization-mode=1"));
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=42001f"));
    assert_true(video_accepted("h264/90000", "packetization-mode=1")); /* default 420010 */
    assert_false(video_accepted("H264/90000", "packetization-mode=0;profile-level-id=42e01f"));
    assert_false(video_accepted("H264/90000", "profile-level-id=42e01f")); /* mode 0 by default */
    /* Main and High (room systems send them, B-frames included) */
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=4d001f"));
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=4d401f"));
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=640c1f"));
    assert_true(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=640028"));
    assert_false(video_accepted("H264/90000", "packetization-mode=0;profile-level-id=640c1f"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=6e001f"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=f4001f"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=640d1f"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=42e11f"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=42e0"));
    assert_false(video_accepted("H264/90000", "packetization-mode=1;profile-level-id=zze01f"));
    assert_true(video_accepted("VP8/90000", NULL));
    assert_false(video_accepted("VP8/48000", NULL));
    assert_false(video_accepted("VP9/90000", "profile-id=0"));
}

/* ---- refusals: each broken offer gets its own error ---- */

static void expect_refusal(const char *fixture, enum sdp_error expected, const char *code)
{
    char *text = sdp_fixture_read(fixture);
    assert_non_null(text);
    struct sdp_session *offer = NULL, *ans = NULL;
    char err[256] = "";
    enum sdp_error rc = sdp_parse(text, &offer, err, sizeof err);
    if (rc == SDP_OK) {
        struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
        struct sdp_negotiated n;
        rc = answer(offer, &p, &ans, &n);
    } else {
        assert_null(offer);
        assert_true(err[0] != '\0');
    }
    if (rc != expected) fprintf(stderr, "%s: got %d (%s), want %d\n", fixture, rc, err, expected);
    assert_int_equal(rc, expected);
    assert_string_equal(sdp_error_code(rc), code);
    sdp_session_free(offer);
    free(text);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refusal("no_fingerprint.sdp", SDP_ERROR_NO_FINGERPRINT, "sdp_no_fingerprint");
    expect_refusal("no_bundle.sdp", SDP_ERROR_NO_BUNDLE, "sdp_no_bundle");
    expect_refusal("no_rtcp_mux.sdp", SDP_ERROR_NO_RTCP_MUX, "sdp_no_rtcp_mux");
    expect_refusal("no_ice.sdp", SDP_ERROR_NO_ICE, "sdp_invalid");
    expect_refusal("unsupported_codecs.sdp", SDP_ERROR_NO_CODEC, "sdp_no_common_codec");
    expect_refusal("truncated.sdp", SDP_ERROR_SYNTAX, "sdp_invalid");
    expect_refusal("truncated_rtpmap.sdp", SDP_ERROR_SYNTAX, "sdp_invalid");
    expect_refusal("garbage.sdp", SDP_ERROR_SYNTAX, "sdp_invalid");
}

static void test_answer_params_checked(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse("chromium_offer.sdp"), *ans = NULL;
    struct sdp_negotiated n;
    struct sdp_answer_params p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    p.ice_ufrag = NULL;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_ERROR_SYNTAX);
    p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    const char *bad[] = {"candidate:1 1 udp 1 127.0.0.1 9 typ host\r\na=evil"};
    p.candidates = bad;
    p.candidate_count = 1;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_ERROR_SYNTAX);
    p = test_params(SDP_VIDEO_VP8, SDP_VIDEO_H264);
    p.candidates = NULL;
    p.candidate_count = 0;
    assert_int_equal(answer(offer, &p, &ans, &n), SDP_OK);
    assert_int_equal(ans->media[0].port, 9); /* no candidate: placeholder */
    assert_string_equal(ans->media[0].connection, "IN IP4 0.0.0.0");
    sdp_session_free(ans);
    sdp_session_free(offer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_chromium_prefers_vp8),
        cmocka_unit_test(test_answer_rtx),
        cmocka_unit_test(test_answer_chromium_prefers_h264),
        cmocka_unit_test(test_answer_transport_cc),
        cmocka_unit_test(test_answer_webrtcbin_h264),
        cmocka_unit_test(test_answer_webrtcbin_vp8),
        cmocka_unit_test(test_answer_video_refused_when_not_preferred),
        cmocka_unit_test(test_answer_refuses_extra_sections),
        cmocka_unit_test(test_answer_setup_rfc8842),
        cmocka_unit_test(test_answer_mirrors_direction),
        cmocka_unit_test(test_answer_h264_profiles),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_answer_params_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
