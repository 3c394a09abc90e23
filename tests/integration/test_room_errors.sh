#!/bin/bash
# test_room_errors.sh - mcu-room's exit codes and messages when it cannot do its job:
#   2  bad arguments (an unknown option, a bad --video), and --help exits 0 with the
#      exit-status table;
#   3  could not join: a wrong PIN (the server's code wrong_pin and its message), an
#      unknown conference, no server listening;
#   4  media failed: no --ice-address in a loopback-only namespace, so libnice has no
#      candidate and ICE cannot complete; the reason names --ice-address.
# mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" "$@"; }

# expect CODE NAME ARGS...: runs mcu-room, requires exit CODE; stderr in $TEST_TMP/NAME.err
expect() {
    local want=$1 name=$2 rc=0
    shift 2
    room "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || rc=$?
    sed "s/^/    [$name] /" "$TEST_TMP/$name.err"
    [ "$rc" -eq "$want" ] || fail "$name: mcu-room exited $rc, expected $want"
}

cat >"$TEST_TMP/mcud.conf" <<'EOF'
[conference secure-echo]
type=echo
pin=4321
EOF
start_mcud "$TEST_TMP/mcud.conf"
SERVER=ws://127.0.0.1:$MCUD_PORT/ws

say "exit 2: bad arguments; --help"
expect 2 unknown-option --server "$SERVER" --conference echo --name X --bogus
expect 2 bad-video --server "$SERVER" --conference echo --name X --video nonsense
expect 2 missing-name --server "$SERVER" --conference echo
grep -q 'required' "$TEST_TMP/missing-name.err" || fail "no message about the required options"
expect 0 help --help
grep -q 'EXIT STATUS' "$TEST_TMP/help.out" || fail "--help has no EXIT STATUS section"

say "exit 3: wrong PIN, unknown conference, no server"
expect 3 wrong-pin --server "$SERVER" --conference secure-echo --pin 1234 --name X --ice-address 127.0.0.1
grep -q 'wrong_pin (the PIN is not right' "$TEST_TMP/wrong-pin.err" \
    || fail "the wrong-PIN failure does not carry the server's code and message"
grep -q 'exit=3' "$TEST_TMP/wrong-pin.out" || fail "the summary does not say exit=3"
expect 3 unknown-conference --server "$SERVER" --conference no-such --name X --ice-address 127.0.0.1
grep -q 'unknown_conference' "$TEST_TMP/unknown-conference.err" || fail "no unknown_conference code"
expect 3 no-server --server "ws://127.0.0.1:$(free_port)/ws" --conference echo --name X
grep -q 'cannot join through' "$TEST_TMP/no-server.err" || fail "no message about the missing server"

say "exit 4: ICE cannot complete without a loopback ICE address"
expect 4 no-ice --server "$SERVER" --conference echo --name X --connect-timeout 4
grep -q -- '--ice-address 127.0.0.1' "$TEST_TMP/no-ice.err" || fail "the media failure does not point at --ice-address"

say "a right PIN joins"
expect 0 right-pin --server "$SERVER" --conference secure-echo --pin 4321 --name X --ice-address 127.0.0.1 \
    --duration 2 --no-decode --size 320x180

stop_mcud
check_mcud_log_clean
say "pass"
