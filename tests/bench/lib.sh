#!/bin/bash
# tests/bench/lib.sh - what the live benchmarks (latency.sh, conference.sh) share: their
# own loopback-only network namespace, mcud and mcu-room from the build, the replay
# rooms' clip in several renditions, mcud started on a config file, the machine lines
# and the writing of their section of docs/benchmarks.md. Sourced, not run:
#   source "$(dirname "$0")/lib.sh"
#   bench_init NAME

log() { echo "bench: $*" >&2; }

# bench_init NAME: goes to the repository root, runs the calling script again in a
# network namespace of its own (lo up, as root) unless it is in one already, and sets
# ROOT, BUILD (default build), MCUD, ROOM and DIR (tests/out/bench/NAME, or
# $BENCH_DIR/NAME; made). Exits 1 when mcud or mcu-room is not built.
bench_init() {
    cd "$(dirname "$0")/../.." || exit 1
    ROOT=$(pwd)
    BUILD=${BUILD:-build}
    if [ -z "${HOINGHI_BENCH_NETNS:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "bench: needs root for a network namespace" >&2; exit 1; }
        # shellcheck disable=SC2016 # $0 is expanded by the inner bash
        exec unshare -n env HOINGHI_BENCH_NETNS=1 bash -c 'ip link set lo up && exec "$0"' "$0"
    fi
    MCUD=$ROOT/$BUILD/mcud
    ROOM=$ROOT/$BUILD/mcu-room
    DIR=${BENCH_DIR:-$ROOT/tests/out/bench}/$1
    mkdir -p "$DIR"
    local b
    for b in "$MCUD" "$ROOM"; do [ -x "$b" ] || { echo "bench: $b not built (make)" >&2; exit 1; }; done
}

# bench_renditions WHO SIZE:RATE...: one 10 s clip (testsrc2 and a 440 Hz tone, 30 fps
# VP8 at RATE + Opus, a keyframe every second) scaled to each SIZE, made in $DIR once
# and kept; sets `renditions` to the mcu-room options that replay them (--replay FILE
# ...). WHO names their users in the log line ("the WHO 640x360 rendition").
bench_renditions() {
    local who=$1 r size rate clip
    shift
    renditions=""
    for r in "$@"; do
        size=${r%%:*} rate=${r##*:}
        clip=$DIR/room-$size.webm
        if [ ! -s "$clip" ]; then
            log "making the $who $size rendition (30 fps VP8 $rate + Opus, 10 s)"
            ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi \
                -i "sine=frequency=440:sample_rate=48000" -t 10 -vf "scale=${size/x/:}" \
                -c:v libvpx -deadline realtime -cpu-used 8 -b:v "$rate" -g 30 -keyint_min 30 \
                -force_key_frames 'expr:gte(t,n_forced*1)' -c:a libopus -b:a 32k "$clip"
        fi
        renditions="$renditions --replay $clip"
    done
}

# bench_start_mcud PORT STATE: mcud listening on 127.0.0.1:PORT with the state folder
# STATE and the config STATE/mcud.conf, its log in STATE/mcud.log, in the background
# ($! is its pid afterwards); gives it a second to listen.
bench_start_mcud() {
    "$MCUD" --listen "127.0.0.1:$1" --state-dir "$2" --ice-address 127.0.0.1 \
        --config "$2/mcud.conf" 2>"$2/mcud.log" &
    sleep 1
}

# bench_media_figure LINE NAME: from mcud's "conference X media:" log line, its latency
# figure NAME ("median" or "p99", milliseconds).
bench_media_figure() {
    case $2 in
    median) sed -E 's/.*latency median ([0-9.]+) ms.*/\1/' <<<"$1" ;;
    p99) sed -E 's/.*p99 ([0-9.]+) ms.*/\1/' <<<"$1" ;;
    esac
}

# bench_measured_on SCRIPT: the first lines of a section: which script measured, when,
# on what machine and under what load.
bench_measured_on() {
    echo "Measured by \`make bench\` (tests/bench/$1) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
    echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end."
}

# bench_write_section MARKER SECTION OUT_MD: puts the file SECTION (which begins with
# <!-- MARKER-begin --> and ends with <!-- MARKER-end -->) in the place of the one
# between those markers in OUT_MD, or at its end when OUT_MD has none.
bench_write_section() {
    local marker=$1 section=$2 out=$3
    if [ -f "$out" ] && grep -q "<!-- $marker-begin -->" "$out"; then
        awk -v f="$section" -v begin="<!-- $marker-begin -->" -v end="<!-- $marker-end -->" '
            index($0, begin) { while ((getline line < f) > 0) print line; skip = 1; next }
            index($0, end) { skip = 0; next }
            !skip { print }' "$out" >"$out.new"
        mv "$out.new" "$out"
    else
        { echo; cat "$section"; } >>"$out"
    fi
}
