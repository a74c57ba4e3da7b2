#!/usr/bin/python3
"""Golden reference data for clresample's interpolate tests.

This script owns tests/golden/interpolate.txt.  It runs PyTorch's
torch.nn.functional.interpolate (forward and backward, in float32 and in
float64) on small random tensors over a fixed list of cases and writes the
inputs, outputs and gradients as text for the C test to compare against.

Usage:
    /usr/bin/python3 tools/gen-golden.py [OUTDIR]          write OUTDIR/interpolate.txt
    /usr/bin/python3 tools/gen-golden.py --check [OUTDIR]  re-read it and check it

OUTDIR defaults to <repo>/tests/golden.  The output is deterministic: every
case seeds its own generator from a CRC of its name.

File format, one record per line, '#' lines are comments:
    case <name>
    mode <nearest|nearest-exact|linear|cubic|area>
    antialias <0|1>
    align_corners <-1|0|1>          -1: None was passed
    recompute <-1|0|1>              recompute_scale_factor, -1: None
    in_shape <N> <C> <spatial...>
    size <o1> [o2] [o3]             only when size= was passed
    scale <s1> [s2] [s3]            only when scale_factor= was passed (repr)
    out_shape <N> <C> <spatial...>
    x <count> <v>...                float32 input ('%.9g')
    y32 <count> <v>...              output of the float32 run ('%.9g')
    y64 <count> <v>...              output of the float64 run ('%.17g')
    g <count> <v>...                float32 grad_output ('%.9g')
    gx32 <count> <v>...             input gradient, float32 run ('%.9g')
    gx64 <count> <v>...             input gradient, float64 run ('%.17g')
    end
"""

import math
import os
import sys
import warnings
import zlib
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

FILENAME = "interpolate.txt"
MODES = ("nearest", "nearest-exact", "linear", "cubic", "area")
LINEAR_BY_DIMS = {1: "linear", 2: "bilinear", 3: "trilinear"}


# ---------------------------------------------------------------------------
# Case list
# ---------------------------------------------------------------------------

# (input spatial size, output spatial size) for size= cases, and
# (input spatial size, scale factors) for scale_factor= cases.
ONE_D_SIZE = [
    (1, 5), (7, 1), (6, 6), (1, 1), (4, 8), (4, 12), (8, 4), (9, 3),
    (10, 6), (12, 7), (7, 3), (13, 5), (5, 3), (7, 4), (12, 2), (3, 7),
    (5, 11), (11, 5), (2, 9),
]
ONE_D_SCALE = [
    (5, 2.0), (4, 3.0), (8, 0.5), (6, 1.7), (10, 0.3), (5, 2.1),
    (9, 1.0 / 3.0), (8, 0.75), (6, 1.0), (1, 5.0), (7, 0.15), (10, 1.05),
    (7, 2.5),
]

TWO_D_SIZE = [
    ((6, 5), (11, 9)), ((8, 6), (3, 4)), ((10, 12), (6, 7)),
    ((7, 13), (3, 5)), ((1, 3), (5, 6)), ((7, 5), (1, 1)), ((7, 6), (1, 3)),
    ((5, 6), (5, 6)), ((4, 9), (8, 4)), ((5, 7), (3, 4)),
    ((12, 9), (2, 3)), ((3, 4), (7, 9)), ((5, 5), (10, 10)),
]
TWO_D_SCALE = [
    ((6, 5), (2.0, 2.0)), ((4, 4), (3.0, 3.0)), ((8, 8), (0.5, 0.5)),
    ((6, 7), (1.7, 1.7)), ((10, 7), (0.3, 0.3)), ((5, 5), (2.1, 2.1)),
    ((9, 7), (1.0 / 3.0, 1.0 / 3.0)), ((8, 5), (0.75, 0.75)),
    ((5, 6), (1.0, 1.0)), ((6, 8), (1.7, 0.5)), ((8, 6), (0.3, 2.1)),
    ((1, 6), (5.0, 0.5)), ((7, 4), (0.15, 1.0)), ((10, 4), (1.05, 1.0)),
]

# Antialias cases: downscale 4x, 3x, 2.5x, 1.3x, upscale 2x, 1.5x, odd shapes.
AA_SIZE = [
    ((12, 8), (3, 2)), ((12, 9), (4, 3)), ((10, 5), (4, 2)),
    ((13, 9), (10, 7)), ((5, 4), (10, 8)), ((6, 4), (9, 6)),
    ((12, 8), (5, 3)), ((9, 12), (3, 8)), ((1, 5), (3, 2)), ((7, 7), (1, 1)),
    ((6, 6), (6, 6)),
]
AA_SCALE = [
    ((12, 8), (0.25, 0.25)), ((10, 7), (0.4, 0.4)), ((6, 4), (1.5, 1.5)),
    ((13, 6), (1.0 / 1.3, 1.0 / 1.3)), ((12, 5), (0.3, 2.1)),
    ((9, 9), (1.0 / 3.0, 2.0)),
]

THREE_D_SIZE = [
    ((3, 4, 5), (5, 3, 7)), ((4, 4, 4), (2, 2, 2)), ((1, 2, 3), (3, 2, 1)),
    ((2, 3, 4), (4, 6, 8)), ((3, 3, 4), (3, 3, 4)), ((5, 7, 4), (3, 4, 6)),
]
THREE_D_SCALE = [
    ((2, 3, 4), (1.7, 0.5, 2.0)), ((3, 2, 3), (2.0, 2.0, 2.0)),
    ((6, 4, 5), (0.5, 0.75, 1.0 / 3.0)), ((3, 4, 2), (2.1, 1.0, 1.5)),
]

# A few 2-D cases with a batch and several channels.
BATCHED = [
    # (mode, antialias, align_corners, in_hw, size, scale, recompute)
    ("nearest", False, None, (5, 6), (7, 4), None, None),
    ("nearest-exact", False, None, (5, 5), None, (2.1, 2.1), None),
    ("area", False, None, (7, 5), (3, 4), None, None),
    ("linear", False, False, (6, 8), None, (1.7, 0.5), None),
    ("linear", False, True, (4, 5), (7, 3), None, None),
    ("cubic", False, True, (5, 6), (8, 4), None, None),
    ("cubic", False, None, (6, 7), None, (1.7, 1.7), True),
    ("linear", True, False, (12, 9), (4, 3), None, None),
    ("cubic", True, None, (10, 15), (4, 6), None, None),
]

RECOMPUTES = (None, False, True)


def fmt_num(v):
    """Short label for a number inside a case name."""
    return "%g" % v


def case_name(mode, nd, aa, ac, in_sp, size, scale, rsf, n, c):
    tag = {"nearest-exact": "nearestexact"}.get(mode, mode)
    parts = [("aa" if aa else "") + "%s%dd" % (tag, nd)]
    if mode in ("linear", "cubic"):
        parts.append("ac" + ("None" if ac is None else str(int(ac))))
    if size is not None:
        parts.append("size" + "x".join(str(s) for s in size))
    else:
        parts.append("scale" + "x".join(fmt_num(s) for s in scale))
        parts.append("rsf" + ("None" if rsf is None else str(int(rsf))))
    parts.append("in" + "x".join(str(s) for s in in_sp))
    if (n, c) != (1, 1):
        parts.append("n%dc%d" % (n, c))
    return "_".join(parts)


def make_case(mode, aa, ac, in_sp, size=None, scale=None, rsf=None, n=1, c=1):
    in_sp = tuple(in_sp)
    nd = len(in_sp)
    return {
        "name": case_name(mode, nd, aa, ac, in_sp, size, scale, rsf, n, c),
        "mode": mode,
        "antialias": aa,
        "align_corners": ac,
        "recompute": rsf,
        "in_shape": (n, c) + in_sp,
        "size": None if size is None else tuple(size),
        "scale": None if scale is None else tuple(float(s) for s in scale),
    }


def spec_cases(mode, aa, acs, size_specs, scale_specs, n, c):
    """All size/scale/align_corners/recompute combinations for one mode."""
    out = []
    for ac in acs:
        for in_sp, size in size_specs:
            out.append(make_case(mode, aa, ac, as_tuple(in_sp), size=as_tuple(size), n=n, c=c))
        for in_sp, scale in scale_specs:
            # area always recomputes inside torch, and when in*scale is whole
            # and 1/scale == in/out on every axis, recomputing changes
            # nothing: one variant is enough then.
            exact = all(float(i) * s == math.floor(float(i) * s)
                        and 1.0 / s == float(i) / math.floor(float(i) * s)
                        for i, s in zip(as_tuple(in_sp), as_tuple(scale)))
            rsfs = (None,) if mode == "area" or exact else RECOMPUTES
            for rsf in rsfs:
                out.append(make_case(mode, aa, ac, as_tuple(in_sp), scale=as_tuple(scale),
                                     rsf=rsf, n=n, c=c))
    return out


def as_tuple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


def nearest_mismatch_pairs(limit=40):
    """(in, out) pairs where torch's float32 nearest index differs from exact.

    Uses torch itself on an arange input (indices are exact in float32) and
    compares with floor(o*in/out) (nearest) and floor((o+0.5)*in/out)
    (nearest-exact), both clamped to in-1, computed with rationals.
    """
    found = {"nearest": [], "nearest-exact": []}
    for mode in found:
        for i in range(1, limit + 1):
            x = torch.arange(i, dtype=torch.float32).view(1, 1, i)
            for o in range(1, limit + 1):
                got = F.interpolate(x, size=(o,), mode=mode).view(-1).long().tolist()
                if mode == "nearest":
                    want = [min(int(Fraction(k * i, o)), i - 1) for k in range(o)]
                else:
                    want = [min(int(Fraction((2 * k + 1) * i, 2 * o)), i - 1) for k in range(o)]
                if got != want:
                    found[mode].append((i, o))
    return found


def build_cases(mismatch):
    cases = []
    one_d_size = [(i, o) for i, o in ONE_D_SIZE]
    extra = sorted(set(mismatch["nearest"]) | set(mismatch["nearest-exact"]))
    for mode in ("nearest", "nearest-exact", "area"):
        sizes = one_d_size + (extra if mode != "area" else [])
        cases += spec_cases(mode, False, (None,), sizes, ONE_D_SCALE, 1, 2)
        cases += spec_cases(mode, False, (None,), TWO_D_SIZE, TWO_D_SCALE, 1, 1)
        cases += spec_cases(mode, False, (None,), THREE_D_SIZE, THREE_D_SCALE, 1, 1)
    acs = (None, False, True)
    cases += spec_cases("linear", False, acs, one_d_size, ONE_D_SCALE, 1, 2)
    cases += spec_cases("linear", False, acs, TWO_D_SIZE, TWO_D_SCALE, 1, 1)
    cases += spec_cases("linear", False, acs, THREE_D_SIZE, THREE_D_SCALE, 1, 1)
    cases += spec_cases("cubic", False, acs, TWO_D_SIZE, TWO_D_SCALE, 1, 1)
    cases += spec_cases("linear", True, acs, AA_SIZE, AA_SCALE, 1, 1)
    cases += spec_cases("cubic", True, acs, AA_SIZE, AA_SCALE, 1, 1)
    # Two 2-D cases hitting the float32 nearest index pairs on both axes.
    if mismatch["nearest"] and mismatch["nearest-exact"]:
        (i0, o0), (i1, o1) = mismatch["nearest"][0], mismatch["nearest-exact"][0]
        for mode in ("nearest", "nearest-exact"):
            cases.append(make_case(mode, False, None, (i0, i1), size=(o0, o1)))
    for mode, aa, ac, in_hw, size, scale, rsf in BATCHED:
        cases.append(make_case(mode, aa, ac, in_hw, size=size, scale=scale, rsf=rsf, n=2, c=3))
    return cases


# ---------------------------------------------------------------------------
# Running torch
# ---------------------------------------------------------------------------

def torch_mode(mode, nd):
    if mode == "linear":
        return LINEAR_BY_DIMS[nd]
    if mode == "cubic":
        return "bicubic"
    return mode


def run_interp(x, case, g):
    nd = len(case["in_shape"]) - 2
    x = x.detach().clone().requires_grad_(True)
    kwargs = {
        "mode": torch_mode(case["mode"], nd),
        "align_corners": case["align_corners"],
        "recompute_scale_factor": case["recompute"],
        "antialias": case["antialias"],
    }
    if case["size"] is not None:
        kwargs["size"] = case["size"]
    else:
        kwargs["scale_factor"] = case["scale"]
    y = F.interpolate(x, **kwargs)
    if g is None:
        return y, None
    y.backward(g.to(y.dtype))
    return y, x.grad


def compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    x32 = torch.randn(case["in_shape"], generator=gen, dtype=torch.float32)
    y_shape, _ = run_interp(x32, case, None)
    g = torch.randn(tuple(y_shape.shape), generator=gen, dtype=torch.float32)
    y32, gx32 = run_interp(x32, case, g)
    y64, gx64 = run_interp(x32.double(), case, g)
    return x32, y32, y64, g, gx32, gx64


def fmt_values(tag, t, fmt):
    vals = t.detach().reshape(-1).tolist()
    return "%s %d %s" % (tag, len(vals), " ".join(fmt % v for v in vals))


def tri(v):
    return -1 if v is None else int(v)


def case_text(case, tensors):
    x32, y32, y64, g, gx32, gx64 = tensors
    lines = [
        "case " + case["name"],
        "mode " + case["mode"],
        "antialias %d" % int(case["antialias"]),
        "align_corners %d" % tri(case["align_corners"]),
        "recompute %d" % tri(case["recompute"]),
        "in_shape " + " ".join(str(s) for s in case["in_shape"]),
    ]
    if case["size"] is not None:
        lines.append("size " + " ".join(str(s) for s in case["size"]))
    else:
        lines.append("scale " + " ".join(repr(float(s)) for s in case["scale"]))
    lines.append("out_shape " + " ".join(str(s) for s in y32.shape))
    lines.append(fmt_values("x", x32, "%.9g"))
    lines.append(fmt_values("y32", y32, "%.9g"))
    lines.append(fmt_values("y64", y64, "%.17g"))
    lines.append(fmt_values("g", g, "%.9g"))
    lines.append(fmt_values("gx32", gx32, "%.9g"))
    lines.append(fmt_values("gx64", gx64, "%.17g"))
    lines.append("end")
    return "\n".join(lines) + "\n"


def generate(outdir):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    mismatch = nearest_mismatch_pairs()
    cases = build_cases(mismatch)
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit("duplicate case names: %s" % dup)

    body = []
    skipped = []
    for case in cases:
        try:
            tensors = compute(case)
        except (RuntimeError, ValueError, NotImplementedError) as e:
            skipped.append((case["name"], str(e).splitlines()[0]))
            continue
        body.append(case_text(case, tensors))

    header = [
        "# clresample golden data: torch.nn.functional.interpolate forward and backward",
        "# torch %s, numpy %s" % (torch.__version__, np.__version__),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
    ]
    for mode in ("nearest", "nearest-exact"):
        header.append("# %s (in,out) pairs, in/out 1..40, where torch float32 index != exact: %s"
                      % (mode, " ".join("%d,%d" % p for p in mismatch[mode]) or "none"))
    header += [
        "# note: torch 1.13 CPU picks nearest/nearest-exact source indices with a float32",
        "#   scale, except the 1-D forward, which uses the tensor's dtype (double in y64).",
        "#   For nearest, the 2-D/3-D forward and every backward copy when out == in and",
        "#   use i >> 1 when out == 2*in, even when a scale_factor (e.g. 2.1) was given;",
        "#   the 1-D forward does not (see nearest1d_scale2.1_rsfNone_in5_n1c2).",
    ]
    header.append("# cases %d" % len(body))

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)

    for name, why in skipped:
        print("skipped %s: %s" % (name, why))
    for mode in ("nearest", "nearest-exact"):
        print("%s float32-vs-exact pairs: %s" % (mode, mismatch[mode]))
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


# ---------------------------------------------------------------------------
# Checking the file
# ---------------------------------------------------------------------------

REQUIRED = ("mode", "antialias", "align_corners", "recompute", "in_shape", "out_shape",
            "x", "y32", "y64", "g", "gx32", "gx64")
VALUE_KEYS = ("x", "y32", "y64", "g", "gx32", "gx64")
F32_KEYS = ("x", "y32", "g", "gx32")


def check_case(rec):
    name = rec["case"][0]
    for k in REQUIRED:
        assert k in rec, "%s: missing %s" % (name, k)
    assert ("size" in rec) != ("scale" in rec), "%s: need exactly one of size/scale" % name
    mode = rec["mode"][0]
    assert mode in MODES, "%s: bad mode %s" % (name, mode)
    aa = int(rec["antialias"][0])
    ac = int(rec["align_corners"][0])
    rsf = int(rec["recompute"][0])
    assert aa in (0, 1) and ac in (-1, 0, 1) and rsf in (-1, 0, 1), name
    ins = [int(v) for v in rec["in_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    nd = len(ins) - 2
    assert 1 <= nd <= 3 and len(outs) == len(ins), "%s: bad rank" % name
    assert ins[:2] == outs[:2], "%s: N/C differ" % name
    if mode in ("nearest", "nearest-exact", "area"):
        assert ac == -1 and aa == 0, name
    if mode == "cubic" or aa:
        assert nd == 2 and mode in ("linear", "cubic"), name
    if "size" in rec:
        size = [int(v) for v in rec["size"]]
        assert len(size) == nd and size == outs[2:], "%s: size/out_shape" % name
        assert rsf == -1, name
    else:
        scale = [float(v) for v in rec["scale"]]
        assert len(scale) == nd, "%s: scale length" % name
        want = [int(math.floor(float(i) * s)) for i, s in zip(ins[2:], scale)]
        assert want == outs[2:], "%s: scale/out_shape" % name
    n_in, n_out = math.prod(ins), math.prod(outs)
    for k in VALUE_KEYS:
        cnt = int(rec[k][0])
        toks = rec[k][1:]
        vals = [float(v) for v in toks]
        assert cnt == len(vals), "%s: %s count %d != %d values" % (name, k, cnt, len(vals))
        want = n_in if k in ("x", "gx32", "gx64") else n_out
        assert cnt == want, "%s: %s count %d, shape says %d" % (name, k, cnt, want)
        assert all(math.isfinite(v) for v in vals), "%s: %s not finite" % (name, k)
        # Each value must round-trip: float32 ones through a float32.
        if k in F32_KEYS:
            back = ["%.9g" % float(v) for v in np.array(vals, dtype=np.float32)]
        else:
            back = ["%.17g" % v for v in vals]
        assert back == toks, "%s: %s values do not round-trip" % (name, k)


def check(outdir):
    path = os.path.join(outdir, FILENAME)
    declared = None
    names = set()
    rec = None
    count = 0
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if line.startswith("# cases "):
                    declared = int(line.split()[2])
                continue
            if not line:
                continue
            key, _, rest = line.partition(" ")
            fields = rest.split()
            if key == "case":
                assert rec is None, "case inside case: %s" % line
                rec = {"case": fields}
                assert len(fields) == 1 and fields[0] not in names, "bad/duplicate name %s" % rest
                names.add(fields[0])
            elif key == "end":
                assert rec is not None, "end without case"
                check_case(rec)
                count += 1
                rec = None
            else:
                assert rec is not None and key not in rec, "stray or repeated %s" % key
                rec[key] = fields
    assert rec is None, "unterminated case"
    assert declared == count, "header says %s cases, found %d" % (declared, count)
    print("check ok: %d cases in %s" % (count, path))


def main(argv):
    args = [a for a in argv if a != "--check"]
    if len(args) > 1:
        raise SystemExit("usage: gen-golden.py [--check] [OUTDIR]")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = args[0] if args else os.path.join(repo, "tests", "golden")
    if "--check" not in argv:
        generate(outdir)
    check(outdir)


if __name__ == "__main__":
    main(sys.argv[1:])
