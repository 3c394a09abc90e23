#!/bin/bash
# test_leak_cycle.sh - a leak check of one whole meeting cycle: mcud runs a mixing
# conference that records (record=always); two mcu-room rooms join, are mixed for about
# 8 s (each must receive and decode the conference's picture), leave by themselves, then
# mcud stops on SIGTERM. The leak checker is valgrind (memcheck, --leak-check=full) on
# the normal build: it must report no memory error and nothing "definitely" or
# "indirectly" lost. A sanitizer build (make asan) cannot run under valgrind; there
# LeakSanitizer is the checker (mcud aborts at exit on a leak, which fails stop_mcud).
# Either way the recording must be finished and complete.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room
command -v ffprobe >/dev/null 2>&1 || fail "ffprobe is missing; run: make deps"

# The ELF's own list of needed libraries (readelf reads the file; ldd runs the loader,
# which failed once under heavy load and sent an ASan build to valgrind).
if readelf -d "$MCUD" | grep -q 'NEEDED.*libasan'; then
    CHECKER=LeakSanitizer
    case ${ASAN_OPTIONS:-} in
        *detect_leaks=1*) ;;
        *) fail "mcud is an ASan build but ASAN_OPTIONS lacks detect_leaks=1 (run it through make asan)" ;;
    esac
else
    command -v valgrind >/dev/null 2>&1 || fail "valgrind is missing; run: make deps"
    CHECKER=valgrind
    VALGRIND_LOG=$TEST_TMP/valgrind.log
    MCUD_WRAPPER=(valgrind --tool=memcheck --leak-check=full
                  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
                  --error-exitcode=99 --num-callers=30 --fair-sched=yes --log-file="$VALGRIND_LOG"
                  --suppressions="$ROOT/tests/integration/valgrind.supp")
    MCUD_START_WAIT_TENTHS=600   # valgrind starts mcud about 20 times slower
    MCUD_STOP_WAIT_TENTHS=1200   # and the leak search at exit takes a while
fi
say "leak checker: $CHECKER"

ARCHIVE=$TEST_TMP/archive
cat >"$TEST_TMP/mcud.conf" <<EOF
[mcud]
archive-dir=$ARCHIVE

[conference cycle]
type=mix
title=Leak check
record=always
layout=2x2
size=160x90
fps=5
codecs=vp8
EOF
start_mcud "$TEST_TMP/mcud.conf"

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ROOM_PIDS=()
seconds=16
for name in east west; do
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference cycle --ice-address 127.0.0.1 --name "$name" --video test:ball \
        --audio test:440 --size 160x90 --fps 5 --duration "$seconds" --connect-timeout 60 \
        >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
    ROOM_PIDS+=($!)
    track_background "$!"
    # One at a time: under valgrind mcud answers slowly; the second room comes once
    # the first one's media is connected, and leaves first.
    for _ in $(seq 600); do   # bounded: 60 s
        grep -q "media connected" "$TEST_TMP/$name.err" && break
        sleep 0.1
    done
    seconds=8
done
for i in 0 1; do
    rc=0
    wait "${ROOM_PIDS[$i]}" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$TEST_TMP"/*.err; fail "room $i exited $rc"; }
done
# Each room's summary line: it received and decoded the mix.
for name in east west; do
    cat "$TEST_TMP/$name.out"
    decoded=$(sed -n 's/.* video_frames_decoded=\([0-9]*\).*/\1/p' "$TEST_TMP/$name.out")
    [ -n "$decoded" ] && [ "$decoded" -gt 0 ] \
        || fail "room $name decoded no frame of the mix: $(tail -n 3 "$TEST_TMP/$name.err")"
done
for _ in $(seq 300); do   # bounded: 30 s for mcud to see both rooms leave
    [ "$(grep -c 'left conference cycle' "$MCUD_LOG")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c 'left conference cycle' "$MCUD_LOG")" -ge 2 ] || fail "mcud did not see both rooms leave"

stop_mcud   # fails unless mcud exits 0: valgrind's --error-exitcode / LeakSanitizer's abort
if [ "$CHECKER" = valgrind ]; then
    sed -n '/HEAP SUMMARY/,$p' "$VALGRIND_LOG"
    grep -q 'ERROR SUMMARY: 0 errors' "$VALGRIND_LOG" \
        || { cat "$VALGRIND_LOG"; fail "valgrind reported errors or leaks"; }
fi
mapfile -t files < <(find "$ARCHIVE" -type f -name '*.webm')
[ "${#files[@]}" -eq 1 ] || fail "expected one recording, found: $(find "$ARCHIVE" -type f | tr '\n' ' ')"
grep -q '"status": *"complete"' "${files[0]}.json" || fail "the recording is not complete: $(cat "${files[0]}.json")"
[ -n "$(ffprobe -v error -select_streams v -show_entries stream=codec_name -of csv=p=0 "${files[0]}")" ] \
    || fail "the recording has no video stream"
check_mcud_log_clean
say "pass: $CHECKER found no leak in a join, mix, record, leave cycle"
