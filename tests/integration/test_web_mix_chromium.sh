#!/bin/bash
# test_web_mix_chromium.sh - the web client in a mixing conference: two Chromium pages
# join, decode the mix, see each other on the roster (UTF-8 names), see a mute and a
# leave; mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
CONF
start_mcud "$TEST_TMP/mcud.conf"
timeout -k 5 120 node "$ROOT/tests/integration/web_mix_chromium.mjs" "$MCUD_URL" meeting \
    || fail "the web client did not work in a mixing conference (see above)"
process_running "$MCUD_PID" || fail "mcud died during the meeting"
stop_mcud
check_mcud_log_clean
say "pass"
