#!/bin/bash
# test_host_required.sh - "host must be present" with mcu-room rooms (GStreamer
# webrtcbin), on a config file conference whose PIN and host token are given only as
# hashes made by `mcud --hash-pin` (host-required=true, host-grace=0):
#   - a wrong host token is refused (exit 3, invalid_token), a missing PIN too
#     (wrong_pin); both are counted in /metrics;
#   - a room alone (with the PIN) is admitted, its media connects, it is told
#     waiting_for_host and receives no video frame in 6 s;
#   - a second room waits, then the host room joins with the host token (no PIN):
#     the waiting room is told host_present and both receive video; when the host
#     leaves, the waiting room is told waiting_for_host again (grace 0);
#   - a conference made by the API with --host-required gives a host link once
#     (mcuctl); its token joins as the host.
# mcud logs no error and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
require mcud mcu-room mcuctl
command -v curl >/dev/null || fail "curl is missing; run: make deps"

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
room() { ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --ice-address 127.0.0.1 --size 320x180 --fps 15 "$@"; }
frames() { sed -n 's/.*video_frames_received=\([0-9]*\).*/\1/p' "$1" | head -1; }

HOST_TOKEN=ht_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
PIN_HASH=$(echo 2468 | "$MCUD" --hash-pin) || fail "mcud --hash-pin failed"
HOST_HASH=$(echo "$HOST_TOKEN" | "$MCUD" --hash-pin) || fail "mcud --hash-pin failed for the host token"
[[ $PIN_HASH == pbkdf2-sha256\$* ]] || fail "mcud --hash-pin printed '$PIN_HASH'"
rc=0
echo 12 | "$MCUD" --hash-pin >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "mcud --hash-pin took a 2-character PIN (exit $rc)"

cat >"$TEST_TMP/mcud.conf" <<CONF
[conference hop]
type=mix
title=Họp có chủ trì
size=320x180
fps=15
pin-hash=$PIN_HASH
host-required=true
host-token-hash=$HOST_HASH
host-grace=0
CONF
start_mcud "$TEST_TMP/mcud.conf"
SERVER=ws://127.0.0.1:$MCUD_PORT/ws
grep -q '^pin=' "$TEST_TMP/mcud.conf" && fail "the config file holds the PIN"

say "refused: a wrong host token, no PIN"
rc=0
room --server "$SERVER" --conference hop --name X --token "${HOST_TOKEN}0" >"$TEST_TMP/bad.out" 2>"$TEST_TMP/bad.err" || rc=$?
[ "$rc" -eq 3 ] && grep -q invalid_token "$TEST_TMP/bad.err" || fail "a wrong host token: exit $rc, $(cat "$TEST_TMP/bad.err")"
rc=0
room --server "$SERVER" --conference hop --name X >"$TEST_TMP/nopin.out" 2>"$TEST_TMP/nopin.err" || rc=$?
[ "$rc" -eq 3 ] && grep -q wrong_pin "$TEST_TMP/nopin.err" || fail "no PIN: exit $rc, $(cat "$TEST_TMP/nopin.err")"
metrics=$(curl -s -H "Authorization: Bearer $(cat "$MCUD_STATE_DIR/admin.token")" "$MCUD_URL/metrics")
grep -q 'hoinghi_joins_refused_total{reason="wrong_pin"} 1$' <<<"$metrics" || fail "wrong PINs are not counted"
grep -q 'hoinghi_joins_refused_total{reason="invalid_token"} 1$' <<<"$metrics" || fail "bad tokens are not counted"

say "a room alone waits: media connected, no video for 6 s"
rc=0
room --server "$SERVER" --conference hop --name "Alone" --pin 2468 --duration 6 \
    >"$TEST_TMP/alone.out" 2>"$TEST_TMP/alone.err" || rc=$?
sed 's/^/    [alone] /' "$TEST_TMP/alone.err" "$TEST_TMP/alone.out"
[ "$rc" -eq 0 ] || fail "the lone room exited $rc"
grep -q 'waiting for the host' "$TEST_TMP/alone.err" || fail "the lone room was not told waiting_for_host"
[ "$(frames "$TEST_TMP/alone.out")" = 0 ] || fail "the lone room received video without a host: $(cat "$TEST_TMP/alone.out")"

say "a room waits, the host joins: both receive video; the host leaves: waiting again"
# Not through room(): the PID must be mcu-room's own (SIGTERM makes it leave cleanly).
ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --ice-address 127.0.0.1 --size 320x180 --fps 15 \
    --server "$SERVER" --conference hop --name "Guest" --pin 2468 --duration 120 \
    >"$TEST_TMP/guest.out" 2>"$TEST_TMP/guest.err" &
GUEST_PID=$!
track_background "$GUEST_PID"
for _ in $(seq 300); do     # bounded: 30 s
    grep -q 'media connected' "$TEST_TMP/guest.err" 2>/dev/null && break
    process_running "$GUEST_PID" || break
    sleep 0.1
done
grep -q 'media connected' "$TEST_TMP/guest.err" || { cat "$TEST_TMP/guest.err"; fail "the guest's media did not connect"; }
grep -q 'waiting for the host' "$TEST_TMP/guest.err" || fail "the guest was not told waiting_for_host"
sleep 2
rc=0
room --server "$SERVER" --conference hop --name "Host" --token "$HOST_TOKEN" --duration 6 \
    >"$TEST_TMP/host.out" 2>"$TEST_TMP/host.err" || rc=$?
sed 's/^/    [host] /' "$TEST_TMP/host.err" "$TEST_TMP/host.out"
[ "$rc" -eq 0 ] || fail "the host room exited $rc"
grep -q '(the host)' "$TEST_TMP/host.err" || fail "the host token did not join as the host"
# The host is gone (grace 0): the guest must be told to wait again.
for _ in $(seq 200); do     # bounded: 20 s
    [ "$(grep -c 'waiting for the host' "$TEST_TMP/guest.err")" -ge 2 ] && break
    process_running "$GUEST_PID" || break
    sleep 0.1
done
process_running "$GUEST_PID" && kill -TERM "$GUEST_PID"
rc=0
wait "$GUEST_PID" || rc=$?
sed 's/^/    [guest] /' "$TEST_TMP/guest.err" "$TEST_TMP/guest.out"
[ "$rc" -eq 0 ] || fail "the guest room exited $rc"
grep -q 'the host is present' "$TEST_TMP/guest.err" || fail "the guest was not told host_present"
[ "$(grep -c 'waiting for the host' "$TEST_TMP/guest.err")" -ge 2 ] \
    || fail "the guest was not told waiting_for_host again after the host left"
[ "$(frames "$TEST_TMP/host.out")" -gt 30 ] || fail "the host received too little video: $(cat "$TEST_TMP/host.out")"
[ "$(frames "$TEST_TMP/guest.out")" -gt 30 ] || fail "the guest received too little video: $(cat "$TEST_TMP/guest.out")"
grep -q 'conference hop: the host is in: media flows' "$MCUD_LOG" || fail "mcud did not log the host's arrival"

say "an API conference with --host-required: the host link is shown once and works"
ctl() { MCU_URL=$MCUD_URL MCUCTL_CONFIG= MCU_STATE_DIR=$MCUD_STATE_DIR "$BUILD_DIR/mcuctl" "$@"; }
created=$(ctl --json conference create --id chu-tri --title "Chủ trì" --pin 1357 --host-required) \
    || fail "mcuctl conference create --host-required failed"
api_token=$(grep -o '"token": *"ht_[0-9a-f]*"' <<<"$created" | grep -o 'ht_[0-9a-f]*' | head -1)
[ -n "$api_token" ] || fail "no host token in: $created"
grep -q '"has_pin": *true' <<<"$created" || fail "has_pin is not true: $created"
grep -q '1357' <<<"$created" && fail "the API shows the PIN: $created"
ctl --json conference show chu-tri | grep -q "$api_token" && fail "the host token is shown again"
rc=0
room --server "$SERVER" --conference chu-tri --name "API host" --token "$api_token" --duration 3 \
    >"$TEST_TMP/api.out" 2>"$TEST_TMP/api.err" || rc=$?
[ "$rc" -eq 0 ] && grep -q '(the host)' "$TEST_TMP/api.err" || fail "the API host token: exit $rc, $(cat "$TEST_TMP/api.err")"
new_link=$(ctl conference host-token chu-tri) || fail "mcuctl conference host-token failed"
grep -q 'token=ht_' <<<"$new_link" || fail "no host link: $new_link"
rc=0
room --server "$SERVER" --conference chu-tri --name X --token "$api_token" >"$TEST_TMP/old.out" 2>"$TEST_TMP/old.err" || rc=$?
[ "$rc" -eq 3 ] || fail "the replaced host token still joins (exit $rc)"

stop_mcud
check_mcud_log_clean
