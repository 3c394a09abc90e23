#!/bin/bash
# test_consent_timeout.sh - a peer that vanishes is dropped within 30 s (ICE consent
# freshness, RFC 7675). A headless Chromium joins `echo`; once its video comes back the
# whole browser is frozen with SIGSTOP, so it stops answering consent checks and sending
# media while its WebSocket stays open. mcud must end that participant's media session
# (log line "media failed") within 30 s plus a little slack, tell the page (`bye`, seen
# after the browser is thawed), keep running, and exit 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud

DROP_LIMIT_S=35   # 30 s consent expiry + check interval slack

start_mcud
node "$ROOT/tests/integration/consent_chromium.mjs" "$MCUD_URL" >"$TEST_TMP/browser.log" 2>&1 &
BROWSER_PID=$!
track_background "$BROWSER_PID"

profile=""
for i in $(seq 200); do
    profile=$(sed -n 's/^CONNECTED //p' "$TEST_TMP/browser.log")
    [ -n "$profile" ] && break
    process_running "$BROWSER_PID" || { cat "$TEST_TMP/browser.log"; fail "the browser gave up before its call worked"; }
    sleep 0.1
done
[ -n "$profile" ] || { cat "$TEST_TMP/browser.log"; fail "the browser call did not connect in 20 s"; }
grep -q "media connected" "$MCUD_LOG" || fail "mcud never logged a connected media session"

say "freezing the browser (SIGSTOP on every process using $profile)"
pkill -STOP -f -- "$profile" || fail "could not find the browser's processes"
frozen_at=$(date +%s)
dropped=""
while [ $(( $(date +%s) - frozen_at )) -le "$DROP_LIMIT_S" ]; do
    if grep -q "media failed" "$MCUD_LOG"; then dropped=$(( $(date +%s) - frozen_at )); break; fi
    sleep 0.5
done
pkill -CONT -f -- "$profile" || true
[ -n "$dropped" ] || fail "mcud did not drop the frozen peer within $DROP_LIMIT_S s"
say "mcud dropped the frozen peer after ${dropped} s: $(grep -m1 'media failed' "$MCUD_LOG")"

wait "$BROWSER_PID" || { cat "$TEST_TMP/browser.log"; fail "the page was not told its media ended"; }
grep "page was told" "$TEST_TMP/browser.log"
process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
