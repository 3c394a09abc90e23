#!/bin/bash
# test_webclient_roster.sh - the web client's participant list and mute request in
# headless Chromium against a scripted signalling server (webclient_roster.mjs; no
# mcud, no media): every conference event of docs/protocol.md shows in window.hoinghi
# and in the list (names, mute icons, speaking indicator, layout name); the mute
# buttons disable the local track and send `mute`, and the page shows the server's
# confirmed state. A screenshot of the list is left in tests/out/webclient_roster.png.
source "$(dirname "$0")/lib.sh"
require chromium node node_modules

mkdir -p "$ROOT/tests/out"
timeout -k 5 120 node "$ROOT/tests/integration/webclient_roster.mjs" "$WEB_ROOT" "$ROOT/tests/out/webclient_roster.png" \
    || fail "the web client's roster or mute request did not work (see above)"
say "pass"
