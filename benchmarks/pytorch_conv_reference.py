#!/usr/bin/env python3
"""PyTorch reference for vae4j's convolutional VAE (`train --conv 32,64 --hidden 256 --latent 20`):
the same model (stride-2 4x4 convolutions with padding 1 and ReLU, dense layers, mirrored decoder
with transposed convolutions), vae4j's loss (Bernoulli BCE from logits summed over pixels + KL
summed over latent dims, batch mean), PyTorch's Adam lr 1e-3, batch 128, on the CPU.

  quality DIR [--epochs 10] [--k 1000] [--iwae-images 10000] [--threads 2] [--seed 1]
      train on all 60,000 IDX training images of DIR (shuffled every epoch), printing the test
      -ELBO per image after every epoch (one sampled z per image, as pytorch/examples does), then
      -log p(x) by importance sampling with k draws per image (IWAE-k) on the first iwae-images test
      images, in nats per image, the figures `vae4j eval --k 1000` prints
  speed [--threads 1] [--steps 400] [--warmup 50]
      training samples/s on random images, the figure `vae4j bench --conv 32,64 --hidden 256` prints

Prints one JSON object: {"impl": "pytorch", ...}. Debian's python3-torch: /usr/bin/python3.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pytorch_fashion_quality import idx, losses  # the MLP reference's IDX reader and loss terms


class ConvVAE(nn.Module):
    """vae4j's VaeConfig.conv, with its module names (enc.conv.i, enc.fc.i, enc.mu, enc.logvar,
    dec.fc.i, dec.deconv.i), so a vae4j model file loads into it with load_state_dict."""

    def __init__(self, shape=(1, 28, 28), channels=(32, 64), hidden=(256,), latent=20):
        super().__init__()
        c, h, w = shape
        factor = 2 ** len(channels)
        self.last = (channels[-1], h // factor, w // factor)
        flat = math.prod(self.last)
        self.enc, self.dec = nn.Module(), nn.Module()
        self.enc.conv = nn.ModuleList(nn.Conv2d(a, b, 4, 2, 1) for a, b in zip((c,) + tuple(channels), channels))
        sizes = (flat,) + tuple(hidden)
        self.enc.fc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.enc.mu, self.enc.logvar = nn.Linear(sizes[-1], latent), nn.Linear(sizes[-1], latent)
        back = (latent,) + tuple(hidden[::-1]) + (flat,)
        self.dec.fc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(back, back[1:]))
        up = tuple(channels[::-1]) + (c,)
        self.dec.deconv = nn.ModuleList(nn.ConvTranspose2d(a, b, 4, 2, 1) for a, b in zip(up, up[1:]))
        self.shape = shape

    def encode(self, x):
        h = x.reshape(x.shape[0], *self.shape)
        for conv in self.enc.conv:
            h = F.relu(conv(h))
        h = h.flatten(1)
        for fc in self.enc.fc:
            h = F.relu(fc(h))
        return self.enc.mu(h), self.enc.logvar(h)

    def decode(self, z):
        h = z
        for fc in self.dec.fc:
            h = F.relu(fc(h))
        h = h.reshape(h.shape[0], *self.last)
        for i, deconv in enumerate(self.dec.deconv):
            h = deconv(h)
            if i < len(self.dec.deconv) - 1:
                h = F.relu(h)
        return h.flatten(1)

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decode(z), mu, logvar


def loss_function(logits, x, mu, logvar):
    bce, kl = losses(logits, x, mu, logvar)
    return (bce + kl) / x.shape[0]


def images(path):
    return torch.from_numpy(idx(path).reshape(-1, 784).astype(np.float32) / 255)


@torch.no_grad()
def iwae(model, x, k, chunk=250):
    """log (1/k) sum_k p(x, z_k) / q(z_k | x) per image, z_k ~ q(z | x): vae4j eval's estimator."""
    mu, logvar = model.encode(x)
    std = torch.exp(0.5 * logvar)
    terms = []
    for start in range(0, k, chunk):
        n = min(chunk, k - start)
        eps = torch.randn(n, *mu.shape)
        z = mu + std * eps  # [n, batch, latent]
        logits = model.decode(z.reshape(-1, mu.shape[1])).reshape(n, x.shape[0], -1)
        log_px = -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)
        log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)
        log_qz = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(-1)
        terms.append(log_px + log_pz - log_qz)
    return torch.logsumexp(torch.cat(terms), 0) - math.log(k)


@torch.no_grad()
def test_loss(model, test):
    """The test -ELBO per image with one sampled z per image, as pytorch/examples reports it."""
    total = 0.0
    for x in test.split(128):
        logits, mu, logvar = model(x)
        total += loss_function(logits, x, mu, logvar).item() * x.shape[0]
    return total / len(test)


def quality(args):
    train = images(args.dir + "/train-images-idx3-ubyte.gz")
    test = images(args.dir + "/t10k-images-idx3-ubyte.gz")
    model = ConvVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for b in torch.randperm(len(train)).split(128):
            x = train[b]
            optimizer.zero_grad()
            logits, mu, logvar = model(x)
            loss = loss_function(logits, x, mu, logvar)
            loss.backward()
            optimizer.step()
            total += loss.item() * x.shape[0]
        model.eval()
        print(json.dumps({"epoch": epoch, "train_loss": total / len(train), "test_loss": test_loss(model, test),
                          "seconds": time.time() - start}), flush=True)
    trained = time.time() - start
    final = test_loss(model, test)
    begun = time.time()
    bound = torch.cat([iwae(model, x, args.k) for x in test[:args.iwae_images].split(50)])
    return {"test_negative_elbo": final, "negative_iwae": -bound.mean().item(), "k": args.k,
            "iwae_images": len(bound), "epochs": args.epochs, "train_seconds": trained,
            "iwae_seconds": time.time() - begun}


def speed(args):
    model = ConvVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = torch.rand(8192, 784)
    order = torch.randperm(len(data))

    def step(i):
        j = (i * 128) % (len(data) - 128)
        x = data[order[j:j + 128]]
        optimizer.zero_grad()
        logits, mu, logvar = model(x)
        loss_function(logits, x, mu, logvar).backward()
        optimizer.step()

    for i in range(args.warmup):
        step(i)
    start = time.time()
    for i in range(args.steps):
        step(i)
    seconds = time.time() - start
    return {"samples_per_s": args.steps * 128 / seconds, "ms_per_step": 1e3 * seconds / args.steps, "steps": args.steps}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("dir")
    q.add_argument("--epochs", type=int, default=10)
    q.add_argument("--k", type=int, default=1000)
    q.add_argument("--iwae-images", type=int, default=10000)
    s = sub.add_parser("speed")
    s.add_argument("--steps", type=int, default=400)
    s.add_argument("--warmup", type=int, default=50)
    for p in (q, s):
        p.add_argument("--threads", type=int, default=1 if p is s else 2)
        p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    result = quality(args) if args.what == "quality" else speed(args)
    result.update({"impl": "pytorch", "what": args.what, "model": "conv 32,64 hidden 256 latent 20, batch 128",
                   "torch": torch.__version__, "threads": torch.get_num_threads()})
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
