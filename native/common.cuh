// Shared helpers for the vae4j kernels. Every kernel is an extern "C" __global__ function named
// vae4j_<op>, launched from Java through the driver API (dev.vae4j.backend.cuda.Kernel lists
// them). Sizes arrive as int (rows, cols) or long long (element counts), as the Java side holds
// them; element loops are grid-stride so any grid the host picks covers any size.
#pragma once

#include <stdint.h>

// Element counts may exceed 2^31 (a dataset of 60k x 784 floats does not, but a larger one may),
// so grid-stride loops index with 64 bits.
#define VAE4J_GRID_STRIDE(i, n)                                                     \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);    \
       i += (long long)blockDim.x * gridDim.x)

// The block size every 1-D kernel is launched with (dev.vae4j.backend.cuda.LaunchConfig.BLOCK);
// reductions size their shared memory by it.
#define VAE4J_BLOCK 256

// A per-step value of a recorded (graph-captured) step: base + stride * (*counter), where the
// counter lives in device memory and the graph advances it once per replay. Without a counter
// (an ordinary, uncaptured launch) the value is just base.
__device__ __forceinline__ long long vae4j_step_value(const long long* counter, long long base,
                                                      long long stride) {
  return counter == nullptr ? base : base + stride * *counter;
}

__device__ __forceinline__ double vae4j_warp_sum(double v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

// Sum of v over the block (blockDim.x a multiple of 32, at most VAE4J_BLOCK); the result is valid
// in thread 0 only. Sums in double, as the CPU backend does, so both agree to float rounding.
__device__ __forceinline__ double vae4j_block_sum(double v) {
  __shared__ double partial[VAE4J_BLOCK / 32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = vae4j_warp_sum(v);
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  v = threadIdx.x < (blockDim.x >> 5) ? partial[lane] : 0.0;
  if (warp == 0) v = vae4j_warp_sum(v);
  __syncthreads();  // partial may be reused by a second call in the same kernel
  return v;
}

// One model's row of a stack's table (dev.vae4j.backend.cuda.CudaStacked#table writes it as 18 int
// words): its noise seed, its Adam hyper-parameters (lr, beta1, beta2 in double for the bias
// corrections, the rest as the host rounds them to float, as for vae4j_adam) and its KL weight.
// dev.vae4j.backend.StackModels.MAX_MODELS: the most models of one stack.
#define VAE4J_MAX_STACK 64

struct __align__(8) vae4j_stack_model {
  unsigned long long seed;
  double lr, beta1, beta2;
  float b1, oneMinusB1, b2, oneMinusB2, eps, weightDecay, decayFactor, klBeta;
  int decayMode, pad;
};
