#!/bin/bash
# test_video_quality.sh - output profiles in a live mixing conference: a Chromium room
# first receives the high profile (the canvas size), pins the low one (half size) with
# the `video_quality` request and gets it without the picture stopping, then the high
# one again; an unknown quality is refused. Exercises the receiver's profile switch at
# a keyframe and a profile being encoded only while somebody receives it.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
size=640x360
fps=15
codecs=vp8
CONF
start_mcud "$TEST_TMP/mcud.conf"
timeout -k 5 120 node "$ROOT/tests/integration/video_quality_chromium.mjs" "$MCUD_URL" meeting 640 360 \
    || fail "the room did not get the picture it asked for (see above)"
grep -q "moves to vp8-320x180" "$MCUD_LOG" || fail "mcud never moved the room to the low profile"
grep -q "moves to vp8-640x360" "$MCUD_LOG" || fail "mcud never moved the room back to the high profile"
process_running "$MCUD_PID" || fail "mcud died during the meeting"
stop_mcud
check_mcud_log_clean
say "pass"
