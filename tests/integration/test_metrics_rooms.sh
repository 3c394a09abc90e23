#!/bin/bash
# test_metrics_rooms.sh - /metrics per room and the operator's series (issue 17): two
# native mcu-room rooms (GStreamer webrtcbin, which reports in its RTCP sender reports,
# not in receiver reports) in a mix conference, one with a double quote and a backslash
# in its name. The whole text parses as Prometheus exposition format
# (prometheus_parse.py: HELP/TYPE before each metric's samples, samples of one metric
# together, label values escaped); each room has its series labelled conference,
# participant and room (the name read back unescaped), with a bitrate in and out above
# 10 kbit/s (a solid colour and a tone), bytes both ways, and a round-trip time present (0 <= RTT < 1 s);
# `mcuctl participant list` shows numbers, not `-`, for both rooms' bitrates and RTT.
# A recording started with `mcuctl record start` shows as state "recording" (1, every
# other state 0) with bytes and seconds above 0; the archive's free and total bytes,
# the uptime and build info (mcud's version, a build id) are there. mcud logs no error.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ops_lib.sh"
require node node_modules mcud mcuctl mcu-room
command -v python3 >/dev/null || fail "python3 is missing; run: make deps"
PARSE=$ROOT/tests/integration/prometheus_parse.py
ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

ARCHIVE=$TEST_TMP/archive
mkdir -p "$ARCHIVE"
printf '[mcud]\narchive-dir=%s\n\n[conference sala]\ntype=mix\nlayout=2x2\nsize=640x360\ncodecs=vp8\n' \
    "$ARCHIVE" >"$TEST_TMP/mcud.conf"
start_mcud "$TEST_TMP/mcud.conf"

ROOM_A='Phòng "Hà Nội" \ 1'
ROOM_B='Huế'
room_start() {   # room_start NAME COLOUR HZ FILE
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference sala --ice-address 127.0.0.1 --name "$1" --video "test:$2" --audio "test:$3" \
        --size 320x180 --fps 15 --duration 120 >"$TEST_TMP/$4.out" 2>"$TEST_TMP/$4.err" &
    track_background "$!"
}
room_start "$ROOM_A" red 440 a
room_start "$ROOM_B" blue 660 b

SAMPLES=$TEST_TMP/samples.json
# scrape: /metrics through mcuctl into metrics.txt, checked as exposition format, its
# samples as JSON into $SAMPLES.
scrape() {
    ctl metrics >"$TEST_TMP/metrics.txt" || fail "mcuctl metrics failed"
    python3 "$PARSE" "$TEST_TMP/metrics.txt" >"$SAMPLES" \
        || { cat "$TEST_TMP/metrics.txt"; fail "/metrics is not Prometheus text (above)"; }
}
# sample NAME: the value of NAME for conference sala and the room named $ROOM ("" if none).
sample() {
    json "(o.find((s) => s.name === '$1' && s.labels.conference === 'sala' &&
             s.labels.room === process.env.ROOM) || {}).value ?? ''" <"$SAMPLES"
}
# series NAME: the value of the first sample of NAME ("" if none).
series() { json "(o.find((s) => s.name === '$1') || {}).value ?? ''" <"$SAMPLES"; }
above() { awk -v v="$1" -v l="$2" 'BEGIN { exit !(v != "" && v + 0 > l + 0) }'; }
room_ready() {   # bitrates in and out above 10 kbit/s and an RTT, for room $ROOM
    above "$(sample hoinghi_participant_receive_bits_per_second)" 10000 \
        && above "$(sample hoinghi_participant_send_bits_per_second)" 10000 \
        && [ -n "$(sample hoinghi_participant_rtt_seconds)" ]
}

ready=no
for _ in $(seq 60); do   # bounded: about 60 s
    sleep 1
    scrape
    if ROOM=$ROOM_A room_ready && ROOM=$ROOM_B room_ready; then
        ready=yes
        break
    fi
done
grep '^hoinghi_participant' "$TEST_TMP/metrics.txt" || true
[ "$ready" = yes ] || fail "the rooms' series never had bitrates over 10 kbit/s and an RTT (above)"
for room in "$ROOM_A" "$ROOM_B"; do
    export ROOM=$room
    above "$(sample hoinghi_participant_received_bytes_total)" 0 || fail "no bytes received from '$room'"
    above "$(sample hoinghi_participant_sent_bytes_total)" 0 || fail "no bytes sent to '$room'"
    rtt=$(sample hoinghi_participant_rtt_seconds)
    awk -v v="$rtt" 'BEGIN { exit !(v >= 0 && v < 1) }' || fail "RTT of '$room' is $rtt s"
    loss=$(sample hoinghi_participant_loss_ratio)
    awk -v v="$loss" 'BEGIN { exit !(v != "" && v >= 0 && v <= 1) }' || fail "loss ratio of '$room' is '$loss'"
    [ -n "$(ROOM=$room json 'o.filter((s) => s.name === "hoinghi_participant_jitter_seconds" && s.labels.room === process.env.ROOM).length === 2 || ""' <"$SAMPLES")" ] \
        || fail "no audio and video jitter for '$room'"
    pid=$(json "o.find((s) => s.labels.room === process.env.ROOM).labels.participant" <"$SAMPLES")
    [[ $pid == p* ]] || fail "no participant label for '$room'"
    say "'$room' ($pid): in $(sample hoinghi_participant_receive_bits_per_second) bit/s, out $(sample hoinghi_participant_send_bits_per_second) bit/s, RTT $rtt s, loss $loss"
done
grep -qF 'room="Phòng \"Hà Nội\" \\ 1"' "$TEST_TMP/metrics.txt" || fail "the room name is not escaped as the format says"

# mcuctl participant list: numbers in IN KBIT/S, OUT KBIT/S and RTT MS for both rooms.
list=$(ctl participant list sala) || fail "participant list failed"
echo "$list"
head -n1 <<<"$list" | grep -q 'IN KBIT/S  OUT KBIT/S  LOST  JITTER MS  RTT MS$' || fail "participant list columns: $list"
rows=$(ctl --json participant list sala | json 'o.map((p) => [p.stats.bitrate_in_bps, p.stats.bitrate_out_bps, p.stats.rtt_ms].join(" ")).join("\n")')
[ "$(wc -l <<<"$rows")" = 2 ] || fail "not two participants: $rows"
while read -r in out rtt; do
    [[ $in =~ ^[0-9]+$ && $out =~ ^[0-9]+$ && $rtt =~ ^[0-9]+$ ]] && [ "$in" -gt 0 ] && [ "$out" -gt 0 ] \
        || fail "participant stats in/out/rtt: '$in' '$out' '$rtt'"
done <<<"$rows"
# the last five columns: IN, OUT, LOST, JITTER, RTT (names have spaces; count from the end)
tail -n +2 <<<"$list" | awk '{ if ($NF == "-" || $(NF-3) == "-" || $(NF-4) == "-") exit 1 }' \
    || fail "participant list shows - for a bitrate or the RTT"

# Recording state, bytes and seconds; the archive's disk; uptime; build.
ctl record start sala >/dev/null || fail "record start failed"
recording=no
state=""
bytes=""
for _ in $(seq 30); do   # bounded: about 30 s
    sleep 1
    scrape
    state=$(json "o.filter((s) => s.name === 'hoinghi_conference_recording' && s.labels.conference === 'sala' && s.value === 1).map((s) => s.labels.state).join(',')" <"$SAMPLES")
    bytes=$(series hoinghi_conference_recording_bytes)
    if [ "$state" = recording ] && above "$bytes" 0; then
        recording=yes
        break
    fi
done
grep '^hoinghi_conference_recording' "$TEST_TMP/metrics.txt" || true
[ "$recording" = yes ] || fail "no recording state with bytes written (state '$state', bytes '$bytes')"
states=$(json "o.filter((s) => s.name === 'hoinghi_conference_recording').length" <"$SAMPLES")
[ "$states" = 6 ] || fail "hoinghi_conference_recording has $states series, not one per state (6)"
seconds=$(series hoinghi_conference_recording_seconds)
awk -v v="$seconds" 'BEGIN { exit !(v > 0 && v < 60) }' || fail "recording seconds: $seconds"
free=$(series hoinghi_archive_free_bytes)
size=$(series hoinghi_archive_size_bytes)
df_free=$(df -B1 --output=avail "$ARCHIVE" | tail -n1)
awk -v f="$free" -v s="$size" -v d="$df_free" 'BEGIN { r = f - d; if (r < 0) r = -r; exit !(f > 0 && f <= s && r < 1e9) }' \
    || fail "archive free $free of $size bytes (df says $df_free)"
uptime=$(series hoinghi_uptime_seconds)
awk -v v="$uptime" 'BEGIN { exit !(v >= 1 && v < 600) }' || fail "uptime: $uptime"
build=$(json "JSON.stringify(o.find((s) => s.name === 'hoinghi_build_info'))" <"$SAMPLES")
version=$("$MCUD" --version | awk '{print $NF}')
[ "$(json 'o.labels.version' <<<"$build")" = "$version" ] || fail "build info: $build (mcud --version: $version)"
[ -n "$(json 'o.labels.build' <<<"$build")" ] && [ "$(json 'o.value' <<<"$build")" = 1 ] || fail "build info: $build"
say "recording $bytes bytes in $seconds s; archive $free of $size bytes free; up $uptime s; build $build"
ctl record stop sala >/dev/null || fail "record stop failed"

stop_mcud
check_mcud_log_clean
say "pass"
