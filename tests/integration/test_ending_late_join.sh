#!/bin/bash
# test_ending_late_join.sh - a room joining less than five minutes before the scheduled
# end gets the conference_ending warning too (issue 17): the scheduler warns once per
# occurrence, when nobody may be in yet; a room that joins afterwards gets the event
# on joining, with the seconds left then. A room joining a conference whose end is
# further away gets none, nor does one joining after the end was moved an hour away.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

start_mcud
soon=$(ctl conference create --title "Sắp hết giờ" --start now --duration 3m 2>/dev/null) \
    || fail "could not create the conference ending in 3 min"
later=$(ctl conference create --title "Còn lâu" --start now --duration 1h 2>/dev/null) \
    || fail "could not create the conference ending in 1 h"
for tries in $(seq 50); do
    grep -q "conference $soon ends in .* rooms warned" "$MCUD_LOG" && break
    sleep 0.1
done
grep -q "conference $soon ends in .* rooms warned" "$MCUD_LOG" \
    || fail "the scheduler did not warn about $soon (nobody in yet)"
sleep 1.2   # the room joins well after the warning

got=$(node "$ROOT/tests/integration/ending_join.mjs" "$MCUD_URL" "$soon" "Đà Nẵng") \
    || fail "the late room could not join $soon: $got"
say "late room in $soon: $got"
read -r word seconds ends_at <<<"$got"
[ "$word" = ending ] || fail "a room joining 3 min before the end got no conference_ending"
[ "$seconds" -gt 0 ] && [ "$seconds" -lt 180 ] || fail "conference_ending seconds $seconds, not in 1..179"
[ "$ends_at" = "$(ctl --json conference show "$soon" | json 'o.schedule.end')" ] \
    || fail "ends_at $ends_at is not the conference's end $(ctl --json conference show "$soon" | json 'o.schedule')"

got=$(node "$ROOT/tests/integration/ending_join.mjs" "$MCUD_URL" "$later" "Huế") \
    || fail "the room could not join $later: $got"
[ "$got" = none ] || fail "a room joining an hour before the end got: $got"
say "no warning an hour before the end"

# A new schedule (an hour more) forgets the warning: a late room gets no stale end.
ctl conference update "$soon" --duration 1h >/dev/null || fail "could not move the end of $soon"
got=$(node "$ROOT/tests/integration/ending_join.mjs" "$MCUD_URL" "$soon" "Cần Thơ") \
    || fail "the room could not join $soon after the update: $got"
[ "$got" = none ] || fail "after the end moved an hour away a late room got: $got"
say "the warning is forgotten when the schedule changes"
stop_mcud
check_mcud_log_clean
say "pass"
