#!/bin/bash
# Golden tests for mcu-mix: short inputs generated with ffmpeg lavfi are mixed, and the
# output is measured with ffmpeg: the colour of each layout cell (mean over the cell's
# centre), the placeholder of an audio-only input, the letterbox bars of a portrait
# input, a layout switch mid-stream, both input tones in the audio mix, and, when two
# full-scale inputs add up, no wrap-around and a true peak under -1 dBTP after Opus;
# an H.264 High profile input with B-frames in its colour, and a warning naming an
# input that cannot be decoded (H.264 High 10).
# Every output must also probe as the asked codec, size and duration and decode
# without a single error.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
case "$BUILD" in /*) MIX="$BUILD/mcu-mix" ;; *) MIX="$ROOT/$BUILD/mcu-mix" ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

[ -x "$MIX" ] || { echo "FAIL: $MIX not built"; exit 1; }

# An input: colour, tone (Hz), size; VP8 + Opus in WebM, 2 s.
make_input() { # out colour freq size
    ffmpeg -v error -y -f lavfi -i "color=c=$2:s=$4:r=30:d=2" \
        -f lavfi -i "sine=f=$3:d=2:sample_rate=48000" \
        -c:v libvpx -b:v 300k -deadline realtime -c:a libopus -b:a 32k "$1"
}

# Mean R G B of a rectangle of the frame at time T (area-averaged to one pixel).
region_rgb() { # file time x y w h
    ffmpeg -v error -ss "$2" -i "$1" -frames:v 1 \
        -vf "crop=$5:$6:$3:$4,scale=1:1:flags=area,format=rgb24" -f rawvideo - | od -An -tu1
}

# Passes if every channel is within 40 of the expected value.
expect_rgb() { # what file time x y w h r g b
    local got
    got=$(region_rgb "$2" "$3" "$4" "$5" "$6" "$7")
    read -r r g b <<<"$got"
    if [ -z "${b:-}" ]; then fail "$1: no picture at $3 s"; return; fi
    local d
    for d in $((r - $8)) $((g - $9)) $((b - ${10})); do
        if [ "${d#-}" -gt 40 ]; then fail "$1: got RGB $r $g $b, want $8 $9 ${10}"; return; fi
    done
    pass "$1 (RGB $r $g $b)"
}

# Codec, size and duration (2 s +- 0.5) by ffprobe, and a clean decode.
check_file() { # file vcodec w h
    local v a d
    v=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$1")
    a=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 "$1")
    d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1")
    [ "$v" = "$2,$3,$4" ] || fail "$1: video stream is '$v', want $2,$3,$4"
    [ "$a" = "opus" ] || fail "$1: audio stream is '$a', want opus"
    awk -v d="$d" 'BEGIN { exit !(d >= 1.5 && d <= 2.5) }' || fail "$1: duration $d, want 2 +- 0.5"
    local errors
    errors=$(ffmpeg -v error -i "$1" -f null - 2>&1)
    [ -z "$errors" ] || fail "$1: decoding printed: $errors"
    pass "$(basename "$1"): $v + $a, ${d} s, decodes cleanly"
}

# Mean volume (dB) of the output within a narrow band around F.
band_db() { # file freq
    ffmpeg -hide_banner -nostats -i "$1" -af "bandpass=f=$2:width_type=q:w=30,bandpass=f=$2:width_type=q:w=30,volumedetect" \
        -f null - 2>&1 | sed -n 's/.*mean_volume: \(-*[0-9.]*\) dB.*/\1/p'
}

cd "$TMP" || exit 1
make_input red.webm red 440 320x240
make_input green.webm green 880 320x240
make_input blue.webm blue 660 320x240
make_input white_portrait.webm white 550 180x320
ffmpeg -v error -y -f lavfi -i "sine=f=1000:d=2:sample_rate=48000" -c:a libopus -b:a 32k voice_only.webm
ffmpeg -v error -y -f lavfi -i "aevalsrc=0.99*sin(2*PI*440*t):d=2:s=48000" -c:a libopus -b:a 64k loud.webm

# 1. A 2x2 grid: three colours and an audio-only input (placeholder, Y 48 = RGB 37).
"$MIX" --quiet --layout 2x2 --size 640x360 --fps 30 --vcodec vp8 --vbitrate 1M \
    -o grid.webm red.webm green.webm blue.webm voice_only.webm || fail "mcu-mix grid exited $?"
check_file grid.webm vp8 640 360
# Cells are 320x180; the 4:3 pictures are pillarboxed in them: measure the centres.
expect_rgb "cell 0 red" grid.webm 1.0 120 50 80 80 255 0 0
expect_rgb "cell 1 green" grid.webm 1.0 440 50 80 80 0 128 0
expect_rgb "cell 2 blue" grid.webm 1.0 120 230 80 80 0 0 255
expect_rgb "cell 3 placeholder" grid.webm 1.0 440 230 80 80 37 37 37

# 2. A portrait input in a landscape canvas is letterboxed (pillarbox bars, dark).
"$MIX" --quiet --layout 1x1 --size 640x360 -o portrait.webm white_portrait.webm ||
    fail "mcu-mix portrait exited $?"
check_file portrait.webm vp8 640 360
expect_rgb "portrait centre" portrait.webm 1.0 280 140 80 80 255 255 255
expect_rgb "portrait left bar" portrait.webm 1.0 20 100 120 160 0 0 0
expect_rgb "portrait right bar" portrait.webm 1.0 500 100 120 160 0 0 0

# 3. A layout switch at 1 s: 2x2 (bottom half empty, black) to two full-height halves
# (each 320x360, the 4:3 pictures letterboxed in them from y 60 to 300).
echo '{"cells":[{"x":0,"y":0,"w":0.5,"h":1},{"x":0.5,"y":0,"w":0.5,"h":1}]}' >halves.json
"$MIX" --quiet --layout 2x2 --layout-switch 1:halves.json --size 640x360 \
    -o switch.webm red.webm green.webm || fail "mcu-mix switch exited $?"
check_file switch.webm vp8 640 360
expect_rgb "before the switch: bottom left empty" switch.webm 0.5 120 200 80 60 0 0 0
expect_rgb "after the switch: lower left red" switch.webm 1.5 120 200 80 60 255 0 0
expect_rgb "after the switch: lower right green" switch.webm 1.5 440 200 80 60 0 128 0

# 4. Audio: a 440 Hz and an 880 Hz input give both tones in the mix (the grid run
# also had 660 and 1000 Hz: use a two-input mix for a clean spectrum).
"$MIX" --quiet --layout 2x2 --size 320x180 -o tones.webm red.webm green.webm ||
    fail "mcu-mix tones exited $?"
check_file tones.webm vp8 320 180
t440=$(band_db tones.webm 440); t880=$(band_db tones.webm 880); t1500=$(band_db tones.webm 1500)
echo "band levels: 440 Hz $t440 dB, 880 Hz $t880 dB, 1500 Hz (none) $t1500 dB"
awk -v a="$t440" -v b="$t880" -v n="$t1500" 'BEGIN { exit !(a > -40 && b > -40 && a > n + 20 && b > n + 20) }' &&
    pass "both tones in the mix" || fail "tones: 440 $t440 dB, 880 $t880 dB, 1500 $t1500 dB"

# 5. Two full-scale in-phase inputs add up to twice full scale: the limiter must
# keep the output from wrapping (a wrap is a jump of ~2.0 between samples; a 440 Hz
# sine near full scale moves at most ~0.06 per sample) and leave room for Opus's
# overshoot: after the Opus round trip the mix stays under -1 dBTP true peak (EBU
# R 128). True peak two ways: ffmpeg's ebur128 meter (peak=true, 0.1 dB steps) and
# the sample peak of the output resampled 4x (192 kHz), which shows inter-sample
# peaks with finer figures; both must be <= -1.0.
"$MIX" --quiet --layout 2x2 --size 320x180 -o loud_mix.webm loud.webm loud.webm ||
    fail "mcu-mix loud exited $?"
stats=$(ffmpeg -hide_banner -nostats -i loud_mix.webm -map 0:a -af astats -f null - 2>&1 | sed -n '/Overall/,$p')
peak=$(sed -n 's/.*Peak level dB: \(.*\)/\1/p' <<<"$stats")
jump=$(sed -n 's/.*Max difference: \(.*\)/\1/p' <<<"$stats")
tp_meter=$(ffmpeg -hide_banner -nostats -i loud_mix.webm -map 0:a -af ebur128=peak=true -f null - 2>&1 |
    sed -n '/True peak:/,$s/^ *Peak: *\(-*[0-9.inf]*\) dBFS.*/\1/p' | tail -1)
tp_4x=$(ffmpeg -hide_banner -nostats -i loud_mix.webm -map 0:a -af aresample=192000,astats -f null - 2>&1 |
    sed -n '/Overall/,$p' | sed -n 's/.*Peak level dB: \(.*\)/\1/p')
echo "loud mix: sample peak $peak dBFS, true peak $tp_meter dBTP (ebur128), $tp_4x dBTP (4x oversampled), largest sample-to-sample step $jump"
awk -v j="$jump" 'BEGIN { exit !(j != "" && j < 0.5) }' &&
    pass "loud inputs do not wrap (step $jump)" || fail "loud inputs: step $jump (wrap-around?)"
awk -v a="$tp_meter" -v b="$tp_4x" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= -1.0 && b + 0 <= -1.0) }' &&
    pass "loud mix under -1 dBTP after Opus ($tp_meter / $tp_4x dBTP)" ||
    fail "loud mix true peak $tp_meter dBTP (ebur128), $tp_4x dBTP (4x), want <= -1.0"

# 6. Errors: an unreadable input, too many inputs for the layout, a bad flag: exit 2
# with a message.
expect_exit2() { # what args...
    local what=$1 msg rc
    shift
    msg=$("$MIX" "$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -eq 2 ] && [ -n "$msg" ]; then pass "$what: exit 2 ($msg)"; else fail "$what: exit $rc, '$msg'"; fi
}
echo "not media" >junk.webm
expect_exit2 "unreadable input" -o e.webm junk.webm
expect_exit2 "missing input" -o e.webm nosuchfile.webm
expect_exit2 "too many inputs" --layout 1x1 -o e.webm red.webm green.webm
expect_exit2 "bad flag" --size 641x360 -o e.webm red.webm
expect_exit2 "unknown flag" --frobnicate -o e.webm red.webm
"$MIX" --help | grep -q -- "--layout-switch" && pass "--help" || fail "--help lacks --layout-switch"

# 7. H.264 + Opus in Matroska.
"$MIX" --quiet --layout 2x2 --size 320x180 --vcodec h264 --vbitrate 500k -o h264.mkv red.webm green.webm ||
    fail "mcu-mix h264 exited $?"
check_file h264.mkv h264 320 180
expect_rgb "h264 cell 0 red" h264.mkv 1.0 60 25 40 40 255 0 0

# 8. H.264 High profile with B-frames (libx264's default: what room systems send): the
# frames come in decode order, timestamps going back within each group of pictures;
# the cell shows the clip's colour (0x20C020), not the placeholder, with no warning.
ffmpeg -v error -y -f lavfi -i "color=c=0x20C020:s=640x480:r=30" -t 2 -c:v libx264 -pix_fmt yuv420p \
    bframes.mkv
probe=$(ffprobe -v error -select_streams v:0 -show_entries stream=profile,has_b_frames -of csv=p=0 bframes.mkv)
[ "$probe" = "High,2" ] || fail "the B-frames clip probes as '$probe', want High,2"
msg=$("$MIX" --quiet --layout 2x2 --size 640x360 -o bframes_mix.webm red.webm bframes.mkv 2>&1) ||
    fail "mcu-mix bframes exited $?"
[ -z "$msg" ] && pass "B-frames input: no warning" || fail "B-frames input printed: $msg"
check_file bframes_mix.webm vp8 640 360
expect_rgb "cell 1 H.264 High with B-frames" bframes_mix.webm 1.0 440 50 80 80 32 192 32
expect_rgb "cell 1 H.264 High with B-frames, later" bframes_mix.webm 1.8 440 50 80 80 32 192 32

# 9. An input the mixer cannot decode (H.264 High 10: 10-bit pictures) shows the
# placeholder, and mcu-mix says so, naming it (exit 0: the mix itself is fine).
ffmpeg -v error -y -f lavfi -i "color=c=0x2020C0:s=320x240:r=30" -t 2 -c:v libx264 -pix_fmt yuv420p10le \
    high10.mkv
msg=$("$MIX" --quiet --layout 2x2 --size 640x360 -o high10_mix.webm red.webm high10.mkv 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "mcu-mix high10 exited $rc"
grep -q "warning: high10.mkv: .*placeholder" <<<"$msg" && pass "undecodable input warned: $msg" ||
    fail "no warning naming high10.mkv, got: '$msg'"
grep -q "red.webm" <<<"$msg" && fail "a warning about the decodable red.webm: $msg"
expect_rgb "cell 1 undecodable: placeholder" high10_mix.webm 1.0 440 50 80 80 37 37 37

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all mcu-mix golden checks passed"
