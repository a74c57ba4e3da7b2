#!/bin/sh
# test_python.sh — the Python package (python/) against the library just built: its pytest
# suite (python/tests, host backend; CLRS_PY_TEST_DEVICE picks another device) and the
# README's Python example (python/examples/readme_example.py) as written. Exit 77 (skip) when
# Debian's python3 lacks pytest, numpy or cffi; pytest finding no tests (exit 5) is a failure.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
py=${PYTHON_FOR_TESTS:-/usr/bin/python3}
[ -x "$py" ] || py=python3
for m in pytest numpy cffi; do
    if ! "$py" -c "import $m" >/dev/null 2>&1; then
        echo "test_python: $py has no $m module: skipped"
        exit 77
    fi
done
CLRS_LIBRARY=$build/lib/.libs/libclresample.so
if [[ ! -e $CLRS_LIBRARY ]]; then # a static-only build (make check-sanitize): nothing to load
    echo "test_python: no shared library at $CLRS_LIBRARY: skipped"
    exit 77
fi
CLRS_INCLUDE_DIR=$src/lib
PYTHONPATH=$src/python${PYTHONPATH:+:$PYTHONPATH}
PYTHONDONTWRITEBYTECODE=1  # nothing written into the source tree (distcheck's is read-only)
export CLRS_LIBRARY CLRS_INCLUDE_DIR PYTHONPATH PYTHONDONTWRITEBYTECODE
if [ -n "${CLRS_TEST_CACHE_ROOT:-}" ]; then  # the suite's own program cache, not the user's
    mkdir -p "$CLRS_TEST_CACHE_ROOT/python" && chmod 700 "$CLRS_TEST_CACHE_ROOT" "$CLRS_TEST_CACHE_ROOT/python"
    CLRS_CACHE_DIR=$CLRS_TEST_CACHE_ROOT/python
    export CLRS_CACHE_DIR
fi

"$py" -m pytest -q -p no:cacheprovider -W ignore::UserWarning "$src/python/tests"
rc=$?
case $rc in
0) ;;
5) echo "test_python: pytest collected no tests"; exit 1 ;;
*) echo "test_python: pytest failed (exit $rc)"; exit 1 ;;
esac

# the README's Python block is this file, word for word
if ! sed -n '/^## Python$/,/^## /p' "$src/README.md" | sed -n '/^```python$/,/^```$/p' | sed '1d;$d' |
        cmp -s - "$src/python/examples/readme_example.py"; then
    echo "test_python: README.md's Python example differs from python/examples/readme_example.py"
    exit 1
fi
if "$py" -c "import torch" >/dev/null 2>&1; then
    out=$("$py" "$src/python/examples/readme_example.py") || { echo "test_python: readme_example.py failed"; exit 1; }
    echo "$out"
    echo "$out" | grep -q '^\[0\.   0\.25 0\.75 1\.25 1\.75 2\.25 2\.75 3\.  \]$' ||
        { echo "test_python: readme_example.py printed something else"; exit 1; }
else
    echo "test_python: no torch: the README example was not run"
fi
echo "test_python: passed"
