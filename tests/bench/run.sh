#!/bin/bash
# hoinghi benchmark (make bench; not a test): the CPU cost of mixing a 9-room
# conference with mcu-mix against the limit (decoding the nine inputs plus encoding
# one output, nothing else) and against ffmpeg's and GStreamer's compositing
# pipelines doing the same job, for VP8 and for H.264; and the MCU's own audio work
# per room in a 50-room conference (build/audio-bench, tests/bench/audio_bench.c)
# with the shared encode against one encode per room.
#
#   tests/bench/run.sh          everything; writes docs/benchmarks.md
#   tests/bench/run.sh audio    the audio part only, its section on stdout
#
# Every job runs once, as one process tree, on one thread where the tool lets us say
# so, and is measured with /usr/bin/time (user + sys CPU seconds of the process and
# its threads). Figures are CPU seconds per 10 s of media. Writes docs/benchmarks.md.
#
# Inputs (generated once into $BENCH_DIR, default tests/out/bench): nine distinct
# 1280x720 30 fps 10 s clips with real motion (lavfi testsrc2, mandelbrot, life,
# cellauto, gradients, rotating/scrolling patterns), encoded at 2 Mbit/s as VP8 and as
# H.264 (constrained baseline, like a WebRTC camera), and nine 10 s Opus tracks.
#
# Encoder settings, identical in every job:
#   VP8   libvpx, deadline realtime, cpu-used -6, CBR 2 Mbit/s (min = max = target,
#         1 s buffer), lag 0, error resilient, keyframe interval 3000, 1 thread
#   H.264 libx264, preset veryfast, tune zerolatency, baseline, 2 Mbit/s with
#         VBV (max rate 2 Mbit/s, 1 s buffer), keyframe interval 3000, 1 thread
# Scaling: mcu-mix libyuv box filter; ffmpeg scale bilinear; GStreamer compositor's
# default. Decoders: libavcodec's (ffmpeg, mcu-mix, and gst-libav's avdec_* in
# GStreamer), one thread each.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
MIX="$ROOT/$BUILD/mcu-mix"
AUDIO_BENCH="$ROOT/$BUILD/audio-bench"
WHAT=${1:-all}
DIR=${BENCH_DIR:-$ROOT/tests/out/bench}
OUT_MD="$ROOT/docs/benchmarks.md"
SECONDS_OF_MEDIA=10
mkdir -p "$DIR"
[ -x "$MIX" ] && [ -x "$AUDIO_BENCH" ] || { echo "bench: $MIX or $AUDIO_BENCH not built (make)" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

# --- inputs ---
sources=(
    "testsrc2=s=1280x720:r=30"
    "mandelbrot=s=1280x720:r=30:start_scale=1.5:end_scale=0.05:maxiter=200"
    "life=s=1280x720:r=30:mold=10:ratio=0.15:death_color=#004020:life_color=#f0d000"
    "cellauto=s=1280x720:r=30:rule=110:random_fill_ratio=0.4"
    "gradients=s=1280x720:r=30:speed=0.02:n=6"
    "testsrc2=s=1280x720:r=30,hue=H=2*PI*t/5,rotate=a=t/3:fillcolor=navy"
    "smptehdbars=s=1280x720:r=30,scroll=h=0.004:v=0.002,noise=alls=12:allf=t"
    "rgbtestsrc=s=1280x720:r=30,rotate=a=-t/2:fillcolor=darkred,noise=alls=8:allf=t"
    "testsrc=s=1280x720:r=30,scroll=h=-0.003,hue=s=sin(t)+1"
)
VP8_OPTS=(-c:v libvpx -deadline realtime -cpu-used -6 -b:v 2M -minrate 2M -maxrate 2M
          -bufsize 2M -lag-in-frames 0 -error-resilient default -g 3000 -qmin 2 -qmax 56 -threads 1)
H264_OPTS=(-c:v libx264 -preset veryfast -tune zerolatency -profile:v baseline -b:v 2M
           -maxrate 2M -bufsize 2M -g 3000 -x264-params scenecut=0 -threads 1)
for i in 0 1 2 3 4 5 6 7 8; do
    if [ "$WHAT" != audio ] && [ ! -s "$DIR/clip$i.webm" ]; then
        log "generating clip $i (${sources[$i]%%=*})"
        ffmpeg -v error -y -f lavfi -i "${sources[$i]}" -t $SECONDS_OF_MEDIA -pix_fmt yuv420p \
            -c:v libvpx -deadline realtime -cpu-used 8 -b:v 2M -threads 2 "$DIR/clip$i.webm"
        ffmpeg -v error -y -i "$DIR/clip$i.webm" -c:v libx264 -preset veryfast -profile:v baseline \
            -b:v 2M -maxrate 2M -bufsize 2M -threads 2 "$DIR/clip$i.mkv"
    fi
    if [ ! -s "$DIR/voice$i.webm" ]; then
        # A "voice": a tone whose loudness comes and goes, plus a little noise.
        ffmpeg -v error -y -f lavfi -i "aevalsrc=0.3*sin(2*PI*(200+40*$i)*t)*(0.5+0.5*sin(2*PI*(0.3+0.05*$i)*t))+0.01*(random(0)-0.5):s=48000:d=$SECONDS_OF_MEDIA" \
            -c:a libopus -b:a 32k -application voip "$DIR/voice$i.webm"
    fi
done

# Audio history
# Before/after the audio work of branch mixperf, the same audio-bench (shared, 50
# rooms) on this 2-core VM while other jobs loaded it (load 8 to 20: figures move by
# a quarter from run to run, so each pair was run back to back):
#
# | engine | shared encode | one encode per room | no levels, all decoded |
# |--------|--------------:|--------------------:|-----------------------:|
# | before: Opus through libavcodec's libopus wrappers (CPUID on every packet), a new minus-self encoder at each switch, all mixes at complexity 5 | 586 / 661 / 799 | 76 | 252 |
# | after: libopus directly, minus-self encoders kept (state copied from the full mix), minus-self mixes at complexity 1, idle limiter blocks copied | 1007 / 1190 / 1137 | 98 | 326 |
#
# rooms per core; the three shared figures are three pairs. The old figure in this
# file, 143 rooms per core, was mcu-mix from 50 files, which also counts the
# senders' work (demuxing, measuring levels, packetizing); the same measurement is
# now the mcu-mix row above. Of the gain, about a third is libopus called directly,
# the kept encoders and the limiter, two thirds the minus-self complexity: at
# complexity 5 everywhere the conference costs about 40 % more (the second row).
# End of audio history

# --- measuring ---
# cpu NAME CMD...: runs CMD, records user+sys seconds in CPU[NAME].
declare -A CPU
cpu() {
    local name=$1 t
    shift
    log "running $name"
    /usr/bin/time -f "%U %S" -o "$DIR/time.txt" "$@" >"$DIR/$name.log" 2>&1 || {
        echo "bench: $name failed:" >&2; tail -5 "$DIR/$name.log" >&2; exit 1; }
    t=$(awk '{ printf "%.2f", $1 + $2 }' "$DIR/time.txt")
    CPU[$name]=$t
    log "$name: $t CPU s"
}
sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
per_core() { awk -v c="$1" -v s=$SECONDS_OF_MEDIA 'BEGIN { printf "%.1f", s / c }'; }

decode_all() { # ext
    local i
    for i in 0 1 2 3 4 5 6 7 8; do
        ffmpeg -v error -threads 1 -i "$DIR/clip$i.$1" -an -filter_threads 1 -f null - || return 1
    done
}

xstack_graph() {
    local g="" i x y
    for i in 0 1 2 3 4 5 6 7 8; do
        g+="[$i:v]scale=426:240:flags=bilinear[v$i];"
    done
    g+="[v0][v1][v2][v3][v4][v5][v6][v7][v8]xstack=inputs=9:layout=0_0|426_0|852_0|0_240|426_240|852_240|0_480|426_480|852_480,pad=1280:720[out]"
    echo "$g"
}

gst_pipeline() { # demux+decoder chain, encoder chain, muxer, output
    local p="compositor name=c background=black max-threads=1" i
    for i in 0 1 2 3 4 5 6 7 8; do
        p+=" sink_$i::xpos=$((i % 3 * 426)) sink_$i::ypos=$((i / 3 * 240)) sink_$i::width=426 sink_$i::height=240"
    done
    p+=" ! video/x-raw,width=1280,height=720,format=I420 ! $2 ! $3 ! filesink location=$4"
    for i in 0 1 2 3 4 5 6 7 8; do
        p+=" filesrc location=$DIR/clip$i.$1 ! $5 ! c.sink_$i"
    done
    echo "$p"
}

run_codec() { # name ext vcodec(mcu-mix) ffmpeg-encoder-opts-var gst-encoder gst-decode-chain muxer out-ext
    local name=$1 ext=$2 vcodec=$3 enc_var=$4 gst_enc=$5 gst_dec=$6 gst_mux=$7 oext=$8
    local -n enc_opts=$enc_var
    local inputs=() i
    for i in 0 1 2 3 4 5 6 7 8; do inputs+=("$DIR/clip$i.$ext"); done

    cpu "$name-mcu-mix" "$MIX" --quiet --layout 3x3 --size 1280x720 --fps 30 --vcodec "$vcodec" \
        --vbitrate 2M --threads 1 -o "$DIR/mix-$name.$oext" "${inputs[@]}"
    # The limit's encode-only job encodes what mcu-mix composed (decoded once, untimed).
    ffmpeg -v error -y -i "$DIR/mix-$name.$oext" -f rawvideo -pix_fmt yuv420p "$DIR/canvas.yuv"
    cpu "$name-decode" bash -c "$(declare -f decode_all); DIR='$DIR' decode_all $ext"
    cpu "$name-encode" ffmpeg -v error -y -f rawvideo -pix_fmt yuv420p -s 1280x720 -r 30 \
        -i "$DIR/canvas.yuv" "${enc_opts[@]}" -f null -
    rm -f "$DIR/canvas.yuv"
    local ff_in=()
    for i in 0 1 2 3 4 5 6 7 8; do ff_in+=(-threads 1 -i "$DIR/clip$i.$ext"); done
    cpu "$name-ffmpeg" ffmpeg -v error -y "${ff_in[@]}" -filter_threads 1 -filter_complex_threads 1 \
        -filter_complex "$(xstack_graph)" -map "[out]" "${enc_opts[@]}" "$DIR/ffmpeg-$name.$oext"
    # shellcheck disable=SC2046
    cpu "$name-gstreamer" gst-launch-1.0 -q $(gst_pipeline "$ext" "$gst_enc" "$gst_mux" \
        "$DIR/gst-$name.$oext" "$gst_dec")
    CPU[$name-limit]=$(sum "${CPU[$name-decode]}" "${CPU[$name-encode]}")
}

if [ "$WHAT" != audio ]; then
run_codec vp8 webm vp8 VP8_OPTS \
    "vp8enc deadline=1 cpu-used=-6 target-bitrate=2000000 end-usage=cbr buffer-size=1000 buffer-initial-size=500 lag-in-frames=0 error-resilient=default keyframe-max-dist=3000 min-quantizer=2 max-quantizer=56 threads=1" \
    "matroskademux ! avdec_vp8 max-threads=1" webmmux webm
run_codec h264 mkv h264 H264_OPTS \
    "x264enc speed-preset=veryfast tune=zerolatency bitrate=2000 vbv-buf-capacity=1000 key-int-max=3000 threads=1 ! video/x-h264,profile=constrained-baseline ! h264parse" \
    "matroskademux ! h264parse ! avdec_h264 max-threads=1" matroskamux mkv

fi

# --- audio: the MCU's own work per room ---
# audio-bench pushes pre-packetized rooms (4 talkers of synthetic speech, the rest
# near-silent, RFC 6464 levels on every packet) through mix engines and ticks them,
# plus a per-receiver copy + SSRC/seq/ts rewrite; CPU (getrusage) of that loop only.
# Each figure is the least of 3 runs (other load on the machine only ever adds).
# mix_engine defaults: full mix libopus complexity 5, minus-self mixes complexity 1.
declare -A AB
audio_bench() { # name args...
    local name=$1 line
    shift
    log "running audio $name"
    line=$("$AUDIO_BENCH" --repeat 3 "$@" | tail -1) || { echo "bench: audio $name failed" >&2; exit 1; }
    AB[$name]=$line
    log "$line"
}
field() { # name key
    awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"${AB[$1]}"
}
audio_bench shared --rooms 50 --mode shared
audio_bench shared-c5 --rooms 50 --mode shared --own-complexity 5
audio_bench per-room --rooms 50 --mode per-room
audio_bench decode-all --rooms 50 --mode decode-all
audio_bench shared-500 --rooms 500 --mode shared
# The same conference end to end through mcu-mix from 50 files (the nine voice
# tracks repeated): also demuxes and packetizes the files and measures their levels
# (the senders' work). CPU of the mixing phase (mcu-mix --stats).
voices=()
for r in $(seq 0 49); do voices+=("$DIR/voice$((r % 9)).webm"); done
mix_cpu() { sed -n 's/.*mixing took \([0-9.]*\) CPU s.*/\1/p' "$DIR/$1.log"; }
cpu audio-mcu-mix "$MIX" --quiet --stats --vcodec none --audio-levels --minus-self --top-n 4 \
    -o "$DIR/audio-shared.webm" "${voices[@]}"
CPU[audio-mcu-mix]=$(mix_cpu audio-mcu-mix)
rooms_mcu_mix=$(awk -v c="${CPU[audio-mcu-mix]}" -v s=$SECONDS_OF_MEDIA 'BEGIN { printf "%d", 50 * s / c }')

audio_row() { # name label
    printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$(field "$1" rooms)" "$(field "$1" cpu)" \
        "$(field "$1" encodes)" "$(field "$1" decoded)" "$(field "$1" rooms-per-core)"
}
audio_section() {
    echo "## Audio: 50-room conferences, 10 s"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') (\`tests/bench/run.sh audio\` measures this part alone)."
    echo
    echo "build/audio-bench (tests/bench/audio_bench.c): the MCU's own audio work. Rooms are"
    echo "pre-packetized in memory (untimed): per 50-room conference 4 talkers (synthetic"
    echo "speech, coded by Opus in its hybrid speech mode) and 46 near-silent rooms, 20 ms"
    echo "Opus packets at 32 kbit/s with RFC 6464 levels. Timed, on one thread: every 20 ms"
    echo "each room's packet pushed (mix_engine_push_rtp: jitter buffer, level), the audio"
    echo "tick (mix_engine_audio_tick: depacketize, decode the loudest 4, mix, limit, encode,"
    echo "packetize), and per room a copy of the packet it hears with SSRC, sequence number"
    echo "and timestamp rewritten (a stand-in for the daemon's per-receiver work; SRTP and"
    echo "the send are not included). CPU seconds (getrusage) of that loop, least of 3 runs."
    echo "Rooms per core = rooms x 10 s / CPU s. Complexity: libopus complexity of the"
    echo "shared full mix / of each minus-self mix."
    echo
    echo "| job | rooms | CPU s / 10 s | encodes | decodes | rooms per core |"
    echo "|-----|------:|-------------:|--------:|--------:|---------------:|"
    audio_row shared "shared encode (complexity $(field shared complexity)): one full mix for the 46 listeners + a minus-self mix per talker"
    audio_row shared-c5 "shared encode, all at complexity $(field shared-c5 complexity)"
    audio_row per-room "one encode per room (complexity $(field per-room complexity))"
    audio_row decode-all "shared encode, no levels: all 50 decoded"
    audio_row shared-500 "shared encode, 10 conferences of 50"
    printf '| %s | %s | %s | | | %s |\n' "mcu-mix from 50 files (also demuxes and packetizes them: the senders' work)" \
        50 "${CPU[audio-mcu-mix]}" "$rooms_mcu_mix"
    echo
    echo "Target: at least 1,000 rooms per core with the shared encode."
    echo
    sed -n '/^# Audio history/,/^# End of audio history/p' "$0" | sed '1d;$d' | sed 's/^# \{0,1\}//'
}
if [ "$WHAT" = audio ]; then
    audio_section
    exit 0
fi

# --- report ---
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
row() { # codec
    local c=$1
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c limit (decode 9 + encode 1)" "${CPU[$c-limit]}" \
        "1.00" "" "" "" "$(per_core "${CPU[$c-limit]}")"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c mcu-mix 3x3" "${CPU[$c-mcu-mix]}" \
        "$(ratio "${CPU[$c-mcu-mix]}" "${CPU[$c-limit]}")" "$(ratio "${CPU[$c-mcu-mix]}" "${CPU[$c-ffmpeg]}")" \
        "$(ratio "${CPU[$c-mcu-mix]}" "${CPU[$c-gstreamer]}")" "" "$(per_core "${CPU[$c-mcu-mix]}")"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c ffmpeg scale+xstack" "${CPU[$c-ffmpeg]}" \
        "$(ratio "${CPU[$c-ffmpeg]}" "${CPU[$c-limit]}")" "" "" "" "$(per_core "${CPU[$c-ffmpeg]}")"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c GStreamer compositor" "${CPU[$c-gstreamer]}" \
        "$(ratio "${CPU[$c-gstreamer]}" "${CPU[$c-limit]}")" "" "" "" "$(per_core "${CPU[$c-gstreamer]}")"
    printf '| %s | %s | | | | %s | |\n' "$c (decode 9 alone)" "${CPU[$c-decode]}" ""
    printf '| %s | %s | | | | %s | |\n' "$c (encode 1 alone)" "${CPU[$c-encode]}" ""
}
{
    echo "# Benchmarks"
    echo
    echo "Measured by \`make bench\` (tests/bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
    echo "$(nproc) cores, ${model:-unknown CPU}, $(uname -sr)."
    echo
    echo "## Video: one 9-room conference, 3x3 at 1280x720 30 fps, 2 Mbit/s out"
    echo
    echo "CPU seconds (user + sys) per 10 s of media; each job is one process on one"
    echo "thread where the tool allows it. \"limit\" is decoding the nine inputs plus encoding"
    echo "one 720p stream and nothing else: no mixer can do less. Conferences per core = 10 s"
    echo "divided by the CPU seconds (how many such conferences one core keeps up with in"
    echo "real time)."
    echo
    echo "| job | CPU s / 10 s | x limit | mcu-mix / ffmpeg | mcu-mix / GStreamer | | conferences per core |"
    echo "|-----|-------------:|--------:|-----------------:|--------------------:|-|---------------------:|"
    row vp8
    row h264
    echo
    echo "Targets: mcu-mix at most 1.10 x the limit and at most 0.75 x ffmpeg's xstack"
    echo "pipeline on the same job."
    echo
    audio_section
    echo
    echo "## Settings"
    echo
    sed -n '/^# Encoder settings/,/^# GStreamer), one thread each./p' "$0" | sed 's/^# \{0,1\}//'
} >"$OUT_MD"
log "wrote $OUT_MD"
cat "$OUT_MD"
