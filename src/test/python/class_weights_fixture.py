#!/usr/bin/python3
"""Writes src/test/resources/dev/vae4j/train/class_weights_fixture.json: PyTorch's float64 gradient
of a small MLP VAE's class-weighted loss, for --class-weights.

The model is vae4j's MLP (Bernoulli decoder, ReLU hidden layers; parameters named as vae4j's
model files name them), on 6 rows of 2 classes (4 and 2 rows) with fixed noise eps. The loss is
sum_r w_r * (recon_r + beta * KL_r) / rows with w = "auto": N / (C * n_c), scikit-learn's
"balanced" (here 0.75 and 1.5). The fixture records the parameters, inputs, labels, noise, the
weights, each row's weighted loss and every parameter's gradient. The Java test reads the
committed JSON and never runs Python. Run from the repository root:
/usr/bin/python3 src/test/python/class_weights_fixture.py
"""
import json

import torch

D, H, L, ROWS, BETA = 7, 5, 2, 6, 0.7
LABELS = [0, 1, 0, 0, 1, 0]


def main():
    g = torch.Generator().manual_seed(19)
    shapes = {
        "enc.fc.weight": (H, D), "enc.fc.bias": (H,),
        "enc.mu.weight": (L, H), "enc.logvar.weight": (L, H), "enc.mu.bias": (L,), "enc.logvar.bias": (L,),
        "dec.fc.weight": (H, L), "dec.fc.bias": (H,),
        "dec.out.weight": (D, H), "dec.out.bias": (D,),
    }
    p = {n: (torch.randn(s, generator=g, dtype=torch.float64) * 0.6).requires_grad_() for n, s in shapes.items()}
    x = torch.rand((ROWS, D), generator=g, dtype=torch.float64)
    eps = torch.randn((ROWS, L), generator=g, dtype=torch.float64)
    labels = torch.tensor(LABELS)
    counts = torch.bincount(labels).double()
    classes = int((counts > 0).sum())
    weights = (ROWS / (classes * counts))[labels]

    h = torch.relu(x @ p["enc.fc.weight"].T + p["enc.fc.bias"])
    mu = h @ p["enc.mu.weight"].T + p["enc.mu.bias"]
    logvar = h @ p["enc.logvar.weight"].T + p["enc.logvar.bias"]
    z = mu + torch.exp(0.5 * logvar) * eps
    hd = torch.relu(z @ p["dec.fc.weight"].T + p["dec.fc.bias"])
    logits = hd @ p["dec.out.weight"].T + p["dec.out.bias"]
    recon = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(1)
    per_row = weights * (recon + BETA * kl)
    (per_row.sum() / ROWS).backward()

    flat = lambda t: t.detach().reshape(-1).tolist()
    fixture = {
        "torch": torch.__version__, "input": D, "hidden": H, "latent": L, "rows": ROWS, "beta": BETA,
        "labels": LABELS, "x": flat(x), "eps": flat(eps), "weights": flat(weights),
        "weighted_loss_per_row": flat(per_row),
        "parameters": {n: flat(t) for n, t in p.items()},
        "gradients": {n: flat(t.grad) for n, t in p.items()},
    }
    with open("src/test/resources/dev/vae4j/train/class_weights_fixture.json", "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
