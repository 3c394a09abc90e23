#!/bin/bash
# test_congestion.sh - output profiles follow the receiver's bandwidth: a Chromium room
# in a mixing conference receives the full-size picture; a token bucket (tc tbf) on the
# test namespace's loopback congests its link and mcud moves it to the half-size
# profile (REMB below what we send, or loss); with the bucket removed it moves it back
# up. Frames keep being decoded across both switches (they happen at keyframes).
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud
command -v tc >/dev/null || fail "tc (iproute2) is missing; run: make deps"

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
size=640x360
fps=15
codecs=vp8
CONF
start_mcud "$TEST_TMP/mcud.conf"
control=$TEST_TMP/control
mkdir -p "$control"
timeout -k 5 150 node "$ROOT/tests/integration/congestion_chromium.mjs" "$MCUD_URL" meeting 640 360 "$control" &
node_pid=$!
track_background "$node_pid"
shape_lo_on_request "$node_pid" "$control" "${CONGESTION_RATE:-300kbit}"
rc=0
wait "$node_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the room's picture did not follow its bandwidth (see above)"
grep -q "moves to vp8-320x180" "$MCUD_LOG" || fail "mcud never moved the room down"
grep -q "moves to vp8-640x360" "$MCUD_LOG" || fail "mcud never moved the room back up"
grep "moves to" "$MCUD_LOG"
process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
