# recording_lib.sh - helpers for the recording tests; source it after lib.sh.
#
#   write_recording_config ARCHIVE [POLICY]   $TEST_TMP/mcud.conf: conference `hop`
#                                       (mix, record=POLICY (default always), 640x360 at
#                                       25 fps, VP8) archived in ARCHIVE
#   start_rooms N                       N webrtc_peer rooms (VP8 + Opus) join `hop` and
#                                       stay (background, killed at exit); ROOM_PIDS
#   wait_log PATTERN SECONDS            bounded wait for an mcud log line (grep -E)
#   now_s                               seconds since the epoch, with decimals
#   log_time first|last PATTERN         when mcud logged the first/last matching line
#                                       (seconds since the epoch)
#   probe_streams FILE                  "codec_type:codec_name" per stream, one a line
#   probe_duration FILE                 the container's duration in seconds
#   decode_errors FILE                  what `ffmpeg -v error -i FILE -f null -` prints
#   json_field FILE KEY                 a top-level string/number field of a sidecar
#   json_room_count FILE                the rooms listed in a sidecar
#   close_to A B LIMIT                  true when |A - B| <= LIMIT (numbers)

command -v ffprobe >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 \
    || fail "ffprobe/ffmpeg are missing; run: make deps"
require mcud tests/webrtc_peer
PEER_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ROOM_PIDS=()

write_recording_config() {
    cat >"$TEST_TMP/mcud.conf" <<EOF
[mcud]
archive-dir=$1

[conference hop]
type=mix
title=Họp giao ban
record=${2:-always}
size=640x360
fps=25
codecs=vp8
EOF
}

start_rooms() {
    local i pid
    for i in $(seq "$1"); do
        # A --min-frames goal never reached: the room stays until mcud ends the call.
        ASAN_OPTIONS=$PEER_ASAN_OPTIONS "$BUILD_DIR/tests/webrtc_peer" \
            --server "ws://127.0.0.1:$MCUD_PORT/ws" --conference hop --name "Phòng $i" \
            --codec vp8 --ice-address 127.0.0.1 --duration 120 --min-frames 1000000 \
            >"$TEST_TMP/room$i.out" 2>"$TEST_TMP/room$i.err" &
        pid=$!
        track_background "$pid"
        ROOM_PIDS+=("$pid")
    done
}

wait_log() {
    local pattern=$1 tenths=$(($2 * 10)) i
    for i in $(seq "$tenths"); do
        grep -qE "$pattern" "$MCUD_LOG" && return 0
        sleep 0.1
    done
    fail "no log line matching '$pattern' within $2 s"
}

now_s() { date +%s.%N; }

log_time() {
    local line
    if [ "$1" = first ]; then line=$(grep -E "$2" "$MCUD_LOG" | head -n 1)
    else line=$(grep -E "$2" "$MCUD_LOG" | tail -n 1); fi
    [ -n "$line" ] || fail "no log line matching '$2'"
    [[ $line =~ ^($MCUD_LOG_TIME_RE)\  ]] || fail "a log line without its time: $line"
    date -d "${BASH_REMATCH[1]}" +%s.%N
}

probe_streams() {
    ffprobe -v error -show_entries stream=codec_type,codec_name -of csv=p=0 "$1" \
        | awk -F, '{print $2 ":" $1}'
}

probe_duration() {
    ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"
}

decode_errors() {
    ffmpeg -nostdin -hide_banner -v error -i "$1" -f null - 2>&1 || echo "ffmpeg exited with an error"
}

# The sidecar is written with two-space indents, one top-level field a line.
json_field() {
    sed -n "s/^  \"$2\": //p" "$1" | sed 's/,$//; s/^"//; s/"$//'
}

json_room_count() { grep -c '"joined_ms"' "$1" || true; }

close_to() {
    awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= l) }'
}
