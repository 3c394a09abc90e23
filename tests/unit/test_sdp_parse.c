/* test_sdp_parse.c - SDP parse and write (signaling/sdp/sdp.h) on offers captured from
 * real peers (tests/fixtures/sdp/: headless Chromium, GStreamer webrtcbin), syntax errors,
 * size limits and list bounds. Answers are in test_sdp_answer.c. */
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

static const struct sdp_codec *codec_by_pt(const struct sdp_media *m, uint8_t pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return &m->codecs[i];
    return NULL;
}

static bool has_attribute(const struct sdp_attribute *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0) return true;
    return false;
}

/* ---- parsing real offers ---- */

static void test_parse_chromium_offer(void **state)
{
    (void)state;
    struct sdp_session *s = sdp_fixture_parse("chromium_offer.sdp");
    assert_int_equal(s->origin_session_id, 7362759710298352495ULL);
    assert_int_equal(s->origin_version, 2);
    assert_string_equal(s->origin_address, "IN IP4 127.0.0.1");
    assert_int_equal(s->bundle_count, 2);
    assert_string_equal(s->bundle_mids[0], "0");
    assert_string_equal(s->bundle_mids[1], "1");
    assert_true(s->ice_trickle);
    assert_string_equal(s->msid_semantic, "WMS a8612ffe-cb4e-4615-98f8-84d43e7e2e0d");
    assert_true(has_attribute(s->attributes, s->attribute_count, "extmap-allow-mixed"));
    assert_int_equal(s->media_count, 2);

    const struct sdp_media *a = &s->media[0];
    assert_int_equal(a->type, SDP_MEDIA_AUDIO);
    assert_int_equal(a->port, 42025);
    assert_string_equal(a->proto, "UDP/TLS/RTP/SAVPF");
    assert_string_equal(a->connection, "IN IP4 127.0.0.1");
    assert_string_equal(a->mid, "0");
    assert_string_equal(a->ice_ufrag, "XhNx");
    assert_string_equal(a->ice_pwd, "CrSo3wSTyNwYCH6V/08VXsVi");
    assert_string_equal(a->fingerprint_hash, "sha-256");
    assert_string_equal(
        a->fingerprint,
        "26:61:AA:3F:F0:7A:75:5F:DE:8F:99:97:C0:B4:4B:CB:15:17:DB:39:B7:17:6F:72:6D:A8:82:61:70:7B:82:1D");
    assert_int_equal(a->setup, SDP_SETUP_ACTPASS);
    assert_int_equal(a->direction, SDP_SENDRECV);
    assert_true(a->rtcp_mux);
    assert_true(a->rtcp_rsize);
    assert_false(a->bundle_only);
    assert_string_equal(
        a->msid, "a8612ffe-cb4e-4615-98f8-84d43e7e2e0d 58cd8504-e8e8-4f51-8a92-ebbd72d64f65");
    assert_int_equal(a->codec_count, 8);
    assert_int_equal(a->codecs[0].payload_type, 111);
    assert_string_equal(a->codecs[0].name, "opus");
    assert_int_equal(a->codecs[0].clock_rate, 48000);
    assert_int_equal(a->codecs[0].channels, 2);
    assert_string_equal(a->codecs[0].fmtp, "minptime=10;useinbandfec=1");
    assert_int_equal(a->codecs[0].rtcp_fb_count, 1);
    assert_string_equal(a->codecs[0].rtcp_fb[0], "transport-cc");
    assert_string_equal(codec_by_pt(a, 0)->name, "PCMU");
    assert_string_equal(codec_by_pt(a, 63)->fmtp, "111/111");
    assert_int_equal(codec_by_pt(a, 126)->clock_rate, 8000);
    assert_int_equal(a->extmap_count, 4);
    assert_int_equal(a->extmaps[0].id, 1);
    assert_string_equal(a->extmaps[0].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    assert_int_equal(a->extmaps[3].id, 4);
    assert_string_equal(a->extmaps[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
    assert_int_equal(a->candidate_count, 2);
    assert_string_equal(
        a->candidates[0],
        "candidate:54621268 1 udp 2122260223 127.0.0.1 42025 typ host generation 0 network-id 1 network-cost 50");
    assert_non_null(strstr(a->candidates[1], " tcp "));
    assert_false(a->end_of_candidates);
    assert_int_equal(a->ssrc_count, 1);
    assert_int_equal(a->ssrcs[0].ssrc, 24780773);
    assert_string_equal(a->ssrcs[0].cname, "JFzJv9K/yuIgIYem");
    assert_string_equal(a->ssrcs[0].msid, a->msid);
    assert_true(has_attribute(a->attributes, a->attribute_count, "rtcp"));
    assert_true(has_attribute(a->attributes, a->attribute_count, "rtcp-xr"));

    const struct sdp_media *v = &s->media[1];
    assert_int_equal(v->type, SDP_MEDIA_VIDEO);
    assert_int_equal(v->port, 9);
    assert_string_equal(v->mid, "1");
    assert_int_equal(v->codec_count, 23);
    assert_int_equal(v->codecs[0].payload_type, 96);
    assert_string_equal(v->codecs[0].name, "VP8");
    assert_int_equal(v->codecs[0].clock_rate, 90000);
    assert_int_equal(v->codecs[0].rtcp_fb_count, 5);
    assert_true(sdp_fixture_has_fb(&v->codecs[0], "goog-remb"));
    assert_true(sdp_fixture_has_fb(&v->codecs[0], "nack pli"));
    assert_string_equal(codec_by_pt(v, 97)->name, "rtx");
    assert_string_equal(codec_by_pt(v, 97)->fmtp, "apt=96");
    assert_string_equal(codec_by_pt(v, 102)->name, "H264");
    assert_string_equal(codec_by_pt(v, 102)->fmtp,
                        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
    assert_string_equal(codec_by_pt(v, 45)->name, "AV1");
    assert_int_equal(v->extmap_count, 11);
    assert_int_equal(v->extmaps[0].id, 14);
    assert_string_equal(v->extmaps[0].uri, "urn:ietf:params:rtp-hdrext:toffset");
    assert_int_equal(v->fid_primary, 1210724875u);
    assert_int_equal(v->fid_rtx, 4068526700u);
    assert_int_equal(v->ssrc_count, 2);
    assert_int_equal(v->ssrcs[1].ssrc, 4068526700u);
    assert_int_equal(v->candidate_count, 0);
    sdp_session_free(s);
}

static void test_parse_webrtcbin_h264_offer(void **state)
{
    (void)state;
    struct sdp_session *s = sdp_fixture_parse("webrtcbin_h264_offer.sdp");
    assert_int_equal(s->media_count, 2);
    assert_int_equal(s->bundle_count, 2);
    assert_string_equal(s->bundle_mids[0], "audio0");
    assert_string_equal(s->bundle_mids[1], "video1");
    assert_true(s->ice_trickle);
    const struct sdp_media *a = &s->media[0], *v = &s->media[1];
    assert_string_equal(a->mid, "audio0");
    assert_int_equal(a->codec_count, 1);
    assert_string_equal(a->codecs[0].name, "OPUS");
    assert_int_equal(a->codecs[0].payload_type, 111);
    assert_int_equal(a->candidate_count, 3);
    assert_non_null(strstr(a->candidates[0], "UDP"));
    assert_string_equal(a->ice_ufrag, "xS+2tSoVgecpbHGA6gfGnzt/+wdjP0hW");
    assert_string_equal(a->fingerprint_hash, "sha-256");
    assert_int_equal(a->ssrc_count, 1);
    assert_int_equal(a->ssrcs[0].ssrc, 3855148905u);
    assert_true(has_attribute(a->attributes, a->attribute_count, "rtcp-mux-only"));
    assert_int_equal(v->port, 0);
    assert_true(v->bundle_only);
    assert_string_equal(v->mid, "video1");
    assert_int_equal(v->codec_count, 1);
    assert_int_equal(v->codecs[0].payload_type, 102);
    assert_string_equal(v->codecs[0].name, "H264");
    assert_non_null(strstr(v->codecs[0].fmtp, "profile-level-id=42c015"));
    assert_non_null(strstr(v->codecs[0].fmtp, "packetization-mode=1"));
    assert_int_equal(v->codecs[0].rtcp_fb_count, 3);
    assert_int_equal(v->candidate_count, 0);
    assert_true(has_attribute(v->attributes, v->attribute_count, "framerate"));
    sdp_session_free(s);
}

/* parse -> write -> parse gives the same structure, and the writer is stable. */
static void roundtrip(const char *fixture)
{
    struct sdp_session *s1 = sdp_fixture_parse(fixture);
    char *t1 = sdp_write(s1);
    assert_non_null(t1);
    struct sdp_session *s2 = sdp_fixture_parse_text(t1);
    assert_memory_equal(s1, s2, sizeof *s1);
    char *t2 = sdp_write(s2);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\r\n"));
    free(t1);
    free(t2);
    sdp_session_free(s1);
    sdp_session_free(s2);
}

static void test_roundtrip_real_offers(void **state)
{
    (void)state;
    roundtrip("chromium_offer.sdp");
    roundtrip("webrtcbin_h264_offer.sdp");
    roundtrip("webrtcbin_vp8_offer.sdp");
}

static void expect_syntax(const char *text, const char *message_part)
{
    struct sdp_session *s = (struct sdp_session *)1;
    char err[256] = "";
    assert_int_equal(sdp_parse(text, &s, err, sizeof err), SDP_ERROR_SYNTAX);
    assert_null(s);
    if (strstr(err, message_part) == NULL)
        fprintf(stderr, "error \"%s\" does not mention \"%s\"\n", err, message_part);
    assert_non_null(strstr(err, message_part));
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_syntax("", "empty");
    expect_syntax("\r\n\r\n", "empty");
    expect_syntax("o=- 1 1 IN IP4 0.0.0.0\r\n", "v=0");
    expect_syntax("v=1\r\n", "v=0");
    expect_syntax("v=0\r\ns=-\r\n", "no o=");
    expect_syntax("v=0\r\nm=audio 9 RTP/AVP 0\r\n", "m= before o=");
    expect_syntax("v=0\r\no=- 1\r\n", "line 2: o= line");
    expect_syntax("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n", "numbers");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 70000 RTP/AVP 0\r\n", "port");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 128\r\n", "0..127");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP x\r\n", "0..127");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nx\r\n", "line 3");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=setup:holdconn\r\n", "setup");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=fingerprint:sha-256\r\n", "fingerprint");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=ice-ufrag:\r\n", "ice-ufrag");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=x\001y\r\n", "control");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=extmap:0 urn:x\r\n",
                  "extmap");
    expect_syntax(
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=ssrc:99999999999 cname:x\r\n",
        "SSRC");
    expect_syntax(
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=ssrc-group:FID 1\r\n", "FID");
    expect_syntax("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=mid:\r\n", "mid");
}

static void test_too_large(void **state)
{
    (void)state;
    /* a real offer padded with attribute lines past SDP_MAX_TEXT */
    char *base = sdp_fixture_read("chromium_offer.sdp");
    size_t len = strlen(base);
    char *huge = malloc(SDP_MAX_TEXT + 4096);
    assert_non_null(huge);
    memcpy(huge, base, len);
    while (len < SDP_MAX_TEXT + 100) {
        memcpy(huge + len, "a=x-padding:0123456789\r\n", 24);
        len += 24;
    }
    huge[len] = '\0';
    struct sdp_session *s = NULL;
    char err[128] = "";
    assert_int_equal(sdp_parse(huge, &s, err, sizeof err), SDP_ERROR_TOO_LARGE);
    assert_null(s);
    assert_non_null(strstr(err, "larger"));
    assert_string_equal(sdp_error_code(SDP_ERROR_TOO_LARGE), "sdp_invalid");
    /* cut back to whole lines within the limit: accepted */
    size_t cut = SDP_MAX_TEXT;
    while (cut > 0 && huge[cut - 1] != '\n') cut--;
    huge[cut] = '\0';
    assert_int_equal(sdp_parse(huge, &s, err, sizeof err), SDP_OK);
    sdp_session_free(s);
    free(huge);
    free(base);
}

/* Lists past their maximum: the rules in sdp.h. */
static void test_bounds(void **state)
{
    (void)state;
    char *text = malloc(64 * 1024);
    assert_non_null(text);
    size_t n = (size_t)sprintf(
        text, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF");
    for (int pt = 90; pt < 127; pt++) /* 37 payload types */
        n += (size_t)sprintf(text + n, " %d", pt);
    n += (size_t)sprintf(text + n, "\r\na=mid:v\r\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(text + n, "a=candidate:%d 1 udp 1 127.0.0.1 %d typ host\r\n", i,
                             1000 + i);
    for (int i = 1; i <= 20; i++) n += (size_t)sprintf(text + n, "a=extmap:%d urn:x:%d\r\n", i, i);
    for (int i = 1; i <= 12; i++) n += (size_t)sprintf(text + n, "a=ssrc:%d cname:c%d\r\n", i, i);
    for (int i = 1; i <= 80; i++) n += (size_t)sprintf(text + n, "a=x-unknown-%d:%d\r\n", i, i);
    for (int i = 1; i <= 15; i++) n += (size_t)sprintf(text + n, "a=rtcp-fb:90 fb%d\r\n", i);
    n += (size_t)sprintf(text + n, "a=rtpmap:126 VP8/90000\r\n"); /* not kept: ignored */
    n += (size_t)sprintf(text + n, "a=fmtp:127 x=1\r\n");
    struct sdp_session *s = sdp_fixture_parse_text(text);
    const struct sdp_media *m = &s->media[0];
    assert_int_equal(m->codec_count, SDP_MAX_CODECS);
    assert_int_equal(m->codecs[SDP_MAX_CODECS - 1].payload_type, 90 + SDP_MAX_CODECS - 1);
    assert_int_equal(m->candidate_count, SDP_MAX_CANDIDATES);
    assert_int_equal(m->extmap_count, SDP_MAX_EXTMAPS);
    assert_int_equal(m->ssrc_count, SDP_MAX_SSRCS);
    assert_int_equal(m->attribute_count, SDP_MAX_ATTRIBUTES);
    assert_int_equal(m->codecs[0].rtcp_fb_count, SDP_MAX_RTCP_FB);
    sdp_session_free(s);

    /* too many m= sections is an error */
    n = (size_t)sprintf(text, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
    for (int i = 0; i <= SDP_MAX_MEDIA; i++)
        n += (size_t)sprintf(text + n, "m=audio 9 RTP/AVP 0\r\n");
    expect_syntax(text, "more than");

    /* an interpreted value that does not fit is an error */
    n = (size_t)sprintf(text,
                        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=fmtp:96 ");
    memset(text + n, 'x', 600);
    strcpy(text + n + 600, "\r\n");
    expect_syntax(text, "fmtp");
    free(text);
}

static void test_error_codes(void **state)
{
    (void)state;
    assert_string_equal(sdp_error_code(SDP_ERROR_SYNTAX), "sdp_invalid");
    assert_string_equal(sdp_error_code(SDP_ERROR_TOO_LARGE), "sdp_invalid");
    assert_string_equal(sdp_error_code(SDP_ERROR_NO_ICE), "sdp_invalid");
    assert_string_equal(sdp_error_code(SDP_ERROR_NO_FINGERPRINT), "sdp_no_fingerprint");
    assert_string_equal(sdp_error_code(SDP_ERROR_NO_BUNDLE), "sdp_no_bundle");
    assert_string_equal(sdp_error_code(SDP_ERROR_NO_RTCP_MUX), "sdp_no_rtcp_mux");
    assert_string_equal(sdp_error_code(SDP_ERROR_NO_CODEC), "sdp_no_common_codec");
    assert_string_equal(sdp_direction_name(SDP_RECVONLY), "recvonly");
    assert_int_equal(sdp_direction_reverse(SDP_SENDONLY), SDP_RECVONLY);
    assert_string_equal(sdp_setup_name(SDP_SETUP_ACTPASS), "actpass");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_chromium_offer),
        cmocka_unit_test(test_parse_webrtcbin_h264_offer),
        cmocka_unit_test(test_roundtrip_real_offers),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_error_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
