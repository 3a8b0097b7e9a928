// --precision bf16: the bfloat16 copies of a GEMM's operands that cuBLASLt's BF16 tensor-core
// matmul reads (CUDA_R_16BF inputs, FP32 compute and output). CPU twin:
// dev.vae4j.backend.cpu.LoopKernels#toBf16 (dev.vae4j.backend.cpu.Bf16#round): round to nearest,
// ties to even, NaN kept a NaN, as __float2bfloat16_rn does.
#include <cuda_bf16.h>

#include "common.cuh"

// y[i] = bf16(x[i]) for i in [0, n).
extern "C" __global__ void vae4j_to_bf16(const float* x, __nv_bfloat16* y, long long n) {
  VAE4J_GRID_STRIDE(i, n) { y[i] = __float2bfloat16_rn(x[i]); }
}
