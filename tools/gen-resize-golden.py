#!/usr/bin/python3
"""Expected images for tests/test_resize.sh's uint8 checks: PyTorch 2.15's uint8
F.interpolate of data/sample.png (8-bit RGB), written as PNGs into tests/golden/resize/.

clrs-resize reads an 8-bit image into a uint8 (1, C, H, W) channels-last tensor and resizes it
with clrs_interpolate, so its output must equal these files byte for byte.  Each entry of
CASES is (file name, clrs-resize arguments, F.interpolate keywords); the test script runs the
same arguments (it reads them from the '# args' line of tests/golden/resize/cases.txt).

Usage: /opt/torch215/bin/python3 tools/gen-resize-golden.py   (needs torch, numpy, Pillow)
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CASES = [
    ("bilinear_aa_37x23", "--size 37x23 --mode bilinear --antialias",
     dict(size=(23, 37), mode="bilinear", antialias=True)),
    ("bilinear_ac_123x45", "--size 123x45 --mode bilinear --align-corners",
     dict(size=(45, 123), mode="bilinear", align_corners=True)),
    ("bicubic_150x101", "--size 150x101 --mode bicubic",
     dict(size=(101, 150), mode="bicubic")),
    ("bicubic_aa_50x97", "--size 50x97 --mode bicubic --antialias",
     dict(size=(97, 50), mode="bicubic", antialias=True)),
    ("lanczos_40x30", "--size 40x30 --mode lanczos",
     dict(size=(30, 40), mode="lanczos", antialias=True)),
    ("nearest_scale1.7", "--scale 1.7 --mode nearest",
     dict(scale_factor=(1.7, 1.7), mode="nearest")),
]


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = os.path.join(repo, "tests", "golden", "resize")
    os.makedirs(outdir, exist_ok=True)
    img = np.asarray(Image.open(os.path.join(repo, "data", "sample.png")).convert("RGB"))
    x = torch.from_numpy(img.copy()).permute(2, 0, 1).unsqueeze(0)  # 1 x 3 x H x W, channels-last
    lines = ["# tests/golden/resize: PyTorch %s uint8 F.interpolate of data/sample.png" % torch.__version__,
             "# written by tools/gen-resize-golden.py; one case a line: FILE ARGS..."]
    for name, args, kw in CASES:
        y = F.interpolate(x, **kw)
        assert y.dtype == torch.uint8
        out = y[0].permute(1, 2, 0).contiguous().numpy()
        Image.fromarray(out, "RGB").save(os.path.join(outdir, name + ".png"), optimize=True)
        lines.append("%s.png %s" % (name, args))
        print("wrote %s.png %s" % (name, "x".join(str(v) for v in out.shape)))
    with open(os.path.join(outdir, "cases.txt"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
