#!/bin/sh
# Installs everything hoinghi needs to build, test and run its demo on Debian 12:
# the Debian packages below and the pinned npm test drivers (package-lock.json).
# Idempotent: when everything is present it only checks and returns.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="
build-essential pkg-config clang libclang-rt-dev clang-format
libglib2.0-dev libnice-dev libssl-dev libsrtp2-dev libjansson-dev
libwebsockets-dev libsqlite3-dev libcurl4-openssl-dev libcmocka-dev libfreetype-dev fonts-dejavu-core
libavcodec-dev libavformat-dev libavutil-dev libswresample-dev libswscale-dev
libyuv-dev libopus-dev
libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-nice gstreamer1.0-tools
chromium firefox-esr ffmpeg python3 sqlite3 iproute2 nftables util-linux procps valgrind ca-certificates curl openssl
man-db groff-base
"

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "deps: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# Node.js and npm: only when absent (a preinstalled Node must not fight Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi

if [ -n "$missing" ]; then
    echo "deps: installing Debian packages:$missing"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# The drivers are pinned to releases that run on Debian 12's Node 18 (docs/testing.md);
# a Node already installed is kept, so it must be 18 or newer.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "deps: $(command -v node) is Node $(node --version); the test drivers need Node 18 or newer" >&2
    exit 1
fi

# Pinned npm test drivers (playwright-core drives Debian's chromium, puppeteer-core
# Debian's firefox-esr over WebDriver BiDi; ws is a plain WebSocket client). Re-installed only when the lock file changed.
stamp=node_modules/.hoinghi-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "deps: installing npm test drivers from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
echo "deps: all present"
