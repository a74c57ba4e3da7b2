"""clresample.zoom / map_coordinates / affine_transform / spline_filter(1d) against
scipy.ndimage itself (skipped without scipy): float64 within 1e-12, float32 within 1e-6 of
scipy's float32 result, uint8 exact; batch dims (n_spatial); scipy's errors."""
import numpy as np
import pytest

import clresample as cr

ndi = pytest.importorskip("scipy.ndimage")

MODES = ["constant", "nearest", "reflect", "mirror", "wrap", "grid-constant", "grid-mirror", "grid-wrap"]


def close(a, b, tol):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert a.shape == b.shape
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(a - b).max() / scale <= tol


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3, 5])
def test_zoom_2d(mode, order):
    x = np.random.default_rng(order).uniform(-1, 1, (6, 5))
    for grid_mode in (False, True):
        want = ndi.zoom(x, (1.7, 0.6), order=order, mode=mode, cval=0.5, grid_mode=grid_mode)
        got = cr.zoom(x, (1.7, 0.6), order=order, mode=mode, cval=0.5, grid_mode=grid_mode)
        close(got, want, 1e-12)
    x32 = x.astype(np.float32)
    close(cr.zoom(x32, 2.2, order=order, mode=mode), ndi.zoom(x32, 2.2, order=order, mode=mode), 1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_map_coordinates_and_affine_3d(mode):
    g = np.random.default_rng(3)
    x = g.uniform(-1, 1, (4, 5, 3))
    co = g.uniform(-2, 7, (3, 2, 7))
    close(cr.map_coordinates(x, co, order=3, mode=mode, cval=1.5),
          ndi.map_coordinates(x, co, order=3, mode=mode, cval=1.5), 1e-12)
    m = np.eye(3) + g.uniform(-0.3, 0.3, (3, 3))
    close(cr.affine_transform(x, m, offset=(0.5, -1, 0.25), output_shape=(5, 4, 4), order=2, mode=mode),
          ndi.affine_transform(x, m, offset=(0.5, -1, 0.25), output_shape=(5, 4, 4), order=2, mode=mode), 1e-12)
    h = np.eye(4)
    h[:3, :3] = m
    h[:3, 3] = (1, 2, 3)
    close(cr.affine_transform(x, h, order=1, mode=mode), ndi.affine_transform(x, h, order=1, mode=mode), 1e-12)
    close(cr.affine_transform(x, [0.8, 1.1, 0.9], order=3, mode=mode),
          ndi.affine_transform(x, [0.8, 1.1, 0.9], order=3, mode=mode), 1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_spline_filter(mode):
    x = np.random.default_rng(5).uniform(-1, 1, (7, 6))
    for order in (2, 3, 4, 5):
        close(cr.spline_filter(x, order, mode=mode), ndi.spline_filter(x, order, mode=mode), 1e-12)
        close(cr.spline_filter1d(x, order, axis=0, mode=mode), ndi.spline_filter1d(x, order, axis=0, mode=mode), 1e-12)


def test_uint8_rounding():
    x = np.random.default_rng(7).integers(0, 256, (9, 8)).astype(np.uint8)
    for order in (1, 3, 5):
        np.testing.assert_array_equal(cr.zoom(x, 1.9, order=order), ndi.zoom(x, 1.9, order=order))


def test_batch_dims():
    x = np.random.default_rng(9).uniform(-1, 1, (2, 3, 6, 5))
    got = cr.zoom(x, (2.0, 0.5), order=3, mode="mirror", n_spatial=2)
    want = np.stack([[ndi.zoom(x[n, c], (2.0, 0.5), order=3, mode="mirror") for c in range(3)] for n in range(2)])
    close(got, want, 1e-12)


def test_errors():
    x = np.zeros((4, 4))
    with pytest.raises(RuntimeError, match="spline order not supported"):
        cr.zoom(x, 2, order=6)
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        cr.zoom(x, 2, mode="edge")
    with pytest.raises(RuntimeError, match="invalid shape for coordinate array"):
        cr.map_coordinates(x, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="zoom"):
        cr.zoom(x, -1.0)
