#!/bin/bash
# test_send_limits.sh - the MCU steers its senders (docs/sender-control.md). A 3x3
# conference on a 640x360 canvas at 15 fps: an mcu-room "camera" room sending 640x360
# joins first, three mcu-room rooms follow, then a Chromium page joins as the fifth room
# (send_limits_chromium.mjs): its picture fits its cell and its bitrate the limit; the
# operator sets 2x2, which pushes it out of view: its video stops; 3x3 again brings it
# back with a keyframe. mcu-room honours the event: the camera room logs the limits it
# applied (about 213x120 in 3x3, 320x180 in 2x2) and its --stats lines show the size it
# sends following them. mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require mcud mcu-room mcuctl chromium node node_modules

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
layout=3x3
size=640x360
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"

room() {   # room NAME LOG ARGS... -> pid in ROOM_PID
    local name=$1 log=$2
    shift 2
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference meeting --ice-address 127.0.0.1 --name "$name" --audio none --fps 15 \
        --duration 120 "$@" >"$log" 2>&1 &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}
wait_log() {   # wait_log FILE PATTERN COUNT SECONDS
    local tries
    for tries in $(seq $(($4 * 10))); do
        [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}

CAMERA_LOG=$TEST_TMP/camera.log
room camera "$CAMERA_LOG" --video test:smpte --size 640x360 --bitrate 800 --stats --stats-interval 1
CAMERA_PID=$ROOM_PID
wait_log "$CAMERA_LOG" "media connected" 1 30 || { cat "$CAMERA_LOG"; fail "the camera room did not connect"; }
FILL_LOG=$TEST_TMP/fill.log
room fill "$FILL_LOG" --video test:ball --size 320x180 --count 3
FILL_PID=$ROOM_PID
wait_log "$FILL_LOG" "media connected" 3 40 || { cat "$FILL_LOG"; fail "the three other rooms did not connect"; }

# mcu-room honours the event: in 3x3 on 640x360 its cell is about 213x120.
wait_log "$CAMERA_LOG" "send limits 21[0-4]x120@15 .*: sending 21[0-4]x1[12][0-9]@15" 1 20 \
    || { cat "$CAMERA_LOG"; fail "the camera room did not apply its 3x3 cell"; }
wait_log "$CAMERA_LOG" " sent 21[0-4]x1[12][0-9]" 1 20 \
    || { tail -n 20 "$CAMERA_LOG"; fail "the camera room's sent size did not follow"; }
say "$(grep -m1 "send limits 21" "$CAMERA_LOG")"
say "$(grep -m1 " sent 21" "$CAMERA_LOG")"

MCUCTL=$MCUCTL MCU_URL=$MCUD_URL MCU_STATE_DIR=$MCUD_STATE_DIR MCU_TOKEN= MCUCTL_CONFIG= \
    timeout -k 5 150 node "$ROOT/tests/integration/send_limits_chromium.mjs" "$MCUD_URL" meeting \
    || { tail -n 30 "$CAMERA_LOG"; fail "the browser room did not follow its send limits (see above)"; }

# The page's script set 2x2 for a while: the camera room got 320x180 and sent it.
grep -q "send limits 320x180@15 .*: sending 320x180@15" "$CAMERA_LOG" \
    || { cat "$CAMERA_LOG"; fail "the camera room did not apply its 2x2 cell"; }
grep -q " sent 320x180" "$CAMERA_LOG" || { cat "$CAMERA_LOG"; fail "the camera room did not send 320x180 in 2x2"; }
say "$(grep -m1 "send limits 320x180" "$CAMERA_LOG")"
say "$(grep -m1 " sent 320x180" "$CAMERA_LOG")"
grep -q "is not drawn: video paused" "$MCUD_LOG" || fail "mcud did not log the fifth room's pause"

kill -INT "$CAMERA_PID" "$FILL_PID" 2>/dev/null
wait "$CAMERA_PID" || true
wait "$FILL_PID" || true
process_running "$MCUD_PID" || fail "mcud died during the meeting"
stop_mcud
check_mcud_log_clean
say "pass"
