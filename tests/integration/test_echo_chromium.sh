#!/bin/bash
# test_echo_chromium.sh - a real browser round trip: headless Chromium opens the web
# client served by mcud, joins the built-in `echo` conference, decodes its own video and
# hears its own audio back, leaves; mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud

start_mcud
node "$ROOT/tests/integration/echo_chromium.mjs" "$MCUD_URL" || fail "the browser echo call did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died during the call"
stop_mcud
check_mcud_log_clean
say "pass"
