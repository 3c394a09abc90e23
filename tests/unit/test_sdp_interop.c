/* test_sdp_interop.c - SDP as other stacks write it (signaling/sdp/sdp.h): values
 * with spaces and tabs around them are read trimmed (a=rtcp-fb:96 nack<space> is
 * nack), H.264 Main and High profile offers are answered with the offer's
 * profile-level-id, and mDNS host candidates are told apart from IP ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "signaling/sdp/sdp.h"
#include "tests/unit/sdp_fixture.h"

/* A video-only offer whose every line ends in spaces or a tab (CRLF after them), with
 * spaces after the colons and inside lists where the grammar allows them. */
static const char SPACED_OFFER[] =
    "v=0 \r\n"
    "o=- 42 2 IN IP4 127.0.0.1  \r\n"
    "s=- \r\n"
    "t=0 0\t\r\n"
    "a=group:BUNDLE v \r\n"
    "a=ice-options:trickle \r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97  \r\n"
    "c=IN IP4 0.0.0.0 \r\n"
    "a=mid:v \r\n"
    "a=ice-ufrag: abcd \r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\t\r\n"
    "a=fingerprint:sha-256 AB:CD \r\n"
    "a=setup:actpass \r\n"
    "a=sendrecv \r\n"
    "a=rtcp-mux \r\n"
    "a=rtcp-rsize \r\n"
    "a=rtpmap:96 H264/90000 \r\n"
    "a=fmtp:96 packetization-mode=1 ; profile-level-id = 640c1f ;level-asymmetry-allowed=1 \r\n"
    "a=rtcp-fb:96 nack \r\n"
    "a=rtcp-fb:96 nack  pli \r\n"
    "a=rtcp-fb:96 goog-remb \r\n"
    "a=rtcp-fb:96 ccm\tfir\t\r\n"
    "a=rtpmap:97 rtx/90000 \r\n"
    "a=fmtp:97 apt=96 \r\n"
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid \r\n"
    "a=ssrc:1111 cname:room \r\n"
    "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host \r\n"
    "   \r\n"
    "a=end-of-candidates \r\n";

static const char *const LOCAL_CANDIDATES[] = {
    "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
};

static struct sdp_answer_params params(void)
{
    struct sdp_answer_params p = {
        .ice_ufrag = "mcuU",
        .ice_pwd = "mcupasswordmcupassword22",
        .fingerprint_hash = "sha-256",
        .fingerprint = "AA:BB",
        .audio_ssrc = 0x11111111,
        .video_ssrc = 0x22222222,
        .cname = "mcu-cname",
        .stream_id = "hoinghi",
        .video_preference = {SDP_VIDEO_VP8, SDP_VIDEO_H264},
        .candidates = LOCAL_CANDIDATES,
        .candidate_count = 1,
        .end_of_candidates = true,
    };
    return p;
}

static void test_values_trimmed(void **state)
{
    (void)state;
    struct sdp_session *s = sdp_fixture_parse_text(SPACED_OFFER);
    assert_string_equal(s->origin_address, "IN IP4 127.0.0.1");
    assert_int_equal(s->bundle_count, 1);
    assert_string_equal(s->bundle_mids[0], "v");
    assert_true(s->ice_trickle);
    assert_int_equal(s->media_count, 1);
    const struct sdp_media *m = &s->media[0];
    assert_string_equal(m->connection, "IN IP4 0.0.0.0");
    assert_string_equal(m->mid, "v");
    assert_string_equal(m->ice_ufrag, "abcd");
    assert_string_equal(m->ice_pwd, "abcdefghijklmnopqrstuvwx");
    assert_string_equal(m->fingerprint, "AB:CD");
    assert_int_equal(m->setup, SDP_SETUP_ACTPASS);
    assert_int_equal(m->direction, SDP_SENDRECV);
    assert_true(m->rtcp_mux);
    assert_true(m->rtcp_rsize);
    assert_true(m->end_of_candidates);
    assert_int_equal(m->codec_count, 2);
    const struct sdp_codec *h264 = &m->codecs[0];
    assert_string_equal(h264->name, "H264");
    assert_int_equal(h264->clock_rate, 90000);
    assert_int_equal(h264->rtcp_fb_count, 4);
    assert_string_equal(h264->rtcp_fb[0], "nack");
    assert_string_equal(h264->rtcp_fb[1], "nack pli");
    assert_string_equal(h264->rtcp_fb[2], "goog-remb");
    assert_string_equal(h264->rtcp_fb[3], "ccm fir");
    assert_string_equal(m->codecs[1].fmtp, "apt=96");
    assert_int_equal(m->extmap_count, 1);
    assert_string_equal(m->extmaps[0].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
    assert_int_equal(m->ssrc_count, 1);
    assert_string_equal(m->ssrcs[0].cname, "room");
    assert_int_equal(m->candidate_count, 1);
    assert_string_equal(m->candidates[0], "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host");
    sdp_session_free(s);
}

/* The answer to the spaced offer keeps every feedback type and the High profile. */
static void test_spaced_offer_answered_in_full(void **state)
{
    (void)state;
    struct sdp_session *offer = sdp_fixture_parse_text(SPACED_OFFER), *answer = NULL;
    struct sdp_answer_params p = params();
    struct sdp_negotiated n;
    char err[256] = "";
    assert_int_equal(sdp_answer_create(offer, &p, &answer, &n, err, sizeof err), SDP_OK);
    assert_int_equal(n.video_codec, SDP_VIDEO_H264);
    assert_int_equal(n.video_pt, 96);
    assert_int_equal(n.video_rtx_pt, 0); /* no rtx answered (docs/protocol.md) */
    assert_true(n.video_nack);
    assert_true(n.video_pli);
    assert_true(n.video_fir);
    assert_true(n.video_remb);
    char *text = sdp_write(answer);
    assert_non_null(text);
    assert_non_null(strstr(text, "a=rtcp-fb:96 nack\r\n"));
    assert_non_null(strstr(text, "a=rtcp-fb:96 nack pli\r\n"));
    assert_non_null(strstr(text, "a=rtcp-fb:96 goog-remb\r\n"));
    assert_non_null(strstr(text, "a=rtcp-fb:96 ccm fir\r\n"));
    assert_non_null(strstr(text, "profile-level-id=640c1f"));
    free(text);
    sdp_session_free(answer);
    sdp_session_free(offer);
}

/* Leading spaces after "a=name:" and a name followed by spaces. */
static void test_attribute_edges(void **state)
{
    (void)state;
    struct sdp_session *s =
        sdp_fixture_parse_text("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=group: BUNDLE  0 1 \r\n"
                               "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:  0\r\n"
                               "a=rtpmap: 111 opus/48000/2 \r\na=rtcp-fb:* transport-cc \r\n");
    assert_int_equal(s->bundle_count, 2);
    assert_string_equal(s->bundle_mids[1], "1");
    assert_string_equal(s->media[0].mid, "0");
    assert_string_equal(s->media[0].codecs[0].name, "opus");
    assert_int_equal(s->media[0].codecs[0].channels, 2);
    assert_string_equal(s->media[0].codecs[0].rtcp_fb[0], "transport-cc");
    sdp_session_free(s);
    /* a mid of spaces is no mid */
    struct sdp_session *bad = NULL;
    char err[128];
    assert_int_equal(
        sdp_parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 0\r\na=mid:  \r\n", &bad,
                  err, sizeof err),
        SDP_ERROR_SYNTAX);
    assert_null(bad);
    assert_non_null(strstr(err, "a=mid"));
}

static void test_mdns_candidates(void **state)
{
    (void)state;
    assert_true(sdp_candidate_is_mdns(
        "candidate:0 1 UDP 2122187007 7003a12f-9c5b-4a8e-b2a5-3c2f0e8d1a4b.local 46072 typ host"));
    assert_true(sdp_candidate_is_mdns("a=candidate:1 1 udp 2113937151 abc.LOCAL 5000 typ host"));
    assert_true(sdp_candidate_is_mdns("candidate:1  1 udp 1 x.local 5000 typ host"));
    assert_false(sdp_candidate_is_mdns("candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"));
    assert_false(sdp_candidate_is_mdns("candidate:1 1 udp 2130706431 ::1 5000 typ host"));
    assert_false(sdp_candidate_is_mdns("candidate:1 1 udp 1 .local 5000 typ host")); /* no name */
    assert_false(sdp_candidate_is_mdns("candidate:1 1 udp 1 local 5000 typ host"));
    assert_false(sdp_candidate_is_mdns("candidate:1 1 udp 1"));
    assert_false(sdp_candidate_is_mdns("x.local"));
    assert_false(sdp_candidate_is_mdns(""));
    assert_false(sdp_candidate_is_mdns(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_trimmed),
        cmocka_unit_test(test_spaced_offer_answered_in_full),
        cmocka_unit_test(test_attribute_edges),
        cmocka_unit_test(test_mdns_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
