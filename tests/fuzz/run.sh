#!/bin/bash
# run.sh - `make fuzz`: runs every libFuzzer target of $FUZZ_BUILD/fuzz (built by
# `make fuzz-build`) for FUZZ_SECONDS each, one after the other, on a copy of its seed
# corpus and its regression inputs, and prints one line per target: executions,
# inputs before and after, result. Exits 1 when any target found a crash, a leak, a
# sanitizer report or a timeout; the input is left in tests/out/fuzz/TARGET/ and the
# report in tests/out/fuzz/TARGET.log. Reproduce with
#   build-fuzz/fuzz/TARGET tests/out/fuzz/TARGET/crash-...
#
#   tests/fuzz/run.sh [TARGET...]     (default: all)
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-120}
OUT="$ROOT/tests/out/fuzz"
export ROOT FUZZ_BUILD
. "$ROOT/tests/fuzz/lib.sh"
mkdir -p "$OUT"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for bin in "$FUZZ_BUILD"/fuzz/fuzz_*; do
        [ -x "$bin" ] && targets+=("$(basename "$bin")")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets in $FUZZ_BUILD/fuzz (make fuzz-build)" >&2
    exit 1
fi

failed=0
for t in "${targets[@]}"; do
    start=$(date +%s)
    fuzz_run "$t" "$FUZZ_SECONDS" "$OUT"
    printf '%-22s %s  %10s runs in %4ss  corpus %d -> %d inputs\n' "$t" "$FUZZ_RESULT" "$FUZZ_RUNS" \
        "$(( $(date +%s) - start ))" "$FUZZ_SEEDS" "$FUZZ_CORPUS"
    if [ "$FUZZ_RESULT" != ok ]; then
        failed=$((failed + 1))
        grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY)' "$OUT/$t.log" | sed 's/^/    /'
        ls "$OUT/$t/" | sed "s|^|    input: tests/out/fuzz/$t/|"
    fi
done
[ "$failed" -eq 0 ]
