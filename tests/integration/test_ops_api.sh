#!/bin/bash
# test_ops_api.sh - the REST control API and mcuctl against a running mcud: the first
# start writes STATE_DIR/admin.token (0600) and mcuctl finds it; a wrong token gets 401
# (mcuctl exit 3) and an audit entry; malformed JSON gets 400 bad_json with a message;
# bad fields get 400 naming each field; oversized bodies 413; unknown resources 404; a
# viewer token 403 on writes; a duplicate id and a second lock 409; a revoked token
# 401; invited rooms join with their token instead of the PIN, a wrong token is
# invalid_token, a locked conference refuses joins (conference_locked); recording
# start answers 409; /metrics is Prometheus text; mcud logs no error.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

expect_status() {   # expect_status WANT DESCRIPTION (the http output on stdin)
    local answer status
    answer=$(cat)
    status=$(echo "$answer" | head -n1)
    [ "$status" = "$1" ] || fail "$2: HTTP $status, not $1: $answer"
    echo "$answer" | sed 1d
}

start_mcud
token_file=$MCUD_STATE_DIR/admin.token
[ -f "$token_file" ] || fail "no admin token in $token_file"
[ "$(stat -c %a "$token_file")" = 600 ] || fail "$token_file has mode $(stat -c %a "$token_file"), not 600"
grep -q "written to $token_file" "$MCUD_LOG" || fail "mcud did not log where the admin token is"
admin=$(cat "$token_file")

# Wrong token: 401, exit 3, audited with the source address.
rc=0
MCU_URL=$MCUD_URL MCUCTL_CONFIG= "$MCUCTL" --token wrong-token conference list >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "mcuctl with a wrong token exited $rc, not 3"
entry=$(ctl --json audit --failed --limit 1)
[ "$(echo "$entry" | json 'o[0].status')" = 401 ] || fail "no 401 in the audit log: $entry"
[ "$(echo "$entry" | json 'o[0].action')" = conference.list ] || fail "the 401 is not audited as conference.list: $entry"
[ "$(echo "$entry" | json 'o[0].token')" = null ] || fail "a failed token has a name in the audit: $entry"
[ "$(echo "$entry" | json 'o[0].source')" = 127.0.0.1 ] || fail "the audit has no source address: $entry"
say "wrong token: 401, exit 3, audited"

# Malformed JSON and bad fields: 400 with a message / the fields.
body=$(http POST /api/v1/conferences "$admin" '{"title": "x",' | expect_status 400 "malformed JSON")
[ "$(echo "$body" | json 'o.error.code')" = bad_json ] || fail "malformed JSON: $body"
echo "$body" | json 'o.error.message' | grep -q "not valid JSON" || fail "no message for malformed JSON: $body"
body=$(http POST /api/v1/conferences "$admin" '[1, 2]' | expect_status 400 "a JSON array")
body=$(http POST /api/v1/conferences "$admin" \
    '{"title": "", "pin": "12", "layout": "6x6", "canvas": {"fps": 500}, "schedule": {"start": "yesterday"}, "colour": 1}' \
    | expect_status 400 "bad fields")
for field in title pin layout canvas.fps schedule.start colour; do
    [ "$(echo "$body" | json "o.error.fields['$field'] !== undefined")" = true ] || fail "field $field not named: $body"
done
rc=0
ctl conference create --title "Đà Nẵng" --pin 12 >/dev/null 2>&1 || rc=$?
[ "$rc" = 6 ] || fail "mcuctl with a bad PIN exited $rc, not 6"
big=$(head -c 1100000 /dev/zero | tr '\0' 'a')
http POST /api/v1/conferences "$admin" "{\"title\": \"$big\"}" | expect_status 413 "an oversized body" >/dev/null
http GET /api/v1/conferences/nope "$admin" | expect_status 404 "an unknown conference" >/dev/null
http GET /api/v1/nothing-here "$admin" | expect_status 404 "an unknown resource" >/dev/null
http DELETE /api/v1/stats "$admin" | expect_status 405 "a wrong method" >/dev/null
say "bad requests: 400 with fields, 413, 404, 405"

# Roles, conflicts, revocation.
viewer=$(ctl token create watcher --role viewer 2>/dev/null)
http GET /api/v1/conferences "$viewer" | expect_status 200 "a viewer lists" >/dev/null
http POST /api/v1/conferences "$viewer" '{"title": "x"}' | expect_status 403 "a viewer creates" >/dev/null
http GET /api/v1/tokens "$viewer" | expect_status 403 "a viewer lists tokens" >/dev/null
ctl token revoke watcher >/dev/null
body=$(http GET /api/v1/conferences "$viewer" | expect_status 401 "a revoked token")
echo "$body" | grep -q revoked || fail "the 401 does not say the token was revoked: $body"

id=$(ctl conference create --id giao-ban --title "Giao ban" --pin 4321 --room "Hà Nội" --room "Huế" 2>"$TEST_TMP/links")
[ "$id" = giao-ban ] || fail "conference create printed '$id', not its id"
rc=0
ctl conference create --id giao-ban --title again >/dev/null 2>&1 || rc=$?
[ "$rc" = 5 ] || fail "a duplicate id: mcuctl exited $rc, not 5 (409)"
say "roles: viewer 403, revoked 401; duplicate id 409"

# Invited rooms: the token instead of the PIN.
hanoi=$(grep '^room Hà Nội:' "$TEST_TMP/links" | sed 's/.*token=\([^&]*\).*/\1/')
[ -n "$hanoi" ] || fail "no join link for Hà Nội: $(cat "$TEST_TMP/links")"
join() { node "$ROOT/tests/integration/ops_join.mjs" "$MCUD_URL" giao-ban "$@"; }
[ "$(join 'Hà Nội' "token=$hanoi")" = joined ] || fail "Hà Nội cannot join with its token"
[ "$(join 'Hà Nội' token=rt_0000)" = invalid_token ] || fail "a wrong token is not invalid_token"
[ "$(join 'Khách' pin=1111)" = wrong_pin ] || fail "a wrong PIN is not wrong_pin"
[ "$(join 'Khách' pin=4321)" = joined ] || fail "the PIN does not work"
new_link=$(ctl conference room-token giao-ban "Hà Nội")
[ "$(join 'Hà Nội' "token=$hanoi")" = invalid_token ] || fail "an old token still works after room-token"
new_token=$(echo "$new_link" | sed 's/.*token=\([^&]*\).*/\1/')
[ "$(join 'Hà Nội' "token=$new_token")" = joined ] || fail "the new token from room-token does not work"
ctl conference lock giao-ban >/dev/null
[ "$(join 'Khách' pin=4321)" = conference_locked ] || fail "a locked conference lets a room join"
rc=0
ctl conference lock giao-ban >/dev/null 2>&1 || rc=$?
[ "$rc" = 5 ] || fail "locking twice: exit $rc, not 5"
ctl conference unlock giao-ban >/dev/null
[ "$(join 'Khách' pin=4321)" = joined ] || fail "an unlocked conference refuses the PIN"
say "rooms join by token; wrong token refused; lock and unlock"

rc=0
ctl record start giao-ban >/dev/null 2>"$TEST_TMP/record" || rc=$?
[ "$rc" = 5 ] || fail "record start exited $rc, not 5 (409)"
grep -q "nobody is in conference" "$TEST_TMP/record" || fail "record start does not say why: $(cat "$TEST_TMP/record")"

metrics=$(ctl metrics)
echo "$metrics" | grep -q '^hoinghi_conferences{state="open"} 1$' || fail "metrics: $metrics"
echo "$metrics" | grep -q '^# TYPE hoinghi_packets_received_total counter$' || fail "metrics types: $metrics"
heap=$(sed -n 's/^hoinghi_heap_in_use_bytes \([0-9]*\)$/\1/p' <<<"$metrics")
# (a number; its size is the allocator's: under AddressSanitizer glibc's arenas are idle)
[ -n "$heap" ] || fail "metrics: no hoinghi_heap_in_use_bytes: $metrics"
http GET /metrics wrong | expect_status 401 "metrics without a token" >/dev/null
[ "$(ctl --json stats | json 'o.conferences.open')" = 1 ] || fail "stats do not count the open conference"
ctl conference end giao-ban >/dev/null
[ "$(ctl --json conference list --state open | json 'o.length')" = 0 ] || fail "an ended conference is still listed open"
ctl audit --limit 5
stop_mcud
check_mcud_log_clean
say "pass"
