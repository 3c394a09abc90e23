#!/bin/bash
# test_echo_webrtcbin.sh - mcud's echo conference against GStreamer webrtcbin, a WebRTC
# stack nobody here wrote (build/tests/webrtc_peer, see docs/testing-webrtcbin.md).
#
#   1. an H.264 + Opus call to `echo` must come back decodable: the peer exits 0 after
#      decoding >= 60 video frames and some audio, the answer chose H.264
#      (packetization-mode 1), webrtcbin received H.264 RTP, and avdec_h264 decoded it
#      at the size we sent (640x360);
#   2. a wrong PIN for a PIN-protected echo conference must be refused: exit 3 and the
#      error code wrong_pin;
#   3. mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud tests/webrtc_peer
# (webrtc_peer itself fails with exit 5 naming any missing GStreamer element and its package)

# Under `make asan` the peer is built with AddressSanitizer too. Keep its memory-error
# checks but not leak detection: LeakSanitizer reports GLib/GStreamer start-up memory
# (g_intern_string in the registry, GLib's constructors) that is not ours to fix.
PEER_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
peer() { ASAN_OPTIONS=$PEER_ASAN_OPTIONS "$BUILD_DIR/tests/webrtc_peer" "$@"; }

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
process_running "$MCUD_PID" || fail "mcud died during the test"
stop_mcud
check_mcud_log_clean
say "pass"
