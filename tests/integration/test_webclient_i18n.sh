#!/bin/bash
# test_webclient_i18n.sh - the web client's Vietnamese and English words (no browser):
# every string in both languages, every protocol error code of docs/protocol.md as a
# sentence in both, the language choice (?lang=, navigator.languages) and NFC. See
# webclient_i18n.mjs.
source "$(dirname "$0")/lib.sh"
require node
timeout -k 5 60 node "$ROOT/tests/integration/webclient_i18n.mjs" "$ROOT" \
    || fail "the web client's words are not complete in both languages (see above)"
say "pass"
