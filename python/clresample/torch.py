"""clresample's ops as torch.autograd.Functions: same signatures as torch.nn.functional (plus
a keyword-only `context`), forward and backward through libclresample on CPU tensors of any
layout. Backward is first order (once_differentiable): gradcheck works, gradgradcheck does not.
"""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

from . import functional as _F
from ._lib import check, ffi, lib
from ._tensors import unsqueeze0, view

__all__ = ["interpolate", "grid_sample", "affine_grid", "max_pool1d", "max_pool2d", "max_pool3d",
           "max_unpool1d", "max_unpool2d", "max_unpool3d", "conv_transpose1d",
           "conv_transpose2d", "conv_transpose3d", "pixel_shuffle", "pixel_unshuffle"]


def _grad_views(keep, unbatched, *tensors):
    """clrs views of tensors (None -> NULL), each given a batch dim when unbatched."""
    out = []
    for t in tensors:
        if t is None:
            out.append(ffi.NULL)
            continue
        v = view(t, keep)
        if unbatched:
            unsqueeze0(v)
        out.append(v)
    return out


class Interpolate(Function):
    @staticmethod
    def forward(ctx, input, size, scale_factor, mode, align_corners, recompute_scale_factor,
                antialias, context):
        out, ctx.p, ctx.c = _F.interpolate_impl(input, size, scale_factor, mode, align_corners,
                                                recompute_scale_factor, antialias, context)
        ctx.in_shape = input.shape
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        gi = torch.empty(ctx.in_shape, dtype=grad_output.dtype)
        keep = []
        check(lib.clrs_interpolate_backward(ctx.c.ptr, ctx.p, view(grad_output, keep),
                                            view(gi, keep)))
        return gi, None, None, None, None, None, None, None


class GridSample(Function):
    @staticmethod
    def forward(ctx, input, grid, mode, padding_mode, align_corners, context):
        out, ctx.p, ctx.c = _F.grid_sample_impl(input, grid, mode, padding_mode, align_corners,
                                                context)
        ctx.save_for_backward(input, grid)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        input, grid = ctx.saved_tensors
        gi = torch.empty(input.shape, dtype=input.dtype) if ctx.needs_input_grad[0] else None
        gg = torch.empty(grid.shape, dtype=grid.dtype) if ctx.needs_input_grad[1] else None
        if gi is not None or gg is not None:
            keep = []
            go, x, g, vi, vg = _grad_views(keep, False, grad_output, input, grid, gi, gg)
            check(lib.clrs_grid_sample_backward(ctx.c.ptr, ctx.p, go, x, g, vi, vg))
        return gi, gg, None, None, None, None


class AffineGrid(Function):
    @staticmethod
    def forward(ctx, theta, size, align_corners, context):
        out, ctx.ac, ctx.c = _F.affine_grid_impl(theta, size, align_corners, context)
        ctx.theta_shape = theta.shape
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_grid):
        gt = torch.empty(ctx.theta_shape, dtype=grad_grid.dtype)
        keep = []
        check(lib.clrs_affine_grid_backward(ctx.c.ptr, ctx.ac, view(grad_grid, keep),
                                            view(gt, keep)))
        return gt, None, None, None


class MaxPool(Function):
    @staticmethod
    def forward(ctx, input, n, kernel_size, stride, padding, dilation, ceil_mode, context):
        out, idx, ctx.p, ctx.c, ctx.unbatched = _F.max_pool_impl(
            n, "max_pool%dd" % n, input, kernel_size, stride, padding, dilation, ceil_mode,
            True, context)
        ctx.in_shape = input.shape
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return out, idx

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output, _grad_indices):
        idx, = ctx.saved_tensors
        gi = torch.empty(ctx.in_shape, dtype=grad_output.dtype)
        keep = []
        go, i, vi = _grad_views(keep, ctx.unbatched, grad_output, idx, gi)
        check(lib.clrs_max_pool_backward(ctx.c.ptr, ctx.p, go, i, vi))
        return gi, None, None, None, None, None, None, None


class MaxUnpool(Function):
    @staticmethod
    def forward(ctx, input, indices, n, kernel_size, stride, padding, output_size, context):
        out, ctx.p, ctx.c, ctx.unbatched = _F.max_unpool_impl(
            n, "max_unpool%dd" % n, input, indices, kernel_size, stride, padding, output_size,
            context)
        ctx.in_shape = input.shape
        ctx.save_for_backward(indices)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        idx, = ctx.saved_tensors
        gi = torch.empty(ctx.in_shape, dtype=grad_output.dtype)
        keep = []
        go, vi = _grad_views(keep, ctx.unbatched, grad_output, gi)
        i = view(idx, keep)
        if ctx.unbatched and i.ndim == len(ctx.in_shape):
            unsqueeze0(i)
        check(lib.clrs_max_unpool_backward(ctx.c.ptr, ctx.p, go, i, vi))
        return gi, None, None, None, None, None, None, None


class ConvTranspose(Function):
    @staticmethod
    def forward(ctx, input, weight, bias, n, stride, padding, output_padding, groups, dilation,
                context):
        out, ctx.p, ctx.c, ctx.unbatched = _F.conv_transpose_impl(
            n, "conv_transpose%dd" % n, input, weight, bias, stride, padding, output_padding,
            groups, dilation, context)
        ctx.has_bias = bias is not None
        ctx.bias_shape = bias.shape if bias is not None else None
        ctx.save_for_backward(input, weight)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        input, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        gi = torch.empty(input.shape, dtype=input.dtype) if need[0] else None
        gw = torch.empty(weight.shape, dtype=weight.dtype) if need[1] else None
        gb = torch.empty(ctx.bias_shape, dtype=grad_output.dtype) \
            if ctx.has_bias and need[2] else None
        if gi is not None or gw is not None or gb is not None:
            keep = []
            go, x, vi = _grad_views(keep, ctx.unbatched, grad_output, input, gi)
            w, vw, vb = _grad_views(keep, False, weight, gw, gb)
            check(lib.clrs_conv_transpose_backward(ctx.c.ptr, ctx.p, go, x, w, vi, vw, vb))
        return gi, gw, gb, None, None, None, None, None, None, None


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False, *, context=None):
    """torch.nn.functional.interpolate, differentiable in input."""
    return Interpolate.apply(input, size, scale_factor, mode, align_corners,
                             recompute_scale_factor, antialias, context)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None, *,
                context=None):
    """torch.nn.functional.grid_sample, differentiable in input and grid."""
    return GridSample.apply(input, grid, mode, padding_mode, align_corners, context)


def affine_grid(theta, size, align_corners=None, *, context=None):
    """torch.nn.functional.affine_grid, differentiable in theta."""
    return AffineGrid.apply(theta, size, align_corners, context)


def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
              context):
    out, idx = MaxPool.apply(input, n, kernel_size, stride, padding, dilation, ceil_mode, context)
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, *, context=None):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, context)


def _max_unpool(n, input, indices, kernel_size, stride, padding, output_size, context):
    return MaxUnpool.apply(input, indices, n, kernel_size, stride, padding, output_size, context)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size, context)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size, context)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None, *,
                 context=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size, context)


def _conv_transpose(n, input, weight, bias, stride, padding, output_padding, groups, dilation,
                    context):
    return ConvTranspose.apply(input, weight, bias, n, stride, padding, output_padding, groups,
                               dilation, context)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, context=None):
    return _conv_transpose(3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, context)


class PixelShuffle(Function):
    @staticmethod
    def forward(ctx, input, unshuffle, factor, context):
        out, ctx.c = _F.pixel_shuffle_impl(unshuffle, input, factor, context)
        ctx.unshuffle, ctx.factor, ctx.in_shape = unshuffle, int(factor), input.shape
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        gi = torch.empty(ctx.in_shape, dtype=grad_output.dtype)
        keep = []
        go, vi = view(grad_output, keep), view(gi, keep)
        run = lib.clrs_pixel_unshuffle_backward if ctx.unshuffle else lib.clrs_pixel_shuffle_backward
        check(run(ctx.c.ptr, ctx.factor, go, vi))
        return gi, None, None, None


def pixel_shuffle(input, upscale_factor, *, context=None):
    return PixelShuffle.apply(input, False, upscale_factor, context)


def pixel_unshuffle(input, downscale_factor, *, context=None):
    return PixelShuffle.apply(input, True, downscale_factor, context)
