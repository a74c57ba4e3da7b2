#!/usr/bin/env bash
# test_newcomer.sh — the README's path from a built tree to one's own program, as a newcomer
# walks it: install (staged with DESTDIR, so the test never touches the system), compile the
# README's example with the README's pkg-config command, build the CMake consumer with
# find_package(clresample), run both, resize a JPEG photo with the installed clrs-resize, and
# read what CLRS_VERBOSE=1 says about the device choice. Run from the build tree (make check).
set -euo pipefail
top=${abs_top_builddir:-$(pwd)}
src=${abs_top_srcdir:-$top}
stage=$(mktemp -d "${TMPDIR:-/tmp}/clrs-newcomer.XXXXXX")
trap 'rm -rf "$stage"' EXIT
step() { printf '\n== %s\n' "$*"; }
if [[ ! -e $top/lib/.libs/libclresample.so ]]; then
    echo "test_newcomer: a static-only build (make check-sanitize): no shared library to install and link: skipped"
    exit 77
fi

step "make install DESTDIR=$stage"
make -C "$top" install DESTDIR="$stage" >"$stage/install.log" 2>&1 || { tail -20 "$stage/install.log"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$top/clresample.pc")
root=$stage$prefix
libdir=$(sed -n 's/^libdir=//p' "$top/clresample.pc" | sed "s|\${exec_prefix}|$prefix|; s|\${prefix}|$prefix|")
test -f "$root/include/clresample.h" && test -f "$root/include/clresample_dlpack.h"
ls "$stage$libdir"/libclresample.so* "$stage$libdir/pkgconfig/clresample.pc" "$stage$libdir/cmake/clresample/clresample-config.cmake"
# a real install puts these in the system's paths and runs ldconfig (README "Install");
# a staged one is found through these variables instead
export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$stage$libdir/pkgconfig
export LD_LIBRARY_PATH=$stage$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

step "the README's example, compiled with the README's command"
cd "$stage"
cp "$src/examples/resize_host.c" .
cc -Wall -Wextra -Werror resize_host.c $(pkg-config --cflags --libs clresample) -o resize_host
./resize_host

step "the CMake consumer (find_package(clresample))"
if command -v cmake >/dev/null; then
    mkdir -p consumer/tests/cmake-consumer consumer/examples
    cp "$src/tests/cmake-consumer/CMakeLists.txt" consumer/tests/cmake-consumer/
    cp "$src/examples/resize_host.c" consumer/examples/
    cmake -S consumer/tests/cmake-consumer -B consumer/build -DCMAKE_PREFIX_PATH="$root" >cmake.log 2>&1 ||
        { cat cmake.log; exit 1; }
    cmake --build consumer/build >>cmake.log 2>&1 || { cat cmake.log; exit 1; }
    ./consumer/build/resize_host
else
    echo "cmake is not installed: the CMake consumer is not checked"
fi

step "a JPEG photo resized with the installed clrs-resize"
resize=$root/bin/clrs-resize
if "$resize" --help 2>&1 | grep -qi jpeg; then
    "$resize" "$src/data/sample.png" photo.jpg --scale 1 --mode nearest
    "$resize" photo.jpg photo-2x.jpg --scale 2 --mode bicubic --antialias
    file photo-2x.jpg 2>/dev/null || ls -l photo-2x.jpg
else
    echo "clrs-resize was built without JPEG support (libturbojpeg): skipped"
fi

step "CLRS_VERBOSE=1 explains the device choice"
CLRS_VERBOSE=1 ./resize_host 2>verbose.txt >/dev/null
cat verbose.txt
grep -q '^clresample: device "' verbose.txt
echo
echo "newcomer path: install, pkg-config build, CMake build, JPEG resize, verbose device choice: ok"
