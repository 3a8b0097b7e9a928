package dev.vae4j.backend.cuda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GEMMs of {@code --precision bf16} on the GPU: each operand rounded to a bfloat16 copy by
 * {@code vae4j_to_bf16} ({@code native/bf16.cu}; the CPU's {@code LoopKernels.toBf16} is its
 * reference), then one cuBLASLt matmul on BF16 tensor cores with CUDA_R_16BF inputs and FP32
 * compute, C and D ({@link LtMatmulKey#bf16Gemm}). A weight is rounded again by every GEMM that
 * reads it (two or three per step), a few microseconds on the GPU, which keeps the optimizer's
 * kernels as they are.
 *
 * <p>Each tensor (by address and length) gets its copy on first use and keeps it until the backend
 * closes: a recorded step's probes allocate them all before the capture, which may not allocate,
 * and replays find the same copies at the same addresses.
 */
final class CudaBf16Gemm {
  private record Source(long address, long length) {}

  private final CudaQueue queue;
  private final DeviceMemory memory;
  private final CublasLt cublasLt;
  private final Map<Source, CudaTensor> copies = new LinkedHashMap<>();

  CudaBf16Gemm(CudaQueue queue, DeviceMemory memory, CublasLt cublasLt) {
    this.queue = queue;
    this.memory = memory;
    this.cublasLt = cublasLt;
  }

  /** C = alpha op(A) op(B) + beta C as {@code DenseOps#gemm}, with A and B rounded to bfloat16. */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CudaTensor a, CudaTensor b, float beta,
      CudaTensor c) {
    CudaTensor a16 = rounded(a, (long) m * k), b16 = rounded(b, (long) k * n);
    LtMatmulKey key = LtMatmulKey.bf16Gemm(transA, transB, m, n, k, a16.address, b16.address, c.address);
    CublasLt.Plan plan = cublasLt.plan(key);
    if (plan == null) throw new CudaException("cuBLASLt has no BF16 algorithm for " + key.describe());
    long[] args = {transA ? 1 : 0, transB ? 1 : 0, m, n, k, Float.floatToRawIntBits(alpha), a16.address,
        b16.address, Float.floatToRawIntBits(beta), c.address};
    // cuBLASLt's A is B's copy and its B is A's (the row-major swap).
    if (queue.recorded("gemm bf16", args, -1)) cublasLt.matmul(plan, alpha, b16, a16, beta, c, null);
  }

  /** Queues the rounding of the first {@code count} elements of {@code t} into its copy; returns the copy. */
  private CudaTensor rounded(CudaTensor t, long count) {
    CudaTensor copy = copies.get(new Source(t.address, t.length()));
    if (copy == null) {
      copy = memory.allocateBytes(t.length(), Math.max(2, 2 * t.length()), "bf16 copy of " + t.length() + " floats");
      copies.put(new Source(t.address, t.length()), copy);
    }
    queue.kernels.args(Kernel.TO_BF16).ptr(t).ptr(copy).i64(count);
    queue.launch(Kernel.TO_BF16, LaunchConfig.elementwise(count, queue.context.multiprocessors), "toBf16", -1);
    return copy;
  }
}
