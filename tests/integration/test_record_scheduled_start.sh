#!/bin/bash
# test_record_scheduled_start.sh - a scheduled meeting with --record (record=always)
# is recorded from its scheduled start, not from when the first room joins early
# (issue 17): a room joins about 20 s before the start; mcud logs that the recording
# waits for the start and writes nothing before it; at the start (state open) the
# recorder starts, and the indexed recording starts at or after the scheduled start.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcuctl

start_mcud
id=$(ctl conference create --title "Giao ban" --start +25s --duration 3m --record 2>/dev/null) \
    || fail "create failed"
start_s=$(date -d "$(ctl --json conference show "$id" | json 'o.schedule.start')" +%s)
ASAN_OPTIONS=$PEER_ASAN_OPTIONS "$BUILD_DIR/tests/webrtc_peer" \
    --server "ws://127.0.0.1:$MCUD_PORT/ws" --conference "$id" --name "Phòng 1" \
    --codec vp8 --ice-address 127.0.0.1 --duration 120 --min-frames 1000000 \
    >"$TEST_TMP/room.out" 2>"$TEST_TMP/room.err" &
track_background $!
wait_log "'Phòng 1' joined conference $id" 20
joined=$(log_time first "'Phòng 1' joined conference $id")
awk -v j="$joined" -v s="$start_s" 'BEGIN { exit !(j < s - 10) }' \
    || fail "the room joined at $joined, not well before the start $start_s"
wait_log "conference $id: recording starts at the scheduled start" 10
say "the room joined $(awk -v j="$joined" -v s="$start_s" 'BEGIN { printf "%.0f", s - j }') s early; the recording waits"

wait_log "recorder $id: writing " 45
writing=$(log_time first "recorder $id: writing ")
awk -v w="$writing" -v s="$start_s" 'BEGIN { exit !(w >= s) }' \
    || fail "the recorder started at $writing, before the scheduled start $start_s"
[ "$(ctl --json conference show "$id" | json 'o.state')" = open ] || fail "not open at the start"
say "the recorder started $(awk -v w="$writing" -v s="$start_s" 'BEGIN { printf "%.1f", w - s }') s after the scheduled start"

sleep 3
ctl record stop "$id" >/dev/null || fail "record stop failed"
wait_log "conference $id: recording .* finished" 20
list=$(ctl --json recordings list --conference "$id")
[ "$(echo "$list" | json 'o.length')" = 1 ] || fail "not one recording: $list"
started_ms=$(echo "$list" | json 'o[0].started_ms')
[ "$started_ms" -ge $((start_s * 1000)) ] || fail "the recording starts at $started_ms ms, before $((start_s * 1000))"

stop_mcud
check_mcud_log_clean
say "pass"
