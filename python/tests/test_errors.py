"""Errors: PyTorch's Python-level checks with its exception types and words; the library's
statuses as ValueError (CLRS_ERR_ARGUMENT), NotImplementedError (CLRS_ERR_UNSUPPORTED) and
RuntimeError (the others), each with clrs_error_message()."""
import os

import numpy as np
import pytest

import clresample as cr

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

X4 = torch.zeros(1, 1, 4, 4)

# (clresample call, PyTorch call) pairs that PyTorch refuses in Python
SAME = [
    (lambda m: m.interpolate(X4, size=2, scale_factor=2.0), ValueError),
    (lambda m: m.interpolate(X4), ValueError),
    (lambda m: m.interpolate(X4, size=2, mode="nearest", align_corners=True), ValueError),
    (lambda m: m.interpolate(X4, size=(2, 2, 2)), ValueError),
    (lambda m: m.interpolate(X4, scale_factor=(2.0,)), ValueError),
    (lambda m: m.interpolate(X4, size=2, recompute_scale_factor=True), ValueError),
    (lambda m: m.interpolate(X4, size=2, mode="trilinear"), NotImplementedError),
    (lambda m: m.interpolate(X4, size=2, mode="linear"), NotImplementedError),
    (lambda m: m.interpolate(X4, size=2, mode="nonsense"), NotImplementedError),
    (lambda m: m.interpolate(torch.zeros(1, 4), size=2), NotImplementedError),
    (lambda m: m.grid_sample(X4, torch.zeros(1, 2, 2, 2), mode="lanczos"), ValueError),
    (lambda m: m.grid_sample(X4, torch.zeros(1, 2, 2, 2), padding_mode="wrap"), ValueError),
    (lambda m: m.affine_grid(torch.zeros(1, 2, 3), (1, 1, 4)), NotImplementedError),
    (lambda m: m.affine_grid(torch.zeros(1, 3, 4), (1, 1, 4, 4)), ValueError),
    (lambda m: m.affine_grid(torch.zeros(1, 2, 3), (1, 1, 4, 4, 4)), ValueError),
    (lambda m: m.affine_grid(torch.zeros(1, 2, 3, dtype=torch.int64), (1, 1, 4, 4)),
     ValueError),
    (lambda m: m.affine_grid(torch.zeros(1, 2, 3), (1, 1, 0, 4)), ValueError),
    (lambda m: m.max_unpool2d(*F.max_pool2d(X4, 2, return_indices=True), 2,
                              output_size=(9, 4)), ValueError),
    (lambda m: m.max_unpool2d(*F.max_pool2d(X4, 2, return_indices=True), 2,
                              output_size=(1, 4, 4)), ValueError),
]


@pytest.mark.parametrize("i", range(len(SAME)))
def test_python_checks_match_pytorch(i):
    call, exc = SAME[i]
    with pytest.raises(exc) as want:
        call(F)
    with pytest.raises(exc) as got:
        call(cr)
    assert str(got.value) == str(want.value)


def test_antialias_check():
    with pytest.raises(ValueError, match="Anti-alias option"):
        cr.interpolate(X4, size=2, mode="nearest", antialias=True)
    with pytest.raises(ValueError, match="Anti-alias option"):
        F.interpolate(X4, size=2, mode="nearest", antialias=True)


def test_argument_error_is_value_error_with_library_message():
    with pytest.raises(ValueError) as e:
        cr.max_pool2d(X4, 2, padding=2)  # padding larger than half the kernel
    assert "max_pool" in str(e.value) and "padding" in str(e.value)
    with pytest.raises(ValueError) as e:
        cr.interpolate(X4, size=(0, 2))
    assert "size" in str(e.value)
    with pytest.raises(ValueError):
        cr.conv_transpose2d(X4, torch.zeros(2, 1, 2, 2))  # weight's C_in is not the input's
    with pytest.raises(ValueError):
        cr.max_pool2d(torch.zeros(1, 1, 1, 1, 4), 2)  # 5-D input to max_pool2d
    with pytest.raises(ValueError):
        cr.max_pool2d(X4, (2, 2, 2))
    v, i = F.max_pool2d(X4, 2, return_indices=True)
    with pytest.raises(ValueError):
        cr.max_unpool2d(v, i + 100, 2)  # indices outside the output plane


def test_unsupported_is_not_implemented_error():
    with pytest.raises(NotImplementedError) as e:
        cr.interpolate(np.zeros((1, 1, 4, 4), np.uint8), size=2, mode="area")  # PyTorch refuses it too
    assert "not implemented for 'Byte'" in str(e.value)
    with pytest.raises(NotImplementedError):
        cr.interpolate(np.zeros((1, 1, 4), np.uint8), size=2, mode="linear")
    with pytest.raises(NotImplementedError):
        cr.interpolate(np.zeros((1, 1, 4, 4), np.int32), size=2)  # not a library dtype
    with pytest.raises(NotImplementedError):
        cr.interpolate(torch.zeros(1, 1, 4, 4, dtype=torch.int32), size=2)


def test_uint8_nearest():
    x = (np.arange(16, dtype=np.uint8) * 15).reshape(1, 1, 4, 4)
    y = cr.interpolate(x, size=8)
    assert y.dtype == np.uint8 and np.array_equal(y, x.repeat(2, 2).repeat(2, 3))


def _u8_golden(limit_per_mode=6):
    """A few records of tests/golden/interpolate_u8.txt (PyTorch 2.15's uint8 results)."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "interpolate_u8.txt")
    recs, rec, seen = [], None, {}
    with open(path) as f:
        for line in f:
            key, _, rest = line.rstrip("\n").partition(" ")
            if key.startswith("#") or not key:
                continue
            if key == "case":
                rec = {"name": rest}
            elif key == "end":
                k = (rec["mode"], rec["antialias"])
                if seen.get(k, 0) < limit_per_mode:
                    seen[k] = seen.get(k, 0) + 1
                    recs.append(rec)
            else:
                rec[key] = rest
    return recs


@pytest.mark.parametrize("rec", _u8_golden(), ids=lambda r: r["name"])
def test_uint8_bilinear_bicubic_lanczos_values(rec):
    """uint8 bilinear / bicubic / lanczos: PyTorch 2.15's integer results, byte for byte."""
    ints = lambda key: [int(v) for v in rec[key].split()]
    shape, out_shape = ints("in_shape"), ints("out_shape")
    x = np.array(ints("x")[1:], np.uint8).reshape(shape)
    want = np.array(ints("y")[1:], np.uint8).reshape(out_shape)
    if rec["layout"] == "nhwc":  # a channels-last view, as torch's channels_last
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    kw = dict(mode=rec["mode"], antialias=rec["antialias"] == "1")
    if rec["align_corners"] != "-1":
        kw["align_corners"] = rec["align_corners"] == "1"
    if "size" in rec:
        kw["size"] = tuple(ints("size"))
    else:
        kw["scale_factor"] = tuple(float(v) for v in rec["scale"].split())
    y = cr.interpolate(x, **kw)
    assert y.dtype == np.uint8 and np.array_equal(np.asarray(y), want)


def test_other_failures_are_runtime_errors():
    with pytest.raises(RuntimeError) as e:
        cr.Context(device="no-such-device-anywhere")
    assert isinstance(e.value, cr.CLRSError) and "CLRS_ERR_DEVICE" in str(e.value)
    assert not isinstance(e.value, (ValueError, NotImplementedError))


def test_bad_python_arguments():
    with pytest.raises(ValueError, match="compat"):
        cr.Context("host", compat="0.4")
    with pytest.raises(TypeError):
        cr.interpolate(X4, size=2, context="host")
    with pytest.raises(TypeError):
        cr.set_default_context("host")
