// Reconstruction negative log-likelihoods fused with their gradients. CPU twin:
// CpuBackend#reconstructionLoss (dev.vae4j.backend.cpu.Kernels#bernoulliRow, #gaussianRow).
#include "common.cuh"

// Backend#reconstructionLoss with Likelihood.BERNOULLI: per element max(l,0) - l*x +
// log1p(exp(-|l|)), d/dl = sigmoid(l) - x; lossPerRow[r] = sum over the row; dlogits =
// gradScale * d/dl unless dlogits is null (it may alias logits: each element is read before it is
// written, by the same thread). One block per row, summing in double like the CPU.
extern "C" __global__ void vae4j_bernoulli_loss(const float* logits, const float* target, int rows,
                                                int cols, float* lossPerRow, float* dlogits,
                                                float gradScale) {
  const long long base = (long long)blockIdx.x * cols;
  double sum = 0.0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float l = logits[base + c], x = target[base + c];
    const float e = expf(-fabsf(l));
    sum += (double)fmaxf(l, 0.0f) - (double)l * x + (double)log1pf(e);
    if (dlogits != nullptr) {
      const float inv = 1.0f / (1.0f + e);
      const float sigmoid = l >= 0.0f ? inv : e * inv;
      dlogits[base + c] = gradScale * (sigmoid - x);
    }
  }
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) lossPerRow[blockIdx.x] = (float)sum;
}

// Backend#reconstructionLoss with Likelihood.GAUSSIAN (unit variance): per element 0.5*(x-l)^2 +
// 0.5*log(2*pi), d/dl = l - x; otherwise as vae4j_bernoulli_loss.
extern "C" __global__ void vae4j_gaussian_loss(const float* logits, const float* target, int rows,
                                               int cols, float* lossPerRow, float* dlogits,
                                               float gradScale) {
  const double HALF_LOG_TWO_PI = 0.91893853320467274178;
  const long long base = (long long)blockIdx.x * cols;
  double sum = 0.0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float diff = logits[base + c] - target[base + c];
    sum += 0.5 * diff * diff + HALF_LOG_TWO_PI;
    if (dlogits != nullptr) dlogits[base + c] = gradScale * diff;
  }
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) lossPerRow[blockIdx.x] = (float)sum;
}
