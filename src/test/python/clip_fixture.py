#!/usr/bin/python3
"""Writes src/test/resources/dev/vae4j/backend/clip_fixture.json: PyTorch's float64
torch.nn.utils.clip_grad_norm_(params, max) on fixed gradients split over a few parameter tensors,
with max below and above their global L2 norm, for --clip-grad-norm.

Each case records the gradients (flattened, in parameter order), max, the total norm the call
returns (before clipping) and the gradients after it. The Java tests read the committed JSON and
never run Python. Run from the repository root: /usr/bin/python3 src/test/python/clip_fixture.py
"""
import json

import torch

# Three parameter tensors of a small layer: the split shows the norm is global, not per tensor.
GRADIENTS = [
    [0.5, -1.25, 2.0, 0.125, -0.75, 3.5],
    [-2.25, 0.0625, 1.5],
    [4.0, -0.3],
]
# Global norm of GRADIENTS is about 6.48: two maxima clip, one leaves the gradient as it is.
MAXIMA = [0.5, 3.0, 100.0]


def main():
    cases = []
    for max_norm in MAXIMA:
        params = [torch.zeros(len(g), dtype=torch.float64, requires_grad=True) for g in GRADIENTS]
        for p, g in zip(params, GRADIENTS):
            p.grad = torch.tensor(g, dtype=torch.float64)
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        clipped = [x for p in params for x in p.grad.tolist()]
        cases.append({"max": max_norm, "norm": norm.item(), "clipped": clipped})
    fixture = {"torch": torch.__version__, "gradients": [x for g in GRADIENTS for x in g], "cases": cases}
    with open("src/test/resources/dev/vae4j/backend/clip_fixture.json", "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
