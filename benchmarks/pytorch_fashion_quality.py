#!/usr/bin/env python3
"""PyTorch reference for vae4j's model-quality figures: pytorch/examples' vae/main.py recipe (784-400-20,
BCE summed over pixels + KL, Adam 1e-3, batch 128, shuffled, all 60,000 training images) on IDX files, and
the test -ELBO per image with one sampled z per image, as that example reports it after every epoch.
Usage: /usr/bin/python3 benchmarks/pytorch_fashion_quality.py DIR [EPOCHS] [THREADS] [SEED]"""
import gzip, struct, sys, time
import numpy as np, torch, torch.nn.functional as F
from torch import nn

def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

class VAE(nn.Module):
    def __init__(s):
        super().__init__()
        s.fc1, s.fc21, s.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        s.fc3, s.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)
    def forward(s, x):
        h = F.relu(s.fc1(x)); mu, lv = s.fc21(h), s.fc22(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        return s.fc4(F.relu(s.fc3(z))), mu, lv

def losses(logits, x, mu, lv):
    """Summed over the batch: BCE over pixels (from logits, = the example's BCE of sigmoid outputs) and KL."""
    return (F.binary_cross_entropy_with_logits(logits, x, reduction="sum"),
            -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp()))

def main():
    d = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    torch.manual_seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    train = torch.from_numpy(idx(d + "/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    test = torch.from_numpy(idx(d + "/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    model = VAE(); opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(1, epochs + 1):
        t = time.time(); model.train(); total = 0.0
        for b in torch.randperm(len(train)).split(128):
            x = train[b]; opt.zero_grad()
            logits, mu, lv = model(x); bce, kl = losses(logits, x, mu, lv); loss = bce + kl
            loss.backward(); opt.step(); total += loss.item()
        model.eval(); rec = kl_sum = 0.0
        with torch.no_grad():
            for x in test.split(128):
                logits, mu, lv = model(x); bce, kl = losses(logits, x, mu, lv); rec += bce.item(); kl_sum += kl.item()
        n = len(test)
        print("epoch %2d  train %.2f  test %.2f (recon %.2f + kl %.2f)  %.1fs" % (
            epoch, total / len(train), (rec + kl_sum) / n, rec / n, kl_sum / n, time.time() - t), flush=True)
    print("pytorch %s, %d threads, %.0f s" % (torch.__version__, torch.get_num_threads(), time.time() - start))


if __name__ == "__main__":
    main()
