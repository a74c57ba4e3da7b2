"""clresample.torch: torch.autograd.gradcheck in float64 for every op and mode (tiny sizes),
gradients equal to PyTorch's on channels-last and sliced tensors, unbatched inputs, and
torch.no_grad()."""
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch.autograd import gradcheck  # noqa: E402

import clresample as cr  # noqa: E402
import clresample.torch as crt  # noqa: E402

G = torch.Generator().manual_seed(42)


def rand(*shape, scale=1.0):
    return (torch.randn(*shape, generator=G, dtype=torch.float64) * scale).requires_grad_(True)


def check(fn, *inputs):
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-4)


INTERP = [
    ("nearest", 3, None, False), ("nearest", 4, None, False), ("nearest", 5, None, False),
    ("nearest-exact", 4, None, False), ("nearest-exact", 5, None, False),
    ("linear", 3, False, False), ("linear", 3, True, False),
    ("bilinear", 4, False, False), ("bilinear", 4, True, False),
    ("bicubic", 4, False, False), ("bicubic", 4, True, False),
    ("trilinear", 5, False, False), ("trilinear", 5, True, False),
    ("area", 3, None, False), ("area", 4, None, False), ("area", 5, None, False),
    ("bilinear", 4, False, True), ("bicubic", 4, False, True),
]


@pytest.mark.parametrize("mode,ndim,ac,aa", INTERP)
def test_gradcheck_interpolate(mode, ndim, ac, aa):
    x = rand(1, 2, *[3] * (ndim - 2))
    size = [5 if not aa else 2] * (ndim - 2)
    kw = {"antialias": True} if aa else {}
    check(lambda t: crt.interpolate(t, size=size, mode=mode, align_corners=ac, **kw), x)
    check(lambda t: crt.interpolate(t, scale_factor=0.7 if aa else 1.5, mode=mode,
                                    align_corners=ac, **kw), x)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_gradcheck_grid_sample_2d(mode, padding_mode, align_corners):
    x = rand(1, 2, 3, 4)
    grid = rand(1, 2, 3, 2, scale=0.6)
    if mode == "nearest":  # piecewise constant in the grid: PyTorch's grad_grid is 0
        check(lambda t: crt.grid_sample(t, grid.detach(), mode, padding_mode, align_corners), x)
        g = grid.detach().clone().requires_grad_(True)
        crt.grid_sample(x, g, mode, padding_mode, align_corners).sum().backward()
        assert torch.count_nonzero(g.grad) == 0
    else:
        check(lambda t, g: crt.grid_sample(t, g, mode, padding_mode, align_corners), x, grid)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_gradcheck_grid_sample_3d(mode, padding_mode):
    x = rand(1, 1, 2, 3, 3)
    grid = rand(1, 2, 2, 1, 3, scale=0.6)
    if mode == "nearest":
        check(lambda t: crt.grid_sample(t, grid.detach(), mode, padding_mode, False), x)
    else:
        check(lambda t, g: crt.grid_sample(t, g, mode, padding_mode, False), x, grid)


@pytest.mark.parametrize("align_corners", [False, True])
def test_gradcheck_affine_grid(align_corners):
    check(lambda t: crt.affine_grid(t, (2, 1, 3, 4), align_corners), rand(2, 2, 3))
    check(lambda t: crt.affine_grid(t, (1, 1, 2, 3, 2), align_corners), rand(1, 3, 4))


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_gradcheck_max_pool(n, ceil_mode):
    fn = getattr(crt, "max_pool%dd" % n)
    x = rand(1, 2, *[5] * n)
    check(lambda t: fn(t, 2, stride=2, padding=1, ceil_mode=ceil_mode), x)
    check(lambda t: fn(t, 3, stride=1, dilation=1, return_indices=True)[0], x)
    check(lambda t: fn(t, 2), x[0].detach().requires_grad_(True))  # unbatched


@pytest.mark.parametrize("n", [1, 2, 3])
def test_gradcheck_max_unpool(n):
    x = torch.randn(1, 2, *[4] * n, generator=G, dtype=torch.float64)
    v, i = getattr(F, "max_pool%dd" % n)(x, 2, return_indices=True)
    fn = getattr(crt, "max_unpool%dd" % n)
    check(lambda t: fn(t, i, 2), v.requires_grad_(True))
    check(lambda t: fn(t, i, 2, output_size=[5] * n), v)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("groups", [1, 2])
def test_gradcheck_conv_transpose(n, groups):
    fn = getattr(crt, "conv_transpose%dd" % n)
    x = rand(1, 2 * groups, *[3] * n)
    w = rand(2 * groups, 2, *[2] * n)
    b = rand(2 * groups)
    check(lambda a, c, d: fn(a, c, d, stride=2, padding=1, output_padding=1, groups=groups,
                             dilation=1), x, w, b)
    check(lambda a, c: fn(a, c, None, stride=1, dilation=2, groups=groups), x, w)
    check(lambda c: fn(x.detach()[0], c, None, groups=groups), w)  # unbatched; weight only


def _grads(fn, *ts):
    ts = [t.detach().clone().requires_grad_(True) if t is not None else None for t in ts]
    out = fn(*ts)
    out = out[0] if isinstance(out, tuple) else out
    out.backward(torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape))
    return out.detach(), [t.grad for t in ts if t is not None]


def _same(fn_cr, fn_t, *ts, tol=1e-5):
    o1, g1 = _grads(fn_cr, *ts)
    o2, g2 = _grads(fn_t, *ts)
    assert torch.allclose(o1, o2, rtol=tol, atol=tol)
    for a, b in zip(g1, g2):
        assert torch.allclose(a, b, rtol=tol, atol=tol), (a - b).abs().max()


def test_grads_match_torch_on_layouts():
    x = torch.randn(2, 3, 5, 6)
    for t in (x, x.contiguous(memory_format=torch.channels_last), x[:, :, 1:, ::2],
              x[:1].expand(2, 3, 5, 6)):
        _same(lambda a: crt.interpolate(a, size=(7, 4), mode="bicubic", align_corners=False),
              lambda a: F.interpolate(a, size=(7, 4), mode="bicubic", align_corners=False), t)
        grid = torch.rand(2, 3, 4, 2) * 2 - 1
        _same(lambda a, g: crt.grid_sample(a, g, align_corners=False),
              lambda a, g: F.grid_sample(a, g, align_corners=False), t, grid[:, :, ::2])
        _same(lambda a: crt.max_pool2d(a, 2, ceil_mode=True),
              lambda a: F.max_pool2d(a, 2, ceil_mode=True), t)
        w, b = torch.randn(3, 2, 3, 2), torch.randn(2)
        _same(lambda a, c, d: crt.conv_transpose2d(a, c, d, stride=2),
              lambda a, c, d: F.conv_transpose2d(a, c, d, stride=2), t, w.transpose(2, 3), b,
              tol=1e-4)
    theta = torch.randn(2, 2, 3)
    _same(lambda a: crt.affine_grid(a, (2, 1, 4, 5), False),
          lambda a: F.affine_grid(a, (2, 1, 4, 5), False), theta)
    v, i = F.max_pool2d(x, 2, return_indices=True)
    _same(lambda a: crt.max_unpool2d(a, i, 2), lambda a: F.max_unpool2d(a, i, 2), v)


def test_top_level_functions_record_autograd():
    x = torch.randn(1, 1, 4, 4, requires_grad=True)
    y = cr.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    assert y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape


def test_no_grad():
    x = torch.randn(1, 2, 4, 4, requires_grad=True)
    with torch.no_grad():
        for y in (crt.interpolate(x, size=3), crt.max_pool2d(x, 2),
                  crt.grid_sample(x, torch.zeros(1, 2, 2, 2)),
                  crt.conv_transpose2d(x, torch.randn(2, 1, 2, 2, requires_grad=True)),
                  cr.interpolate(x, size=3)):
            assert not y.requires_grad and y.grad_fn is None
    w = torch.randn(2, 1, 2, 2, requires_grad=True)
    y = crt.conv_transpose2d(x.detach(), w)  # only the weight needs a gradient
    y.sum().backward()
    assert w.grad is not None and torch.allclose(
        w.grad, torch.autograd.grad(F.conv_transpose2d(x.detach(), w).sum(), w)[0], atol=1e-5)


def test_max_pool_indices_not_differentiable():
    x = torch.randn(1, 1, 4, 4, requires_grad=True)
    out, idx = crt.max_pool2d(x, 2, return_indices=True)
    assert out.requires_grad and not idx.requires_grad and idx.dtype == torch.int64


@pytest.mark.parametrize("unshuffle", [False, True])
def test_gradcheck_pixel_shuffle(unshuffle):
    x = torch.randn(2, 8, 4, 6, dtype=torch.float64, requires_grad=True)
    fn = crt.pixel_unshuffle if unshuffle else crt.pixel_shuffle
    assert torch.autograd.gradcheck(lambda t: fn(t, 2), (x,))


def test_gradcheck_lanczos():
    x = torch.randn(1, 2, 9, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: crt.interpolate(t, size=(4, 10), mode="lanczos", antialias=True), (x,))
