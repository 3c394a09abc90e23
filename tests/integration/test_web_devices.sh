#!/bin/bash
# test_web_devices.sh - camera and microphone choice before joining (headless Chromium
# with two fake cameras, the page in Vietnamese): a live preview, both cameras listed,
# a level meter that moves, the chosen camera previewed, remembered across a reload
# (localStorage) and sent into the call; after leaving the preview runs again.
# Screenshot: tests/out/web_devices.png. See web_devices_chromium.mjs.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules mcud

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
title=Thử thiết bị
layout=2x2
size=640x360
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"
mkdir -p "$ROOT/tests/out"
timeout -k 5 120 node "$ROOT/tests/integration/web_devices_chromium.mjs" "$MCUD_URL" meeting \
    "$ROOT/tests/out/web_devices.png" || fail "the camera and microphone choice did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died"
stop_mcud
check_mcud_log_clean
say "pass"
