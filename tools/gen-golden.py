#!/usr/bin/python3
"""Golden reference data for clresample's interpolate, grid_sample and affine_grid tests.

This script owns tests/golden/interpolate.txt, tests/golden/grid_sample.txt and
tests/golden/affine_grid.txt.  It runs PyTorch's torch.nn.functional.interpolate,
grid_sample and affine_grid (forward and backward, in float32 and in float64)
on small random tensors over fixed lists of cases and writes the inputs,
outputs and gradients as text for the C tests to compare against.

Usage:
    /usr/bin/python3 tools/gen-golden.py [OUTDIR]          write the three files into OUTDIR
    /usr/bin/python3 tools/gen-golden.py --check [OUTDIR]  re-read them and check them

OUTDIR defaults to <repo>/tests/golden.  The output is deterministic: every
case seeds its own torch.Generator from zlib.crc32 of its name.  Each file
starts with '#' header lines (torch version, notes, and '# cases <count>');
'#' lines are comments and may appear anywhere.  A value list is
'<tag> <count> <v>...' with float32 values as '%.9g' (they round-trip through
a float32) and float64 values as '%.17g'; multi-dimensional tensors are listed
in C (row-major) order.  Every record ends with 'end'.

interpolate.txt:
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

grid_sample.txt (F.grid_sample(x, grid, mode, padding_mode, align_corners)):
    case <name>
    mode <bilinear|nearest|bicubic>
    padding <zeros|border|reflection>
    align_corners <0|1>
    in_shape <N> <C> <H> <W>        or N C D H W (5-D)
    grid_shape <N> <Ho> <Wo> 2      or N Do Ho Wo 3; grid[..., 0] is x (W),
                                    grid[..., 1] is y (H), grid[..., 2] is z (D)
    out_shape <N> <C> <Ho> <Wo>     or N C Do Ho Wo
    x <count> <v>...                float32 input ('%.9g')
    grid <count> <v>...             float32 grid ('%.9g')
    y32 <count> <v>...              output of the float32 run ('%.9g')
    y64 <count> <v>...              output of the float64 run on x.double(),
                                    grid.double() ('%.17g')
    g <count> <v>...                float32 grad_output ('%.9g')
    gx32 <count> <v>...             input gradient, float32 run ('%.9g')
    gg32 <count> <v>...             grid gradient, float32 run ('%.9g')
    gx64 <count> <v>...             input gradient, float64 run ('%.17g')
    gg64 <count> <v>...             grid gradient, float64 run ('%.17g')
    end
  Case names are gs<2|3>d_<mode>_<padding>_ac<0|1>_<kind>_in<spatial>_out<spatial>_n<N>c<C>
  with kind one of:
    rand     grid uniform in [-1.3, 1.3]
    centres  every multiple of 0.5 from -0.5 to size-0.5 in unnormalized
             coordinates (pixel centres and the points halfway between them),
             per axis, crossed; each grid value is the float32 whose
             unnormalized coordinate is exactly that multiple of 0.5 in float32
             under every usual evaluation order (with and without a fused
             multiply-add).  Two comments precede the case, per axis (x y [z]):
             '# not-exact-in-float32 <list|->' names the multiples no float32
             grid value can hit (e.g. u=0 and 0.5 for size 5, align_corners=0;
             those get the nearest value all evaluation orders agree on), and
             '# ties-exact-in-float64 <yes|no>...' says whether the points are
             exact in float64 too; where not, the float64 run sees k+0.5 plus
             or minus a tiny amount, so nearest's y64 and bilinear's gg64 can
             differ from y32/gg32 by O(1) there.
             The 4-D nearest kernel rounds ties half to even; the 5-D one
             half away from zero (see the probe lines in the file's header).
    affine   F.affine_grid of a small random rotation + scale + shift
    extreme  per-axis values from -10.3 .. 10.3, exactly -1, 0 and 1
             included (crossed for 4-D, drawn at random for 5-D)

affine_grid.txt (F.affine_grid(theta, size, align_corners)):
    case <name>
    align_corners <0|1>
    size <N> <C> <H> <W>            or N C D H W
    theta <count> <v>...            float32 theta, N x 2 x 3 or N x 3 x 4 ('%.9g')
    grid32 <count> <v>...           output of the float32 run, N x H x W x 2 or
                                    N x D x H x W x 3 ('%.9g')
    grid64 <count> <v>...           output of the float64 run on theta.double() ('%.17g')
    g <count> <v>...                float32 grad wrt the grid output ('%.9g')
    gt32 <count> <v>...             theta gradient, float32 run ('%.9g')
    gt64 <count> <v>...             theta gradient, float64 run ('%.17g')
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
# grid_sample
# ---------------------------------------------------------------------------

GS_FILENAME = "grid_sample.txt"
GS_MODES = ("bilinear", "nearest", "bicubic")
GS_PADDINGS = ("zeros", "border", "reflection")
GS_KINDS = ("rand", "centres", "affine", "extreme")

# Per rank: (kind, N, C, input spatial, output spatial).  Output spatial is
# ignored for 'centres' (it follows from the input) and for 4-D 'extreme'
# (the crossed value list fixes it).
GS_SHAPES = {
    2: [
        ("rand", 1, 1, (4, 5), (3, 4)),
        ("rand", 2, 3, (1, 3), (2, 2)),
        ("rand", 1, 2, (6, 6), (5, 3)),
        ("centres", 1, 2, (4, 5), None),
        ("centres", 1, 1, (6, 6), None),
        ("centres", 2, 3, (1, 3), None),
        ("affine", 2, 2, (4, 5), (3, 4)),
        ("affine", 1, 1, (6, 6), (5, 6)),
        ("extreme", 1, 1, (4, 5), None),
    ],
    3: [
        ("rand", 1, 2, (3, 4, 5), (2, 2, 3)),
        ("rand", 2, 1, (1, 3, 4), (2, 3, 2)),
        ("centres", 1, 1, (2, 3, 4), None),
        ("centres", 2, 1, (3, 1, 2), None),
        ("affine", 2, 1, (3, 4, 5), (2, 2, 3)),
        ("extreme", 1, 1, (3, 4, 5), (3, 4, 6)),
    ],
}

# Grid values for the 'extreme' kind: far outside (reflection wraps several
# times), the corners -1/1 exactly, just inside, and some inside points.
GS_EXTREME = (-10.3, -7.9, -3.7, -3.0, -1.5, -1.0, 0.0, 0.4, 1.0, 1.5, 3.0, 3.7, 5.25)


def gs_case_name(nd, mode, pad, ac, kind, n, c, in_sp, out_sp):
    return "gs%dd_%s_%s_ac%d_%s_in%s_out%s_n%dc%d" % (
        nd, mode, pad, ac, kind, "x".join(map(str, in_sp)), "x".join(map(str, out_sp)), n, c)


def round_f32(r):
    """Fraction -> the nearest float32 (ties to even), without double rounding."""
    f = np.float32(float(r))
    best = None
    for cand in (np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))):
        d = abs(Fraction(float(cand)) - r)
        even = (int(np.array(cand, dtype=np.float32).view(np.int32)) & 1) == 0
        if best is None or d < best[0] or (d == best[0] and even):
            best = (d, cand)
    return np.float32(best[1])


def unnormalize_variants(x, size, ac):
    """float32 unnormalized coordinates of grid value x, several evaluation orders.

    torch 1.13's CPU 2-D kernel (AVX2) computes (x+1)*(size-1)/2 and, for
    align_corners=0, fma(x+1, size/2, -0.5); the 3-D kernel computes
    ((x+1)/2)*(size-1) and ((x+1)*size-1)/2 with separate roundings.
    """
    f32 = np.float32
    t = x + f32(1)
    if ac:
        return {t * f32((size - 1) / 2.0), (t / f32(2)) * f32(size - 1), (t * f32(size - 1)) / f32(2)}
    return {
        t * f32(size / 2.0) - f32(0.5),
        round_f32(Fraction(float(t)) * Fraction(size, 2) - Fraction(1, 2)),
        (t * f32(size) - f32(1)) / f32(2),
        round_f32(Fraction(float(t)) * size - 1) / f32(2),
    }


def grid_value_for(u, size, ac):
    """A float32 grid value whose unnormalized coordinate is u (a multiple of 0.5).

    Prefers a value that maps to exactly u in float32 under every evaluation
    order of unnormalize_variants; when none exists (e.g. u=0 for size 5,
    align_corners=0: no float32 x has (x+1)*2.5 rounding to 0.5), takes the
    nearest one on which all the orders agree.  Returns (value, exact in
    float32, exact in float64 (rational arithmetic)).
    """
    u = Fraction(u)
    if ac and size == 1:
        # (x+1)/2*0: every x maps to 0.
        assert u == 0
        return np.float32(0.0), True, True
    ideal = 2 * u / (size - 1) - 1 if ac else (2 * u + 1) / size - 1
    start = round_f32(ideal)
    want = np.float32(float(u))
    cands = [start]
    for sgn in (1, -1):
        x = start
        for _ in range(64):
            x = np.nextafter(x, np.float32(sgn * np.inf))
            cands.append(x)
    cands.sort(key=lambda c: abs(Fraction(float(c)) - ideal))
    agreeing = []
    for x in cands:
        got = unnormalize_variants(x, size, ac)
        if got == {want}:
            return np.float32(x), True, Fraction(float(x)) == ideal
        if len(got) == 1:
            agreeing.append((abs(Fraction(float(next(iter(got)))) - u), x))
    if not agreeing:
        raise SystemExit("no float32 grid value maps to %s (size %d, align_corners %d)" % (u, size, ac))
    return np.float32(min(agreeing, key=lambda t: t[0])[1]), False, False


def centre_values(size, ac):
    """Per-axis grid values for the 'centres' kind, with the multiples of 0.5
    (unnormalized) that are not hit exactly in float32, and whether every one is
    exact in float64 too."""
    if ac and size == 1:
        return [np.float32(-1.0), np.float32(0.0), np.float32(1.0)], [], True
    vals, missed, exact64 = [], [], True
    for k2 in range(-1, 2 * size):
        v, e32, e64 = grid_value_for(Fraction(k2, 2), size, ac)
        vals.append(v)
        if not e32:
            missed.append(k2 / 2.0)
        exact64 = exact64 and e64
    return vals, missed, exact64


def theta_small(gen, n, nd):
    """n small rotation + scale + shift matrices (float32), 2x3 or 3x4."""
    def uni(lo, hi, shape):
        return torch.rand(shape, generator=gen, dtype=torch.float64) * (hi - lo) + lo
    thetas = []
    for _ in range(n):
        if nd == 2:
            a = float(uni(-0.5, 0.5, ()))
            rot = torch.tensor([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]],
                               dtype=torch.float64)
        else:
            a, b = (float(v) for v in uni(-0.5, 0.5, (2,)))
            rz = torch.tensor([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0],
                               [0, 0, 1]], dtype=torch.float64)
            rx = torch.tensor([[1, 0, 0], [0, math.cos(b), -math.sin(b)],
                               [0, math.sin(b), math.cos(b)]], dtype=torch.float64)
            rot = rz @ rx
        scale = torch.diag(uni(0.8, 1.25, (nd,)))
        shift = uni(-0.2, 0.2, (nd, 1))
        thetas.append(torch.cat([rot @ scale, shift], dim=1))
    return torch.stack(thetas).to(torch.float32)


def gs_build_cases():
    cases = []
    for nd in (2, 3):
        modes = GS_MODES if nd == 2 else ("bilinear", "nearest")
        for mode in modes:
            for pad in GS_PADDINGS:
                for ac in (0, 1):
                    for kind, n, c, in_sp, out_sp in GS_SHAPES[nd]:
                        if kind == "centres":
                            out_sp = tuple(len(centre_values(s, ac)[0]) for s in in_sp)
                        elif kind == "extreme" and nd == 2:
                            out_sp = (len(GS_EXTREME), len(GS_EXTREME))
                        cases.append({
                            "name": gs_case_name(nd, mode, pad, ac, kind, n, c, in_sp, out_sp),
                            "nd": nd, "mode": mode, "padding": pad, "align_corners": ac,
                            "kind": kind, "in_shape": (n, c) + tuple(in_sp),
                            "out_sp": tuple(out_sp),
                        })
    return cases


def gs_make_grid(case, gen):
    """The float32 grid of a case; also a comment line or None."""
    nd, ac, kind = case["nd"], case["align_corners"], case["kind"]
    n = case["in_shape"][0]
    in_sp = case["in_shape"][2:]
    out_sp = case["out_sp"]
    shape = (n,) + out_sp + (nd,)
    if kind == "rand":
        return torch.rand(shape, generator=gen, dtype=torch.float32) * 2.6 - 1.3, None
    if kind == "affine":
        theta = theta_small(gen, n, nd)
        size = (n, 1) + out_sp
        return F.affine_grid(theta, size, align_corners=bool(ac)), None
    if kind == "centres":
        # grid[..., 0] indexes the last (W) axis; per-axis lists crossed.
        axes, exact, missed = [], [], []
        for s in reversed(in_sp):               # x (W), y (H), z (D)
            vals, miss, e = centre_values(s, ac)
            axes.append(torch.tensor(np.array(vals, dtype=np.float32)))
            exact.append(e)
            missed.append(",".join("%g" % m for m in miss) or "-")
        mesh = torch.meshgrid(*reversed(axes), indexing="ij")   # D/H/W order
        grid = torch.stack(list(reversed(mesh)), dim=-1)        # last dim: x, y, z
        grid = grid.unsqueeze(0).expand(shape).contiguous()
        note = ("# ties-exact-in-float64 %s\n# not-exact-in-float32 %s"
                % (" ".join("yes" if e else "no" for e in exact), " ".join(missed)))
        return grid, note
    # extreme
    ext = torch.tensor(GS_EXTREME, dtype=torch.float32)
    if nd == 2:
        gy, gx = torch.meshgrid(ext, ext, indexing="ij")
        grid = torch.stack([gx, gy], dim=-1).unsqueeze(0).expand(shape).contiguous()
        return grid, None
    idx = torch.randint(0, len(GS_EXTREME), shape, generator=gen)
    return ext[idx], None


def run_gs(x, grid, case, g):
    x = x.detach().clone().requires_grad_(True)
    grid = grid.detach().clone().requires_grad_(True)
    y = F.grid_sample(x, grid, mode=case["mode"], padding_mode=case["padding"],
                      align_corners=bool(case["align_corners"]))
    y.backward(g.to(y.dtype))
    gg = grid.grad if grid.grad is not None else torch.zeros_like(grid)
    return y, x.grad, gg


def gs_compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    x32 = torch.randn(case["in_shape"], generator=gen, dtype=torch.float32)
    grid32, note = gs_make_grid(case, gen)
    out_shape = case["in_shape"][:2] + case["out_sp"]
    g = torch.randn(out_shape, generator=gen, dtype=torch.float32)
    y32, gx32, gg32 = run_gs(x32, grid32, case, g)
    y64, gx64, gg64 = run_gs(x32.double(), grid32.double(), case, g)
    assert tuple(y32.shape) == out_shape, case["name"]
    for t in (grid32, y32, y64, gx32, gg32, gx64, gg64):
        assert torch.isfinite(t).all(), case["name"]
    return note, (x32, grid32, y32, y64, g, gx32, gg32, gx64, gg64)


def gs_case_text(case, note, tensors):
    x32, grid32, y32, y64, g, gx32, gg32, gx64, gg64 = tensors
    lines = [note] if note else []
    lines += [
        "case " + case["name"],
        "mode " + case["mode"],
        "padding " + case["padding"],
        "align_corners %d" % case["align_corners"],
        "in_shape " + " ".join(str(s) for s in x32.shape),
        "grid_shape " + " ".join(str(s) for s in grid32.shape),
        "out_shape " + " ".join(str(s) for s in y32.shape),
        fmt_values("x", x32, "%.9g"),
        fmt_values("grid", grid32, "%.9g"),
        fmt_values("y32", y32, "%.9g"),
        fmt_values("y64", y64, "%.17g"),
        fmt_values("g", g, "%.9g"),
        fmt_values("gx32", gx32, "%.9g"),
        fmt_values("gg32", gg32, "%.9g"),
        fmt_values("gx64", gx64, "%.17g"),
        fmt_values("gg64", gg64, "%.17g"),
        "end",
    ]
    return "\n".join(lines) + "\n"


def _gs_line(nd, vals, xs, mode, pad, ac, dtype=torch.float32):
    """grid_sample along W of a 1 x ... x len(vals) input; returns (y, gx, gg_x) lists."""
    w = len(vals)
    x = torch.tensor(vals, dtype=dtype).view((1, 1) + (1,) * (nd - 1) + (w,)).requires_grad_(True)
    grid = torch.zeros((1,) + (1,) * (nd - 1) + (len(xs), nd), dtype=dtype)
    grid[..., 0] = torch.tensor(xs, dtype=torch.float32).to(dtype)
    grid.requires_grad_(True)
    y = F.grid_sample(x, grid, mode=mode, padding_mode=pad, align_corners=bool(ac))
    y.sum().backward()
    gg = grid.grad if grid.grad is not None else torch.zeros_like(grid)
    return (y.reshape(-1).tolist(), x.grad.reshape(-1).tolist(), gg[..., 0].reshape(-1).tolist())


def gs_probes():
    """Observed torch behaviour worth knowing, as header comment lines."""
    def fl(vs):
        return " ".join("%.9g" % v for v in vs)
    notes = []
    vals = [10.0, 11.0, 12.0, 13.0, 14.0]
    # ties at u = -0.5, 0.5, ..., 4.5 with align_corners=1 on W=5 (x = -1 + (2k+1)/4, exact)
    ties = [-1.0 + (2 * k + 1) / 4.0 for k in range(-1, 5)]
    notes.append("# probe: input [10 11 12 13 14] (W=5), align_corners=1, nearest, zeros padding,")
    notes.append("#   x = %s (unnormalized u = -0.5 0.5 1.5 2.5 3.5 4.5 exactly):" % fl(ties))
    for nd in (2, 3):
        y, gx, gg = _gs_line(nd, vals, ties, "nearest", "zeros", 1)
        notes.append("#   %d-D: y = %s, grad_input (g=1) = %s, grad_grid = %s"
                     % (nd + 2, fl(y), fl(gx), fl(gg)))
    y2 = _gs_line(2, vals, ties, "nearest", "zeros", 1)[0]
    y3 = _gs_line(3, vals, ties, "nearest", "zeros", 1)[0]
    notes.append("#   so 4-D nearest rounds ties half to even%s; 5-D rounds them half away from zero%s"
                 % (" (u=-0.5 -> index -0 = 0, in bounds)" if y2[0] == 10.0 else "",
                    " (u=-0.5 -> -1, out of bounds)" if y3[0] == 0.0 else ""))
    notes.append("#   (torch 1.13 CPU: 2-D kernel uses round-to-nearest-even, 3-D uses std::round).")
    # 2-D align_corners=0 unnormalize: fused or not?
    w = 7
    xs = np.linspace(-1, 1, 2001).astype(np.float32)
    sep = [(x + np.float32(1)) * np.float32(w / 2.0) - np.float32(0.5) for x in xs]
    fused = [round_f32(Fraction(float(x + np.float32(1))) * Fraction(w, 2) - Fraction(1, 2)) for x in xs]
    diff = [i for i in range(len(xs)) if sep[i] != fused[i] and 0 < fused[i] < w - 1]
    if diff:
        i = diff[0]
        ramp = [float(k) for k in range(w)]
        y2 = _gs_line(2, ramp, [float(xs[i])], "bilinear", "border", 0)[0][0]
        y3 = _gs_line(3, ramp, [float(xs[i])], "bilinear", "border", 0)[0][0]
        notes.append("# probe: align_corners=0, W=7, x=%.9g: (x+1)*3.5-0.5 is %.9g rounded twice, %.9g"
                     " rounded once (fma);" % (xs[i], sep[i], fused[i]))
        notes.append("#   bilinear on [0 1 .. 6] gives %.9g in 4-D and %.9g in 5-D (%d of %d points"
                     " in [-1,1] differ)" % (y2, y3, len(diff), len(xs)))
    # reflection far outside
    for ac in (1, 0):
        xs = [-10.3, -3.7, 3.7, 10.3]
        ramp = [0.0, 1.0, 2.0, 3.0, 4.0]
        y, gx, gg = _gs_line(2, ramp, xs, "bilinear", "reflection", ac)
        notes.append("# probe: reflection, align_corners=%d, bilinear on [0 1 2 3 4] at x = %s:"
                     " y = %s, grad_grid = %s" % (ac, fl(xs), fl(y), fl(gg)))
    # gradients at the exact corners
    for pad in GS_PADDINGS:
        y, gx, gg = _gs_line(2, [0.0, 1.0, 2.0, 3.0, 4.0], [-1.0, 1.0], "bilinear", pad, 1)
        y3, gx3, gg3 = _gs_line(3, [0.0, 1.0, 2.0, 3.0, 4.0], [-1.0, 1.0], "bilinear", pad, 1)
        notes.append("# probe: %s, align_corners=1, bilinear on [0 1 2 3 4] at x = -1 1: y = %s,"
                     " grad_grid = %s (4-D) %s (5-D)" % (pad, fl(y), fl(gg), fl(gg3)))
    # bicubic pads each of the 4x4 taps, not the source coordinate
    for pad in GS_PADDINGS:
        y, gx, gg = _gs_line(2, [0.0, 1.0, 2.0, 3.0, 4.0], [1.25, 3.7], "bicubic", pad, 1)
        yl = _gs_line(2, [0.0, 1.0, 2.0, 3.0, 4.0], [1.25, 3.7], "bilinear", pad, 1)[0]
        notes.append("# probe: %s, align_corners=1, on [0 1 2 3 4] at x = 1.25 3.7 (u = 4.5 9.4):"
                     " bicubic y = %s, grad_grid = %s; bilinear y = %s" % (pad, fl(y), fl(gg), fl(yl)))
    notes.append("#   (bicubic applies the padding to each tap index, so border can overshoot the input"
                 " range and reflection differs from reflecting u)")
    return notes


def generate_grid_sample(outdir):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    cases = gs_build_cases()
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit("duplicate case names: %s" % dup)
    body = []
    for case in cases:
        note, tensors = gs_compute(case)
        body.append(gs_case_text(case, note, tensors))
    header = [
        "# clresample golden data: torch.nn.functional.grid_sample forward and backward",
        "# torch %s, numpy %s, %s" % (torch.__version__, np.__version__, cpu_capability()),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
        "# note: grad_grid for mode nearest is all zeros (torch returns zeros).",
    ]
    header += gs_probes()
    header.append("# cases %d" % len(body))
    path = os.path.join(outdir, GS_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    for line in header:
        if line.startswith("# probe") or line.startswith("#   "):
            print(line)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.strip(" -")
    return "CPU capability unknown"


# ---------------------------------------------------------------------------
# affine_grid
# ---------------------------------------------------------------------------

AG_FILENAME = "affine_grid.txt"
AG_SIZES = [
    (1, 1, 4, 5), (2, 3, 1, 6), (3, 1, 5, 1), (1, 2, 1, 1), (2, 1, 7, 3), (3, 2, 2, 2),
    (1, 1, 3, 8),
    (1, 1, 2, 3, 4), (2, 2, 1, 3, 5), (3, 1, 4, 1, 2), (1, 1, 1, 1, 1), (2, 1, 3, 4, 1),
    (1, 3, 2, 2, 6), (3, 1, 1, 5, 3),
]
# (size, align_corners) pairs that also get a rotation + scale + shift theta.
AG_ROT = [((1, 1, 4, 5), 0), ((2, 1, 7, 3), 1), ((1, 1, 2, 3, 4), 1), ((2, 2, 1, 3, 5), 0)]


def ag_build_cases():
    cases = []
    for size in AG_SIZES:
        for ac in (0, 1):
            kinds = ("rand", "rot") if (size, ac) in AG_ROT else ("rand",)
            for kind in kinds:
                name = "ag%dd_ac%d_%s_size%s" % (len(size) - 2, ac, kind, "x".join(map(str, size)))
                cases.append({"name": name, "size": size, "align_corners": ac, "kind": kind})
    return cases


def run_ag(theta, case, g):
    theta = theta.detach().clone().requires_grad_(True)
    grid = F.affine_grid(theta, list(case["size"]), align_corners=bool(case["align_corners"]))
    grid.backward(g.to(grid.dtype))
    return grid, theta.grad


def ag_compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    size = case["size"]
    n, nd = size[0], len(size) - 2
    if case["kind"] == "rand":
        theta = torch.randn((n, nd, nd + 1), generator=gen, dtype=torch.float32)
    else:
        theta = theta_small(gen, n, nd)
    g = torch.randn((n,) + tuple(size[2:]) + (nd,), generator=gen, dtype=torch.float32)
    grid32, gt32 = run_ag(theta, case, g)
    grid64, gt64 = run_ag(theta.double(), case, g)
    return theta, grid32, grid64, g, gt32, gt64


def ag_case_text(case, tensors):
    theta, grid32, grid64, g, gt32, gt64 = tensors
    lines = [
        "case " + case["name"],
        "align_corners %d" % case["align_corners"],
        "size " + " ".join(str(s) for s in case["size"]),
        fmt_values("theta", theta, "%.9g"),
        fmt_values("grid32", grid32, "%.9g"),
        fmt_values("grid64", grid64, "%.17g"),
        fmt_values("g", g, "%.9g"),
        fmt_values("gt32", gt32, "%.9g"),
        fmt_values("gt64", gt64, "%.17g"),
        "end",
    ]
    return "\n".join(lines) + "\n"


def generate_affine_grid(outdir):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    cases = ag_build_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "duplicate affine_grid case names"
    body = [ag_case_text(c, ag_compute(c)) for c in cases]
    header = [
        "# clresample golden data: torch.nn.functional.affine_grid forward and backward",
        "# torch %s, numpy %s" % (torch.__version__, np.__version__),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
        "# note: the base grid along an axis of size s is torch.linspace(-1, 1, s) in theta's dtype",
        "#   for align_corners=1 and that times (s-1), then divided by s, for align_corners=0;",
        "#   an axis of size 1 gives 0.  The float32 linspace values are not always the nearest",
        "#   floats (torch 1.13's CPU kernel mixes start + i*step, end - (s-1-i)*step, vector",
        "#   chunks and fused multiply-adds), so compare grid32 with a tolerance of a few ulps:",
    ]
    for ac, s in ((1, 4), (0, 4), (1, 7), (1, 11)):
        eye = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], dtype=torch.float32)
        base = F.affine_grid(eye, [1, 1, 1, s], align_corners=bool(ac))[0, 0, :, 0].tolist()
        header.append("#   probe: identity theta, size 1x1x1x%d, align_corners=%d: x = %s"
                      % (s, ac, " ".join("%.9g" % v for v in base)))
    header.append("# cases %d" % len(body))
    path = os.path.join(outdir, AG_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


# ---------------------------------------------------------------------------
# Checking the files
# ---------------------------------------------------------------------------

def check_values(name, rec, k, want, f32):
    """Checks one value list: count, expected length, finite, round-trip."""
    cnt = int(rec[k][0])
    toks = rec[k][1:]
    vals = [float(v) for v in toks]
    assert cnt == len(vals), "%s: %s count %d != %d values" % (name, k, cnt, len(vals))
    assert cnt == want, "%s: %s count %d, shape says %d" % (name, k, cnt, want)
    assert all(math.isfinite(v) for v in vals), "%s: %s not finite" % (name, k)
    # Each value must round-trip: float32 ones through a float32.
    if f32:
        back = ["%.9g" % float(v) for v in np.array(vals, dtype=np.float32)]
    else:
        back = ["%.17g" % v for v in vals]
    assert back == toks, "%s: %s values do not round-trip" % (name, k)
    return vals


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


GS_REQUIRED = ("mode", "padding", "align_corners", "in_shape", "grid_shape", "out_shape",
               "x", "grid", "y32", "y64", "g", "gx32", "gg32", "gx64", "gg64")
GS_F32_KEYS = ("x", "grid", "y32", "g", "gx32", "gg32")


def gs_check_case(rec):
    name = rec["case"][0]
    for k in GS_REQUIRED:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(GS_REQUIRED) - {"case"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    mode, pad = rec["mode"][0], rec["padding"][0]
    ac = int(rec["align_corners"][0])
    assert mode in GS_MODES and pad in GS_PADDINGS and ac in (0, 1), name
    ins = [int(v) for v in rec["in_shape"]]
    gshape = [int(v) for v in rec["grid_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    nd = len(ins) - 2
    assert nd in (2, 3), "%s: bad rank" % name
    assert not (nd == 3 and mode == "bicubic"), "%s: 5-D bicubic" % name
    assert len(gshape) == nd + 2 and gshape[0] == ins[0] and gshape[-1] == nd, "%s: grid_shape" % name
    assert outs == ins[:2] + gshape[1:-1], "%s: out_shape" % name
    assert all(s >= 1 for s in ins + gshape), name
    n_in, n_grid, n_out = math.prod(ins), math.prod(gshape), math.prod(outs)
    want = {"x": n_in, "gx32": n_in, "gx64": n_in, "grid": n_grid, "gg32": n_grid,
            "gg64": n_grid, "y32": n_out, "y64": n_out, "g": n_out}
    vals = {k: check_values(name, rec, k, want[k], k in GS_F32_KEYS) for k in want}
    if mode == "nearest":
        assert not any(vals["gg32"]) and not any(vals["gg64"]), "%s: nearest grad_grid" % name


AG_REQUIRED = ("align_corners", "size", "theta", "grid32", "grid64", "g", "gt32", "gt64")
AG_F32_KEYS = ("theta", "grid32", "g", "gt32")


def ag_check_case(rec):
    name = rec["case"][0]
    for k in AG_REQUIRED:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(AG_REQUIRED) - {"case"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    ac = int(rec["align_corners"][0])
    assert ac in (0, 1), name
    size = [int(v) for v in rec["size"]]
    nd = len(size) - 2
    assert nd in (2, 3) and all(s >= 1 for s in size), "%s: bad size" % name
    n_theta = size[0] * nd * (nd + 1)
    n_grid = math.prod(size[:1] + size[2:]) * nd
    want = {"theta": n_theta, "gt32": n_theta, "gt64": n_theta,
            "grid32": n_grid, "grid64": n_grid, "g": n_grid}
    for k in want:
        check_values(name, rec, k, want[k], k in AG_F32_KEYS)


def check_file(path, check_one):
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
                assert len(fields[0]) < 160, "name too long for the C harness: %s" % rest
                names.add(fields[0])
            elif key == "end":
                assert rec is not None, "end without case"
                check_one(rec)
                count += 1
                rec = None
            else:
                assert rec is not None and key not in rec, "stray or repeated %s" % key
                rec[key] = fields
    assert rec is None, "unterminated case"
    assert declared == count, "header says %s cases, found %d" % (declared, count)
    print("check ok: %d cases in %s" % (count, path))


def check(outdir):
    check_file(os.path.join(outdir, FILENAME), check_case)
    check_file(os.path.join(outdir, GS_FILENAME), gs_check_case)
    check_file(os.path.join(outdir, AG_FILENAME), ag_check_case)


def main(argv):
    args = [a for a in argv if a != "--check"]
    if len(args) > 1:
        raise SystemExit("usage: gen-golden.py [--check] [OUTDIR]")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = args[0] if args else os.path.join(repo, "tests", "golden")
    if "--check" not in argv:
        generate(outdir)
        generate_grid_sample(outdir)
        generate_affine_grid(outdir)
    check(outdir)


if __name__ == "__main__":
    main(sys.argv[1:])
