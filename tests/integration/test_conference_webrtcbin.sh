#!/bin/bash
# test_conference_webrtcbin.sh - one `mix` conference, two WebRTC stacks, two codecs:
# headless Chromium (VP8) and GStreamer webrtcbin offering only H.264, High profile
# with B-frames (build/tests/webrtc_peer --codec h264 --h264-profile high --pattern
# green --stay). The browser keeps receiving VP8, lists the webrtcbin room, sees its
# green in the composite, hears its tone and not its own; webrtc_peer
# decodes the composite as H.264 (avdec_h264) at the canvas size (512x288 here, not
# the 640x360 it sends, so the size is the conference's); when it goes away, the
# browser gets participant_left. See conference_webrtcbin.mjs for the steps.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules ffmpeg mcud tests/webrtc_peer

# As in test_echo_webrtcbin: under `make asan` keep the peer's memory checks but not
# LeakSanitizer (GLib/GStreamer start-up memory is not ours).
cat >"$TEST_TMP/peer.sh" <<PEER
#!/bin/bash
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec "$BUILD_DIR/tests/webrtc_peer" "\$@"
PEER
chmod +x "$TEST_TMP/peer.sh"

make_room_media a 0xFF0000 770
cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference room]
type=mix
title=Two stacks
layout=2x2
size=512x288
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"
timeout -k 5 120 node "$ROOT/tests/integration/conference_webrtcbin.mjs" "$MCUD_URL" room "$TEST_TMP" "$TEST_TMP/peer.sh" 512x288 \
    || fail "the Chromium + webrtcbin conference did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died during the conference"
stop_mcud
check_mcud_log_clean
say "pass"
