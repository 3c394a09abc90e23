#!/bin/bash
# test_conference_chromium.sh - a mixing conference with real browsers: four headless
# Chromium rooms (one launch each, for their own fake camera and microphone: a solid
# colour and a sine tone) meet in a 2x2 `mix` conference; each checks, by pixel and by
# spectrum, that the composite shows every room in its join-order cell and that its
# sound holds everyone but itself; one leaves (participant_left; the rooms after it
# move up a cell, no hole), one joins late (after the others), one mutes (its tone
# leaves the mix, the roster shows it muted). See
# conference_chromium.mjs for the steps. Screenshot: tests/out/conference_chromium.png.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules ffmpeg mcud

# Tones: no one is near another's harmonics or a mix product of two or three others
# (2f1-f2, f1+f2, f1-f2, f1+f2-f3: all >= 90 Hz away), so a tone heard is a room heard.
make_room_media a 0xFF0000 540
make_room_media b 0x00FF00 720
make_room_media c 0x0000FF 990
make_room_media d 0xFFFF00 1350

cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference room]
type=mix
title=Test meeting
layout=2x2
size=640x360
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"
mkdir -p "$ROOT/tests/out"
timeout -k 5 120 node "$ROOT/tests/integration/conference_chromium.mjs" "$MCUD_URL" room "$TEST_TMP" \
    "$ROOT/tests/out/conference_chromium.png" || fail "the browser conference did not work (see above)"
process_running "$MCUD_PID" || fail "mcud died during the conference"
stop_mcud
check_mcud_log_clean
say "pass"
