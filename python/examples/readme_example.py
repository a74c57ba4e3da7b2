import numpy as np
import torch

import clresample as cr

# NumPy in, NumPy out: PyTorch's bilinear upsampling
x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
y = cr.interpolate(x, size=(8, 8), mode="bilinear", align_corners=False)
print(y[0, 0, 0])  # [0.   0.25 0.75 1.25 1.75 2.25 2.75 3.  ]

# torch in, torch out, with autograd: a spatial transformer
img = torch.rand(1, 3, 16, 16, requires_grad=True)
theta = torch.tensor([[[0.9, 0.1, 0.0], [-0.1, 0.9, 0.0]]], requires_grad=True)
grid = cr.torch.affine_grid(theta, img.shape, align_corners=False)
out = cr.torch.grid_sample(img, grid, align_corners=False)
out.square().mean().backward()
print(out.shape, img.grad.shape, theta.grad.shape)
print(cr.default_context())  # the device it ran on
