#!/bin/bash
# hoinghi benchmark (make bench; not a test): glass-to-glass video and audio latency
# through the MCU's mix path against the echo conference (forwarding, no decoding), in
# one run on one machine and one clock (issue 16, docs/benchmarks.md).
#
# The instrument: an mcu-room that sends `--video test:timecode` (a moving ball, and the
# time of the monotonic clock drawn into every raw frame as bars before the encoder:
# client/room/timecode.h) and reads the codes back with `--read-timecode` in what it
# decodes: delay = the clock when the decoded frame leaves the decoder - the stamp. The
# same room is the sender and the reader, so the echo and the mix cases differ only in
# what mcud does with the picture:
#   echo      mcud forwards the room's own stream back (SSRC rewrite, no decoding);
#   mix 2x2   a mixing conference, canvas 1280x720 at 30 fps VP8, the timecode room and
#             3 replay rooms; the room finds its stamp in its cell of the composite;
#   mix 3x3   the same with 8 replay rooms.
# The timecode room sends 640x360 at 30 fps, VP8 800 kbit/s (a 2x2 cell's size: so that
# echo and mix cost its encoder the same, and an encoder that falls behind on this
# 2-core machine does not add its queue to one case only); in the mix conferences it
# obeys the MCU's send limits (sender control, docs/sender-control.md) like every room,
# so in 3x3 it encodes its cell's size. Replay rooms (mcu-room --replay of one clip in three
# renditions, --no-decode) cost almost nothing. Each case lasts DURATION seconds; the
# reader leaves out the first 2 s after its first code. Per case: stamps counted, mean,
# p50, p99, min and max; for the mix cases mcud's own figure (an input frame's last
# packet in to the first packet of the composite that shows it out) from its log. The
# MCU-added latency is the mix case's figure minus the echo's (mean, p50, p99 each).
# Audio, in the same cases: the timecode room sends `--audio test:click` (a 10 ms 4 kHz
# beep at every whole second of the monotonic clock: client/room/click.h) and reads
# clicks with `--read-clicks` in the audio it decodes: delay = the time the decoded
# buffer that holds the onset would play - the whole second. In echo it hears its own;
# in a mix a room never hears itself, so one more room, "clicker" (`--video none --audio
# test:click --no-decode`: no picture, nothing decoded), joins after it (the last room,
# one more than the cells: not drawn) and the timecode room hears its clicks through the
# mix, among the replay rooms' quiet 440 Hz tones.
# All on this machine over loopback in a network namespace of its own. Writes its
# section of docs/benchmarks.md (between the latency markers) and prints it.
#
#   tests/bench/latency.sh                  echo, 2x2 and 3x3
#   DURATION=30 tests/bench/latency.sh      longer cases (default 20 s)
#   CASES="echo 4" SENDER_CONTROL=false OUT_MD=- tests/bench/latency.sh
#                                           some cases (echo, 4: 2x2, 9: 3x3), the mix
#                                           without sender control (every room sends
#                                           1280x720), docs/benchmarks.md untouched
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init latency
OUT_MD=${OUT_MD:-$ROOT/docs/benchmarks.md}
DURATION=${DURATION:-20}
CASES=${CASES:-"echo 4 9"}
SENDER_CONTROL=${SENDER_CONTROL:-true}

# The replay rooms' clip in three renditions (keyframes every second in all of them).
bench_renditions "replay rooms'" 1280x720:1200k 640x360:500k 426x240:250k

field() {   # field FILE KEY -> the value in the timecode room's summary line
    grep '^mcu-room: summary name="timecode"' "$1" | head -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# wait_joined LOG: until an mcu-room's log says it joined (at most 30 s).
wait_joined() {
    for _ in $(seq 300); do
        grep -q 'joined conference' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    log "no join in $1 after 30 s"
}

# run CONFERENCE LAYOUT ROOMS ->
#   "frames|mean|p50|p99|min|max|sent|mcud_median|mcud_p99|clicks|cmean|cp50|cp99|cmin|cmax|load|breakdown"
# (c...: the clicks' figures)
# breakdown: mcud's "latency: mean ..." line's figures, "mean jitter tickwait tick decode
# compose encode packetize" (empty for echo)
# (LAYOUT "-" and ROOMS 1: the echo conference)
run() {
    local conference=$1 layout=$2 rooms=$3 port=$((30000 + RANDOM % 20000)) state conf log pid
    state=$(mktemp -d "$DIR/state.XXXXXX")
    conf=$state/mcud.conf
    log=$state/mcud.log
    printf '[mcud]\njoin-rate=0\n' >"$conf"
    [ "$layout" = - ] ||
        printf '[conference %s]\ntype=mix\nlayout=%s\nsize=1280x720\nfps=30\ncodecs=vp8\nsender-control=%s\n' \
            "$conference" "$layout" "$SENDER_CONTROL" >>"$conf"
    bench_start_mcud "$port" "$state"
    pid=$!
    local join=(--server "ws://127.0.0.1:$port/ws" --conference "$conference" --ice-address 127.0.0.1)
    local fillers=""
    if [ "$rooms" -gt 1 ]; then
        # shellcheck disable=SC2086 # $renditions is a list of options
        "$ROOM" "${join[@]}" --name "Room" --count $((rooms - 1)) $renditions --no-decode \
            --connect-timeout 60 --duration $((DURATION + 4)) >"$state/fillers.log" 2>&1 &
        fillers=$!
        sleep 2
    fi
    "$ROOM" "${join[@]}" --name timecode --video test:timecode --audio test:click --size 640x360 \
        --fps 30 --bitrate 800 --read-timecode --read-clicks --duration "$DURATION" --stats \
        --stats-interval 5 >"$state/timecode.log" 2>&1 &
    local timecode=$! clicker=""
    if [ "$rooms" -gt 1 ]; then
        wait_joined "$state/timecode.log"
        "$ROOM" "${join[@]}" --name clicker --video none --audio test:click --no-decode \
            --connect-timeout 60 --duration "$DURATION" >"$state/clicker.log" 2>&1 &
        clicker=$!
    fi
    wait "$timecode" || log "the timecode room exited with $? (see $state/timecode.log)"
    [ -z "$clicker" ] || wait "$clicker" || log "the clicker room exited with $? (see $state/clicker.log)"
    [ -z "$fillers" ] || wait "$fillers" || log "the replay rooms exited with $? (see $state/fillers.log)"
    kill -TERM "$pid"
    wait "$pid" || true
    local frames mean p50 p99 min max sent line median="" mp99="" breakdown="" clicks k audio=""
    frames=$(field "$state/timecode.log" timecode_frames)
    [ "${frames:-0}" -gt 0 ] || { log "no stamps read in $conference"; tail -20 "$state/timecode.log" >&2; exit 1; }
    mean=$(field "$state/timecode.log" timecode_mean_ms)
    p50=$(field "$state/timecode.log" timecode_p50_ms)
    p99=$(field "$state/timecode.log" timecode_p99_ms)
    min=$(field "$state/timecode.log" timecode_min_ms)
    max=$(field "$state/timecode.log" timecode_max_ms)
    clicks=$(field "$state/timecode.log" click_count)
    [ "${clicks:-0}" -gt 0 ] || { log "no clicks heard in $conference"; tail -20 "$state/timecode.log" >&2; exit 1; }
    for k in mean p50 p99 min max; do audio="$audio|$(field "$state/timecode.log" "click_${k}_ms")"; done
    sent=$(sed -n 's/^mcu-room\[timecode\]: in .* sent \([0-9x]*\)$/\1/p' "$state/timecode.log" | tail -1)
    line=$(grep "conference $conference media:" "$log" | tail -1 || true)
    if [ -n "$line" ]; then
        median=$(bench_media_figure "$line" median)
        mp99=$(bench_media_figure "$line" p99)
    fi
    line=$(grep "conference $conference latency: mean" "$log" | tail -1 || true)
    [ -z "$line" ] || breakdown=$(sed -E 's/.*latency: mean ([0-9.]+) ms = jitter buffer ([0-9.]+) \+ wait for the tick ([0-9.]+) \+ tick ([0-9.]+) \(decode ([0-9.]+), compose ([0-9.]+), encode ([0-9.]+), packetize (-?[0-9.]+)\).*/\1 \2 \3 \4 \5 \6 \7 \8/' <<<"$line")
    echo "$frames|$mean|$p50|$p99|$min|$max|${sent:-640x360}|$median|$mp99|$clicks$audio|$(cut -d' ' -f1 /proc/loadavg)|$breakdown"
}

rows=()
for c in $CASES; do
    case $c in
    echo) log "echo"; r=$(run echo - 1); rows+=("echo|$r") ;;
    4) log "mix 2x2, 4 rooms"; r=$(run lat4 2x2 4); rows+=("mix 2x2, 4 rooms|$r") ;;
    9) log "mix 3x3, 9 rooms"; r=$(run lat9 3x3 9); rows+=("mix 3x3, 9 rooms|$r") ;;
    *) log "unknown case $c (echo, 4, 9)"; exit 2 ;;
    esac
    log "  $r"
done
echo_row=""
for r in "${rows[@]}"; do [ "${r%%|*}" != echo ] || echo_row=${r#*|}; done

IFS='|' read -r _ echo_mean echo_p50 echo_p99 _ _ _ _ _ _ echo_cmean echo_cp50 echo_cp99 _ <<<"${echo_row:-||||||||||||||}"
added() {   # added LABEL MEAN P50 P99 ECHO_MEAN ECHO_P50 ECHO_P99: "mean | p50 | p99" of mix - echo
    if [ "$1" = echo ] || [ -z "$echo_row" ]; then
        echo "- | - | -"
    else
        awk -v m="$2" -v a="$3" -v b="$4" -v em="$5" -v ea="$6" -v eb="$7" \
            'BEGIN { printf "%.1f | %d | %d", m - em, a - ea, b - eb }'
    fi
}
row() {   # row LABEL ROW: the video table's row
    local frames mean p50 p99 min max sent median mp99 load
    IFS='|' read -r frames mean p50 p99 min max sent median mp99 _ _ _ _ _ _ load _ <<<"$2"
    echo "| $1 | $sent | $frames | $mean | $p50 | $p99 | $min | $max | $(added "$1" "$mean" "$p50" "$p99" "$echo_mean" "$echo_p50" "$echo_p99") | ${median:--} | ${mp99:--} | $load |"
}
audio_row() {   # audio_row LABEL ROW: the audio table's row
    local clicks mean p50 p99 min max load
    IFS='|' read -r _ _ _ _ _ _ _ _ _ clicks mean p50 p99 min max load _ <<<"$2"
    echo "| $1 | $clicks | $mean | $p50 | $p99 | $min | $max | $(added "$1" "$mean" "$p50" "$p99" "$echo_cmean" "$echo_cp50" "$echo_cp99") | $load |"
}
stages() {   # stages LABEL ROW: mcud's breakdown of the case, if it has one
    local breakdown=${2##*|}
    [ -n "$breakdown" ] || return 0
    # shellcheck disable=SC2086 # the figures, split
    set -- "$1" $breakdown
    echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 | $9 |"
}

section=$(mktemp)
{
    echo "<!-- latency-begin -->"
    echo "## Glass-to-glass latency: mix path against echo"
    echo
    bench_measured_on latency.sh
    echo
    echo "One mcu-room sends \`--video test:timecode\` (640x360 at 30 fps, VP8 800 kbit/s: a"
    echo "moving ball with the monotonic clock's time drawn into each raw frame before the"
    echo "encoder) and reads the codes back with \`--read-timecode\` in the video it decodes."
    echo "Delay = the time the decoded frame leaves the decoder - its stamp, each stamp counted"
    echo "once, over ${DURATION} s less the first 2 s. Echo: mcud sends the room's stream back"
    echo "(forwarding). Mix: canvas 1280x720 at 30 fps VP8, the timecode room finds its stamp"
    echo "in its cell of the composite; the other rooms are \`mcu-room --replay\` senders"
    if [ "$SENDER_CONTROL" = true ]; then
        echo "(testsrc2 clip; sender control picks their rendition). Sent: what the timecode"
        echo "room encoded last (send limits apply in the mix). MCU-added = mix - echo, for the mean,"
    else
        echo "(testsrc2 clip; sender control off: every room sends 1280x720). Sent: what the"
        echo "timecode room encoded last. MCU-added = mix - echo, for the mean,"
    fi
    echo "the p50 and the p99. mcud's own figure: an input frame's last packet in to the"
    echo "first packet of the composite that shows it out, from mcud's log. Milliseconds."
    echo "Load: the machine's 1-minute load average at the end of the case (other work on it"
    echo "shows in the figures, above all in the p99)."
    echo
    echo "| path | sent | stamps | mean | p50 | p99 | min | max | MCU-added mean | MCU-added p50 | MCU-added p99 | mcud median | mcud p99 | load |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do row "${r%%|*}" "${r#*|}"; done
    echo
    echo "Where mcud's time goes (its log at the end of each mix case; means over the input"
    echo "frames composed, the tick's phases per canvas frame): an input frame waits in the"
    echo "jitter buffer (its last packet in to its playout time), then for the video tick,"
    echo "then the tick decodes, composes (scaling the new pictures included), encodes and"
    echo "packetizes; the sum is mcud's mean. Milliseconds."
    echo
    echo "| path | mcud mean | jitter buffer | wait for the tick | tick | decode | compose | encode | packetize |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do stages "${r%%|*}" "${r#*|}"; done
    echo
    echo "Audio, in the same runs: the timecode room also sends \`--audio test:click\` (a 10 ms"
    echo "4 kHz beep at 0.7 of full scale at every whole second of the monotonic clock, silence"
    echo "between; Opus 32 kbit/s) and listens with \`--read-clicks\` to the audio it decodes for"
    echo "the beep's onset. Delay = the time the decoded buffer that holds the onset leaves"
    echo "the decoder (when it would start to play) + the onset's place in it - the whole"
    echo "second; the sender's buffer (10 ms) counts as a microphone's would. One click a"
    echo "second, so over ${DURATION} s less the first 2 s the p99 is about the largest."
    echo "Echo: the room hears its own clicks back. Mix: a room never hears itself, so one"
    echo "more room (\`--video none --audio test:click --no-decode\`) joins last, not drawn,"
    echo "and the timecode room hears its clicks in the mix, with the replay rooms' quiet"
    echo "440 Hz tones (mcud decodes, mixes the loudest 4, limits and encodes Opus every 20 ms)."
    echo "Milliseconds."
    echo
    echo "| path | clicks | mean | p50 | p99 | min | max | MCU-added mean | MCU-added p50 | MCU-added p99 | load |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do audio_row "${r%%|*}" "${r#*|}"; done
    echo "<!-- latency-end -->"
} >"$section"

if [ "$OUT_MD" = - ]; then
    : # printed only
else
    bench_write_section latency "$section" "$OUT_MD"
fi
cat "$section"
rm -f "$section"
