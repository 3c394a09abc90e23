#!/bin/bash
# test_recording_disk_full.sh - the archive is a small tmpfs (in a private mount
# namespace) that fills up during a meeting of two rooms: the recording stops with a
# log line naming the reason (No space left on device) and the file that was kept;
# the meeting goes on (mcud and both rooms stay, nobody leaves, media keeps flowing
# to the rooms), what was written still decodes, and mcud exits 0 on SIGTERM with no
# other error logged.
if [ -z "${HOINGHI_MOUNT_NS:-}" ]; then
    HOINGHI_MOUNT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/recording_lib.sh"

ARCHIVE=$TEST_TMP/archive
mkdir -p "$ARCHIVE"
mount -t tmpfs -o size=320k tmpfs "$ARCHIVE" || fail "cannot mount a tmpfs on $ARCHIVE"
write_recording_config "$ARCHIVE"
start_mcud "$TEST_TMP/mcud.conf"
start_rooms 2
wait_log "recorder hop: writing " 30
wait_log "recording stopped by an error: .*No space left on device" 40
say "the recording stopped on the full disk; the meeting goes on"
# The finished file's line follows once the writer thread has closed it (100 ms later
# was seen): waited for, not read at once.
wait_log "recording $ARCHIVE/.*\.webm ended failed \(.*No space left on device\)" 10
log_lines_at_failure=$(grep -c . "$MCUD_LOG")
sleep 4
process_running "$MCUD_PID" || fail "mcud died after the disk filled up"
for pid in "${ROOM_PIDS[@]}"; do process_running "$pid" || fail "a room left the meeting"; done
! tail -n +"$log_lines_at_failure" "$MCUD_LOG" | grep -q "left conference hop" || fail "a room left the meeting"

mapfile -t files < <(find "$ARCHIVE" -type f -name '*.webm')
[ "${#files[@]}" -eq 1 ] || fail "expected the kept file, found: $(find "$ARCHIVE" -type f | tr '\n' ' ')"
[ "$(probe_streams "${files[0]}" | sort | tr '\n' ' ')" = "audio:opus video:vp8 " ] \
    || fail "the kept file does not demux"
umount "$ARCHIVE"

stop_mcud
# Media went on flowing to both rooms: each got thousands of packets by the end.
for out in $(sed -n 's/.*media: rtp in [0-9]* out \([0-9]*\),.*/\1/p' "$MCUD_LOG"); do
    [ "$out" -gt 300 ] || fail "a room got only $out packets"
done
errors=$(grep -E "^$MCUD_LOG_TIME_RE ERROR " "$MCUD_LOG" | grep -v "recording" || true)
[ -z "$errors" ] || fail "mcud logged other errors: $errors"
grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|-CRITICAL \*\*' "$MCUD_LOG" && fail "sanitizer or GLib report"
say "pass"
