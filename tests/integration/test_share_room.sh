#!/bin/bash
# test_share_room.sh - presenting with mcu-room (issue 19; docs/protocol.md "Presenting").
# A mixing conference (2x2, 1280x720, recorded) with three mcu-room rooms:
#   viewer  a red camera; records what it receives
#   alpha   a green camera; --share file:LINES --share-after 2 (a video of fine lines:
#           vertical stripes in its left half, horizontal ones in its right half)
#   beta    a blue camera, joins later; --share file:RED.png --share-after 1 (a still
#           picture: shown frozen for as long as the share lasts)
# Checked, in order:
#   1. alpha presents: every room gets `presenting`, the conference switches to the
#      presentation layout, the share is asked for its cell at 10 fps; the viewer's picture shows the lines over the content area
#      with as many stripes as the source and at least half its edge contrast
#      (share_picture.py lines);
#   2. beta takes over: alpha's share is ended ("another room took over"), alpha stays
#      in the call, the viewer sees beta's red content in the content area;
#   3. the operator stops the share (mcuctl share stop): `presenting` nobody, the 2x2
#      layout comes back (red, green and blue quadrants in the viewer's picture);
#   4. the recording (the archive, the composite as the rooms saw it) holds the
#      presentation: ffprobe sees VP8, and its frame from phase 1 shows the lines.
# All rooms exit 0; mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require mcud mcu-room
source "$(dirname "$0")/share_lib.sh"

ARCHIVE=$TEST_TMP/archive
mkdir -p "$ARCHIVE"

printf '[mcud]\narchive-dir=%s\n\n' "$ARCHIVE" >"$TEST_TMP/mcud.conf"
write_meeting_config "$TEST_TMP/mcud.conf" record=always
start_mcud "$TEST_TMP/mcud.conf"

LINES=$TEST_TMP/lines.webm
make_lines_clip "$LINES" 4
RED_PICTURE=$TEST_TMP/red.png
ffmpeg -v error -y -f lavfi -i "color=c=red:s=1280x720" -frames:v 1 "$RED_PICTURE" \
    || fail "ffmpeg could not make $RED_PICTURE"

show_logs() { cat "$TEST_TMP"/*.err "$TEST_TMP"/*.out 2>/dev/null || true; }

room_start viewer red --record "$TEST_TMP/viewer.mkv"
VIEWER_PID=$ROOM_PID
wait_line "$TEST_TMP/viewer.err" 'media connected' 20 || { show_logs; fail "the viewer's media did not connect"; }
T0=$(now_s)

# 1. alpha presents the lines.
room_start alpha green --share "file:$LINES" --share-after 2
ALPHA_PID=$ROOM_PID
wait_line "$TEST_TMP/viewer.err" 'presenting: alpha' 30 || { show_logs; fail "the viewer was not told that alpha presents"; }
T1=$(now_s)
grep -q 'conference meeting layout presentation' "$MCUD_LOG" || fail "the conference did not switch to the presentation layout"
# The share is asked for its content cell (1280x600) at a text's rate: 10 fps, 0.2 bit a
# pixel a frame (docs/sender-control.md, "Presenting").
wait_line "$TEST_TMP/alpha.err" 'alpha share\]: send limits 1280x600@10 1536000 bit/s: sending 1066x600@10' 10 \
    || { show_logs; fail "alpha's share was not asked for its content cell at 10 fps"; }
say "alpha presents ($(offset "$T1" "$T0") s after the viewer connected)"
sleep 8
CHECK1=$(check_point "$T0")   # 2 s before now: well inside the share

# 2. beta takes over.
room_start beta blue --share "file:$RED_PICTURE" --share-after 1
BETA_PID=$ROOM_PID
wait_line "$TEST_TMP/viewer.err" 'presenting: beta' 30 || { show_logs; fail "the viewer was not told that beta presents"; }
T2=$(now_s)
wait_line "$TEST_TMP/alpha.err" 'the share was stopped: another room took over the presentation' 10 \
    || { show_logs; fail "alpha was not told that beta took over"; }
wait_line "$TEST_TMP/beta.err" 'presenting: beta \(this room\)' 10 || { show_logs; fail "beta was not told that it presents"; }
sleep 7
CHECK2=$(check_point "$T0")
process_running "$ALPHA_PID" || { show_logs; fail "alpha left the call when its share was taken over"; }

# 3. the operator stops the share; the layout comes back.
ctl share stop meeting >"$TEST_TMP/stop.out" || { cat "$TEST_TMP/stop.out"; fail "mcuctl share stop failed"; }
grep -q 'share of .* stopped' "$TEST_TMP/stop.out" || fail "mcuctl share stop said: $(cat "$TEST_TMP/stop.out")"
wait_line "$TEST_TMP/viewer.err" 'nobody presents \(stopped by the operator\)' 10 \
    || { show_logs; fail "the viewer was not told that the operator stopped the share"; }
wait_line "$TEST_TMP/beta.err" 'the share was stopped: stopped by the operator' 10 \
    || { show_logs; fail "beta's share was not told why it stopped"; }
T3=$(now_s)
grep -q 'conference meeting layout 2x2' "$MCUD_LOG" || fail "the 2x2 layout did not come back"
if ctl share stop meeting >"$TEST_TMP/stop2.out" 2>&1; then fail "a second share stop succeeded with nobody presenting"; fi
grep -q 'nobody presents' "$TEST_TMP/stop2.out" || fail "a share stop with nobody presenting said: $(cat "$TEST_TMP/stop2.out")"
sleep 6
CHECK3=$(check_point "$T0")

for pid in "$VIEWER_PID" "$ALPHA_PID" "$BETA_PID"; do kill -INT "$pid"; done
for name in viewer alpha beta; do
    rc=0
    case $name in viewer) wait "$VIEWER_PID" || rc=$? ;; alpha) wait "$ALPHA_PID" || rc=$? ;; beta) wait "$BETA_PID" || rc=$? ;; esac
    [ "$rc" -eq 0 ] || { show_logs; fail "$name exited $rc"; }
done
show_logs

# The viewer's picture in each phase (its recording starts within a second of T0).
say "phase 1 (alpha's lines) at ${CHECK1} s of the viewer's recording"
$PICTURE lines "$TEST_TMP/viewer.mkv" "$CHECK1" "$LINES" || fail "the viewer's picture does not show alpha's lines sharply"
say "phase 2 (beta's red content) at ${CHECK2} s"
colour=$($PICTURE colour "$TEST_TMP/viewer.mkv" "$CHECK2" 0.3 0.2 0.4 0.4)
colour_is "$colour" red || fail "the content area shows $colour, not beta's red content"
say "phase 3 (2x2 again) at ${CHECK3} s"
found=""
for q in "0.05 0.05" "0.55 0.05" "0.05 0.55" "0.55 0.55"; do
    read -r qx qy <<<"$q"
    colour=$($PICTURE colour "$TEST_TMP/viewer.mkv" "$CHECK3" "$qx" "$qy" 0.4 0.3)
    say "quadrant at $qx,$qy: RGB $colour"
    for want in red green blue; do colour_is "$colour" "$want" && found="$found $want"; done
done
for want in red green blue; do
    [[ " $found " == *" $want "* ]] || fail "after the share the 2x2 picture shows no $want room (found:$found)"
done

# 4. the recording holds the presentation.
stop_mcud
check_mcud_log_clean
recording=$(find "$ARCHIVE" -name '*.webm' -o -name '*.mkv' | head -n1)
[ -n "$recording" ] || fail "no recording in $ARCHIVE: $(ls -R "$ARCHIVE")"
streams=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$recording")
grep -q vp8 <<<"$streams" || fail "$recording has no VP8 video: $streams"
# The recording started with the conference (the viewer's join, a moment before T0).
say "recording $recording; checking its frame at ${CHECK1} s"
$PICTURE lines "$recording" "$CHECK1" "$LINES" || fail "the recording does not show alpha's lines"
say "pass"
