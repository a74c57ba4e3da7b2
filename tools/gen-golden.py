#!/usr/bin/python3
"""Golden reference data for clresample's interpolate, grid_sample, affine_grid,
max_pool/max_unpool and conv_transpose tests.

This script owns tests/golden/interpolate.txt, tests/golden/grid_sample.txt,
tests/golden/affine_grid.txt, tests/golden/pool.txt,
tests/golden/conv_transpose.txt, tests/golden/pixel_shuffle.txt and
tests/golden/interpolate_u8.txt.  It runs PyTorch's
torch.nn.functional.interpolate, grid_sample, affine_grid,
max_pool{1,2,3}d, max_unpool{1,2,3}d and conv_transpose{1,2,3}d (forward and
backward, in float32 and in float64) on small random tensors over fixed lists
of cases and writes the inputs, outputs and gradients as text for the C tests
to compare against.

Usage:
    PY tools/gen-golden.py [--only=FAMILY,...] [OUTDIR]   write the files into OUTDIR
    PY tools/gen-golden.py --check [OUTDIR]               re-read them and check them

The reference is PyTorch 2.15 (a venv: python3 -m venv /opt/torch215 &&
/opt/torch215/bin/pip install torch==2.15.0 numpy); the families whose numbers changed since
1.13 also keep Debian's 1.13 results for the compatibility mode:
    /opt/torch215/bin/python3 tools/gen-golden.py                       tests/golden/
    /usr/bin/python3 tools/gen-golden.py --only=interpolate,grid_sample tests/golden/torch1.13

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

pool.txt (F.max_pool{1,2,3}d(..., return_indices=True) and F.max_unpool{1,2,3}d):
    case <name>
    op <max_pool|max_unpool>
    kernel <k per spatial axis>
    stride <s per axis>             the stride used (the kernel when the case
                                    passed stride=None: 'sdef' in the name)
    padding <p per axis>
    dilation <d per axis>           max_pool only
    ceil_mode <0|1>                 max_pool only
    output_size <o per axis|none>   max_unpool only: the spatial output_size
                                    passed, or 'none' when it was not passed
    in_shape <N> <C> <spatial...>
    out_shape <N> <C> <spatial...>
    x <count> <v>...                float32 input ('%.9g'; max_pool inputs may
                                    hold 'nan' and '-inf'); for max_unpool the
                                    pooled values
    idx <count> <i>...              int64 flat indices into one N,C plane
                                    (max_pool: of the input, as returned;
                                    max_unpool: of the output, as passed in)
    y32 <count> <v>...              output, float32 run ('%.9g'; may hold 'nan'
                                    and '-inf' for max_pool)
    y64 <count> <v>...              output, float64 run on x.double() ('%.17g')
    g <count> <v>...                float32 grad_output ('%.9g')
    gx32 <count> <v>...             input gradient, float32 run ('%.9g')
    gx64 <count> <v>...             input gradient, float64 run ('%.17g')
    end
  max_pool names: mp<nd>d_k_s_p_d_ceil<0|1>_<kind>_in<spatial>_n<N>c<C> with kind
    rand    randn
    ties    integers 0..3 (equal maxima inside windows)
    nan     integers 0..3 with 10% of the elements NaN
    ninf    randn with 30% of the elements -inf (some windows all -inf)
    mixed   integers 0..3 with 10% NaN and 30% -inf
  idx and gx are torch's choice among ties: the first maximum in window
  order, the last NaN, the first in-bounds element of an all -inf window
  (see the probe lines in the file's header).  gx accumulates g over windows
  that share a maximum.
  max_unpool names: mu<nd>d_k_s_p_<variant>_out<size|def>_in<pooled>_n<N>c<C>.
  x and idx come from max_pool (dilation 1, ceil_mode 0, same kernel, stride,
  padding) of a randn tensor whose spatial size is the default unpool size
  (in-1)*s - 2p + k, except for variant orig (see MU_CONFIGS).  With
  overlapping windows (stride < kernel) idx can repeat inside a plane; the
  repeated entries carry the same value.  The indices are flat in the output
  plane, so with an output_size other than the pool input size they land on
  other rows/columns.  gx is g gathered at idx.

conv_transpose.txt (F.conv_transpose{1,2,3}d(x, w, b, stride, padding,
output_padding, groups, dilation)):
    case <name>
    stride <s per axis>
    padding <p per axis>
    output_padding <op per axis>
    dilation <d per axis>
    groups <g>
    bias <0|1>
    in_shape <N> <C_in> <spatial...>
    weight_shape <C_in> <C_out/groups> <k...>
    out_shape <N> <C_out> <spatial...>   (in-1)*s - 2p + d*(k-1) + op + 1 per axis
    x <count> <v>...                float32 input ('%.9g')
    w <count> <v>...                float32 weight ('%.9g')
    b <count> <v>...                float32 bias, only when bias is 1 ('%.9g')
    y32 <count> <v>...              output, float32 run ('%.9g')
    y64 <count> <v>...              output, float64 run on x, w, b .double() ('%.17g')
    g <count> <v>...                float32 grad_output ('%.9g')
    gx32 <count> <v>...             input gradient, float32 run ('%.9g')
    gx64 <count> <v>...             input gradient, float64 run ('%.17g')
    gw32 <count> <v>...             weight gradient, float32 run ('%.9g')
    gw64 <count> <v>...             weight gradient, float64 run ('%.17g')
    gb32 <count> <v>...             bias gradient, float32 run, only when bias is 1
    gb64 <count> <v>...             bias gradient, float64 run, only when bias is 1
    end
  Names: ct<nd>d_k_s_p_op_d_g<groups>_b<bias>_in<spatial>_n<N>ci<C_in>co<C_out>.

pixel_shuffle.txt (F.pixel_shuffle(x, r) and F.pixel_unshuffle(x, r)):
    case <name>
    op <pixel_shuffle|pixel_unshuffle>
    factor <r>
    in_shape <batch...> <C> <H> <W>   3-D, 4-D or 5-D
    out_shape <batch...> <C> <H> <W>
    x <count> <v>...                float32 input ('%.9g')
    y <count> <v>...                float32 output ('%.9g')
    src <count> <i>...              the op on torch.arange(numel) (int64): per
                                    output element, the flat (row-major) index of
                                    the input element it is; the generator checks
                                    that the op is this permutation on float32,
                                    float64, float16, bfloat16, int64 and uint8
                                    (bit for bit, NaN payloads included)
    g <count> <v>...                float32 grad_output ('%.9g')
    gx <count> <v>...               float32 input gradient from autograd ('%.9g')
    end
  Names: ps|pu<nd>d_r<r>_in<shape>.  Probe lines in the header hold PyTorch's
  error messages for the argument rules.
interpolate_u8.txt (F.interpolate on uint8 (N, C, H, W) tensors: bilinear / bicubic with and
without antialias, lanczos):
    case <name>
    mode <bilinear|bicubic|lanczos>
    antialias <0|1>
    align_corners <-1|0|1>          -1: None was passed
    layout <nchw|nhwc>              the input's memory format (the output follows it)
    in_shape <N> <C> <H> <W>
    size <oh> <ow>                  only when size= was passed
    scale <sh> <sw>                 only when scale_factor= was passed (repr)
    out_shape <N> <C> <OH> <OW>
    x <count> <v>...                uint8 input, row-major (N, C, H, W) order
    y <count> <v>...                PyTorch's uint8 output, same order
    end
  Names: u8_<mode>_aa<0|1>_ac<n|0|1>_<layout>_in<N>x<C>x<H>x<W>_<size|scale>.  PyTorch's
  generic (C > 4) path gives other values for 1-column outputs with H resized; there the
  golden is PyTorch's AVX path (the image run in channel groups of at most 4), and a '# note'
  line names the case.

"""
import math
import os
import sys
import warnings
import zlib
from fractions import Fraction

import numpy as np


def _requested_families(argv):
    """The --only list, or None (every PyTorch family)."""
    for a in argv:
        if a.startswith("--only="):
            return a[len("--only="):].split(",")
    return None


# The scipy.ndimage family (tools/gen_golden_ndimage.py) runs under Debian's python3 with
# scipy and never imports torch; the PyTorch families never import scipy.
_ONLY = _requested_families(sys.argv[1:]) if __name__ == "__main__" else None
if _ONLY is None or any(f != "ndimage" for f in _ONLY):
    import torch
    import torch.nn.functional as F

FILENAME = "interpolate.txt"
MODES = ("nearest", "nearest-exact", "linear", "cubic", "area", "lanczos")
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
    if mode in ("linear", "cubic", "lanczos"):
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
    if torch_has_lanczos():  # PyTorch 2.15: antialias only, align_corners None / False
        cases += spec_cases("lanczos", True, (None, False), AA_SIZE, AA_SCALE, 1, 1)
        cases.append(make_case("lanczos", True, None, (10, 15), size=(4, 6), n=2, c=3))
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

def torch_has_lanczos():
    try:
        F.interpolate(torch.zeros(1, 1, 4, 4), size=(2, 2), mode="lanczos", antialias=True)
        return True
    except (RuntimeError, ValueError, NotImplementedError):
        return False


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
    if case["antialias"] and nd == 2:
        # PyTorch 2.15's contiguous antialias kernel is wrong when the output is 1 column
        # wide and H shrinks; its channels-last kernel (and 1.13) is right: use that layout
        y = F.interpolate(x.contiguous(memory_format=torch.channels_last), **kwargs).contiguous()
    else:
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
        # 5-D bicubic: PyTorch 2.x only (1.13 refused it; clresample's tricubic is checked
        # against 2.15's)
        modes = GS_MODES if nd == 2 or torch_has_5d_bicubic() else ("bilinear", "nearest")
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


def torch_has_5d_bicubic():
    try:
        F.grid_sample(torch.zeros(1, 1, 2, 2, 2), torch.zeros(1, 1, 1, 1, 3), mode="bicubic",
                      align_corners=False)
        return True
    except (RuntimeError, ValueError, NotImplementedError):
        return False


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


def _gs_line(nd, vals, xs, mode, pad, ac, dtype=None):
    dtype = torch.float32 if dtype is None else dtype
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
# max_pool / max_unpool
# ---------------------------------------------------------------------------

POOL_FILENAME = "pool.txt"
POOL_KINDS = ("rand", "ties", "nan", "ninf", "mixed")
MAX_POOL_FN = {n: (lambda n: lambda *a, **k: getattr(F, "max_pool%dd" % n)(*a, **k))(n) for n in (1, 2, 3)}
MAX_UNPOOL_FN = {n: (lambda n: lambda *a, **k: getattr(F, "max_unpool%dd" % n)(*a, **k))(n) for n in (1, 2, 3)}


def pool_out_len(n, k, s, p, d, ceil):
    """torch's pooling_output_shape for one axis."""
    num = n + 2 * p - d * (k - 1) - 1
    o = (num + (s - 1 if ceil else 0)) // s + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def xs(v):
    return "x".join(str(int(t)) for t in v)


def mp_make(in_sp, k, s, p, d, ceil, kind, n=1, c=2):
    nd = len(in_sp)
    sdef = s is None
    s_eff = tuple(k) if sdef else tuple(s)
    name = "mp%dd_k%s_s%s_p%s_d%s_ceil%d_%s_in%s_n%dc%d" % (
        nd, xs(k), "def" if sdef else xs(s), xs(p), xs(d), ceil, kind, xs(in_sp), n, c)
    for i in range(nd):
        assert 2 * p[i] <= k[i], name
        assert pool_out_len(in_sp[i], k[i], s_eff[i], p[i], d[i], ceil) >= 1, name
    return {"name": name, "op": "max_pool", "in_sp": tuple(in_sp), "kernel": tuple(k),
            "stride": s_eff, "stride_arg": None if sdef else tuple(s), "padding": tuple(p),
            "dilation": tuple(d), "ceil": ceil, "kind": kind, "n": n, "c": c}


def mp_build_cases():
    cases = []
    sopt = (None, 1, 2, 3)
    # 1-D: every kernel 1..4 with every stride (default, 1, 2, 3), ceil_mode 0 and 1.
    sizes1 = (7, 9, 10, 11, 13, 8)
    i = 0
    for k in range(1, 5):
        for s in sopt:
            for ceil in (0, 1):
                p = (i // 2) % (k // 2 + 1)
                d = 1 + (i // 3) % 2
                kind = POOL_KINDS[i % 5]
                n, c = (2, 3) if i % 7 == 3 else (1, 2)
                cases.append(mp_make((sizes1[i % 6],), (k,), None if s is None else (s,), (p,), (d,),
                                     ceil, kind, n, c))
                i += 1
    # 2-D: 32 cases, per-axis kernel/stride/padding/dilation cycling independently.
    hs, ws = (7, 9, 8, 11, 5, 6), (9, 6, 11, 7, 10)
    for i in range(32):
        k = (1 + i % 4, 1 + (3 * i + 1) % 4)
        si = (i // 4) % 4
        s = None if sopt[si] is None else (sopt[si], 1 + (5 * i + 1) % 3)
        p = ((i // 2) % (k[0] // 2 + 1), (i // 3) % (k[1] // 2 + 1))
        d = (1 + (i // 8) % 2, 1 + (i // 5) % 2)
        kind = POOL_KINDS[(i // 2) % 5]
        n, c = (2, 2) if i % 7 == 3 else (1, 2)
        cases.append(mp_make((hs[i % 6], ws[i % 5]), k, s, p, d, i % 2, kind, n, c))
    # 3-D: 16 cases.
    ds_, hs3, ws3 = (5, 4, 6, 7), (6, 5, 7), (5, 7, 4, 6, 8)
    for i in range(16):
        k = (1 + (i + 1) % 4, 1 + (3 * i) % 4, 1 + (i // 2) % 4)
        si = (i // 2) % 4
        s = None if sopt[si] is None else (1 + i % 3, sopt[si], 1 + (i // 3) % 3)
        p = (i % (k[0] // 2 + 1), (i // 2) % (k[1] // 2 + 1), (i // 4) % (k[2] // 2 + 1))
        d = (1 + (i // 4) % 2, 1 + i % 2, 1 + (i // 8) % 2)
        kind = POOL_KINDS[i % 5]
        n, c = (2, 1) if i % 5 == 2 else (1, 2)
        in_sp = (ds_[i % 4], hs3[i % 3], ws3[i % 5])
        # dilation 1 on an axis too short for the dilated window
        d = tuple(d[j] if in_sp[j] + 2 * p[j] >= d[j] * (k[j] - 1) + 1 else 1 for j in range(3))
        cases.append(mp_make(in_sp, k, s, p, d, (i // 2) % 2, kind, n, c))
    return cases


# Unpool cases: (nd, pooled spatial size, kernel, stride, padding, variant).  The
# matching max_pool (dilation 1, ceil_mode 0) runs on an input of the default
# unpool size (o-1)*s - 2p + k per axis; variant
#   none    output_size not passed
#   orig    the pool input is that + r (0 < r < stride) per axis and output_size
#           is the pool input size (the usual real-world use)
#   plus1   output_size = default + 1 on each axis with stride > 1 (flat plane
#           indices then land in other rows/columns for 2-D/3-D)
#   minus1  output_size = default - 1 on each axis with stride > 1 (legal only
#           when every index fits the smaller plane: the pool input has 100
#           subtracted at flat plane positions >= the output plane size)
#   same    output_size = default passed explicitly
MU_CONFIGS = [
    (1, (4,), (2,), (2,), (0,), "none"), (1, (4,), (2,), (2,), (0,), "orig"),
    (1, (5,), (3,), (2,), (1,), "none"), (1, (5,), (3,), (2,), (1,), "plus1"),
    (1, (3,), (2,), (3,), (1,), "none"), (1, (3,), (2,), (3,), (1,), "orig"),
    (1, (6,), (3,), (1,), (1,), "none"), (1, (6,), (3,), (1,), (1,), "same"),
    (1, (4,), (4,), (3,), (2,), "minus1"), (1, (5,), (1,), (2,), (0,), "plus1"),
    (2, (3, 4), (2, 2), (2, 2), (0, 0), "none"), (2, (3, 4), (2, 2), (2, 2), (0, 0), "orig"),
    (2, (3, 3), (3, 2), (2, 3), (1, 1), "none"), (2, (3, 3), (3, 2), (2, 3), (1, 1), "plus1"),
    (2, (4, 3), (2, 3), (1, 2), (1, 0), "none"), (2, (4, 3), (2, 3), (1, 2), (1, 0), "same"),
    (2, (2, 3), (1, 2), (3, 3), (0, 1), "none"), (2, (2, 3), (1, 2), (3, 3), (0, 1), "orig"),
    (2, (3, 3), (4, 3), (2, 2), (2, 1), "none"), (2, (3, 3), (3, 2), (2, 1), (1, 0), "minus1"),
    (2, (2, 4), (3, 3), (3, 2), (1, 1), "plus1"),
    (3, (2, 2, 3), (2, 2, 2), (2, 2, 2), (0, 0, 0), "none"),
    (3, (2, 2, 3), (2, 2, 2), (2, 2, 2), (0, 0, 0), "orig"),
    (3, (2, 3, 2), (3, 2, 3), (2, 1, 3), (1, 0, 1), "none"),
    (3, (2, 3, 2), (3, 2, 3), (2, 1, 3), (1, 0, 1), "plus1"),
    (3, (3, 2, 2), (1, 3, 2), (2, 2, 1), (0, 1, 1), "none"),
    (3, (3, 2, 2), (1, 3, 2), (2, 2, 1), (0, 1, 1), "orig"),
    (3, (2, 2, 2), (4, 2, 3), (3, 2, 2), (2, 1, 0), "none"),
    (3, (2, 2, 2), (3, 2, 2), (2, 1, 1), (1, 0, 0), "minus1"),
    (3, (2, 2, 2), (2, 3, 2), (2, 3, 2), (1, 1, 1), "plus1"),
]


def mu_build_cases():
    cases = []
    for i, (nd, o, k, s, p, variant) in enumerate(MU_CONFIGS):
        dflt = tuple((o[j] - 1) * s[j] - 2 * p[j] + k[j] for j in range(nd))
        pool_in = dflt
        if variant == "none":
            osize = None
        elif variant == "same":
            osize = dflt
        elif variant == "plus1":
            osize = tuple(v + (1 if sj > 1 else 0) for v, sj in zip(dflt, s))
        elif variant == "minus1":
            osize = tuple(v - (1 if sj > 1 else 0) for v, sj in zip(dflt, s))
        else:  # orig
            pool_in = tuple(dflt[j] + (s[j] - 1 if s[j] > 1 else 0) for j in range(nd))
            osize = pool_in
        n, c = (2, 2) if i % 4 == 1 else (1, 2)
        name = "mu%dd_k%s_s%s_p%s_%s_out%s_in%s_n%dc%d" % (
            nd, xs(k), xs(s), xs(p), variant, xs(osize) if osize else "def", xs(o), n, c)
        for j in range(nd):
            assert pool_out_len(pool_in[j], k[j], s[j], p[j], 1, 0) == o[j], name
            if osize is not None:
                assert dflt[j] - s[j] < osize[j] < dflt[j] + s[j], name
        cases.append({"name": name, "op": "max_unpool", "pool_in": pool_in, "kernel": tuple(k),
                      "stride": tuple(s), "padding": tuple(p), "osize": osize,
                      "in_sp": tuple(o), "n": n, "c": c, "variant": variant})
    return cases


def pool_input(case, gen):
    shape = (case["n"], case["c"]) + case["in_sp"]
    kind = case["kind"]
    if kind in ("ties", "nan", "mixed"):
        x = torch.randint(0, 4, shape, generator=gen).to(torch.float32)
    else:
        x = torch.randn(shape, generator=gen, dtype=torch.float32)
    flat = x.view(-1)
    cnt = flat.numel()
    if kind in ("nan", "mixed"):
        flat[torch.randperm(cnt, generator=gen)[:max(1, cnt // 10)]] = float("nan")
    if kind in ("ninf", "mixed"):
        flat[torch.randperm(cnt, generator=gen)[:max(1, cnt * 3 // 10)]] = float("-inf")
    return x


def run_mp(x, case, g):
    x = x.detach().clone().requires_grad_(True)
    fn = MAX_POOL_FN[len(case["in_sp"])]
    y, idx = fn(x, case["kernel"], case["stride_arg"], case["padding"], case["dilation"],
                bool(case["ceil"]), return_indices=True)
    if g is None:
        return y, idx, None
    y.backward(g.to(y.dtype))
    return y, idx, x.grad


def run_mu(x, idx, case, g):
    x = x.detach().clone().requires_grad_(True)
    fn = MAX_UNPOOL_FN[len(case["in_sp"])]
    y = fn(x, idx, case["kernel"], case["stride"], case["padding"], case["osize"])
    if g is None:
        return y, None
    y.backward(g.to(y.dtype))
    return y, x.grad


def pool_compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    if case["op"] == "max_pool":
        x = pool_input(case, gen)
        y, idx, _ = run_mp(x, case, None)
        g = torch.randn(tuple(y.shape), generator=gen, dtype=torch.float32)
        y32, idx32, gx32 = run_mp(x, case, g)
        y64, idx64, gx64 = run_mp(x.double(), case, g)
        assert torch.equal(idx32, idx64), case["name"]
        return x, idx32, y32, y64, g, gx32, gx64
    nd = len(case["in_sp"])
    src = torch.randn((case["n"], case["c"]) + case["pool_in"], generator=gen, dtype=torch.float32)
    if case["variant"] == "minus1":
        # Keep the maxima at flat plane positions that fit the smaller output.
        plane = src.view(case["n"], case["c"], -1)
        plane[:, :, math.prod(case["osize"]):] -= 100.0
    x, idx = MAX_POOL_FN[nd](src, case["kernel"], case["stride"], case["padding"],
                             return_indices=True)
    assert tuple(x.shape[2:]) == case["in_sp"], case["name"]
    y, _ = run_mu(x, idx, case, None)
    g = torch.randn(tuple(y.shape), generator=gen, dtype=torch.float32)
    y32, gx32 = run_mu(x, idx, case, g)
    y64, gx64 = run_mu(x.double(), idx, case, g)
    return x, idx, y32, y64, g, gx32, gx64


def pool_case_text(case, tensors):
    x, idx, y32, y64, g, gx32, gx64 = tensors
    j = lambda v: " ".join(str(int(t)) for t in v)
    lines = ["case " + case["name"], "op " + case["op"], "kernel " + j(case["kernel"]),
             "stride " + j(case["stride"]), "padding " + j(case["padding"])]
    if case["op"] == "max_pool":
        lines += ["dilation " + j(case["dilation"]), "ceil_mode %d" % case["ceil"]]
    else:
        lines.append("output_size " + (j(case["osize"]) if case["osize"] is not None else "none"))
    lines += [
        "in_shape " + j(x.shape),
        "out_shape " + j(y32.shape),
        fmt_values("x", x, "%.9g"),
        fmt_values("idx", idx, "%d"),
        fmt_values("y32", y32, "%.9g"),
        fmt_values("y64", y64, "%.17g"),
        fmt_values("g", g, "%.9g"),
        fmt_values("gx32", gx32, "%.9g"),
        fmt_values("gx64", gx64, "%.17g"),
        "end",
    ]
    return "\n".join(lines) + "\n"


def _fl(v):
    return "[" + " ".join("%.9g" % t for t in v) + "]"


def pool_probes():
    nan, inf = float("nan"), float("inf")
    notes = []
    for vals in ([1, 3, 3, 2], [nan, 1, nan, 2], [1, nan, 3, nan], [-inf, -inf, -inf, -inf]):
        for nd in (1, 2, 3):
            x = torch.tensor(vals, dtype=torch.float32).reshape((1, 1) + (1,) * (nd - 1) + (4,))
            x.requires_grad_(True)
            y, i = MAX_POOL_FN[nd](x, (1,) * (nd - 1) + (4,), return_indices=True)
            y.backward(torch.ones_like(y))
            if nd == 1:
                first = (vals, y.view(-1).tolist(), i.view(-1).tolist(), x.grad.view(-1).tolist())
            else:
                assert (y.view(-1).tolist().__repr__(), i.view(-1).tolist(),
                        x.grad.view(-1).tolist()) == (first[1].__repr__(), first[2], first[3])
        notes.append("# probe: max_pool k=4 on %s: y = %s, idx = %s, grad(ones) = %s (same in 1-D/2-D/3-D)"
                     % (_fl(first[0]), _fl(first[1]), first[2], _fl(first[3])))
    x = torch.full((1, 1, 3), -inf)
    y, i = F.max_pool1d(x, 3, 1, 1, return_indices=True)
    notes.append("# probe: max_pool1d k=3 s=1 p=1 on [-inf -inf -inf]: y = %s, idx = %s"
                 % (_fl(y.view(-1).tolist()), i.view(-1).tolist()))
    notes.append("#   (ties keep the first maximum in window order; a NaN always replaces the running"
                 " max, so the LAST NaN in the window wins; a window of only -inf returns the"
                 " first in-bounds element, never a padding position)")
    x = torch.arange(16.0).view(1, 1, 4, 4)
    y, i = F.max_pool2d(x, 2, 2, return_indices=True)
    u = F.max_unpool2d(y, i, 2, 2, output_size=(5, 5))
    notes.append("# probe: max_pool2d k=2 s=2 on arange(16).view(4,4): idx = %s; max_unpool2d to"
                 " output_size 5x5 puts them at flat positions of the 5x5 plane: nonzero rows/cols = %s"
                 % (i.view(-1).tolist(), [tuple(t) for t in u[0, 0].nonzero().tolist()]))
    x = torch.arange(25.0).view(1, 1, 5, 5)
    y, i = F.max_pool2d(x, 2, 2, return_indices=True)
    try:
        F.max_unpool2d(y, i, 2, 2)
        msg = "no error"
    except RuntimeError as e:
        msg = str(e).splitlines()[0]
    notes.append("# probe: max_pool2d k=2 s=2 on a 5x5 plane gives idx %s; max_unpool2d without"
                 " output_size (default 4x4): %s" % (i.view(-1).tolist(), msg))
    try:
        F.max_unpool2d(y, i, 2, 2, output_size=(6, 6))
        msg = "accepted"
    except ValueError as e:
        msg = str(e).splitlines()[0]
    notes.append("# probe: output_size 6x6 for that (default 4x4, stride 2): %s" % msg)
    return notes


def generate_pool(outdir):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    cases = mp_build_cases() + mu_build_cases()
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit("duplicate pool case names: %s" % dup)
    body = [pool_case_text(case, pool_compute(case)) for case in cases]
    header = [
        "# clresample golden data: torch.nn.functional.max_pool{1,2,3}d(return_indices=True) and",
        "#   max_unpool{1,2,3}d forward and backward",
        "# torch %s, numpy %s" % (torch.__version__, np.__version__),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
    ]
    header += pool_probes()
    header.append("# cases %d" % len(body))
    path = os.path.join(outdir, POOL_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    for line in header:
        if line.startswith("# probe") or line.startswith("#   ("):
            print(line)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


# ---------------------------------------------------------------------------
# conv_transpose
# ---------------------------------------------------------------------------

CT_FILENAME = "conv_transpose.txt"
CONV_T_FN = {n: (lambda n: lambda *a, **k: getattr(F, "conv_transpose%dd" % n)(*a, **k))(n) for n in (1, 2, 3)}


def ct_out_len(n, k, s, p, op, d):
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def ct_make(in_sp, k, s, p, op, d, groups, cin, cout, bias, n):
    nd = len(in_sp)
    name = "ct%dd_k%s_s%s_p%s_op%s_d%s_g%d_b%d_in%s_n%dci%dco%d" % (
        nd, xs(k), xs(s), xs(p), xs(op), xs(d), groups, bias, xs(in_sp), n, cin, cout)
    assert cin % groups == 0 and cout % groups == 0, name
    for j in range(nd):
        assert op[j] < s[j] or op[j] < d[j], name
        assert ct_out_len(in_sp[j], k[j], s[j], p[j], op[j], d[j]) >= 1, name
    return {"name": name, "in_sp": tuple(in_sp), "kernel": tuple(k), "stride": tuple(s),
            "padding": tuple(p), "output_padding": tuple(op), "dilation": tuple(d),
            "groups": groups, "cin": cin, "cout": cout, "bias": bias, "n": n}


def ct_axis(i, j, size_cycle):
    """Per-axis (in, k, s, p, op, d) for case i, axis j, all legal."""
    k = 1 + (i + 2 * j) % 4
    s = 1 + (i // 4 + j) % 3
    d = 1 + (i // 3 + j) % 2
    p = (i // 2 + j) % 3
    op = 1 if (i + j) % 3 == 0 and (s > 1 or d > 1) else 0
    n = size_cycle[(i + j) % len(size_cycle)]
    while ct_out_len(n, k, s, p, op, d) < 1:
        n += 1
    return n, k, s, p, op, d


CT_CHANNELS = [  # (groups, C_in, C_out)
    (1, 2, 3), (2, 2, 4), (1, 3, 2), (2, 4, 2), (1, 4, 4), (2, 4, 4), (1, 2, 2), (1, 3, 4),
]


def ct_build_cases():
    cases = []
    for nd, count, sizes in ((1, 24, (3, 5, 6, 4, 7)), (2, 24, (3, 4, 5, 2)), (3, 14, (2, 3, 4))):
        for i in range(count):
            axes = [ct_axis(i, j, sizes) for j in range(nd)]
            groups, cin, cout = CT_CHANNELS[(i + nd) % len(CT_CHANNELS)]
            bias = (i // 2 + nd) % 2
            n = 2 if i % 5 == 1 else 1
            cases.append(ct_make(*[tuple(a[t] for a in axes) for t in range(6)],
                                 groups, cin, cout, bias, n))
    return cases


def run_ct(x, w, b, case, g):
    x = x.detach().clone().requires_grad_(True)
    w = w.detach().clone().requires_grad_(True)
    if b is not None:
        b = b.detach().clone().requires_grad_(True)
    y = CONV_T_FN[len(case["in_sp"])](x, w, b, case["stride"], case["padding"],
                                      case["output_padding"], case["groups"], case["dilation"])
    if g is None:
        return y, None, None, None
    y.backward(g.to(y.dtype))
    return y, x.grad, w.grad, None if b is None else b.grad


def ct_compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    x = torch.randn((case["n"], case["cin"]) + case["in_sp"], generator=gen, dtype=torch.float32)
    w = torch.randn((case["cin"], case["cout"] // case["groups"]) + case["kernel"], generator=gen,
                    dtype=torch.float32)
    b = torch.randn((case["cout"],), generator=gen, dtype=torch.float32) if case["bias"] else None
    y, _, _, _ = run_ct(x, w, b, case, None)
    g = torch.randn(tuple(y.shape), generator=gen, dtype=torch.float32)
    r32 = run_ct(x, w, b, case, g)
    r64 = run_ct(x.double(), w.double(), None if b is None else b.double(), case, g)
    return x, w, b, g, r32, r64


def ct_case_text(case, tensors):
    x, w, b, g, (y32, gx32, gw32, gb32), (y64, gx64, gw64, gb64) = tensors
    j = lambda v: " ".join(str(int(t)) for t in v)
    lines = [
        "case " + case["name"],
        "stride " + j(case["stride"]),
        "padding " + j(case["padding"]),
        "output_padding " + j(case["output_padding"]),
        "dilation " + j(case["dilation"]),
        "groups %d" % case["groups"],
        "bias %d" % case["bias"],
        "in_shape " + j(x.shape),
        "weight_shape " + j(w.shape),
        "out_shape " + j(y32.shape),
        fmt_values("x", x, "%.9g"),
        fmt_values("w", w, "%.9g"),
    ]
    if b is not None:
        lines.append(fmt_values("b", b, "%.9g"))
    lines += [fmt_values("y32", y32, "%.9g"), fmt_values("y64", y64, "%.17g"),
              fmt_values("g", g, "%.9g"),
              fmt_values("gx32", gx32, "%.9g"), fmt_values("gx64", gx64, "%.17g"),
              fmt_values("gw32", gw32, "%.9g"), fmt_values("gw64", gw64, "%.17g")]
    if b is not None:
        lines += [fmt_values("gb32", gb32, "%.9g"), fmt_values("gb64", gb64, "%.17g")]
    lines.append("end")
    return "\n".join(lines) + "\n"


def generate_conv_transpose(outdir):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    cases = ct_build_cases()
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit("duplicate conv_transpose case names: %s" % dup)
    body = [ct_case_text(c, ct_compute(c)) for c in cases]
    header = [
        "# clresample golden data: torch.nn.functional.conv_transpose{1,2,3}d forward and backward",
        "# torch %s, numpy %s, %s" % (torch.__version__, np.__version__, cpu_capability()),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
        "# note: out = (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1 per axis;",
        "#   weight is C_in x C_out/groups x k...; torch's float32 sums use its own (blocked/im2col)",
        "#   order, so compare y32/gx32/gw32/gb32 with a tolerance, not bit for bit.",
        "# cases %d" % len(body),
    ]
    path = os.path.join(outdir, CT_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


# ---------------------------------------------------------------------------
# pixel_shuffle / pixel_unshuffle
# ---------------------------------------------------------------------------

PS_FILENAME = "pixel_shuffle.txt"
PS_FN = {n: (lambda n: lambda *a, **k: getattr(F, n)(*a, **k))(n) for n in ("pixel_shuffle", "pixel_unshuffle")}
# (op, factor, input shape): factors 1-3, 3-D / 4-D / 5-D, both ops
PS_CONFIGS = [
    ("pixel_shuffle", 1, (3, 2, 3)),
    ("pixel_shuffle", 2, (4, 2, 3)),
    ("pixel_shuffle", 2, (8, 3, 2)),
    ("pixel_shuffle", 3, (9, 2, 2)),
    ("pixel_shuffle", 3, (18, 1, 3)),
    ("pixel_shuffle", 1, (2, 3, 2, 2)),
    ("pixel_shuffle", 2, (2, 8, 3, 2)),
    ("pixel_shuffle", 2, (3, 4, 1, 1)),
    ("pixel_shuffle", 3, (1, 9, 2, 3)),
    ("pixel_shuffle", 3, (1, 18, 2, 1)),
    ("pixel_shuffle", 1, (2, 1, 2, 3, 2)),
    ("pixel_shuffle", 2, (2, 3, 4, 2, 3)),
    ("pixel_shuffle", 3, (1, 2, 9, 2, 2)),
    ("pixel_unshuffle", 1, (3, 2, 2)),
    ("pixel_unshuffle", 2, (2, 4, 6)),
    ("pixel_unshuffle", 3, (1, 6, 3)),
    ("pixel_unshuffle", 1, (2, 2, 3, 1)),
    ("pixel_unshuffle", 2, (2, 3, 4, 4)),
    ("pixel_unshuffle", 2, (2, 1, 2, 4)),
    ("pixel_unshuffle", 3, (1, 2, 6, 9)),
    ("pixel_unshuffle", 3, (2, 1, 3, 3)),
    ("pixel_unshuffle", 1, (1, 1, 2, 2, 2)),
    ("pixel_unshuffle", 2, (2, 2, 1, 4, 6)),
    ("pixel_unshuffle", 3, (1, 2, 3, 3, 3)),
]


def ps_build_cases():
    cases = []
    for op, r, shape in PS_CONFIGS:
        name = "%s%dd_r%d_in%s" % ("ps" if op == "pixel_shuffle" else "pu", len(shape), r,
                                    "x".join(str(v) for v in shape))
        cases.append({"name": name, "op": op, "r": r, "shape": shape})
    return cases


def ps_bits(t):
    """The stored bits of a tensor as an integer tensor (comparison bit for bit)."""
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16)
    if t.dtype == torch.float32:
        return t.view(torch.int32)
    if t.dtype == torch.float64:
        return t.view(torch.int64)
    return t


def ps_compute(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    fn, r, shape = PS_FN[case["op"]], case["r"], case["shape"]
    x = torch.randn(shape, generator=gen, dtype=torch.float32)
    src = fn(torch.arange(x.numel(), dtype=torch.int64).view(shape), r)
    xg = x.clone().requires_grad_(True)
    y = fn(xg, r)
    g = torch.randn(tuple(y.shape), generator=gen, dtype=torch.float32)
    y.backward(g)
    flat = src.reshape(-1)
    assert torch.equal(y.detach().reshape(-1), x.reshape(-1)[flat]), case["name"]
    # the same permutation on every dtype, bit for bit: random bit patterns (NaNs with
    # payloads among them) for the floating types, the full range for int64 and uint8
    bits = torch.randint(-2**15, 2**15, (x.numel(),), generator=gen, dtype=torch.int64)
    for dt, raw in ((torch.float32, (bits * 65537).to(torch.int32)),
                    (torch.float64, bits * 0x0001000100010001),
                    (torch.float16, bits.to(torch.int16)), (torch.bfloat16, bits.to(torch.int16)),
                    (torch.int64, bits * 0x0001000100010001), (torch.uint8, (bits & 255).to(torch.uint8))):
        xt = raw.view(dt) if dt not in (torch.int64, torch.uint8) else raw
        yt = fn(xt.view(shape), r)
        assert torch.equal(ps_bits(yt).reshape(-1), ps_bits(xt)[flat]), (case["name"], dt)
    return x, y.detach(), src, g, xg.grad


def ps_case_text(case, tensors):
    x, y, src, g, gx = tensors
    j = lambda v: " ".join(str(int(t)) for t in v)
    return "\n".join([
        "case " + case["name"], "op " + case["op"], "factor %d" % case["r"],
        "in_shape " + j(x.shape), "out_shape " + j(y.shape),
        fmt_values("x", x, "%.9g"), fmt_values("y", y, "%.9g"), fmt_values("src", src, "%d"),
        fmt_values("g", g, "%.9g"), fmt_values("gx", gx, "%.9g"), "end"]) + "\n"


def ps_probes():
    """PyTorch's messages for the argument rules the C tests check."""
    notes = []
    calls = [
        ("pixel_shuffle(x (1, 4, 2, 2), 0)", lambda: F.pixel_shuffle(torch.zeros(1, 4, 2, 2), 0)),
        ("pixel_shuffle(x (1, 4, 2, 2), -1)", lambda: F.pixel_shuffle(torch.zeros(1, 4, 2, 2), -1)),
        ("pixel_shuffle(x (1, 5, 2, 2), 2)", lambda: F.pixel_shuffle(torch.zeros(1, 5, 2, 2), 2)),
        ("pixel_shuffle(x (4, 2), 2)", lambda: F.pixel_shuffle(torch.zeros(4, 2), 2)),
        ("pixel_unshuffle(x (1, 1, 4, 4), 0)", lambda: F.pixel_unshuffle(torch.zeros(1, 1, 4, 4), 0)),
        ("pixel_unshuffle(x (1, 1, 5, 4), 2)", lambda: F.pixel_unshuffle(torch.zeros(1, 1, 5, 4), 2)),
        ("pixel_unshuffle(x (1, 1, 4, 5), 2)", lambda: F.pixel_unshuffle(torch.zeros(1, 1, 4, 5), 2)),
        ("pixel_unshuffle(x (4, 4), 2)", lambda: F.pixel_unshuffle(torch.zeros(4, 4), 2)),
    ]
    for what, fn in calls:
        try:
            fn()
            msg = "no error"
        except RuntimeError as e:
            msg = str(e).splitlines()[0]
        notes.append("# probe: %s: %s" % (what, msg))
    for shape, r in (((0, 8, 2, 3), 2), ((2, 0, 2, 3), 2), ((1, 4, 0, 3), 2)):
        notes.append("# probe: pixel_shuffle of an empty %s, r=%d: shape %s" %
                     (shape, r, tuple(F.pixel_shuffle(torch.zeros(shape), r).shape)))
    return notes


def generate_pixel_shuffle(outdir):
    torch.set_num_threads(1)
    cases = ps_build_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "duplicate pixel_shuffle case names"
    body = [ps_case_text(case, ps_compute(case)) for case in cases]
    header = [
        "# clresample golden data: torch.nn.functional.pixel_shuffle and pixel_unshuffle,",
        "#   forward and backward (the permutation checked bit for bit on f32, f64, f16, bf16,",
        "#   i64 and u8 by the generator)",
        "# torch %s, numpy %s" % (torch.__version__, np.__version__),
        "# command: /usr/bin/python3 tools/gen-golden.py",
        "# format: see the docstring of tools/gen-golden.py",
    ]
    header += ps_probes()
    header.append("# cases %d" % len(body))
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, PS_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    for line in header:
        if line.startswith("# probe"):
            print(line)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))
    return path


def ps_check_case(rec):
    name = rec["case"][0]
    required = ("op", "factor", "in_shape", "out_shape", "x", "y", "src", "g", "gx")
    for k in required:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(required) - {"case"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    op = rec["op"][0]
    assert op in PS_FN, "%s: bad op" % name
    r = int(rec["factor"][0])
    ins = [int(v) for v in rec["in_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    assert 3 <= len(ins) <= 5 and len(outs) == len(ins) and r >= 1, "%s: shapes" % name
    assert outs[:-3] == ins[:-3], "%s: batch dims" % name
    c, h, w = ins[-3:]
    want = [c // (r * r), h * r, w * r] if op == "pixel_shuffle" else [c * r * r, h // r, w // r]
    assert outs[-3:] == want, "%s: out_shape, want %s" % (name, want)
    n = math.prod(ins)
    x, y, g, gx = (check_values(name, rec, k, n, True) for k in ("x", "y", "g", "gx"))
    assert int(rec["src"][0]) == len(rec["src"]) - 1 == n, "%s: src count" % name
    src = [int(v) for v in rec["src"][1:]]
    assert sorted(src) == list(range(n)), "%s: src is not a permutation" % name
    for o, i in enumerate(src):
        assert y[o] == x[i] and gx[i] == g[o], "%s: y/gx do not follow src" % name


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
    if mode == "lanczos":
        assert nd == 2 and aa == 1 and ac in (-1, 0), name
    elif mode == "cubic" or aa:
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


def check_values_nf(name, rec, k, want, f32):
    """check_values for lists that may hold nan and -inf."""
    cnt = int(rec[k][0])
    toks = rec[k][1:]
    vals = [float(v) for v in toks]
    assert cnt == len(vals) == want, "%s: %s count %d/%d, shape says %d" % (name, k, cnt, len(vals), want)
    assert not any(v == math.inf for v in vals), "%s: %s has +inf" % (name, k)
    if f32:
        back = ["%.9g" % float(v) for v in np.array(vals, dtype=np.float32)]
    else:
        back = ["%.17g" % v for v in vals]
    assert back == toks, "%s: %s values do not round-trip" % (name, k)
    return vals


def unravel(i, dims):
    out = []
    for dsz in reversed(dims):
        out.append(i % dsz)
        i //= dsz
    return out[::-1]


POOL_COMMON = ("op", "kernel", "stride", "padding", "in_shape", "out_shape", "x", "idx",
               "y32", "y64", "g", "gx32", "gx64")


def pool_check_case(rec):
    name = rec["case"][0]
    op = rec.get("op", ["?"])[0]
    assert op in ("max_pool", "max_unpool"), "%s: bad op" % name
    required = POOL_COMMON + (("dilation", "ceil_mode") if op == "max_pool" else ("output_size",))
    for k in required:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(required) - {"case"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    ins = [int(v) for v in rec["in_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    nd = len(ins) - 2
    assert 1 <= nd <= 3 and len(outs) == len(ins) and ins[:2] == outs[:2], "%s: shapes" % name
    kern, strd, pad = ([int(v) for v in rec[t]] for t in ("kernel", "stride", "padding"))
    assert len(kern) == len(strd) == len(pad) == nd, "%s: parameter lengths" % name
    assert all(k >= 1 and s >= 1 and 0 <= 2 * p <= k for k, s, p in zip(kern, strd, pad)), name
    n_in, n_out = math.prod(ins), math.prod(outs)
    plane_in, plane_out = math.prod(ins[2:]), math.prod(outs[2:])
    nonfinite = op == "max_pool"
    x = check_values_nf(name, rec, "x", n_in, True)
    y32 = check_values_nf(name, rec, "y32", n_out, True)
    y64 = check_values_nf(name, rec, "y64", n_out, False)
    if not nonfinite:
        assert all(math.isfinite(v) for v in x + y32 + y64), "%s: not finite" % name
    want = {"g": n_out, "gx32": n_in, "gx64": n_in}
    g, gx32, gx64 = (check_values(name, rec, k, want[k], k != "gx64") for k in ("g", "gx32", "gx64"))
    assert int(rec["idx"][0]) == len(rec["idx"]) - 1, "%s: idx count" % name
    idx = [int(v) for v in rec["idx"][1:]]
    assert rec["idx"][1:] == [str(v) for v in idx], "%s: idx not plain integers" % name
    # float32 lists are compared as parsed text; a float64 one against a float32
    # one after rounding the parsed float32 text to float32
    f32 = lambda v: float(np.float32(v))
    same = lambda a, b: (math.isnan(a) and math.isnan(b)) or a == b
    if op == "max_pool":
        assert len(idx) == n_out, "%s: idx count, shape says %d" % (name, n_out)
        dil = [int(v) for v in rec["dilation"]]
        ceil = int(rec["ceil_mode"][0])
        assert len(dil) == nd and all(d >= 1 for d in dil) and ceil in (0, 1), name
        want_out = [pool_out_len(i, k, s, p, d, ceil)
                    for i, k, s, p, d in zip(ins[2:], kern, strd, pad, dil)]
        assert want_out == outs[2:], "%s: out_shape, want %s" % (name, want_out)
        for o, ix in enumerate(idx):
            assert 0 <= ix < plane_in, "%s: idx %d outside the input plane" % (name, ix)
            plane = o // plane_out
            assert same(y32[o], x[plane * plane_in + ix]), "%s: y32[%d] != x[idx]" % (name, o)
            assert same(y64[o], f32(y32[o])), "%s: y64[%d] != y32" % (name, o)
            # the index must be a tap of output o's window
            for oc, ic, k, s, p, d in zip(unravel(o % plane_out, outs[2:]), unravel(ix, ins[2:]),
                                          kern, strd, pad, dil):
                off = ic - (oc * s - p)
                assert off % d == 0 and 0 <= off // d < k, "%s: idx %d not in window %d" % (name, ix, o)
    else:
        assert len(idx) == n_in, "%s: idx count, shape says %d" % (name, n_in)
        dflt = [(i - 1) * s - 2 * p + k for i, s, p, k in zip(ins[2:], strd, pad, kern)]
        if rec["output_size"] == ["none"]:
            assert outs[2:] == dflt, "%s: out_shape, want default %s" % (name, dflt)
        else:
            osz = [int(v) for v in rec["output_size"]]
            assert osz == outs[2:], "%s: output_size/out_shape" % name
            assert all(d - s < o < d + s for d, s, o in zip(dflt, strd, osz)), "%s: output_size" % name
        pos = {}
        for i, ix in enumerate(idx):
            assert 0 <= ix < plane_out, "%s: idx %d outside the output plane" % (name, ix)
            plane = i // plane_in
            j = plane * plane_out + ix
            assert y32[j] == x[i] and y64[j] == f32(x[i]), "%s: y[idx] != x" % name
            assert gx32[i] == g[j] and gx64[i] == f32(g[j]), "%s: gx != g[idx]" % name
            pos[j] = True
        assert all(v == 0.0 for j, v in enumerate(y32) if j not in pos), "%s: stray y32" % name


CT_COMMON = ("stride", "padding", "output_padding", "dilation", "groups", "bias", "in_shape",
             "weight_shape", "out_shape", "x", "w", "y32", "y64", "g", "gx32", "gx64", "gw32", "gw64")
CT_F32_KEYS = ("x", "w", "b", "y32", "g", "gx32", "gw32", "gb32")


def ct_check_case(rec):
    name = rec["case"][0]
    bias = int(rec.get("bias", ["-1"])[0])
    assert bias in (0, 1), "%s: bad bias" % name
    required = CT_COMMON + (("b", "gb32", "gb64") if bias else ())
    for k in required:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(required) - {"case"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    ins, ws, outs = ([int(v) for v in rec[t]] for t in ("in_shape", "weight_shape", "out_shape"))
    nd = len(ins) - 2
    assert 1 <= nd <= 3 and len(ws) == len(outs) == len(ins), "%s: ranks" % name
    strd, pad, opad, dil = ([int(v) for v in rec[t]]
                            for t in ("stride", "padding", "output_padding", "dilation"))
    assert len(strd) == len(pad) == len(opad) == len(dil) == nd, "%s: parameter lengths" % name
    groups = int(rec["groups"][0])
    assert groups >= 1 and ins[1] == ws[0] and ins[1] % groups == 0, "%s: groups/C_in" % name
    assert outs[:2] == [ins[0], ws[1] * groups], "%s: N/C_out" % name
    for s, p, op, d in zip(strd, pad, opad, dil):
        assert s >= 1 and d >= 1 and p >= 0 and 0 <= op and (op < s or op < d), "%s: params" % name
    want_out = [ct_out_len(i, k, s, p, op, d)
                for i, k, s, p, op, d in zip(ins[2:], ws[2:], strd, pad, opad, dil)]
    assert want_out == outs[2:], "%s: out_shape, want %s" % (name, want_out)
    n_in, n_w, n_out = math.prod(ins), math.prod(ws), math.prod(outs)
    want = {"x": n_in, "gx32": n_in, "gx64": n_in, "w": n_w, "gw32": n_w, "gw64": n_w,
            "y32": n_out, "y64": n_out, "g": n_out}
    if bias:
        want.update({"b": outs[1], "gb32": outs[1], "gb64": outs[1]})
    for k in want:
        check_values(name, rec, k, want[k], k in CT_F32_KEYS)


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


# ---------------------------------------------------------------------------
# interpolate on uint8: PyTorch's integer (int16 weights) passes
# ---------------------------------------------------------------------------

U8_FILENAME = "interpolate_u8.txt"
# (H, W, size or None, scale or None)
U8_SHAPES = [
    (8, 8, (4, 4), None), (7, 9, (13, 17), None), (16, 12, (5, 3), None),
    (5, 6, (1, 6), None), (6, 5, (6, 1), None), (9, 7, (1, 1), None),
    (10, 11, (23, 1), None), (12, 9, (4, 1), None), (1, 9, (3, 4), None), (9, 11, None, (0.5, 0.5)),
    (5, 6, None, (2.3, 1.7)), (17, 4, None, (0.3, 3.1)), (12, 20, (12, 7), None),
    (3, 3, (3, 3), None), (20, 3, (7, 9), None), (6, 8, None, (1.0, 0.75)),
    (31, 29, (8, 7), None), (2, 2, (9, 1), None),
]
U8_MODES = [("bilinear", 0, (None, True, False)), ("bilinear", 1, (None, True)),
            ("bicubic", 0, (None, True, False)), ("bicubic", 1, (None, True)),
            ("lanczos", 1, (None,))]


def u8_build_cases():
    cases = []
    k = 0
    for mode, aa, acs in U8_MODES:
        for ac in acs:
            for h, w, size, scale in U8_SHAPES:
                if ac is False and k % 3:  # align_corners=False is None's arithmetic: a few
                    k += 1
                    continue
                for layout in ("nchw", "nhwc"):
                    c = (1, 3, 4, 6)[k % 4]
                    n = 2 if k % 5 == 0 else 1
                    k += 1
                    name = "u8_%s_aa%d_ac%s_%s_in%dx%dx%dx%d_%s" % (
                        mode, aa, "n" if ac is None else int(ac), layout, n, c, h, w,
                        ("size%dx%d" % size) if size else ("scale%gx%g" % scale))
                    cases.append({"name": name, "mode": mode, "aa": aa, "ac": ac, "layout": layout,
                                  "shape": (n, c, h, w), "size": size, "scale": scale})
    return cases


def u8_run(x, case):
    kw = {"mode": case["mode"], "antialias": bool(case["aa"])}
    if case["ac"] is not None:
        kw["align_corners"] = case["ac"]
    if case["size"]:
        return F.interpolate(x, size=case["size"], **kw)
    return F.interpolate(x, scale_factor=case["scale"], **kw)


def u8_compute(case):
    """Input and PyTorch's output; for C > 4 also the AVX path's (channel groups of <= 4)."""
    gen = torch.Generator().manual_seed(zlib.crc32(case["name"].encode()))
    shape = case["shape"]
    x = torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)
    flat = x.view(-1)
    pick = torch.randint(0, flat.numel(), (max(2, flat.numel() // 6),), generator=gen)
    flat[pick[::2]] = 0
    flat[pick[1::2]] = 255
    xin = x.contiguous(memory_format=torch.channels_last) if case["layout"] == "nhwc" else x
    note = None
    try:
        y = u8_run(xin, case).contiguous()
    except RuntimeError as e:
        # 2.15's AVX path asserts on a 3-channel NCHW image whose output is 1x1 (the output
        # then also counts as channels_last): the same arithmetic run on the NHWC copy
        y = u8_run(x.contiguous(memory_format=torch.channels_last), case).contiguous()
        note = "# note: %s: PyTorch raises (%s); the golden is its run on the channels_last copy" % (
            case["name"], str(e).split(" at ")[0][:60])
    if shape[1] > 4:
        fmt = torch.channels_last if case["layout"] == "nhwc" else torch.contiguous_format
        groups = [u8_run(xin[:, c:c + 4].contiguous(memory_format=fmt), case).contiguous()
                  for c in range(0, shape[1], 4)]
        avx = torch.cat(groups, dim=1)
        if not torch.equal(avx, y):
            assert note is None
            note = "# note: %s: PyTorch's generic (C > 4) path differs from its AVX path by up to %d; the golden is the AVX path's" % (
                case["name"], int((avx.int() - y.int()).abs().max()))
            y = avx
    return x, y, note


def u8_case_text(case, x, y):
    j = lambda v: " ".join(str(int(t)) for t in v)
    lines = ["case " + case["name"], "mode " + case["mode"], "antialias %d" % case["aa"],
             "align_corners %d" % (-1 if case["ac"] is None else int(case["ac"])),
             "layout " + case["layout"], "in_shape " + j(x.shape)]
    if case["size"]:
        lines.append("size " + j(case["size"]))
    else:
        lines.append("scale " + " ".join(repr(float(v)) for v in case["scale"]))
    lines += ["out_shape " + j(y.shape), fmt_values("x", x, "%d"), fmt_values("y", y, "%d"), "end"]
    return "\n".join(lines) + "\n"


def generate_interpolate_u8(outdir):
    torch.set_num_threads(1)
    cases = u8_build_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "duplicate interpolate_u8 case names"
    body, notes = [], []
    for case in cases:
        x, y, note = u8_compute(case)
        body.append(u8_case_text(case, x, y))
        if note:
            notes.append(note)
    header = [
        "# clresample golden data: torch.nn.functional.interpolate on uint8 tensors (bilinear,",
        "#   bicubic, with and without antialias; lanczos), PyTorch's integer arithmetic",
        "# torch %s, numpy %s, CPU capability %s" % (torch.__version__, np.__version__, cpu_capability()),
        "# command: /opt/torch215/bin/python3 tools/gen-golden.py --only=interpolate_u8",
        "# format: see the docstring of tools/gen-golden.py",
    ] + notes
    header.append("# cases %d" % len(body))
    path = os.path.join(outdir, U8_FILENAME)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.writelines(body)
    for line in notes:
        print(line)
    print("wrote %d cases to %s (%d bytes)" % (len(body), path, os.path.getsize(path)))


def u8_check_case(rec):
    name = rec["case"][0]
    required = ("mode", "antialias", "align_corners", "layout", "in_shape", "out_shape", "x", "y")
    for k in required:
        assert k in rec, "%s: missing %s" % (name, k)
    extra = set(rec) - set(required) - {"case", "size", "scale"}
    assert not extra, "%s: unknown keys %s" % (name, sorted(extra))
    assert ("size" in rec) != ("scale" in rec), "%s: size or scale" % name
    ins = [int(v) for v in rec["in_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    for key, shp in (("x", ins), ("y", outs)):
        vals = [int(v) for v in rec[key][1:]]
        assert int(rec[key][0]) == len(vals) == math.prod(shp), "%s: %s count" % (name, key)
        assert all(0 <= v <= 255 for v in vals), "%s: %s range" % (name, key)


# family -> (generator, file name, checker)
FAMILIES = {
    "interpolate": (lambda d: generate(d), FILENAME, lambda: check_case),
    "grid_sample": (lambda d: generate_grid_sample(d), GS_FILENAME, lambda: gs_check_case),
    "affine_grid": (lambda d: generate_affine_grid(d), AG_FILENAME, lambda: ag_check_case),
    "pool": (lambda d: generate_pool(d), POOL_FILENAME, lambda: pool_check_case),
    "conv_transpose": (lambda d: generate_conv_transpose(d), CT_FILENAME, lambda: ct_check_case),
    "pixel_shuffle": (lambda d: generate_pixel_shuffle(d), PS_FILENAME, lambda: ps_check_case),
    "interpolate_u8": (lambda d: generate_interpolate_u8(d), U8_FILENAME, lambda: u8_check_case),
    # scipy.ndimage: only with --only=ndimage, under /usr/bin/python3 (scipy 1.10)
    "ndimage": (lambda d: _ndimage().generate(d), "ndimage.txt", lambda: _ndimage().check_case),
}
# The families run when --only is not given (they need PyTorch, not scipy).
DEFAULT_FAMILIES = [f for f in FAMILIES if f != "ndimage"]


def _ndimage():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import gen_golden_ndimage
    return gen_golden_ndimage

# The families whose numbers differ between PyTorch 2.15 and 1.13: their 1.13 files live in
# tests/golden/torch1.13/ and are checked with compat CLRS_COMPAT_TORCH_1_13.
COMPAT_FAMILIES = ["interpolate", "grid_sample"]


def main(argv):
    check_only = "--check" in argv
    only = None
    args = []
    for a in argv:
        if a.startswith("--only="):
            only = a[len("--only="):].split(",")
        elif a != "--check":
            args.append(a)
    if len(args) > 1 or (only and any(f not in FAMILIES for f in only)):
        raise SystemExit("usage: gen-golden.py [--check] [--only=FAMILY,...] [OUTDIR]  (families: %s)"
                         % ", ".join(FAMILIES))
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = args[0] if args else os.path.join(repo, "tests", "golden")
    os.makedirs(outdir, exist_ok=True)
    for name in only or DEFAULT_FAMILIES:
        gen, fname, checker = FAMILIES[name]
        if not check_only:
            gen(outdir)
        check_file(os.path.join(outdir, fname), checker())


if __name__ == "__main__":
    main(sys.argv[1:])
