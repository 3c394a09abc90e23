#!/bin/bash
# test_sdp_chromium_answer.sh - a real browser accepts the MCU's SDP answer.
#
# Headless Chromium makes a fresh offer (audio + video + a data channel); build/sdp-answer
# (tests/tools/sdp_answer.c on libsignaling) answers it preferring VP8, then H.264; the
# answer must pass Chromium's setRemoteDescription() with sendrecv audio/video, Opus,
# the preferred video codec and the data channel refused. Runs inside the runner's
# loopback-only namespace; no media flows (the answer's ICE/DTLS values are fake).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}

[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium is missing (make deps)"; exit 1; }
[ -d node_modules/playwright-core ] || { echo "FAIL: node_modules/playwright-core is missing (make deps)"; exit 1; }
command -v node >/dev/null || { echo "FAIL: node is missing (make deps)"; exit 1; }
[ -x "$BUILD/sdp-answer" ] || { echo "FAIL: $BUILD/sdp-answer is missing (make)"; exit 1; }

timeout 20 node tests/integration/sdp_chromium_answer.mjs "$BUILD"
