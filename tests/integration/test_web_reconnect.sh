#!/bin/bash
# test_web_reconnect.sh - the web client rejoins by itself after an mcud restart: two
# Chromium pages (English and Vietnamese) in a `mix` conference; mcud is killed
# (SIGKILL) and started again 3 s later on the same port and state; each page says it
# is reconnecting (information, in its language), rejoins within a minute, says it is
# back, decodes the mix and lists both rooms again. Then an operator ends the meeting
# (mcuctl conference end): each page says the meeting has ended, as information, and
# does not try to rejoin. See web_reconnect_chromium.mjs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require chromium node node_modules mcud mcuctl

start_mcud
# A stored conference (it outlives the restart, and an operator can end it).
ctl conference create --id meeting --title "Reconnect test" >/dev/null || fail "mcuctl conference create failed"
port=$MCUD_PORT
state=$MCUD_STATE_DIR
signal=$TEST_TMP/signal
timeout -k 5 240 node "$ROOT/tests/integration/web_reconnect_chromium.mjs" "$MCUD_URL" meeting "$signal" &
driver=$!
track_background "$driver"
for _ in $(seq 1200); do
    [ -e "$signal.ready" ] && break
    process_running "$driver" || break
    sleep 0.1
done
[ -e "$signal.ready" ] || fail "the pages did not get into the call (see above)"
kill_mcud
sleep 3
start_mcud "" "$state" "$port"
for _ in $(seq 900); do
    [ -e "$signal.back" ] && break
    process_running "$driver" || break
    sleep 0.1
done
[ -e "$signal.back" ] || fail "the pages did not reconnect by themselves (see above)"
ctl conference end meeting >/dev/null || fail "mcuctl conference end failed"
wait "$driver" || fail "the pages did not reconnect, or did not take the end of the meeting (see above)"
process_running "$MCUD_PID" || fail "mcud died after the restart"
stop_mcud
check_mcud_log_clean
say "pass"
