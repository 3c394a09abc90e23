#!/bin/bash
# test_send_bandwidth.sh - transport-cc feedback steers a room's sending: a Chromium room
# with a 1280x720 camera in a mixing conference ramps its outbound video up soon after
# joining (mcud answers the transport-wide-cc extension and sends feedback every 50 ms,
# so the browser's send-side estimator runs), backs off when a token bucket (tc tbf)
# on the namespace's loopback narrows the link, and comes back once it is removed.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud
command -v tc >/dev/null || fail "tc (iproute2) is missing; run: make deps"

# The room fills the whole canvas: its send limit (docs/sender-control.md) is
# 960 x 540 x 30 / 10 = 1.55 Mbit/s, above what this test waits for.
cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
size=960x540
fps=30
codecs=vp8
layout=1x1
CONF
# The camera: a moving pattern with noise, 1280x720 at 30 fps, 1 s looped (41 MiB): a
# picture that needs the bitrate (the built-in fake camera's does not).
ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=30:d=1,noise=alls=30:allf=t" \
    -pix_fmt yuv420p "$TEST_TMP/camera.y4m" || fail "ffmpeg could not make the camera file"
start_mcud "$TEST_TMP/mcud.conf"
control=$TEST_TMP/control
mkdir -p "$control"
timeout -k 5 220 node "$ROOT/tests/integration/send_bandwidth_chromium.mjs" "$MCUD_URL" meeting "$control" \
    "$TEST_TMP/camera.y4m" &
node_pid=$!
track_background "$node_pid"
shape_lo_on_request "$node_pid" "$control" "${SHAPE_RATE:-500kbit}"
rc=0
wait "$node_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the room's sending did not follow the bandwidth (see above)"
process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
