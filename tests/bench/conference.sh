#!/bin/bash
# hoinghi benchmark (make bench; not a test): one live mixing conference in mcud with
# 4 and with 9 rooms at 1280x720, 30 fps (VP8), fed by cheap senders (mcu-room
# --replay: pre-encoded 720p VP8 + Opus, no encoding; --no-decode: the rooms count
# what they receive without decoding it), all on this machine over loopback in a
# network namespace of its own. It measures mcud's CPU (user + sys, from /proc) over a
# steady window, the canvas frames mcud dropped, the input frames it could not show,
# and the MCU-added latency (arrival of an input frame's last packet to the first
# packet of the composite frame that contains it going out: median and 99th
# percentile, as mcud logs them when the conference ends). Writes its section of
# docs/benchmarks.md (between the conference markers).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
if [ -z "${HOINGHI_BENCH_NETNS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "bench: needs root for a network namespace" >&2; exit 1; }
    exec unshare -n env HOINGHI_BENCH_NETNS=1 bash -c 'ip link set lo up && exec "$0"' "$0"
fi
MCUD=$ROOT/$BUILD/mcud
ROOM=$ROOT/$BUILD/mcu-room
DIR=${BENCH_DIR:-$ROOT/tests/out/bench}/conference
OUT_MD=$ROOT/docs/benchmarks.md
WARMUP=8          # seconds after the rooms start before measuring
WINDOW=20         # seconds measured
mkdir -p "$DIR"
for b in "$MCUD" "$ROOM"; do [ -x "$b" ] || { echo "bench: $b not built (make)" >&2; exit 1; }; done
log() { echo "bench: $*" >&2; }

clip=$DIR/room-720p.webm
if [ ! -s "$clip" ]; then
    log "making the senders' clip (1280x720 30 fps VP8 1.2 Mbit/s + Opus, 10 s)"
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi \
        -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libvpx -deadline realtime \
        -cpu-used 8 -b:v 1200k -g 90 -c:a libopus -b:a 32k "$clip"
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run ROOMS LAYOUT -> "cpu_percent|canvas|dropped|not_shown|tick_ms|median|p99|samples|room_cpu"
run() {
    local rooms=$1 layout=$2 port=$((30000 + RANDOM % 20000)) state conf log pid rpid
    state=$(mktemp -d "$DIR/state.XXXXXX")
    conf=$state/mcud.conf
    log=$state/mcud.log
    printf '[conference bench]\ntype=mix\nlayout=%s\nsize=1280x720\nfps=30\ncodecs=vp8\n' "$layout" >"$conf"
    "$MCUD" --listen "127.0.0.1:$port" --state-dir "$state" --ice-address 127.0.0.1 \
        --config "$conf" 2>"$log" &
    pid=$!
    sleep 1
    "$ROOM" --server "ws://127.0.0.1:$port/ws" --conference bench --name Room --count "$rooms" \
        --replay "$clip" --no-decode --ice-address 127.0.0.1 \
        --duration $((WARMUP + WINDOW + 2)) >"$state/rooms.log" 2>&1 &
    rpid=$!
    sleep "$WARMUP"
    local hz t0 t1 r0 r1
    hz=$(getconf CLK_TCK)
    t0=$(cpu_ticks "$pid"); r0=$(cpu_ticks "$rpid")
    sleep "$WINDOW"
    t1=$(cpu_ticks "$pid"); r1=$(cpu_ticks "$rpid")
    wait "$rpid" || log "mcu-room exited with $? (see $state/rooms.log)"
    kill -TERM "$pid"; wait "$pid" || true
    local line
    line=$(grep "conference bench media:" "$log" | tail -1)
    [ -n "$line" ] || { log "no conference figures in $log"; tail -20 "$log" >&2; exit 1; }
    local canvas dropped notshown tick median p99 samples
    canvas=$(sed -E 's/.*media: ([0-9]+) canvas frames.*/\1/' <<<"$line")
    dropped=$(sed -E 's/.*canvas frames \(([0-9]+) dropped\).*/\1/' <<<"$line")
    notshown=$(sed -E 's/.*dropped\), ([0-9]+) input frames not shown.*/\1/' <<<"$line")
    tick=$(sed -E 's/.*video tick ([0-9.]+) ms.*/\1/' <<<"$line")
    median=$(sed -E 's/.*latency median ([0-9.]+) ms.*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99 ([0-9.]+) ms.*/\1/' <<<"$line")
    samples=$(sed -E 's/.*ms \(([0-9]+) frames\).*/\1/' <<<"$line")
    local cpu room_cpu
    cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v w="$WINDOW" 'BEGIN{printf "%.0f", 100 * d / hz / w}')
    room_cpu=$(awk -v d=$((r1 - r0)) -v hz="$hz" -v w="$WINDOW" 'BEGIN{printf "%.0f", 100 * d / hz / w}')
    echo "$cpu|$canvas|$dropped|$notshown|$tick|$median|$p99|$samples|$room_cpu"
}

log "4 rooms, 2x2"
four=$(run 4 2x2)
log "9 rooms, 3x3"
nine=$(run 9 3x3)

row() {
    local label=$1 r=$2
    IFS='|' read -r cpu canvas dropped notshown tick median p99 samples room_cpu <<<"$r"
    echo "| $label | $cpu % | $canvas | $dropped | $notshown | $tick | $median | $p99 | $samples | $room_cpu % |"
}

section=$(mktemp)
{
    echo "<!-- conference-begin -->"
    echo "## Live conference in mcud: 720p30, 4 and 9 rooms"
    echo
    echo "Measured by \`make bench\` (tests/bench/conference.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
    echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')."
    echo
    echo "One mixing conference, canvas 1280x720 at 30 fps, VP8 out (one encode of the high"
    echo "profile fanned out to every room). Senders: \`mcu-room --replay\` of a 1280x720 30 fps"
    echo "VP8 (1.2 Mbit/s) + Opus clip, no encoding; receivers count without decoding. mcud's"
    echo "CPU is user + sys over ${WINDOW} s after ${WARMUP} s of warm-up (100 % = one core of"
    echo "the two). Frames dropped: canvas frames mcud did not make because its media thread"
    echo "fell behind, over the whole run. Latency: from the arrival of an input frame's last"
    echo "packet to the first packet of the composite that contains it leaving mcud."
    echo
    echo "| conference | mcud CPU | canvas frames | canvas frames dropped | input frames not shown | video tick (ms) | latency median (ms) | latency p99 (ms) | latency samples | senders' CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    row "4 rooms, 2x2" "$four"
    row "9 rooms, 3x3" "$nine"
    echo "<!-- conference-end -->"
} >"$section"

if [ -f "$OUT_MD" ] && grep -q "<!-- conference-begin -->" "$OUT_MD"; then
    awk -v f="$section" '
        /<!-- conference-begin -->/ { while ((getline line < f) > 0) print line; skip = 1; next }
        /<!-- conference-end -->/ { skip = 0; next }
        !skip { print }' "$OUT_MD" >"$OUT_MD.new"
    mv "$OUT_MD.new" "$OUT_MD"
else
    { echo; cat "$section"; } >>"$OUT_MD"
fi
rm -f "$section"
cat "$OUT_MD" | sed -n '/conference-begin/,/conference-end/p'
