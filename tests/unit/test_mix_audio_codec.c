/* test_mix_audio_codec.c - the mix engine's audio codec (mixer/codec/mix_audio_codec.c):
 * Opus round trip through libopus, the OpusHead header, an encoder continuing
 * another's stream from a copy of its state, complexity changes, G.711 to 48 kHz. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "mixer/codec/mix_audio_codec.h"
#include "tests/unit/media_synth.h"

#define TICK AUDIO_FRAME_SAMPLES

static struct mix_audio_encoder *new_encoder(int complexity)
{
    struct mix_audio_encoder_config cfg;
    mix_audio_encoder_config_init(&cfg);
    cfg.complexity = complexity;
    struct mix_audio_encoder *enc = mix_audio_encoder_new(&cfg);
    assert_non_null(enc);
    return enc;
}

static void test_opus_roundtrip_and_header(void **state)
{
    (void)state;
    struct mix_audio_encoder *enc = new_encoder(5);
    struct mix_audio_decoder *dec = mix_audio_decoder_new(MEDIA_CODEC_OPUS);
    assert_non_null(dec);
    int16_t pcm[TICK], out[MIX_AUDIO_MAX_DECODED];
    double amp = 0;
    for (int t = 0; t < 20; t++) {
        synth_tone(pcm, TICK, 1, 1000, 8000, AUDIO_SAMPLE_RATE, (size_t)t * TICK);
        struct encoded_frame f;
        assert_int_equal(mix_audio_encoder_encode(enc, pcm, (int64_t)t * TICK, &f), 1);
        assert_int_equal(f.codec, MEDIA_CODEC_OPUS);
        assert_int_equal(f.rtp_timestamp, (uint32_t)(t * TICK));
        assert_true(f.size > 0 && f.size < 1500);
        assert_int_equal(mix_audio_decoder_decode(dec, f.data, f.size, out), TICK);
        amp = synth_tone_amplitude(out, TICK, 1, 1000, AUDIO_SAMPLE_RATE);
    }
    assert_true(fabs(amp - 8000) < 1200);
    size_t size;
    const uint8_t *head = mix_audio_encoder_extradata(enc, &size);
    assert_int_equal(size, 19);
    assert_memory_equal(head, "OpusHead", 8);
    assert_int_equal(head[8], 1); /* version */
    assert_int_equal(head[9], 1); /* mono */
    assert_int_equal(head[10] | head[11] << 8, mix_audio_encoder_delay(enc));
    assert_true(mix_audio_encoder_delay(enc) > 0);
    assert_int_equal(head[12] | head[13] << 8 | head[14] << 16, 48000);
    assert_int_equal(head[18], 0); /* mapping family */
    assert_int_equal(mix_audio_decoder_decode(dec, (const uint8_t *)"", 0, out), -1);
    mix_audio_decoder_free(dec);
    mix_audio_encoder_free(enc);
}

/* A copy of an encoder's state continues its stream: the copy's next packets are
 * the very bytes the original produces, until one of them changes complexity. */
static void test_copied_state_continues_the_stream(void **state)
{
    (void)state;
    struct mix_audio_encoder *full = new_encoder(5);
    struct mix_audio_encoder *own = new_encoder(5);
    int16_t pcm[TICK];
    struct encoded_frame a, b;
    for (int t = 0; t < 10; t++) {
        synth_tone(pcm, TICK, 1, 440, 6000, AUDIO_SAMPLE_RATE, (size_t)t * TICK);
        assert_int_equal(mix_audio_encoder_encode(full, pcm, (int64_t)t * TICK, &a), 1);
    }
    mix_audio_encoder_copy_state(own, full);
    for (int t = 10; t < 15; t++) {
        synth_tone(pcm, TICK, 1, 440, 6000, AUDIO_SAMPLE_RATE, (size_t)t * TICK);
        assert_int_equal(mix_audio_encoder_encode(full, pcm, (int64_t)t * TICK, &a), 1);
        uint8_t kept[1500];
        size_t kept_size = a.size;
        memcpy(kept, a.data, a.size);
        assert_int_equal(mix_audio_encoder_encode(own, pcm, (int64_t)t * TICK, &b), 1);
        assert_int_equal(b.size, kept_size);
        assert_memory_equal(b.data, kept, kept_size);
    }
    /* Lower complexity from here on: still a valid stream, decodable by a decoder
     * that followed the original. */
    assert_int_equal(mix_audio_encoder_set_complexity(own, 1), 0);
    assert_int_equal(mix_audio_encoder_set_complexity(own, 11), -1);
    struct mix_audio_decoder *dec = mix_audio_decoder_new(MEDIA_CODEC_OPUS);
    int16_t out[MIX_AUDIO_MAX_DECODED];
    for (int t = 15; t < 25; t++) {
        synth_tone(pcm, TICK, 1, 440, 6000, AUDIO_SAMPLE_RATE, (size_t)t * TICK);
        assert_int_equal(mix_audio_encoder_encode(own, pcm, (int64_t)t * TICK, &b), 1);
        assert_int_equal(mix_audio_decoder_decode(dec, b.data, b.size, out), TICK);
    }
    assert_true(synth_tone_amplitude(out, TICK, 1, 440, AUDIO_SAMPLE_RATE) > 4500);
    mix_audio_encoder_reset(own);
    assert_int_equal(mix_audio_encoder_encode(own, pcm, 0, &b), 1);
    mix_audio_decoder_free(dec);
    mix_audio_encoder_free(own);
    mix_audio_encoder_free(full);
}

static void test_g711_to_48k(void **state)
{
    (void)state;
    struct mix_audio_decoder *dec = mix_audio_decoder_new(MEDIA_CODEC_PCMU);
    assert_non_null(dec);
    uint8_t payload[160];
    memset(payload, 0xff, sizeof payload); /* mu-law silence */
    int16_t out[MIX_AUDIO_MAX_DECODED];
    int total = 0;
    for (int i = 0; i < 5; i++) {
        int n = mix_audio_decoder_decode(dec, payload, sizeof payload, out);
        assert_true(n >= 0 && n <= TICK);
        total += n;
    }
    /* 100 ms at 8 kHz is 4800 samples at 48 kHz, less the resampler's delay. */
    assert_true(total > 4000 && total <= 4800);
    mix_audio_decoder_free(dec);
    assert_null(mix_audio_decoder_new(MEDIA_CODEC_VP8));
    struct mix_audio_encoder_config bad = {.bitrate = 1000, .complexity = 5};
    assert_null(mix_audio_encoder_new(&bad));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opus_roundtrip_and_header),
        cmocka_unit_test(test_copied_state_continues_the_stream),
        cmocka_unit_test(test_g711_to_48k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
