#!/bin/bash
# hoinghi soak test (make soak; not in make check): mcud runs three mixing conferences
# for SOAK_MINUTES (default 30) while rooms join and leave them in a loop: in each
# conference two "seats" each run an mcu-room that stays 20..60 s, leaves, and comes
# back 2..6 s later (the senders replay a pre-encoded VP8 + Opus clip, so they cost
# little CPU; the first conference also records). Every 10 s the script samples mcud's
# resident memory (VmRSS), the allocator's heap in use and held (from /metrics, which
# also checks the REST API each time), open file descriptors and threads into a CSV.
# At the end it compares the last third of the run with the second third (the first
# third is warm-up): the heap in use (allocated and not freed) must stay flat (its
# median grows by less than SOAK_HEAP_SLACK_KB, default 4 MiB); RSS must stay bounded
# (median growth below SOAK_RSS_SLACK_KB, default 20 MiB: RSS also counts library
# pages first touched late, thread stacks and memory the allocator keeps for reuse);
# the fd median may grow by at most 4. It prints the figures and exits 1 when they are
# not flat or mcud died. All traffic stays on loopback in a network namespace of the
# script's own (it needs root).
#
#   SOAK_MINUTES (30)  SOAK_HEAP_SLACK_KB (4096)  SOAK_RSS_SLACK_KB (20480)
#   SOAK_DIR (tests/out/soak)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
if [ -z "${HOINGHI_SOAK_NETNS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "soak: needs root for a network namespace" >&2; exit 1; }
    exec unshare -n env HOINGHI_SOAK_NETNS=1 bash -c 'ip link set lo up && exec "$0"' "$0"
fi
MINUTES=${SOAK_MINUTES:-30}
RSS_SLACK_KB=${SOAK_RSS_SLACK_KB:-20480}
HEAP_SLACK_KB=${SOAK_HEAP_SLACK_KB:-4096}
DIR=${SOAK_DIR:-$ROOT/tests/out/soak}
MCUD=$ROOT/$BUILD/mcud
ROOM=$ROOT/$BUILD/mcu-room
CSV=$DIR/samples.csv
for b in "$MCUD" "$ROOM"; do [ -x "$b" ] || { echo "soak: $b not built (make)" >&2; exit 1; }; done
command -v ffmpeg >/dev/null || { echo "soak: ffmpeg is missing; run: make deps" >&2; exit 1; }
log() { echo "soak: $(date +%H:%M:%S) $*" >&2; }

rm -rf "$DIR"
mkdir -p "$DIR/state" "$DIR/archive" "$DIR/rooms"
clip=$DIR/room.webm
ffmpeg -v error -y -f lavfi -i "testsrc2=size=320x180:rate=15" -f lavfi \
    -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libvpx -deadline realtime \
    -cpu-used 8 -b:v 300k -g 45 -c:a libopus -b:a 32k "$clip"

cat >"$DIR/mcud.conf" <<EOF
[mcud]
archive-dir=$DIR/archive
segment-minutes=10

[conference soak-a]
type=mix
title=Soak A
size=320x180
fps=15
record=always

[conference soak-b]
type=mix
title=Soak B
size=320x180
fps=15

[conference soak-c]
type=mix
title=Soak C
size=320x180
fps=15
EOF
port=$((30000 + RANDOM % 20000))
"$MCUD" --listen "127.0.0.1:$port" --state-dir "$DIR/state" --ice-address 127.0.0.1 \
    --config "$DIR/mcud.conf" 2>"$DIR/mcud.log" &
MCUD_PID=$!
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    kill -TERM "$MCUD_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
END=$(( $(date +%s) + MINUTES * 60 ))

# seat CONFERENCE NAME: an mcu-room joining and leaving CONFERENCE until the end.
seat() {
    local conference=$1 name=$2 n=0 stay
    while [ "$(date +%s)" -lt "$END" ]; do
        n=$((n + 1))
        stay=$((20 + RANDOM % 41))
        "$ROOM" --server "ws://127.0.0.1:$port/ws" --conference "$conference" --name "$name" \
            --replay "$clip" --no-decode --ice-address 127.0.0.1 --duration "$stay" \
            >>"$DIR/rooms/$name.out" 2>>"$DIR/rooms/$name.err" || echo "$n exit $?" >>"$DIR/rooms/$name.failures"
        sleep $((2 + RANDOM % 5))
    done
}
for conference in soak-a soak-b soak-c; do
    for s in 1 2; do
        seat "$conference" "$conference-room-$s" &
        PIDS+=($!)
    done
done

token=$(cat "$DIR/state/admin.token")
echo "seconds,rss_kb,fds,threads,heap_in_use_kb,heap_held_kb" >"$CSV"
start=$(date +%s)
api_failures=0
log "mcud pid $MCUD_PID on port $port; $MINUTES minutes; samples in $CSV"
while [ "$(date +%s)" -lt "$END" ]; do
    kill -0 "$MCUD_PID" 2>/dev/null || { log "mcud died; see $DIR/mcud.log"; tail -20 "$DIR/mcud.log" >&2; exit 1; }
    now=$(date +%s)
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$MCUD_PID/status")
    fds=$(find "/proc/$MCUD_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$MCUD_PID/status")
    metrics=$(curl -s -f -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" || true)
    in_use=$(awk '/^hoinghi_heap_in_use_bytes / {printf "%d", $2 / 1024}' <<<"$metrics")
    held=$(awk '/^hoinghi_heap_held_bytes / {printf "%d", $2 / 1024}' <<<"$metrics")
    if [ -z "$in_use" ] || [ -z "$held" ]; then
        log "/metrics did not answer with the heap figures"
        api_failures=$((api_failures + 1))
        in_use=0 held=0
    fi
    echo "$((now - start)),$rss,$fds,$threads,$in_use,$held" >>"$CSV"
    if [ $(( (now - start) % 60 )) -lt 10 ]; then
        log "$((now - start)) s: rss ${rss} kB, heap in use ${in_use} kB (held ${held} kB), $fds fds, $threads threads"
    fi
    sleep 10
done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()

# Compare the last third of the samples with the middle third (medians).
read -r mid_rss mid_fds last_rss last_fds max_rss samples mid_heap last_heap mid_held last_held \
    < <(awk -F, 'NR > 1 { rss[n] = $2; fds[n] = $3; heap[n] = $5; held[n] = $6; if ($2 > max) max = $2; n++ }
    function median(a, from, to,   i, j, t, k, b) {
        k = 0; for (i = from; i < to; i++) b[k++] = a[i]
        for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
        return b[int(k / 2)] }
    END { third = int(n / 3); if (third < 1) third = 1
        printf "%d %d %d %d %d %d %d %d %d %d\n", median(rss, third, 2 * third), median(fds, third, 2 * third),
            median(rss, 2 * third, n), median(fds, 2 * third, n), max, n,
            median(heap, third, 2 * third), median(heap, 2 * third, n),
            median(held, third, 2 * third), median(held, 2 * third, n) }' "$CSV")
failures=0
for f in "$DIR"/rooms/*.failures; do
    [ -e "$f" ] && failures=$((failures + $(wc -l <"$f")))
done
joins=$(grep -h -c 'joined conference' "$DIR/mcud.log" || true)
kill -TERM "$MCUD_PID"
rc=0
wait "$MCUD_PID" || rc=$?
cat <<EOF

  hoinghi soak: $MINUTES minutes, 3 conferences, 6 seats joining and leaving
  ------------------------------------------------------------------------
  samples          $samples (every 10 s), in $CSV
  joins            $joins (room sessions that failed: $failures)
  API requests     /metrics every sample, $api_failures failed
  heap in use      median middle third ${mid_heap} kB, last third ${last_heap} kB
  heap held        median middle third ${mid_held} kB, last third ${last_held} kB
  RSS median       middle third ${mid_rss} kB, last third ${last_rss} kB (max ${max_rss} kB)
  fds median       middle third ${mid_fds}, last third ${last_fds}
  mcud exit        $rc

EOF
verdict=0
[ $((last_heap - mid_heap)) -lt "$HEAP_SLACK_KB" ] || { log "the heap in use grew by $((last_heap - mid_heap)) kB"; verdict=1; }
[ $((last_rss - mid_rss)) -lt "$RSS_SLACK_KB" ] || { log "RSS grew by $((last_rss - mid_rss)) kB"; verdict=1; }
[ $((last_fds - mid_fds)) -le 4 ] || { log "open fds grew by $((last_fds - mid_fds))"; verdict=1; }
[ "$rc" -eq 0 ] || { log "mcud exited $rc on SIGTERM"; verdict=1; }
[ "$joins" -gt 0 ] || { log "no room ever joined"; verdict=1; }
[ "$api_failures" -eq 0 ] || { log "$api_failures API requests failed"; verdict=1; }
[ "$verdict" -eq 0 ] && log "flat: pass" || log "NOT flat: fail"
exit "$verdict"
