# lib.sh - shared helpers for hoinghi integration tests; source it from a test_*.sh.
#
#   require chromium firefox node node_modules ffmpeg man groff mcud   fail (never
#                          skip) when something is missing
#   loopback_default_route  a default route over lo (src 127.0.0.1) in the test's
#                          loopback-only namespace: Firefox gathers ICE candidates only
#                          on its default route's address (no packet leaves lo)
#   start_mcud [CONFIG [STATE_DIR [PORT]]]  mcud on a free 127.0.0.1 port (or PORT, to
#                          restart where clients knew it), a temp state dir (or
#                          STATE_DIR, to restart on the same state), log in $MCUD_LOG;
#                          returns once the port answers HTTP (bounded wait); sets
#                          MCUD_STATE_DIR; runs under the command in the array
#                          MCUD_WRAPPER when a test sets one (valgrind)
#   stop_mcud              SIGTERM, bounded wait, fail unless it exited 0
#   kill_mcud              SIGKILL (a crash), waits until it is gone
#   check_mcud_log_clean   fail if mcud logged an ERROR line, a GLib CRITICAL or a
#                          sanitizer report, or if its log has no line in the format
#                          below (so a changed format cannot hide the ERROR lines)
#   MCUD_LOG_TIME_RE       the time that starts each mcud log line (grep -E), local
#                          time with its UTC offset: 2026-12-08 09:00:01.234 +0700;
#                          the level follows: ^$MCUD_LOG_TIME_RE ERROR
#   make_room_media NAME COLOUR HZ   a fake camera and microphone for one Chromium room:
#                          $TEST_TMP/NAME.y4m (solid COLOUR, 320x240, 10 fps, 3 s) and
#                          $TEST_TMP/NAME.wav (HZ sine, 48 kHz mono, 3 s); both loop in
#                          Chromium (--use-file-for-fake-video/audio-capture)
#   mean_colour FILE X Y W H [SEEK]   "R G B" (0..255) averaged over that region of one
#                          decoded frame of a media file (SEEK seconds before its end,
#                          default 1)
#   colour_is "R G B" red|green|blue   true when that mean is clearly that colour
#   fail MESSAGE           print and exit 1
#   track_background PID  kill this background helper when the test ends
#
# Sets ROOT, BUILD_DIR, MCUD, WEB_ROOT, TEST_TMP (removed on exit), MCUD_PORT, MCUD_URL,
# MCUD_PID, MCUD_LOG. An EXIT trap kills whatever is still running, prints the mcud log
# tail when the test failed, and removes TEST_TMP.

set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in
    /*) BUILD_DIR=$BUILD ;;
    *) BUILD_DIR=$ROOT/$BUILD ;;
esac
MCUD=$BUILD_DIR/mcud
WEB_ROOT=$ROOT/client/web
TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hoinghi-$TEST_NAME.XXXXXX")
MCUD_LOG=$TEST_TMP/mcud.log
MCUD_PID=""
MCUD_PORT=""
MCUD_URL=""
MCUD_STATE_DIR=""
MCUD_START_WAIT_TENTHS=100   # 10 s for mcud to answer HTTP
MCUD_STOP_WAIT_TENTHS=100    # 10 s for mcud to exit after SIGTERM
MCUD_WRAPPER=()              # a command mcud runs under (e.g. valgrind), if any
MCUD_LOG_TIME_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [+-][0-9]{4}'

say() { echo "[$TEST_NAME] $*"; }

fail() {
    echo "[$TEST_NAME] FAIL: $*" >&2
    exit 1
}

require() {
    local what
    for what in "$@"; do
        case $what in
            chromium)
                [ -x /usr/bin/chromium ] || fail "chromium is missing (/usr/bin/chromium); run: make deps" ;;
            firefox)
                [ -x /usr/bin/firefox-esr ] || fail "firefox-esr is missing (/usr/bin/firefox-esr); run: make deps" ;;
            node)
                command -v node >/dev/null 2>&1 || fail "node is missing; run: make deps" ;;
            ffmpeg)
                command -v ffmpeg >/dev/null 2>&1 || fail "ffmpeg is missing; run: make deps" ;;
            man)
                command -v man >/dev/null 2>&1 || fail "man is missing (Debian package man-db); run: make deps" ;;
            groff)
                command -v groff >/dev/null 2>&1 || fail "groff is missing (Debian package groff-base); run: make deps" ;;
            node_modules)
                [ -d "$ROOT/node_modules/playwright-core" ] && [ -d "$ROOT/node_modules/ws" ] \
                    && [ -d "$ROOT/node_modules/puppeteer-core" ] \
                    || fail "npm test drivers are missing ($ROOT/node_modules); run: make deps" ;;
            *)
                [ -x "$BUILD_DIR/$what" ] || fail "$what is missing ($BUILD_DIR/$what); run: make" ;;
        esac
    done
}

loopback_default_route() {
    [ -z "$(ip -o link show | grep -v ': lo:')" ] \
        || fail "loopback_default_route: this namespace has links besides lo; run the test with tests/run.sh"
    ip route replace default dev lo src 127.0.0.1 || fail "could not add a default route over lo"
}

# True while PID runs (a zombie that exited but was not reaped yet counts as gone).
process_running() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

free_port() {
    local port tries
    for tries in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        if [ -z "$(ss -Htln "sport = :$port")" ]; then
            echo "$port"
            return 0
        fi
    done
    fail "no free TCP port found on 127.0.0.1"
}

# True when 127.0.0.1:$MCUD_PORT answers an HTTP request with a status line.
http_answers() {
    local fd line
    { exec {fd}<>"/dev/tcp/127.0.0.1/$MCUD_PORT"; } 2>/dev/null || return 1
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
    read -r -t 2 line <&"$fd" || line=""
    exec {fd}>&-
    [[ $line == HTTP/* ]]
}

start_mcud() {
    local config=${1:-} state_dir=${2:-} port=${3:-} tries rc=0
    if [ -n "$port" ]; then MCUD_PORT=$port; else MCUD_PORT=$(free_port) || exit 1; fi
    MCUD_URL=http://127.0.0.1:$MCUD_PORT
    [ -n "$state_dir" ] || state_dir=$(mktemp -d "$TEST_TMP/state.XXXXXX")
    MCUD_STATE_DIR=$state_dir
    local args=(--listen "127.0.0.1:$MCUD_PORT" --state-dir "$state_dir" --ice-address 127.0.0.1
                --web-root "$WEB_ROOT" --log-level debug)
    if [ -n "$config" ]; then args+=(--config "$config"); fi
    say "starting: $MCUD ${args[*]}"
    "${MCUD_WRAPPER[@]}" "$MCUD" "${args[@]}" >>"$MCUD_LOG" 2>&1 &
    MCUD_PID=$!
    for tries in $(seq "$MCUD_START_WAIT_TENTHS"); do
        if ! process_running "$MCUD_PID"; then
            wait "$MCUD_PID" || rc=$?
            MCUD_PID=""
            fail "mcud exited (status $rc) before answering HTTP on 127.0.0.1:$MCUD_PORT"
        fi
        if http_answers; then
            say "mcud (pid $MCUD_PID) answers on $MCUD_URL"
            return 0
        fi
        sleep 0.1
    done
    fail "mcud did not answer HTTP on 127.0.0.1:$MCUD_PORT within $((MCUD_START_WAIT_TENTHS / 10)) s"
}

stop_mcud() {
    local tries rc=0
    [ -n "$MCUD_PID" ] || fail "stop_mcud: mcud is not running"
    process_running "$MCUD_PID" || fail "mcud (pid $MCUD_PID) died before it was asked to stop"
    kill -TERM "$MCUD_PID"
    for tries in $(seq "$MCUD_STOP_WAIT_TENTHS"); do
        process_running "$MCUD_PID" || break
        sleep 0.1
    done
    if process_running "$MCUD_PID"; then
        fail "mcud did not exit within $((MCUD_STOP_WAIT_TENTHS / 10)) s of SIGTERM"
    fi
    wait "$MCUD_PID" || rc=$?
    MCUD_PID=""
    [ "$rc" -eq 0 ] || fail "mcud exited with status $rc after SIGTERM"
    say "mcud stopped cleanly"
}

kill_mcud() {
    [ -n "$MCUD_PID" ] || fail "kill_mcud: mcud is not running"
    kill -KILL "$MCUD_PID"
    wait "$MCUD_PID" 2>/dev/null || true
    MCUD_PID=""
    say "mcud killed (SIGKILL)"
}

# make_room_media NAME COLOUR HZ: COLOUR as ffmpeg reads it (0xRRGGBB or a name); HZ a
# whole number of cycles in 3 s keeps the loop seamless (any integer HZ does).
make_room_media() {   # NAME COLOUR HZ [FPS, default 10]
    local name=$1 colour=$2 hz=$3 fps=${4:-10}
    ffmpeg -v error -y -f lavfi -i "color=c=$colour:s=320x240:r=$fps:d=3" -pix_fmt yuv420p \
        "$TEST_TMP/$name.y4m" || fail "ffmpeg could not make $TEST_TMP/$name.y4m"
    ffmpeg -v error -y -f lavfi -i "sine=frequency=$hz:sample_rate=48000:duration=3" -ac 1 \
        -c:a pcm_s16le "$TEST_TMP/$name.wav" || fail "ffmpeg could not make $TEST_TMP/$name.wav"
}

# summary_field FILE KEY: the value of KEY in the first mcu-room summary line in FILE.
summary_field() {
    grep '^mcu-room: summary ' "$1" | head -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

check_mcud_log_clean() {
    local errors
    if [ -s "$MCUD_LOG" ] && ! grep -qE "^$MCUD_LOG_TIME_RE (DEBUG|INFO |WARN |ERROR) " "$MCUD_LOG"; then
        fail "no line of mcud's log has the format '2026-12-08 09:00:01.234 +0700 INFO  ...':"$'\n'"$(head -n 5 "$MCUD_LOG")"
    fi
    errors=$(grep -E "^$MCUD_LOG_TIME_RE ERROR |-CRITICAL \*\*|AddressSanitizer|LeakSanitizer|runtime error:" \
                  "$MCUD_LOG" || true)
    [ -z "$errors" ] || fail "mcud logged errors:"$'\n'"$errors"
}

# Background helpers a test starts (browsers, peers): killed by the EXIT trap.
BACKGROUND_PIDS=()
track_background() { BACKGROUND_PIDS+=("$@"); }

# shape_lo_on_request PID CONTROL RATE: while PID runs, a token bucket (tc tbf) of RATE
# goes on the namespace's loopback when the file CONTROL/congest appears and comes off
# when CONTROL/clear does (each answered with a .done file, so the driver knows); it
# is off again when PID ends.
shape_lo_on_request() {
    local pid=$1 control=$2 rate=$3 shaped=no
    while process_running "$pid"; do
        if [ -e "$control/congest" ] && [ ! -e "$control/congest.done" ]; then
            tc qdisc add dev lo root tbf rate "$rate" burst 16kbit latency 200ms \
                || fail "tc could not add a token bucket on lo"
            shaped=yes
            touch "$control/congest.done"
        fi
        if [ -e "$control/clear" ] && [ ! -e "$control/clear.done" ]; then
            tc qdisc del dev lo root || true
            shaped=no
            touch "$control/clear.done"
        fi
        sleep 0.2
    done
    [ "$shaped" = no ] || tc qdisc del dev lo root || true
}

mean_colour() {
    # Decodes the whole file at 10 frames a second, each frame reduced to the region's
    # mean colour (1x1 pixel), and picks the frame SEEK seconds before the end. This
    # needs no index or duration in the file (a recording cut short has neither).
    local file=$1 x=$2 y=$3 w=$4 h=$5 seek=${6:-1} raw frames pick
    raw=$(mktemp)
    ffmpeg -v error -i "$file" -vf "crop=$w:$h:$x:$y,scale=1:1:flags=area,fps=10" \
        -f rawvideo -pix_fmt rgb24 - >"$raw" 2>/dev/null || true
    frames=$(( $(stat -c %s "$raw") / 3 ))
    if [ "$frames" -gt 0 ]; then
        pick=$(( frames - 1 - seek * 10 ))
        [ "$pick" -ge 0 ] || pick=$(( frames / 2 ))
        od -An -tu1 -j $(( pick * 3 )) -N 3 "$raw" | xargs
    fi
    rm -f "$raw"
}

colour_is() {
    local r g b
    read -r r g b <<<"$1"
    [ -n "$b" ] || return 1
    case $2 in
        red) [ "$r" -gt 150 ] && [ "$g" -lt 90 ] && [ "$b" -lt 90 ] ;;
        green) [ "$g" -gt 150 ] && [ "$r" -lt 90 ] && [ "$b" -lt 90 ] ;;
        blue) [ "$b" -gt 150 ] && [ "$r" -lt 90 ] && [ "$g" -lt 90 ] ;;
        *) return 1 ;;
    esac
}

cleanup() {
    local rc=$? pid
    for pid in "${BACKGROUND_PIDS[@]}"; do
        pkill -CONT -P "$pid" 2>/dev/null || true
        kill -CONT "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
    done
    if [ -n "$MCUD_PID" ] && process_running "$MCUD_PID"; then
        kill -TERM "$MCUD_PID" 2>/dev/null || true
        sleep 0.5
        kill -KILL "$MCUD_PID" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -f "$MCUD_LOG" ]; then
        echo "---- last lines of the mcud log ($MCUD_LOG) ----"
        tail -n 40 "$MCUD_LOG"
    fi
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$TEST_TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
