#!/bin/sh
# test_resize.sh — clrs-resize end to end, on the host and on the default device: exact round
# trips (nearest up then down) in every PNG format, constant images staying constant under
# every filter, host/device agreement, and bad files and arguments failing cleanly.
# Run by `make check` (srcdir set by automake) or by hand: srcdir=. sh tests/test_resize.sh
# Exit 0 all passed, 1 a failure, 77 clrs-resize not built. CLRS_TEST_BACKENDS=host: host only.

srcdir=${srcdir:-.}
tool=${CLRS_RESIZE:-./tools/clrs-resize}
sample=$srcdir/data/sample.png

if [ ! -x "$tool" ]; then
    echo "test_resize: $tool is not built (no libpng?); skipped"
    exit 77
fi
if [ ! -r "$sample" ]; then
    echo "test_resize: $sample is missing"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_resize.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
# the kernels are built once, then loaded from this cache by every later run
CLRS_CACHE_DIR=$tmp/cache
export CLRS_CACHE_DIR

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    shift
    for line in "$@"; do echo "    $line"; done
    [ -s "$tmp/err" ] && sed 's/^/    stderr: /' "$tmp/err"
    [ -s "$tmp/out" ] && sed 's/^/    stdout: /' "$tmp/out"
    return 0
}

# r ARGS...: runs the tool (device options from $devopt), output in $tmp/out and $tmp/err.
# shellcheck disable=SC2086 # $devopt is empty or two words
r() { "$tool" "$@" $devopt >"$tmp/out" 2>"$tmp/err"; }
# same NAME A B [TOLERANCE]: A and B decode to the same pixels.
same() {
    if "$tool" --compare "$2" "$3" --tolerance "${4:-0}" >"$tmp/out" 2>"$tmp/err"; then pass "$1"
    else fail "$1" "--compare $2 $3 (tolerance ${4:-0}) says they differ"; fi
}
# roundtrip NAME IN UP-ARGS -- DOWN-ARGS: resize IN with UP-ARGS, the result with DOWN-ARGS,
# and expect IN back exactly.
roundtrip() {
    name=$1 in=$2
    shift 2
    up=
    while [ "$1" != "--" ]; do up="$up $1"; shift; done
    shift
    rm -f "$tmp/up.png" "$tmp/down.png"
    # shellcheck disable=SC2086
    if ! r "$in" "$tmp/up.png" $up; then fail "$name" "up:$up"; return; fi
    if ! r "$tmp/up.png" "$tmp/down.png" "$@"; then fail "$name" "down: $*"; return; fi
    same "$name" "$tmp/down.png" "$in"
}
# fails NAME OUT ARGS...: the tool exits non-zero without a crash, says why in one line on
# stderr, and leaves no OUT and no temporary file next to it. (Only the tool's own lines are
# counted: an OpenCL compiler may print to stderr too.)
fails() {
    name=$1 out=$2
    shift 2
    r "$@"
    rc=$?
    lines=$(grep -c '^clrs-resize: ' "$tmp/err")
    leftovers=$(ls "$out".tmp-* 2>/dev/null)
    if [ "$rc" -eq 0 ]; then fail "$name" "exit status 0, expected a failure"
    elif [ "$rc" -gt 125 ]; then fail "$name" "exit status $rc: crashed"
    elif [ "$lines" != 1 ]; then fail "$name" "expected one line on stderr, got $lines"
    elif [ -e "$out" ]; then fail "$name" "$out was created"
    elif [ -n "$leftovers" ]; then fail "$name" "left $leftovers behind"
    else pass "$name (exit $rc: $(grep '^clrs-resize: ' "$tmp/err"))"
    fi
    rm -f "$out" "$out".tmp-*
}

if [ "${CLRS_TEST_BACKENDS:-}" = host ]; then devices=host; else devices="host default"; fi

# ---- device-independent: --help, --compare, the test images ------------------------------
if "$tool" --help >"$tmp/out" 2>"$tmp/err" && grep -q -- --compare "$tmp/out" &&
    grep -q -- --fill "$tmp/out"; then pass "--help prints the usage"
else fail "--help prints the usage"; fi
same "--compare: a file equals itself" "$sample" "$sample"
"$tool" --fill 96 64 3 8 128 "$tmp/gray128.png" 2>"$tmp/err"
if "$tool" --compare "$sample" "$tmp/gray128.png" >"$tmp/out" 2>"$tmp/err"; then
    fail "--compare finds a difference" "exit 0 for different images"
elif grep -q "max difference" "$tmp/out"; then pass "--compare finds a difference"
else fail "--compare finds a difference" "no 'max difference' line"; fi
"$tool" --fill 95 64 3 8 128 "$tmp/narrow.png" 2>"$tmp/err"
if "$tool" --compare "$tmp/narrow.png" "$tmp/gray128.png" >"$tmp/out" 2>"$tmp/err"; then
    fail "--compare tells sizes apart" "exit 0"
else pass "--compare tells sizes apart"; fi
# pattern images in every format: channels, bit depth (odd sizes on purpose)
formats="1:8 2:8 3:8 4:8 1:16 2:16 3:16 4:16 1:1 1:2 1:4"
for f in $formats; do
    c=${f%:*} d=${f#*:}
    if "$tool" --fill 41 29 "$c" "$d" pattern "$tmp/pat-$c-$d.png" >"$tmp/out" 2>"$tmp/err"; then :
    else fail "--fill 41 29 $c $d pattern"; fi
done
# constant images: channels, bit depth, value
constants="3:8:200 1:16:40000 4:16:65535 2:8:0 4:8:77"
for k in $constants; do
    c=${k%%:*} rest=${k#*:}
    d=${rest%%:*} v=${rest#*:}
    "$tool" --fill 60 45 "$c" "$d" "$v" "$tmp/const-$k-60x45.png" >/dev/null 2>"$tmp/err" ||
        fail "--fill 60 45 $c $d $v"
    for s in 37x23 131x97 23x17 50x71; do
        "$tool" --fill "${s%x*}" "${s#*x}" "$c" "$d" "$v" "$tmp/const-$k-$s.png" >/dev/null 2>"$tmp/err" ||
            fail "--fill ${s%x*} ${s#*x} $c $d $v"
    done
done

# ---- per device ---------------------------------------------------------------------------
for dev in $devices; do
    if [ "$dev" = host ]; then devopt="--device host"; else devopt=; fi
    t="[$dev]"

    # the device used and the time are reported
    if r "$sample" "$tmp/o.png" --scale 2 && grep -q "^device: " "$tmp/out" &&
        grep -q " ms" "$tmp/out"; then
        pass "$t resize reports the device and the time: $(tr '\n' ' ' <"$tmp/out")"
        if grep -q "ran on the host" "$tmp/out"; then
            echo "NOTE: $dev fell back to the host (the device could not run it); see stderr:"
            sed 's/^/    /' "$tmp/err"
        fi
    else fail "$t resize reports the device and the time"; fi
    rm -f "$tmp/o.png"

    # exact round trips of the sample
    roundtrip "$t nearest 2x up, 2x down (--scale)" "$sample" --mode nearest --scale 2 -- --mode nearest --scale 0.5
    roundtrip "$t nearest 2x up, 2x down (--size)" "$sample" --mode nearest --size 192x128 -- --mode nearest --size 96x64
    roundtrip "$t nearest 3x up, 3x down" "$sample" --mode nearest --scale 3 -- --mode nearest --size 96x64
    roundtrip "$t nearest-exact 2x up, 2x down" "$sample" --mode nearest-exact --scale 2 -- --mode nearest-exact --scale 0.5
    roundtrip "$t nearest 2x up, area 2x down" "$sample" --mode nearest --scale 2 -- --mode area --size 96x64
    roundtrip "$t nearest 2x up, bilinear 2x down" "$sample" --mode nearest --scale 2 -- --mode bilinear --scale 0.5
    # the same size is the identity for every mode
    for m in nearest nearest-exact bilinear bicubic area; do
        rm -f "$tmp/id.png"
        if r "$sample" "$tmp/id.png" --mode "$m" --scale 1; then same "$t $m at scale 1 is the identity" "$tmp/id.png" "$sample"
        else fail "$t $m at scale 1 is the identity"; fi
    done

    # every format survives a round trip, bit depth and color type included
    for f in $formats; do
        c=${f%:*} d=${f#*:}
        roundtrip "$t $c-channel $d-bit round trip" "$tmp/pat-$c-$d.png" --mode nearest --scale 2 -- --mode nearest --scale 0.5
    done

    # a constant image stays exactly constant under every filter
    for k in $constants; do
        in=$tmp/const-$k-60x45.png
        for op in "bilinear 37x23" "bicubic 131x97" "area 37x23" "area 131x97" "bilinear 23x17 --antialias" \
            "bicubic 23x17 --antialias" "bilinear 131x97 --align-corners" "bicubic 50x71 --align-corners" \
            "bicubic 50x71"; do
            # shellcheck disable=SC2086 # split into mode, size, flags
            set -- $op
            m=$1 s=$2
            shift 2
            rm -f "$tmp/c.png"
            if r "$in" "$tmp/c.png" --mode "$m" --size "$s" "$@"; then
                same "$t constant $k stays constant: $m $s $*" "$tmp/c.png" "$tmp/const-$k-$s.png"
            else fail "$t constant $k stays constant: $m $s $*"; fi
        done
    done

    # bad files: nothing written, one line on stderr
    size=$(wc -c <"$sample" | tr -d ' ')
    for n in 0 7 8 20 60 500 $((size - 12)) $((size - 1)); do
        head -c "$n" "$sample" >"$tmp/trunc.png"
        fails "$t PNG truncated to $n bytes" "$tmp/o.png" "$tmp/trunc.png" "$tmp/o.png" --scale 2
    done
    echo "this is not a PNG file" >"$tmp/text.png"
    fails "$t a text file" "$tmp/o.png" "$tmp/text.png" "$tmp/o.png" --scale 2
    fails "$t a missing file" "$tmp/o.png" "$tmp/missing.png" "$tmp/o.png" --scale 2
    fails "$t a directory as input" "$tmp/o.png" "$tmp" "$tmp/o.png" --scale 2
    fails "$t OUT in a missing directory" "$tmp/nodir/o.png" "$sample" "$tmp/nodir/o.png" --scale 2

    # bad arguments
    fails "$t --size 0x5" "$tmp/o.png" "$sample" "$tmp/o.png" --size 0x5
    fails "$t --size 5x-1" "$tmp/o.png" "$sample" "$tmp/o.png" --size 5x-1
    fails "$t --size 12 (malformed)" "$tmp/o.png" "$sample" "$tmp/o.png" --size 12
    fails "$t --size 12x8x3 (malformed)" "$tmp/o.png" "$sample" "$tmp/o.png" --size 12x8x3
    fails "$t --mode foo" "$tmp/o.png" "$sample" "$tmp/o.png" --mode foo --scale 2
    fails "$t --size and --scale" "$tmp/o.png" "$sample" "$tmp/o.png" --size 10x10 --scale 2
    fails "$t neither --size nor --scale" "$tmp/o.png" "$sample" "$tmp/o.png"
    fails "$t --scale 0" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0
    fails "$t --scale -2" "$tmp/o.png" "$sample" "$tmp/o.png" --scale -2
    fails "$t --scale abc" "$tmp/o.png" "$sample" "$tmp/o.png" --scale abc
    fails "$t --scale too small for any pixel" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.001
    fails "$t --scale without a value" "$tmp/o.png" "$sample" "$tmp/o.png" --scale
    fails "$t missing OUT" "$tmp/o.png" "$sample"
    fails "$t an unknown option" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 2 --sharpen
    fails "$t --antialias with nearest" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.5 --mode nearest --antialias
    if grep -q "nti-alias option is restricted" "$tmp/err"; then pass "$t the library's antialias rule is passed through"
    else fail "$t the library's antialias rule is passed through"; fi
    fails "$t --align-corners with area" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.5 --mode area --align-corners

    # a failure leaves an existing OUT as it was
    cp "$sample" "$tmp/keep.png"
    if ! r "$tmp/text.png" "$tmp/keep.png" --scale 2 && cmp -s "$sample" "$tmp/keep.png" && [ -z "$(ls "$tmp"/keep.png.tmp-* 2>/dev/null)" ]; then
        pass "$t a failed resize leaves an existing OUT untouched"
    else fail "$t a failed resize leaves an existing OUT untouched"; fi
    rm -f "$tmp/keep.png"
done

# ---- the default device agrees with the host (to 1 unit of rounding) -----------------------
if [ "$devices" != host ]; then
    for op in "bilinear --scale 1.7" "bicubic --scale 0.37 --antialias" "bilinear --size 41x29 --antialias" \
        "bicubic --size 150x77 --align-corners" "area --size 41x29" "nearest --scale 0.7"; do
        # shellcheck disable=SC2086 # split into mode and options
        set -- $op
        rm -f "$tmp/h.png" "$tmp/d.png"
        if "$tool" "$sample" "$tmp/h.png" --mode "$@" --device host >"$tmp/out" 2>"$tmp/err" &&
            "$tool" "$sample" "$tmp/d.png" --mode "$@" >"$tmp/out" 2>"$tmp/err"; then
            same "default device matches the host: $op" "$tmp/d.png" "$tmp/h.png" 1
        else fail "default device matches the host: $op"; fi
    done
    for f in 1:16 4:16; do
        c=${f%:*} d=${f#*:}
        rm -f "$tmp/h.png" "$tmp/d.png"
        if "$tool" "$tmp/pat-$c-$d.png" "$tmp/h.png" --mode bicubic --scale 2.5 --device host >"$tmp/out" 2>"$tmp/err" &&
            "$tool" "$tmp/pat-$c-$d.png" "$tmp/d.png" --mode bicubic --scale 2.5 >"$tmp/out" 2>"$tmp/err"; then
            same "default device matches the host: $c-channel $d-bit bicubic 2.5x" "$tmp/d.png" "$tmp/h.png" 1
        else fail "default device matches the host: $c-channel $d-bit bicubic 2.5x"; fi
    done
fi

echo "test_resize: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
exit 0
