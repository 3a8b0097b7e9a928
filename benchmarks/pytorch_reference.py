#!/usr/bin/env python3
"""PyTorch reference for vae4j's GPU training throughput: the same model, loss, Adam and batch.

The model is pytorch/examples' VAE (784-400-20 by default) with vae4j's loss: Bernoulli BCE from
logits summed over pixels plus KL summed over latent dimensions, averaged over the batch. Data
stays on the GPU; each step gathers a batch through a shuffled index, as vae4j does. Timed with
CUDA events after warm-up, two ways:

  eager  the plain training loop
  graph  the whole step (gather, forward, backward, Adam) captured once with torch.cuda.graph and
         replayed, which removes the per-kernel launch cost the way vae4j's CUDA graphs do

Prints one JSON object per line: {"impl": "pytorch", "mode": ..., "samples_per_s": ..., ...}.
Run by benchmarks/gpu-check.sh; also works alone:  python3 benchmarks/pytorch_reference.py
The convolutional model: python3 benchmarks/pytorch_reference.py --conv 32,64 --hidden 256
"""
import argparse
import gzip
import json
import os

import torch
import torch.nn.functional as F
from torch import nn


class VAE(nn.Module):
    def __init__(self, pixels, hidden, latent):
        super().__init__()
        self.fc1 = nn.Linear(pixels, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, pixels)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.fc4(F.relu(self.fc3(z))), mu, logvar


def loss_function(logits, x, mu, logvar):
    # Per sample: BCE summed over pixels + KL summed over latent dims; then the batch mean.
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kl) / x.shape[0]


def load_images(path, count, device):
    """Fashion-MNIST training images from an IDX folder when present, else uniform random ones."""
    images = os.path.join(path, "train-images-idx3-ubyte.gz") if path else ""
    if images and os.path.exists(images):
        with gzip.open(images, "rb") as f:
            raw = f.read()
        data = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(-1, 784)
        return data.to(device=device, dtype=torch.float32) / 255.0, "fashion-mnist"
    return torch.rand(count, 784, device=device), "synthetic"


def time_steps(step, steps, warmup):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(steps):
        step()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3


def run(mode, data, args):
    torch.manual_seed(1)
    device = data.device
    if args.conv:
        # vae4j's `--conv C,C --hidden H --latent L`; cuDNN picks its fastest algorithms per shape.
        from pytorch_conv_reference import ConvVAE
        torch.backends.cudnn.benchmark = True
        channels = tuple(int(c) for c in args.conv.split(","))
        model = ConvVAE((1, 28, 28), channels, (args.hidden,), args.latent).to(device)
    else:
        model = VAE(784, args.hidden, args.latent).to(device)
    capture = mode == "graph"
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, capturable=capture)
    batches = data.shape[0] // args.batch
    order = torch.randperm(data.shape[0], device=device)
    position = torch.zeros(1, dtype=torch.long, device=device)
    offsets = torch.arange(args.batch, device=device)

    def train_step():
        # The batch's rows of a fixed shuffle; the position advances on the GPU, so the step has
        # no host work and can be captured.
        x = data[order[position * args.batch + offsets]]
        optimizer.zero_grad(set_to_none=False)
        logits, mu, logvar = model(x)
        loss_function(logits, x, mu, logvar).backward()
        optimizer.step()
        position.add_(1).remainder_(batches)

    step = train_step
    if capture:
        # Warm up on a side stream (as torch.cuda.graph's documentation asks), then capture.
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                train_step()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            train_step()
        step = graph.replay
    seconds = time_steps(step, args.steps, args.warmup)
    return {
        "impl": "pytorch",
        "mode": mode,
        "model": f"conv {args.conv} hidden {args.hidden} latent {args.latent}" if args.conv
        else f"784-{args.hidden}-{args.latent}",
        "batch_size": args.batch,
        "steps": args.steps,
        "samples_per_s": args.steps * args.batch / seconds,
        "ms_per_step": 1e3 * seconds / args.steps,
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(device),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=400)
    parser.add_argument("--latent", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                        help="folder with train-images-idx3-ubyte.gz (else synthetic images)")
    parser.add_argument("--modes", default="eager,graph")
    parser.add_argument("--conv", default="", help="channels of vae4j's --conv model, e.g. 32,64 (with --hidden 256)")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("pytorch_reference.py: no CUDA device visible to PyTorch")
    data, source = load_images(args.data, 60000, torch.device("cuda"))
    for mode in args.modes.split(","):
        result = run(mode, data, args)
        result["data"] = source
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
