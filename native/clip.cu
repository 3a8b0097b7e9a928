// Global-norm gradient clipping, PyTorch's clip_grad_norm_, in two launches that read and write
// only device memory, so a recorded (graph-captured) step replays them. CPU twin:
// dev.vae4j.backend.cpu.CpuOptimizer#gradientSquaredNorm and #clipGradients.
#include "common.cuh"

// out[0] = sum of g[i]^2 over n elements, in double, rounded once to float. One block (launched
// with LaunchConfig.singleBlock), so the summation order is fixed and the bits repeat run to run.
extern "C" __global__ void vae4j_gradient_squared_norm(const float* g, long long n, float* out) {
  double sum = 0.0;
  for (long long i = threadIdx.x; i < n; i += blockDim.x) {
    const double x = g[i];
    sum += x * x;
  }
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) out[0] = (float)sum;
}

// With norm = sqrt(squaredNorm[0]) and scale = max / (norm + 1e-6): g[i] *= scale when scale < 1.
// Thread 0 of block 0 also adds norm to normSums[0] and 1 to normSums[1] (the epoch's mean).
extern "C" __global__ void vae4j_clip_gradients(float* g, long long n, const float* squaredNorm,
                                                double max, float* normSums) {
  const float norm = sqrtf(squaredNorm[0]);
  const float scale = (float)(max / ((double)norm + 1e-6));
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    normSums[0] += norm;
    normSums[1] += 1.0f;
  }
  if (scale >= 1.0f) return;
  VAE4J_GRID_STRIDE(i, n) { g[i] *= scale; }
}
