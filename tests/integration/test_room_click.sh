#!/bin/bash
# test_room_click.sh - the audio half of the glass-to-glass instrument (docs/room-client.md,
# clicks) end to end through mcud:
#   1. echo: mcu-room --audio test:click --read-clicks hears its own clicks come back,
#      Opus-encoded and decoded: exit 0, at least 3 clicks counted in 9 s (one a second,
#      less the first 2 s and start-up), every delay at least 1 ms, the median under
#      500 ms (the delays' size is a benchmark's business: tests/bench/latency.sh);
#   2. echo: a room sending a 440 Hz tone hears no click in it (while it decoded at
#      least 100 audio frames);
#   3. mix (2x2): a clicking room, a room sending a 440 Hz tone and a listening room
#      that sends no audio: the listener hears the clicks through the mix (at least 3,
#      the median between 1 and 500 ms), the clicking room hears none (a room never
#      hears itself in the mix; it still hears the tone: its decoded audio is counted);
#   4. --read-clicks with --no-decode is refused (exit 2).
source "$(dirname "$0")/lib.sh"
require mcud mcu-room

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" "$@"; }
# check_heard FILE: at least 3 clicks, delays from 1 ms, the median under 500 ms
check_heard() {
    local count min p50 max
    count=$(summary_field "$1" click_count)
    min=$(summary_field "$1" click_min_ms)
    p50=$(summary_field "$1" click_p50_ms)
    max=$(summary_field "$1" click_max_ms)
    say "clicks heard: ${count:-none}, delay min ${min:-?} ms, p50 ${p50:-?} ms, max ${max:-?} ms"
    [ "${count:-0}" -ge 3 ] || fail "only ${count:-0} clicks heard (expected at least 3)"
    [ "${min:-0}" -ge 1 ] || fail "a delay of ${min:-?} ms: a click heard before it was sent"
    [ "${p50:-1000}" -lt 500 ] || fail "a median delay of ${p50:-?} ms: not plausible on loopback"
}

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference clickmix]
type=mix
layout=2x2
size=320x180
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"
SERVER=(--server "ws://127.0.0.1:$MCUD_PORT/ws" --ice-address 127.0.0.1)
SMALL=(--video test:ball --size 320x180 --fps 15 --bitrate 200)

say "1. a clicking room hears its own clicks back through the echo"
rc=0
room "${SERVER[@]}" --conference echo --name clicker "${SMALL[@]}" --audio test:click \
    --read-clicks --duration 12 --stats --stats-interval 3 \
    >"$TEST_TMP/echo.out" 2>"$TEST_TMP/echo.err" || rc=$?
cat "$TEST_TMP/echo.err" "$TEST_TMP/echo.out"
[ "$rc" -eq 0 ] || fail "mcu-room exited $rc"
check_heard "$TEST_TMP/echo.out"
grep -q 'clicks [0-9]* heard, mean' "$TEST_TMP/echo.out" || fail "no click figures in the --stats lines"

say "2. a tone is no click"
rc=0
room "${SERVER[@]}" --conference echo --name tone "${SMALL[@]}" --audio test --read-clicks \
    --duration 6 >"$TEST_TMP/tone.out" 2>"$TEST_TMP/tone.err" || rc=$?
cat "$TEST_TMP/tone.err" "$TEST_TMP/tone.out"
[ "$rc" -eq 0 ] || fail "mcu-room exited $rc"
decoded=$(summary_field "$TEST_TMP/tone.out" audio_frames_decoded)
count=$(summary_field "$TEST_TMP/tone.out" click_count)
[ "${decoded:-0}" -ge 100 ] || fail "only ${decoded:-0} audio frames decoded: nothing to listen to"
[ "${count:-x}" = 0 ] || fail "${count:-no} clicks heard in a 440 Hz tone"

say "3. a listening room hears the clicks through the mix; the clicking room does not"
pids=()
for who in clicker tone listener; do
    case $who in
    clicker) media=("${SMALL[@]}" --audio test:click) ;;
    tone) media=("${SMALL[@]}" --audio test) ;;
    listener) media=(--video none --audio none) ;;
    esac
    room "${SERVER[@]}" --conference clickmix --name "$who" "${media[@]}" --read-clicks \
        --duration 15 --connect-timeout 40 >"$TEST_TMP/mix-$who.out" 2>"$TEST_TMP/mix-$who.err" &
    pids+=($!)
    track_background $!
done
for i in 0 1 2; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$TEST_TMP"/mix-*.err; fail "mix room $i exited $rc"; }
done
cat "$TEST_TMP"/mix-*.err "$TEST_TMP"/mix-*.out
check_heard "$TEST_TMP/mix-listener.out"
count=$(summary_field "$TEST_TMP/mix-clicker.out" click_count)
decoded=$(summary_field "$TEST_TMP/mix-clicker.out" audio_frames_decoded)
[ "${decoded:-0}" -ge 100 ] || fail "the clicking room decoded only ${decoded:-0} audio frames of the mix"
[ "${count:-x}" = 0 ] || fail "the clicking room heard ${count:-no} clicks: its own, in the mix"

say "4. --read-clicks needs decoding"
rc=0
room "${SERVER[@]}" --conference echo --name x --read-clicks --no-decode >"$TEST_TMP/usage.out" 2>&1 || rc=$?
cat "$TEST_TMP/usage.out"
[ "$rc" -eq 2 ] || fail "--read-clicks --no-decode exited $rc, expected 2"

stop_mcud
check_mcud_log_clean
say "passed"
