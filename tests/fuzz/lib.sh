# lib.sh - sourced by tests/fuzz/run.sh (make fuzz) and tests/run.sh (the fuzz smoke
# group): how to run one libFuzzer target of tests/fuzz/ for a time.
#
#   fuzz_run TARGET SECONDS OUTDIR
#
# runs $FUZZ_BUILD/fuzz/TARGET on a copy of tests/fuzz/corpus/TARGET plus the crash
# inputs of tests/fuzz/regressions/TARGET (all are run first), then fuzzes for SECONDS.
# The committed corpus is never written. Leaves OUTDIR/TARGET.log, any crash, leak or
# timeout input as OUTDIR/TARGET/crash-* (leak-*, timeout-*, slow-unit-*), and sets
#   FUZZ_RESULT  "ok" or "FAILED"        FUZZ_RUNS    executions
#   FUZZ_SEEDS   inputs it started with   FUZZ_CORPUS  inputs at the end (in the copy)
# Returns the target's exit status (0 = nothing found).

# Per-target options: the largest input, and a dictionary where one helps.
fuzz_options() {
    local dir="$ROOT/tests/fuzz"
    case "$1" in
        fuzz_sdp) echo "-max_len=16384 -dict=$dir/sdp.dict" ;;
        fuzz_protocol|fuzz_rest_body) echo "-max_len=8192 -dict=$dir/json.dict" ;;
        fuzz_config) echo "-max_len=4096 -dict=$dir/config.dict" ;;
        fuzz_rtp|fuzz_rtcp) echo "-max_len=1500" ;;
        fuzz_depacketizer|fuzz_jitter_buffer) echo "-max_len=16384" ;;
        *) echo "" ;;
    esac
}

fuzz_run() {
    local target=$1 seconds=$2 out=$3 rc
    local bin="$FUZZ_BUILD/fuzz/$target" work="$out/$target.work" log="$out/$target.log"
    rm -rf "$work" "$out/$target"
    mkdir -p "$work" "$out/$target"
    cp "$ROOT/tests/fuzz/corpus/$target/"* "$work/" 2>/dev/null
    if [ -d "$ROOT/tests/fuzz/regressions/$target" ]; then
        cp "$ROOT/tests/fuzz/regressions/$target/"* "$work/" 2>/dev/null
    fi
    FUZZ_SEEDS=$(find "$work" -type f | wc -l)
    # shellcheck disable=SC2046
    timeout -k 10 $((seconds + 120)) "$bin" $(fuzz_options "$target") -max_total_time="$seconds" \
        -timeout=25 -print_final_stats=1 -artifact_prefix="$out/$target/" "$work" >"$log" 2>&1
    rc=$?
    FUZZ_RUNS=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    FUZZ_RUNS=${FUZZ_RUNS:-0}
    FUZZ_CORPUS=$(find "$work" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then FUZZ_RESULT=ok; else FUZZ_RESULT=FAILED; fi
    rm -rf "$work"
    return "$rc"
}
