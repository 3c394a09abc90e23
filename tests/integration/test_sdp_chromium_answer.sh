#!/bin/bash
# test_sdp_chromium_answer.sh - a real browser accepts the MCU's SDP answer.
#
# Headless Chromium makes fresh offers (audio + video + a data channel); build/sdp-answer
# (tests/tools/sdp_answer.c on libsignaling) answers them preferring VP8, then H.264;
# each answer must pass Chromium's setRemoteDescription() with sendrecv audio/video,
# Opus, the preferred video codec and the data channel refused. No mcud and no media:
# the answer's ICE/DTLS values are test values.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules sdp-answer

timeout 20 node "$ROOT/tests/integration/sdp_chromium_answer.mjs" "$BUILD_DIR/sdp-answer" \
    || fail "Chromium did not accept the answer as promised"
