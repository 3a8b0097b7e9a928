// The importance-weighted bound's ops (Burda et al., 2016): K draws per batch row, draw k of row r
// at row r * draws + k. CPU twins: dev.vae4j.backend.cpu.CpuIwae, one method per kernel.
#include "common.cuh"

// Backend#repeatRows: dst[r * draws + k, c] = src[r, c].
extern "C" __global__ void vae4j_repeat_rows(const float* src, float* dst, int rows, int cols,
                                             int draws) {
  const long long n = (long long)rows * draws * cols;
  VAE4J_GRID_STRIDE(i, n) {
    const long long drawRow = i / cols, c = i - drawRow * cols;
    dst[i] = src[(drawRow / draws) * cols + c];
  }
}

// Backend#iwaeReparameterize: z[r * draws + k, j] = mu[r, j] + exp(logvar[r, j] / 2) *
// eps[r * draws + k, j], stats [rows, 2*latent].
extern "C" __global__ void vae4j_iwae_reparameterize(const float* stats, const float* eps, float* z,
                                                     int rows, int draws, int latent) {
  const long long n = (long long)rows * draws * latent;
  VAE4J_GRID_STRIDE(i, n) {
    const long long drawRow = i / latent, j = i - drawRow * latent, r = drawRow / draws;
    const float sigma = (float)exp((double)(0.5f * stats[r * 2 * latent + latent + j]));
    z[i] = stats[r * 2 * latent + j] + sigma * eps[i];
  }
}

// The sampled log q(z|x) - log p(z) of draw row i (without the log(2 pi) terms, which cancel),
// summed over the warp's lanes in double; every lane gets the sum.
__device__ __forceinline__ double vae4j_sampled_kl(const float* stats, const float* eps,
                                                   const float* z, long long r, long long i,
                                                   int latent, int lane) {
  double sum = 0.0;
  for (int j = lane; j < latent; j += 32) {
    const double zv = z[i * latent + j], ev = eps[i * latent + j];
    sum += 0.5 * (zv * zv - stats[r * 2 * latent + latent + j] - ev * ev);
  }
  for (int offset = 16; offset > 0; offset >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, offset);
  return sum;
}

// Backend#iwaeWeights: per draw log w = -recon - beta * sampled KL; weights = softmax over the
// row's draws, bound[r] = -(logsumexp - log draws), reconMean[r] = the row's mean recon. One warp
// per row, in double; the draws' log weights are recomputed in each of the three passes (max,
// sum, weights) rather than stored, the latent side being small.
extern "C" __global__ void vae4j_iwae_weights(const float* recon, const float* stats,
                                              const float* eps, const float* z, int rows, int draws,
                                              int latent, float beta, float* weights, float* bound,
                                              float* reconMean) {
  const int warpsPerBlock = blockDim.x >> 5, lane = threadIdx.x & 31;
  const long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
  if (r >= rows) return;  // whole warps leave together, so the shuffles stay full-warp
  double max = -INFINITY, reconSum = 0.0;
  for (int k = 0; k < draws; k++) {
    const long long i = r * draws + k;
    const double logW = -(double)recon[i] - beta * vae4j_sampled_kl(stats, eps, z, r, i, latent, lane);
    reconSum += recon[i];
    max = fmax(max, logW);
  }
  double sum = 0.0;
  for (int k = 0; k < draws; k++) {
    const long long i = r * draws + k;
    sum += exp(-(double)recon[i] - beta * vae4j_sampled_kl(stats, eps, z, r, i, latent, lane) - max);
  }
  const double lse = max + log(sum);
  for (int k = 0; k < draws; k++) {
    const long long i = r * draws + k;
    const double logW = -(double)recon[i] - beta * vae4j_sampled_kl(stats, eps, z, r, i, latent, lane);
    if (lane == 0) weights[i] = (float)exp(logW - lse);
  }
  if (lane == 0) {
    bound[r] = (float)-(lse - log((double)draws));
    reconMean[r] = (float)(reconSum / draws);
  }
}

// Backend#scaleDraws: x[i, c] *= weights[i] over rows * draws rows of cols.
extern "C" __global__ void vae4j_scale_draws(float* x, const float* weights, int rows, int draws,
                                             int cols) {
  const long long n = (long long)rows * draws * cols;
  VAE4J_GRID_STRIDE(i, n) { x[i] *= weights[i / cols]; }
}

// Backend#iwaeLatentBackward: with c = gradScale and g = dz + c * w * z per draw, overwrites
// dstats [rows, 2*latent]: dmu = sum_k g, dlogvar = sum_k (g * eps * 0.5 * exp(logvar / 2) - 0.5 *
// c * w). One thread per (row, latent column), the draws summed in order in float like the CPU.
extern "C" __global__ void vae4j_iwae_latent_backward(const float* dz, const float* stats,
                                                      const float* eps, const float* z,
                                                      const float* weights, int rows, int draws,
                                                      int latent, float gradScale, float* dstats) {
  const long long n = (long long)rows * latent;
  VAE4J_GRID_STRIDE(t, n) {
    const long long r = t / latent, j = t - r * latent;
    const float halfSigma = 0.5f * (float)exp((double)(0.5f * stats[r * 2 * latent + latent + j]));
    float dmu = 0.0f, dlogvar = 0.0f;
    for (int k = 0; k < draws; k++) {
      const long long i = r * draws + k, di = i * latent + j;
      const float cw = gradScale * weights[i];
      const float g = dz[di] + cw * z[di];
      dmu += g;
      dlogvar += g * eps[di] * halfSigma - 0.5f * cw;
    }
    dstats[r * 2 * latent + j] = dmu;
    dstats[r * 2 * latent + latent + j] = dlogvar;
  }
}
