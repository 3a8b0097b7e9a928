#!/usr/bin/env python3
"""PyTorch CPU reference for vae4j's CPU throughput: pytorch/examples' VAE, vae4j's loss (BCE summed
over pixels + KL summed over latent dims, batch mean), Adam, random data.

Usage: python3 benchmarks/pytorch_cpu_reference.py HIDDEN LATENT THREADS [--batch B] [--inference]
  training steps at batch B (default 128), or with --inference forward passes without gradients
  (encode, sample z, decode to Bernoulli means: vae4j bench --inference's work) at batch B (default 1000).

It prints the BLAS threadpoolctl finds (library, version, the kernels' architecture, threads) first:
Debian's OpenBLAS 0.3.21 runs generic kernels on processors it does not know, so set
OPENBLAS_CORETYPE (e.g. SkylakeX on AVX-512 machines) and check the printed architecture. Its
fastest setting on 2 cores: THREADS 1 (torch's own threads) with OpenBLAS's 2 (OPENBLAS_NUM_THREADS)."""
import sys, time, torch, torch.nn.functional as F
from torch import nn

try:
    import threadpoolctl
    pools = [pool for pool in threadpoolctl.threadpool_info() if pool.get("user_api") == "blas"]
    for pool in pools:
        print("blas", pool.get("internal_api"), pool.get("version"), "architecture", pool.get("architecture"),
              "threads", pool.get("num_threads"))
    if not pools:
        # Debian's python3-torch without libopenblas0-pthread falls back to the reference BLAS (libblas3):
        # ~1,150 samples/s for 784-400-20 on a Zen 4 VM against ~14,000 with OpenBLAS.
        print("blas: none that threadpoolctl knows (the reference BLAS?): install libopenblas0-pthread")
except ImportError:
    print("blas: threadpoolctl not installed (Debian: python3-threadpoolctl), kernels unknown")

torch.manual_seed(0)
class VAE(nn.Module):
    def __init__(s, h=400, l=20):
        super().__init__(); s.fc1=nn.Linear(784,h); s.fc21=nn.Linear(h,l); s.fc22=nn.Linear(h,l); s.fc3=nn.Linear(l,h); s.fc4=nn.Linear(h,784)
    def forward(s, x):
        h=F.relu(s.fc1(x)); mu, lv = s.fc21(h), s.fc22(h); z = mu + torch.exp(0.5*lv)*torch.randn_like(mu)
        return s.fc4(F.relu(s.fc3(z))), mu, lv

args = [a for a in sys.argv[1:] if not a.startswith("--")]
inference = "--inference" in sys.argv
batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else (1000 if inference else 128)
if "--batch" in sys.argv: args.remove(str(batch))
H, L, threads = int(args[0]), int(args[1]), int(args[2])
torch.set_num_threads(threads)
m=VAE(H,L); opt=torch.optim.Adam(m.parameters(), lr=1e-3)
data=torch.rand(60000,784)
perm=torch.randperm(60000)
batches = 60000 // batch
def step(x):
    opt.zero_grad(); lg,mu,lv=m(x)
    loss=(F.binary_cross_entropy_with_logits(lg,x,reduction='sum') - 0.5*torch.sum(1+lv-mu.pow(2)-lv.exp()))/x.shape[0]
    loss.backward(); opt.step()
def infer(x):
    with torch.no_grad(): torch.sigmoid(m(x)[0])
work = infer if inference else step
steps = 200 if inference else 400
for i in range(50): j=(i%batches)*batch; work(data[perm[j:j+batch]])
t=time.time(); n=0
for i in range(steps):
    j=(i%batches)*batch; work(data[perm[j:j+batch]]); n+=batch
print("pytorch", torch.__version__, "inference" if inference else "training", "threads", threads, "hidden", H,
      "latent", L, "batch", batch, "samples/s %.0f" % (n/(time.time()-t)))
