#!/bin/sh
# test_tools.sh — the probe and the benchmark run and say what they should: clrs-probe's
# table and JSON (every self-test passing), clrs-bench's workload list and one real timing
# (checked against the host inside clrs-bench), and bad arguments refused.
set -u
b=${builddir:-.}/tools
pass=0
fail=0
check() { # check NAME COMMAND...: the command must succeed
    name=$1
    shift
    if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}
refuse() { # refuse NAME COMMAND...: the command must fail
    name=$1
    shift
    if "$@" >/dev/null 2>&1; then fail=$((fail + 1)); echo "FAIL: $name (accepted)"; else pass=$((pass + 1)); fi
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

check "probe runs, every self-test passes" "$b/clrs-probe"
"$b/clrs-probe" --json >"$out/probe.json" 2>/dev/null
check "probe --json has devices" grep -q '"devices"' "$out/probe.json"
check "probe --json has a self-test with no failures" grep -q '"failures": 0' "$out/probe.json"
refuse "probe refuses an unknown option" "$b/clrs-probe" --bogus
refuse "probe refuses a device that is not there" "$b/clrs-probe" --device no-such-device-xyz
"$b/clrs-bench" --list --json >"$out/list.json" 2>/dev/null
check "bench --list --json names bilinear_up2x" grep -q '"name": "bilinear_up2x"' "$out/list.json"
check "bench --list --json names grid_sample_bilinear_bwd" grep -q '"name": "grid_sample_bilinear_bwd"' "$out/list.json"
check "bench times one workload on every backend" "$b/clrs-bench" --workload trilinear_up2x --reps 1 --device host,auto
refuse "bench refuses an unknown workload" "$b/clrs-bench" --workload nope
refuse "bench refuses --reps 0" "$b/clrs-bench" --reps 0
echo "test_tools: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
