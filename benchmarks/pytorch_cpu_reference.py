#!/usr/bin/env python3
"""PyTorch CPU reference for vae4j's CPU training throughput: pytorch/examples' VAE, vae4j's loss
(BCE summed over pixels + KL summed over latent dims, batch mean), Adam, batch 128, random data.
Usage: python3 benchmarks/pytorch_cpu_reference.py HIDDEN LATENT THREADS"""
import time, torch, torch.nn.functional as F
from torch import nn
torch.manual_seed(0)
class VAE(nn.Module):
    def __init__(s, h=400, l=20):
        super().__init__(); s.fc1=nn.Linear(784,h); s.fc21=nn.Linear(h,l); s.fc22=nn.Linear(h,l); s.fc3=nn.Linear(l,h); s.fc4=nn.Linear(h,784)
    def forward(s, x):
        h=F.relu(s.fc1(x)); mu, lv = s.fc21(h), s.fc22(h); z = mu + torch.exp(0.5*lv)*torch.randn_like(mu)
        return s.fc4(F.relu(s.fc3(z))), mu, lv
import sys
H=int(sys.argv[1]); L=int(sys.argv[2]); threads=int(sys.argv[3])
torch.set_num_threads(threads)
m=VAE(H,L); opt=torch.optim.Adam(m.parameters(), lr=1e-3)
data=torch.rand(60000,784)
def step(x):
    opt.zero_grad(); lg,mu,lv=m(x)
    loss=(F.binary_cross_entropy_with_logits(lg,x,reduction='sum') - 0.5*torch.sum(1+lv-mu.pow(2)-lv.exp()))/x.shape[0]
    loss.backward(); opt.step()
perm=torch.randperm(60000)
for i in range(50): step(data[perm[i*128:(i+1)*128]])
t=time.time(); n=0
for i in range(400):
    j=(i%460)*128; step(data[perm[j:j+128]]); n+=128
print("pytorch", torch.__version__, "threads", threads, "hidden", H, "latent", L, "samples/s %.0f" % (n/(time.time()-t)))
