#!/bin/bash
# test_replay_ladder.sh - mcu-room --replay with a ladder of renditions follows the
# MCU's send limits (docs/sender-control.md, docs/room-client.md): a 2x2 conference on
# a 640x360 canvas at 15 fps, a camera room first, then a replay room given four
# renditions of one clip (640x360, 426x240, 320x180, 160x90, keyframes every second).
# In 2x2 the replay room sends the 320x180 rendition; in 1x1 it is not drawn and
# pauses; in 1+5 it resumes in a small cell with 160x90; focused into the big cell it
# sends 426x240. Each switch waits for a keyframe, so mcud's decoder never sees a
# broken stream: mcud logs no error, and the camera room still receives the composite.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require mcud mcu-room mcuctl ffmpeg

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
layout=2x2
size=640x360
fps=15
CONF

ladder=()
for size in 640x360 426x240 320x180 160x90; do
    clip=$TEST_TMP/clip-$size.webm
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=15" -t 4 -vf "scale=${size/x/:}" \
        -c:v libvpx -deadline realtime -cpu-used 8 -b:v 300k -g 15 -keyint_min 15 \
        -force_key_frames 'expr:gte(t,n_forced*1)' "$clip" || fail "ffmpeg could not make $clip"
    ladder+=(--replay "$clip")
done
start_mcud "$TEST_TMP/mcud.conf"

room() {   # room NAME LOG ARGS... -> pid in ROOM_PID
    local name=$1 log=$2
    shift 2
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference meeting --ice-address 127.0.0.1 --name "$name" --duration 120 \
        --stats --stats-interval 1 "$@" >"$log" 2>&1 &
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
# step: the replay room's log lines from here on count for the next expectations
SINCE=1
step() { SINCE=$(($(wc -l <"$LADDER_LOG") + 1)); }
# expect WHAT PATTERN: the replay room logged PATTERN since the last step
expect() {
    local tries
    for tries in $(seq 200); do
        tail -n "+$SINCE" "$LADDER_LOG" | grep -q -- "$2" && break
        sleep 0.1
    done
    tail -n "+$SINCE" "$LADDER_LOG" | grep -q -- "$2" \
        || { tail -n 30 "$LADDER_LOG"; fail "the replay room did not $1"; }
    say "$(tail -n "+$SINCE" "$LADDER_LOG" | grep -- "$2" | tail -n1)"
}

CAMERA_LOG=$TEST_TMP/camera.log
room camera "$CAMERA_LOG" --video test:ball --size 320x180 --fps 15 --audio none
CAMERA_PID=$ROOM_PID
wait_log "$CAMERA_LOG" "media connected" 1 30 || { cat "$CAMERA_LOG"; fail "the camera room did not connect"; }
LADDER_LOG=$TEST_TMP/ladder.log
room ladder "$LADDER_LOG" "${ladder[@]}"
LADDER_PID=$ROOM_PID
wait_log "$LADDER_LOG" "media connected" 1 30 || { cat "$LADDER_LOG"; fail "the replay room did not connect"; }
grep -q "video VP8 640x360, 426x240, 320x180, 160x90 as stored" "$LADDER_LOG" \
    || { cat "$LADDER_LOG"; fail "the replay room did not take the four renditions"; }
ladder_id=$(sed -nE 's/.*joined conference meeting as ([a-z0-9]+).*/\1/p' "$LADDER_LOG" | head -n1)
[ -n "$ladder_id" ] || { cat "$LADDER_LOG"; fail "no participant id in the replay room's log"; }

# 2x2 on 640x360: cells of 320x180
wait_log "$LADDER_LOG" "send limits 320x180@15 .*: sending rendition 320x180" 1 20 \
    || { cat "$LADDER_LOG"; fail "the replay room did not choose 320x180 for its 2x2 cell"; }
expect "send 320x180" " sent 320x180"

step
ctl layout set meeting 1x1 >/dev/null || fail "layout set 1x1 failed"
expect "pause when not drawn" "send limits: not drawn: video paused"
expect "stop sending when paused" " sent paused"

step
ctl layout set meeting 1+5 >/dev/null || fail "layout set 1+5 failed"
expect "choose 160x90 for a small cell" "send limits 21[0-4]x120@15 .*: sending rendition 160x90"
expect "send 160x90" " sent 160x90"

step
ctl participant focus meeting "$ladder_id" >/dev/null || fail "participant focus failed"
expect "choose 426x240 for the big cell" "send limits 42[68]x240@15 .*: sending rendition 426x240"
expect "send 426x240" " sent 426x240"

# the composite still comes to the camera room, decoded: at least 30 more frames (2 s
# at 15 fps) within 20 s of the last switch
camera_decoded() {
    local decoded
    decoded=$(grep "video .* received / .* decoded" "$CAMERA_LOG" | tail -n1 \
        | sed -nE 's/.*video [0-9]+ received \/ ([0-9]+) decoded.*/\1/p')
    echo "${decoded:-0}"
}
before=$(camera_decoded)
for tries in $(seq 200); do
    [ "$(camera_decoded)" -ge $(($before + 30)) ] && break
    sleep 0.1
done
last=$(grep "video .* received / .* decoded" "$CAMERA_LOG" | tail -n1)
[ "$(camera_decoded)" -ge $(($before + 30)) ] \
    || { tail -n 20 "$CAMERA_LOG"; fail "the camera room decoded too little of the composite ($before frames, then: $last)"; }
say "camera room: $last"

kill -INT "$CAMERA_PID" "$LADDER_PID" 2>/dev/null
wait "$CAMERA_PID" || true
wait "$LADDER_PID" || true
process_running "$MCUD_PID" || fail "mcud died during the meeting"
grep -iE "corrupt|decode error|cannot decode" "$MCUD_LOG" && fail "mcud's decoder saw a broken stream"
stop_mcud
check_mcud_log_clean
say "pass"
