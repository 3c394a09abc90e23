#!/bin/bash
# test_faults_ice_restart.sh - ICE restart (issue #8): a Chromium room calls
# restartIce() and renegotiates; mcud answers the new offer on the same media session
# with new ICE credentials (libnice restarts the stream), DTLS is not redone, the room
# stays in the meeting and both rooms keep decoding. Then a UDP blackout makes the web
# client restart ICE by itself, and the call carries on once the link is back
# (ice_restart_chromium.mjs). mcud logged no ERROR, no failed media, and exits 0.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud
command -v nft >/dev/null || fail "nft (nftables) is missing; run: make deps"

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
size=640x360
fps=15
codecs=vp8
CONF
start_mcud "$TEST_TMP/mcud.conf"
timeout -k 5 200 node "$ROOT/tests/integration/ice_restart_chromium.mjs" "$MCUD_URL" meeting \
    || fail "the rooms did not come through the ICE restarts (see above)"
restarts=$(grep -c "new offer answered with an ICE restart" "$MCUD_LOG" || true)
# A's asked restart and A's automatic one (B may or may not restart before the link
# comes back: the test clears the blackout once A's restart is answered).
[ "$restarts" -ge 2 ] || fail "mcud logged $restarts ICE restarts (want A's asked one and its automatic one)"
handshakes=$(grep -c "media: DTLS connected" "$MCUD_LOG" || true)
[ "$handshakes" -eq 2 ] || fail "DTLS connected $handshakes times for 2 rooms: the restart redid DTLS"
! grep -q "media failed" "$MCUD_LOG" || fail "a media session failed: $(grep -m1 'media failed' "$MCUD_LOG")"
grep "ICE restart" "$MCUD_LOG" | head -n 5
process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
