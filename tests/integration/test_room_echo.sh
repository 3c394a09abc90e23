#!/bin/bash
# test_room_echo.sh - mcu-room (build/mcu-room, docs/room-client.md) against mcud's echo
# conference:
#   1. a red test pattern and a tone go out; mcu-room records what comes back until it
#      gets SIGINT: exit 0, a summary with decoded frames, and a Matroska file in which
#      ffprobe sees VP8 640x360 and Opus, ffmpeg decodes without an error, and the
#      picture is red;
#   2. --replay of a 720p VP8 + Opus WebM (2 s, made here with ffmpeg) for --duration 8:
#      exit 0, more frames received than the clip has (it loops), and the recording is
#      VP8 1280x720 as sent (no re-encoding anywhere on the way);
#   3. --count 2 --codec h264 --no-decode: two participants from one process, both ok;
#   4. mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || fail "ffmpeg/ffprobe are missing; run: make deps"

# Under `make asan` keep memory-error checks, not leak reports of GLib/GStreamer start-up.
ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" "$@"; }

start_mcud
JOIN=(--server "ws://127.0.0.1:$MCUD_PORT/ws" --conference echo --ice-address 127.0.0.1)


say "1. test pattern + tone, recorded, ended by SIGINT"
rc=0
ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" "${JOIN[@]}" --name "Sở Tư pháp" --video test:red \
    --audio test:440 --record "$TEST_TMP/echo.mkv" --stats --stats-interval 1 \
    >"$TEST_TMP/echo.out" 2>"$TEST_TMP/echo.err" &
ROOM_PID=$!     # mcu-room itself (not a subshell), so that SIGINT reaches it
track_background "$ROOM_PID"
decoded_so_far() { sed -n 's/.* \([0-9]*\) decoded [0-9]*x.*/\1/p' "$TEST_TMP/echo.out" | tail -1; }
for _ in $(seq 300); do     # bounded: 30 s to connect and decode 90 frames (status lines every second)
    [ "$(decoded_so_far)" -ge 90 ] 2>/dev/null && break
    process_running "$ROOM_PID" || break
    sleep 0.1
done
if ! [ "$(decoded_so_far)" -ge 90 ] 2>/dev/null; then
    kill -KILL "$ROOM_PID" 2>/dev/null || true
    cat "$TEST_TMP/echo.err" "$TEST_TMP/echo.out"
    fail "mcu-room did not decode 90 frames within 30 s"
fi
kill -INT "$ROOM_PID"
wait "$ROOM_PID" || rc=$?
cat "$TEST_TMP/echo.err" "$TEST_TMP/echo.out"
[ "$rc" -eq 0 ] || fail "mcu-room exited $rc after SIGINT, expected 0"
grep -q 'result=ok' "$TEST_TMP/echo.out" || fail "no result=ok in the summary"
decoded=$(summary_field "$TEST_TMP/echo.out" video_frames_decoded)
audio=$(summary_field "$TEST_TMP/echo.out" audio_frames_decoded)
[ "${decoded:-0}" -ge 30 ] || fail "only ${decoded:-0} video frames decoded"
[ "${audio:-0}" -ge 10 ] || fail "only ${audio:-0} audio frames decoded"
streams=$(ffprobe -v error -show_entries stream=codec_type,codec_name,width,height -of compact=p=0 "$TEST_TMP/echo.mkv")
echo "$streams"
grep -q 'codec_name=vp8|codec_type=video|width=640|height=360' <<<"$streams" || fail "no VP8 640x360 video in the recording"
grep -q 'codec_name=opus|codec_type=audio' <<<"$streams" || fail "no Opus audio in the recording"
errors=$(ffmpeg -v error -i "$TEST_TMP/echo.mkv" -f null - 2>&1 | head -5)
[ -z "$errors" ] || fail "the recording does not decode cleanly: $errors"
frames=$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 "$TEST_TMP/echo.mkv")
[ "${frames:-0}" -ge 30 ] || fail "the recording has only ${frames:-0} decodable video frames"
colour=$(mean_colour "$TEST_TMP/echo.mkv" 160 90 320 180)
colour_is "$colour" red || fail "the recorded picture is not the red we sent (mean RGB $colour)"
say "recording: $frames frames, mean colour $colour"

say "2. --replay of a 720p VP8 file, looped, for --duration 8"
ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=2 -f lavfi -i sine=frequency=660:duration=2 \
    -c:v libvpx -b:v 1M -g 30 -deadline realtime -cpu-used 8 -c:a libopus -ac 2 -ar 48000 "$TEST_TMP/clip.webm" \
    || fail "cannot make the test clip with ffmpeg"
rc=0
room "${JOIN[@]}" --name replay --replay "$TEST_TMP/clip.webm" --duration 8 --no-decode \
    --record "$TEST_TMP/replay.mkv" >"$TEST_TMP/replay.out" 2>"$TEST_TMP/replay.err" || rc=$?
cat "$TEST_TMP/replay.err" "$TEST_TMP/replay.out"
[ "$rc" -eq 0 ] || fail "mcu-room --replay exited $rc"
received=$(summary_field "$TEST_TMP/replay.out" video_frames_received)
[ "${received:-0}" -gt 60 ] || fail "only ${received:-0} frames came back: the 60-frame clip did not loop"
streams=$(ffprobe -v error -show_entries stream=codec_name,width,height -of compact=p=0 "$TEST_TMP/replay.mkv")
grep -q 'codec_name=vp8|width=1280|height=720' <<<"$streams" || fail "the replayed video did not come back as VP8 1280x720: $streams"

say "3. --count 2 --codec h264"
rc=0
room "${JOIN[@]}" --name load --count 2 --codec h264 --size 320x180 --duration 5 --no-decode \
    >"$TEST_TMP/count.out" 2>"$TEST_TMP/count.err" || rc=$?
cat "$TEST_TMP/count.err" "$TEST_TMP/count.out"
[ "$rc" -eq 0 ] || fail "mcu-room --count 2 exited $rc"
[ "$(grep -c 'result=ok' "$TEST_TMP/count.out")" -eq 2 ] || fail "not two result=ok summaries"
grep -q 'name="load 1"' "$TEST_TMP/count.out" && grep -q 'name="load 2"' "$TEST_TMP/count.out" \
    || fail "participants are not named 'load 1' and 'load 2'"

say "4. mcud stops cleanly and logged no error"
stop_mcud
check_mcud_log_clean
say "pass"
