"""Every op against torch.nn.functional on random shapes: torch tensors (contiguous,
channels-last, sliced), NumPy arrays (NumPy in, NumPy out), unbatched inputs."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import clresample as cr  # noqa: E402

RNG = np.random.default_rng(1234)


def rand(*shape, dtype=torch.float32):
    return torch.from_numpy(RNG.standard_normal(shape)).to(dtype)


def layouts(t):
    """The tensor contiguous, channels-last and as a strided slice of a larger one."""
    yield "contiguous", t
    if t.dim() in (4, 5):
        mf = torch.channels_last if t.dim() == 4 else torch.channels_last_3d
        cl = t.contiguous(memory_format=mf)
        assert not cl.is_contiguous() or min(t.shape[1:]) == 1
        yield "channels_last", cl
    big = torch.zeros([s * 2 for s in t.shape], dtype=t.dtype)
    sl = big[tuple(slice(0, None, 2) for _ in t.shape)]
    sl.copy_(t)
    yield "strided", sl


def close(got, want, tol=1e-5):
    assert type(got) is type(want) or isinstance(got, type(want))
    assert tuple(got.shape) == tuple(want.shape)
    g = torch.as_tensor(got).double()
    w = torch.as_tensor(want).double()
    err = (g - w).abs().max().item() if w.numel() else 0.0
    assert err <= tol * max(w.abs().max().item() if w.numel() else 1, 1), err


def both(fn_cr, fn_torch, *tensors, tol=1e-5, **kw):
    """Runs clresample on torch and NumPy inputs and PyTorch on torch inputs; compares."""
    want = fn_torch(*tensors, **kw)
    got = fn_cr(*tensors, **kw)
    wants = want if isinstance(want, tuple) else (want,)
    gots = got if isinstance(got, tuple) else (got,)
    for g, w in zip(gots, wants):
        assert isinstance(g, torch.Tensor)
        close(g, w, tol if w.is_floating_point() else 0)
    gn = fn_cr(*[t.numpy() if isinstance(t, torch.Tensor) else t for t in tensors], **kw)
    gns = gn if isinstance(gn, tuple) else (gn,)
    for g, w in zip(gns, wants):
        assert isinstance(g, np.ndarray) and g.dtype == w.numpy().dtype
        close(torch.from_numpy(g), w, tol if w.is_floating_point() else 0)
    return got


INTERP_CASES = [
    ("nearest", 3, {}), ("nearest", 4, {}), ("nearest", 5, {}),
    ("nearest-exact", 4, {}), ("nearest-exact", 3, {}),
    ("linear", 3, {"align_corners": False}), ("linear", 3, {"align_corners": True}),
    ("bilinear", 4, {"align_corners": False}), ("bilinear", 4, {"align_corners": True}),
    ("bicubic", 4, {"align_corners": False}), ("bicubic", 4, {"align_corners": True}),
    ("trilinear", 5, {"align_corners": False}), ("area", 3, {}), ("area", 4, {}), ("area", 5, {}),
    ("bilinear", 4, {"antialias": True, "align_corners": False}),
    ("bicubic", 4, {"antialias": True, "align_corners": False}),
]


@pytest.mark.parametrize("mode,ndim,kw", INTERP_CASES)
def test_interpolate(mode, ndim, kw):
    shape = [int(RNG.integers(1, 3)), int(RNG.integers(1, 4))] + \
        [int(RNG.integers(2, 7)) for _ in range(ndim - 2)]
    x = rand(*shape)
    size = [int(RNG.integers(1, 9)) for _ in range(ndim - 2)]
    for name, t in layouts(x):
        y = both(cr.interpolate, F.interpolate, t, size=size, mode=mode, **kw)
        if name == "channels_last" and mode != "area":
            assert y.is_contiguous(memory_format=torch.channels_last if ndim == 4
                                   else torch.channels_last_3d)
    # scale_factor, with and without recompute
    for rsf in (None, True):
        if mode == "area" and rsf is None:
            continue
        both(cr.interpolate, F.interpolate, x, scale_factor=1.7, mode=mode,
             recompute_scale_factor=rsf, **kw)


def test_interpolate_dtypes():
    x = rand(1, 2, 5, 4)
    for dt, tol in ((torch.float64, 1e-12), (torch.float16, 2e-3), (torch.bfloat16, 1e-2)):
        t = x.to(dt)
        got = cr.interpolate(t, size=(7, 3), mode="bilinear", align_corners=False)
        assert got.dtype == dt
        ref = t if dt == torch.float64 else t.float()
        want = F.interpolate(ref, size=(7, 3), mode="bilinear", align_corners=False)
        close(got.to(want.dtype), want, tol)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_2d(mode, padding_mode, align_corners):
    x = rand(2, 3, int(RNG.integers(2, 7)), int(RNG.integers(2, 7)))
    grid = rand(2, 4, 5, 2) * 0.7
    for _, t in layouts(x):
        both(cr.grid_sample, F.grid_sample, t, grid, mode=mode, padding_mode=padding_mode,
             align_corners=align_corners)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_3d(mode, padding_mode):
    x = rand(1, 2, 3, 4, 5)
    grid = rand(1, 2, 3, 4, 3) * 0.7
    for _, t in layouts(x):
        both(cr.grid_sample, F.grid_sample, t, grid, mode=mode, padding_mode=padding_mode,
             align_corners=False)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid(align_corners):
    theta = rand(2, 2, 3)
    both(cr.affine_grid, F.affine_grid, theta, (2, 3, 5, 7), align_corners=align_corners)
    theta = rand(2, 3, 4)
    both(cr.affine_grid, F.affine_grid, theta, [2, 1, 3, 4, 5], align_corners=align_corners)


POOL_CASES = [
    (1, dict(kernel_size=3)), (1, dict(kernel_size=2, stride=1, padding=1, dilation=2)),
    (2, dict(kernel_size=2)), (2, dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0),
                                       dilation=(1, 2), ceil_mode=True)),
    (3, dict(kernel_size=2, ceil_mode=True)), (3, dict(kernel_size=(2, 3, 2), stride=1,
                                                       padding=1)),
]


@pytest.mark.parametrize("n,kw", POOL_CASES)
def test_max_pool(n, kw):
    fn_cr = getattr(cr, "max_pool%dd" % n)
    fn_t = getattr(F, "max_pool%dd" % n)
    x = rand(2, 3, *[int(RNG.integers(5, 9)) for _ in range(n)])
    for _, t in layouts(x):
        both(fn_cr, fn_t, t, **kw)
        both(fn_cr, fn_t, t, return_indices=True, **kw)
    both(fn_cr, fn_t, x[0], return_indices=True, **kw)  # unbatched


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool(n):
    x = rand(2, 3, *[6] * n)
    v, i = getattr(F, "max_pool%dd" % n)(x, 2, return_indices=True)
    fn_cr = getattr(cr, "max_unpool%dd" % n)
    fn_t = getattr(F, "max_unpool%dd" % n)
    for _, t in layouts(v):
        both(fn_cr, fn_t, t, i, 2)
    out_size = [7] * n
    both(fn_cr, fn_t, v, i, 2, output_size=out_size)
    both(fn_cr, fn_t, v, i, 2, output_size=[2, 3] + out_size)
    both(fn_cr, fn_t, v[0], i[0], 2)  # unbatched


CONV_CASES = [
    (1, dict(stride=2, padding=1, output_padding=1)),
    (2, dict()), (2, dict(stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                          dilation=(1, 2))),
    (3, dict(stride=2, groups=1)),
]


@pytest.mark.parametrize("n,kw", CONV_CASES)
@pytest.mark.parametrize("with_bias", [False, True])
def test_conv_transpose(n, kw, with_bias):
    g = kw.get("groups", 1)
    cin, cout = 2 * g, 3 * g
    x = rand(2, cin, *[int(RNG.integers(2, 6)) for _ in range(n)])
    w = rand(cin, cout // g, *[int(RNG.integers(1, 4)) for _ in range(n)])
    b = rand(cout) if with_bias else None
    fn_cr = getattr(cr, "conv_transpose%dd" % n)
    fn_t = getattr(F, "conv_transpose%dd" % n)
    for _, t in layouts(x):
        both(fn_cr, fn_t, t, w, b, **kw, tol=1e-4)
    both(fn_cr, fn_t, x[0], w, b, **kw, tol=1e-4)  # unbatched


def test_numpy_round_trip():
    a = RNG.standard_normal((1, 2, 4, 5)).astype(np.float32)
    up = cr.interpolate(a, scale_factor=2, mode="nearest")
    assert isinstance(up, np.ndarray) and up.shape == (1, 2, 8, 10) and up.dtype == np.float32
    down = cr.interpolate(up, size=(4, 5), mode="area")
    assert isinstance(down, np.ndarray)
    # 2x nearest then 2x area is the identity
    np.testing.assert_allclose(down, a, rtol=1e-5, atol=1e-6)
    # non-contiguous, negative strides (copied), Fortran order and read-only arrays
    for b in (a[..., ::-1], np.asfortranarray(a), a.transpose(0, 1, 3, 2)):
        got = cr.interpolate(b, size=(3, 3), mode="bicubic", align_corners=True)
        want = F.interpolate(torch.from_numpy(np.ascontiguousarray(b)), size=(3, 3),
                             mode="bicubic", align_corners=True).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    ro = a.copy()
    ro.setflags(write=False)
    np.testing.assert_array_equal(cr.max_pool2d(ro, 2), cr.max_pool2d(a, 2))
    # float64 stays float64; lists are arrays
    assert cr.interpolate(a.astype(np.float64), size=(2, 2)).dtype == np.float64
    assert cr.max_pool1d([[[1.0, 3.0, 2.0, 0.0]]], 2).tolist() == [[[3.0, 2.0]]]


def test_torch_zero_copy_and_broadcast():
    x = rand(1, 3, 4, 4).expand(2, 3, 4, 4)  # stride 0 on N
    both(cr.interpolate, F.interpolate, x, size=(5, 5), mode="bilinear", align_corners=False)
    e = torch.empty(0, 3, 4, 4)
    assert cr.interpolate(e, size=(2, 2)).shape == (0, 3, 2, 2)


def test_other_dlpack_producer():
    class Producer:  # any object with __dlpack__ (here backed by NumPy): NumPy out
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, stream=None):
            return self.a.__dlpack__()

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()

    a = RNG.standard_normal((1, 1, 6)).astype(np.float32)
    got = cr.max_pool1d(Producer(a), 2)
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, cr.max_pool1d(a, 2))


@pytest.mark.parametrize("ndim", [3, 4, 5])
@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle_and_unshuffle(ndim, r):
    shape = (2, 3, 2 * r * r, 3, 4)[5 - ndim:] if ndim > 3 else (2 * r * r, 3, 4)
    x = rand(*shape)
    for name, t in layouts(x):  # (torch 1.13 refuses channels_last_3d here: compare contiguous)
        close(cr.pixel_shuffle(t, r), F.pixel_shuffle(t.contiguous(), r), 0)
        y = F.pixel_shuffle(t.contiguous(), r)
        close(cr.pixel_unshuffle(y, r), F.pixel_unshuffle(y, r), 0)
    # every dtype is a permutation, bit for bit; NumPy in, NumPy out
    for dt in (torch.uint8, torch.int64, torch.float64):
        xi = (torch.arange(x.numel()) % 251).reshape(x.shape).to(dt)
        assert torch.equal(cr.pixel_shuffle(xi, r), F.pixel_shuffle(xi, r))
    out = cr.pixel_shuffle(x.numpy(), r)
    assert isinstance(out, np.ndarray) and np.array_equal(out, F.pixel_shuffle(x, r).numpy())


def test_pixel_shuffle_errors():
    with pytest.raises(ValueError, match="divisible by the square of upscale_factor"):
        cr.pixel_shuffle(rand(1, 5, 2, 2), 2)
    with pytest.raises(ValueError, match="divisible by downscale_factor"):
        cr.pixel_unshuffle(rand(1, 1, 5, 4), 2)


@pytest.mark.skipif(not hasattr(torch.nn.functional, "interpolate") or torch.__version__.startswith("1."),
                    reason="lanczos is PyTorch 2.15's")
def test_lanczos():
    x = rand(2, 3, 16, 11)
    for name, t in layouts(x):
        close(cr.interpolate(t, size=(5, 7), mode="lanczos", antialias=True),
              F.interpolate(t.contiguous(memory_format=torch.channels_last), size=(5, 7), mode="lanczos",
                            antialias=True))


def test_lanczos_rules():
    with pytest.raises(ValueError, match="requires antialias"):
        cr.interpolate(rand(1, 1, 8, 8), size=(4, 4), mode="lanczos")
