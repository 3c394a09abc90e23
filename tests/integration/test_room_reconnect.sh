#!/bin/bash
# test_room_reconnect.sh - mcu-room after an mcud restart (issue 17): a room in the
# config file's conference `hop`; mcud stops (SIGTERM) and starts again on the same
# port and state directory about 2 s later; the room says it joins again (bounded
# backoff), joins `hop` again, gets media, and on SIGINT leaves and exits 0. A room
# whose server never answers still exits 3 at once (no retries: test_room_errors).
source "$(dirname "$0")/lib.sh"
require mcud mcu-room

cat >"$TEST_TMP/mcud.conf" <<'EOF2'
[conference hop]
type=mix
EOF2
start_mcud "$TEST_TMP/mcud.conf"
state=$MCUD_STATE_DIR
port=$MCUD_PORT
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$port/ws" --conference hop --name "Phòng A" \
    --ice-address 127.0.0.1 >"$TEST_TMP/room.out" 2>"$TEST_TMP/room.err" &
room=$!
track_background "$room"

joins() { grep -c "'Phòng A' joined conference hop" "$MCUD_LOG" || true; }
wait_joins() {   # N SECONDS
    local i
    for i in $(seq $(($2 * 10))); do
        [ "$(joins)" -ge "$1" ] && return 0
        process_running "$room" || fail "mcu-room exited: $(cat "$TEST_TMP/room.err")"
        sleep 0.1
    done
    fail "the room did not join $1 time(s) within $2 s: $(cat "$TEST_TMP/room.err")"
}
wait_joins 1 20
grep -q "media connected" "$TEST_TMP/room.err" || sleep 2
stop_mcud
sleep 2
process_running "$room" || fail "mcu-room exited when mcud stopped: $(cat "$TEST_TMP/room.err")"
grep -q "joining again in " "$TEST_TMP/room.err" || fail "mcu-room does not say it joins again: $(cat "$TEST_TMP/room.err")"

say "restarting mcud on port $port"
"$MCUD" --listen "127.0.0.1:$port" --state-dir "$state" --ice-address 127.0.0.1 \
    --web-root "$WEB_ROOT" --config "$TEST_TMP/mcud.conf" --log-level debug >>"$MCUD_LOG" 2>&1 &
MCUD_PID=$!
MCUD_PORT=$port
wait_joins 2 40
for i in $(seq 100); do
    [ "$(grep -c "media connected" "$TEST_TMP/room.err")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c "media connected" "$TEST_TMP/room.err")" -ge 2 ] || fail "no media after joining again: $(cat "$TEST_TMP/room.err")"
say "joined again: $(grep -o 'joining again in .*' "$TEST_TMP/room.err" | head -n 1)"

kill -INT "$room"
for i in $(seq 100); do process_running "$room" || break; sleep 0.1; done
rc=0
wait "$room" || rc=$?
sed 's/^/    [room] /' "$TEST_TMP/room.err" | tail -n 5
[ "$rc" = 0 ] || fail "mcu-room exited $rc after joining again and leaving, not 0"
stop_mcud
check_mcud_log_clean
say "pass"
