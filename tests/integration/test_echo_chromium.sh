#!/bin/bash
# test_echo_chromium.sh - a real browser round trip: headless Chromium opens the web
# client served by mcud, joins the built-in `echo` conference, decodes its own video and
# hears its own audio back (its red picture and 450 Hz tone), mutes and unmutes, leaves, and sees the error for an unknown
# conference; mcud logs no error and exits 0 on SIGTERM. A screenshot of the call is
# left in tests/out/echo_chromium.png.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules ffmpeg mcud

make_room_media red 0xFF0000 450 30
start_mcud
mkdir -p "$ROOT/tests/out"
timeout -k 5 120 node "$ROOT/tests/integration/echo_chromium.mjs" "$MCUD_URL" "$ROOT/tests/out/echo_chromium.png" \
    "$TEST_TMP/red.y4m" "$TEST_TMP/red.wav" || fail "the browser echo call did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died during the call"
stop_mcud
check_mcud_log_clean
say "pass"
