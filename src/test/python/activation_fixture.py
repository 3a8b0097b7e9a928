#!/usr/bin/python3
"""Writes src/test/resources/dev/vae4j/backend/activation_fixture.json: PyTorch's float64 forward
and input gradient of each hidden-layer activation vae4j offers (issue 19), on fixed inputs.

The Java tests read the committed JSON and never run Python. Inputs avoid the kink at 0 for the
piecewise activations (relu, leaky-relu, elu), where the derivative is a convention.
Run from the repository root: /usr/bin/python3 src/test/python/activation_fixture.py
"""
import json

import torch

INPUTS = [-6.0, -3.1, -1.5, -0.7, -0.25, -1e-3, 1e-3, 0.3, 0.9, 1.7, 2.6, 5.5]

# name as on the command line -> torch module (PyTorch defaults: leaky slope 0.01, elu alpha 1,
# gelu exact erf form)
ACTIVATIONS = {
    "relu": torch.nn.ReLU(),
    "leaky-relu": torch.nn.LeakyReLU(),
    "leaky-relu:0.2": torch.nn.LeakyReLU(0.2),
    "elu": torch.nn.ELU(),
    "gelu": torch.nn.GELU(),
    "tanh": torch.nn.Tanh(),
}


def main():
    cases = []
    for name, module in ACTIVATIONS.items():
        x = torch.tensor(INPUTS, dtype=torch.float64, requires_grad=True)
        y = module(x)
        (grad,) = torch.autograd.grad(y.sum(), x)
        cases.append({"activation": name, "output": y.tolist(), "gradient": grad.tolist()})
    fixture = {"torch": torch.__version__, "input": INPUTS, "cases": cases}
    with open("src/test/resources/dev/vae4j/backend/activation_fixture.json", "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
