#!/bin/bash
# make demo: a real meeting on this machine. Starts mcud with a mixing conference
# `demo` that mcud records (record=always, archive in STATE/demo/archive), lets three
# mcu-room rooms (each its own test pattern and tone) meet in it for about 20 seconds,
# and prints who joined, the figures of each room, the recording's archive entry
# (mcuctl recordings show: path, duration, SHA-256, status, rooms; ffprobe's streams),
# and the address for a browser to join the same meeting. Afterwards mcud keeps serving the browser page until Ctrl-C (when
# run from a terminal; DEMO_KEEP=0 ends right away).
#
#   DEMO_PORT (8088)  DEMO_STATE_DIR (./var)  DEMO_SECONDS (20)  DEMO_KEEP (1)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PORT=${DEMO_PORT:-8088}
STATE=${DEMO_STATE_DIR:-./var}
SECONDS_IN_CALL=${DEMO_SECONDS:-20}
KEEP=${DEMO_KEEP:-1}
RUN=$STATE/demo
URL="http://127.0.0.1:$PORT/?conference=demo&name=Browser&autojoin=1"

mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
ARCHIVE=$RUN/archive
rm -f "$RUN"/room-*.out "$RUN"/room-*.err
cat >"$RUN/mcud.conf" <<EOF
[mcud]
archive-dir=$ARCHIVE

[conference demo]
type=mix
title=Demo meeting
layout=2x2
record=always
EOF

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BUILD/mcud" --listen "127.0.0.1:$PORT" --state-dir "$STATE" --ice-address 127.0.0.1 \
    --config "$RUN/mcud.conf" >"$RUN/mcud.log" 2>&1 &
MCUD_PID=$!
pids+=("$MCUD_PID")
for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    kill -0 "$MCUD_PID" 2>/dev/null || { cat "$RUN/mcud.log"; echo "demo: mcud did not start (port $PORT busy? set DEMO_PORT)" >&2; exit 1; }
    sleep 0.1
done

cat <<MSG

  hoinghi demo: a meeting of three rooms
  --------------------------------------
  mcud runs on http://127.0.0.1:$PORT/ (state in $STATE, log in $RUN/mcud.log).
  Three mcu-room rooms join the mixing conference 'demo' for $SECONDS_IN_CALL seconds;
  mcud records the meeting into $ARCHIVE.
  Join the same meeting from a browser on this machine:

      $URL

MSG

# room NAME PATTERN HZ [more mcu-room options]
room() {
    local name=$1 pattern=$2 hz=$3
    shift 3
    "$BUILD/mcu-room" --server "ws://127.0.0.1:$PORT/ws" --conference demo --ice-address 127.0.0.1 \
        --name "$name" --video "test:$pattern" --audio "test:$hz" --size 640x360 --fps 15 \
        --duration "$SECONDS_IN_CALL" --stats --stats-interval 5 "$@" \
        >"$RUN/room-$pattern.out" 2>"$RUN/room-$pattern.err" &
    pids+=("$!")
    room_pids+=("$!")
}
room_pids=()
room "Sở Tư pháp" smpte 440
room "Sở Y tế" ball 554
room "UBND tỉnh" pinwheel 659

failed=0
for pid in "${room_pids[@]}"; do
    wait "$pid" || failed=$((failed + 1))
done

echo "  What happened"
echo "  -------------"
grep -h -E 'joined conference|in the conference|joined$|media connected|FAILED' "$RUN"/room-*.err | sed 's/^/  /'
echo
echo "  Figures (each room, on leaving)"
grep -h '^mcu-room: summary' "$RUN"/room-*.out | sed -E 's/^mcu-room: summary /  /; s/ (bytes_in|bytes_out)=[0-9]+//g'
echo
# The last room out ends the conference, and with it the recording: mcud finishes
# the file (trailer, fsync, SHA-256) and indexes it.
indexed=""
for _ in $(seq 300); do
    indexed=$(sed -n 's/.*recordings: .* indexed as recording \([0-9]*\) .*/\1/p' "$RUN/mcud.log" | tail -n 1)
    [ -n "$indexed" ] && break
    sleep 0.1
done
ctl() { "$BUILD/mcuctl" --server "http://127.0.0.1:$PORT" --state-dir "$STATE" "$@"; }
if [ -n "$indexed" ]; then
    echo "  The recording: mcud's archive entry (mcuctl recordings show $indexed)"
    echo "  -------------------------------------------------------------------"
    ctl recordings show "$indexed" | sed 's/^/  /'
    file=$(ctl --json recordings show "$indexed" | sed -n 's/^  "path": "\(.*\)",$/\1/p')
    if [ -n "$file" ] && [ -f "$file" ]; then
        echo "  ffprobe of the file:"
        ffprobe -v error -show_entries stream=index,codec_type,codec_name,width,height,sample_rate,channels \
            -show_entries format=duration,size -of compact=p=0 "$file" 2>/dev/null | sed 's/^/      /' || true
        echo "  Play it with: ffplay $file"
    fi
    echo "  All recordings: $BUILD/mcuctl --server http://127.0.0.1:$PORT --state-dir $STATE recordings list"
else
    echo "  The recording is still being written (is someone still in the meeting?); see:"
    echo "  $BUILD/mcuctl --server http://127.0.0.1:$PORT --state-dir $STATE recordings list"
    grep -E 'ERROR .*record' "$RUN/mcud.log" | sed 's/^/  /' || true
fi
echo
if [ "$failed" -gt 0 ]; then
    echo "  $failed room(s) failed; see $RUN/room-*.err and $RUN/mcud.log" >&2
    exit 1
fi
if [ "$KEEP" = 1 ] && [ -t 0 ]; then
    echo "  mcud keeps running: join the meeting at $URL"
    echo "  Press Ctrl-C to stop."
    wait "$MCUD_PID"
fi
