"""A tiny U-Net-like model with a spatial transformer, trained for 20 SGD steps twice: with
PyTorch's own ops and with clresample.torch's (affine_grid, grid_sample, max_pool2d,
interpolate); the two loss curves agree to 1e-5."""
import types

import pytest

torch = pytest.importorskip("torch")
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import clresample.torch as crt  # noqa: E402


class TinyUNet(nn.Module):
    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.loc = nn.Linear(16 * 16, 6)
        self.enc1 = nn.Conv2d(1, 4, 3, padding=1)
        self.enc2 = nn.Conv2d(4, 8, 3, padding=1)
        self.dec = nn.Conv2d(12, 4, 3, padding=1)
        self.head = nn.Conv2d(4, 1, 1)
        with torch.no_grad():  # the warp starts near the identity
            self.loc.weight.mul_(0.01)
            self.loc.bias.copy_(torch.tensor([1.0, 0, 0, 0, 1, 0]))

    def forward(self, x):
        o = self.ops
        theta = self.loc(x.flatten(1)).view(-1, 2, 3)
        x = o.grid_sample(x, o.affine_grid(theta, x.shape, align_corners=False),
                          mode="bilinear", padding_mode="border", align_corners=False)
        e1 = F.relu(self.enc1(x))
        e2 = F.relu(self.enc2(o.max_pool2d(e1, 2)))
        up = o.interpolate(e2, scale_factor=2, mode="bilinear", align_corners=False)
        return self.head(F.relu(self.dec(torch.cat([up, e1], 1))))


def train(ops, steps=20):
    torch.manual_seed(0)
    model = TinyUNet(ops)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(4, 1, 16, 16, generator=g)
    target = torch.roll(x, shifts=(1, 2), dims=(2, 3)) * 0.5
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_training_loop_matches_pytorch():
    theirs = train(types.SimpleNamespace(grid_sample=F.grid_sample, affine_grid=F.affine_grid,
                                         max_pool2d=F.max_pool2d, interpolate=F.interpolate))
    ours = train(crt)
    assert ours[-1] < ours[0]  # it learns
    for a, b in zip(ours, theirs):
        assert abs(a - b) <= 1e-5 * max(abs(b), 1e-3), (ours, theirs)
