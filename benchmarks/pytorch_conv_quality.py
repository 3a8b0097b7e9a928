#!/usr/bin/env python3
"""PyTorch reference for vae4j's conv-model quality figures: the model `vae4j train --conv 32,64 --hidden 256
--latent 20` builds on 28x28 grey images (Conv2d k4 s2 p1 32 and 64 channels with ReLU, flatten, Linear 256 ReLU,
heads to 20; the decoder mirrors it with ConvTranspose2d, no activation after the last), Bernoulli BCE from logits
summed over pixels + KL, Adam 1e-3, batch 128, shuffled, all 60,000 training images. After the last epoch: the
test -ELBO per image (one sampled z, as pytorch/examples reports it) and the IWAE bound with K draws on the first
IWAE_IMAGES test images (vae4j eval's estimator: log mean exp of log p(x|z) + log p(z) - log q(z|x)).
Usage: /usr/bin/python3 benchmarks/pytorch_conv_quality.py DIR [EPOCHS] [THREADS] [SEED] [K] [IWAE_IMAGES]"""
import gzip, math, struct, sys, time
import numpy as np, torch, torch.nn.functional as F
from torch import nn

from pytorch_fashion_quality import idx, losses  # the MLP reference's IDX reader and loss terms

class ConvVAE(nn.Module):
    def __init__(s, latent=20):
        super().__init__()
        s.enc = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                              nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU())
        s.mu, s.logvar = nn.Linear(256, latent), nn.Linear(256, latent)
        s.dec = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 64 * 7 * 7), nn.ReLU(),
                              nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                              nn.ConvTranspose2d(32, 1, 4, 2, 1))
    def encode(s, x):
        h = s.enc(x); return s.mu(h), s.logvar(h)
    def forward(s, x):
        mu, lv = s.encode(x)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        return s.dec(z), mu, lv

def iwae(model, x, k, chunk=250):
    """log (1/K) sum_k p(x, z_k) / q(z_k | x) per image, z_k ~ q(z | x)."""
    mu, lv = model.encode(x)
    std = torch.exp(0.5 * lv)
    terms = []
    for start in range(0, k, chunk):
        n = min(chunk, k - start)
        eps = torch.randn(n, *mu.shape)
        z = mu + std * eps                                   # [n, B, L]
        logits = model.dec(z.reshape(-1, mu.shape[1])).reshape(n, x.shape[0], -1)
        log_px = -F.binary_cross_entropy_with_logits(logits, x.reshape(1, x.shape[0], -1).expand_as(logits),
                                                      reduction="none").sum(-1)
        log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)
        log_qz = -0.5 * (eps.pow(2) + lv + math.log(2 * math.pi)).sum(-1)
        terms.append(log_px + log_pz - log_qz)
    w = torch.cat(terms)
    return torch.logsumexp(w, 0) - math.log(k)

d = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.manual_seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
k = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
iwae_images = int(sys.argv[6]) if len(sys.argv) > 6 else 10000
train = torch.from_numpy(idx(d + "/train-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
test = torch.from_numpy(idx(d + "/t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
model = ConvVAE(); opt = torch.optim.Adam(model.parameters(), lr=1e-3)
print("parameters %d" % sum(p.numel() for p in model.parameters()), flush=True)
start = time.time()
for epoch in range(1, epochs + 1):
    t = time.time(); model.train(); total = 0.0
    for b in torch.randperm(len(train)).split(128):
        x = train[b]; opt.zero_grad()
        logits, mu, lv = model(x); bce, kl = losses(logits, x, mu, lv); loss = (bce + kl) / len(b)
        loss.backward(); opt.step(); total += loss.item() * len(b)
    model.eval(); rec = kl_sum = 0.0
    with torch.no_grad():
        for x in test.split(128):
            logits, mu, lv = model(x); bce, kl = losses(logits, x, mu, lv); rec += bce.item(); kl_sum += kl.item()
    n = len(test)
    print("epoch %2d  train %.2f  test %.2f (recon %.2f + kl %.2f)  %.1fs" % (
        epoch, total / len(train), (rec + kl_sum) / n, rec / n, kl_sum / n, time.time() - t), flush=True)
print("pytorch %s, %d threads, %.0f s training" % (torch.__version__, torch.get_num_threads(), time.time() - start))
t = time.time()
with torch.no_grad():
    bound = torch.cat([iwae(model, x, k) for x in test[:iwae_images].split(50)])
print("test IWAE-%d on %d images: -%.2f nats per image  (%.0f s)" % (k, len(bound), -bound.mean().item(), time.time() - t))
