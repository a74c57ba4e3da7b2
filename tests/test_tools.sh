#!/bin/sh
# test_tools.sh — the probe and the benchmark run and say what they should: clrs-probe's
# table and JSON (every self-test passing), its host line and its demo on the chosen device,
# clrs-bench's workload list and one real timing (checked against the host inside
# clrs-bench), and bad arguments refused with the exit status --help gives.
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
status() { # status NAME WANT COMMAND...: the command must exit with WANT
    name=$1 want=$2
    shift 2
    "$@" >/dev/null 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name (exit $got, expected $want)"; fi
}
has() { # has NAME FILE PATTERN: FILE has a line matching PATTERN (grep -E)
    if grep -Eq -- "$3" "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; sed 's/^/    /' "$2"; fi
}
lacks() { # lacks NAME FILE PATTERN: no line of FILE matches PATTERN (grep -E)
    if grep -Eq -- "$3" "$2"; then fail=$((fail + 1)); echo "FAIL: $1"; grep -E -- "$3" "$2" | sed 's/^/    /'; else pass=$((pass + 1)); fi
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

check "probe runs, every self-test passes" "$b/clrs-probe"
"$b/clrs-probe" --json >"$out/probe.json" 2>/dev/null
check "probe --json has devices" grep -q '"devices"' "$out/probe.json"
check "probe --json has a self-test with no failures" grep -q '"failures": 0' "$out/probe.json"
refuse "probe refuses an unknown option" "$b/clrs-probe" --bogus
status "probe: a device that is not there is a bad argument (2)" 2 "$b/clrs-probe" --device no-such-device-xyz
status "probe: --device without a value is a bad argument (2)" 2 "$b/clrs-probe" --device
status "probe: an unknown option is a bad argument (2)" 2 "$b/clrs-probe" --bogus
# the demo runs on the device asked for, and says so
"$b/clrs-probe" --demo --device host >"$out/demo-host.txt" 2>&1
has "probe --demo --device host runs the demo on the host" "$out/demo-host.txt" '^  ran on: the host backend'
has "probe --demo says what its numbers are" "$out/demo-host.txt" 'output\[0, 0, 1000:1003, 1000\] = 0\.4942 0\.5638 0\.5708'
CLRS_DEVICE=host "$b/clrs-probe" --demo --json >"$out/demo-env.json" 2>&1
has "probe --demo follows CLRS_DEVICE=host" "$out/demo-env.json" '"demo": \{"device": "host'
# the host backend's line: threads and system memory, not OpenCL fields that are 0 for it
has "probe's host line gives threads and system memory" "$out/demo-host.txt" '^  threads [0-9]+, max work-group n/a, system memory ([0-9.]+ GiB|n/a)'
lacks "probe's host line has no 0.0 GiB" "$out/demo-host.txt" '0\.0 GiB|max work-group 0'
# device keywords in any case: the tools pass them to the library, which matches without case
status "probe --device Host" 0 "$b/clrs-probe" --device Host
status "probe --device HOST" 0 "$b/clrs-probe" --device HOST
"$b/clrs-probe" --device gpu >/dev/null 2>&1
status "probe --device GPU exits as --device gpu does" $? "$b/clrs-probe" --device GPU
"$b/clrs-bench" --list --json >"$out/list.json" 2>/dev/null
check "bench --list --json names bilinear_up2x" grep -q '"name": "bilinear_up2x"' "$out/list.json"
check "bench --list --json names grid_sample_bilinear_bwd" grep -q '"name": "grid_sample_bilinear_bwd"' "$out/list.json"
check "bench times one workload on every backend" "$b/clrs-bench" --workload trilinear_up2x --reps 1
"$b/clrs-bench" --workload trilinear_up2x --reps 1 --device host,host >"$out/twice.txt" 2>&1
has "bench runs a device named twice once" "$out/twice.txt" '^host: .* again, skipped'
refuse "bench refuses an unknown workload" "$b/clrs-bench" --workload nope
refuse "bench refuses --reps 0" "$b/clrs-bench" --reps 0
echo "test_tools: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
