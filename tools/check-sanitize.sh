#!/usr/bin/env bash
# check-sanitize.sh — the test suites under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, on the host backend only; any report fails the run.
#   bash tools/check-sanitize.sh          (or `make check-sanitize`)
# Environment: CC (default clang: its -fsanitize=undefined includes float-cast-overflow, which
# GCC's leaves out), CLRS_SANITIZE_DIR (build there and keep it; default a temporary directory,
# removed after a clean run), CLRS_TEST_QUICK (default 0: the full suites; 1 their quick mode), JOBS.
# Exit status: 0 clean, 1 a failed test or a sanitizer report, 2 set-up or build failure.
#
# The build is a separate copy of the source tree: automake refuses a VPATH build from a source
# directory that is already configured, and the sanitized objects must not mix with the
# ordinary ones. The copy is the tracked files plus untracked ones git does not ignore (so a new
# file is tested before it is committed); without git, `make distdir` of a configured tree.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
src=$(pwd)

cc=${CC:-clang}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "check-sanitize: compiler '$cc' not found (Debian: clang libclang-rt-14-dev libomp-dev)" >&2
    exit 2
fi

if [[ -n ${CLRS_SANITIZE_DIR:-} ]]; then
    top=$CLRS_SANITIZE_DIR
    keep=1
    rm -rf "$top" && mkdir -p "$top" || exit 2
else
    top=$(mktemp -d "${TMPDIR:-/tmp}/clrs-sanitize.XXXXXX") || exit 2
    keep=0
fi
top=$(cd "$top" && pwd)
build=$top/src
reports=$top/reports
mkdir -p "$build" "$reports" || exit 2
start=$(date +%s)

fail() { # fail STATUS MESSAGE: say where the build is (kept) and stop
    echo "check-sanitize: $2 (build kept in $top)" >&2
    exit "$1"
}

# ---- the copy ----------------------------------------------------------------------------
if command -v git >/dev/null 2>&1 && git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # files deleted in the work tree but still in the index are left out (tar would stop)
    git -C "$src" ls-files -z --cached --others --exclude-standard |
        (while IFS= read -r -d '' f; do [[ -f $f ]] && printf '%s\0' "$f"; done) |
        tar -C "$src" --null -T - -cf - | tar -C "$build" -xf - || fail 2 "copying the tracked files failed"
    (cd "$build" && autoreconf -fi) >"$top/autoreconf.log" 2>&1 ||
        { cat "$top/autoreconf.log" >&2; fail 2 "autoreconf failed"; }
elif [[ -f Makefile ]]; then
    rm -rf "$build"
    make distdir distdir="$build" >"$top/distdir.log" 2>&1 ||
        { cat "$top/distdir.log" >&2; fail 2 "make distdir failed"; }
else
    fail 2 "neither a git work tree nor a configured tree (run ./configure first)"
fi

# ---- the sanitized build -----------------------------------------------------------------
# -O1: fast enough to run the full suites; the frame pointers give the reports whole stacks.
# -fno-sanitize-recover=all: the first UB report ends the process, so the test fails.
# Static library only: no libtool wrapper between the test and the sanitizer runtime, and one
# compile per source instead of two.
# float-cast-overflow is named because GCC's "undefined" leaves it out (clang's has it).
san="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all"
flags="-O1 -g -fno-omit-frame-pointer $san"
echo "check-sanitize: building in $build with $cc $flags"
(cd "$build" && ./configure --disable-shared CC="$cc" CFLAGS="$flags" LDFLAGS="$san") \
    >"$top/configure.log" 2>&1 || { tail -n 40 "$top/configure.log" >&2; fail 2 "configure failed"; }
grep -q 'Check: yes' "$top/configure.log" || fail 2 "configure found no Check (Debian: check)"
make -C "$build" -j"$jobs" >"$top/build.log" 2>&1 || { tail -n 60 "$top/build.log" >&2; fail 2 "build failed"; }
make -C "$build" -j"$jobs" check TESTS= >>"$top/build.log" 2>&1 ||
    { tail -n 60 "$top/build.log" >&2; fail 2 "building the tests failed"; }
built=$(date +%s)

# ---- the run -----------------------------------------------------------------------------
# Host backend only: CLRS_TEST_BACKENDS=host for the suites, and an empty ICD vendor directory
# so that the tools the shell tests run (clrs-probe, clrs-bench, clrs-resize) find no OpenCL
# platform either (an OpenCL compiler's own allocations and errors are not ours to judge).
# Reports go to files (log_path), not to the tests' logs, and any file there fails the run: a
# report from a command whose failure a test expects, output thrown away, still counts.
mkdir -p "$top/no-icd"
export OCL_ICD_VENDORS=$top/no-icd
export CLRS_TEST_BACKENDS=host CK_FORK=no CLRS_TEST_QUICK=${CLRS_TEST_QUICK:-0}
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/report"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:log_path=$reports/report"
export LSAN_OPTIONS="log_path=$reports/report"

# LeakSanitizer needs to stop the world (ptrace-like); some containers forbid it. Try it on a
# trivial program and turn leak detection off, saying so, where it cannot run.
cat >"$top/lsan-probe.c" <<'EOF'
#include <stdlib.h>
int main(void) { void *volatile p = malloc(16); p = 0; return p != 0; }
EOF
# shellcheck disable=SC2086 # $flags is a list of options
if "$cc" $flags "$top/lsan-probe.c" -o "$top/lsan-probe" 2>/dev/null; then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS='' LSAN_OPTIONS='' "$top/lsan-probe" >"$top/lsan-probe.out" 2>&1
    if grep -qs 'detected memory leaks' "$top/lsan-probe.out"; then
        lsan="on"
    else
        lsan="off (LeakSanitizer cannot run here)"
        ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}
    fi
    rm -f "$top"/lsan-probe*
else
    fail 2 "$cc cannot build a sanitized program (Debian: libclang-rt-14-dev for clang)"
fi
echo "check-sanitize: leak detection $lsan; CLRS_TEST_QUICK=$CLRS_TEST_QUICK"

status=0
make -C "$build" -j"$jobs" check >"$top/check.log" 2>&1 || status=1
end=$(date +%s)
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' "$top/check.log"

found=$(find "$reports" -type f | sort)
if [[ -n $found ]]; then
    status=1
    echo "check-sanitize: sanitizer reports:"
    for f in $found; do
        echo "---- $f"
        cat "$f"
    done
fi
if ((status != 0)); then
    for f in "$build"/tests/*.log; do
        [[ $f == */test-suite.log ]] && continue
        grep -qs '^:test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" || continue
        echo "---- $f (last 60 lines)"
        tail -n 60 "$f"
    done
fi
# the quickstart's summary reads these
cat "$build"/tests/*.trs 2>/dev/null | grep '^:test-result:' >"$top/results" || true
if [[ -n ${CLRS_SANITIZE_RESULTS:-} ]]; then cp "$top/results" "$CLRS_SANITIZE_RESULTS"; fi

echo "check-sanitize: build $((built - start)) s, tests $((end - built)) s"
if ((status != 0)); then
    fail 1 "FAILED"
fi
echo "check-sanitize: clean"
((keep)) || rm -rf "$top"
exit 0
