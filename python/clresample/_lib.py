"""Loading libclresample, its errors, and contexts."""
import os
import subprocess
import threading

from cffi import FFI

from ._cdef import CDEF, CDEF_DLPACK

ffi = FFI()
ffi.cdef(CDEF)
ffi.cdef(CDEF_DLPACK)

DEFAULT = -(2 ** 63)  # CLRS_DEFAULT: PyTorch's None for a pool / conv parameter


def _library_path():
    """$CLRS_LIBRARY, else pkg-config's libdir for clresample, else the loader's search."""
    env = os.environ.get("CLRS_LIBRARY")
    if env:
        return env
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "clresample"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        libdir = ""
    if libdir:
        for name in ("libclresample.so", "libclresample.so.0"):
            path = os.path.join(libdir, name)
            if os.path.exists(path):
                return path
    return "libclresample.so.0"  # the dynamic loader's own search (ldconfig, LD_LIBRARY_PATH)


def _load():
    path = _library_path()
    try:
        return ffi.dlopen(path), path
    except OSError as e:
        raise ImportError(
            "clresample: cannot load the C library (%s): %s. Install it (make install && "
            "ldconfig) so that `pkg-config --variable=libdir clresample` finds it, or set "
            "CLRS_LIBRARY to the path of libclresample.so" % (path, e)) from None


lib, library_path = _load()


class CLRSError(RuntimeError):
    """A device, memory, build or i/o failure of the library (a RuntimeError)."""


def check(status):
    """Raises the Python exception for a clrs_status, with the library's message."""
    if status == 0:
        return
    msg = ffi.string(lib.clrs_error_message()).decode("utf-8", "replace")
    name = ffi.string(lib.clrs_status_name(status)).decode()
    if status == lib.CLRS_ERR_ARGUMENT:
        raise ValueError(msg)
    if status == lib.CLRS_ERR_UNSUPPORTED:
        raise NotImplementedError(msg)
    raise CLRSError("%s (%s)" % (msg, name))


def version():
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return ffi.string(lib.clrs_version()).decode()


_COMPAT = {"current": 0, "2.15": 0, "1.13": 1}


def compat_value(compat):
    if compat is None:
        return -1
    try:
        return _COMPAT[str(compat)]
    except KeyError:
        raise ValueError('compat must be "current" or "1.13", got %r' % (compat,)) from None


def _info_dict(info):
    s = lambda a: ffi.string(a).decode("utf-8", "replace")  # noqa: E731
    types = {0: "host", 1: "cpu", 2: "gpu", 3: "accelerator", 4: "other"}
    return {"platform_index": info.platform_index, "device_index": info.device_index,
            "type": types.get(info.type, "other"), "name": s(info.name), "vendor": s(info.vendor),
            "platform": s(info.platform), "version": s(info.version), "driver": s(info.driver),
            "opencl_c_version": s(info.opencl_c_version), "compute_units": info.compute_units,
            "max_work_group_size": info.max_work_group_size,
            "global_mem_bytes": info.global_mem_bytes, "local_mem_bytes": info.local_mem_bytes,
            "max_alloc_bytes": info.max_alloc_bytes, "fp16": bool(info.fp16),
            "fp64": bool(info.fp64)}


def devices():
    """Every OpenCL device, then the host backend, as dicts (clrs_device_list)."""
    count = ffi.new("size_t *")
    check(lib.clrs_device_list(ffi.NULL, 0, count))
    infos = ffi.new("clrs_device_info[]", count[0])
    check(lib.clrs_device_list(infos, count[0], count))
    return [_info_dict(infos[i]) for i in range(count[0])]


class Context:
    """A clresample context: one device, its program cache, its defaults.

    device: None ($CLRS_DEVICE, else "auto"), "auto", "gpu", "cpu", "host", "P:D" or part of
    a device name. cache_dir: None ($CLRS_CACHE_DIR or the user cache), "" (off) or a
    directory. deterministic: grid_sample's grad_input bit-reproducible. compat: "current"
    (PyTorch 2.15) or "1.13". host_fallback: run on the host what the device cannot.
    queue: a pyopencl.CommandQueue to run on (clrs_context_wrap; device is then ignored).
    """

    def __init__(self, device=None, cache_dir=None, deterministic=False, compat="current",
                 host_fallback=True, queue=None):
        if device is not None and not isinstance(device, str):
            raise TypeError("device must be a str or None, got %s" % type(device).__name__)
        self._keep = [ffi.new("char[]", device.encode()) if device is not None else ffi.NULL,
                      ffi.new("char[]", os.fsencode(cache_dir)) if cache_dir is not None
                      else ffi.NULL]
        opts = ffi.new("clrs_context_options *")
        opts.device, opts.cache_dir = self._keep
        opts.host_fallback = 1 if host_fallback else 0
        opts.deterministic = 1 if deterministic else 0
        opts.compat = compat_value(compat)
        out = ffi.new("clrs_context **")
        self.queue = queue
        if queue is not None:
            check(lib.clrs_context_wrap(out, ffi.cast("cl_command_queue", queue.int_ptr), opts))
        else:
            check(lib.clrs_context_create(out, opts))
        self._ptr = ffi.gc(out[0], lib.clrs_context_destroy)
        self.compat = "1.13" if opts.compat == 1 else "current"
        self.deterministic = bool(deterministic)

    @property
    def ptr(self):
        """The clrs_context * (a cffi pointer)."""
        return self._ptr

    @property
    def device(self):
        """The context's device as a dict (name, type, vendor, fp64, ...)."""
        return _info_dict(lib.clrs_context_device(self._ptr)[0])

    @property
    def is_host(self):
        return lib.clrs_context_device(self._ptr).type == lib.CLRS_DEVICE_HOST

    def finish(self):
        """Waits for all work this context enqueued."""
        check(lib.clrs_context_finish(self._ptr))

    def cache_stats(self):
        st = ffi.new("clrs_cache_stats *")
        check(lib.clrs_context_cache_stats(self._ptr, st))
        return {k: getattr(st, k) for k in ("builds", "memory_hits", "disk_hits", "disk_writes",
                                           "disk_rejects", "host_fallbacks", "disk_enabled")}

    def last_kernel_ms(self):
        ms = ffi.new("double *")
        check(lib.clrs_context_last_kernel_ms(self._ptr, ms))
        return ms[0]

    def close(self):
        """Destroys the C context now (otherwise when the object is collected)."""
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __repr__(self):
        d = self.device
        return "<clresample.Context %s (%s), compat %s>" % (d["name"], d["type"], self.compat)


_default = None
_default_lock = threading.Lock()


def default_context():
    """The context used when a call gives none; made on first use with Context() (device
    from $CLRS_DEVICE, else "auto")."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Context()
    return _default


def set_default_context(ctx):
    """Makes `ctx` (a Context, or None to make a new one on next use) the default."""
    global _default
    if ctx is not None and not isinstance(ctx, Context):
        raise TypeError("set_default_context takes a clresample.Context or None")
    _default = ctx
