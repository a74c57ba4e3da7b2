#!/usr/bin/python3
"""Side-by-side benchmark: clresample against the best CPU peer, in one run.

Reads the workload list from `clrs-bench --list --json` (the one description of each
workload), times the same shapes in every peer that imports — PyTorch NCHW and channels_last,
OpenCV (cv2.resize), onnxruntime and OpenVINO (an ONNX model built in memory with `onnx`),
Pillow (uint8 images) — with the same thread count, runs `clrs-bench --json` on the requested
backends, and prints one table: each peer's median ms, the best peer, and per backend our
median ms, the ratio best peer ms / ours (above 1: clresample is faster) and our share of the
measured copy bandwidth. A peer is timed only where it computes the same thing: each peer's
output on a small copy of the workload is compared with PyTorch's first (a peer that differs
is shown with `≠` and never counted as the best). --markdown prints a Markdown table.

Run it with the newest PyTorch you have (`/opt/torch215/bin/python3 tools/bench-vs-torch.py`);
Debian's /usr/bin/python3 (PyTorch 1.13, no uint8 antialias) works too, with fewer columns.

Usage: python3 tools/bench-vs-torch.py [--bench tools/clrs-bench] [--device host,cpu]
           [--reps 7] [--threads N] [--workload NAME] [--markdown]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
    if out.returncode not in (0, 1) or not out.stdout.strip():
        sys.exit(f"bench-vs-torch: {' '.join(cmd)} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def timed(fn, reps):
    """Median and min ms of fn() over reps runs after one warm-up."""
    times = []
    for rep in range(reps + 1):
        t0 = time.perf_counter()
        fn()
        if rep:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


# ---- the inputs of a workload, as NumPy arrays in NCHW order (every peer gets the same) ----

def small_copy(w):
    """The workload on a small input (N 1, at most 3 channels, spatial about / 16): for the checks."""
    s = dict(w)
    shape = list(w["in_shape"])
    if w["op"] == "interpolate" or w["op"] in ("grid_sample", "max_unpool"):
        shape[1] = min(shape[1], 3)
    shape[0] = 1
    # a multiple of 8, so that 2x / 4x factors stay integral (OpenCV's INTER_AREA is box
    # averaging only at integral factors)
    shape[2:] = [max(8, d // 16 // 8 * 8) for d in shape[2:]]
    s["in_shape"] = shape
    return s


def affine_grid(theta, shape, align_corners):
    """F.affine_grid for 4-D: (N, H, W, 2)."""
    n, _, h, wd = shape
    def base(k):
        i = np.arange(k, dtype=np.float64)
        return (2 * i + 1) / k - 1 if not align_corners else (np.linspace(-1, 1, k) if k > 1 else np.zeros(1))
    xs, ys = np.meshgrid(base(wd), base(h))
    pts = np.stack([xs, ys, np.ones_like(xs)], -1)  # H, W, 3
    g = pts @ np.array(theta, dtype=np.float64).reshape(2, 3).T
    return np.broadcast_to(g.astype(np.float32), (n, h, wd, 2)).copy()


def make_inputs(w, rng):
    shape = w["in_shape"]
    op = w["op"]
    if op == "interpolate":
        if w.get("dtype") == "uint8":
            return {"x": rng.integers(0, 256, shape, dtype=np.uint8)}
        return {"x": rng.random(shape, dtype=np.float32) * 2 - 1}
    if op == "grid_sample":
        return {"x": rng.random(shape, dtype=np.float32) * 2 - 1,
                "grid": affine_grid(w["theta"], shape, bool(w["align_corners"]))}
    if op == "max_unpool":
        k = w["kernel"]
        n, c, h, wd = shape
        big = rng.random((n, c, h, k[0], wd, k[1]), dtype=np.float32)  # window-major view
        win = big.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, wd, k[0] * k[1])
        arg = win.argmax(-1)
        y = np.take_along_axis(win, arg[..., None], -1)[..., 0]
        dy, dx = arg // k[1], arg % k[1]
        hh = np.arange(h)[:, None] * k[0] + dy
        ww = np.arange(wd)[None, :] * k[1] + dx
        idx = (hh * (wd * k[1]) + ww).astype(np.int64)
        return {"x": np.ascontiguousarray(y), "idx": idx}
    if op == "conv_transpose":
        ws = w["weight_shape"]
        return {"x": rng.random(shape, dtype=np.float32) * 2 - 1,
                "w": rng.random(ws, dtype=np.float32) * 2 - 1,
                "b": rng.random(ws[1], dtype=np.float32)}
    return {"x": rng.random(shape, dtype=np.float32) * 2 - 1}  # pixel_shuffle


def interp_mode(w):
    mode = w["mode"]
    nsd = len(w["in_shape"]) - 2
    if mode == "linear":
        return {1: "linear", 2: "bilinear", 3: "trilinear"}[nsd]
    return {"cubic": "bicubic"}.get(mode, mode)


# ---- peers: each returns a callable (no arguments) that runs the workload, or a reason ----

class Peer:
    name = ""
    note = ""

    def build(self, w, inp):
        """A function computing the forward (or backward) of w on inp, returning the forward
        output as a NumPy array (NCHW); or a string saying why the peer cannot."""
        raise NotImplementedError


class Torch(Peer):
    def __init__(self, torch, threads, channels_last):
        self.t = torch
        self.cl = channels_last
        self.name = "torch CL" if channels_last else "torch"
        torch.set_num_threads(threads)
        self.note = f"PyTorch {torch.__version__} ({'channels_last' if channels_last else 'NCHW'}), {torch.get_num_threads()} threads"

    def tensor(self, a, image=True):
        x = self.t.from_numpy(np.ascontiguousarray(a))
        if self.cl and image and x.dim() in (4, 5):
            x = x.contiguous(memory_format=self.t.channels_last if x.dim() == 4 else self.t.channels_last_3d)
        return x

    def build(self, w, inp):
        torch, F = self.t, self.t.nn.functional
        if self.cl and len(w["in_shape"]) not in (4, 5):
            return "no channels_last for 3-D tensors"
        x = self.tensor(inp["x"])
        op = w["op"]
        if op == "interpolate":
            mode = interp_mode(w)
            kw = {"scale_factor": tuple(w["scale_factor"]), "mode": mode}
            if mode in ("linear", "bilinear", "trilinear", "bicubic"):
                kw["align_corners"] = bool(w["align_corners"]) if w["align_corners"] >= 0 else None
            if w["antialias"]:
                kw["antialias"] = True
            if mode == "area":
                kw["recompute_scale_factor"] = True
            f = lambda xx: F.interpolate(xx, **kw)
        elif op == "grid_sample":
            grid = self.tensor(inp["grid"], image=False)
            kw = {"mode": w["mode"], "padding_mode": w["padding_mode"], "align_corners": bool(w["align_corners"])}
            if w["backward"]:
                x.requires_grad_(True), grid.requires_grad_(True)
                y = F.grid_sample(x, grid, **kw)
                g = torch.rand_like(y)
                return lambda: torch.autograd.grad(y, (x, grid), g, retain_graph=True)
            f = lambda xx: F.grid_sample(xx, grid, **kw)
        elif op == "max_unpool":
            idx = self.tensor(inp["idx"])
            k = tuple(w["kernel"])
            f = lambda xx: F.max_unpool2d(xx, idx, k)
        elif op == "conv_transpose":
            wt = self.tensor(inp["w"], image=False)
            b = self.t.from_numpy(inp["b"])
            kw = {"stride": tuple(w["conv_stride"]), "padding": tuple(w["conv_padding"])}
            if w["backward"]:
                for t in (x, wt, b):
                    t.requires_grad_(True)
                y = F.conv_transpose2d(x, wt, b, **kw)
                g = torch.rand_like(y)
                return lambda: torch.autograd.grad(y, (x, wt, b), g, retain_graph=True)
            f = lambda xx: F.conv_transpose2d(xx, wt, b, **kw)
        else:
            f = lambda xx: F.pixel_shuffle(xx, w["factor"])
        if op == "interpolate":  # a mode or dtype this PyTorch lacks: say so
            try:
                with torch.no_grad():
                    f(x[:1])
            except (RuntimeError, NotImplementedError, ValueError, TypeError) as e:
                return str(e).splitlines()[0][:80]
        if w["backward"]:
            if not x.is_floating_point():
                return "no backward for integer tensors"
            x.requires_grad_(True)
            y = f(x)
            g = torch.rand_like(y)
            return lambda: torch.autograd.grad(y, x, g, retain_graph=True)

        def run():
            with torch.no_grad():
                return f(x)
        return run


class OpenCV(Peer):
    """cv2.resize on H x W x C images (OpenCV's layout: C up to 512), N images per call."""

    def __init__(self, cv2, threads):
        self.cv2 = cv2
        self.name = "OpenCV"
        cv2.setNumThreads(threads)
        self.note = f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads (cv2.resize, HWC images)"

    def build(self, w, inp):
        cv2 = self.cv2
        if w["op"] != "interpolate" or w["backward"]:
            return "no such op"
        if len(w["in_shape"]) != 4:
            return "2-D images only"
        if w["antialias"]:
            return "no antialiased bilinear / bicubic (INTER_AREA is another filter)"
        interp = {"linear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST, "cubic": cv2.INTER_CUBIC,
                  "area": cv2.INTER_AREA}.get(w["mode"])
        if interp is None or w["align_corners"] == 1:
            return "no such mode"
        if w["mode"] == "area" and any(s > 1 for s in w["scale_factor"]):
            return "INTER_AREA upscaling is another filter"
        if w["in_shape"][1] > 512:
            return "more than 512 channels"
        n, c, h, wd = w["in_shape"]
        imgs = [np.ascontiguousarray(inp["x"][i].transpose(1, 2, 0)) for i in range(n)]
        size = (int(wd * w["scale_factor"][1]), int(h * w["scale_factor"][0]))

        def run():
            outs = [cv2.resize(im, size, interpolation=interp) for im in imgs]
            return np.stack([o.reshape(o.shape[0], o.shape[1], -1).transpose(2, 0, 1) for o in outs])
        return run


def onnx_model(onnx, w, inp):
    """The workload's forward as a one-node ONNX model (opset 18), or a reason."""
    from onnx import TensorProto, helper, numpy_helper
    op = w["op"]
    x = inp["x"]
    elem = TensorProto.UINT8 if x.dtype == np.uint8 else TensorProto.FLOAT
    inits, inputs, feeds = [], [helper.make_tensor_value_info("x", elem, list(x.shape))], {"x": x}
    if w["backward"]:
        return "inference only", None
    if op == "interpolate":
        mode = w["mode"]
        if mode == "area" or mode == "nearest-exact" or w["align_corners"] == 1:
            return "no such Resize mode", None
        attrs = {}
        if mode == "nearest":
            attrs = dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        elif mode == "linear":
            attrs = dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
        elif mode == "cubic":
            attrs = dict(mode="cubic", coordinate_transformation_mode="half_pixel",
                         cubic_coeff_a=-0.5 if w["antialias"] else -0.75)
        else:
            return "no such Resize mode", None
        if w["antialias"]:
            attrs["antialias"] = 1
        scales = np.array([1, 1] + list(w["scale_factor"]), dtype=np.float32)
        inits.append(numpy_helper.from_array(scales, "scales"))
        node = helper.make_node("Resize", ["x", "", "scales"], ["y"], **attrs)
    elif op == "grid_sample":
        if len(x.shape) != 4:
            return "4-D only", None
        inputs.append(helper.make_tensor_value_info("grid", TensorProto.FLOAT, list(inp["grid"].shape)))
        feeds["grid"] = inp["grid"]
        node = helper.make_node("GridSample", ["x", "grid"], ["y"], mode=w["mode"],
                                padding_mode=w["padding_mode"], align_corners=int(w["align_corners"]))
    elif op == "max_unpool":
        inputs.append(helper.make_tensor_value_info("idx", TensorProto.INT64, list(inp["idx"].shape)))
        # ONNX's indices count over the whole output tensor, PyTorch's within each plane
        n, c = inp["idx"].shape[:2]
        plane = int(np.prod([d * k for d, k in zip(inp["idx"].shape[2:], w["kernel"])]))
        feeds["idx"] = inp["idx"] + (np.arange(n * c, dtype=np.int64) * plane).reshape(n, c, 1, 1)
        node = helper.make_node("MaxUnpool", ["x", "idx"], ["y"], kernel_shape=list(w["kernel"]),
                                strides=list(w["kernel"]))
    elif op == "conv_transpose":
        inits += [numpy_helper.from_array(inp["w"], "w"), numpy_helper.from_array(inp["b"], "b")]
        pads = list(w["conv_padding"]) * 2
        node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=list(w["conv_stride"]),
                                pads=pads, kernel_shape=list(inp["w"].shape[2:]))
    else:
        node = helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=w["factor"], mode="CRD")
    graph = helper.make_graph([node], "clrs", inputs, [helper.make_tensor_value_info("y", elem, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    return model, feeds


class OnnxRuntime(Peer):
    def __init__(self, ort, onnx, threads):
        self.ort, self.onnx, self.threads = ort, onnx, threads
        self.name = "onnxruntime"
        self.note = f"onnxruntime {ort.__version__}, {threads} intra-op threads"

    def build(self, w, inp):
        model, feeds = onnx_model(self.onnx, w, inp)
        if feeds is None:
            return model
        so = self.ort.SessionOptions()
        so.intra_op_num_threads = self.threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        # no spinning threads left behind to slow down the next peer timed in this process
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            sess = self.ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
        except Exception as e:  # a model ORT does not implement
            return str(e).splitlines()[0][:80]
        return lambda: sess.run(None, feeds)[0]


class OpenVINO(Peer):
    def __init__(self, ov, onnx, threads):
        self.ov, self.onnx, self.threads = ov, onnx, threads
        self.core = ov.Core()
        self.name = "OpenVINO"
        self.note = f"OpenVINO {ov.__version__.split('-')[0]}, {threads} inference threads"

    def build(self, w, inp):
        model, feeds = onnx_model(self.onnx, w, inp)
        if feeds is None:
            return model
        try:
            with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
                f.write(model.SerializeToString())
                f.flush()
                m = self.core.read_model(f.name)
            # f32 inference: on a CPU with bf16 units OpenVINO otherwise computes in bf16
            cm = self.core.compile_model(m, "CPU", {"INFERENCE_NUM_THREADS": self.threads,
                                                    "PERFORMANCE_HINT": "LATENCY",
                                                    "INFERENCE_PRECISION_HINT": "f32"})
        except Exception as e:
            return str(e).splitlines()[0][:80]
        req = cm.create_infer_request()
        names = [i.get_any_name() for i in cm.inputs]
        args = [feeds[n] for n in names]

        def run():
            return req.infer(args)[cm.outputs[0]]
        return run


class Pillow(Peer):
    """Image.resize on uint8 RGB (3-channel HWC) images: single-threaded (Pillow has no threads)."""

    def __init__(self, PIL):
        from PIL import Image
        self.Image = Image
        self.name = "Pillow"
        self.note = f"Pillow {PIL.__version__}, 1 thread (its own)"

    def build(self, w, inp):
        I = self.Image
        if w["op"] != "interpolate" or w["backward"] or inp["x"].dtype != np.uint8:
            return "uint8 images only"
        n, c, h, wd = w["in_shape"] if len(w["in_shape"]) == 4 else (0, 0, 0, 0)
        if c != 3 or not w["antialias"]:
            return "RGB with antialias only"
        flt = {"linear": I.Resampling.BILINEAR, "cubic": I.Resampling.BICUBIC,
               "lanczos": I.Resampling.LANCZOS}.get(w["mode"])
        if flt is None:
            return "no such filter"
        imgs = [I.fromarray(np.ascontiguousarray(inp["x"][i].transpose(1, 2, 0)), "RGB") for i in range(n)]
        size = (int(wd * w["scale_factor"][1]), int(h * w["scale_factor"][0]))

        def run():
            return np.stack([np.asarray(im.resize(size, flt)).transpose(2, 0, 1) for im in imgs])
        return run


def to_numpy(y):
    if hasattr(y, "detach"):
        y = y.detach().contiguous().numpy()
    return np.asarray(y)


def same(a, b):
    """'' when a equals b as this project measures (float 1e-4 relative, uint8 exact); else
    how they differ."""
    a, b = to_numpy(a), to_numpy(b)
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype == np.uint8 or b.dtype == np.uint8:
        d = int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max()) if a.size else 0
        return "" if d == 0 else f"uint8 off by up to {d}"
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    scale = max(np.abs(b64).max(), 1e-30) if b.size else 1
    rel = float(np.abs(a64 - b64).max() / scale) if b.size else 0.0
    return "" if rel <= 1e-4 else f"rel error {rel:.1e}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(here, "clrs-bench"))
    ap.add_argument("--device", default="host,cpu")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workload")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="say why each peer skipped each row")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # for the peers that read it, and for us

    workloads = run_json([args.bench, "--list", "--json"])
    # the scipy.ndimage workloads are compared with scipy (tools/bench-vs-scipy.py)
    workloads = [w for w in workloads if w.get("op") not in ("zoom", "map_coordinates")]
    if args.workload:
        workloads = [w for w in workloads if w["name"] == args.workload]

    peers, missing = [], []
    try:
        import torch
        peers += [Torch(torch, args.threads, False), Torch(torch, args.threads, True)]
    except ImportError:
        torch = None
        missing.append("PyTorch")
    try:
        import cv2
        peers.append(OpenCV(cv2, args.threads))
    except ImportError:
        missing.append("OpenCV")
    try:
        import onnx
    except ImportError:
        onnx = None
    try:
        import onnxruntime
        peers.append(OnnxRuntime(onnxruntime, onnx, args.threads)) if onnx else missing.append("onnxruntime (needs onnx)")
    except ImportError:
        missing.append("onnxruntime")
    try:
        import openvino
        peers.append(OpenVINO(openvino, onnx, args.threads)) if onnx else missing.append("OpenVINO (needs onnx)")
    except ImportError:
        missing.append("OpenVINO")
    try:
        import PIL
        peers.append(Pillow(PIL))
    except ImportError:
        missing.append("Pillow")

    cmd = [args.bench, "--json", "--device", args.device, "--reps", str(args.reps)]
    if args.workload:
        cmd += ["--workload", args.workload]
    ours = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ)).stdout or "[]")
    backends = []
    for r in ours:
        if (r["backend"], r["device"]) not in backends:
            backends.append((r["backend"], r["device"]))

    rng = np.random.default_rng(0)
    times, why = {}, {}
    for w in workloads:
        inp, small = make_inputs(w, rng), small_copy(w)
        sinp = make_inputs(small, rng)
        ref = None
        for p in peers:
            key = (w["name"], p.name)
            fn = p.build(w, inp)
            if isinstance(fn, str):
                why[key] = fn
                continue
            differs = ""
            if not w["backward"] and torch is not None:
                check = p.build(small, sinp)
                if ref is None and p.name == "torch":
                    ref = to_numpy(check()) if not isinstance(check, str) else None
                elif ref is not None and not isinstance(check, str):
                    try:
                        differs = same(check(), ref)
                    except Exception as e:
                        differs = str(e).splitlines()[0][:60]
            if not w["backward"] and ref is None and p.name != "torch":
                differs = ""  # nothing to check against (no PyTorch, or it lacks the mode)
                why[key] = "unchecked: no PyTorch result to compare with"
            try:
                med, mn = timed(fn, args.reps)
            except Exception as e:
                why[key] = str(e).splitlines()[0][:80]
                continue
            times[key] = (med, mn, differs)
            if differs:
                why[key] = f"computes something else: {differs}"

    names = [p.name for p in peers]
    head = ["workload"] + [f"{n} ms" for n in names] + ["best peer"]
    for b, dev in backends:
        label = "host" if b == "host" else f"OpenCL {dev.split()[0]}"
        head += [f"{label} ms", "ratio", "of copy"]
    rows = []
    for w in workloads:
        row = [w["name"]]
        best = None
        for n in names:
            t = times.get((w["name"], n))
            if t is None:
                row.append("-")
                continue
            unchecked = why.get((w["name"], n), "").startswith("unchecked")
            row.append(f"{t[0]:.2f}" + (" ≠" if t[2] else " ?" if unchecked else ""))
            if not t[2] and (best is None or t[0] < best[1]):
                best = (n, t[0])
        row.append(best[0] if best else "-")
        for b, dev in backends:
            r = next((r for r in ours if r["workload"] == w["name"] and r["backend"] == b and r["device"] == dev), None)
            if r is None or not r["ok"]:
                row += [("unsupported" if r.get("unsupported") else "FAILED") if r else "-", "-", "-"]
                continue
            row += [f"{r['median_ms']:.2f}", f"{best[1] / r['median_ms']:.2f}" if best else "-",
                    f"{100 * r['share_of_copy']:.0f}%"]
        rows.append(row)

    for p in peers:
        print(f"# {p.note}")
    if missing:
        print(f"# not installed: {', '.join(missing)}")
    print(f"# clresample via {os.path.basename(args.bench)} --device {args.device}, OMP_NUM_THREADS={args.threads}; "
          f"median of {args.reps} after a warm-up; {platform.node()}, {os.cpu_count()} CPUs")
    for b, dev, gbs in sorted({(r["backend"], r["device"], r["copy_gbs"]) for r in ours}):
        print(f"# copy bandwidth measured in this run: {b} {dev}: {gbs:.1f} GB/s")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
        for row in [head] + rows:
            print("  ".join(str(x).rjust(wd) if i else str(x).ljust(wd) for i, (x, wd) in enumerate(zip(row, widths))))
    print("# ratio = best peer ms / clresample ms (above 1: clresample is faster); '-': the peer has no such "
          "op or mode; '≠': it computes something else (checked against PyTorch on a small input), never "
          "the best peer; '?': not checked (no PyTorch result); of copy = our bytes moved per second / the copy bandwidth")
    if args.verbose:
        for (wn, pn), reason in sorted(why.items()):
            print(f"# {wn} / {pn}: {reason}")


if __name__ == "__main__":
    main()
