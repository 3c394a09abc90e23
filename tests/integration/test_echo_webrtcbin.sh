#!/bin/bash
# test_echo_webrtcbin.sh - mcud's echo conference against GStreamer webrtcbin, a WebRTC
# stack nobody here wrote (build/tests/webrtc_peer, see docs/testing-webrtcbin.md).
#
#   1. an H.264 + Opus call to `echo` must come back decodable: the peer exits 0 after
#      decoding >= 60 video frames and some audio, the answer chose H.264, webrtcbin
#      received H.264 RTP, avdec_h264 decoded it at the size we sent (640x360).
#   2. a wrong PIN for a PIN-protected echo conference must be refused: exit 3 and
#      the error code wrong_pin.
#
# Runs inside the loopback-only namespace that tests/run.sh makes; all traffic is on lo.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_DIR=$BUILD ;; *) BUILD_DIR=$ROOT/$BUILD ;; esac
MCUD=$BUILD_DIR/mcud
PEER=$BUILD_DIR/tests/webrtc_peer
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hoinghi-echo-webrtcbin.XXXXXX")
MCUD_LOG=$TEST_TMP/mcud.log
MCUD_PID=""
MCUD_PORT=""

# ---- small helpers (tests/integration/lib.sh will replace these once it is on main)

say() { echo "[echo_webrtcbin] $*"; }
fail() { echo "[echo_webrtcbin] FAIL: $*" >&2; exit 1; }

cleanup() {
    local rc=$?
    if [ -n "$MCUD_PID" ] && process_running "$MCUD_PID"; then
        kill -TERM "$MCUD_PID" 2>/dev/null || true
        sleep 0.5
        kill -KILL "$MCUD_PID" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -f "$MCUD_LOG" ]; then
        echo "---- last lines of the mcud log ----"
        tail -n 40 "$MCUD_LOG"
    fi
    rm -rf "$TEST_TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# mcud on a free port with CONFIG; returns once the port accepts a connection.
start_mcud() {
    local config=$1 tries rc=0
    MCUD_PORT=$((20000 + RANDOM % 40000))
    # this test needs no web client: an empty web root keeps mcud independent of client/web
    mkdir -p "$TEST_TMP/state" "$TEST_TMP/web"
    "$MCUD" --listen "127.0.0.1:$MCUD_PORT" --state-dir "$TEST_TMP/state" --ice-address 127.0.0.1 \
        --web-root "$TEST_TMP/web" --config "$config" --log-level debug >>"$MCUD_LOG" 2>&1 &
    MCUD_PID=$!
    for tries in $(seq 100); do
        if ! process_running "$MCUD_PID"; then
            wait "$MCUD_PID" || rc=$?
            MCUD_PID=""
            fail "mcud exited (status $rc) before listening on 127.0.0.1:$MCUD_PORT"
        fi
        if { exec 3<>"/dev/tcp/127.0.0.1/$MCUD_PORT"; } 2>/dev/null; then
            exec 3>&-
            say "mcud (pid $MCUD_PID) listens on 127.0.0.1:$MCUD_PORT"
            return 0
        fi
        sleep 0.1
    done
    fail "mcud did not listen on 127.0.0.1:$MCUD_PORT within 10 s"
}

# True while PID runs (an exited child that was not reaped yet counts as gone).
process_running() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# SIGTERM; mcud must exit 0 within 10 s.
stop_mcud() {
    local tries rc=0
    process_running "$MCUD_PID" || fail "mcud (pid $MCUD_PID) died during the test"
    kill -TERM "$MCUD_PID"
    for tries in $(seq 100); do
        process_running "$MCUD_PID" || break
        sleep 0.1
    done
    process_running "$MCUD_PID" && fail "mcud did not exit within 10 s of SIGTERM"
    wait "$MCUD_PID" || rc=$?
    MCUD_PID=""
    [ "$rc" -eq 0 ] || fail "mcud exited with status $rc after SIGTERM"
}

# ---- the test

# Under `make asan` the peer is built with AddressSanitizer too. Keep its memory-error
# checks but not leak detection: LeakSanitizer reports GLib/GStreamer start-up memory
# (g_intern_string in the registry, GLib's constructors) that is not ours to fix.
PEER_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
peer() { ASAN_OPTIONS=$PEER_ASAN_OPTIONS "$PEER" "$@"; }

[ -x "$MCUD" ] || fail "mcud is missing ($MCUD); run: make"
[ -x "$PEER" ] || fail "webrtc_peer is missing ($PEER); run: make"
# (webrtc_peer itself fails with exit 5 naming any missing GStreamer element and its package)

cat >"$TEST_TMP/mcud.conf" <<'EOF'
[conference secure-echo]
type=echo
pin=4321
EOF
start_mcud "$TEST_TMP/mcud.conf"
SERVER=ws://127.0.0.1:$MCUD_PORT/ws

say "1. H.264 + Opus echo call"
rc=0
peer --server "$SERVER" --conference echo --name "webrtcbin h264" --codec h264 \
    --ice-address 127.0.0.1 --duration 20 --min-frames 60 \
    >"$TEST_TMP/h264.out" 2>"$TEST_TMP/h264.err" || rc=$?
cat "$TEST_TMP/h264.err" "$TEST_TMP/h264.out"
[ "$rc" -eq 0 ] || fail "the H.264 echo call failed (webrtc_peer exit $rc): $(grep FAILED "$TEST_TMP/h264.err" || true)"
summary=$(grep '^webrtc_peer: result=' "$TEST_TMP/h264.out") || fail "webrtc_peer printed no summary"
for want in result=ok answer_video_codec=H264 received_video_codec=H264 video_decoder=avdec_h264 \
            resolution=640x360 dtls=connected; do
    [[ " $summary " == *" $want "* ]] || fail "expected $want in the summary: $summary"
done
grep -q '^webrtc_peer: answer video: H264/90000 .*packetization-mode=1' "$TEST_TMP/h264.out" \
    || fail "the answer's H.264 is not packetization-mode=1: $(grep 'answer video' "$TEST_TMP/h264.out" || true)"

say "2. wrong PIN on a PIN-protected echo conference"
rc=0
peer --server "$SERVER" --conference secure-echo --pin 1234 --name "webrtcbin wrong pin" \
    --ice-address 127.0.0.1 --duration 10 >"$TEST_TMP/pin.out" 2>"$TEST_TMP/pin.err" || rc=$?
cat "$TEST_TMP/pin.err"
[ "$rc" -eq 3 ] || fail "a wrong PIN gave webrtc_peer exit $rc, expected 3 (join refused)"
grep -q 'join refused: wrong_pin' "$TEST_TMP/pin.err" || fail "no wrong_pin error code in webrtc_peer's stderr"

say "3. mcud stops cleanly and logged no error"
stop_mcud
errors=$(grep -E '^[0-9-]+ [0-9:.]+ ERROR |AddressSanitizer|LeakSanitizer|runtime error:' "$MCUD_LOG" || true)
[ -z "$errors" ] || fail "mcud logged errors:"$'\n'"$errors"
say "pass"
