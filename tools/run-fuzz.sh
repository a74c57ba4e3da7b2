#!/usr/bin/env bash
# run-fuzz.sh [SECONDS] — builds the libFuzzer targets (make fuzz) unless FUZZ_NO_BUILD=1, then
# runs each for SECONDS (default 30) over its committed seed corpus tests/fuzz/corpus/<target>/
# (read only: new entries go to a temporary directory), one after another. Prints per target
# the executions (stat::number_of_executed_units) and fails on any crash, leak, timeout,
# out-of-memory or contract violation; the reproducer is copied to $FUZZ_ARTIFACTS
# (default: the temporary directory, kept on failure).
#   FUZZ_TARGETS="fuzz_pool fuzz_tensor"  run only these
#   FUZZ_JOBS=2                          run two targets at a time
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
targets=${FUZZ_TARGETS:-fuzz_interpolate fuzz_grid_sample fuzz_pool fuzz_conv_transpose fuzz_tensor fuzz_tune fuzz_ndimage}
jobs=${FUZZ_JOBS:-1}

if [[ ${FUZZ_NO_BUILD:-0} != 1 ]]; then
    if [[ ! -f Makefile ]]; then
        autoreconf -fi && ./configure || exit 1
    fi
    make fuzz >/dev/null || { echo "run-fuzz: make fuzz failed" >&2; exit 1; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clrs-fuzz.XXXXXX")
art=${FUZZ_ARTIFACTS:-$tmp/artifacts}
mkdir -p "$art"

run_one() {
    local t=$1 bin=tests/fuzz/$1 seeds=tests/fuzz/corpus/$1 work=$tmp/$1
    mkdir -p "$work"
    local dict=()
    [[ -f tests/fuzz/clrs.dict ]] && dict=(-dict=tests/fuzz/clrs.dict)
    # the first corpus directory receives new entries: the temporary one
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/$t-" "${dict[@]}" "$work" "$seeds" >"$tmp/$t.log" 2>&1
    echo $? >"$tmp/$t.rc"
}

start=$(date +%s)
running=0
for t in $targets; do
    if [[ ! -x tests/fuzz/$t ]]; then echo "run-fuzz: tests/fuzz/$t is not built" >&2; exit 1; fi
    run_one "$t" &
    running=$((running + 1))
    if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
done
wait

total=0 findings=0 n=0
for t in $targets; do
    n=$((n + 1))
    rc=$(cat "$tmp/$t.rc" 2>/dev/null || echo 99)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$tmp/$t.log" | grep -o '[0-9]*$' | tail -n1)
    execs=${execs:-0}
    total=$((total + execs))
    if [[ $rc != 0 ]]; then
        findings=$((findings + 1))
        echo "fuzz: $t FAILED (exit $rc), $execs executions; log $tmp/$t.log"
        grep -E 'ERROR: |SUMMARY: |runtime error|FUZZ CONTRACT|Test unit written' "$tmp/$t.log" | head -n 8 | sed 's/^/    /'
    else
        printf 'fuzz: %-22s %10s executions in %ss\n' "$t" "$execs" "$secs"
    fi
done
echo "fuzz: $n targets, $total executions, $findings findings ($(( $(date +%s) - start ))s)"
if ((findings)); then
    echo "fuzz: logs and reproducers kept in $tmp" >&2
    exit 1
fi
rm -rf "$tmp"
