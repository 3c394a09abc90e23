#!/bin/bash
# test_ops_schedule.sh - scheduled conferences through mcuctl: one that opens 2 s after
# it is made and ends 6 s later goes scheduled -> open -> ended, across a clean restart
# of mcud while it is open; one made just before a kill -9 of mcud (whose start passes
# while mcud is down) opens after the restart and ends; each is opened and ended exactly
# once (audit log); rooms are joinable while open and not after.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

start_mcud
first=$(ctl --json conference create --title "Giao ban sáng" --start +2s --duration 6s --layout 1+5)
a=$(echo "$first" | json 'o.id')
[ "$(echo "$first" | json 'o.state')" = scheduled ] || fail "a conference starting in 2 s is not scheduled: $first"
say "conference $a scheduled"
wait_state "$a" open 15
[ "$(node "$ROOT/tests/integration/ops_join.mjs" "$MCUD_URL" "$a" "Huế")" = joined ] \
    || fail "a room cannot join the open conference $a"
say "$a is open and joinable"

stop_mcud
start_mcud "" "$MCUD_STATE_DIR"
state=$(ctl --json conference show "$a" | json 'o.state')
[ "$state" = open ] || [ "$state" = ended ] || fail "after a restart $a is '$state'"
wait_state "$a" ended 20
[ "$(node "$ROOT/tests/integration/ops_join.mjs" "$MCUD_URL" "$a" "Huế")" = unknown_conference ] \
    || fail "a room can still join the ended conference $a"
say "$a ended after the restart"

second=$(ctl --json conference create --title "Họp chiều" --start +3s --duration 4s)
b=$(echo "$second" | json 'o.id')
[ "$(echo "$second" | json 'o.state')" = scheduled ] || fail "$b is not scheduled: $second"
kill_mcud
# Down through B's start (a wait on the clock, not an assertion about it).
start=$(echo "$second" | json 'Date.parse(o.schedule.start)')
while [ "$(node -e 'console.log(Date.now())')" -le "$start" ]; do sleep 0.2; done
start_mcud "" "$MCUD_STATE_DIR"
state=$(ctl --json conference show "$b" | json 'o.state')
[ "$state" = open ] || [ "$state" = ended ] || fail "after kill -9 and a restart past its start, $b is '$state'"
wait_state "$b" ended 20
say "$b opened after kill -9 and ended"

for id in "$a" "$b"; do
    for action in schedule.open schedule.ended; do
        n=$(ctl --json audit --target "$id" --action "$action" | json 'o.length')
        [ "$n" = 1 ] || fail "audit: $action happened $n times for $id (not once)"
    done
done
[ "$(ctl --json conference list --state ended | json 'o.length')" = 2 ] || fail "list --state ended is not both"
ctl conference list
stop_mcud
check_mcud_log_clean
say "pass"
