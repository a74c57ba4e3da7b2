"""Arrays and tensors as clrs_tensor views of their own memory (no copy), and outputs of the
kind the caller gave: NumPy in, NumPy out; torch in, torch out (allocated by torch); a
PyOpenCL array in, a PyOpenCL array out (on its queue)."""
import ctypes
import sys

import numpy as np

from ._lib import check, ffi, lib

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

_NP_DTYPES = {np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.float16): 2,
              np.dtype(np.int64): 4, np.dtype(np.uint8): 5}

NUMPY, TORCH, PYOPENCL, DLPACK = "numpy", "torch", "pyopencl", "dlpack"
_TENSOR_P = ffi.typeof("clrs_tensor *")
_DLTENSOR_P = ffi.typeof("DLTensor *")
_VOID_P = ffi.typeof("void *")
_to_dlpack = None


def kind(x):
    """Which kind of array `x` is: numpy, torch, pyopencl, or dlpack (any other object with
    __dlpack__; its results are NumPy arrays)."""
    if isinstance(x, np.ndarray):
        return NUMPY
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        return TORCH
    mod = type(x).__module__
    if mod.startswith("pyopencl") and hasattr(x, "base_data") and hasattr(x, "queue"):
        return PYOPENCL
    if hasattr(x, "__dlpack__"):
        return DLPACK
    return NUMPY  # array-likes (lists, scalars): np.asarray


def _from_numpy(a, keep):
    dt = _NP_DTYPES.get(a.dtype)
    if dt is None:
        if a.dtype.kind in "fiu" and not a.dtype.isnative:
            a = a.astype(a.dtype.newbyteorder("="))
            dt = _NP_DTYPES.get(a.dtype)
        if dt is None:
            raise NotImplementedError(
                "clresample: dtype %s is not supported (float16, float32, float64; int64 "
                "indices)" % a.dtype)
    isz = a.itemsize
    if any(s < 0 or s % isz for s in a.strides):
        a = np.ascontiguousarray(a)  # negative or unaligned strides: the library takes neither
    keep.append(a)
    nd = a.ndim
    if not 1 <= nd <= 5:
        raise ValueError("clresample: tensors have 1 to 5 dimensions, got %d" % nd)
    t = ffi.new(_TENSOR_P)
    t.dtype = dt
    t.ndim = nd
    t.shape[0:nd] = a.shape
    if a.flags.c_contiguous:
        t.contiguous = 1
    else:
        t.strides[0:nd] = [s // isz for s in a.strides]
    if a.size:
        t.data = ffi.cast(_VOID_P, a.ctypes.data)
    return t


def _from_capsule(cap, keep):
    keep.append(cap)  # the capsule owns the producer's reference: alive until the call returns
    t = ffi.new(_TENSOR_P)
    check(lib.clrs_tensor_from_dlpack(ffi.cast(_DLTENSOR_P, _capsule_pointer(cap, b"dltensor")), t))
    return t


def _from_torch(x, keep):
    if x.device.type != "cpu":
        raise NotImplementedError("clresample: torch tensors on %s are not supported (CPU "
                                  "tensors, NumPy and PyOpenCL arrays)" % x.device)
    if x.dim() == 0 or x.dim() > 5:
        raise ValueError("clresample: tensors have 1 to 5 dimensions, got %d" % x.dim())
    global _to_dlpack
    if _to_dlpack is None:
        from torch.utils.dlpack import to_dlpack as _to_dlpack
    keep.append(x)
    return _from_capsule(_to_dlpack(x.detach() if x.requires_grad else x), keep)


def _from_pyopencl(a, keep):
    dt = _NP_DTYPES.get(a.dtype)
    if dt is None:
        raise NotImplementedError("clresample: dtype %s is not supported" % a.dtype)
    isz = a.dtype.itemsize
    nd = len(a.shape)
    if not 1 <= nd <= 5:
        raise ValueError("clresample: tensors have 1 to 5 dimensions, got %d" % nd)
    if any(s < 0 or s % isz for s in a.strides):
        raise ValueError("clresample: PyOpenCL array with negative or unaligned strides")
    keep.append(a)
    t = ffi.new(_TENSOR_P)
    t.dtype = dt
    t.ndim = nd
    t.shape[0:nd] = a.shape
    t.strides[0:nd] = [s // isz for s in a.strides]
    if a.size:
        t.mem = ffi.cast("cl_mem", a.base_data.int_ptr)
        t.offset = a.offset
    return t


def normalize(x):
    """NumPy arrays, torch tensors and PyOpenCL arrays as they are; other DLPack producers
    through np.from_dlpack (no copy) and array-likes through np.asarray."""
    k = kind(x)
    if k == DLPACK:
        return np.from_dlpack(x)
    if k == NUMPY and not isinstance(x, np.ndarray):
        return np.asarray(x)
    return x


def view(x, keep):
    """`x` as a clrs_tensor * over its own memory; what must stay alive goes into `keep`."""
    k = kind(x)
    if k == TORCH:
        return _from_torch(x, keep)
    if k == NUMPY:
        return _from_numpy(x if isinstance(x, np.ndarray) else np.asarray(x), keep)
    if k == PYOPENCL:
        return _from_pyopencl(x, keep)
    dev = x.__dlpack_device__() if hasattr(x, "__dlpack_device__") else (1, 0)
    if int(dev[0]) not in (1, 3):  # kDLCPU, kDLCUDAHost
        raise NotImplementedError("clresample: DLPack device %r is not supported" % (dev,))
    return _from_capsule(x.__dlpack__(), keep)


def shape_of(t):
    return tuple(t.shape[0:t.ndim])


def unsqueeze0(t):
    """Adds a leading batch dim of size 1 to a clrs_tensor (PyTorch's unbatched inputs)."""
    nd = t.ndim
    shape = [1] + list(t.shape[0:nd])
    if not t.contiguous:
        lead = t.strides[0] * t.shape[0] if nd else 1
        t.strides[0:nd + 1] = [max(lead, 1)] + list(t.strides[0:nd])
    t.shape[0:nd + 1] = shape
    t.ndim = nd + 1
    return t


def dtype_of(x):
    return x.dtype


def empty(like, shape, dtype=None, channels_last=False):
    """A new array of `like`'s kind (and device queue), `shape`, `dtype` (default like's)."""
    k = kind(like)
    if k == TORCH:
        import torch
        dtype = dtype if dtype is not None else like.dtype
        if channels_last and len(shape) in (4, 5) and like.dim() == len(shape) and \
                not like.is_contiguous():
            cl = torch.channels_last if len(shape) == 4 else torch.channels_last_3d
            if like.is_contiguous(memory_format=cl):
                return torch.empty(shape, dtype=dtype, memory_format=cl)
        return torch.empty(shape, dtype=dtype)
    if k == PYOPENCL:
        import pyopencl.array as cla
        return cla.empty(like.queue, shape, dtype if dtype is not None else like.dtype)
    return np.empty(shape, dtype=_np_dtype(dtype if dtype is not None else like.dtype))


def _np_dtype(dtype):
    if isinstance(dtype, np.dtype):
        return dtype
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(dtype, torch.dtype):
        return np.dtype(str(dtype).replace("torch.", ""))
    return np.dtype(dtype)


def int64_like(like):
    """The index dtype of `like`'s kind."""
    if kind(like) == TORCH:
        import torch
        return torch.int64
    return np.dtype(np.int64)
