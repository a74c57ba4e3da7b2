"""clresample: PyTorch's resampling ops (interpolate, grid_sample, affine_grid, max_pool /
max_unpool, conv_transpose, pixel_shuffle) with PyTorch's exact numbers, and scipy.ndimage's
zoom / map_coordinates / affine_transform / spline_filter with scipy's, on NumPy arrays, torch CPU tensors
and PyOpenCL arrays, through libclresample (OpenCL or its host backend).

    import clresample as cr
    y = cr.interpolate(x, scale_factor=2, mode="bilinear")      # x: NumPy or torch
    y = cr.torch.grid_sample(x, grid)                           # autograd Function

docs/PYTHON.md describes the package."""
from ._lib import CLRSError, Context, default_context, devices, library_path, \
    set_default_context, version
from .functional import affine_grid, conv_transpose1d, conv_transpose2d, conv_transpose3d, \
    grid_sample, interpolate, max_pool1d, max_pool2d, max_pool3d, max_unpool1d, max_unpool2d, \
    max_unpool3d, pixel_shuffle, pixel_unshuffle
from .ndimage import affine_transform, map_coordinates, spline_filter, spline_filter1d, zoom

__version__ = "0.1.0"

__all__ = ["Context", "CLRSError", "default_context", "set_default_context", "devices",
           "version", "library_path", "interpolate", "grid_sample", "affine_grid",
           "max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "pixel_shuffle", "pixel_unshuffle", "zoom", "map_coordinates", "affine_transform",
           "spline_filter", "spline_filter1d", "torch"]


def __getattr__(name):
    # clresample.torch imports torch (slow): only when asked for
    if name == "torch":
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError("module 'clresample' has no attribute %r" % name)
