#!/bin/sh
# test_resize.sh — clrs-resize end to end, on the host and on an OpenCL device (cpu, else the default): exact round
# trips (nearest up then down) in every PNG format, constant images staying constant under
# every filter, host/device agreement, JPEG in and out (when built with libturbojpeg), and bad
# files and arguments failing cleanly with the exit status --help gives (1 files, 2 arguments),
# and 8-bit images equal to PyTorch's uint8 interpolate byte for byte (tests/golden/resize).
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
# fails STATUS NAME OUT ARGS...: the tool exits with STATUS (1 a file could not be read or
# written, 2 bad arguments) without a crash, says why in one line on stderr, and leaves no OUT
# and no temporary file next to it. (Only the tool's own lines are counted: an OpenCL compiler
# may print to stderr too.)
fails() {
    want=$1 name=$2 out=$3
    shift 3
    r "$@"
    rc=$?
    lines=$(grep -c '^clrs-resize: ' "$tmp/err")
    leftovers=$(ls "$out".tmp-* 2>/dev/null)
    if [ "$rc" -eq 0 ]; then fail "$name" "exit status 0, expected a failure"
    elif [ "$rc" -gt 125 ]; then fail "$name" "exit status $rc: crashed"
    elif [ "$rc" -ne "$want" ]; then fail "$name" "exit status $rc, expected $want"
    elif [ "$lines" != 1 ]; then fail "$name" "expected one line on stderr, got $lines"
    elif [ -e "$out" ]; then fail "$name" "$out was created"
    elif [ -n "$leftovers" ]; then fail "$name" "left $leftovers behind"
    else pass "$name (exit $rc: $(grep '^clrs-resize: ' "$tmp/err"))"
    fi
    rm -f "$out" "$out".tmp-*
}

if [ "${CLRS_TEST_BACKENDS:-}" = host ]; then devices=host; else devices="host opencl"; fi
# the device beside the host: an OpenCL CPU device (PoCL in CI) when there is one, since "auto"
# (the default) is the host backend on a machine without a GPU; else the default device
otheropt=
if [ "$devices" != host ] && "$tool" "$sample" "$tmp/probe.png" --scale 1 --device cpu >/dev/null 2>&1; then
    otheropt="--device cpu"
fi

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

# ---- devices and exit statuses --------------------------------------------------------------
devopt= # r adds no --device here: these tests give their own
fails 2 "--device bogus is a bad argument" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 2 --device bogus
if CLRS_DEVICE=bogus "$tool" "$sample" "$tmp/o.png" --scale 2 >"$tmp/out" 2>"$tmp/err"; then
    fail "CLRS_DEVICE=bogus is a bad argument" "exit status 0"
elif [ $? -eq 2 ] && [ ! -e "$tmp/o.png" ]; then pass "CLRS_DEVICE=bogus is a bad argument (exit 2)"
else fail "CLRS_DEVICE=bogus is a bad argument" "expected exit 2 and no OUT"; fi
rm -f "$tmp/o.png"
for d in Host HOST; do # device keywords in any case
    if "$tool" "$sample" "$tmp/o.png" --scale 2 --device "$d" >"$tmp/out" 2>"$tmp/err" &&
        grep -q "^device: host" "$tmp/out"; then pass "--device $d runs on the host"
    else fail "--device $d runs on the host"; fi
    rm -f "$tmp/o.png"
done
fails 2 "--fill to an unknown extension" "$tmp/f.bmp" --fill 4 4 3 8 1 "$tmp/f.bmp"
devopt="--device host" # tiny images: the host is quickest, and the formats do not depend on the device
fails 2 "OUT with an unknown extension (.gif)" "$tmp/o.gif" "$sample" "$tmp/o.gif" --scale 2
fails 2 "OUT with no extension" "$tmp/o" "$sample" "$tmp/o" --scale 2
fails 2 "OUT ending in .png.bak" "$tmp/o.png.bak" "$sample" "$tmp/o.png.bak" --scale 2
fails 2 "--quality with a PNG OUT" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 2 --quality 80
if "$tool" --compare "$tmp/missing.png" "$sample" >"$tmp/out" 2>"$tmp/err"; then
    fail "--compare with a missing file exits 1" "exit 0"
elif [ $? -eq 1 ]; then pass "--compare with a missing file exits 1"
else fail "--compare with a missing file exits 1" "another exit status"; fi

# ---- JPEG (libturbojpeg) -------------------------------------------------------------------
# magic FILE: the first three bytes in hex, "ffd8ff" for a JPEG, "89504e" for a PNG
magic() { od -An -tx1 -N3 "$1" | tr -d ' \n'; }
# info FILE: "WxH CHANNELS DEPTH-bit" as the tool decodes it (a file compared with itself)
info() { "$tool" --compare "$1" "$1" 2>/dev/null | sed -n 's/^identical: //p'; }
if "$tool" --help | grep -q "no JPEG support"; then
    echo "NOTE: clrs-resize was built without JPEG support (no libturbojpeg); JPEG tests skipped"
    fails 2 "a .jpg OUT says there is no JPEG support" "$tmp/o.jpg" "$sample" "$tmp/o.jpg" --scale 2
    if grep -q "built without JPEG support" "$tmp/err"; then pass "the message names the missing JPEG support"
    else fail "the message names the missing JPEG support"; fi
else
    # PNG -> JPEG -> PNG: sizes, channels and formats right
    rm -f "$tmp/a.jpg" "$tmp/b.png"
    if r "$sample" "$tmp/a.jpg" --scale 2 && [ "$(magic "$tmp/a.jpg")" = ffd8ff ] &&
        [ "$(info "$tmp/a.jpg")" = "192x128 RGB 8-bit" ] && grep -q "PNG -> JPEG (quality 95)" "$tmp/out"; then
        pass "PNG to JPEG: 192x128 RGB, quality 95 by default"
    else fail "PNG to JPEG: 192x128 RGB, quality 95 by default" "got $(info "$tmp/a.jpg")"; fi
    if r "$tmp/a.jpg" "$tmp/b.png" --size 96x64 && [ "$(magic "$tmp/b.png")" = 89504e ] &&
        [ "$(info "$tmp/b.png")" = "96x64 RGB 8-bit" ]; then
        pass "JPEG to PNG: 96x64 RGB 8-bit"
    else fail "JPEG to PNG: 96x64 RGB 8-bit" "got $(info "$tmp/b.png")"; fi
    # a flat color survives PNG -> JPEG -> PNG within JPEG's rounding
    rm -f "$tmp/flat.jpg" "$tmp/flat.png"
    if r "$tmp/const-3:8:200-60x45.png" "$tmp/flat.jpg" --size 37x23 && r "$tmp/flat.jpg" "$tmp/flat.png" --scale 1; then
        same "a flat color survives PNG to JPEG to PNG (within 2)" "$tmp/flat.png" "$tmp/const-3:8:200-37x23.png" 2
    else fail "a flat color survives PNG to JPEG to PNG"; fi
    # JPEG -> JPEG with --quality, upper-case extensions: a lower quality makes a smaller file
    rm -f "$tmp/q30.JPG" "$tmp/q95.jpeg"
    if r "$tmp/a.jpg" "$tmp/q30.JPG" --scale 0.75 --quality 30 && r "$tmp/a.jpg" "$tmp/q95.jpeg" --scale 0.75 &&
        [ "$(info "$tmp/q30.JPG")" = "144x96 RGB 8-bit" ] && [ "$(magic "$tmp/q30.JPG")" = ffd8ff ] &&
        [ "$(wc -c <"$tmp/q30.JPG")" -lt "$(wc -c <"$tmp/q95.jpeg")" ]; then
        pass "JPEG to JPEG with --quality 30: 144x96, smaller than quality 95 ($(wc -c <"$tmp/q30.JPG" | tr -d ' ') vs $(wc -c <"$tmp/q95.jpeg" | tr -d ' ') bytes)"
    else fail "JPEG to JPEG with --quality 30" "got $(info "$tmp/q30.JPG")"; fi
    # gray JPEG in and out
    rm -f "$tmp/g.jpg" "$tmp/g2.jpg" "$tmp/g3.png"
    if "$tool" --fill 33 21 1 8 pattern "$tmp/g.jpg" >"$tmp/out" 2>"$tmp/err" &&
        [ "$(info "$tmp/g.jpg")" = "33x21 gray 8-bit" ] && r "$tmp/g.jpg" "$tmp/g2.jpg" --scale 2 --mode bicubic &&
        [ "$(info "$tmp/g2.jpg")" = "66x42 gray 8-bit" ] && r "$tmp/g2.jpg" "$tmp/g3.png" --size 33x21 --mode area &&
        [ "$(info "$tmp/g3.png")" = "33x21 gray 8-bit" ]; then
        pass "gray JPEG: --fill, JPEG to JPEG, JPEG to PNG stay gray"
    else fail "gray JPEG: --fill, JPEG to JPEG, JPEG to PNG stay gray"; fi
    # lanczos (always antialiased), down and up
    rm -f "$tmp/lz.jpg" "$tmp/lz.png"
    if r "$tmp/g.jpg" "$tmp/lz.jpg" --scale 0.5 --mode lanczos && [ "$(info "$tmp/lz.jpg")" = "16x10 gray 8-bit" ] &&
        r "$tmp/g.jpg" "$tmp/lz.png" --size 50x30 --mode lanczos && [ "$(info "$tmp/lz.png")" = "50x30 gray 8-bit" ]; then
        pass "--mode lanczos: 33x21 to 16x10 (JPEG) and 50x30 (PNG)"
    else fail "--mode lanczos" "$(cat "$tmp/err")"; fi
    # a 16-bit PNG becomes an 8-bit JPEG
    rm -f "$tmp/p16.jpg"
    if r "$tmp/pat-1-16.png" "$tmp/p16.jpg" --scale 1 && [ "$(info "$tmp/p16.jpg")" = "41x29 gray 8-bit" ]; then
        pass "a 16-bit gray PNG becomes an 8-bit gray JPEG"
    else fail "a 16-bit gray PNG becomes an 8-bit gray JPEG" "got $(info "$tmp/p16.jpg")"; fi
    # refused: alpha into JPEG (2), bad --quality (2), broken JPEG files (1)
    fails 2 "RGBA PNG to JPEG is refused" "$tmp/o.jpg" "$tmp/pat-4-8.png" "$tmp/o.jpg" --scale 2
    fails 2 "gray+alpha PNG to JPEG is refused" "$tmp/o.jpg" "$tmp/pat-2-8.png" "$tmp/o.jpg" --scale 2
    fails 2 "--quality 0" "$tmp/o.jpg" "$sample" "$tmp/o.jpg" --scale 2 --quality 0
    fails 2 "--quality 101" "$tmp/o.jpg" "$sample" "$tmp/o.jpg" --scale 2 --quality 101
    devopt= # --fill takes no --device
    fails 2 "--fill RGBA JPEG" "$tmp/o.jpg" --fill 4 4 4 8 1 "$tmp/o.jpg"
    fails 2 "--fill 16-bit JPEG" "$tmp/o.jpg" --fill 4 4 1 16 1 "$tmp/o.jpg"
    devopt="--device host"
    fails 2 "a JPEG output over 65535 pixels a side" "$tmp/o.jpg" "$sample" "$tmp/o.jpg" --size 70000x2
    size=$(wc -c <"$tmp/a.jpg" | tr -d ' ')
    for n in 3 20 300 $((size - 10)); do
        head -c "$n" "$tmp/a.jpg" >"$tmp/trunc.jpg"
        fails 1 "JPEG truncated to $n bytes" "$tmp/o.png" "$tmp/trunc.jpg" "$tmp/o.png" --scale 2
    done
fi

# ---- per device ---------------------------------------------------------------------------
for dev in $devices; do
    if [ "$dev" = host ]; then devopt="--device host"; else devopt=$otheropt; fi
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

    # 8-bit images go through uint8 tensors: PyTorch 2.15's uint8 F.interpolate of the same
    # image, byte for byte (tests/golden/resize, written by tools/gen-resize-golden.py)
    while read -r file args; do
        case $file in '#'* | '') continue ;; esac
        rm -f "$tmp/u8.png"
        # shellcheck disable=SC2086 # $args is the list of arguments
        if r "$sample" "$tmp/u8.png" $args && grep -q "uint8 tensor" "$tmp/out"; then
            same "$t uint8 $args equals PyTorch's uint8 result" "$tmp/u8.png" "$srcdir/tests/golden/resize/$file"
        else fail "$t uint8 $args" "the resize failed or did not use a uint8 tensor"; fi
    done <"$srcdir/tests/golden/resize/cases.txt"

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
        fails 1 "$t PNG truncated to $n bytes" "$tmp/o.png" "$tmp/trunc.png" "$tmp/o.png" --scale 2
    done
    echo "this is not a PNG file" >"$tmp/text.png"
    fails 1 "$t a text file" "$tmp/o.png" "$tmp/text.png" "$tmp/o.png" --scale 2
    fails 1 "$t a missing file" "$tmp/o.png" "$tmp/missing.png" "$tmp/o.png" --scale 2
    fails 1 "$t a directory as input" "$tmp/o.png" "$tmp" "$tmp/o.png" --scale 2
    fails 1 "$t OUT in a missing directory" "$tmp/nodir/o.png" "$sample" "$tmp/nodir/o.png" --scale 2

    # bad arguments
    fails 2 "$t --size 0x5" "$tmp/o.png" "$sample" "$tmp/o.png" --size 0x5
    fails 2 "$t --size 5x-1" "$tmp/o.png" "$sample" "$tmp/o.png" --size 5x-1
    fails 2 "$t --size 12 (malformed)" "$tmp/o.png" "$sample" "$tmp/o.png" --size 12
    fails 2 "$t --size 12x8x3 (malformed)" "$tmp/o.png" "$sample" "$tmp/o.png" --size 12x8x3
    fails 2 "$t --mode foo" "$tmp/o.png" "$sample" "$tmp/o.png" --mode foo --scale 2
    fails 2 "$t --size and --scale" "$tmp/o.png" "$sample" "$tmp/o.png" --size 10x10 --scale 2
    fails 2 "$t neither --size nor --scale" "$tmp/o.png" "$sample" "$tmp/o.png"
    fails 2 "$t --scale 0" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0
    fails 2 "$t --scale -2" "$tmp/o.png" "$sample" "$tmp/o.png" --scale -2
    fails 2 "$t --scale abc" "$tmp/o.png" "$sample" "$tmp/o.png" --scale abc
    fails 2 "$t --scale too small for any pixel" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.001
    fails 2 "$t --scale without a value" "$tmp/o.png" "$sample" "$tmp/o.png" --scale
    fails 2 "$t missing OUT" "$tmp/o.png" "$sample"
    fails 2 "$t an unknown option" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 2 --sharpen
    fails 2 "$t --antialias with nearest" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.5 --mode nearest --antialias
    if grep -q "nti-alias option is restricted" "$tmp/err"; then pass "$t the library's antialias rule is passed through"
    else fail "$t the library's antialias rule is passed through"; fi
    fails 2 "$t --align-corners with area" "$tmp/o.png" "$sample" "$tmp/o.png" --scale 0.5 --mode area --align-corners

    # a failure leaves an existing OUT as it was
    cp "$sample" "$tmp/keep.png"
    if ! r "$tmp/text.png" "$tmp/keep.png" --scale 2 && cmp -s "$sample" "$tmp/keep.png" && [ -z "$(ls "$tmp"/keep.png.tmp-* 2>/dev/null)" ]; then
        pass "$t a failed resize leaves an existing OUT untouched"
    else fail "$t a failed resize leaves an existing OUT untouched"; fi
    rm -f "$tmp/keep.png"
done

# ---- the OpenCL device agrees with the host (to 1 unit of rounding) ------------------------
if [ "$devices" != host ]; then
    for op in "bilinear --scale 1.7" "bicubic --scale 0.37 --antialias" "bilinear --size 41x29 --antialias" \
        "bicubic --size 150x77 --align-corners" "area --size 41x29" "nearest --scale 0.7"; do
        # shellcheck disable=SC2086 # split into mode and options
        set -- $op
        rm -f "$tmp/h.png" "$tmp/d.png"
        if "$tool" "$sample" "$tmp/h.png" --mode "$@" --device host >"$tmp/out" 2>"$tmp/err" &&
            "$tool" "$sample" "$tmp/d.png" --mode "$@" $otheropt >"$tmp/out" 2>"$tmp/err"; then
            same "the OpenCL device matches the host: $op" "$tmp/d.png" "$tmp/h.png" 1
        else fail "the OpenCL device matches the host: $op"; fi
    done
    for f in 1:16 4:16; do
        c=${f%:*} d=${f#*:}
        rm -f "$tmp/h.png" "$tmp/d.png"
        if "$tool" "$tmp/pat-$c-$d.png" "$tmp/h.png" --mode bicubic --scale 2.5 --device host >"$tmp/out" 2>"$tmp/err" &&
            "$tool" "$tmp/pat-$c-$d.png" "$tmp/d.png" --mode bicubic --scale 2.5 $otheropt >"$tmp/out" 2>"$tmp/err"; then
            same "the OpenCL device matches the host: $c-channel $d-bit bicubic 2.5x" "$tmp/d.png" "$tmp/h.png" 1
        else fail "the OpenCL device matches the host: $c-channel $d-bit bicubic 2.5x"; fi
    done
fi

echo "test_resize: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
exit 0
