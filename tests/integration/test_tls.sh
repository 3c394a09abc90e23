#!/bin/bash
# test_tls.sh - mcud with a TLS certificate and key (tls-cert/tls-key): a self-signed
# certificate for 127.0.0.1 made here with `openssl req`;
#   - start-up refuses a missing certificate, a key of another certificate and
#     tls-cert without tls-key, each with a message naming the problem;
#   - HTTPS is HTTP/1.1 only (ALPN), even when the client offers HTTP/2;
#   - curl --cacert reaches /api over HTTPS with the admin token (200) and without a
#     token gets 401; curl without the CA refuses the server; plain HTTP on the port
#     gets no HTTP answer;
#   - mcuctl talks to the https:// server with --cacert and with $MCU_CACERT, and
#     fails (exit 7) without the CA;
#   - the web client is served over HTTPS;
#   - an mcu-room joins the echo conference over WSS (--cacert) and receives video;
#     without --cacert it cannot join (exit 3);
#   - Chromium loads the web client over HTTPS (--ignore-certificate-errors), joins a
#     host-required conference over WSS, shows "Waiting for the host" and decodes no
#     video; a host mcu-room joins over WSS: the banner goes and video is decoded.
# mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room mcuctl chromium node node_modules
command -v openssl >/dev/null || fail "openssl is missing; run: make deps"
command -v curl >/dev/null || fail "curl is missing; run: make deps"

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
CERT=$TEST_TMP/cert.pem
KEY=$TEST_TMP/key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$KEY" -out "$CERT" 2>"$TEST_TMP/openssl.err" \
    || fail "openssl req failed: $(cat "$TEST_TMP/openssl.err")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=other" \
    -keyout "$TEST_TMP/other-key.pem" -out "$TEST_TMP/other-cert.pem" 2>/dev/null || fail "openssl req failed"

# start_fails WHAT MESSAGE ARGS...: mcud must exit non-zero at start, saying MESSAGE.
start_fails() {
    local what=$1 message=$2 rc=0
    shift 2
    timeout 20 "$MCUD" --listen "127.0.0.1:$(free_port)" --state-dir "$TEST_TMP/bad-state" "$@" \
        >"$TEST_TMP/bad.log" 2>&1 || rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "$what: mcud did not refuse to start (exit $rc)"
    grep -q -- "$message" "$TEST_TMP/bad.log" || fail "$what: no '$message' in: $(cat "$TEST_TMP/bad.log")"
    say "$what: refused ($(grep -o -- "$message.*" "$TEST_TMP/bad.log" | head -1))"
}
start_fails "a missing certificate" "TLS certificate $TEST_TMP/nope.pem: No such file" \
    --tls-cert "$TEST_TMP/nope.pem" --tls-key "$KEY"
start_fails "a key of another certificate" "does not belong to the certificate" \
    --tls-cert "$CERT" --tls-key "$TEST_TMP/other-key.pem"
start_fails "a key that is no key" "not a PEM private key" --tls-cert "$CERT" --tls-key "$CERT"
start_fails "a certificate without its key" "TLS needs both" --tls-cert "$CERT"

say "mcud with TLS"
HOST_TOKEN=ht_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$TEST_TMP/mcud.conf" <<CONF
[conference hop]
type=mix
size=320x180
fps=15
pin-hash=$(echo 2468 | "$MCUD" --hash-pin)
host-required=true
host-token-hash=$(echo "$HOST_TOKEN" | "$MCUD" --hash-pin)
CONF
MCUD_PORT=$(free_port)
MCUD_STATE_DIR=$TEST_TMP/state
HTTPS=https://127.0.0.1:$MCUD_PORT
"$MCUD" --listen "127.0.0.1:$MCUD_PORT" --state-dir "$MCUD_STATE_DIR" --ice-address 127.0.0.1 \
    --web-root "$WEB_ROOT" --log-level debug --tls-cert "$CERT" --tls-key "$KEY" --config "$TEST_TMP/mcud.conf" \
    >>"$MCUD_LOG" 2>&1 &
MCUD_PID=$!
for _ in $(seq 100); do      # bounded: 10 s
    process_running "$MCUD_PID" || fail "mcud with TLS exited at start: $(tail -5 "$MCUD_LOG")"
    curl -s -o /dev/null --cacert "$CERT" "$HTTPS/" && break
    sleep 0.1
done
curl -s -o /dev/null --cacert "$CERT" "$HTTPS/" || fail "mcud does not answer HTTPS on $HTTPS"
grep -q "listening on https://" "$MCUD_LOG" || fail "mcud does not say it listens on https://"
TOKEN=$(cat "$MCUD_STATE_DIR/admin.token")

status=$(curl -s -o "$TEST_TMP/list.json" -w '%{http_code}' --cacert "$CERT" -H "Authorization: Bearer $TOKEN" \
    "$HTTPS/api/v1/conferences")
[ "$status" = 200 ] || fail "GET /api/v1/conferences over HTTPS with the token: $status"
version=$(curl -s -o /dev/null -w '%{http_version}' --http2 --cacert "$CERT" "$HTTPS/")
[ "$version" = 1.1 ] || fail "HTTPS offers HTTP/$version; mcud speaks HTTP/1.1 only (ALPN)"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CERT" "$HTTPS/api/v1/conferences")
[ "$status" = 401 ] || fail "GET /api/v1/conferences over HTTPS without a token: $status, not 401"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CERT" "$HTTPS/metrics")
[ "$status" = 401 ] || fail "GET /metrics without a token: $status, not 401"
rc=0
curl -s -o /dev/null "$HTTPS/" 2>/dev/null || rc=$?
[ "$rc" -eq 60 ] || fail "curl without the CA did not refuse the self-signed certificate (exit $rc)"
rc=0
answer=$(curl -s -m 5 "http://127.0.0.1:$MCUD_PORT/api/v1/conferences" -H "Authorization: Bearer $TOKEN" \
    -w '%{http_code}' 2>/dev/null) || rc=$?
[ "$rc" -ne 0 ] || [[ $answer != *200 ]] || fail "plain HTTP works on the TLS port: $answer"
say "plain HTTP on the TLS port: curl exit $rc"
curl -s --cacert "$CERT" "$HTTPS/" | grep -q '<html' || fail "the web client is not served over HTTPS"
curl -s --cacert "$CERT" "$HTTPS/app.js" | grep -q "location.protocol === 'https:' ? 'wss'" \
    || fail "the web client does not derive wss:// from https:"

ctl() { MCU_URL=$HTTPS MCUCTL_CONFIG= MCU_STATE_DIR=$MCUD_STATE_DIR "$BUILD_DIR/mcuctl" "$@"; }
ctl --cacert "$CERT" conference list >/dev/null || fail "mcuctl --cacert over HTTPS failed"
MCU_CACERT=$CERT ctl stats >/dev/null || fail "mcuctl with MCU_CACERT over HTTPS failed"
rc=0
ctl conference list >/dev/null 2>"$TEST_TMP/ctl.err" || rc=$?
[ "$rc" -eq 7 ] || fail "mcuctl without the CA exited $rc, not 7 (unreachable): $(cat "$TEST_TMP/ctl.err")"

say "mcu-room over WSS"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --ice-address 127.0.0.1 --size 320x180 --fps 15 "$@"; }
rc=0
room --server "wss://127.0.0.1:$MCUD_PORT/ws" --cacert "$CERT" --conference echo --name "TLS room" \
    --duration 6 >"$TEST_TMP/room.out" 2>"$TEST_TMP/room.err" || rc=$?
sed 's/^/    [room] /' "$TEST_TMP/room.err" "$TEST_TMP/room.out"
[ "$rc" -eq 0 ] || fail "mcu-room over WSS exited $rc"
frames=$(sed -n 's/.*video_frames_received=\([0-9]*\).*/\1/p' "$TEST_TMP/room.out")
# Media flowing is what counts: a loaded machine sets the call up slowly (12 frames
# of a 4 s call were seen with the load average over 20), so a wide margin.
[ "${frames:-0}" -gt 10 ] || fail "mcu-room over WSS received ${frames:-no} video frames"
rc=0
room --server "wss://127.0.0.1:$MCUD_PORT/ws" --conference echo --name "No CA" --connect-timeout 5 \
    >"$TEST_TMP/noca.out" 2>"$TEST_TMP/noca.err" || rc=$?
[ "$rc" -eq 3 ] || fail "mcu-room without --cacert exited $rc, not 3: $(cat "$TEST_TMP/noca.err")"
rc=0
room --server "ws://127.0.0.1:$MCUD_PORT/ws" --conference echo --name "Plain" --connect-timeout 5 \
    >"$TEST_TMP/plain.out" 2>"$TEST_TMP/plain.err" || rc=$?
[ "$rc" -eq 3 ] || fail "mcu-room over plain ws:// to the TLS port exited $rc, not 3"

say "the web client over HTTPS/WSS waits for the host"
SIGNAL=$TEST_TMP/web
node "$ROOT/tests/integration/host_wait_chromium.mjs" "$HTTPS" hop 2468 "$SIGNAL" >"$TEST_TMP/web.log" 2>&1 &
WEB_PID=$!
track_background "$WEB_PID"
for _ in $(seq 900); do     # bounded: 90 s (Chromium under load)
    [ -e "$SIGNAL.waiting" ] && break
    process_running "$WEB_PID" || break
    sleep 0.1
done
[ -e "$SIGNAL.waiting" ] || { cat "$TEST_TMP/web.log"; fail "the web client did not get to 'Waiting for the host'"; }
rc=0
room --server "wss://127.0.0.1:$MCUD_PORT/ws" --cacert "$CERT" --conference hop --name Host --token "$HOST_TOKEN" \
    --duration 12 >"$TEST_TMP/host.out" 2>"$TEST_TMP/host.err" || rc=$?
sed 's/^/    [host] /' "$TEST_TMP/host.err"
rc_web=0
wait "$WEB_PID" || rc_web=$?
sed 's/^/    [web] /' "$TEST_TMP/web.log"
[ "$rc" -eq 0 ] || fail "the host room over WSS exited $rc"
[ "$rc_web" -eq 0 ] || fail "the web client over HTTPS failed (exit $rc_web)"

stop_mcud
check_mcud_log_clean
