// Bias + activation, forward and backward. CPU twins: dev.vae4j.backend.cpu.CpuDense#biasActivation
// and CpuDense#activationBackward (dev.vae4j.backend.cpu.LoopKernels#biasRelu, #sigmoid,
// #reluBackward, #columnSums).
#include "common.cuh"

// Activation codes are the ordinals of dev.vae4j.backend.Activation.
#define VAE4J_IDENTITY 0
#define VAE4J_RELU 1
#define VAE4J_SIGMOID 2
#define VAE4J_ELU 3
#define VAE4J_TANH 4
#define VAE4J_LEAKY_RELU 5
#define VAE4J_GELU 6
// 1 / sqrt(2 pi), for GELU's derivative Phi(x) + x phi(x)
#define VAE4J_INV_SQRT_2PI 0.3989422804014327f
// Activation.LEAKY_SLOPE: the stacked kernels' slope (stacked training takes the default slope only)
#define VAE4J_LEAKY_SLOPE 0.01f

// act(v) for an activation code, slope being LEAKY_RELU's; shared by vae4j_bias_activation and
// its stacked twin. GELU is the exact form x Phi(x) (PyTorch's default nn.GELU()).
__device__ __forceinline__ float vae4j_activate(float v, int act, float slope) {
  if (act == VAE4J_RELU) {
    v = fmaxf(v, 0.0f);
  } else if (act == VAE4J_SIGMOID) {
    v = 1.0f / (1.0f + expf(-v));
  } else if (act == VAE4J_ELU) {
    v = v > 0.0f ? v : expm1f(v);
  } else if (act == VAE4J_TANH) {
    v = tanhf(v);
  } else if (act == VAE4J_LEAKY_RELU) {
    v = v > 0.0f ? v : slope * v;
  } else if (act == VAE4J_GELU) {
    v = v * normcdff(v);
  }
  return v;
}

// Backend#biasActivation: in place, x[r, c] = act(x[r, c] + bias[c]) for x [rows, cols];
// bias may be null (no bias). Unless pre is null, pre[r, c] = x[r, c] + bias[c] too (the
// pre-activation GELU's backward takes). slope is LEAKY_RELU's negative slope
// (ActivationFunction#slope).
extern "C" __global__ void vae4j_bias_activation(float* x, const float* bias, float* pre, int rows,
                                                 int cols, int act, float slope) {
  const long long n = (long long)rows * cols;
  VAE4J_GRID_STRIDE(i, n) {
    const float v = x[i] + (bias == nullptr ? 0.0f : bias[i % cols]);
    if (pre != nullptr) pre[i] = v;
    x[i] = vae4j_activate(v, act, slope);
  }
}

// Backend#stackedBiasActivation: vae4j_bias_activation on each of `models` row blocks of x
// [models * rows, cols], model m's bias at bias + m * biasStride, without a kept pre-activation and
// at the default leaky slope. One grid-stride loop over all models' elements: one launch for the stack.
extern "C" __global__ void vae4j_stacked_bias_activation(float* x, const float* bias,
                                                         long long biasStride, int models,
                                                         int rows, int cols, int act) {
  const long long perModel = (long long)rows * cols, n = perModel * models;
  VAE4J_GRID_STRIDE(i, n) {
    const long long model = i / perModel;
    const float* b = bias == nullptr ? nullptr : bias + model * biasStride;
    x[i] = vae4j_activate(x[i] + (b == nullptr ? 0.0f : b[(i - model * perModel) % cols]), act,
                          VAE4J_LEAKY_SLOPE);
  }
}

// Backend#activationBackward for RELU without a bias gradient (the cuBLASLt path, whose BGRADB
// epilogue sums the bias gradient): grad[i] = 0 where output[i] <= 0, as a grid-stride loop over
// all n elements. vae4j_activation_backward's column tiles keep only cols / 32 blocks busy, each
// walking all rows in order: latency-bound at large batches (the first H100 run lost about half of
// a batch-4096 step there).
extern "C" __global__ void vae4j_relu_mask(float* grad, const float* output, long long n) {
  VAE4J_GRID_STRIDE(i, n) {
    if (output[i] <= 0.0f) grad[i] = 0.0f;
  }
}

// Column tile of vae4j_activation_backward: 32 columns (one per lane) by ROWS_PER_PASS rows.
#define VAE4J_COL_TILE 32
#define VAE4J_ROWS_PER_PASS 8

// Backend#activationBackward: in place grad = grad * act'(output) (RELU: 1 where output > 0,
// else 0; IDENTITY: 1; ELU: output + 1 where output <= 0; TANH: 1 - output^2;
// LEAKY_RELU: slope where output <= 0; GELU: Phi(output) + output phi(output), output being the
// pre-activation for GELU), then biasGrad[c] = sum over rows of grad[r, c] (overwritten) unless
// biasGrad is null. Launched as blocks of 32 x 8 threads, one block per 32 columns: each column is
// summed by one block in a fixed order, so the result is deterministic (no atomics). The body is
// column tile `tile` of one [rows, cols] matrix, shared with the stacked twin.
__device__ __forceinline__ void vae4j_activation_backward_tile(float* grad, const float* output,
                                                               float* biasGrad, int rows, int cols,
                                                               int act, float slope, int tile) {
  __shared__ double partial[VAE4J_ROWS_PER_PASS][VAE4J_COL_TILE + 1];
  const int c = tile * VAE4J_COL_TILE + threadIdx.x;
  double sum = 0.0;
  if (c < cols) {
    for (int r = threadIdx.y; r < rows; r += VAE4J_ROWS_PER_PASS) {
      const long long i = (long long)r * cols + c;
      float g = grad[i];
      if (act == VAE4J_RELU && output[i] <= 0.0f) {
        g = 0.0f;
        grad[i] = 0.0f;
      } else if (act == VAE4J_ELU && !(output[i] > 0.0f)) {
        g *= output[i] + 1.0f;
        grad[i] = g;
      } else if (act == VAE4J_TANH) {
        g *= 1.0f - output[i] * output[i];
        grad[i] = g;
      } else if (act == VAE4J_LEAKY_RELU && !(output[i] > 0.0f)) {
        g *= slope;
        grad[i] = g;
      } else if (act == VAE4J_GELU) {
        const float v = output[i];
        g *= normcdff(v) + v * VAE4J_INV_SQRT_2PI * expf(-0.5f * v * v);
        grad[i] = g;
      }
      sum += g;
    }
  }
  if (biasGrad == nullptr) return;
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    for (int y = 1; y < VAE4J_ROWS_PER_PASS; y++) sum += partial[y][threadIdx.x];
    biasGrad[c] = (float)sum;
  }
}

extern "C" __global__ void vae4j_activation_backward(float* grad, const float* output,
                                                     float* biasGrad, int rows, int cols,
                                                     int act, float slope) {
  vae4j_activation_backward_tile(grad, output, biasGrad, rows, cols, act, slope, blockIdx.x);
}

// Backend#stackedActivationBackward: vae4j_activation_backward on each of `models` row blocks of
// grad and output [models * rows, cols] (at the default leaky slope; GELU is not stacked), model
// m's column sums at biasGrad + m * biasStride. The grid is models x (column tiles), flattened:
// block b is tile b % tiles of model b / tiles.
extern "C" __global__ void vae4j_stacked_activation_backward(float* grad, const float* output,
                                                             float* biasGrad, long long biasStride,
                                                             int models, int rows, int cols,
                                                             int act) {
  const int tiles = (cols + VAE4J_COL_TILE - 1) / VAE4J_COL_TILE;
  const int model = blockIdx.x / tiles;
  if (model >= models) return;
  const long long offset = (long long)model * rows * cols;
  vae4j_activation_backward_tile(grad + offset, output + offset,
                                 biasGrad == nullptr ? nullptr : biasGrad + model * biasStride, rows,
                                 cols, act, VAE4J_LEAKY_SLOPE, blockIdx.x - model * tiles);
}
