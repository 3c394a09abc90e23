#!/bin/sh
# make demo: runs mcud on the embedded defaults and tells you where to point a browser.
# Stop it with Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PORT=${DEMO_PORT:-8088}
STATE=${DEMO_STATE_DIR:-./var}

cat <<MSG

  hoinghi demo
  ------------
  mcud is starting on http://127.0.0.1:$PORT/ with its state in $STATE.

  Open this in a browser on this machine to test your camera and microphone
  (the 'echo' conference sends your own picture and sound back):

      http://127.0.0.1:$PORT/?conference=echo&name=Demo&autojoin=1

  Press Ctrl-C to stop.

MSG
exec "$BUILD/mcud" --listen "127.0.0.1:$PORT" --state-dir "$STATE" --ice-address 127.0.0.1
