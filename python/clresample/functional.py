"""torch.nn.functional's resampling ops on NumPy arrays, torch tensors (CPU) and PyOpenCL
arrays: same names, argument order, defaults and Python-level checks as PyTorch, plus a
keyword-only `context`. Results are of the input's kind. These functions do not record
autograd history: torch tensors that require grad (with grad enabled) are handed to
clresample.torch, whose ops are torch.autograd.Functions."""
import math
import numbers
import sys
import threading

from ._lib import DEFAULT, Context, check, default_context, ffi, lib
from ._tensors import PYOPENCL, TORCH, empty, int64_like, kind, normalize, shape_of, \
    unsqueeze0, view

__all__ = ["interpolate", "grid_sample", "affine_grid", "max_pool1d", "max_pool2d", "max_pool3d",
           "max_unpool1d", "max_unpool2d", "max_unpool3d", "conv_transpose1d",
           "conv_transpose2d", "conv_transpose3d", "pixel_shuffle", "pixel_unshuffle"]

_queue_contexts = {}
_queue_lock = threading.Lock()


def queue_context(queue):
    """The context wrapping a PyOpenCL queue (made once per queue, kept with it)."""
    key = queue.int_ptr
    with _queue_lock:
        hit = _queue_contexts.get(key)
        if hit is None:
            hit = _queue_contexts[key] = (queue, Context(queue=queue))
    return hit[1]


def resolve_context(context, x):
    if context is not None:
        if not isinstance(context, Context):
            raise TypeError("context must be a clresample.Context or None")
        return context
    if kind(x) == PYOPENCL:
        return queue_context(x.queue)
    return default_context()


def _wants_grad(*tensors):
    torch = sys.modules.get("torch")
    if torch is None or not torch.is_grad_enabled():
        return False
    return any(isinstance(t, torch.Tensor) and t.requires_grad for t in tensors)


def _autograd():
    from . import torch as crt
    return crt


def _torch_1():
    """PyTorch's words changed with lanczos (2.15): speak like the torch that is loaded."""
    t = sys.modules.get("torch")
    return t is not None and t.__version__.startswith("1.")


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def ntuple(v, n, op, name, default=None):
    """An int or a sequence (of 1 or n ints) as n ints; None (and [] for stride) as CLRS_DEFAULT."""
    if v is None:
        return [DEFAULT] * n
    if _is_int(v):
        return [int(v)] * n
    v = list(v)
    if not v and default is not None:
        return [default] * n
    if len(v) == 1:
        v = v * n
    if len(v) != n or not all(_is_int(e) for e in v):
        raise ValueError("%s: %s must either be a single int, or a tuple of %d ints, got %r"
                         % (op, name, n, v))
    return [int(e) for e in v]


def _pad3(v):
    return v + [0] * (3 - len(v))


# ---- interpolate --------------------------------------------------------------------------

_INTERP_P = ffi.typeof("clrs_interpolate_params *")
_SHAPE5 = ffi.typeof("int64_t[5]")
_INTERP = {"nearest": (0, None), "nearest-exact": (1, None), "linear": (2, 3),
           "bilinear": (2, 4), "trilinear": (2, 5), "bicubic": (3, 4), "area": (4, None),
           "lanczos": (5, 4)}


def interpolate_params(ndim, in_shape, size, scale_factor, mode, align_corners,
                       recompute_scale_factor, antialias):
    """PyTorch's Python-level checks of F.interpolate, in its order and words; the
    clrs_interpolate_params for the rest (the library checks the values)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    elif size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    "input with spatial dimensions of {} and output size of {}. Please provide "
                    "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                    "...,oK) format.".format(list(in_shape[2:]), size))
            sizes = list(size)
        else:
            sizes = [size] * max(dim, 0)
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, "
                    "but got input with spatial dimensions of {} and scale_factor of shape {}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "scale_factor in (s1, s2, ...,sK) format.".format(list(in_shape[2:]),
                                                                      scale_factor))
            scales = list(scale_factor)
        else:
            scales = [scale_factor] * max(dim, 0)
        sizes = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and sizes is None:
        recompute_scale_factor = True
    # PyTorch 2.15's words (lanczos is its new antialias-only mode)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")
    if mode == "lanczos" and ndim == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    m = _INTERP.get(mode)
    if m is None or not 3 <= ndim <= 5 or (m[1] is not None and m[1] != ndim):
        if m is not None and m[1] is not None and 3 <= ndim <= 5:
            raise NotImplementedError("Got {}D input, but {} mode needs {}D input".format(
                ndim, mode, m[1]))
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got {}D) for the modes: "
            "nearest | linear | bilinear | bicubic | trilinear | {}area | nearest-exact (got {})"
            .format(ndim, "" if _torch_1() else "lanczos | ", mode))
    p = ffi.new(_INTERP_P)
    p.mode = m[0]
    if sizes is not None:
        try:
            p.size[0:dim] = [int(s) for s in sizes]
        except (TypeError, OverflowError):
            raise TypeError("size must be an int or a sequence of ints, got %r" % (size,)) \
                from None
    else:
        try:
            p.scale_factor[0:dim] = [float(s) for s in scales]
        except TypeError:
            raise TypeError("scale_factor must be a float or a sequence of floats, got %r"
                            % (scale_factor,)) from None
    p.align_corners = -1 if align_corners is None else int(bool(align_corners))
    p.recompute_scale_factor = -1 if recompute_scale_factor is None else \
        int(bool(recompute_scale_factor))
    p.antialias = int(bool(antialias))
    p.compat = -1
    return p


def interpolate_impl(input, size, scale_factor, mode, align_corners, recompute_scale_factor,
                     antialias, context):
    keep = []
    x = view(input, keep)
    nd = x.ndim
    p = interpolate_params(nd, shape_of(x), size, scale_factor, mode, align_corners,
                           recompute_scale_factor, antialias)
    out_shape = ffi.new(_SHAPE5)
    check(lib.clrs_interpolate_shape(p, nd, x.shape, out_shape))
    out = empty(input, tuple(out_shape[0:nd]), channels_last=True)
    ctx = resolve_context(context, input)
    check(lib.clrs_interpolate(ctx.ptr, p, x, view(out, keep)))
    return out, p, ctx


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False, *, context=None):
    """torch.nn.functional.interpolate."""
    input = normalize(input)
    if _wants_grad(input):
        return _autograd().interpolate(input, size, scale_factor, mode, align_corners,
                                       recompute_scale_factor, antialias, context=context)
    return interpolate_impl(input, size, scale_factor, mode, align_corners,
                            recompute_scale_factor, antialias, context)[0]


# ---- grid_sample, affine_grid -------------------------------------------------------------

_GRID_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDING = {"zeros": 0, "border": 1, "reflection": 2}


def grid_sample_params(mode, padding_mode, align_corners):
    if mode not in _GRID_MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         "'nearest' or 'bicubic', but got: '{}'".format(mode))
    if padding_mode not in _PADDING:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         "'border', or 'reflection', but got: '{}'".format(padding_mode))
    p = ffi.new("clrs_grid_sample_params *")
    p.mode = _GRID_MODES[mode]
    p.padding_mode = _PADDING[padding_mode]
    p.align_corners = int(bool(align_corners))
    p.deterministic = -1
    p.compat = -1
    return p


def grid_sample_out_shape(ishape, gshape):
    if len(ishape) not in (4, 5) or len(ishape) != len(gshape):
        raise ValueError("grid_sampler(): expected 4D or 5D input and grid with same number of "
                         "dimensions, but got input with sizes {} and grid with sizes {}"
                         .format(list(ishape), list(gshape)))
    return (ishape[0], ishape[1]) + tuple(gshape[1:-1])


def grid_sample_impl(input, grid, mode, padding_mode, align_corners, context):
    p = grid_sample_params(mode, padding_mode, align_corners)
    keep = []
    x, g = view(input, keep), view(grid, keep)
    out = empty(input, grid_sample_out_shape(shape_of(x), shape_of(g)))
    ctx = resolve_context(context, input)
    check(lib.clrs_grid_sample(ctx.ptr, p, x, g, view(out, keep)))
    return out, p, ctx


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None, *,
                context=None):
    """torch.nn.functional.grid_sample (bicubic on 5-D input is tricubic, beyond PyTorch)."""
    input, grid = normalize(input), normalize(grid)
    if _wants_grad(input, grid):
        return _autograd().grid_sample(input, grid, mode, padding_mode, align_corners,
                                       context=context)
    return grid_sample_impl(input, grid, mode, padding_mode, align_corners, context)[0]


def _is_floating(theta):
    if kind(theta) == TORCH:
        return theta.is_floating_point()
    return getattr(theta, "dtype", None) is not None and theta.dtype.kind == "f"


def affine_grid_shape(theta_shape, theta_is_float, theta_dtype, size):
    if not theta_is_float:
        raise ValueError("Expected theta to have floating point type, but got {}"
                         .format(theta_dtype))
    if len(size) == 4:
        if len(theta_shape) != 3 or theta_shape[-2] != 2 or theta_shape[-1] != 3:
            raise ValueError("Expected a batch of 2D affine matrices of shape Nx2x3 for size {}. "
                             "Got {}.".format(size, theta_shape))
        spatial = size[-2:]
    elif len(size) == 5:
        if len(theta_shape) != 3 or theta_shape[-2] != 3 or theta_shape[-1] != 4:
            raise ValueError("Expected a batch of 3D affine matrices of shape Nx3x4 for size {}. "
                             "Got {}.".format(size, theta_shape))
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  "affine transforms, respectively. Got size {}.".format(size))
    if min(size) <= 0:
        raise ValueError("Expected non-zero, positive output size. Got {}".format(size))
    return (int(size[0]),) + tuple(int(s) for s in spatial) + (len(spatial),)


def affine_grid_impl(theta, size, align_corners, context):
    keep = []
    t = view(theta, keep)
    shape = affine_grid_shape(getattr(theta, "shape", shape_of(t)), _is_floating(theta),
                              theta.dtype, size)
    out = empty(theta, shape)
    ctx = resolve_context(context, theta)
    ac = int(bool(align_corners))
    check(lib.clrs_affine_grid(ctx.ptr, ac, t, view(out, keep)))
    return out, ac, ctx


def affine_grid(theta, size, align_corners=None, *, context=None):
    """torch.nn.functional.affine_grid: theta (N, 2, 3) or (N, 3, 4); size (N, C, H, W) or
    (N, C, D, H, W)."""
    theta = normalize(theta)
    if _wants_grad(theta):
        return _autograd().affine_grid(theta, size, align_corners, context=context)
    return affine_grid_impl(theta, size, align_corners, context)[0]


# ---- max_pool, max_unpool -----------------------------------------------------------------

def _spatial_view(x, n, op, what="input"):
    """The clrs view's batch handling: (N, C, spatial) as is, (C, spatial) unbatched."""
    nd = x.ndim
    if nd == n + 2:
        return False
    if nd == n + 1:
        unsqueeze0(x)
        return True
    raise ValueError("{}: Expected {}D (unbatched) or {}D (batched) tensor for {}, but got {} "
                     "of size: {}".format(op, n + 1, n + 2, what, what, list(shape_of(x))))


def pool_params(n, op, kernel_size, stride, padding, dilation, ceil_mode):
    p = ffi.new("clrs_pool_params *")
    p.kernel = _pad3(ntuple(kernel_size, n, op, "kernel_size"))
    p.stride = _pad3(ntuple(stride, n, op, "stride", default=DEFAULT))
    p.padding = _pad3(ntuple(padding, n, op, "padding"))
    p.dilation = _pad3(ntuple(dilation, n, op, "dilation"))
    p.ceil_mode = int(bool(ceil_mode))
    return p


def max_pool_impl(n, op, input, kernel_size, stride, padding, dilation, ceil_mode,
                  return_indices, context):
    p = pool_params(n, op, kernel_size, stride, padding, dilation, ceil_mode)
    keep = []
    x = view(input, keep)
    unbatched = _spatial_view(x, n, op)
    out_shape = ffi.new(_SHAPE5)
    check(lib.clrs_max_pool_shape(p, x.ndim, x.shape, out_shape))
    shape = tuple(out_shape[1 if unbatched else 0:x.ndim])
    out = empty(input, shape, channels_last=True)
    o = view(out, keep)
    idx = i = None
    if return_indices:
        idx = empty(input, shape, dtype=int64_like(input))
        i = view(idx, keep)
    if unbatched:
        unsqueeze0(o)
        if i is not None:
            unsqueeze0(i)
    ctx = resolve_context(context, input)
    check(lib.clrs_max_pool(ctx.ptr, p, x, o, i if i is not None else ffi.NULL))
    return out, idx, p, ctx, unbatched


def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
              context):
    op = "max_pool%dd" % n
    input = normalize(input)
    if _wants_grad(input):
        return _autograd()._max_pool(n, input, kernel_size, stride, padding, dilation,
                                     ceil_mode, return_indices, context)
    out, idx = max_pool_impl(n, op, input, kernel_size, stride, padding, dilation, ceil_mode,
                             return_indices, context)[:2]
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    """torch.nn.functional.max_pool1d: (N, C, L) or unbatched (C, L)."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    """torch.nn.functional.max_pool2d: (N, C, H, W) or unbatched (C, H, W)."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    """torch.nn.functional.max_pool3d: (N, C, D, H, W) or unbatched (C, D, H, W)."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def unpool_output_size(in_spatial, kernel, stride, padding, output_size):
    """PyTorch's _unpool_output_size, with its checks and words."""
    n = len(kernel)
    default = [(in_spatial[d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(n)]
    if output_size is None:
        return default
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError("output_size should be a sequence containing {} or {} elements, but it "
                         "has a length of '{}'".format(n, n + 2, len(output_size)))
    for d in range(n):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError('invalid output_size "{}" (dim {} must be between {} and {})'
                             .format(output_size, d, lo, hi))
    return [int(s) for s in output_size]


def unpool_params(n, op, in_spatial, kernel_size, stride, padding, output_size):
    kernel = ntuple(kernel_size, n, op, "kernel_size")
    st = ntuple(stride, n, op, "stride", default=DEFAULT)
    if st[0] == DEFAULT:
        st = list(kernel)
    pad = ntuple(padding, n, op, "padding")
    sizes = unpool_output_size(in_spatial, kernel, st, pad, output_size)
    p = ffi.new("clrs_unpool_params *")
    p.kernel, p.stride, p.padding = _pad3(kernel), _pad3(st), _pad3(pad)
    p.output_size[0:n] = sizes
    p.output_ndim = n
    return p


def max_unpool_impl(n, op, input, indices, kernel_size, stride, padding, output_size, context):
    keep = []
    x, i = view(input, keep), view(indices, keep)
    unbatched = _spatial_view(x, n, op)
    if unbatched and i.ndim == n + 1:
        unsqueeze0(i)
    p = unpool_params(n, op, shape_of(x)[2:], kernel_size, stride, padding, output_size)
    out_shape = ffi.new(_SHAPE5)
    check(lib.clrs_max_unpool_shape(p, x.ndim, x.shape, out_shape))
    out = empty(input, tuple(out_shape[1 if unbatched else 0:x.ndim]), channels_last=True)
    o = view(out, keep)
    if unbatched:
        unsqueeze0(o)
    ctx = resolve_context(context, input)
    check(lib.clrs_max_unpool(ctx.ptr, p, x, i, o))
    return out, p, ctx, unbatched


def _max_unpool(n, input, indices, kernel_size, stride, padding, output_size, context):
    input, indices = normalize(input), normalize(indices)
    if _wants_grad(input):
        return _autograd()._max_unpool(n, input, indices, kernel_size, stride, padding,
                                       output_size, context)
    return max_unpool_impl(n, "max_unpool%dd" % n, input, indices, kernel_size, stride, padding,
                           output_size, context)[0]


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    """torch.nn.functional.max_unpool1d."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size, context)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    """torch.nn.functional.max_unpool2d."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size, context)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    """torch.nn.functional.max_unpool3d."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size, context)


# ---- conv_transpose -----------------------------------------------------------------------

def conv_transpose_params(n, op, stride, padding, output_padding, groups, dilation):
    p = ffi.new("clrs_conv_transpose_params *")
    p.stride = _pad3(ntuple(stride, n, op, "stride"))
    p.padding = _pad3(ntuple(padding, n, op, "padding"))
    p.output_padding = _pad3(ntuple(output_padding, n, op, "output_padding"))
    p.dilation = _pad3(ntuple(dilation, n, op, "dilation"))
    if not _is_int(groups):
        raise ValueError("%s: groups must be an int, got %r" % (op, groups))
    p.groups = int(groups)
    return p


def conv_transpose_impl(n, op, input, weight, bias, stride, padding, output_padding, groups,
                        dilation, context):
    p = conv_transpose_params(n, op, stride, padding, output_padding, groups, dilation)
    keep = []
    x, w = view(input, keep), view(weight, keep)
    nd = x.ndim
    if nd not in (n + 1, n + 2):
        raise ValueError("Expected {}D (unbatched) or {}D (batched) input to {}, but got input "
                         "of size: {}".format(n + 1, n + 2, op, list(shape_of(x))))
    unbatched = nd == n + 1
    if unbatched:
        unsqueeze0(x)
    b = view(bias, keep) if bias is not None else ffi.NULL
    out_shape = ffi.new(_SHAPE5)
    check(lib.clrs_conv_transpose_shape(p, x.ndim, x.shape, w.shape, out_shape))
    out = empty(input, tuple(out_shape[1 if unbatched else 0:x.ndim]), channels_last=True)
    o = view(out, keep)
    if unbatched:
        unsqueeze0(o)
    ctx = resolve_context(context, input)
    check(lib.clrs_conv_transpose(ctx.ptr, p, x, w, b, o))
    return out, p, ctx, unbatched


def _conv_transpose(n, input, weight, bias, stride, padding, output_padding, groups, dilation,
                    context):
    input, weight = normalize(input), normalize(weight)
    bias = normalize(bias) if bias is not None else None
    if _wants_grad(input, weight, bias):
        return _autograd()._conv_transpose(n, input, weight, bias, stride, padding,
                                           output_padding, groups, dilation, context)
    return conv_transpose_impl(n, "conv_transpose%dd" % n, input, weight, bias, stride, padding,
                               output_padding, groups, dilation, context)[0]


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    """torch.nn.functional.conv_transpose1d."""
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    """torch.nn.functional.conv_transpose2d."""
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    """torch.nn.functional.conv_transpose3d."""
    return _conv_transpose(3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


del math


# ---- pixel_shuffle, pixel_unshuffle ----------------------------------------------------------

def pixel_shuffle_impl(unshuffle, input, factor, context):
    if not _is_int(factor):
        raise TypeError("%s(): argument '%s' must be int, not %s"
                        % ("pixel_unshuffle" if unshuffle else "pixel_shuffle",
                           "downscale_factor" if unshuffle else "upscale_factor",
                           type(factor).__name__))
    keep = []
    x = view(input, keep)
    out_shape = ffi.new(_SHAPE5)
    shape_fn = lib.clrs_pixel_unshuffle_shape if unshuffle else lib.clrs_pixel_shuffle_shape
    check(shape_fn(int(factor), x.ndim, x.shape, out_shape))
    out = empty(input, tuple(out_shape[0:x.ndim]))
    ctx = resolve_context(context, input)
    run = lib.clrs_pixel_unshuffle if unshuffle else lib.clrs_pixel_shuffle
    check(run(ctx.ptr, int(factor), x, view(out, keep)))
    return out, ctx


def pixel_shuffle(input, upscale_factor, *, context=None):
    """torch.nn.functional.pixel_shuffle (3 to 5 dims)."""
    input = normalize(input)
    if _wants_grad(input):
        return _autograd().pixel_shuffle(input, upscale_factor, context=context)
    return pixel_shuffle_impl(False, input, upscale_factor, context)[0]


def pixel_unshuffle(input, downscale_factor, *, context=None):
    """torch.nn.functional.pixel_unshuffle (3 to 5 dims)."""
    input = normalize(input)
    if _wants_grad(input):
        return _autograd().pixel_unshuffle(input, downscale_factor, context=context)
    return pixel_shuffle_impl(True, input, downscale_factor, context)[0]
