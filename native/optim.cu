// The fused update of every rule but plain Adam (adam.cu keeps that one) over the flat parameter
// buffer. CPU twin: dev.vae4j.backend.cpu.FusedUpdate (called by CpuOptimizer#update).
#include "common.cuh"

#define VAE4J_RULE_SGD 0
#define VAE4J_RULE_RMSPROP 1
#define VAE4J_RULE_ADAM 2

// Backend#update for n elements with 1-based step t = vae4j_step_value(counter, stepBase,
// stepStride). The gradient is g + l1 * sign(p) (sign(0) = 0) + weightDecay * p (the L2 term;
// 0 for AdamW, which decays p by decayFactor = 1 - lr * wd instead). Then, by rule:
// SGD (a = momentum): with a = 0, p -= lr * g; else b = g at t = 1 and b = a * b + g after,
//   p -= lr * b (b in m);
// RMSprop (a = alpha, c = 1 - alpha): s = a * s + c * g^2; p -= lr * (g / (sqrt(s) + eps)) (s in v);
// Adam (a = beta1, c = 1 - beta1): adam.cu's update, with the bias corrections from lrD, beta1D
//   and beta2D in double once per block, rounded to float as the CPU's AdamStep does.
extern "C" __global__ void vae4j_optimizer_update(float* p, const float* g, float* m, float* v,
                                                  long long n, int rule, float lr, float a,
                                                  float c, float b2, float oneMinusB2, float eps,
                                                  float weightDecay, float decayFactor, float l1,
                                                  double lrD, double beta1D, double beta2D,
                                                  const long long* counter, long long stepBase,
                                                  long long stepStride) {
  __shared__ float stepSize, bc2Sqrt;
  __shared__ int first;
  if (threadIdx.x == 0) {
    const long long t = vae4j_step_value(counter, stepBase, stepStride);
    first = t == 1;
    if (rule == VAE4J_RULE_ADAM) {
      stepSize = (float)(lrD / (1.0 - pow(beta1D, (double)t)));
      bc2Sqrt = (float)sqrt(1.0 - pow(beta2D, (double)t));
    }
  }
  __syncthreads();
  VAE4J_GRID_STRIDE(i, n) {
    float pi = p[i];
    const float sign = pi > 0.0f ? 1.0f : (pi < 0.0f ? -1.0f : 0.0f);
    const float gi = g[i] + sign * l1 + pi * weightDecay;
    if (rule == VAE4J_RULE_SGD) {
      if (a == 0.0f) {
        p[i] = pi - lr * gi;
      } else {
        const float bi = first ? gi : m[i] * a + gi;
        m[i] = bi;
        p[i] = pi - lr * bi;
      }
    } else if (rule == VAE4J_RULE_RMSPROP) {
      const float si = v[i] * a + gi * gi * c;
      v[i] = si;
      p[i] = pi - lr * (gi / (sqrtf(si) + eps));
    } else {
      const float mi = m[i] * a + gi * c;
      const float vi = v[i] * b2 + gi * gi * oneMinusB2;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decayFactor - mi * stepSize / (sqrtf(vi) / bc2Sqrt + eps);
    }
  }
}
