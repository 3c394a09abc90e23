#!/bin/bash
# test_faults_vanish.sh - a room that vanishes is removed from the conference within
# 30 s (issue #8). In a mixing conference with a watching room (mcu-room):
#   1. an mcu-room is killed with SIGKILL (its sockets close with it);
#   2. a Chromium room's browser is killed with SIGKILL (every process of its launch);
#   3. an mcu-room is frozen with SIGSTOP: its WebSocket stays open but nothing
#      answers ICE any more, so mcud ends it when ICE consent is lost and no ICE
#      restart came within the grace time (docs/protocol.md).
# Each time the room leaves the participant list (GET /api/v1/conferences/ID/participants)
# within VANISH_LIMIT_S and the watcher stays. mcud logged no ERROR and exits 0.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require chromium node node_modules mcud mcu-room

VANISH_LIMIT_S=30

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
size=640x360
fps=15
codecs=vp8
CONF
start_mcud "$TEST_TMP/mcud.conf"
TOKEN=$(cat "$MCUD_STATE_DIR/admin.token")

# Names of those in the meeting, one line each, and whether mcud has their media.
roster() {
    http GET /api/v1/conferences/meeting/participants "$TOKEN" | sed 1d \
        | json 'o.map((p) => p.name + (p.stats.packets_in > 0 ? "" : "(no media)")).join("\n")'
}

room_start() {   # room_start NAME -> ROOM_PID
    "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" --conference meeting \
        --ice-address 127.0.0.1 --name "$1" --video test:red --audio test:440 --size 320x180 --fps 15 \
        --no-decode --duration 120 >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}

wait_in() {   # wait_in NAME: in the meeting with media, within 30 s
    local tries
    for tries in $(seq 150); do
        roster | grep -qx "$1" && return 0
        sleep 0.2
    done
    fail "$1 did not get into the meeting with media (roster: $(roster | xargs))"
}

# wait_gone NAME HOW: seconds until NAME leaves the roster; fails past VANISH_LIMIT_S.
wait_gone() {
    local start=$SECONDS now
    while roster | grep -q "^$1"; do
        now=$((SECONDS - start))
        [ "$now" -le "$VANISH_LIMIT_S" ] || fail "$1 ($2) still in the meeting after $now s"
        sleep 0.2
    done
    say "FIGURE $1 ($2) left the roster after $((SECONDS - start)) s"
    roster | grep -qx Watcher || fail "the watching room left the meeting too (roster: $(roster | xargs))"
}

room_start Watcher
wait_in Watcher

room_start Killed
KILLED_PID=$ROOM_PID
wait_in Killed
kill -KILL "$KILLED_PID"
wait_gone Killed "mcu-room, SIGKILL"

node "$ROOT/tests/integration/vanish_chromium.mjs" "$MCUD_URL" meeting >"$TEST_TMP/browser.log" 2>&1 &
BROWSER_NODE=$!
track_background "$BROWSER_NODE"
profile=""
for _ in $(seq 300); do
    profile=$(sed -n 's/^CONNECTED \([^ ]*\) .*/\1/p' "$TEST_TMP/browser.log")
    [ -n "$profile" ] && break
    process_running "$BROWSER_NODE" || break
    sleep 0.1
done
[ -n "$profile" ] || { cat "$TEST_TMP/browser.log"; fail "the Chromium room did not get into the call"; }
wait_in Browser
pids=$(pgrep -f -- "$profile" || true)
[ -n "$pids" ] || fail "no Chromium process found for $profile"
kill -KILL $pids
wait_gone Browser "Chromium, SIGKILL of the browser"
kill -TERM "$BROWSER_NODE" 2>/dev/null || true

room_start Frozen
FROZEN_PID=$ROOM_PID
wait_in Frozen
kill -STOP "$FROZEN_PID"
wait_gone Frozen "mcu-room, SIGSTOP: socket open, ICE silent"
kill -KILL "$FROZEN_PID"
grep -m1 "ICE consent lost; checking the peer again" "$MCUD_LOG" || fail "mcud did not log the lost ICE consent"

process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
