#!/usr/bin/env python3
"""test_dlpack_torch.py — PyTorch tensors reach every op through DLPack with no copy.

Each op gets tensors made by expand (stride 0), permute (channels-last) and slicing (an
offset and gaps), handed over as torch.utils.dlpack capsules and read by
clrs_tensor_from_dlpack; the test checks that the library addresses the tensor's own memory
(no copy) and that the result equals PyTorch's on the same tensors. The host backend runs
it (the library's ctypes use here is a test's, not an API). Exit 77 (skip) without torch.
Run from the build tree: LIBCLRESAMPLE=path/to/libclresample.so python3 test_dlpack_torch.py
"""
import ctypes as C
import os
import sys

try:
    import torch
    import torch.nn.functional as F
    from torch.utils.dlpack import to_dlpack
except ImportError:
    print("test_dlpack_torch: PyTorch is not installed: skipped")
    sys.exit(77)

path = os.environ.get("LIBCLRESAMPLE", "lib/.libs/libclresample.so")
if not os.path.exists(path):  # a static-only build (make check-sanitize): nothing to load
    print("test_dlpack_torch: no shared library at %s: skipped" % path)
    sys.exit(77)
lib = C.CDLL(path)


class Tensor(C.Structure):  # clrs_tensor, lib/clresample.h
    _fields_ = [("dtype", C.c_int), ("ndim", C.c_int), ("shape", C.c_int64 * 5),
                ("strides", C.c_int64 * 5), ("data", C.c_void_p), ("mem", C.c_void_p),
                ("offset", C.c_size_t), ("contiguous", C.c_int)]


class Interp(C.Structure):
    _fields_ = [("mode", C.c_int), ("size", C.c_int64 * 3), ("scale_factor", C.c_double * 3),
                ("align_corners", C.c_int), ("recompute_scale_factor", C.c_int), ("antialias", C.c_int),
                ("compat", C.c_int)]


class Grid(C.Structure):
    _fields_ = [("mode", C.c_int), ("padding_mode", C.c_int), ("align_corners", C.c_int),
                ("deterministic", C.c_int), ("compat", C.c_int)]


class Pool(C.Structure):
    _fields_ = [("kernel", C.c_int64 * 3), ("stride", C.c_int64 * 3), ("padding", C.c_int64 * 3),
                ("dilation", C.c_int64 * 3), ("ceil_mode", C.c_int)]


class Unpool(C.Structure):
    _fields_ = [("kernel", C.c_int64 * 3), ("stride", C.c_int64 * 3), ("padding", C.c_int64 * 3),
                ("output_size", C.c_int64 * 5), ("output_ndim", C.c_int)]


class ConvT(C.Structure):
    _fields_ = [("stride", C.c_int64 * 3), ("padding", C.c_int64 * 3),
                ("output_padding", C.c_int64 * 3), ("dilation", C.c_int64 * 3), ("groups", C.c_int64)]


DEFAULT = -(2 ** 63)
lib.clrs_error_message.restype = C.c_char_p
lib.clrs_context_create.argtypes = [C.POINTER(C.c_void_p), C.c_void_p]
ctx = C.c_void_p()


class Options(C.Structure):
    _fields_ = [("device", C.c_char_p), ("cache_dir", C.c_char_p), ("host_fallback", C.c_int),
                ("deterministic", C.c_int), ("compat", C.c_int)]


assert lib.clrs_context_create(C.byref(ctx), C.byref(Options(b"host", b"", 1, 0))) == 0
checks = 0
keep = []  # capsules stay alive while the library reads their tensors


def view(t):
    """A PyTorch tensor as a clrs_tensor over its own memory, through DLPack."""
    cap = to_dlpack(t)
    keep.append(cap)
    get = C.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = C.c_void_p, [C.py_object, C.c_char_p]
    out = Tensor()
    st = lib.clrs_tensor_from_dlpack(C.c_void_p(get(cap, b"dltensor")), C.byref(out))
    assert st == 0, lib.clrs_error_message()
    addr = (out.data or 0) + out.offset
    assert t.numel() == 0 or addr == t.data_ptr(), "copied: %x vs %x" % (addr, t.data_ptr())
    return out


def call(fn, *args):
    st = fn(ctx, *args)
    assert st == 0, lib.clrs_error_message().decode()


def close(name, got, want, tol=1e-5):
    global checks
    err = (got.double() - want.double()).abs().max().item() / max(want.double().abs().max().item(), 1e-30)
    assert err <= tol, "%s: relative error %g" % (name, err)
    checks += 1
    print("%-44s ok (rel %.2g)" % (name, err))


def layouts(shape):
    """Tensors of `shape` from expand, permute and slicing (values from a fixed seed)."""
    g = torch.Generator().manual_seed(7)
    n, c = shape[0], shape[1]
    yield "expand", torch.randn((1, c) + tuple(shape[2:]), generator=g).expand(*shape)
    base = torch.randn((n,) + tuple(shape[2:]) + (c,), generator=g)
    yield "permute", base.permute(0, base.dim() - 1, *range(1, base.dim() - 1))
    big = torch.randn(tuple(s * 2 + 1 for s in shape), generator=g)
    yield "slice", big[tuple(slice(1, 1 + 2 * s, 2) for s in shape)]


def empty_like_layout(shape, kind):
    """An output tensor: contiguous, channels-last (permuted), or a slice of a larger one."""
    if kind == "permute":
        t = torch.empty((shape[0],) + tuple(shape[2:]) + (shape[1],))
        return t.permute(0, t.dim() - 1, *range(1, t.dim() - 1))
    if kind == "slice":
        return torch.empty(tuple(s + 1 for s in shape))[tuple(slice(1, None) for _ in shape)]
    return torch.empty(shape)


# interpolate and its backward, every mode
for kind, x in layouts((2, 3, 5, 6)):
    for mode, cm, aa in [("nearest", 0, 0), ("bilinear", 2, 0), ("bicubic", 3, 0), ("area", 4, 0),
                         ("bilinear", 2, 1)]:
        p = Interp(cm, (C.c_int64 * 3)(7, 9, 0), (C.c_double * 3)(0, 0, 0), 0 if cm in (2, 3) else -1, -1, aa)
        y = empty_like_layout((2, 3, 7, 9), kind)
        call(lib.clrs_interpolate, C.byref(p), C.byref(view(x)), C.byref(view(y)))
        kw = {"align_corners": False} if cm in (2, 3) else {}
        if aa:
            kw["antialias"] = True
        ref = F.interpolate(x, size=(7, 9), mode=mode, **kw)
        close("interpolate %s%s [%s]" % (mode, " aa" if aa else "", kind), y, ref)
        gy = empty_like_layout((2, 3, 7, 9), kind).copy_(torch.randn(2, 3, 7, 9))
        gx = empty_like_layout((2, 3, 5, 6), kind)
        call(lib.clrs_interpolate_backward, C.byref(p), C.byref(view(gy)), C.byref(view(gx)))
        xr = x.detach().clone().requires_grad_(True)
        F.interpolate(xr, size=(7, 9), mode=mode, **kw).backward(gy)
        close("interpolate_backward %s%s [%s]" % (mode, " aa" if aa else "", kind), gx, xr.grad)

# PyTorch 2.15's contiguous float antialias shrinking H into a 1-column output is wrong (every
# row the same); its channels-last result (and 1.13's) is right, and so is ours
x = torch.randn(1, 3, 16, 9, generator=torch.Generator().manual_seed(0))
for cm, mode in ((2, "bilinear"), (3, "bicubic")):
    y = torch.empty(1, 3, 5, 1)
    p = Interp(cm, (C.c_int64 * 3)(5, 1, 0), (C.c_double * 3)(0, 0, 0), 0, -1, 1, -1)
    call(lib.clrs_interpolate, C.byref(p), C.byref(view(x)), C.byref(view(y)))
    ref = F.interpolate(x.contiguous(memory_format=torch.channels_last), size=(5, 1), mode=mode,
                        antialias=True, align_corners=False)
    close("interpolate %s aa to 1 column (torch 2.15 bug)" % mode, y, ref)

# uint8 images: nearest / nearest-exact picks and max_pool values, bit for bit (2-D: the same
# rule in PyTorch 1.13 and 2.15)
g8 = torch.Generator().manual_seed(8)
for mode, cm in (("nearest", 0), ("nearest-exact", 1)):
    for cl in (False, True):
        x = torch.randint(0, 256, (2, 3, 10, 7), generator=g8, dtype=torch.uint8)
        if cl:
            x = x.contiguous(memory_format=torch.channels_last)
        ref = F.interpolate(x, size=(6, 11), mode=mode)
        y = torch.empty(ref.shape, dtype=torch.uint8)
        p = Interp(cm, (C.c_int64 * 3)(6, 11, 0), (C.c_double * 3)(0, 0, 0), -1, -1, 0, -1)
        call(lib.clrs_interpolate, C.byref(p), C.byref(view(x)), C.byref(view(y)))
        close("uint8 interpolate %s%s" % (mode, " channels_last" if cl else ""), y, ref, 0)
# uint8 bilinear / bicubic (antialias or not) / lanczos: PyTorch 2.x's integer arithmetic, bit
# for bit, on contiguous, channels-last and sliced (offset, gaps) tensors; 1.13 has no uint8 there
for mode, cm, aa in (("bilinear", 2, 0), ("bilinear", 2, 1), ("bicubic", 3, 0), ("bicubic", 3, 1),
                     ("lanczos", 5, 1)):
    for kind in ("contiguous", "channels_last", "slice"):
        x = torch.randint(0, 256, (2, 5, 13, 11), generator=g8, dtype=torch.uint8)
        if kind == "channels_last":
            x = x[:, :3].contiguous(memory_format=torch.channels_last)
        elif kind == "slice":
            x = x[:, 1:5, 2:12:2, 1:]
        try:
            ref = F.interpolate(x, size=(4, 17), mode=mode, antialias=bool(aa))
        except (RuntimeError, NotImplementedError, ValueError):
            print("SKIP uint8 interpolate %s: this PyTorch (%s) has no uint8 %s" % (mode, torch.__version__, mode))
            break
        y = torch.empty(ref.shape, dtype=torch.uint8)
        p = Interp(cm, (C.c_int64 * 3)(4, 17, 0), (C.c_double * 3)(0, 0, 0), -1, -1, aa, -1)
        call(lib.clrs_interpolate, C.byref(p), C.byref(view(x)), C.byref(view(y)))
        close("uint8 interpolate %s%s %s" % (mode, " antialias" if aa else "", kind), y, ref, 0)
x = torch.randint(0, 256, (2, 3, 9, 8), generator=g8, dtype=torch.uint8)
try:
    ref = F.max_pool2d(x, 2, ceil_mode=True)
except RuntimeError:  # PyTorch 1.13 has no uint8 max_pool2d: its float picks, stored back
    ref = F.max_pool2d(x.float(), 2, ceil_mode=True).to(torch.uint8)
y = torch.empty(ref.shape, dtype=torch.uint8)
p = Pool((C.c_int64 * 3)(2, 2, 0), (C.c_int64 * 3)(DEFAULT, DEFAULT, DEFAULT), (C.c_int64 * 3)(0, 0, 0),
         (C.c_int64 * 3)(DEFAULT, DEFAULT, DEFAULT), 1)
call(lib.clrs_max_pool, C.byref(p), C.byref(view(x)), C.byref(view(y)), None)
close("uint8 max_pool2d", y, ref, 0)

# grid_sample (+ backward) and affine_grid (+ backward)
for kind, x in layouts((2, 3, 5, 6)):
    theta = torch.tensor([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.05]]] * 2)
    grid = torch.empty(2, 4, 7, 2)
    call(lib.clrs_affine_grid, 0, C.byref(view(theta)), C.byref(view(grid)))
    close("affine_grid [%s]" % kind, grid, F.affine_grid(theta, (2, 3, 4, 7), align_corners=False))
    gsrc = torch.randn(2, 9, 15, 2) * 0.8
    g = gsrc[:, ::2, ::2, :]  # a sliced grid
    for mname, m in [("bilinear", 0), ("nearest", 1), ("bicubic", 2)]:
        p = Grid(m, 1, 0, 1)
        y = empty_like_layout((2, 3, 5, 8), kind)
        call(lib.clrs_grid_sample, C.byref(p), C.byref(view(x)), C.byref(view(g)), C.byref(view(y)))
        close("grid_sample %s [%s]" % (mname, kind), y,
              F.grid_sample(x, g, mode=mname, padding_mode="border", align_corners=False))
        gy = torch.randn(2, 3, 5, 8)
        gx, gg = torch.empty(2, 3, 5, 6), torch.empty(2, 5, 8, 2)
        call(lib.clrs_grid_sample_backward, C.byref(p), C.byref(view(gy)), C.byref(view(x)),
             C.byref(view(g)), C.byref(view(gx)), C.byref(view(gg)))
        xr, gr = x.detach().clone().requires_grad_(True), g.detach().clone().requires_grad_(True)
        F.grid_sample(xr, gr, mode=mname, padding_mode="border", align_corners=False).backward(gy)
        close("grid_sample_backward %s input [%s]" % (mname, kind), gx, xr.grad)
        if m != 1:
            close("grid_sample_backward %s grid [%s]" % (mname, kind), gg, gr.grad, 1e-4)
    gt = torch.empty(2, 2, 3)
    gg = torch.randn(2, 8, 13, 2)[:, ::2, ::2, :]
    call(lib.clrs_affine_grid_backward, 0, C.byref(view(gg)), C.byref(view(gt)))
    tr = theta.clone().requires_grad_(True)
    F.affine_grid(tr, (2, 3, 4, 7), align_corners=False).backward(gg.contiguous())  # torch 1.13 cannot take the slice
    close("affine_grid_backward [%s]" % kind, gt, tr.grad)

# max_pool (values, indices, backward), max_unpool (+ backward)
for kind, x in layouts((2, 3, 8, 9)):
    p = Pool((C.c_int64 * 3)(3, 2, 0), (C.c_int64 * 3)(2, 2, DEFAULT), (C.c_int64 * 3)(1, 0, 0),
             (C.c_int64 * 3)(1, 2, DEFAULT), 1)
    yr, ir = F.max_pool2d(x, (3, 2), (2, 2), (1, 0), (1, 2), ceil_mode=True, return_indices=True)
    y, idx = empty_like_layout(tuple(yr.shape), kind), torch.empty(yr.shape, dtype=torch.int64)
    call(lib.clrs_max_pool, C.byref(p), C.byref(view(x)), C.byref(view(y)), C.byref(view(idx)))
    close("max_pool values [%s]" % kind, y, yr, 0)
    assert torch.equal(idx, ir), "max_pool indices [%s]" % kind
    y2 = torch.empty(yr.shape)
    call(lib.clrs_max_pool, C.byref(p), C.byref(view(x)), C.byref(view(y2)), None)
    close("max_pool without indices [%s]" % kind, y2, yr, 0)
    gy = torch.randn(yr.shape)
    gx = empty_like_layout((2, 3, 8, 9), kind)
    call(lib.clrs_max_pool_backward, C.byref(p), C.byref(view(gy)), C.byref(view(idx)), C.byref(view(gx)))
    xr = x.detach().clone().requires_grad_(True)
    F.max_pool2d(xr, (3, 2), (2, 2), (1, 0), (1, 2), ceil_mode=True).backward(gy)
    close("max_pool_backward [%s]" % kind, gx, xr.grad)
    # unpool the indices of a 2x2 pool, output_size given as (N, C, H, W) as PyTorch takes it
    v, i2 = F.max_pool2d(x, 2, return_indices=True)
    u = Unpool((C.c_int64 * 3)(2, 2, 0), (C.c_int64 * 3)(DEFAULT, DEFAULT, DEFAULT), (C.c_int64 * 3)(0, 0, 0),
               (C.c_int64 * 5)(2, 3, 8, 9, 0), 4)
    out = empty_like_layout((2, 3, 8, 9), kind)
    call(lib.clrs_max_unpool, C.byref(u), C.byref(view(v)), C.byref(view(i2)), C.byref(view(out)))
    close("max_unpool [%s]" % kind, out, F.max_unpool2d(v, i2, 2, output_size=(2, 3, 8, 9)), 0)
    gi = torch.empty(v.shape)
    call(lib.clrs_max_unpool_backward, C.byref(u), C.byref(view(x)), C.byref(view(i2)), C.byref(view(gi)))
    vr = v.detach().clone().requires_grad_(True)
    F.max_unpool2d(vr, i2, 2, output_size=(8, 9)).backward(x)
    close("max_unpool_backward [%s]" % kind, gi, vr.grad, 0)

# conv_transpose (+ backward) with a permuted weight and a sliced bias
for kind, x in layouts((2, 4, 5, 6)):
    w = torch.randn(4, 3, 4, 3).transpose(2, 3)  # (C_in, C_out/groups, 3, 4), last two dims swapped
    b = torch.randn(12)[::2]
    p = ConvT((C.c_int64 * 3)(2, 1, DEFAULT), (C.c_int64 * 3)(1, 0, 0), (C.c_int64 * 3)(1, 0, 0),
              (C.c_int64 * 3)(1, 2, DEFAULT), 2)
    ref = F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                             dilation=(1, 2))
    y = empty_like_layout(tuple(ref.shape), kind)
    call(lib.clrs_conv_transpose, C.byref(p), C.byref(view(x)), C.byref(view(w)), C.byref(view(b)),
         C.byref(view(y)))
    close("conv_transpose [%s]" % kind, y, ref)
    gy = torch.randn(ref.shape)
    gx, gw, gb = torch.empty(x.shape), torch.empty(w.shape), torch.empty(6)
    call(lib.clrs_conv_transpose_backward, C.byref(p), C.byref(view(gy)), C.byref(view(x)), C.byref(view(w)),
         C.byref(view(gx)), C.byref(view(gw)), C.byref(view(gb)))
    xr, wr, br = (t.detach().clone().requires_grad_(True) for t in (x, w, b))
    F.conv_transpose2d(xr, wr, br, stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                       dilation=(1, 2)).backward(gy)
    close("conv_transpose_backward input [%s]" % kind, gx, xr.grad)
    close("conv_transpose_backward weight [%s]" % kind, gw, wr.grad)
    close("conv_transpose_backward bias [%s]" % kind, gb, br.grad)

lib.clrs_context_destroy(ctx)
print("dlpack from PyTorch %s: %d checks, every op, no copy: %d passed, 0 failed" % (torch.__version__, checks, checks))
