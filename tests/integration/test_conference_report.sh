#!/bin/bash
# test_conference_report.sh - the attendance report of a meeting (issue 17): in a
# conference made with `mcuctl conference create` (zone Asia/Ho_Chi_Minh), room A (an
# mcu-room named `Sở Y tế, "Hà Nội"`: a comma and quotes) stays about 6 s and leaves,
# room B (`Huế`) joins and stays, and A comes back. `mcuctl conference report` then
# shows three stays in join order in every format: the table (A's first stay left with
# its reason and duration, the two others `present`, "3 stays of 2 rooms; 2 present"),
# CSV (the header, three rows read back by Python's csv module with the room names
# intact, present true/false, A's first stay 3..30 s long) and JSON (times with the
# zone's +07:00 offset, left_at null while present; --json gives the same). Bad input:
# an unknown conference exits 4, --format xml 2, --occurrence abc 6 (the API's 400),
# --json with --format csv 2. After mcud is killed (-9) with B and A still in and
# started again, the report still has the three stays, none present (ended at the
# restart).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl mcu-room
command -v python3 >/dev/null || fail "python3 is missing; run: make deps"
ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

start_mcud
state=$MCUD_STATE_DIR
port=$MCUD_PORT
ctl conference create --id baocao --title "Giao ban" >/dev/null || fail "conference create failed"
wait_state baocao open 10

ROOM_A='Sở Y tế, "Hà Nội"'
ROOM_B='Huế'
room_start() {   # room_start NAME SECONDS FILE -> pid in ROOM_PID
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference baocao --ice-address 127.0.0.1 --name "$1" --video test:red --audio test:440 \
        --size 320x180 --fps 10 --duration "$2" >"$TEST_TMP/$3.out" 2>"$TEST_TMP/$3.err" &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}
joined_count() { grep -cF "'$1' joined conference baocao" "$MCUD_LOG" || true; }
wait_joined() {   # wait_joined NAME COUNT: bounded (40 s)
    local i
    for i in $(seq 400); do
        [ "$(joined_count "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    fail "'$1' did not join baocao ($2 times) within 40 s"
}

room_start "$ROOM_A" 6 a1
a1=$ROOM_PID
wait_joined "$ROOM_A" 1
room_start "$ROOM_B" 300 b
wait_joined "$ROOM_B" 1
rc=0
wait "$a1" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TEST_TMP/a1.err"; fail "room A's first stay exited $rc"; }
for _ in $(seq 100); do   # its leave reaches mcud (bounded: 10 s)
    grep -qF "'$ROOM_A' left conference baocao" "$MCUD_LOG" && break
    sleep 0.1
done
room_start "$ROOM_A" 300 a2
wait_joined "$ROOM_A" 2

# JSON: three stays in join order.
ctl conference report baocao --format json >"$TEST_TMP/report.json" || fail "report --format json failed"
ctl --json conference report baocao >"$TEST_TMP/report2.json" || fail "report with --json failed"
python3 - "$TEST_TMP/report.json" "$TEST_TMP/report2.json" "$ROOM_A" "$ROOM_B" <<'PY' || fail "the JSON report (above) is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(r, ensure_ascii=False, indent=1))
same = json.load(open(sys.argv[2]))["stays"]
assert [(x["participant"], x["joined_at"]) for x in same] == [(x["participant"], x["joined_at"]) for x in r["stays"]], same
a, b = sys.argv[3], sys.argv[4]
assert r["conference"] == "baocao" and r["title"] == "Giao ban", r
assert r["timezone"] == "Asia/Ho_Chi_Minh", r["timezone"]
s = r["stays"]
assert [x["room"] for x in s] == [a, b, a], [x["room"] for x in s]
assert [x["present"] for x in s] == [False, True, True], s
assert s[0]["participant"] != s[2]["participant"], "a rejoin is a new stay"
assert s[0]["left_at"] and s[0]["reason"], s[0]
assert s[1]["left_at"] is None and s[1]["reason"] is None, s[1]
assert 3 <= s[0]["duration_seconds"] <= 30, s[0]
for x in s:
    assert x["joined_at"].endswith("+07:00"), x["joined_at"]
assert s[0]["left_at"].endswith("+07:00")
assert s[0]["joined_at"] <= s[1]["joined_at"] <= s[2]["joined_at"]
PY

# CSV: the header and three rows, quoting intact.
ctl conference report baocao --format csv >"$TEST_TMP/report.csv" || fail "report --format csv failed"
cat "$TEST_TMP/report.csv"
[ "$(head -n1 "$TEST_TMP/report.csv" | tr -d '\r')" = "room,participant,occurrence,joined_at,left_at,duration_seconds,present,reason" ] \
    || fail "CSV header: $(head -n1 "$TEST_TMP/report.csv")"
python3 - "$TEST_TMP/report.csv" "$ROOM_A" "$ROOM_B" <<'PY' || fail "the CSV report (above) is wrong"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
a, b = sys.argv[2], sys.argv[3]
assert [r["room"] for r in rows] == [a, b, a], rows
assert [r["present"] for r in rows] == ["false", "true", "true"], rows
assert rows[0]["left_at"] and rows[0]["reason"] and not rows[1]["left_at"] and not rows[1]["reason"], rows
assert 3 <= int(rows[0]["duration_seconds"]) <= 30, rows[0]
assert all(r["occurrence"].isdigit() for r in rows), rows
PY

# Table: present rows, the first stay's end and reason, the summary line.
table=$(ctl conference report baocao) || fail "report (table) failed"
echo "$table"
head -n1 <<<"$table" | grep -q '^ROOM  *PARTICIPANT  *JOINED  *LEFT  *DURATION  *REASON$' || fail "table header: $table"
[ "$(grep -c ' present ' <<<"$table")" = 2 ] || fail "not two present rows: $table"
sed -n 2p <<<"$table" | grep -qE "^Sở Y tế, \"Hà Nội\" .* [0-9-]+ [0-9:]+ \+07 +[0-9-]+ [0-9:]+ \+07 +[0-9]+s +(left|connection closed)" \
    || fail "room A's first stay in the table: $(sed -n 2p <<<"$table")"
[ "$(tail -n1 <<<"$table")" = "3 stays of 2 rooms; 2 present" ] || fail "table summary: $(tail -n1 <<<"$table")"

# Bad input.
expect_exit() {   # expect_exit CODE WHAT ARGS...
    local want=$1 what=$2 rc=0
    shift 2
    ctl "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
    [ "$rc" = "$want" ] || fail "$what: exit $rc, not $want ($(cat "$TEST_TMP/err"))"
    [ -s "$TEST_TMP/err" ] || fail "$what: no message"
    say "$what: exit $rc: $(cat "$TEST_TMP/err")"
}
expect_exit 4 "an unknown conference" conference report nosuch
expect_exit 2 "--format xml" conference report baocao --format xml
expect_exit 6 "--occurrence abc" conference report baocao --occurrence abc
expect_exit 2 "--json with --format csv" --json conference report baocao --format csv
grep -q "there is no conference 'nosuch'" <(ctl conference report nosuch 2>&1) || fail "the unknown conference is not named"
[ "$(ctl --json conference report baocao --occurrence 99 | json 'o.stays.length')" = 0 ] \
    || fail "--occurrence 99 is not empty"

# A crash with rooms in: the stays are ended at the next start and kept.
kill_mcud
start_mcud "" "$state" "$port"
ctl --json conference report baocao >"$TEST_TMP/after.json" || fail "report after the restart failed"
python3 - "$TEST_TMP/after.json" <<'PY' || fail "the report after the restart (above) is wrong"
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(r["stays"], ensure_ascii=False))
assert len(r["stays"]) == 3, r
assert not any(x["present"] for x in r["stays"]), r
assert all(x["left_at"] and x["reason"] for x in r["stays"]), r
PY
stop_mcud
check_mcud_log_clean
say "pass"
