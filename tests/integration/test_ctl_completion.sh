#!/bin/bash
# test_ctl_completion.sh - mcuctl's bash completion (client/ctl/mcuctl.bash, issue 17)
# against a running mcud: `recordings show <TAB>` offers the recording ids (not the
# conference ids it used to), `participant kick CONF <TAB>` and `participant mute CONF
# <TAB>` offer the ids of the rooms in that conference, `conference show <TAB>` the
# conference ids (of the store's conferences), and the connection options typed on the line (--server,
# --token-file) are used for those lookups.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require mcud mcuctl mcu-room

ARCHIVE=$TEST_TMP/archive
printf '[mcud]\narchive-dir=%s\n\n[conference sala]\ntype=mix\nlayout=2x2\nsize=640x360\ncodecs=vp8\n' \
    "$ARCHIVE" >"$TEST_TMP/mcud.conf"
start_mcud "$TEST_TMP/mcud.conf"

ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$BUILD_DIR/mcu-room" \
    --server "ws://127.0.0.1:$MCUD_PORT/ws" --conference sala --ice-address 127.0.0.1 \
    --name "Phòng A" --video test:ball --size 320x180 --duration 60 >"$TEST_TMP/room.log" 2>&1 &
ROOM_PID=$!
track_background "$ROOM_PID"
for i in $(seq 300); do grep -q "media connected" "$TEST_TMP/room.log" && break; sleep 0.1; done
grep -q "media connected" "$TEST_TMP/room.log" || { cat "$TEST_TMP/room.log"; fail "the room did not connect"; }
room_id=$(sed -nE 's/.*joined conference sala as ([a-z0-9]+).*/\1/p' "$TEST_TMP/room.log" | head -n1)
[ -n "$room_id" ] || fail "no participant id in the room's log"

ctl record start sala >/dev/null || fail "record start failed"
sleep 3
ctl record stop sala >/dev/null || fail "record stop failed"
recording_id=""
for i in $(seq 100); do
    recording_id=$(ctl --json recordings list 2>/dev/null | { grep -o '"id": [0-9]*' || true; } |
        head -n1 | cut -d' ' -f2)
    [ -n "$recording_id" ] && break
    sleep 0.2
done
[ -n "$recording_id" ] || fail "no recording listed"

# complete WORDS...: what completion offers for the last word (empty: a new word),
# with mcuctl on PATH and the connection given on the line, as an operator types it.
complete_line() {
    (
        PATH=$BUILD_DIR:$PATH
        unset MCU_URL MCU_STATE_DIR MCU_TOKEN
        # shellcheck disable=SC1091 # the file under test
        source "$ROOT/client/ctl/mcuctl.bash"
        COMP_WORDS=(mcuctl --server "$MCUD_URL" --token-file "$MCUD_STATE_DIR/admin.token" "$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"
        _mcuctl
        printf '%s\n' "${COMPREPLY[@]}"
    )
}

out=$(complete_line recordings show "")
say "recordings show <TAB>: $(tr '\n' ' ' <<<"$out")"
grep -qx "$recording_id" <<<"$out" || fail "recordings show did not offer recording $recording_id"
grep -qx sala <<<"$out" && fail "recordings show offered a conference id"

out=$(complete_line participant kick sala "")
say "participant kick sala <TAB>: $(tr '\n' ' ' <<<"$out")"
grep -qx "$room_id" <<<"$out" || fail "participant kick sala did not offer $room_id"

out=$(complete_line participant mute sala "${room_id:0:3}")
grep -qx "$room_id" <<<"$out" || fail "participant mute sala ${room_id:0:3} did not complete to $room_id"

# conference ids: those of the store (`conference list`; `sala` comes from the config file)
briefing=$(ctl conference create --title "Giao ban" 2>/dev/null) || fail "conference create failed"
out=$(complete_line conference show "")
grep -qx "$briefing" <<<"$out" || fail "conference show did not offer $briefing"

out=$(complete_line participant list "")
grep -qx "$briefing" <<<"$out" || fail "participant list did not offer the conference ids"

kill -INT "$ROOM_PID" 2>/dev/null
wait "$ROOM_PID" || true
stop_mcud
check_mcud_log_clean
say "pass"
