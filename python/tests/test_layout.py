"""The package's cffi declarations (clresample/_cdef.py) against the real header: a C program
compiled with the header prints every struct's size and every field's offset and size, and
every enum constant, and compares them with cffi's; the cdef's prototypes are redeclared
after the header, so any difference in a function's type is a compile error."""
import os
import re
import shutil
import subprocess

import pytest

from clresample._cdef import CDEF, CDEF_DLPACK, ENUMS, STRUCTS
from clresample._lib import ffi

HERE = os.path.dirname(os.path.abspath(__file__))


def _include_flags():
    """-I for clresample.h: $CLRS_INCLUDE_DIR, the source tree (lib/), or pkg-config."""
    if os.environ.get("CLRS_INCLUDE_DIR"):
        return ["-I" + os.environ["CLRS_INCLUDE_DIR"]]
    src = os.path.normpath(os.path.join(HERE, "..", "..", "lib"))
    if os.path.exists(os.path.join(src, "clresample.h")):
        return ["-I" + src]
    try:
        out = subprocess.run(["pkg-config", "--cflags", "clresample"], capture_output=True,
                             text=True, check=True).stdout
        return out.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("clresample.h not found (set CLRS_INCLUDE_DIR)")


def _header_path(flags):
    for f in flags:
        if f.startswith("-I") and os.path.exists(os.path.join(f[2:], "clresample.h")):
            return os.path.join(f[2:], "clresample.h")
    return None


def _prototypes(cdef):
    """The function declarations of a cdef (statements with a parameter list, no typedef)."""
    out = []
    for stmt in cdef.split(";"):
        s = " ".join(stmt.split())
        if "(" in s and not s.startswith("typedef") and "}" not in s:
            out.append(s + ";")
    return out


def _compile_and_run(tmp_path, source, flags):
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    c = tmp_path / "layout.c"
    c.write_text(source)
    exe = tmp_path / "layout"
    r = subprocess.run([cc, "-std=gnu99", "-Werror", "-Wall", str(c), "-o", str(exe)] + flags,
                       capture_output=True, text=True)
    assert r.returncode == 0, "the cdef does not match the header:\n" + r.stderr
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout


def test_struct_layout_and_enums(tmp_path):
    flags = _include_flags()
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <clresample.h>",
             "int main(void) {"]
    expect = {}
    for s in STRUCTS:
        t = ffi.typeof(s)
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (s, s))
        expect[s] = ffi.sizeof(t)
        for name, f in t.fields:
            key = "%s.%s" % (s, name)
            lines.append('printf("%s %%zu %%zu\\n", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                         % (key, s, name, s, name))
            expect[key] = "%d %d" % (f.offset, ffi.sizeof(f.type))
    for e in ENUMS:
        t = ffi.typeof(e)
        lines.append('printf("sizeof(%s) %%zu\\n", sizeof(%s));' % (e, e))
        expect["sizeof(%s)" % e] = ffi.sizeof(t)
        for name, value in t.relements.items():
            lines.append('printf("%s %%lld\\n", (long long)%s);' % (name, name))
            expect[name] = value
    lines += ["return 0; }"]
    out = _compile_and_run(tmp_path, "\n".join(lines) + "\n", flags)
    got = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert len(got) == len(expect)
    bad = {k: (got[k], str(v)) for k, v in expect.items() if got[k] != str(v)}
    assert not bad, "C (header) vs cffi: %r" % bad
    # every field of every struct was checked, and there is something to check
    assert sum(1 for k in expect if "." in k) >= 40


def test_prototypes_match_header(tmp_path):
    flags = _include_flags()
    protos = _prototypes(CDEF)
    dl = _prototypes(CDEF_DLPACK)
    src = ["#include <clresample.h>"]
    have_dlpack = subprocess.run(["sh", "-c", "echo '#include <dlpack/dlpack.h>' | "
                                  "${CC:-cc} -E - >/dev/null 2>&1"]).returncode == 0
    if have_dlpack:
        src.append("#include <clresample_dlpack.h>")
        protos = protos + dl
    # a redeclaration whose type differs from the header's is a compile error in C
    src += protos + ["int main(void) { return 0; }"]
    _compile_and_run(tmp_path, "\n".join(src) + "\n", flags)
    # and the cdef declares every function of the header
    header = _header_path(flags)
    if header:
        declared = set(re.findall(r"CLRS_API\s+[^;]*?\b(clrs_\w+)\s*\(", open(header).read()))
        mine = set(re.findall(r"\b(clrs_\w+)\s*\(", CDEF))
        assert declared - mine == set(), "not in the cdef: %s" % sorted(declared - mine)
    assert len(protos) >= 30
