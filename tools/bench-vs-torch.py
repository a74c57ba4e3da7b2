#!/usr/bin/python3
"""Side-by-side benchmark: PyTorch (CPU) against clresample, in one run.

Reads the workload list from `clrs-bench --list --json` (the one description of each
workload), times the same shapes with torch.nn.functional.interpolate on the CPU with the
same thread count, runs `clrs-bench --json` on the requested backends, and prints one table:
workload, PyTorch ms, clresample ms per backend, speed-up over PyTorch (PyTorch ms / ours),
and our share of the device's copy bandwidth. With --markdown the table is Markdown (for
docs/PERFORMANCE.md). When torch is missing it says so and prints clresample's numbers only.

Usage: /usr/bin/python3 tools/bench-vs-torch.py [--bench tools/clrs-bench]
           [--device host,auto] [--reps 7] [--threads N] [--workload NAME] [--markdown]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time


def run_json(cmd):
    out = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if out.returncode not in (0, 1) or not out.stdout.strip():
        sys.exit(f"bench-vs-torch: {' '.join(cmd)} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def torch_grid_time(torch, w, reps):
    """grid_sample with the workload's affine grid: forward, or grad of input and grid."""
    F = torch.nn.functional
    shape = w["in_shape"]
    x = torch.rand(shape, dtype=torch.float32) * 2 - 1
    theta = torch.tensor(w["theta"], dtype=torch.float32).view(1, 2, 3).repeat(shape[0], 1, 1)
    grid = F.affine_grid(theta, shape, align_corners=bool(w["align_corners"]))
    kwargs = {"mode": w["mode"], "padding_mode": w["padding_mode"], "align_corners": bool(w["align_corners"])}
    times = []
    if w["backward"]:
        x.requires_grad_(True)
        grid.requires_grad_(True)
        y = F.grid_sample(x, grid, **kwargs)
        g = torch.rand_like(y)
        for rep in range(reps + 1):
            t0 = time.perf_counter()
            torch.autograd.grad(y, (x, grid), g, retain_graph=True)
            if rep:
                times.append((time.perf_counter() - t0) * 1e3)
    else:
        with torch.no_grad():
            for rep in range(reps + 1):
                t0 = time.perf_counter()
                F.grid_sample(x, grid, **kwargs)
                if rep:
                    times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def timed(torch, fn, reps):
    """Median and min ms of fn() over reps runs after one warm-up."""
    times = []
    for rep in range(reps + 1):
        t0 = time.perf_counter()
        fn()
        if rep:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def torch_unpool_time(torch, w, reps):
    """max_unpool2d with the indices of a max_pool2d over a random input."""
    F = torch.nn.functional
    k = w["kernel"]
    big = [w["in_shape"][0], w["in_shape"][1]] + [s * kk for s, kk in zip(w["in_shape"][2:], k)]
    y, idx = F.max_pool2d(torch.rand(big), k, return_indices=True)
    if not w["backward"]:
        with torch.no_grad():
            return timed(torch, lambda: F.max_unpool2d(y, idx, k), reps)
    y.requires_grad_(True)
    out = F.max_unpool2d(y, idx, k)
    g = torch.rand_like(out)
    return timed(torch, lambda: torch.autograd.grad(out, y, g, retain_graph=True), reps)


def torch_conv_time(torch, w, reps):
    """conv_transpose2d with bias: forward, or the gradients of input, weight and bias."""
    F = torch.nn.functional
    x = torch.rand(w["in_shape"]) * 2 - 1
    wt = torch.rand(w["weight_shape"]) * 2 - 1
    b = torch.rand(w["weight_shape"][1])
    kw = {"stride": tuple(w["conv_stride"]), "padding": tuple(w["conv_padding"])}
    if not w["backward"]:
        with torch.no_grad():
            return timed(torch, lambda: F.conv_transpose2d(x, wt, b, **kw), reps)
    for t in (x, wt, b):
        t.requires_grad_(True)
    y = F.conv_transpose2d(x, wt, b, **kw)
    g = torch.rand_like(y)
    return timed(torch, lambda: torch.autograd.grad(y, (x, wt, b), g, retain_graph=True), reps)


def torch_shuffle_time(torch, w, reps):
    """pixel_shuffle: forward, or the input gradient (pixel_unshuffle of grad_output)."""
    F = torch.nn.functional
    x = torch.rand(w["in_shape"]) * 2 - 1
    r = w["factor"]
    if not w["backward"]:
        with torch.no_grad():
            return timed(torch, lambda: F.pixel_shuffle(x, r), reps)
    x.requires_grad_(True)
    y = F.pixel_shuffle(x, r)
    g = torch.rand_like(y)
    return timed(torch, lambda: torch.autograd.grad(y, x, g, retain_graph=True), reps)


def torch_time(torch, w, reps):
    """Median and min ms of PyTorch's forward or backward for one workload."""
    if w.get("op") == "pixel_shuffle":
        return torch_shuffle_time(torch, w, reps)
    if w.get("op") == "grid_sample":
        return torch_grid_time(torch, w, reps)
    if w.get("op") == "max_unpool":
        return torch_unpool_time(torch, w, reps)
    if w.get("op") == "conv_transpose":
        return torch_conv_time(torch, w, reps)
    F = torch.nn.functional
    shape = w["in_shape"]
    x = torch.rand(shape, dtype=torch.float32) * 2 - 1
    if w["channels_last"]:
        x = x.contiguous(memory_format=torch.channels_last if len(shape) == 4 else torch.channels_last_3d)
    mode = w["mode"]
    if mode == "linear":
        mode = {3: "linear", 4: "bilinear", 5: "trilinear"}[len(shape)]
    elif mode == "cubic":
        mode = "bicubic"
    kwargs = {"scale_factor": tuple(w["scale_factor"]), "mode": mode}
    if mode in ("linear", "bilinear", "trilinear", "bicubic"):
        kwargs["align_corners"] = bool(w["align_corners"]) if w["align_corners"] >= 0 else None
    if w["antialias"]:
        kwargs["antialias"] = True
    if mode == "area":
        kwargs["recompute_scale_factor"] = True
    times = []
    if w["backward"]:
        x.requires_grad_(True)
        y = F.interpolate(x, **kwargs)
        g = torch.rand_like(y)
        for rep in range(reps + 1):
            t0 = time.perf_counter()
            torch.autograd.grad(y, x, g, retain_graph=True)
            if rep:
                times.append((time.perf_counter() - t0) * 1e3)
    else:
        with torch.no_grad():
            for rep in range(reps + 1):
                t0 = time.perf_counter()
                F.interpolate(x, **kwargs)
                if rep:
                    times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def opencv_time(cv2, w, reps):
    """Median and min ms of OpenCV's cv2.resize for a channels-last 4-D forward with N = 1
    (OpenCV's own layout: H x W x C float32), or None when OpenCV has no such case."""
    interp = {"linear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST, "cubic": cv2.INTER_CUBIC,
              "area": cv2.INTER_AREA}.get(w.get("mode"))
    shape = w.get("in_shape", [])
    if (w.get("op", "interpolate") != "interpolate" or w["backward"] or not w["channels_last"] or
            len(shape) != 4 or shape[0] != 1 or interp is None or w["antialias"]):
        return None
    import numpy as np
    img = np.random.rand(shape[2], shape[3], shape[1]).astype(np.float32)
    size = (int(shape[3] * w["scale_factor"][1]), int(shape[2] * w["scale_factor"][0]))
    times = []
    for rep in range(reps + 1):
        t0 = time.perf_counter()
        cv2.resize(img, size, interpolation=interp)
        if rep:
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(here, "clrs-bench"))
    ap.add_argument("--device", default="host,auto")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workload")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()

    workloads = run_json([args.bench, "--list", "--json"])
    # the scipy.ndimage workloads are compared with scipy (tools/bench-vs-scipy.py)
    workloads = [w for w in workloads if w.get("op") not in ("zoom", "map_coordinates")]
    if args.workload:
        workloads = [w for w in workloads if w["name"] == args.workload]
    try:
        import torch
        torch.set_num_threads(args.threads)
        torch_note = f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads"
    except ImportError:
        torch = None
        torch_note = "PyTorch is not installed (Debian: python3-torch): clresample numbers only"

    try:
        import cv2
        cv2.setNumThreads(args.threads)
        cv_note = f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads"
    except ImportError:
        cv2 = None
        cv_note = "OpenCV is not installed (Debian: python3-opencv)"

    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    cmd = [args.bench, "--json", "--device", args.device, "--reps", str(args.reps)]
    if args.workload:
        cmd += ["--workload", args.workload]
    ours = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=env).stdout or "[]")
    backends = []
    for r in ours:
        key = (r["backend"], r["device"])
        if key not in backends:
            backends.append(key)

    ref = {}
    if torch is not None:
        for w in workloads:
            ref[w["name"]] = torch_time(torch, w, args.reps)

    cv = {}
    if cv2 is not None:
        for w in workloads:
            t = opencv_time(cv2, w, args.reps)
            if t is not None:
                cv[w["name"]] = t

    head = ["workload", "PyTorch ms", "OpenCV ms"]
    for b, dev in backends:
        label = "host" if b == "host" else f"OpenCL {dev}"
        head += [f"{label} ms", "speed-up", "of copy bw"]
    rows = []
    for w in workloads:
        row = [w["name"], f"{ref[w['name']][0]:.2f}" if w["name"] in ref else "-",
               f"{cv[w['name']][0]:.2f}" if w["name"] in cv else "-"]
        for b, dev in backends:
            r = next((r for r in ours if r["workload"] == w["name"] and r["backend"] == b and r["device"] == dev), None)
            if r is None or not r["ok"]:
                row += ["FAILED" if r else "-", "-", "-"]
                continue
            sp = f"{ref[w['name']][0] / r['median_ms']:.2f}x" if w["name"] in ref else "-"
            if w["name"] in cv:
                sp += f" ({cv[w['name']][0] / r['median_ms']:.2f}x OpenCV)"
            row += [f"{r['median_ms']:.2f}", sp, f"{100 * r['share_of_copy']:.0f}%"]
        rows.append(row)

    print(f"# {cv_note}")
    print(f"# {torch_note}; clresample via {os.path.basename(args.bench)} --device {args.device}; "
          f"median of {args.reps} after a warm-up; {platform.node()}, {os.cpu_count()} CPUs")
    copies = sorted({(r["backend"], r["device"], r["copy_gbs"]) for r in ours})
    for b, dev, gbs in copies:
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
    print("# speed-up = PyTorch ms / clresample ms (above 1: clresample is faster); "
          "(x OpenCV) = OpenCV ms / clresample ms")


if __name__ == "__main__":
    main()
