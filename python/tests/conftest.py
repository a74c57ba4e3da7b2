"""Shared setup: the default context is the host backend (CLRS_PY_TEST_DEVICE selects
another device), following the installed PyTorch's version where versions differ."""
import os

import pytest

import clresample as cr

try:
    import torch
    TORCH_COMPAT = "1.13" if torch.__version__.startswith("1.") else "current"
except ImportError:  # pragma: no cover
    torch = None
    TORCH_COMPAT = "current"

DEVICE = os.environ.get("CLRS_PY_TEST_DEVICE", "host")


def make_context(**kw):
    kw.setdefault("compat", TORCH_COMPAT)
    return cr.Context(DEVICE, **kw)


cr.set_default_context(make_context())


@pytest.fixture
def ctx():
    return cr.default_context()


def pytest_report_header(config):
    return "clresample: %s, library %s, device %s, compat %s" % (
        cr.version(), cr.library_path, cr.default_context().device["name"], TORCH_COMPAT)
