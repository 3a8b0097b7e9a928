"""Writes src/test/resources/dev/vae4j/backend/optimizer-fixture.json: PyTorch 1.13's SGD (momentum
0.9, weight decay), RMSprop, AdamW and Adam with an L1 term on a flat float64 vector of "weights"
and one of "biases", three steps with given gradients, for OptimizerFixtureTest.
Run: /usr/bin/python3 src/test/python/optimizer_fixture.py"""
import json
import pathlib

import torch

torch.manual_seed(19)
N = 64
W0 = torch.randn(N, dtype=torch.float64)
W0[::9] = 0.0  # sign(0) = 0: no L1 term there
B0 = torch.randn(N // 4, dtype=torch.float64)
GRADS = [(torch.randn(N, dtype=torch.float64) * 0.1, torch.randn(N // 4, dtype=torch.float64) * 0.1) for _ in range(3)]
CASES = {
    "sgd:0.9": (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), 0.0),
    "sgd:0.9+l1": (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), 0.003),
    "rmsprop": (lambda ps: torch.optim.RMSprop(ps, lr=1e-2, weight_decay=0.01), 0.0),
    "rmsprop+l1": (lambda ps: torch.optim.RMSprop(ps, lr=1e-2, weight_decay=0.01), 0.003),
    "adamw+l1": (lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.01), 0.003),
    "adam+l1": (lambda ps: torch.optim.Adam(ps, lr=1e-2, weight_decay=0.01), 0.003),
}

out = {"weights": W0.tolist(), "biases": B0.tolist(),
       "grads": [[gw.tolist(), gb.tolist()] for gw, gb in GRADS], "cases": {}}
for name, (make, l1) in CASES.items():
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    opt = make([w, b])
    steps = []
    for gw, gb in GRADS:
        opt.zero_grad()
        # The data term's gradient is given; the L1 term on the weights only, by autograd.
        loss = (w * gw).sum() + (b * gb).sum() + l1 * w.abs().sum()
        loss.backward()
        opt.step()
        steps.append([w.detach().tolist(), b.detach().tolist()])
    out["cases"][name] = {"l1": l1, "steps": steps}
path = pathlib.Path(__file__).resolve().parents[1] / "resources/dev/vae4j/backend/optimizer-fixture.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
