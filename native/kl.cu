// KL divergence of the approximate posterior from N(0, I). CPU twin:
// dev.vae4j.backend.cpu.CpuLatent#klDivergence.
#include "common.cuh"

// Backend#klDivergence: for stats [rows, 2*latent] (mu, logvar), klPerRow[r] = sum_j -0.5 * (1 +
// logvar - mu^2 - exp(logvar)) and, unless dstats is null, overwriting dstats: dmu = gradScale *
// mu, dlogvar = gradScale * 0.5 * (exp(logvar) - 1). One warp per row (latent is small, tens of
// columns), summing in double like the CPU.
// Row r of vae4j_kl_divergence, by one warp.
__device__ __forceinline__ void vae4j_kl_row(const float* stats, long long r, int latent,
                                             float* klPerRow, float* dstats, float gradScale) {
  const int lane = threadIdx.x & 31;
  const float* s = stats + r * 2 * latent;
  double sum = 0.0;
  for (int j = lane; j < latent; j += 32) {
    const float mu = s[j], logvar = s[latent + j];
    const float var = expf(logvar);
    sum += -0.5 * (1.0 + logvar - (double)mu * mu - var);
    if (dstats != nullptr) {
      dstats[r * 2 * latent + j] = gradScale * mu;
      dstats[r * 2 * latent + latent + j] = gradScale * 0.5f * (var - 1.0f);
    }
  }
  sum = vae4j_warp_sum(sum);
  if (lane == 0) klPerRow[r] = (float)sum;
}

extern "C" __global__ void vae4j_kl_divergence(const float* stats, int rows, int latent,
                                               float* klPerRow, float* dstats, float gradScale) {
  const int warpsPerBlock = blockDim.x >> 5;
  const long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
  if (r >= rows) return;  // whole warps leave together, so the shuffles stay full-warp
  vae4j_kl_row(stats, r, latent, klPerRow, dstats, gradScale);
}

// Backend#stackedKlDivergence: vae4j_kl_divergence over the row stack stats [models * rows,
// 2*latent], row r of model r / rows with gradient scale table[model].klBeta * perRow (the float
// product a single model's step forms on the host).
extern "C" __global__ void vae4j_stacked_kl_divergence(const float* stats, int models, int rows,
                                                       int latent, float* klPerRow,
                                                       float* dstats,
                                                       const vae4j_stack_model* table,
                                                       float perRow) {
  const int warpsPerBlock = blockDim.x >> 5;
  const long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
  if (r >= (long long)models * rows) return;
  vae4j_kl_row(stats, r, latent, klPerRow, dstats, table[r / rows].klBeta * perRow);
}
