#!/bin/bash
# test_ops_times.sh - times as an operator types and reads them (issue 17), mcuctl on a
# UTC host: `conference create --start "DAY 09:00"` (no offset) is stored as 09:00 in
# the conference's zone (Asia/Ho_Chi_Minh: +07:00; with --timezone UTC: Z), not the
# host's; create echoes the start in words on stderr ("starts DAY 09:00 +07 (in ...)",
# the id alone on stdout); `conference list` and `show` show the zone; a start more
# than a day in the past ("2020-01-01 09:00") is refused (exit 2, nothing created)
# unless --force. mcud's log lines carry the zone: mcud run with TZ=Asia/Ho_Chi_Minh
# writes "DAY HH:MM:SS.mmm +0700 LEVEL ...", the same instant as the host's clock.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl

before_s=$(date +%s)
TZ=Asia/Ho_Chi_Minh start_mcud
after_s=$(date +%s)
day=$(TZ=Asia/Ho_Chi_Minh date -d '+1 day' +%F)

id=$(TZ=UTC ctl conference create --title "Giao ban" --start "$day 09:00" --duration 1h 2>"$TEST_TMP/create.err") \
    || fail "create failed: $(cat "$TEST_TMP/create.err")"
[ "$(echo "$id" | wc -l)" = 1 ] || fail "create printed more than the id on stdout: $id"
start=$(ctl --json conference show "$id" | json 'o.schedule.start')
[ "$start" = "${day}T09:00:00+07:00" ] || fail "a start without an offset was stored as $start, not ${day}T09:00:00+07:00"
grep -qE "^starts $day 09:00 \+07 \(in [0-9]+ h\), ends $day 10:00 \+07$" "$TEST_TMP/create.err" \
    || fail "create does not echo the start in words: $(cat "$TEST_TMP/create.err")"
say "stored $start; $(head -n 1 "$TEST_TMP/create.err")"

TZ=UTC ctl conference list >"$TEST_TMP/list"
grep -E "^$id " "$TEST_TMP/list" | grep -q "$day 09:00 +07  *$day 10:00 +07" \
    || fail "conference list does not show the times with their zone: $(cat "$TEST_TMP/list")"
TZ=UTC ctl conference show "$id" | grep -q "$day 09:00 +07" || fail "conference show lacks the zone"

id_utc=$(TZ=Asia/Tokyo ctl conference create --title "UTC" --timezone UTC --start "$day 09:00" 2>"$TEST_TMP/utc.err") \
    || fail "create --timezone UTC failed: $(cat "$TEST_TMP/utc.err")"
[ "$(ctl --json conference show "$id_utc" | json 'o.schedule.start')" = "${day}T09:00:00Z" ] \
    || [ "$(ctl --json conference show "$id_utc" | json 'o.schedule.start')" = "${day}T09:00:00+00:00" ] \
    || fail "a start in a UTC conference: $(ctl --json conference show "$id_utc" | json 'o.schedule.start')"
grep -q "^starts $day 09:00 UTC (in " "$TEST_TMP/utc.err" || fail "UTC echo: $(cat "$TEST_TMP/utc.err")"
say "a UTC conference: $(head -n 1 "$TEST_TMP/utc.err")"

before=$(ctl --json conference list | json 'o.length')
rc=0
TZ=UTC ctl conference create --title "Typo" --start "2020-01-01 09:00" >/dev/null 2>"$TEST_TMP/old.err" || rc=$?
[ "$rc" = 2 ] || fail "a start in 2020 exited $rc, not 2: $(cat "$TEST_TMP/old.err")"
grep -q "more than a day in the past.*--force" "$TEST_TMP/old.err" || fail "the refusal: $(cat "$TEST_TMP/old.err")"
[ "$(ctl --json conference list | json 'o.length')" = "$before" ] || fail "a refused create made a conference"
old=$(TZ=UTC ctl conference create --title "Old" --start "2020-01-01 09:00" --force 2>/dev/null) \
    || fail "--force did not accept the old start"
[ "$(ctl --json conference show "$old" | json 'o.schedule.start')" = "2020-01-01T09:00:00+07:00" ] \
    || fail "the forced start: $(ctl --json conference show "$old" | json 'o.schedule.start')"
say "a start in 2020: refused without --force, accepted with it"

stop_mcud
check_mcud_log_clean
first=$(grep -E "^$MCUD_LOG_TIME_RE " "$MCUD_LOG" | head -n 1)
[[ $first =~ ^($MCUD_LOG_TIME_RE)\  ]] || fail "mcud's log has no timed line: $(head -n 3 "$MCUD_LOG")"
stamp=${BASH_REMATCH[1]}
[ "${stamp: -5}" = "+0700" ] || fail "mcud under TZ=Asia/Ho_Chi_Minh logged the zone ${stamp: -5}: $first"
others=$(grep -E "^$MCUD_LOG_TIME_RE " "$MCUD_LOG" | grep -vE '^[0-9-]+ [0-9:.]+ \+0700 ' || true)
[ -z "$others" ] || fail "log lines in another zone: $(head -n 3 <<<"$others")"
logged_s=$(date -d "$stamp" +%s)
[ "$logged_s" -ge "$before_s" ] && [ "$logged_s" -le $((after_s + 1)) ] \
    || fail "the first log line says $stamp ($logged_s), mcud started between $before_s and $after_s"
say "mcud's log lines carry the zone: $first"
say "pass"
