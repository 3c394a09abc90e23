#!/bin/bash
# test_web_mix_firefox.sh - the web client in Firefox ESR and Chromium, in Vietnamese
# and English: a Chromium room (red, a browser preferring English) and a Firefox room
# (Debian's firefox-esr over WebDriver BiDi, its fake camera, a browser preferring
# Vietnamese) meet in a 2x2 `mix` conference with a Vietnamese title; each page speaks
# its browser's language and shows the title, Firefox decodes the composite with the
# red room in cell 0 and itself in cell 1, Chromium sees Firefox's picture and its
# name in NFC, the self-views are beside the picture, Firefox mutes and Chromium's
# roster shows it, Chromium switches to Vietnamese with the language button, Firefox
# leaves. mcud logged no `ERROR` and exits 0. Screenshots: tests/out/web_client_*.png.
# See web_mix_firefox.mjs for the steps.
source "$(dirname "$0")/lib.sh"
require chromium firefox node node_modules ffmpeg mcud
loopback_default_route

make_room_media a 0xFF0000 540
cat >"$TEST_TMP/mcud.conf" <<'CONF'
[conference meeting]
type=mix
title=Giao ban trực tuyến Sở Tư pháp
layout=2x2
size=640x360
fps=15
CONF
start_mcud "$TEST_TMP/mcud.conf"
mkdir -p "$ROOT/tests/out"
timeout -k 5 150 node "$ROOT/tests/integration/web_mix_firefox.mjs" "$MCUD_URL" meeting "$TEST_TMP" \
    "$ROOT/tests/out" || fail "the web client did not work in Firefox ESR and Chromium (see above)"
process_running "$MCUD_PID" || fail "mcud died during the meeting"
stop_mcud
check_mcud_log_clean
say "pass"
