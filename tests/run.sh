#!/bin/bash
# hoinghi test runner: runs the cmocka unit tests and the integration tests and ends
# with one line "N passed, N failed".
#
#   tests/run.sh              all tests
#   tests/run.sh unit         unit tests only
#   tests/run.sh integration  integration tests only
#   tests/run.sh integration NAME   one integration test (tests/integration/NAME.sh)
#   tests/run.sh fuzz         fuzz smoke only
#
# Unit tests: every build/tests/test_* binary, run with cmocka's TAP output; each
# "ok"/"not ok" line counts once, and a binary that crashes counts as one failure.
# Integration tests: every executable tests/integration/test_*.sh. Each runs as root in
# a fresh loopback-only network namespace (unshare -n, lo up), with a time limit; its
# exit status decides (0 passed, anything else failed). There is no skipping: a test
# whose peer or privilege is missing fails and says so.
# Fuzz smoke: every libFuzzer target (tests/fuzz/fuzz_*.c, built into
# $FUZZ_BUILD/fuzz by `make fuzz-build`) runs its seed corpus and its regression inputs,
# then fuzzes for FUZZ_SMOKE_SECONDS (default 8); each target is one test. A target
# that is not built fails. `make fuzz` is the long run (docs/fuzzing.md).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
export BUILD ROOT FUZZ_BUILD
OUT="$ROOT/tests/out"
mkdir -p "$OUT"
what=${1:-all}
only=${2:-}
passed=0
failed=0
failures=()

run_unit() {
    local bin name log rc ok notok
    for bin in "$BUILD"/tests/test_*; do
        [ -x "$bin" ] || continue
        name=$(basename "$bin")
        log="$OUT/unit-$name.log"
        CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$bin" >"$log" 2>&1
        rc=$?
        ok=$(grep -c '^ok ' "$log")
        notok=$(grep -c '^not ok ' "$log")
        passed=$((passed + ok))
        failed=$((failed + notok))
        if [ "$notok" -gt 0 ] || [ "$rc" -ne 0 ]; then
            if [ "$notok" -eq 0 ]; then
                failed=$((failed + 1))
            fi
            failures+=("unit/$name")
            echo "FAIL unit/$name (exit $rc):"
            sed 's/^/    /' "$log" | tail -40
        else
            echo "ok   unit/$name ($ok tests)"
        fi
    done
}

run_integration() {
    local t name log rc start
    for t in tests/integration/test_*.sh; do
        [ -x "$t" ] || continue
        name=$(basename "$t" .sh)
        if [ -n "$only" ] && [ "$only" != "$name" ]; then continue; fi
        log="$OUT/integration-$name.log"
        start=$(date +%s)
        if [ "$(id -u)" != 0 ]; then
            echo "integration tests need root to make a loopback-only network namespace (unshare -n)" >"$log"
            rc=1
        else
            timeout -k 10 600 unshare -n bash -c 'ip link set lo up && exec "$0"' "$t" >"$log" 2>&1
            rc=$?
        fi
        if [ "$rc" -eq 0 ]; then
            passed=$((passed + 1))
            echo "ok   integration/$name ($(( $(date +%s) - start ))s)"
        else
            failed=$((failed + 1))
            failures+=("integration/$name")
            echo "FAIL integration/$name (exit $rc, $(( $(date +%s) - start ))s):"
            sed 's/^/    /' "$log" | tail -60
        fi
    done
}

run_fuzz() {
    local src name start
    . "$ROOT/tests/fuzz/lib.sh"
    mkdir -p "$OUT/fuzz-smoke"
    for src in tests/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c)
        if [ -n "$only" ] && [ "$only" != "$name" ]; then continue; fi
        start=$(date +%s)
        if [ ! -x "$FUZZ_BUILD/fuzz/$name" ]; then
            echo "$FUZZ_BUILD/fuzz/$name is not built (make fuzz-build)" >"$OUT/fuzz-smoke/$name.log"
            FUZZ_RESULT=FAILED
        else
            fuzz_run "$name" "${FUZZ_SMOKE_SECONDS:-8}" "$OUT/fuzz-smoke"
        fi
        if [ "$FUZZ_RESULT" = ok ]; then
            passed=$((passed + 1))
            echo "ok   fuzz/$name ($FUZZ_SEEDS inputs, $FUZZ_RUNS runs, $(( $(date +%s) - start ))s)"
        else
            failed=$((failed + 1))
            failures+=("fuzz/$name")
            echo "FAIL fuzz/$name ($(( $(date +%s) - start ))s; inputs in tests/out/fuzz-smoke/$name/):"
            grep -E -A 30 '^==[0-9]+==(ERROR|WARNING)|runtime error|^SUMMARY|not built' \
                "$OUT/fuzz-smoke/$name.log" | head -40 | sed 's/^/    /'
        fi
    done
}

case "$what" in
    unit) run_unit ;;
    integration) run_integration ;;
    fuzz) run_fuzz ;;
    all) run_unit; run_fuzz; run_integration ;;
    *) echo "usage: tests/run.sh [unit|integration [NAME]|fuzz [NAME]]" >&2; exit 2 ;;
esac

if [ ${#failures[@]} -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
