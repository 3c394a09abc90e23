#!/bin/bash
# test_state_lock.sh - one mcud per state directory, and no recovery of a live
# recording (issue 17): while mcud records `hop` with one room, a second mcud on the
# same --state-dir refuses to start (exit 1), naming the pid that holds the lock, and
# leaves the live NAME.webm.part alone; a third mcud on another state directory that
# shares the archive starts and leaves the .part alone too ("being written by another
# process"). The first mcud then finishes the recording: indexed complete, its length
# the file's (ffprobe), `mcuctl recordings verify` ok; a sidecar that disagrees with
# the index is reported as a mismatch (exit 1).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcuctl

ARCHIVE=$TEST_TMP/archive
write_recording_config "$ARCHIVE"
start_mcud "$TEST_TMP/mcud.conf"
first_pid=$MCUD_PID
state=$MCUD_STATE_DIR
start_rooms 1
wait_log "recorder hop: writing " 30
sleep 3
mapfile -t parts < <(find "$ARCHIVE" -type f -name '*.webm.part')
[ "${#parts[@]}" -eq 1 ] || fail "expected one live .part file, found: $(find "$ARCHIVE" -type f | tr '\n' ' ')"
part=${parts[0]}
[ "$(stat -c %a "$state/mcud.lock")" = 600 ] || fail "mcud.lock has mode $(stat -c %a "$state/mcud.lock")"
[ "$(tr -d '\n' <"$state/mcud.lock")" = "$first_pid" ] || fail "mcud.lock does not hold the pid $first_pid"

say "a second mcud on the same state directory"
rc=0
timeout 20 "$MCUD" --listen "127.0.0.1:$(free_port)" --state-dir "$state" --ice-address 127.0.0.1 \
    --web-root "$WEB_ROOT" --config "$TEST_TMP/mcud.conf" >"$TEST_TMP/second.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the second mcud exited $rc, not 1: $(cat "$TEST_TMP/second.log")"
grep -q "in use by another mcud (pid $first_pid)" "$TEST_TMP/second.log" \
    || fail "the refusal does not name pid $first_pid: $(cat "$TEST_TMP/second.log")"
! grep -q "interrupted" "$TEST_TMP/second.log" || fail "the second mcud touched the recording"
[ -f "$part" ] || fail "the live .part is gone after the second mcud"
say "refused: $(grep -o 'the state directory.*' "$TEST_TMP/second.log" | head -n1)"

say "a third mcud on another state directory, sharing the archive"
third_port=$(free_port)
"$MCUD" --listen "127.0.0.1:$third_port" --state-dir "$TEST_TMP/state-third" --ice-address 127.0.0.1 \
    --web-root "$WEB_ROOT" --config "$TEST_TMP/mcud.conf" >"$TEST_TMP/third.log" 2>&1 &
third_pid=$!
track_background "$third_pid"
for i in $(seq 100); do
    grep -q "listening on" "$TEST_TMP/third.log" && break
    process_running "$third_pid" || fail "the third mcud exited: $(cat "$TEST_TMP/third.log")"
    sleep 0.1
done
grep -q "being written by another process; left alone" "$TEST_TMP/third.log" \
    || fail "the third mcud did not leave the live .part alone: $(cat "$TEST_TMP/third.log")"
[ -f "$part" ] || fail "the live .part is gone after the third mcud"
kill -TERM "$third_pid"
wait "$third_pid" || fail "the third mcud did not stop cleanly"
say "the third mcud left the live recording alone"

sleep 2
ctl record stop hop >/dev/null || fail "record stop failed"
wait_log "conference hop: recording .* finished" 20
for i in $(seq 100); do
    [ "$(ctl --json recordings list | json 'o.length')" = 1 ] && break
    sleep 0.1
done
list=$(ctl --json recordings list)
file=${part%.part}
[ "$(echo "$list" | json 'o.length')" = 1 ] || fail "not one recording indexed: $list"
[ "$(echo "$list" | json 'o[0].status')" = complete ] || fail "the recording is not complete: $list"
[ "$(echo "$list" | json 'o[0].path')" = "$file" ] || fail "indexed path: $list"
indexed_s=$(echo "$list" | json 'o[0].duration_ms / 1000')
close_to "$indexed_s" "$(probe_duration "$file")" 0.1 \
    || fail "the index says $indexed_s s, the file holds $(probe_duration "$file") s"
ctl recordings verify >"$TEST_TMP/verify1" || fail "verify fails: $(cat "$TEST_TMP/verify1")"
say "recorded $indexed_s s, indexed complete, verify ok"

# Nothing mcud wrote is for every local user (issue 17): the store, the recording, its
# sidecar and their folders have no permission bits for others.
for f in "$state/hoinghi.db" "$file" "$file.json" "$(dirname "$file")" "$ARCHIVE"; do
    mode=$(stat -c %a "$f")
    [ $((8#$mode & 8#007)) = 0 ] || fail "$f has mode $mode: readable by every local user"
done
say "modes: hoinghi.db $(stat -c %a "$state/hoinghi.db"), recording $(stat -c %a "$file"), folder $(stat -c %a "$(dirname "$file")")"

# A sidecar that disagrees with the index (another process rewrote it): a mismatch.
node -e 'const fs = require("fs"); const f = process.argv[1]; const o = JSON.parse(fs.readFileSync(f));
    o.duration_ms = 11000; fs.writeFileSync(f, JSON.stringify(o));' "$file.json"
rc=0
ctl recordings verify >"$TEST_TMP/verify2" || rc=$?
[ "$rc" = 1 ] || fail "verify of a mismatched sidecar exited $rc, not 1: $(cat "$TEST_TMP/verify2")"
grep -q "^mismatch .* $file (the sidecar says 11.0 s, the index " "$TEST_TMP/verify2" \
    || fail "verify does not report the mismatch: $(cat "$TEST_TMP/verify2")"
say "verify reports a sidecar that disagrees with the index"

stop_mcud
check_mcud_log_clean
say "pass"
