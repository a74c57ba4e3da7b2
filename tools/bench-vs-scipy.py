#!/usr/bin/python3
"""clresample's scipy.ndimage workloads side by side with scipy.ndimage, in one run.

Reads the workload list from `clrs-bench --list --json` (ops zoom / map_coordinates), times
clresample with clrs-bench on the given devices, then scipy.ndimage on the same shapes and
parameters (the same input pattern does not matter for the time), and prints milliseconds,
speed-ups and per-thread throughput: scipy.ndimage is single-threaded, so the table also
gives clresample's host time times its thread count (output megapixels per second per
thread). Run under Debian's python3 (scipy 1.10):

    /usr/bin/python3 tools/bench-vs-scipy.py [--device host,auto] [--reps 3] [--workload NAME]
"""
import argparse
import json
import os
import subprocess
import time


def run_json(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0 and not out.stdout:
        raise SystemExit("%s failed: %s" % (" ".join(cmd), out.stderr.strip()))
    return json.loads(out.stdout)


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


NDI = {  # clrs-bench workload name -> scipy call parameters (tools/workloads.c ndi_workloads)
    "ndi_zoom3_vol_half": dict(op="zoom", order=3, mode="mirror", zoom=0.5),
    "ndi_zoom3_up2_5": dict(op="zoom", order=3, mode="constant", zoom=2.5),
    "ndi_mapc1_warp": dict(op="map_coordinates", order=1, mode="constant"),
}


def scipy_time(w, reps):
    import numpy as np
    import scipy.ndimage as ndi
    spec = NDI[w["name"]]
    shape = tuple(w["in_shape"][2:])
    x = (np.random.default_rng(0).random(shape, dtype=np.float32) * 2 - 1).astype(np.float32)
    if spec["op"] == "zoom":
        def call():
            return ndi.zoom(x, spec["zoom"], order=spec["order"], mode=spec["mode"])
    else:
        grid = np.indices(shape, dtype=np.float32)
        grid += np.random.default_rng(1).uniform(-3, 3, grid.shape).astype(np.float32)

        def call():
            return ndi.map_coordinates(x, grid, order=spec["order"], mode=spec["mode"])
    times = []
    y = None
    for _ in range(max(1, reps)):
        t0 = time.perf_counter()
        y = call()
        times.append(1e3 * (time.perf_counter() - t0))
    return median(times), y.size


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(here, "clrs-bench"))
    ap.add_argument("--device", default="host,auto")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workload")
    args = ap.parse_args()
    workloads = [w for w in run_json([args.bench, "--list", "--json"]) if w["name"] in NDI]
    if args.workload:
        workloads = [w for w in workloads if w["name"] == args.workload]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    import scipy
    print("# scipy %s (single-threaded); clresample with %d OpenMP threads on the host" %
          (scipy.__version__, args.threads))
    print("| workload | scipy ms | backend | clresample ms | speed-up | Mpix/s per thread: scipy / clresample host |")
    print("|---|---|---|---|---|---|")
    for w in workloads:
        cmd = [args.bench, "--json", "--device", args.device, "--reps", str(args.reps), "--workload", w["name"]]
        ours = run_json(cmd, env)
        ref_ms, n_out = scipy_time(w, args.reps)
        for r in ours:
            if not r["ok"]:
                print("| %s | %.1f | %s | FAILED: %s | - | - |" % (w["name"], ref_ms, r["backend"], r["error"]))
                continue
            per_thread = "-"
            if r["backend"] == "host":
                per_thread = "%.1f / %.1f" % (n_out / ref_ms / 1e3, n_out / (r["median_ms"] * args.threads) / 1e3)
            print("| %s | %.1f | %s | %.1f | %.2fx | %s |" % (w["name"], ref_ms, r["device"], r["median_ms"],
                                                                 ref_ms / r["median_ms"], per_thread))


if __name__ == "__main__":
    main()
