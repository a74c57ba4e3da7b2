"""Per-call overhead of the Python layer on a tiny tensor (host backend): microseconds per
call of clresample's functions (NumPy, torch, clresample.torch with autograd) against the
same C call made directly through cffi with prepared structs (the library's own cost plus
cffi's ~0.1 us), and PyTorch's op for scale.

    CLRS_LIBRARY=lib/.libs/libclresample.so PYTHONPATH=python python3 python/examples/overhead.py
"""
import timeit

import numpy as np

import clresample as cr
from clresample._lib import ffi, lib

ctx = cr.Context("host", cache_dir="")
cr.set_default_context(ctx)


def per_call(fn, n=20000):
    fn()
    best = min(timeit.repeat(fn, number=n, repeat=5))
    return best / n * 1e6


def main():
    a = np.random.default_rng(0).standard_normal((1, 1, 4, 4)).astype(np.float32)
    out = np.empty((1, 1, 8, 8), np.float32)
    p = ffi.new("clrs_interpolate_params *", {"mode": lib.CLRS_LINEAR, "size": [8, 8, 0],
                                               "align_corners": 0, "recompute_scale_factor": -1,
                                               "compat": -1})
    x = ffi.new("clrs_tensor *", lib.clrs_tensor_host(0, 4, [1, 1, 4, 4],
                                                      ffi.cast("void *", a.ctypes.data)))
    y = ffi.new("clrs_tensor *", lib.clrs_tensor_host(0, 4, [1, 1, 8, 8],
                                                      ffi.cast("void *", out.ctypes.data)))
    rows = [("C call through cffi (prepared structs)",
             per_call(lambda: lib.clrs_interpolate(ctx.ptr, p, x, y)))]
    rows.append(("cr.interpolate(NumPy)", per_call(
        lambda: cr.interpolate(a, size=(8, 8), mode="bilinear", align_corners=False))))
    rows.append(("cr.max_pool2d(NumPy, 2)", per_call(lambda: cr.max_pool2d(a, 2))))
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None:
        t = torch.from_numpy(a)
        rows.append(("cr.interpolate(torch)", per_call(
            lambda: cr.interpolate(t, size=(8, 8), mode="bilinear", align_corners=False))))
        tg = t.clone().requires_grad_(True)
        rows.append(("cr.torch.interpolate(torch, requires_grad) forward", per_call(
            lambda: cr.torch.interpolate(tg, size=(8, 8), mode="bilinear",
                                         align_corners=False), n=5000)))
        rows.append(("F.interpolate(torch) (PyTorch, for scale)", per_call(
            lambda: F.interpolate(t, size=(8, 8), mode="bilinear", align_corners=False))))
    base = rows[0][1]
    for name, us in rows:
        print("%-52s %7.2f us/call  (+%.2f us)" % (name, us, us - base))


if __name__ == "__main__":
    main()
