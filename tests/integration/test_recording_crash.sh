#!/bin/bash
# test_recording_crash.sh - mcud killed with -9 while recording a meeting of two rooms:
# the NAME.webm.part it leaves decodes with ffmpeg without an error up to within 2 s
# of the kill; at the next start mcud finalises it: NAME.webm (the .part gone), a
# sidecar with status "interrupted", the file's SHA-256 and a duration close to what
# was on disk, indexed as a recording with status interrupted and that SHA-256; a
# flipped byte changes the checksum (what `verify` compares).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcuctl

ARCHIVE=$TEST_TMP/archive
write_recording_config "$ARCHIVE"
start_mcud "$TEST_TMP/mcud.conf"
start_rooms 2
wait_log "recorder hop: writing " 30
t0=$(now_s)
for i in 1 2; do wait_log "'Phòng $i' joined conference hop" 30; done
sleep 8
kill -KILL "$MCUD_PID"
t1=$(now_s)
wait "$MCUD_PID" 2>/dev/null || true
MCUD_PID=""
recorded=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
say "killed mcud after recording ${recorded} s"

mapfile -t parts < <(find "$ARCHIVE" -type f -name '*.webm.part')
[ "${#parts[@]}" -eq 1 ] || fail "expected one .part file, found: $(find "$ARCHIVE" -type f | tr '\n' ' ')"
part=${parts[0]}
copy=$TEST_TMP/cut.webm
cp "$part" "$copy"
errors=$(decode_errors "$copy")
[ -z "$errors" ] || fail "ffmpeg reported errors decoding the file cut by kill -9: $errors"
[ "$(probe_streams "$copy" | sort | tr '\n' ' ')" = "audio:opus video:vp8 " ] || fail "streams of the cut file"
# What plays: the end of the last packet ffmpeg decodes.
played=$(ffprobe -v error -show_entries packet=pts_time,duration_time -of csv=p=0 "$copy" \
         | awk -F, '{ e = $1 + $2; if (e > m) m = e } END { printf "%.2f", m }')
say "the cut file plays ${played} s of ${recorded} s"
close_to "$played" "$recorded" 2.0 || fail "the cut file plays $played s, not within 2 s of the $recorded s recorded"

say "restart: the interrupted recording is finalised"
start_mcud "$TEST_TMP/mcud.conf"
wait_log "recordings: .* was interrupted" 20
file=${part%.part}
[ -f "$file" ] || fail "no finalised $file"
[ ! -e "$part" ] || fail "the .part file is still there"
sidecar=$file.json
[ "$(json_field "$sidecar" status)" = interrupted ] || fail "sidecar status: $(json_field "$sidecar" status)"
[ "$(json_field "$sidecar" conference)" = hop ] || fail "sidecar conference"
sha=$(sha256sum "$file" | cut -d' ' -f1)
[ "$(json_field "$sidecar" sha256)" = "$sha" ] || fail "sidecar sha256 differs from the file's"
list=$(ctl --json recordings list)
[ "$(echo "$list" | json 'o.length')" = 1 ] || fail "the recovered file is not indexed once: $list"
[ "$(echo "$list" | json 'o[0].path')" = "$file" ] || fail "indexed path: $list"
[ "$(echo "$list" | json 'o[0].status')" = interrupted ] || fail "indexed status: $list"
[ "$(echo "$list" | json 'o[0].sha256')" = "$sha" ] || fail "indexed sha256: $list"
duration_ms=$(json_field "$sidecar" duration_ms)
close_to "$duration_ms" "$(awk -v p="$played" 'BEGIN { print p * 1000 }')" 500 \
    || fail "finalised duration $duration_ms ms, the cut file played $played s"
[ -z "$(decode_errors "$file")" ] || fail "ffmpeg reported errors decoding the finalised file"
close_to "$(probe_duration "$file")" "$played" 0.5 || fail "the finalised file has no proper duration"

# verify: one flipped byte in the middle changes the SHA-256.
size=$(stat -c %s "$file")
printf '\xff' | dd of="$file" bs=1 seek=$((size / 2)) conv=notrunc status=none
[ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sha" ] || fail "a flipped byte did not change the checksum"
stop_mcud
check_mcud_log_clean
say "pass"
