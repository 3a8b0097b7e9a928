package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetVersion_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetWorkspace_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.FloatPointer;

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
  private final cublasContext handle = new cublasContext();
  private final FloatPointer alpha = new FloatPointer(1);
  private final FloatPointer beta = new FloatPointer(1);
  private final int version;
  /** The preallocated workspace, shared with {@link CublasLt} (same stream, so never in use twice). */
  final CudaTensor workspace;

  Cublas(CudaContext context, DeviceMemory memory, boolean tf32) {
    this.context = context;
    Status.cublas(cublasCreate_v2(handle), "cublasCreate");
    Status.cublas(cublasSetStream_v2(handle, context.stream), "cublasSetStream");
    this.workspace = memory.allocate(WORKSPACE_BYTES / Float.BYTES, "cuBLAS workspace");
    Status.cublas(cublasSetWorkspace_v2(handle, workspace.pointer, WORKSPACE_BYTES), "cublasSetWorkspace");
    Status.cublas(cublasSetMathMode(handle, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
        "cublasSetMathMode");
    int[] v = new int[1];
    Status.cublas(cublasGetVersion_v2(handle, v), "cublasGetVersion");
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
    alpha.put(0, alphaValue);
    beta.put(0, betaValue);
    // Column-major C^T[n, m] = op(B)^T[n, k] * op(A)^T[k, m]. B stored row-major [k, n] is
    // column-major [n, k] with leading dimension n; stored [n, k] (transB) it is column-major
    // [k, n] with leading dimension k and must be transposed. Likewise for A.
    Status.cublas(cublasSgemm_v2(handle,
            transB ? CUBLAS_OP_T : CUBLAS_OP_N,
            transA ? CUBLAS_OP_T : CUBLAS_OP_N,
            n, m, k,
            alpha,
            b.pointer, Math.max(1, transB ? k : n),
            a.pointer, Math.max(1, transA ? m : k),
            beta,
            c.pointer, n),
        "cublasSgemm(" + m + "x" + n + "x" + k + ", transA=" + transA + ", transB=" + transB + ")");
    context.afterOp("gemm");
  }

  @Override
  public void close() {
    alpha.close();
    beta.close();
    context.makeCurrent();
    Status.cublas(cublasDestroy_v2(handle), "cublasDestroy");
  }
}
