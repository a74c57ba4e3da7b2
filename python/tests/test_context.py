"""Contexts: options, the default context, per-call contexts, compat, devices; PyOpenCL
arrays zero-copy on a context wrapping the PyOpenCL queue."""
import os

import numpy as np
import pytest

import clresample as cr
from conftest import DEVICE, TORCH_COMPAT, make_context


def test_devices_and_version():
    devs = cr.devices()
    assert devs[-1]["type"] == "host"
    assert cr.version().count(".") == 2


def test_context_options(tmp_path):
    c = cr.Context("host", cache_dir=str(tmp_path), deterministic=True, compat="1.13")
    assert c.is_host and c.compat == "1.13" and c.deterministic
    assert c.device["type"] == "host" and "host" in repr(c)
    c.finish()
    assert set(c.cache_stats()) >= {"builds", "host_fallbacks", "disk_enabled"}
    with pytest.raises(NotImplementedError):
        c.last_kernel_ms()  # host backend: no device timing
    c.close()
    c.close()


def test_default_context_and_per_call_context():
    saved = cr.default_context()
    try:
        cr.set_default_context(None)
        os.environ["CLRS_DEVICE"] = "host"
        d = cr.default_context()
        assert d is cr.default_context() and d.is_host
        mine = cr.Context("host", compat="1.13")
        cr.set_default_context(mine)
        assert cr.default_context() is mine
    finally:
        cr.set_default_context(saved)
    x = np.arange(12, dtype=np.float32).reshape(1, 1, 3, 4)
    a = cr.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False,
                       context=cr.Context("host"))
    b = cr.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False)
    np.testing.assert_array_equal(a, b)


def test_compat_changes_nearest_3d():
    """The versions differ in the 5-D nearest forward (docs/ARCHITECTURE.md): each context
    follows its PyTorch; the installed one's must match the conftest choice."""
    torch = pytest.importorskip("torch")
    x = torch.randn(1, 1, 5, 7, 9, generator=torch.Generator().manual_seed(3))
    want = torch.nn.functional.interpolate(x, scale_factor=0.77, mode="nearest")
    got = cr.interpolate(x, scale_factor=0.77, mode="nearest",
                         context=make_context(compat=TORCH_COMPAT))
    assert torch.equal(got, want)


def test_pyopencl_arrays_zero_copy():
    cl = pytest.importorskip("pyopencl")
    import pyopencl.array as cla
    try:
        platforms = cl.get_platforms()
    except cl.Error:
        platforms = []
    devs = [d for p in platforms for d in p.get_devices()]
    if not devs:
        pytest.skip("no OpenCL device")
    clctx = cl.Context([devs[0]])
    queue = cl.CommandQueue(clctx)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 5, 6)).astype(np.float32)
    xd = cla.to_device(queue, x)
    # default: a context wrapping the array's queue, made once and reused
    yd = cr.interpolate(xd, size=(7, 9), mode="bilinear", align_corners=False)
    assert isinstance(yd, cla.Array) and yd.queue is queue and yd.shape == (1, 2, 7, 9)
    want = cr.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False)
    np.testing.assert_allclose(yd.get(), want, rtol=1e-5, atol=1e-6)
    # an explicit wrapped context, a sliced (offset, strided) device array, and chaining
    wrapped = cr.Context(queue=queue, cache_dir=os.environ.get("CLRS_CACHE_DIR"))
    assert wrapped.device["type"] != "host"
    big = cla.to_device(queue, rng.standard_normal((2, 2, 6, 8)).astype(np.float32))
    sub = big[1:]
    pooled = cr.max_pool2d(sub, 2, context=wrapped)
    np.testing.assert_array_equal(pooled.get(), cr.max_pool2d(big.get()[1:], 2))
    v, i = cr.max_pool2d(xd, 2, return_indices=True)
    assert i.dtype == np.int64
    u = cr.max_unpool2d(v, i, 2, output_size=(5, 6))
    np.testing.assert_array_equal(u.get(), cr.max_unpool2d(*cr.max_pool2d(
        x, 2, return_indices=True), 2, output_size=(5, 6)))
