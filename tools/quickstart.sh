#!/usr/bin/env bash
# quickstart.sh — the README's two commands on a fresh Debian 12 machine.
#   bash tools/quickstart.sh demo   install packages, build, probe the devices, run the demo
#   bash tools/quickstart.sh test   install packages, build, run the test suites (make check),
#                                   then again under ASan/LSan/UBSan on the host backend
#                                   (make check-sanitize), then every libFuzzer target for 30 s
#                                   (tools/run-fuzz.sh)
# Installing needs root (CI and a fresh machine run as root); without root the packages must
# already be there.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-demo}
# what building and the demo need; the test suites need more (Check, valgrind, PyTorch for the
# DLPack test and the Python package's tests, CMake for the consumer test)
packages=(build-essential autoconf automake libtool pkg-config
          ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd
          libclblast-dev libdnnl-dev libopenblas-dev libpng-dev libturbojpeg0-dev libdlpack-dev)
if [[ $what == test ]]; then
    # clang + its runtime: check-sanitize and the libFuzzer targets
    packages+=(check valgrind clinfo cmake file python3 python3-numpy python3-torch
               python3-pytest python3-cffi python3-pyopencl clang libclang-rt-dev libomp-dev
               python3-scipy)  # scipy: python/tests/test_ndimage.py compares with scipy.ndimage
fi

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "quickstart: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
# (re)configure when there is no Makefile, or when packages were just installed (configure
# decides what to build from what it finds)
if [[ ! -f Makefile ]] || ((${#missing[@]})); then
    autoreconf -fi
    ./configure
fi
make -j"$jobs"

case $what in
demo)
    ./tools/clrs-probe --demo
    if [[ -x tools/clrs-resize ]]; then
        out=${TMPDIR:-/tmp}/clresample-sample-4x.png
        echo
        ./tools/clrs-resize data/sample.png "$out" --scale 4 --mode bicubic
        echo "wrote $out (data/sample.png, 96x64 RGB, resized 4x bicubic)"
    fi
    ;;
test)
    status=0
    make -j"$jobs" check || status=$?
    grep -h "Checks:" tests/test_*.log || true
    results=$(cat tests/test_*.trs 2>/dev/null | grep '^:test-result:' || true)
    pass=$(grep -c 'PASS' <<<"$results" || true)
    fail=$(grep -c -E 'FAIL|ERROR' <<<"$results" || true)
    skip=$(grep -c 'SKIP' <<<"$results" || true)
    if ((status != 0)); then tail -n 100 tests/test_*.log; fi
    echo "make check: $pass passed, $fail failed, $skip skipped"
    # the same suites sanitized, in a build of their own; it prints its reports and failing logs
    sresults=$(mktemp)
    sstatus=0
    CLRS_SANITIZE_RESULTS=$sresults make check-sanitize || sstatus=$?
    results=$(grep '^:test-result:' "$sresults" || true)
    rm -f "$sresults"
    spass=$(grep -c 'PASS' <<<"$results" || true)
    sfail=$(grep -c -E 'FAIL|ERROR' <<<"$results" || true)
    sskip=$(grep -c 'SKIP' <<<"$results" || true)
    # a failed build, or a report outside any failing suite, is a failure all the same
    if ((sstatus != 0 && sfail == 0)); then sfail=1; fi
    echo "make check-sanitize: $spass passed, $sfail failed, $sskip skipped"
    ((status != 0)) || status=$sstatus
    # the fuzz targets, 30 s each: any crash, leak, timeout or contract violation fails
    fuzz_status=0
    fuzz_log=${TMPDIR:-/tmp}/clresample-fuzz.log
    tools/run-fuzz.sh 30 >"$fuzz_log" 2>&1 || fuzz_status=$?
    grep '^fuzz: ' "$fuzz_log" | grep -v '^fuzz: [0-9]* targets' || true
    if ((fuzz_status != 0)); then tail -n 40 "$fuzz_log"; fi
    grep '^fuzz: [0-9]* targets' "$fuzz_log" || echo "fuzz: run-fuzz.sh failed (exit $fuzz_status)"
    ((status != 0)) || status=$fuzz_status
    echo "test suites: $((pass + spass)) passed, $((fail + sfail)) failed, $((skip + sskip)) skipped"
    exit "$status"
    ;;
*)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
