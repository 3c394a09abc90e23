#!/bin/bash
# test_ops_audit.sh - what happened in a meeting, from the audit log (issue 17): with
# two webrtc_peer rooms in `hop`, a mute and a kick are listed by `mcuctl audit
# --target hop` with the participant's id and room name in the result; an export is
# audited (recording.export, target the recording, "PATH copied to DIR"); mcud's start
# and stop are audited (mcud.start, mcud.stop, source mcud), the stop seen after a
# restart on the same state directory. `record start|stop` say what they did and the
# state ("hop: recording started (from the next keyframe); state starting").
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
source "$(dirname "$0")/recording_lib.sh"
require node node_modules mcuctl

ARCHIVE=$TEST_TMP/archive
write_recording_config "$ARCHIVE" manual
start_mcud "$TEST_TMP/mcud.conf"
state=$MCUD_STATE_DIR
start=$(ctl --json audit --action mcud.start)
[ "$(echo "$start" | json 'o.length')" = 1 ] || fail "no mcud.start in the audit: $start"
[ "$(echo "$start" | json 'o[0].source')" = mcud ] || fail "mcud.start source: $start"
echo "$start" | json 'o[0].result' | grep -q "pid $MCUD_PID" || fail "mcud.start does not name the pid: $start"

start_rooms 2
for i in 1 2; do wait_log "'Phòng $i' joined conference hop" 30; done
parts=$(ctl --json participant list hop)
p1=$(echo "$parts" | json 'o.find((p) => p.name === "Phòng 1").id')
p2=$(echo "$parts" | json 'o.find((p) => p.name === "Phòng 2").id')
ctl participant mute hop "$p1" >/dev/null || fail "mute failed"
ctl participant kick hop "$p2" >/dev/null || fail "kick failed"
audit=$(ctl --json audit --target hop)
mute=$(echo "$audit" | json 'o.filter((e) => e.action === "participant.mute").map((e) => e.result).join("|")')
kick=$(echo "$audit" | json 'o.filter((e) => e.action === "participant.kick").map((e) => e.result).join("|")')
[ "$mute" = "participant $p1 'Phòng 1': audio muted, video on" ] || fail "the mute under --target hop: '$mute' in $audit"
[ "$kick" = "participant $p2 'Phòng 2' removed" ] || fail "the kick under --target hop: '$kick' in $audit"
say "audit --target hop: mute ($mute), kick ($kick)"

out=$(ctl record start hop) || fail "record start failed"
[ "$out" = "hop: recording started (from the next keyframe); state starting" ] || fail "record start says: $out"
wait_log "recorder hop: writing " 20
sleep 2
out=$(ctl record stop hop) || fail "record stop failed"
[ "$out" = "hop: recording stopped; state stopped" ] || fail "record stop says: $out"
wait_log "conference hop: recording .* finished" 20
id=$(ctl --json recordings list | json 'o[0].id')
ctl recordings export "$id" "$TEST_TMP/export" >/dev/null || fail "export failed"
exp=$(ctl --json audit --action recording.export)
[ "$(echo "$exp" | json 'o.length')" = 1 ] || fail "the export is not audited: $exp"
[ "$(echo "$exp" | json 'o[0].target')" = "$id" ] || fail "export target: $exp"
echo "$exp" | json 'o[0].result' | grep -q "copied to $TEST_TMP/export$" || fail "export result: $exp"
say "export audited: $(echo "$exp" | json 'o[0].result')"

stop_mcud
start_mcud "$TEST_TMP/mcud.conf" "$state"
stops=$(ctl --json audit --action mcud.stop)
[ "$(echo "$stops" | json 'o.length')" = 1 ] || fail "no mcud.stop after a clean stop: $stops"
[ "$(ctl --json audit --action mcud.start | json 'o.length')" = 2 ] || fail "not two mcud.start"
say "mcud.start and mcud.stop audited: $(echo "$stops" | json 'o[0].result')"
stop_mcud
check_mcud_log_clean
say "pass"
