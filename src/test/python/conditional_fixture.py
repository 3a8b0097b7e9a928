#!/usr/bin/python3
"""Writes src/test/resources/dev/vae4j/model/conditional_fixture.json: PyTorch's float64 loss and
gradients of a small conditional VAE (Sohn et al. 2015; issue 19), the one-hot concatenated after
x for the encoder and after z for the decoder, as vae4j's --conditional lays its weights out
(enc.fc.weight [H, D + C], dec.fc.weight [H, L + C]).

The Java test (ConditionalFixtureTest) reads the committed JSON and never runs Python. Weights and
inputs are float32 values, so both sides start from the same numbers.
Run from the repository root: /usr/bin/python3 src/test/python/conditional_fixture.py
"""
import json

import torch

D, H, L, C, B = 6, 5, 2, 3, 4
BETA = 1.0


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def main():
    g = torch.Generator().manual_seed(19)
    shapes = {
        "enc.fc.weight": (H, D + C), "enc.fc.bias": (H,),
        "enc.mu.weight": (L, H), "enc.mu.bias": (L,),
        "enc.logvar.weight": (L, H), "enc.logvar.bias": (L,),
        "dec.fc.weight": (H, L + C), "dec.fc.bias": (H,),
        "dec.out.weight": (D, H), "dec.out.bias": (D,),
    }
    params = {n: f32(torch.randn(s, generator=g, dtype=torch.float64) * 0.5).requires_grad_() for n, s in shapes.items()}
    x = f32(torch.rand(B, D, generator=g, dtype=torch.float64))
    eps = f32(torch.randn(B, L, generator=g, dtype=torch.float64))
    labels = torch.tensor([2, 0, 1, 2])
    y = torch.nn.functional.one_hot(labels, C).to(torch.float64)

    p = params
    h = torch.relu(torch.cat([x, y], 1) @ p["enc.fc.weight"].T + p["enc.fc.bias"])
    mu = h @ p["enc.mu.weight"].T + p["enc.mu.bias"]
    logvar = h @ p["enc.logvar.weight"].T + p["enc.logvar.bias"]
    z = mu + torch.exp(0.5 * logvar) * eps
    g1 = torch.relu(torch.cat([z, y], 1) @ p["dec.fc.weight"].T + p["dec.fc.bias"])
    logits = g1 @ p["dec.out.weight"].T + p["dec.out.bias"]
    recon = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = -0.5 * (1 + logvar - mu * mu - torch.exp(logvar)).sum(1)
    loss = (recon + BETA * kl).mean()
    grads = torch.autograd.grad(loss, list(params.values()))

    fixture = {
        "torch": torch.__version__, "D": D, "H": H, "L": L, "C": C, "B": B, "beta": BETA,
        "x": x.flatten().tolist(), "eps": eps.flatten().tolist(), "labels": labels.tolist(),
        "params": {n: t.detach().flatten().tolist() for n, t in params.items()},
        "recon": recon.tolist(), "kl": kl.tolist(), "loss": loss.item(),
        "grads": {n: gr.flatten().tolist() for n, gr in zip(params.keys(), grads)},
    }
    with open("src/test/resources/dev/vae4j/model/conditional_fixture.json", "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
