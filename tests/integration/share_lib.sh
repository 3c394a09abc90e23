# share_lib.sh - helpers for the presenting tests (test_share_room, test_share_chromium);
# source it after lib.sh. Fails at once when ffmpeg, ffprobe or python3 is missing.
#
#   write_meeting_config FILE [KEY=VALUE...]   adds the conference `meeting` to the
#                                  config FILE: mix, titled Presenting, 2x2 at 1280x720,
#                                  15 fps, VP8, then the KEY=VALUE lines
#   make_lines_clip FILE SECONDS   the picture of fine lines the tests share and compare
#                                  with: 1920x1080 at 10 fps VP8 (nearly lossless),
#                                  vertical stripes 6 pixels wide in its left half,
#                                  horizontal ones in its right half
#   room_start NAME COLOUR [ARGS...]   an mcu-room in the conference `meeting` of the
#                                  running mcud: camera test:COLOUR at 320x180, 15 fps, no
#                                  audio, no decoding, then ARGS; in the background
#                                  (killed at exit), its pid in ROOM_PID, its output in
#                                  $TEST_TMP/NAME.out and .err
#   wait_line FILE PATTERN SECONDS bounded wait for a line in FILE (grep -E)
#   now_s                          seconds since the epoch, with decimals
#   offset A B                     A - B, one decimal
#   check_point T0                 2 s before now, in seconds since T0 (a time well
#                                  inside the phase the test has just waited through,
#                                  to look at in a recording that began at T0)
#   $PICTURE lines|colour ...      share_picture.py (the checks on a recorded picture)

command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || fail "ffmpeg/ffprobe are missing; run: make deps"
command -v python3 >/dev/null || fail "python3 is missing; run: make deps"

ROOM_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
PICTURE="python3 $ROOT/tests/integration/share_picture.py"

write_meeting_config() {
    local file=$1
    shift
    printf '[conference meeting]\ntype=mix\ntitle=Presenting\nlayout=2x2\nsize=1280x720\nfps=15\ncodecs=vp8\n' >>"$file"
    [ "$#" -eq 0 ] || printf '%s\n' "$@" >>"$file"
}

make_lines_clip() {
    ffmpeg -v error -y -f lavfi \
        -i "nullsrc=s=1920x1080:r=10:d=$2,format=gray,geq=lum='if(lt(X,960),if(lt(mod(X,12),6),235,16),if(lt(mod(Y,12),6),235,16))'" \
        -pix_fmt yuv420p -c:v libvpx -b:v 20M -crf 4 -g 10 "$1" || fail "ffmpeg could not make $1"
}

room_start() {
    local name=$1 colour=$2
    shift 2
    ASAN_OPTIONS=$ROOM_ASAN_OPTIONS "$BUILD_DIR/mcu-room" --server "ws://127.0.0.1:$MCUD_PORT/ws" \
        --conference meeting --ice-address 127.0.0.1 --name "$name" --video "test:$colour" \
        --audio none --size 320x180 --fps 15 --no-decode "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
    ROOM_PID=$!
    track_background "$ROOM_PID"
}

wait_line() {
    local tries
    for tries in $(seq $(($3 * 10))); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

now_s() { date +%s.%N; }

offset() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

check_point() { offset "$(offset "$(now_s)" "$1")" 2; }
