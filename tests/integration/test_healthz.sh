#!/bin/bash
# test_healthz.sh - /healthz for systemd and load balancers (issue 17): GET without a
# token answers 200 {"status": "ok", "version", "uptime_seconds"}; it is not audited
# (asked every few seconds); a POST is 405; /metrics still wants a token (401).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

start_mcud
before=$(ctl --json audit | json 'o.length')
answer=$(http GET /healthz "")
[ "$(echo "$answer" | head -n1)" = 200 ] || fail "GET /healthz without a token: $answer"
body=$(echo "$answer" | sed 1d)
[ "$(echo "$body" | json 'o.status')" = ok ] || fail "healthz body: $body"
[ -n "$(echo "$body" | json 'o.version')" ] || fail "healthz has no version: $body"
[ "$(echo "$body" | json 'typeof o.uptime_seconds')" = number ] || fail "healthz has no uptime: $body"
[ "$(http POST /healthz "" | head -n1)" = 405 ] || fail "POST /healthz is not 405"
[ "$(http GET /metrics "" | head -n1)" = 401 ] || fail "/metrics without a token is not 401"
after=$(ctl --json audit --action healthz | json 'o.length')
[ "$after" = 0 ] || fail "healthz is audited"
say "healthz: $body"
stop_mcud
check_mcud_log_clean
say "pass"
