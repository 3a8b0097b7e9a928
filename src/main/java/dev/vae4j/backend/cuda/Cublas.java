package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;

/**
 * Row-major GEMMs on cuBLAS, which is column-major. A row-major {@code [r, c]} matrix is the
 * column-major {@code [c, r]} matrix with the same bytes, so {@code C = op(A) op(B)} in row-major
 * is {@code C^T = op(B)^T op(A)^T} in column-major: the same call with the operands swapped and no
 * copies. FP32 throughout unless TF32 tensor-core math is asked for.
 */
final class Cublas implements AutoCloseable {
  /** cuBLAS' recommended workspace for Hopper; set up front so graph capture never allocates. */
  static final long WORKSPACE_BYTES = 32L << 20;

  private final CudaContext context;
  private final CudaApi api;
  private final long handle;
  private final int version;
  /** The preallocated workspace, shared with {@link CublasLt} (same stream, so never in use twice). */
  final CudaTensor workspace;

  Cublas(CudaContext context, DeviceMemory memory, boolean tf32) {
    this.context = context;
    this.api = context.api;
    long[] h = new long[1];
    Status.cublas(api.cublasCreate(h), "cublasCreate");
    this.handle = h[0];
    Status.cublas(api.cublasSetStream(handle, context.stream), "cublasSetStream");
    this.workspace = memory.allocate(WORKSPACE_BYTES / Float.BYTES, "cuBLAS workspace");
    Status.cublas(api.cublasSetWorkspace(handle, workspace.address, WORKSPACE_BYTES), "cublasSetWorkspace");
    Status.cublas(api.cublasSetMathMode(handle, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
        "cublasSetMathMode");
    int[] v = new int[1];
    Status.cublas(api.cublasGetVersion(handle, v), "cublasGetVersion");
    this.version = v[0];
  }

  /** cuBLAS' version, e.g. 130001 for 13.0.1. */
  int version() {
    return version;
  }

  /** The {@link dev.vae4j.backend.Backend#gemm} contract, row-major, on the backend's stream. */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue, CudaTensor a, CudaTensor b,
      float betaValue, CudaTensor c) {
    if (m == 0 || n == 0) return;
    context.makeCurrent();
    // Column-major C^T[n, m] = op(B)^T[n, k] * op(A)^T[k, m]. B stored row-major [k, n] is
    // column-major [n, k] with leading dimension n; stored [n, k] (transB) it is column-major
    // [k, n] with leading dimension k and must be transposed. Likewise for A.
    Status.cublas(api.cublasSgemm(handle,
            transB ? CUBLAS_OP_T : CUBLAS_OP_N,
            transA ? CUBLAS_OP_T : CUBLAS_OP_N,
            n, m, k,
            alphaValue,
            b.address, Math.max(1, transB ? k : n),
            a.address, Math.max(1, transA ? m : k),
            betaValue,
            c.address, n),
        "cublasSgemm(" + m + "x" + n + "x" + k + ", transA=" + transA + ", transB=" + transB + ")");
    context.afterOp("gemm");
  }

  /**
   * {@code models} independent {@link #gemm}s in one strided-batched cuBLAS call, operand i starting
   * {@code i * stride} floats after {@code a}, {@code b}, {@code c} (the same operand swap).
   */
  void gemmStridedBatched(int models, boolean transA, boolean transB, int m, int n, int k, float alphaValue,
      CudaTensor a, long strideA, CudaTensor b, long strideB, float betaValue, CudaTensor c, long strideC) {
    if (m == 0 || n == 0) return;
    context.makeCurrent();
    Status.cublas(api.cublasSgemmStridedBatched(handle,
            transB ? CUBLAS_OP_T : CUBLAS_OP_N,
            transA ? CUBLAS_OP_T : CUBLAS_OP_N,
            n, m, k,
            alphaValue,
            b.address, Math.max(1, transB ? k : n), strideB,
            a.address, Math.max(1, transA ? m : k), strideA,
            betaValue,
            c.address, n, strideC, models),
        "cublasSgemmStridedBatched(" + models + " x " + m + "x" + n + "x" + k + ", transA=" + transA + ", transB="
            + transB + ")");
    context.afterOp("stackedGemm");
  }

  @Override
  public void close() {
    context.makeCurrent();
    Status.cublas(api.cublasDestroy(handle), "cublasDestroy");
  }
}
