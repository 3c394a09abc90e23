#!/bin/bash
# hoinghi benchmark (make bench; not a test): glass-to-glass video latency through the
# MCU's mix path against the echo conference (forwarding, no decoding), in one run on
# one machine and one clock (issue 16, docs/benchmarks.md).
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

# run CONFERENCE LAYOUT ROOMS ->
#   "frames|mean|p50|p99|min|max|sent|mcud_median|mcud_p99|load|breakdown"
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
    "$ROOM" "${join[@]}" --name timecode --video test:timecode --audio test --size 640x360 \
        --fps 30 --bitrate 800 --read-timecode --duration "$DURATION" --stats \
        --stats-interval 5 >"$state/timecode.log" 2>&1 ||
        log "the timecode room exited with $? (see $state/timecode.log)"
    [ -z "$fillers" ] || wait "$fillers" || log "the replay rooms exited with $? (see $state/fillers.log)"
    kill -TERM "$pid"
    wait "$pid" || true
    local frames mean p50 p99 min max sent line median="" mp99="" breakdown=""
    frames=$(field "$state/timecode.log" timecode_frames)
    [ "${frames:-0}" -gt 0 ] || { log "no stamps read in $conference"; tail -20 "$state/timecode.log" >&2; exit 1; }
    mean=$(field "$state/timecode.log" timecode_mean_ms)
    p50=$(field "$state/timecode.log" timecode_p50_ms)
    p99=$(field "$state/timecode.log" timecode_p99_ms)
    min=$(field "$state/timecode.log" timecode_min_ms)
    max=$(field "$state/timecode.log" timecode_max_ms)
    sent=$(sed -n 's/^mcu-room\[timecode\]: in .* sent \([0-9x]*\)$/\1/p' "$state/timecode.log" | tail -1)
    line=$(grep "conference $conference media:" "$log" | tail -1 || true)
    if [ -n "$line" ]; then
        median=$(bench_media_figure "$line" median)
        mp99=$(bench_media_figure "$line" p99)
    fi
    line=$(grep "conference $conference latency: mean" "$log" | tail -1 || true)
    [ -z "$line" ] || breakdown=$(sed -E 's/.*latency: mean ([0-9.]+) ms = jitter buffer ([0-9.]+) \+ wait for the tick ([0-9.]+) \+ tick ([0-9.]+) \(decode ([0-9.]+), compose ([0-9.]+), encode ([0-9.]+), packetize (-?[0-9.]+)\).*/\1 \2 \3 \4 \5 \6 \7 \8/' <<<"$line")
    echo "$frames|$mean|$p50|$p99|$min|$max|${sent:-640x360}|$median|$mp99|$(cut -d' ' -f1 /proc/loadavg)|$breakdown"
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

IFS='|' read -r _ echo_mean echo_p50 echo_p99 _ <<<"${echo_row:-|||}"
row() {   # row LABEL ROW
    local frames mean p50 p99 min max sent median mp99 load added
    IFS='|' read -r frames mean p50 p99 min max sent median mp99 load _ <<<"$2"
    if [ "$1" = echo ] || [ -z "$echo_row" ]; then
        added="- | - | -"
    else
        added=$(awk -v m="$mean" -v a="$p50" -v b="$p99" -v em="$echo_mean" -v ea="$echo_p50" \
            -v eb="$echo_p99" 'BEGIN { printf "%.1f | %d | %d", m - em, a - ea, b - eb }')
    fi
    echo "| $1 | $sent | $frames | $mean | $p50 | $p99 | $min | $max | $added | ${median:--} | ${mp99:--} | $load |"
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
    echo "## Glass-to-glass video latency: mix path against echo"
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
    echo "<!-- latency-end -->"
} >"$section"

if [ "$OUT_MD" = - ]; then
    : # printed only
else
    bench_write_section latency "$section" "$OUT_MD"
fi
cat "$section"
rm -f "$section"
