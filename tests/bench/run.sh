#!/bin/bash
# hoinghi benchmark (make bench; not a test): the CPU cost of mixing a 9-room
# conference with mcu-mix against the limit (decoding the nine inputs plus encoding
# one output, nothing else) and against ffmpeg's and GStreamer's compositing
# pipelines doing the same job, for VP8 and for H.264; and the cost per room of a
# 50-room audio mix with the shared encode against one encode per room.
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
DIR=${BENCH_DIR:-$ROOT/tests/out/bench}
OUT_MD="$ROOT/docs/benchmarks.md"
SECONDS_OF_MEDIA=10
mkdir -p "$DIR"
[ -x "$MIX" ] || { echo "bench: $MIX not built (make)" >&2; exit 1; }
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
    if [ ! -s "$DIR/clip$i.webm" ]; then
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

run_codec vp8 webm vp8 VP8_OPTS \
    "vp8enc deadline=1 cpu-used=-6 target-bitrate=2000000 end-usage=cbr buffer-size=1000 buffer-initial-size=500 lag-in-frames=0 error-resilient=default keyframe-max-dist=3000 min-quantizer=2 max-quantizer=56 threads=1" \
    "matroskademux ! avdec_vp8 max-threads=1" webmmux webm
run_codec h264 mkv h264 H264_OPTS \
    "x264enc speed-preset=veryfast tune=zerolatency bitrate=2000 vbv-buf-capacity=1000 key-int-max=3000 threads=1 ! video/x-h264,profile=constrained-baseline ! h264parse" \
    "matroskademux ! h264parse ! avdec_h264 max-threads=1" matroskamux mkv

# --- audio: 50 rooms, shared encode vs one encode per room ---
voices=()
for r in $(seq 0 49); do voices+=("$DIR/voice$((r % 9)).webm"); done
# The rooms' levels ride on their packets (RFC 6464, as WebRTC senders send them):
# mcu-mix measures them before mixing (the senders' work, not the mixer's), and the
# figure is the mixing phase's own CPU time (mcu-mix --stats, getrusage).
mix_cpu() { sed -n 's/.*mixing took \([0-9.]*\) CPU s.*/\1/p' "$DIR/$1.log"; }
cpu audio-shared "$MIX" --quiet --stats --vcodec none --audio-levels --minus-self --top-n 4 \
    -o "$DIR/audio-shared.webm" "${voices[@]}"
cpu audio-per-room "$MIX" --quiet --stats --vcodec none --audio-levels --audio-encode-every-input \
    --top-n 4 -o "$DIR/audio-per-room.webm" "${voices[@]}"
cpu audio-decode-all "$MIX" --quiet --stats --vcodec none --minus-self --top-n 4 \
    -o "$DIR/audio-decode-all.webm" "${voices[@]}"
for j in audio-shared audio-per-room audio-decode-all; do CPU[$j]=$(mix_cpu $j); done
rooms() { awk -v c="$1" -v s=$SECONDS_OF_MEDIA 'BEGIN { printf "%d", 50 * s / c }'; }
rooms_shared=$(rooms "${CPU[audio-shared]}")
rooms_per_room=$(rooms "${CPU[audio-per-room]}")
rooms_decode_all=$(rooms "${CPU[audio-decode-all]}")

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
    echo "## Audio: one 50-room conference, 10 s"
    echo
    echo "mcu-mix --vcodec none with 50 Opus inputs (the nine voice tracks repeated), the"
    echo "loudest 4 mixed. The inputs carry RFC 6464 audio levels (--audio-levels), so only"
    echo "the loudest 4 are decoded. CPU seconds of the mixing phase (--stats): demuxing and"
    echo "packetizing the 50 files, jitter buffers, depacketizing, decoding, mixing, encoding."
    echo
    echo "| job | CPU s / 10 s | rooms per core |"
    echo "|-----|-------------:|---------------:|"
    echo "| shared encode: one full mix for the listeners + a minus-self mix for each talker | ${CPU[audio-shared]} | $rooms_shared |"
    echo "| one encode per room (50 encodes) | ${CPU[audio-per-room]} | $rooms_per_room |"
    echo "| shared encode, no levels: all 50 decoded | ${CPU[audio-decode-all]} | $rooms_decode_all |"
    echo
    echo "Target: at least 1,000 rooms per core with the shared encode."
    echo
    echo "## Settings"
    echo
    sed -n '/^# Encoder settings/,/^# GStreamer), one thread each./p' "$0" | sed 's/^# \{0,1\}//'
} >"$OUT_MD"
log "wrote $OUT_MD"
cat "$OUT_MD"
