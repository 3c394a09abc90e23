#!/bin/bash
# test_recording.sh - a meeting of three rooms (webrtc_peer, VP8 + Opus) in a conference
# with record=always is recorded for about 10 s; after mcud stops (SIGTERM) the archive
# holds one finished file ARCHIVE/YYYY/MM/DD/hop-YYYYMMDDTHHMMSSZ.webm (no .part) with
# one VP8 and one Opus stream, its duration within 1 s of the meeting (first room in
# to last room out, by mcud's log), which
# ffmpeg decodes without a word; its sidecar says complete, lists the three rooms and
# holds the file's SHA-256; mcud logged no error and exited 0.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/recording_lib.sh"

ARCHIVE=$TEST_TMP/archive
write_recording_config "$ARCHIVE"
start_mcud "$TEST_TMP/mcud.conf"
start_rooms 3
wait_log "recorder hop: writing " 30
for i in 1 2 3; do wait_log "'Phòng $i' joined conference hop" 30; done
say "recording; the meeting runs about 10 s"
sleep 10
for pid in "${ROOM_PIDS[@]}"; do process_running "$pid" || fail "a room left the meeting early"; done
stop_mcud
# The meeting, by mcud's clock: from the first room in to the last room out.
t0=$(log_time first "joined conference hop")
t1=$(log_time last "left conference hop")
meeting=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

mapfile -t files < <(find "$ARCHIVE" -type f -name '*.webm')
[ "${#files[@]}" -eq 1 ] || fail "expected one recording, found: $(find "$ARCHIVE" -type f | tr '\n' ' ')"
file=${files[0]}
say "recording: $file"
[[ ${file#"$ARCHIVE"/} =~ ^[0-9]{4}/[0-9]{2}/[0-9]{2}/hop-[0-9]{8}T[0-9]{6}Z\.webm$ ]] \
    || fail "unexpected archive path ${file#"$ARCHIVE"/}"
[ -z "$(find "$ARCHIVE" -name '*.part')" ] || fail "a .part file was left behind"

streams=$(probe_streams "$file" | sort | tr '\n' ' ')
[ "$streams" = "audio:opus video:vp8 " ] || fail "streams: '$streams', expected one VP8 video and one Opus audio"
duration=$(probe_duration "$file")
say "file duration ${duration} s, meeting lasted ${meeting} s"
close_to "$duration" "$meeting" 1.0 || fail "file duration $duration s is not within 1 s of $meeting s"
errors=$(decode_errors "$file")
[ -z "$errors" ] || fail "ffmpeg reported errors decoding the recording: $errors"

sidecar=$file.json
[ -f "$sidecar" ] || fail "no sidecar $sidecar"
[ "$(json_field "$sidecar" status)" = complete ] || fail "sidecar status: $(json_field "$sidecar" status)"
[ "$(json_field "$sidecar" conference)" = hop ] || fail "sidecar conference: $(json_field "$sidecar" conference)"
[ "$(json_field "$sidecar" video_codec)" = VP8 ] || fail "sidecar video codec"
[ "$(json_field "$sidecar" size)" = "$(stat -c %s "$file")" ] || fail "sidecar size differs from the file's"
sha=$(sha256sum "$file" | cut -d' ' -f1)
[ "$(json_field "$sidecar" sha256)" = "$sha" ] || fail "sidecar sha256 $(json_field "$sidecar" sha256) != $sha"
[ "$(json_room_count "$sidecar")" -eq 3 ] || fail "sidecar lists $(json_room_count "$sidecar") rooms, expected 3"
grep -q "recording $file finished" "$MCUD_LOG" || fail "mcud did not log the finished recording"
check_mcud_log_clean
say "pass"
