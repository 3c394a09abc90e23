#!/bin/bash
# test_share_chromium.sh - presenting from the web client (issue 19): a headless Chromium
# room clicks Share; its fake display source is a canvas of fine lines
# (share_chromium.mjs). An mcu-room viewer records what it receives: the content area of
# its picture must show the lines with as many stripes as the source and at least half
# its edge contrast (share_picture.py, against the same picture made by ffmpeg). The
# operator then chooses another layout during the share (speaker+4: the content keeps
# the big cell) and stops the share (mcuctl share stop): the page's share ends with the
# server's reason, the room stays in the call, and the operator's layout stays (the
# layout from before the share comes back only when nobody chose one meanwhile:
# test_share_room checks that).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require mcud mcu-room chromium node node_modules
source "$(dirname "$0")/share_lib.sh"

write_meeting_config "$TEST_TMP/mcud.conf"
start_mcud "$TEST_TMP/mcud.conf"

# The reference: the picture the page draws, as a file.
LINES=$TEST_TMP/lines.webm
make_lines_clip "$LINES" 2
ffmpeg -v error -f lavfi -i color=c=0x00ff00:size=320x180:rate=15:duration=2 -pix_fmt yuv420p "$TEST_TMP/green.y4m" \
    || fail "ffmpeg could not make the page's camera"

show_logs() { cat "$TEST_TMP/viewer.err" "$TEST_TMP/chromium.log" 2>/dev/null || true; }

room_start viewer red --record "$TEST_TMP/viewer.mkv"
VIEWER_PID=$ROOM_PID
wait_line "$TEST_TMP/viewer.err" 'media connected' 20 || { show_logs; fail "the viewer's media did not connect"; }
T0=$(now_s)

STOP=$TEST_TMP/stop
node "$ROOT/tests/integration/share_chromium.mjs" "$MCUD_URL" meeting web "$TEST_TMP/green.y4m" "$STOP" \
    >"$TEST_TMP/chromium.log" 2>&1 &
CHROMIUM_PID=$!
track_background "$CHROMIUM_PID"
wait_line "$TEST_TMP/viewer.err" 'presenting: web' 60 || { show_logs; fail "the viewer was not told that the web room presents"; }
[ -e "$STOP.presenting" ] || wait_line "$TEST_TMP/chromium.log" 'chromium: presenting' 20 \
    || { show_logs; fail "the page did not say it presents"; }
grep -q 'conference meeting layout presentation' "$MCUD_LOG" || fail "the conference did not switch to the presentation layout"
sleep 8
CHECK=$(check_point "$T0")

ctl layout set meeting speaker+4 >/dev/null || fail "mcuctl layout set failed during the share"
wait_line "$MCUD_LOG" 'conference meeting layout speaker\+4' 10 || fail "the operator's layout was not taken during the share"
ctl share stop meeting >"$TEST_TMP/stop.out" || { cat "$TEST_TMP/stop.out"; fail "mcuctl share stop failed"; }
wait_line "$TEST_TMP/viewer.err" 'nobody presents \(stopped by the operator\)' 10 \
    || { show_logs; fail "the viewer was not told that the operator stopped the share"; }
wait_line "$MCUD_LOG" 'the share ended \(layout speaker\+4\)' 10 || fail "the operator's layout did not stay after the share"
if grep -q 'conference meeting layout 2x2' "$MCUD_LOG"; then fail "the layout went back to 2x2 although the operator chose speaker+4 during the share"; fi
sleep 1
touch "$STOP"
rc=0
wait "$CHROMIUM_PID" || rc=$?
kill -INT "$VIEWER_PID"
rc_viewer=0
wait "$VIEWER_PID" || rc_viewer=$?
show_logs
[ "$rc" -eq 0 ] || fail "the Chromium room failed (exit $rc)"
[ "$rc_viewer" -eq 0 ] || fail "the viewer exited $rc_viewer"
grep -q '^stopped: stopped by the operator' "$STOP.share" || fail "the page's share ended with: $(cat "$STOP.share")"

say "the web room's lines at ${CHECK} s of the viewer's recording"
$PICTURE lines "$TEST_TMP/viewer.mkv" "$CHECK" "$LINES" || fail "the viewer's picture does not show the web room's lines sharply"
stop_mcud
check_mcud_log_clean
say "pass"
