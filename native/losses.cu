// Reconstruction negative log-likelihoods fused with their gradients. CPU twin:
// dev.vae4j.backend.cpu.CpuLosses#reconstructionLoss (dev.vae4j.backend.cpu.LoopKernels#bernoulliRow,
// CpuLosses#gaussianRow, #continuousBernoulliRow, #learnedGaussianRow).
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

// Backend#reconstructionLoss with Likelihood.CONTINUOUS_BERNOULLI: per element the Bernoulli terms
// minus log C = log(l / tanh(l/2)), or its Taylor series log 2 + l^2/12 - 7 l^4/1440 for |l| <
// 1e-2 (Likelihood.CB_TAYLOR_BELOW); d/dl = sigmoid(l) - x - (1/l - 1/sinh(l)), the last term
// l/6 - 7 l^3/360 near 0. All in double, like the CPU; otherwise as vae4j_bernoulli_loss.
extern "C" __global__ void vae4j_continuous_bernoulli_loss(const float* logits, const float* target,
                                                           int rows, int cols, float* lossPerRow,
                                                           float* dlogits, float gradScale) {
  const double LOG_TWO = 0.69314718055994530942;
  const double TAYLOR_BELOW = 1e-2;
  const long long base = (long long)blockIdx.x * cols;
  double sum = 0.0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const double l = logits[base + c], x = target[base + c];
    const double e = exp(-fabs(l));
    double logNorm, dLogNorm;
    if (fabs(l) < TAYLOR_BELOW) {
      const double l2 = l * l;
      logNorm = LOG_TWO + l2 * (1.0 / 12 - l2 * (7.0 / 1440));
      dLogNorm = l * (1.0 / 6 - l2 * (7.0 / 360));
    } else {
      logNorm = log(l / tanh(0.5 * l));
      dLogNorm = 1.0 / l - 1.0 / sinh(l);
    }
    sum += fmax(l, 0.0) - l * x + log1p(e) - logNorm;
    if (dlogits != nullptr) {
      const double inv = 1.0 / (1.0 + e);
      const double sigmoid = l >= 0.0 ? inv : e * inv;
      dlogits[base + c] = (float)(gradScale * (sigmoid - x - dLogNorm));
    }
  }
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) lossPerRow[blockIdx.x] = (float)sum;
}

// Backend#reconstructionLoss with Likelihood.GAUSSIAN_LEARNED: logits rows hold 2*cols values,
// cols means then cols log-variances; v = clamp(lv, -7, 7) (Likelihood.LOG_VARIANCE_MIN/MAX); per
// element 0.5*(log(2*pi) + v + (x-mu)^2 exp(-v)); d/dmu = (mu-x) exp(-v), d/dlv = 0.5*(1 -
// (x-mu)^2 exp(-v)) inside [-7, 7] and 0 outside. dlogits is laid out as logits (it may alias
// them: each thread reads its mean and log-variance before writing either).
extern "C" __global__ void vae4j_gaussian_learned_loss(const float* logits, const float* target,
                                                       int rows, int cols, float* lossPerRow,
                                                       float* dlogits, float gradScale) {
  const double HALF_LOG_TWO_PI = 0.91893853320467274178;
  const long long base = (long long)blockIdx.x * 2 * cols, xbase = (long long)blockIdx.x * cols;
  double sum = 0.0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float mu = logits[base + c], lv = logits[base + cols + c];
    const float v = fminf(7.0f, fmaxf(-7.0f, lv));
    const double diff = (double)mu - target[xbase + c], precision = exp(-(double)v);
    const double weighted = diff * diff * precision;
    sum += 0.5 * (v + weighted) + HALF_LOG_TWO_PI;
    if (dlogits != nullptr) {
      dlogits[base + c] = (float)(gradScale * diff * precision);
      dlogits[base + cols + c] = v == lv ? (float)(gradScale * 0.5 * (1.0 - weighted)) : 0.0f;
    }
  }
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) lossPerRow[blockIdx.x] = (float)sum;
}
