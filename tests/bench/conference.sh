#!/bin/bash
# hoinghi benchmark (make bench; not a test): live mixing conferences in mcud at
# 1280x720, 30 fps (VP8), fed by cheap senders, each case twice in the same run: with
# sender control (the default: send limits, REMB caps, rooms not drawn not decoded;
# docs/sender-control.md) and without it (the conference key sender-control=false: the
# behaviour before sender control). Senders: mcu-room --replay given four renditions of
# one clip (1280x720, 640x360, 426x240, 320x180 VP8 + Opus, keyframes every second): a
# room sends the rendition that fits its cell and pauses when it is not drawn; without
# sender control every room sends 1280x720. Receivers count without decoding
# (--no-decode). All on this machine over loopback in a network namespace of its own.
#
# Per case: mcud's CPU (user + sys, from /proc) over a steady window, the canvas frames
# made and dropped, the input frames mcud could not show, the MCU-added latency
# (median, p99: arrival of an input frame's last packet to the first packet of the
# composite that contains it), the mean bitrate each room sends to mcud (from mcu-room's
# last --stats line of each room) and the senders' CPU. Writes its section of
# docs/benchmarks.md (between the conference markers).
#
#   tests/bench/conference.sh             every case
#   CASES="9:3x3" tests/bench/conference.sh   some of them (ROOMS:LAYOUT ...)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init conference
OUT_MD=$ROOT/docs/benchmarks.md
WARMUP=8          # seconds after the rooms start before measuring
WINDOW=20         # seconds measured
ROOMS_PER_PROCESS=15

CASES=${CASES:-"9:3x3 16:4x4 25:5x5 60:4x4"}

# The ladder: one clip, four renditions, a keyframe every second in all of them.
bench_renditions "senders'" 1280x720:1200k 640x360:500k 426x240:250k 320x180:150k

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run ROOMS LAYOUT SENDER_CONTROL ->
#   "cpu|canvas|dropped|not_shown|tick_ms|median|p99|samples|room_cpu|kbps_per_room|joined"
run() {
    local rooms=$1 layout=$2 control=$3 port=$((30000 + RANDOM % 20000)) state conf log pid rpid
    state=$(mktemp -d "$DIR/state.XXXXXX")
    conf=$state/mcud.conf
    log=$state/mcud.log
    printf '[mcud]\njoin-rate=0\n[conference bench]\ntype=mix\nlayout=%s\nsize=1280x720\nfps=30\ncodecs=vp8\nmax-participants=64\nsender-control=%s\n' \
        "$layout" "$control" >"$conf"
    bench_start_mcud "$port" "$state"
    pid=$!
    # more rooms take longer to join: the window starts once they all could have
    local warmup=$((WARMUP + rooms / 10))
    # at most ROOMS_PER_PROCESS rooms per mcu-room process (each runs its rooms on one
    # main loop): the senders use both cores, and ICE consent is answered in time. The
    # rooms stand for machines elsewhere: niced, they take the CPU mcud leaves over
    # instead of starving it
    local rpids=() left=$rooms n k=0
    while [ "$left" -gt 0 ]; do
        n=$((left < ROOMS_PER_PROCESS ? left : ROOMS_PER_PROCESS))
        k=$((k + 1))
        # shellcheck disable=SC2086 # $renditions is a list of options
        nice -n 10 "$ROOM" --server "ws://127.0.0.1:$port/ws" --conference bench --name "Room $k." \
            --count "$n" $renditions --no-decode --ice-address 127.0.0.1 --connect-timeout 60 \
            --stats --stats-interval 5 --duration $((warmup + WINDOW + 2)) \
            >"$state/rooms-$k.log" 2>&1 &
        rpids+=($!)
        left=$((left - n))
    done
    sleep "$warmup"
    local hz t0 t1 r0=0 r1=0 p
    hz=$(getconf CLK_TCK)
    t0=$(cpu_ticks "$pid")
    for p in "${rpids[@]}"; do r0=$((r0 + $(cpu_ticks "$p"))); done
    sleep "$WINDOW"
    t1=$(cpu_ticks "$pid")
    for p in "${rpids[@]}"; do r1=$((r1 + $(cpu_ticks "$p"))); done
    for p in "${rpids[@]}"; do
        wait "$p" || log "an mcu-room exited with $? (see $state/rooms-*.log)"
    done
    cat "$state"/rooms-*.log >"$state/rooms.log"
    kill -TERM "$pid"; wait "$pid" || true
    local line
    line=$(grep "conference bench media:" "$log" | tail -1)
    [ -n "$line" ] || { log "no conference figures in $log"; tail -20 "$log" >&2; exit 1; }
    local canvas dropped notshown tick median p99 samples
    canvas=$(sed -E 's/.*media: ([0-9]+) canvas frames.*/\1/' <<<"$line")
    dropped=$(sed -E 's/.*canvas frames \(([0-9]+) dropped\).*/\1/' <<<"$line")
    notshown=$(sed -E 's/.*dropped\), ([0-9]+) input frames not shown.*/\1/' <<<"$line")
    tick=$(sed -E 's/.*video tick ([0-9.]+) ms.*/\1/' <<<"$line")
    median=$(bench_media_figure "$line" median)
    p99=$(bench_media_figure "$line" p99)
    samples=$(sed -E 's/.*ms \(([0-9]+) frames\).*/\1/' <<<"$line")
    local cpu room_cpu kbps joined
    cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v w="$WINDOW" 'BEGIN{printf "%.0f", 100 * d / hz / w}')
    room_cpu=$(awk -v d=$((r1 - r0)) -v hz="$hz" -v w="$WINDOW" 'BEGIN{printf "%.0f", 100 * d / hz / w}')
    # each room's last "out N kbit/s" (the last 5 s of the window), averaged over rooms
    kbps=$(awk '/^mcu-room\[.*\]: in .* out [0-9]+ kbit\/s/ {
                   room = $0; sub(/\]:.*/, "", room)
                   v = $0; sub(/.* out /, "", v); sub(/ kbit.*/, "", v); last[room] = v }
               END { n = 0; t = 0; for (r in last) { n++; t += last[r] }
                     printf "%.0f", n ? t / n : 0 }' "$state/rooms.log")
    joined=$(grep -c "result=ok" "$state/rooms.log" || true)
    # canvas frames made a second over the rooms' call, and mcud's CPU scaled to 30 of
    # them (on a loaded machine mcud is starved, makes fewer frames and uses less CPU)
    local made at30
    made=$(awk -v c="$canvas" -v s=$((warmup + WINDOW + 2)) 'BEGIN{printf "%.1f", c / s}')
    at30=$(awk -v cpu="$cpu" -v m="$made" 'BEGIN{printf "%.0f", (m > 0 ? cpu * 30 / m : 0)}')
    echo "$cpu|$canvas|$dropped|$notshown|$tick|$median|$p99|$samples|$room_cpu|$kbps|$joined|$made|$at30"
}

rows=()
for c in $CASES; do
    rooms=${c%%:*} layout=${c##*:}
    for control in false true; do
        log "$rooms rooms, $layout, sender control $control"
        r=$(run "$rooms" "$layout" "$control")
        log "  $r"
        rows+=("$rooms|$layout|$control|$r")
    done
done

row() {
    IFS='|' read -r rooms layout control cpu canvas dropped notshown tick median p99 samples \
        room_cpu kbps joined made at30 <<<"$1"
    local label="$rooms rooms, $layout"
    [ "$control" = true ] && label="$label, sender control" || label="$label, before (off)"
    echo "| $label | $joined | $cpu % | $made | $at30 % | $dropped | $notshown | $tick | $median | $p99 | $kbps | $room_cpu % |"
}

section=$(mktemp)
{
    echo "<!-- conference-begin -->"
    echo "## Live conference in mcud: 720p30, 9 to 60 rooms, with and without sender control"
    echo
    bench_measured_on conference.sh
    echo
    echo "One mixing conference, canvas 1280x720 at 30 fps, VP8 out (one encode of the high"
    echo "profile fanned out to every room). Senders: \`mcu-room --replay\` of one clip in four"
    echo "renditions (1280x720 1.2 Mbit/s, 640x360 500 kbit/s, 426x240 250 kbit/s, 320x180"
    echo "150 kbit/s VP8, keyframes every second, + Opus): with sender control a room sends the"
    echo "rendition that fits its cell and pauses when it is not drawn; before (the conference"
    echo "key \`sender-control=false\`) every room sends 1280x720 and every room is decoded."
    echo "The rooms run at nice 10 (they stand for machines elsewhere) and count without"
    echo "decoding. mcud's CPU is user + sys over ${WINDOW} s after a"
    echo "warm-up of ${WARMUP} s plus 1 s per 10 rooms (100 % = one core of the two). Frames"
    echo "dropped: canvas frames mcud did not make because its media thread fell behind, over"
    echo "the whole run (about $((WARMUP + WINDOW)) s and more, 30 a second). Latency: from the"
    echo "arrival of an input frame's last packet to the first packet of the composite that"
    echo "contains it leaving mcud. Sent per room: the mean over the rooms of what each sent"
    echo "to mcud in the last 5 s. Rooms in: the rooms that joined and ended normally. Canvas"
    echo "frames a second: made over the rooms' call (30 when mcud keeps up); mcud CPU at"
    echo "30 fps: its CPU scaled to 30 canvas frames a second (a starved mcud makes fewer"
    echo "frames and uses less CPU; this is what it would need to keep up)."
    echo
    echo "| conference | rooms in | mcud CPU | canvas frames a second | mcud CPU at 30 fps | canvas frames dropped | input frames not shown | video tick (ms) | latency median (ms) | latency p99 (ms) | sent per room (kbit/s) | senders' CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do row "$r"; done
    echo "<!-- conference-end -->"
} >"$section"

bench_write_section conference "$section" "$OUT_MD"
rm -f "$section"
cat "$OUT_MD" | sed -n '/conference-begin/,/conference-end/p'
