#!/bin/bash
# test_recording_api.sh - recording driven by the operator: two webrtc_peer rooms meet
# in `hop` (mix, record=manual, so nothing records by itself); `mcuctl record pause`
# before a start is refused (exit 5); `mcuctl record start hop`, about 5 s, `mcuctl
# record stop hop` finishes one file that lands in the recording index:
# `mcuctl --json recordings list` shows it with status complete, its path, duration
# and the SHA-256 of the file on disk; `recordings show` lists the two rooms; the
# calls are audited; `mcuctl recordings verify` passes; after one byte of the file is
# flipped it reports the file as changed and exits 1; with --progress verify and export
# report files and bytes done on stderr, from 0/1 to 1/1 (100%), and --json adds nothing
# on stderr; `recordings export` copies the file with a JSON sidecar; `recordings delete` removes file, sidecar and row.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcud mcuctl

ARCHIVE=$TEST_TMP/archive
write_recording_config "$ARCHIVE" manual
start_mcud "$TEST_TMP/mcud.conf"
start_rooms 2
for i in 1 2; do wait_log "'Phòng $i' joined conference hop" 30; done

rc=0
ctl record pause hop >/dev/null 2>"$TEST_TMP/pause" || rc=$?
[ "$rc" = 5 ] || fail "record pause without a recording exited $rc, not 5 (409)"
rc=0
ctl record start nope >/dev/null 2>&1 || rc=$?
[ "$rc" = 4 ] || fail "record start on an unknown conference exited $rc, not 4 (404)"
[ -z "$(find "$ARCHIVE" -type f 2>/dev/null)" ] || fail "record=manual recorded by itself"

[ "$(ctl --json record start hop | json 'o.recording')" = starting ] || fail "record start did not start"
rc=0
ctl record start hop >/dev/null 2>&1 || rc=$?
[ "$rc" = 5 ] || fail "a second record start exited $rc, not 5 (409)"
wait_log "recorder hop: writing " 30
say "recording; about 5 s"
sleep 5
[ "$(ctl --json record stop hop | json 'o.recording')" = stopped ] || fail "record stop did not stop"
wait_log "indexed as recording" 30
for pid in "${ROOM_PIDS[@]}"; do process_running "$pid" || fail "a room left the meeting"; done

list=$(ctl --json recordings list)
[ "$(echo "$list" | json 'o.length')" = 1 ] || fail "expected one recording in the index: $list"
file=$(echo "$list" | json 'o[0].path')
id=$(echo "$list" | json 'o[0].id')
[ -f "$file" ] || fail "the indexed path $file is not a file"
[[ $file == "$ARCHIVE"/*/hop-*.webm ]] || fail "unexpected path $file"
[ "$(echo "$list" | json 'o[0].status')" = complete ] || fail "status is not complete: $list"
[ "$(echo "$list" | json 'o[0].conference')" = hop ] || fail "conference is not hop: $list"
sha=$(sha256sum "$file" | cut -d' ' -f1)
[ "$(echo "$list" | json 'o[0].sha256')" = "$sha" ] || fail "indexed sha256 is not the file's $sha: $list"
[ "$(echo "$list" | json 'o[0].size')" = "$(stat -c %s "$file")" ] || fail "indexed size differs: $list"
[ "$(echo "$list" | json 'o[0].duration > 0')" = true ] || fail "no duration: $list"
[ "$(echo "$list" | json 'o[0].codecs')" = VP8+opus ] || fail "codecs: $list"
[ "$(ctl --json recordings list --conference other | json 'o.length')" = 0 ] || fail "the conference filter lets others through"
[ "$(ctl --json recordings show "$id" | json 'o.rooms.length')" = 2 ] || fail "show does not list the two rooms"
audit=$(ctl --json audit --action record. --target hop)
echo "$audit" | json 'o.map((e) => e.action + ":" + e.status).join(" ")' | grep -q "record.stop:200" \
    || fail "record stop is not audited: $audit"
echo "$audit" | json 'o.map((e) => e.action + ":" + e.status).join(" ")' | grep -q "record.start:200" \
    || fail "record start is not audited: $audit"
say "recording $id indexed: $file, complete, sha256 $sha"

ctl recordings verify --progress >"$TEST_TMP/verify1" 2>"$TEST_TMP/verify1.progress" \
    || fail "verify fails on an intact file: $(cat "$TEST_TMP/verify1" "$TEST_TMP/verify1.progress")"
grep -q "^ok .* $file" "$TEST_TMP/verify1" || fail "verify does not report the file ok: $(cat "$TEST_TMP/verify1")"
# --progress: lines on stderr, the first with nothing done, the last with all of it.
size=$(stat -c %s "$file")
head -n 1 "$TEST_TMP/verify1.progress" | grep -qE '^verify: 0/1 files, 0 B/[0-9.]+ [KMG]iB \(0%\)$' \
    || fail "verify --progress did not start at 0/1: $(cat "$TEST_TMP/verify1.progress")"
tail -n 1 "$TEST_TMP/verify1.progress" | grep -qE '^verify: 1/1 files, ([0-9.]+ [KMG]iB)/\1 \(100%\)$' \
    || fail "verify --progress did not end at 1/1, 100%: $(cat "$TEST_TMP/verify1.progress")"
! grep -qv '^verify: ' "$TEST_TMP/verify1.progress" || fail "verify --progress wrote other lines on stderr"
ctl --json recordings verify >"$TEST_TMP/verify1.json" 2>"$TEST_TMP/verify1.json.err" || fail "verify --json failed"
[ ! -s "$TEST_TMP/verify1.json.err" ] || fail "verify --json wrote on stderr: $(cat "$TEST_TMP/verify1.json.err")"
[ "$(json 'o[0].result' <"$TEST_TMP/verify1.json")" = ok ] || fail "verify --json: $(cat "$TEST_TMP/verify1.json")"
say "verify --progress: $(tail -n 1 "$TEST_TMP/verify1.progress") (file $size bytes)"

# Flip one byte in the middle of the file.
offset=$(( $(stat -c %s "$file") / 2 ))
byte=$(od -An -tu1 -j "$offset" -N1 "$file" | tr -d ' ')
printf "$(printf '\\%03o' $(( byte ^ 255 )))" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
[ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sha" ] || fail "the byte flip did not change the file"
rc=0
ctl recordings verify >"$TEST_TMP/verify2" || rc=$?
[ "$rc" = 1 ] || fail "verify of a changed file exited $rc, not 1: $(cat "$TEST_TMP/verify2")"
grep -q "^changed .* $file" "$TEST_TMP/verify2" || fail "verify does not name the changed file: $(cat "$TEST_TMP/verify2")"
say "verify: intact passes, a flipped byte is reported (exit 1)"

ctl recordings export --progress "$id" "$TEST_TMP/export" >/dev/null 2>"$TEST_TMP/export.progress" \
    || fail "export failed: $(cat "$TEST_TMP/export.progress")"
tail -n 1 "$TEST_TMP/export.progress" | grep -qE '^export: 1/1 files, ([0-9.]+ [KMG]iB)/\1 \(100%\)$' \
    || fail "export --progress did not end at 1/1, 100%: $(cat "$TEST_TMP/export.progress")"
copy=$TEST_TMP/export/$(basename "$file")
cmp -s "$copy" "$file" || fail "the exported copy differs from the file"
[ "$(json 'o.sha256' <"$copy.json")" = "$sha" ] || fail "the export sidecar lacks the indexed sha256"

ctl recordings delete "$id" >/dev/null || fail "delete failed"
[ ! -e "$file" ] && [ ! -e "$file.json" ] || fail "delete left the file or its sidecar"
[ "$(ctl --json recordings list | json 'o.length')" = 0 ] || fail "delete left the row"
rc=0
ctl recordings show "$id" >/dev/null 2>&1 || rc=$?
[ "$rc" = 4 ] || fail "show of a deleted recording exited $rc, not 4"
ctl --json audit --action recording.delete | json 'o[0].status' | grep -q 200 || fail "delete is not audited"
say "export copies file + sidecar; delete removes file, sidecar and row (audited)"

stop_mcud
check_mcud_log_clean
say "pass"
