// The fused Adam/AdamW update over the flat parameter buffer. CPU twin:
// dev.vae4j.backend.cpu.CpuOptimizer#adamUpdate (dev.vae4j.backend.cpu.ScalarLoopKernels#adam).
#include "common.cuh"

#define VAE4J_WD_NONE 0
#define VAE4J_WD_L2 1
#define VAE4J_WD_DECOUPLED 2

// Element i of vae4j_adam, shared with its stacked twin.
__device__ __forceinline__ void vae4j_adam_element(float* p, const float* g, float* m, float* v,
                                                   long long i, float b1, float oneMinusB1,
                                                   float b2, float oneMinusB2, float eps,
                                                   float weightDecay, float decayFactor,
                                                   int decayMode, float stepSize, float bc2Sqrt) {
  float pi = p[i];
  float gi = g[i];
  if (decayMode == VAE4J_WD_L2) gi += weightDecay * pi;
  if (decayMode == VAE4J_WD_DECOUPLED) pi *= decayFactor;
  const float mi = b1 * m[i] + oneMinusB1 * gi;
  const float vi = b2 * v[i] + oneMinusB2 * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = pi - stepSize * mi / (sqrtf(vi) / bc2Sqrt + eps);
}

// Backend#adamUpdate for n elements with 1-based step t = vae4j_step_value(counter, stepBase,
// stepStride): g = grads (+ wd * p for L2); p *= decayFactor (= 1 - lr * wd) if decoupled;
// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= (lr / (1-b1^t)) * m / (sqrt(v) / sqrt(1-b2^t)
// + eps). The hyper-parameters arrive as the host rounds them to float (the CPU's
// AdamStep), plus lr, beta1, beta2 in double for the bias corrections, which are computed
// in double once per block (t may live in device memory, so the host cannot precompute them) and
// then rounded to float as on the CPU.
extern "C" __global__ void vae4j_adam(float* p, const float* g, float* m, float* v, long long n,
                                      double lr, double beta1, double beta2, float b1,
                                      float oneMinusB1, float b2, float oneMinusB2, float eps,
                                      float weightDecay, float decayFactor, int decayMode,
                                      const long long* counter, long long stepBase,
                                      long long stepStride) {
  __shared__ float stepSize, bc2Sqrt;
  if (threadIdx.x == 0) {
    const double t = (double)vae4j_step_value(counter, stepBase, stepStride);
    stepSize = (float)(lr / (1.0 - pow(beta1, t)));
    bc2Sqrt = (float)sqrt(1.0 - pow(beta2, t));
  }
  __syncthreads();
  VAE4J_GRID_STRIDE(i, n) {
    vae4j_adam_element(p, g, m, v, i, b1, oneMinusB1, b2, oneMinusB2, eps, weightDecay,
                       decayFactor, decayMode, stepSize, bc2Sqrt);
  }
}

// Backend#stackedAdamUpdate: vae4j_adam on each model's block of `length` elements starting
// m * stride into p, g, m, v, with table[model]'s hyper-parameters, all at 1-based step t =
// vae4j_step_value(counter, stepBase, stepStride). The
// first `models` threads of each block compute their model's bias corrections (in double, then
// rounded, as vae4j_adam does); elements of a stride's padding are left alone.
extern "C" __global__ void vae4j_stacked_adam(float* p, const float* g, float* m, float* v,
                                              long long stride, long long length, int models,
                                              const vae4j_stack_model* table,
                                              const long long* counter, long long stepBase,
                                              long long stepStride) {
  __shared__ float stepSizes[VAE4J_MAX_STACK], bc2Sqrts[VAE4J_MAX_STACK];
  if (threadIdx.x < models) {
    const vae4j_stack_model h = table[threadIdx.x];
    const double t = (double)vae4j_step_value(counter, stepBase, stepStride);
    stepSizes[threadIdx.x] = (float)(h.lr / (1.0 - pow(h.beta1, t)));
    bc2Sqrts[threadIdx.x] = (float)sqrt(1.0 - pow(h.beta2, t));
  }
  __syncthreads();
  const long long n = stride * models;
  VAE4J_GRID_STRIDE(i, n) {
    const int model = (int)(i / stride);
    if (i - model * stride >= length) continue;
    const vae4j_stack_model& h = table[model];
    vae4j_adam_element(p, g, m, v, i, h.b1, h.oneMinusB1, h.b2, h.oneMinusB2, h.eps,
                       h.weightDecay, h.decayFactor, h.decayMode, stepSizes[model],
                       bc2Sqrts[model]);
  }
}
