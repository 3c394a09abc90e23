#!/bin/bash
# test_room_mix.sh - a meeting of three rooms from two WebRTC stacks in one mixing
# conference (type=mix, layout 2x2): one headless Chromium sending a green picture (a
# y4m file as its fake camera) joins first; then two mcu-room rooms (GStreamer
# webrtcbin) sending a red and a blue picture stay 10 s. Each mcu-room records what it receives; in the last frames of
# each recording the 2x2 picture must show the other rooms' colours (the red room sees
# blue and green tiles, the blue room red and green), ffprobe sees VP8 video and Opus
# audio. Both rooms exit 0, Chromium decodes the conference and leaves cleanly, and
# mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room chromium node node_modules
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || fail "ffmpeg/ffprobe are missing; run: make deps"

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

cat >"$TEST_TMP/mcud.conf" <<'EOF'
[conference meeting]
type=mix
title=Test meeting
layout=2x2
size=640x360
EOF
start_mcud "$TEST_TMP/mcud.conf"

# Chromium's camera and microphone: solid green, an 880 Hz tone.
ffmpeg -v error -f lavfi -i color=c=0x00ff00:size=320x180:rate=15:duration=2 -pix_fmt yuv420p "$TEST_TMP/green.y4m" \
    && ffmpeg -v error -f lavfi -i sine=frequency=880:duration=2:sample_rate=48000 "$TEST_TMP/tone.wav" \
    || fail "cannot make Chromium's fake camera and microphone files with ffmpeg"

STOP=$TEST_TMP/stop
node "$ROOT/tests/integration/room_mix_chromium.mjs" "$MCUD_URL" meeting "Chromium" "$TEST_TMP/green.y4m" \
    "$TEST_TMP/tone.wav" "$STOP" >"$TEST_TMP/chromium.log" 2>&1 &
CHROMIUM_PID=$!
track_background "$CHROMIUM_PID"

room_start() {   # room_start NAME COLOUR HZ -> pid in ROOM_PID; files $TEST_TMP/NAME.*
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference meeting --ice-address 127.0.0.1 --name "$1" --video "test:$2" --audio "test:$3" \
        --size 320x180 --fps 15 --duration 10 --record "$TEST_TMP/$1.mkv" \
        >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}
# The rooms come once Chromium is in the call, so it is in the picture while they record.
for _ in $(seq 400); do     # bounded: 40 s
    [ -e "$STOP.joined" ] && break
    process_running "$CHROMIUM_PID" || break
    sleep 0.1
done
[ -e "$STOP.joined" ] || { cat "$TEST_TMP/chromium.log"; fail "Chromium did not get into the meeting"; }
room_start red-room red 440
RED_PID=$ROOM_PID
room_start blue-room blue 660
BLUE_PID=$ROOM_PID

rc_red=0
rc_blue=0
wait "$RED_PID" || rc_red=$?
wait "$BLUE_PID" || rc_blue=$?
touch "$STOP"
rc_chromium=0
wait "$CHROMIUM_PID" || rc_chromium=$?
cat "$TEST_TMP/red-room.err" "$TEST_TMP/red-room.out" "$TEST_TMP/blue-room.err" "$TEST_TMP/blue-room.out" \
    "$TEST_TMP/chromium.log"
[ "$rc_red" -eq 0 ] || fail "the red room exited $rc_red"
[ "$rc_blue" -eq 0 ] || fail "the blue room exited $rc_blue"
[ "$rc_chromium" -eq 0 ] || fail "Chromium failed in the meeting (exit $rc_chromium)"
grep -q 'blue-room' "$TEST_TMP/red-room.err" || fail "the red room never heard of the blue room (participants events)"

# check_tiles FILE COLOUR...: the 2x2 quadrants of the frame 4 s before the recording's
# end include every COLOUR (the rooms stay 10 s each but do not leave at the same
# instant: near the end one may already be gone from the other's picture).
check_tiles() {
    local file=$1 w h qx qy found="" colour want
    shift
    streams=$(ffprobe -v error -show_entries stream=codec_name,width,height -of compact=p=0 "$file")
    grep -q 'codec_name=vp8|width=' <<<"$streams" || fail "$file has no VP8 video: $streams"
    grep -q 'codec_name=opus' <<<"$streams" || fail "$file has no Opus audio: $streams"
    w=$(sed -n 's/.*codec_name=vp8|width=\([0-9]*\)|height=.*/\1/p' <<<"$streams")
    h=$(sed -n 's/.*codec_name=vp8|width=[0-9]*|height=\([0-9]*\).*/\1/p' <<<"$streams")
    for qy in 0 $((h / 2)); do
        for qx in 0 $((w / 2)); do
            # the middle of the tile, clear of the name label at its bottom left
            colour=$(mean_colour "$file" $((qx + w / 8)) $((qy + h / 12)) $((w / 4)) $((h / 6)) 4)
            for want in red green blue; do
                colour_is "$colour" "$want" && found="$found $want"
            done
            say "$(basename "$file"): tile at $qx,$qy mean RGB $colour"
        done
    done
    for want in "$@"; do
        [[ " $found " == *" $want "* ]] || fail "$(basename "$file") shows no $want tile (tiles:$found)"
    done
}
check_tiles "$TEST_TMP/red-room.mkv" blue green
check_tiles "$TEST_TMP/blue-room.mkv" red green

stop_mcud
check_mcud_log_clean
say "pass"
