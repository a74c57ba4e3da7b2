"""scipy.ndimage's resampling functions (zoom, map_coordinates, affine_transform,
spline_filter, spline_filter1d) through libclresample: same names, argument order, defaults
and numbers as scipy 1.10 (double arithmetic; float32 results are scipy's rounded), plus a
keyword-only `context`. Inputs are NumPy arrays (or anything np.asarray takes) of float32,
float64, float16 or uint8; every dim is spatial (1 to 3 dims), as in scipy.

`n_spatial` (keyword-only) lets a leading batch of up to two dims ride along: e.g. a
(N, C, H, W) array with n_spatial=2 resamples each of the N * C images, as scipy would when
called on each slice."""
import numbers

import numpy as np

from ._lib import check, default_context, ffi, lib
from ._tensors import view

__all__ = ["zoom", "map_coordinates", "affine_transform", "spline_filter", "spline_filter1d"]

_MODES = {"constant": 0, "nearest": 1, "reflect": 2, "mirror": 3, "wrap": 4, "grid-constant": 5,
          "grid-mirror": 6, "grid-wrap": 7}


def _params(order, mode, cval, prefilter, grid_mode, n_spatial):
    if not isinstance(order, numbers.Integral) or order < 0 or order > 5:
        raise RuntimeError("spline order not supported")
    if mode not in _MODES:
        raise RuntimeError("boundary mode not supported")
    p = ffi.new("clrs_ndi_params *")
    p.order = int(order)
    p.mode = _MODES[mode]
    p.cval = float(cval)
    p.prefilter = int(bool(prefilter))
    p.grid_mode = int(bool(grid_mode))
    p.n_spatial = int(n_spatial)
    return p


def _input(input, n_spatial):
    x = np.asarray(input)
    if np.iscomplexobj(x):
        raise NotImplementedError("clresample.ndimage: complex input is not supported")
    if x.dtype not in (np.float32, np.float64, np.float16, np.uint8):
        x = x.astype(np.float64)
    ns = x.ndim if n_spatial is None else int(n_spatial)
    if x.ndim < 1 or ns < 1:
        raise RuntimeError("input and output rank must be > 0")
    if ns > 3 or x.ndim - ns > 2:
        raise NotImplementedError("clresample.ndimage: %d-D input: 1 to 3 spatial dims (n_spatial) after at "
                                  "most 2 batch dims" % x.ndim)
    return x, ns


def _output(output, x, shape):
    """scipy's `output`: None (the input's dtype), a dtype, or an array to fill."""
    if output is None:
        return np.empty(shape, dtype=x.dtype)
    if isinstance(output, np.ndarray):
        if tuple(output.shape) != tuple(shape):
            raise RuntimeError("output shape not correct")
        return output
    return np.empty(shape, dtype=np.dtype(output))


def _ctx(context):
    return (context or default_context()).ptr


def zoom(input, zoom, output=None, order=3, mode="constant", cval=0.0, prefilter=True, *,
         grid_mode=False, n_spatial=None, context=None):
    """scipy.ndimage.zoom: output shape round(in * zoom) per spatial dim."""
    x, ns = _input(input, n_spatial)
    p = _params(order, mode, cval, prefilter, grid_mode, ns)
    z = [float(zoom)] * ns if isinstance(zoom, numbers.Real) else [float(v) for v in zoom]
    if len(z) != ns:
        raise RuntimeError("sequence argument must have length equal to input rank")
    shape = ffi.new("int64_t[5]")
    check(lib.clrs_zoom_shape(p, x.ndim, list(x.shape) + [0] * (5 - x.ndim), z + [0.0] * (3 - ns), shape))
    out = _output(output, x, tuple(shape[0:x.ndim]))
    keep = []
    check(lib.clrs_zoom(_ctx(context), p, view(x, keep), view(out, keep)))
    return out


def map_coordinates(input, coordinates, output=None, order=3, mode="constant", cval=0.0,
                    prefilter=True, *, n_spatial=None, context=None):
    """scipy.ndimage.map_coordinates: output shape = the input's batch dims + coordinates.shape[1:]."""
    x, ns = _input(input, n_spatial)
    c = np.asarray(coordinates)
    if np.iscomplexobj(c):
        raise TypeError("Complex type not supported")
    if c.dtype not in (np.float32, np.float64):
        c = c.astype(np.float64)
    if c.ndim < 2:
        raise RuntimeError("input and output rank must be > 0")
    if c.shape[0] != ns:
        raise RuntimeError("invalid shape for coordinate array")
    p = _params(order, mode, cval, prefilter, False, ns)
    out = _output(output, x, x.shape[:x.ndim - ns] + c.shape[1:])
    keep = []
    check(lib.clrs_map_coordinates(_ctx(context), p, view(x, keep), view(c, keep), view(out, keep)))
    return out


def affine_transform(input, matrix, offset=0.0, output_shape=None, output=None, order=3,
                     mode="constant", cval=0.0, prefilter=True, *, n_spatial=None, context=None):
    """scipy.ndimage.affine_transform: matrix (n, n), homogeneous (n + 1, n + 1) or (n, n + 1),
    or 1-D (the diagonal); offset a number or n numbers."""
    x, ns = _input(input, n_spatial)
    m = np.asarray(matrix, dtype=np.float64)
    off = np.zeros(ns) + np.asarray(offset, dtype=np.float64)
    if m.ndim == 1:
        if m.shape[0] != ns:
            raise RuntimeError("affine matrix has wrong number of rows")
        m = np.diag(m)
    elif m.ndim == 2 and m.shape[1] == ns + 1 and m.shape[0] in (ns, ns + 1):
        if m.shape[0] == ns + 1 and not np.all(m[ns] == [0] * ns + [1]):
            raise ValueError("Expected homogeneous transformation matrix with shape %s for image shape %s, but "
                             "bottom row was not equal to %s" % (m.shape, x.shape, [0] * ns + [1]))
        off = m[:ns, ns].copy()
        m = m[:ns, :ns]
    if m.ndim != 2 or m.shape != (ns, ns):
        raise RuntimeError("affine matrix has wrong number of rows")
    if off.shape != (ns,):
        raise RuntimeError("no proper offset provided")
    spatial = x.shape[x.ndim - ns:] if output_shape is None else tuple(output_shape)
    if len(spatial) != ns:
        raise RuntimeError("affine matrix has wrong number of columns")
    p = _params(order, mode, cval, prefilter, False, ns)
    out = _output(output, x, x.shape[:x.ndim - ns] + tuple(spatial))
    keep = []
    mm = ffi.new("double[9]", [float(v) for v in np.ravel(m)])
    oo = ffi.new("double[3]", [float(v) for v in off])
    check(lib.clrs_affine_transform(_ctx(context), p, mm, oo, view(x, keep), view(out, keep)))
    return out


def spline_filter(input, order=3, output=np.float64, mode="mirror", *, n_spatial=None, context=None):
    """scipy.ndimage.spline_filter (orders 2..5)."""
    if not isinstance(order, numbers.Integral) or order < 2 or order > 5:
        raise RuntimeError("spline order not supported")
    x, ns = _input(input, n_spatial)
    p = _params(order, mode, 0.0, True, False, ns)
    out = _output(output, x, x.shape)
    keep = []
    check(lib.clrs_spline_filter(_ctx(context), p, view(x, keep), view(out, keep)))
    return out


def spline_filter1d(input, order=3, axis=-1, output=np.float64, mode="mirror", *, context=None):
    """scipy.ndimage.spline_filter1d (orders 0..5; 0 and 1 copy)."""
    x, ns = _input(input, None)
    p = _params(order, mode, 0.0, True, False, ns)
    out = _output(output, x, x.shape)
    keep = []
    check(lib.clrs_spline_filter1d(_ctx(context), p, int(axis), view(x, keep), view(out, keep)))
    return out
