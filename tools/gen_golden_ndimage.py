"""The 'ndimage' family of tools/gen-golden.py: scipy.ndimage's spline_filter,
spline_filter1d, zoom, affine_transform and map_coordinates on small random arrays,
written to tests/golden/ndimage.txt.  Imports scipy and numpy only (never torch), so it
runs under Debian's /usr/bin/python3 (scipy 1.10):

    /usr/bin/python3 tools/gen-golden.py --only=ndimage

ndimage.txt records (the common format of gen-golden.py: 'case', 'key values', 'end'):
    case <name>
    op <spline_filter|spline_filter1d|zoom|affine_transform|map_coordinates>
    order <0..5>
    mode <constant|nearest|reflect|mirror|wrap|grid-constant|grid-mirror|grid-wrap>
    cval <v>                        ('%.17g')
    prefilter <0|1>
    grid_mode <0|1>
    axis <a>                        spline_filter1d only: the tensor dim
    n_spatial <k>                   the trailing spatial dims; the leading ones are batch
    in_shape <dims...>              batch dims then spatial dims
    out_shape <dims...>
    matrix <count> <v>...           affine_transform: n_spatial x n_spatial ('%.17g')
    offset <count> <v>...           affine_transform ('%.17g')
    coords_shape <dims...>          map_coordinates: (n_spatial, P...)
    coords <count> <v>...           map_coordinates: float32-representable ('%.9g')
    x <count> <v>...                the input, float32-representable ('%.9g'), or
                                    integers 0..255 for the u8 cases
    y64 <count> <v>...              scipy's float64 result on x as float64 ('%.17g'),
                                    each batch slice a separate scipy call
    yu8 <count> <v>...              u8 cases only: scipy's uint8 output for uint8 x
    end

scipy computes in double whatever the input dtype, so its float32 result is y64 rounded to
float32; the C test compares f32 runs against that.
"""
import itertools
import warnings
import zlib

import numpy as np

FILENAME = "ndimage.txt"
MODES = ("constant", "nearest", "reflect", "mirror", "wrap", "grid-constant", "grid-mirror", "grid-wrap")
ORDERS = range(6)

SHAPES = {1: [(7,), (1,), (2,)], 2: [(5, 4), (1, 3)], 3: [(3, 4, 3), (2, 1, 3)]}
# (input spatial, output spatial) for zoom: > 1 and < 1 per dim
ZOOM_SHAPES = {1: [((7,), (11,)), ((9,), (4,)), ((1,), (3,)), ((2,), (5,))],
               2: [((5, 4), (8, 3)), ((1, 3), (2, 5))],
               3: [((3, 4, 3), (4, 3, 5)), ((2, 1, 3), (3, 2, 2))]}


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def fmt9(v):
    return " ".join("%.9g" % x for x in np.ravel(v))


def fmt17(v):
    return " ".join("%.17g" % x for x in np.ravel(v))


def per_slice(x, ns, fn):
    """fn on every batch slice (the leading dims) of x; results stacked back."""
    nb = x.ndim - ns
    if nb == 0:
        return fn(x)
    outs = [fn(x[idx]) for idx in itertools.product(*[range(s) for s in x.shape[:nb]])]
    return np.stack(outs).reshape(x.shape[:nb] + outs[0].shape)


def record(name, fields):
    lines = ["case " + name]
    for k, v in fields:
        lines.append("%s %s" % (k, v))
    lines.append("end")
    return "\n".join(lines)


def vals(tag_fmt, a):
    a = np.ravel(a)
    return "%d %s" % (a.size, tag_fmt(a))


def make_cases():
    import scipy.ndimage as ndi
    cases = []

    def common(op, order, mode, cval, prefilter, grid_mode, ns, x):
        return [("op", op), ("order", order), ("mode", mode), ("cval", "%.17g" % cval),
                ("prefilter", int(prefilter)), ("grid_mode", int(grid_mode)), ("n_spatial", ns),
                ("in_shape", " ".join(str(s) for s in x.shape))]

    def u8_fields(x, fn):
        xu = np.round((x - x.min()) / max(x.max() - x.min(), 1e-9) * 255).astype(np.uint8)
        yu = fn(xu, np.uint8)
        return xu, yu

    # spline_filter / spline_filter1d: orders 2..5 (0, 1 copy), every mode, 1-3 dims
    for nd in (1, 2, 3):
        for sp in SHAPES[nd]:
            for order in (2, 3, 4, 5):
                for mode in MODES:
                    batch = (2,) if (order + len(mode)) % 3 == 0 else ()
                    name = "filter%dd_o%d_%s_in%s" % (nd, order, mode, "x".join(map(str, batch + sp)))
                    g = rng_for(name)
                    x = f32(g.uniform(-2, 2, batch + sp))
                    y = per_slice(x, nd, lambda a: ndi.spline_filter(a, order=order, output=np.float64, mode=mode))
                    f = common("spline_filter", order, mode, 0.0, 1, 0, nd, x)
                    f += [("out_shape", " ".join(map(str, y.shape))), ("x", vals(fmt9, x)), ("y64", vals(fmt17, y))]
                    cases.append(record(name, f))
    for nd, sp in ((2, (5, 4)), (3, (3, 4, 3))):
        for order in (1, 2, 3, 5):
            for axis in range(nd):
                mode = MODES[(order + axis) % len(MODES)]
                name = "filter1d_%dd_o%d_%s_ax%d" % (nd, order, mode, axis)
                x = f32(rng_for(name).uniform(-2, 2, sp))
                y = ndi.spline_filter1d(x, order=order, axis=axis, output=np.float64, mode=mode)
                f = common("spline_filter1d", order, mode, 0.0, 1, 0, nd, x)
                f += [("axis", axis), ("out_shape", " ".join(map(str, y.shape))), ("x", vals(fmt9, x)),
                      ("y64", vals(fmt17, y))]
                cases.append(record(name, f))

    # zoom: every order x mode x grid_mode, 1-3 dims, prefilter on (and off for a few)
    for nd in (1, 2, 3):
        for k, (isp, osp) in enumerate(ZOOM_SHAPES[nd]):
            for order in ORDERS:
                for mode in MODES:
                    for grid_mode in (0, 1):
                        if nd == 3 and k == 1 and (order + grid_mode) % 2:
                            continue
                        h = zlib.crc32(("%d%d%s%d%d" % (nd, k, mode, order, grid_mode)).encode())
                        prefilter = order > 1 and h % 5 == 0
                        prefilter = not prefilter
                        cval = 0.0 if h % 3 == 0 else 1.25
                        batch = (2,) if h % 4 == 1 else ()
                        name = "zoom%dd_o%d_%s_g%d_pf%d_in%s_out%s" % (
                            nd, order, mode, grid_mode, int(prefilter), "x".join(map(str, batch + isp)),
                            "x".join(map(str, osp)))
                        x = f32(rng_for(name).uniform(-2, 2, batch + isp))
                        zooms = [o / i for o, i in zip(osp, isp)]

                        def run(a, dt=np.float64):
                            return ndi.zoom(a, zooms, output=dt, order=order, mode=mode, cval=cval,
                                            prefilter=prefilter, grid_mode=bool(grid_mode))
                        y = per_slice(x, nd, run)
                        assert y.shape[len(batch):] == osp, (name, y.shape)
                        f = common("zoom", order, mode, cval, prefilter, grid_mode, nd, x)
                        f += [("out_shape", " ".join(map(str, y.shape))), ("x", vals(fmt9, x)),
                              ("y64", vals(fmt17, y))]
                        if h % 7 == 0:
                            xu, yu = u8_fields(x, lambda a, dt: per_slice(a, nd, lambda s: run(s, dt)))
                            f[-2] = ("x", vals(fmt9, xu))
                            f[-1] = ("y64", vals(fmt17, per_slice(xu.astype(np.float64), nd, run)))
                            f.append(("yu8", vals(fmt9, yu)))
                        cases.append(record(name, f))

    # affine_transform: a general matrix (rotation, shear, scale) and offset
    for nd in (1, 2, 3):
        for isp in SHAPES[nd]:
            for order in ORDERS:
                for mode in MODES:
                    h = zlib.crc32(("a%d%s%d%s" % (nd, isp, order, mode)).encode())
                    prefilter = not (order > 1 and h % 5 == 0)
                    cval = 0.0 if h % 3 == 0 else -0.75
                    batch = (2,) if h % 4 == 1 else ()
                    osp = tuple(max(1, s + ((h >> (2 * i)) % 3) - 1) for i, s in enumerate(isp))
                    name = "affine%dd_o%d_%s_pf%d_in%s_out%s" % (nd, order, mode, int(prefilter),
                                                                 "x".join(map(str, batch + isp)),
                                                                 "x".join(map(str, osp)))
                    g = rng_for(name)
                    x = f32(g.uniform(-2, 2, batch + isp))
                    m = np.eye(nd) * g.uniform(0.6, 1.4, nd) + g.uniform(-0.5, 0.5, (nd, nd))
                    off = g.uniform(-1.5, 1.5, nd) * np.array(isp)

                    def run(a, dt=np.float64):
                        return ndi.affine_transform(a, m, offset=off, output_shape=osp, output=dt, order=order,
                                                    mode=mode, cval=cval, prefilter=prefilter)
                    y = per_slice(x, nd, run)
                    f = common("affine_transform", order, mode, cval, prefilter, 0, nd, x)
                    f += [("out_shape", " ".join(map(str, y.shape))), ("matrix", vals(fmt17, m)),
                          ("offset", vals(fmt17, off)), ("x", vals(fmt9, x)), ("y64", vals(fmt17, y))]
                    if h % 7 == 0:
                        xu, yu = u8_fields(x, lambda a, dt: per_slice(a, nd, lambda s: run(s, dt)))
                        f[-2] = ("x", vals(fmt9, xu))
                        f[-1] = ("y64", vals(fmt17, per_slice(xu.astype(np.float64), nd, run)))
                        f.append(("yu8", vals(fmt9, yu)))
                    cases.append(record(name, f))

    # map_coordinates: points inside, on the edges, and well outside (out-of-range modes)
    for nd in (1, 2, 3):
        for isp in SHAPES[nd]:
            for order in ORDERS:
                for mode in MODES:
                    h = zlib.crc32(("m%d%s%d%s" % (nd, isp, order, mode)).encode())
                    prefilter = not (order > 1 and h % 5 == 0)
                    cval = 0.0 if h % 3 == 0 else 2.5
                    batch = (2,) if h % 4 == 1 else ()
                    pshape = ((9,), (3, 4), (2, 2, 3))[h % 3]
                    name = "mapc%dd_o%d_%s_pf%d_in%s_p%s" % (nd, order, mode, int(prefilter),
                                                             "x".join(map(str, batch + isp)),
                                                             "x".join(map(str, pshape)))
                    g = rng_for(name)
                    x = f32(g.uniform(-2, 2, batch + isp))
                    co = np.stack([g.uniform(-1.6 * s - 1, 2.6 * s + 1, pshape) for s in isp])
                    # a few exact positions: integers, half-integers, the edges
                    flat = co.reshape(nd, -1)
                    flat[:, 0] = 0
                    flat[:, 1] = [s - 1 for s in isp]
                    flat[:, 2] = -0.5
                    flat[:, 3] = [s - 0.5 for s in isp]
                    co = f32(co)
                    y = per_slice(x, nd, lambda a: ndi.map_coordinates(a, co, output=np.float64, order=order,
                                                                        mode=mode, cval=cval, prefilter=prefilter))
                    f = common("map_coordinates", order, mode, cval, prefilter, 0, nd, x)
                    f += [("out_shape", " ".join(map(str, y.shape))),
                          ("coords_shape", " ".join(map(str, co.shape))), ("coords", vals(fmt9, co)),
                          ("x", vals(fmt9, x)), ("y64", vals(fmt17, y))]
                    cases.append(record(name, f))
    return cases


def probes():
    """What scipy 1.10 does in the corners the docs talk about, for the header."""
    import scipy.ndimage as ndi
    out = []
    a = np.array([10.0, 20.0, 30.0])
    out.append("# probe: zoom([10,20,30], 5/3, order=1, mode='constant') = %s" %
               np.array2string(ndi.zoom(a, 5 / 3, order=1, mode="constant"), precision=6))
    out.append("# probe: map_coordinates([10,20,30], [[-0.5, 2.5, 2.6]], order=1, mode='constant', cval=-1) = %s" %
               np.array2string(ndi.map_coordinates(a, [[-0.5, 2.5, 2.6]], order=1, mode="constant", cval=-1),
                               precision=6))
    out.append("# probe: map_coordinates([10,20,30], [[-0.5, 2.5]], order=1, mode='grid-constant', cval=-1) = %s" %
               np.array2string(ndi.map_coordinates(a, [[-0.5, 2.5]], order=1, mode="grid-constant", cval=-1),
                               precision=6))
    u = np.array([0, 100, 255], dtype=np.uint8)
    out.append("# probe: uint8 zoom([0,100,255], 5/3, order=3) = %s (rounded half up, clipped to 0..255)" %
               ndi.zoom(u, 5 / 3, order=3).tolist())
    out.append("# probe: mirror on a size-1 axis: zoom([[5.]], 3, order=3, mode='mirror') = %s" %
               ndi.zoom(np.array([[5.0]]), 3, order=3, mode="mirror").ravel().tolist())
    return out


def generate(outdir):
    import os
    import scipy
    warnings.simplefilter("ignore")
    cases = make_cases()
    path = os.path.join(outdir, FILENAME)
    with open(path, "w") as f:
        f.write("# clresample golden data: scipy.ndimage spline_filter, spline_filter1d, zoom,\n"
                "#   affine_transform, map_coordinates (forward; float64 results, uint8 where 'yu8')\n")
        f.write("# scipy %s, numpy %s\n" % (scipy.__version__, np.__version__))
        f.write("# command: /usr/bin/python3 tools/gen-golden.py --only=ndimage\n")
        f.write("# format: see the docstring of tools/gen_golden_ndimage.py\n")
        for line in probes():
            f.write(line + "\n")
        f.write("# cases %d\n" % len(cases))
        for c in cases:
            f.write(c + "\n")


KEYS = {"op", "order", "mode", "cval", "prefilter", "grid_mode", "axis", "n_spatial", "in_shape", "out_shape",
        "matrix", "offset", "coords_shape", "coords", "x", "y64", "yu8", "case"}


def check_case(rec):
    name = rec["case"][0]
    assert set(rec) <= KEYS, "%s: unknown keys %s" % (name, set(rec) - KEYS)
    ins = [int(v) for v in rec["in_shape"]]
    outs = [int(v) for v in rec["out_shape"]]
    n_in, n_out = int(np.prod(ins)), int(np.prod(outs))
    assert int(rec["x"][0]) == n_in and len(rec["x"]) == n_in + 1, name
    assert int(rec["y64"][0]) == n_out and len(rec["y64"]) == n_out + 1, name
    assert rec["mode"][0] in MODES, name
