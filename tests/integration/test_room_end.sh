#!/bin/bash
# test_room_end.sh - how mcu-room ends when the meeting ends (issue 17): in a
# conference made with mcuctl, an operator's `conference end` is not a failure: the
# room prints "the conference ended (...); leaving", its summary says result=ok and it
# exits 0; a room an operator removes (`participant kick`) exits 5 with "removed from
# the conference". Under the sanitizer build mcu-room runs with leak detection on: the
# end of the conference leaks nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl mcu-room

start_mcud
SERVER=ws://127.0.0.1:$MCUD_PORT/ws

# room NAME CONFERENCE: mcu-room in the background; its pid in ROOM_PID. With leak
# detection on under the sanitizer build, full stacks (client/room/lsan_suppressions.c
# says what GLib and OpenSSL leave behind by design; a leak of ours makes mcu-room
# exit 1).
ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
room() {
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "$SERVER" --conference "$2" --name "$1" \
        --ice-address 127.0.0.1 >"$TEST_TMP/$1.out" 2>"$TEST_TMP/$1.err" &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}

# wait_room PID SECONDS: its exit status in ROOM_RC once it ends (fails when it does not).
wait_room() {
    local i
    for i in $(seq $(($2 * 10))); do
        process_running "$1" || break
        sleep 0.1
    done
    process_running "$1" && fail "mcu-room (pid $1) did not exit within $2 s"
    ROOM_RC=0
    wait "$1" || ROOM_RC=$?
}

wait_joined() {   # NAME CONFERENCE
    local i
    for i in $(seq 200); do
        grep -q "'$1' joined conference $2" "$MCUD_LOG" && return 0
        sleep 0.1
    done
    fail "$1 did not join $2"
}

id=$(ctl conference create --title "Giao ban" 2>/dev/null) || fail "create failed"
room "Phòng A" "$id"
a=$ROOM_PID
wait_joined "Phòng A" "$id"
for i in $(seq 200); do grep -q "media connected" "$TEST_TMP/Phòng A.err" && break; sleep 0.1; done
grep -q "media connected" "$TEST_TMP/Phòng A.err" || fail "no media: $(cat "$TEST_TMP/Phòng A.err")"
ctl conference end "$id" >/dev/null || fail "conference end failed"
wait_room "$a" 20
rc=$ROOM_RC
sed 's/^/    [Phòng A] /' "$TEST_TMP/Phòng A.err"
[ "$rc" = 0 ] || fail "mcu-room exited $rc when the operator ended the conference, not 0"
grep -q "the conference ended (" "$TEST_TMP/Phòng A.err" || fail "no line saying the conference ended"
! grep -q "FAILED" "$TEST_TMP/Phòng A.err" || fail "the end of the conference was reported as a failure"
grep -q "result=ok" "$TEST_TMP/Phòng A.out" || fail "the summary is not ok: $(cat "$TEST_TMP/Phòng A.out")"
say "conference end: mcu-room exited 0 ($(grep -o 'the conference ended.*' "$TEST_TMP/Phòng A.err"))"

id2=$(ctl conference create --title "Họp" 2>/dev/null) || fail "create failed"
room "Phòng B" "$id2"
b=$ROOM_PID
wait_joined "Phòng B" "$id2"
sleep 1
pid_b=$(ctl --json participant list "$id2" | json 'o[0].id')
ctl participant kick "$id2" "$pid_b" >/dev/null || fail "kick failed"
wait_room "$b" 20
rc=$ROOM_RC
[ "$rc" = 5 ] || fail "a removed mcu-room exited $rc, not 5: $(cat "$TEST_TMP/Phòng B.err")"
grep -q "removed from the conference" "$TEST_TMP/Phòng B.err" || fail "no reason for the removal"
say "kick: mcu-room exited 5"

stop_mcud
check_mcud_log_clean
say "pass"
