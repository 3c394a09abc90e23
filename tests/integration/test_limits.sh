#!/bin/bash
# test_limits.sh - mcud's limits (docs/operator-guide.md, "Limits") against real
# WebSocket clients: the server-wide participant limit (server_full), an oversized SDP
# (sdp_too_large), join attempts rate-limited per source address (rate_limited with
# retry_after_ms) while the conference keeps working, messages rate-limited per
# connection, and a client that joined and never reads: dropped, with mcud's RSS
# bounded. /metrics counts every refusal; mcud logs the drop and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require node node_modules mcud

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[mcud]
max-participants=3
max-sdp-bytes=8192
join-rate=6
join-burst=8
message-rate=20
message-burst=40
send-queue-bytes=65536

[conference room]
type=mix
size=320x240
fps=5
CONF
start_mcud "$TEST_TMP/mcud.conf"
token=$(cat "$MCUD_STATE_DIR/admin.token") || fail "mcud wrote no admin token"
timeout -k 5 180 node "$ROOT/tests/integration/limits.mjs" "$MCUD_URL" "$MCUD_PID" "$token" \
    || fail "mcud's limits are not as documented (see above)"
process_running "$MCUD_PID" || fail "mcud died while enforcing its limits"
grep -q "does not read (limit 65536); dropping it" "$MCUD_LOG" \
    || fail "mcud did not log the drop of the client that does not read"
stop_mcud
check_mcud_log_clean
say "pass"
