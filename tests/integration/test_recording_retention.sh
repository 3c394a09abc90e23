#!/bin/bash
# test_recording_retention.sh - the retention policy: mcud runs with
# `[mcud] retention-days=7`; two webrtc_peer rooms meet in `hop` (record=manual) and
# the operator records two files (mcuctl record start/stop, twice); both are indexed
# and nothing is removed (they are new). mcud stops, the first file's index row is
# back-dated 10 days in SQLite (hoinghi.db), mcud starts again: at start-up the
# policy removes the old recording (file, sidecar, row) with an audit entry
# (action recording.delete, source retention, status 200) and a log line, and keeps
# the recent one, which `mcuctl recordings verify` still passes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcud mcuctl
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (the command-line shell) is missing; run: make deps"

ARCHIVE=$TEST_TMP/archive
STATE=$TEST_TMP/state
mkdir -p "$STATE"
write_recording_config "$ARCHIVE" manual
sed -i "s|^archive-dir=.*|&\nretention-days=7|" "$TEST_TMP/mcud.conf"
grep -q '^retention-days=7$' "$TEST_TMP/mcud.conf" || fail "could not write retention-days into the config"
start_mcud "$TEST_TMP/mcud.conf" "$STATE"
wait_log "retention: finished recordings older than 7 days are removed" 10
start_rooms 2
for i in 1 2; do wait_log "'Phòng $i' joined conference hop" 30; done

for n in 1 2; do
    [ "$(ctl --json record start hop | json 'o.recording')" = starting ] || fail "record start $n did not start"
    sleep 3
    [ "$(ctl --json record stop hop | json 'o.recording')" = stopped ] || fail "record stop $n did not stop"
    for _ in $(seq 300); do
        [ "$(grep -c 'indexed as recording' "$MCUD_LOG")" -ge "$n" ] && break
        sleep 0.1
    done
    [ "$(grep -c 'indexed as recording' "$MCUD_LOG")" -ge "$n" ] || fail "recording $n was not indexed within 30 s"
done
list=$(ctl --json recordings list)
[ "$(echo "$list" | json 'o.length')" = 2 ] || fail "expected two recordings in the index: $list"
# Newest first: o[1] is the first recording.
old_id=$(echo "$list" | json 'o[1].id')
old_file=$(echo "$list" | json 'o[1].path')
new_id=$(echo "$list" | json 'o[0].id')
new_file=$(echo "$list" | json 'o[0].path')
[ -f "$old_file" ] && [ -f "$old_file.json" ] && [ -f "$new_file" ] || fail "the recordings are not on disk: $list"
say "two recordings: $old_id $old_file and $new_id $new_file"
stop_mcud

day_ms=$((24 * 3600 * 1000))
sqlite3 "$STATE/hoinghi.db" "UPDATE recordings SET started_at = started_at - 10 * $day_ms,
                                    ended_at = ended_at - 10 * $day_ms WHERE id = $old_id" \
    || fail "cannot back-date recording $old_id"
[ "$(sqlite3 "$STATE/hoinghi.db" "SELECT count(*) FROM recordings WHERE ended_at < (strftime('%s','now') - 9 * 86400) * 1000")" = 1 ] \
    || fail "the back-dated row is not 10 days old"
say "recording $old_id back-dated 10 days; restarting mcud"

start_mcud "$TEST_TMP/mcud.conf" "$STATE"
wait_log "retention: recording $old_id .* removed: older than 7 days" 10
list=$(ctl --json recordings list)
[ "$(echo "$list" | json 'o.length')" = 1 ] || fail "expected one recording left: $list"
[ "$(echo "$list" | json 'o[0].id')" = "$new_id" ] || fail "the recent recording is not the one left: $list"
[ ! -e "$old_file" ] || fail "the old file $old_file is still there"
[ ! -e "$old_file.json" ] || fail "the old file's sidecar is still there"
[ -f "$new_file" ] && [ -f "$new_file.json" ] || fail "the recent recording's file or sidecar is gone"
audit=$(ctl --json audit --action recording.delete)
[ "$(echo "$audit" | json 'o.length')" = 1 ] || fail "expected one recording.delete audit entry: $audit"
[ "$(echo "$audit" | json 'o[0].source')" = retention ] || fail "the audit entry's source is not retention: $audit"
[ "$(echo "$audit" | json 'o[0].target')" = "$old_id" ] || fail "the audit entry does not name recording $old_id: $audit"
[ "$(echo "$audit" | json 'o[0].status')" = 200 ] || fail "the audit entry's status is not 200: $audit"
echo "$audit" | json 'o[0].result' | grep -qF "$old_file" || fail "the audit entry does not name the file: $audit"
ctl recordings verify >"$TEST_TMP/verify" || fail "verify fails on the recording left: $(cat "$TEST_TMP/verify")"
say "retention removed recording $old_id (file, sidecar, row; audited), kept $new_id"

stop_mcud
check_mcud_log_clean
say "pass"
