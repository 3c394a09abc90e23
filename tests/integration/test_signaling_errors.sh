#!/bin/bash
# test_signaling_errors.sh - mcud answers bad signalling (unknown conference, wrong or
# missing PIN, unreadable / oversized / typeless / unknown messages, offers before join,
# bad SDP) and bad HTTP paths with the documented errors, keeps every connection and
# itself alive, and still lets a new client join `echo`; then exits 0 on SIGTERM, with no
# ERROR in its log.
source "$(dirname "$0")/lib.sh"
require node node_modules mcud

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference secure-echo]
type=echo
pin=4321
CONF
start_mcud "$TEST_TMP/mcud.conf"
timeout -k 5 60 node "$ROOT/tests/integration/signaling_errors.mjs" "$MCUD_URL" || fail "mcud's error handling is not as documented (see above)"
process_running "$MCUD_PID" || fail "mcud died while handling bad messages"
stop_mcud
check_mcud_log_clean   # bad input from a client is not a server error
say "pass"
