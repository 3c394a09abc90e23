#!/bin/bash
# test_ops_live_chromium.sh - mcuctl steers a live conference of two Chromium rooms
# joined through their invited-room links (the conference has a PIN they never type):
# participant list with stats, mute silences a room in the other's mix (and unmute
# lifts it), layout set changes the picture the rooms receive, focus, kick; see
# ops_live_chromium.mjs. mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require chromium node node_modules mcud mcuctl

start_mcud
created=$(ctl --json conference create --id hop-giao-ban --title "Họp giao ban" --pin 2468 \
          --layout 2x2 --size 640x360 --room "Sở Y tế" --room "Bệnh viện")
links=$(echo "$created" | json 'o.rooms.map((r) => r.join_url).join(" ")')
read -r first second <<<"$links"
[ -n "$first" ] && [ -n "$second" ] || fail "no join links: $created"
MCUCTL=$MCUCTL MCU_URL=$MCUD_URL MCU_STATE_DIR=$MCUD_STATE_DIR MCU_TOKEN= MCUCTL_CONFIG= \
    timeout -k 5 150 node "$ROOT/tests/integration/ops_live_chromium.mjs" hop-giao-ban "$first" "$second" \
    || fail "operating the live conference did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died during the meeting"
for action in participant.mute participant.unmute layout.set participant.kick; do
    [ "$(ctl --json audit --action "$action" | json 'o.length')" -ge 1 ] || fail "no $action in the audit log"
done
stop_mcud
check_mcud_log_clean
say "pass"
