#!/bin/bash
# test_ctl_messages.sh - mcuctl's small messages an operator reads (issue 17): the
# server's refusals name the flags typed (`--duration`), not the API's fields
# (`schedule.duration`), and without "or null"; `--room A --room A` is refused by
# mcuctl in flag terms (exit 2); `token create "Nguyễn Lan"`
# says why the name is refused instead of "is required"; `conference show` of a
# locked conference says "joinable now: no (locked)" (and the API's joinable is false);
# `layout set ID speaker+40` says which N is allowed (1 to 8); after `conference end`
# `conference list` and `show` give the real end, not the scheduled one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

start_mcud
rc=0
ctl conference create --title X --duration 90x >/dev/null 2>"$TEST_TMP/dur.err" || rc=$?
cat "$TEST_TMP/dur.err"
[ "$rc" = 6 ] || fail "a bad --duration exited $rc, not 6"
grep -q "^  --duration: must be" "$TEST_TMP/dur.err" || fail "the --duration refusal is not in flag terms"
! grep -q "schedule\." "$TEST_TMP/dur.err" || fail "the refusal names an API field"

rc=0
ctl conference create --title X --room A --room A >/dev/null 2>"$TEST_TMP/room.err" || rc=$?
cat "$TEST_TMP/room.err"
[ "$rc" = 2 ] || fail "a duplicate --room exited $rc, not 2"
grep -q "^mcuctl: --room 'A' is given twice" "$TEST_TMP/room.err" || fail "the duplicate room is not named as --room"
! grep -q "rooms\|{" "$TEST_TMP/room.err" || fail "the refusal speaks JSON"

rc=0
ctl token create "Nguyễn Lan" >/dev/null 2>"$TEST_TMP/token.err" || rc=$?
cat "$TEST_TMP/token.err"
[ "$rc" = 6 ] || fail "a non-ASCII token name exited $rc, not 6"
! grep -q "is required" "$TEST_TMP/token.err" || fail "a given name is called missing"
grep -q "'Nguyễn Lan' is not a token name" "$TEST_TMP/token.err" || fail "the refusal does not say why"

id=$(ctl conference create --title "Khoá" 2>/dev/null)
ctl conference lock "$id" >/dev/null || fail "lock failed"
[ "$(ctl --json conference show "$id" | json 'o.joinable')" = false ] || fail "a locked conference is joinable"
ctl conference show "$id" | grep -q "joinable now: no (locked)" || fail "show: $(ctl conference show "$id")"
ctl conference unlock "$id" >/dev/null
ctl conference show "$id" | grep -q "joinable now: yes" || fail "unlocked: $(ctl conference show "$id")"
rc=0
ctl layout set "$id" speaker+40 >/dev/null 2>"$TEST_TMP/layout.err" || rc=$?
cat "$TEST_TMP/layout.err"
[ "$rc" = 6 ] || fail "layout set speaker+40 exited $rc, not 6"
grep -q "speaker+N (N from 1 to 8)" "$TEST_TMP/layout.err" || fail "the refusal does not say which N"
say "messages in the operator's terms"

long=$(ctl conference create --title "Dài" --start now --duration 2h 2>/dev/null)
sched_end=$(ctl --json conference show "$long" | json 'o.schedule.end')
ctl conference end "$long" >/dev/null || fail "conference end failed"
ended=$(ctl --json conference show "$long" | json 'o.ended_at')
[ -n "$ended" ] && [ "$ended" != null ] || fail "an ended conference has no ended_at"
minute() { echo "${1:0:16}" | tr T ' '; }   # 2026-12-07T22:51:03+00:00 -> 2026-12-07 22:51
for view in "conference list" "conference show $long"; do
    # shellcheck disable=SC2086
    out=$(ctl $view | grep -F "$long" || true)
    [ -n "$out" ] || out=$(ctl $view)
    echo "$out" | grep -qF "$(minute "$ended")" || fail "$view does not show the real end $ended: $out"
    ! echo "$out" | grep -qF "$(minute "$sched_end")" || fail "$view shows the scheduled end $sched_end: $out"
done
say "conference end: list and show give the real end ($ended, not $sched_end)"
stop_mcud
check_mcud_log_clean
say "pass"
