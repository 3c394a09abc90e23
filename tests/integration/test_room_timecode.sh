#!/bin/bash
# test_room_timecode.sh - the glass-to-glass instrument (docs/room-client.md, time code)
# end to end through mcud's echo conference:
#   1. mcu-room --video test:timecode --read-timecode: the room's own picture comes back
#      through the echo, VP8-encoded and decoded, and the room reads its send times in
#      it: exit 0, at least 10 distinct stamps read (30 a second are sent: a loaded
#      machine decodes fewer), every delay positive, the median under a second (the
#      delays' size is a benchmark's business: tests/bench/latency.sh);
#   2. the same reader on a room that sends the ball without the code reads nothing
#      (the reader does not find codes where there are none);
#   3. --read-timecode with --no-decode is refused (exit 2).
source "$(dirname "$0")/lib.sh"
require mcud mcu-room

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" "$@"; }

start_mcud
JOIN=(--server "ws://127.0.0.1:$MCUD_PORT/ws" --conference echo --ice-address 127.0.0.1)

say "1. a timecode sender reads its own stamps back through the echo"
rc=0
room "${JOIN[@]}" --name stamped --video test:timecode --size 640x360 --read-timecode \
    --duration 8 --stats --stats-interval 2 >"$TEST_TMP/stamped.out" 2>"$TEST_TMP/stamped.err" || rc=$?
cat "$TEST_TMP/stamped.err" "$TEST_TMP/stamped.out"
[ "$rc" -eq 0 ] || fail "mcu-room exited $rc"
frames=$(summary_field "$TEST_TMP/stamped.out" timecode_frames)
min=$(summary_field "$TEST_TMP/stamped.out" timecode_min_ms)
p50=$(summary_field "$TEST_TMP/stamped.out" timecode_p50_ms)
max=$(summary_field "$TEST_TMP/stamped.out" timecode_max_ms)
say "stamps read: ${frames:-none}, delay min ${min:-?} ms, p50 ${p50:-?} ms, max ${max:-?} ms"
[ "${frames:-0}" -ge 10 ] || fail "only ${frames:-0} stamps read back (expected at least 10 in 8 s)"
[ "${min:-0}" -ge 1 ] || fail "a delay of ${min:-?} ms: a stamp read before it was sent"
[ "${p50:-1000}" -lt 1000 ] || fail "a median delay of ${p50:-?} ms: not a plausible echo on loopback"
grep -q 'timecode [0-9]* frames, mean' "$TEST_TMP/stamped.out" || fail "no timecode figures in the --stats lines"

say "2. no code sent, none read"
rc=0
room "${JOIN[@]}" --name plain --video test:ball --size 640x360 --read-timecode --duration 5 \
    >"$TEST_TMP/plain.out" 2>"$TEST_TMP/plain.err" || rc=$?
cat "$TEST_TMP/plain.err" "$TEST_TMP/plain.out"
[ "$rc" -eq 0 ] || fail "mcu-room exited $rc"
decoded=$(summary_field "$TEST_TMP/plain.out" video_frames_decoded)
frames=$(summary_field "$TEST_TMP/plain.out" timecode_frames)
unread=$(summary_field "$TEST_TMP/plain.out" timecode_unread)
[ "${decoded:-0}" -ge 10 ] || fail "only ${decoded:-0} frames decoded: nothing to look in"
[ "${frames:-x}" = 0 ] || fail "$frames stamps read in a picture without a code"
[ "${unread:-0}" -ge 10 ] || fail "only ${unread:-0} frames looked at"

say "3. --read-timecode needs decoding"
rc=0
room "${JOIN[@]}" --name x --read-timecode --no-decode >"$TEST_TMP/usage.out" 2>&1 || rc=$?
cat "$TEST_TMP/usage.out"
[ "$rc" -eq 2 ] || fail "--read-timecode --no-decode exited $rc, expected 2"

stop_mcud
check_mcud_log_clean
say "passed"
