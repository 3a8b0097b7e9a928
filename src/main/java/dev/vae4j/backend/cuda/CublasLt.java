package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_BIAS_POINTER;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_EPILOGUE;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_TRANSA;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_TRANSB;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F;
import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F_FAST_TF32;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_NOT_SUPPORTED;
import static org.bytedeco.cuda.global.cudart.CUDA_R_16BF;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;


/**
 * GEMMs with a fused epilogue on cuBLASLt (bias, bias + ReLU, bias gradient), so that a layer's
 * bias and activation, or its bias gradient, cost no kernel of their own. Each shape is planned
 * once ({@link LtPlanCache}: descriptors, layouts and the heuristic's best algorithm for the
 * preallocated workspace) and replayed from the cache; the workspace is cuBLAS' own, which is safe
 * because both libraries queue on the backend's one stream. FP32 unless TF32 is asked for.
 */
final class CublasLt implements AutoCloseable {
  private final CudaContext context;
  private final CudaApi api;
  private final CudaTensor workspace;
  private final int computeType;
  private final long handle;
  private final LtPlanCache<Plan> plans = new LtPlanCache<>(this::createPlan);

  /**
   * A planned matmul: the handles of its descriptor, of the layouts of A, B and D (0 where not
   * made), and of the heuristic result holding the chosen algorithm.
   */
  record Plan(LtMatmulKey key, long desc, long a, long b, long d, long heuristic) {}

  /** @param workspace device memory for the algorithms, of at least {@link Cublas#WORKSPACE_BYTES} */
  CublasLt(CudaContext context, CudaTensor workspace, boolean tf32) {
    this.context = context;
    this.api = context.api;
    this.workspace = workspace;
    this.computeType = tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    context.makeCurrent();
    long[] h = new long[1];
    Status.cublas(api.cublasLtCreate(h), "cublasLtCreate");
    this.handle = h[0];
  }

  /** The cached plan for {@code key}, planned on first use; null when cuBLASLt has no algorithm for it. */
  Plan plan(LtMatmulKey key) {
    return plans.get(key);
  }

  /**
   * {@code D = A op B} with the plan's epilogue, on the stream; {@code bias} is the epilogue's bias
   * (read) or bias gradient (written), null when the epilogue has none. A, B and D are cuBLASLt's
   * (column-major) operands, as {@link LtMatmulKey} names them.
   */
  void matmul(Plan plan, CudaTensor a, CudaTensor b, CudaTensor d, CudaTensor bias) {
    matmul(plan, 1f, a, b, 0f, d, bias);
  }

  /** {@code D = alpha A op B + beta D} with the plan's epilogue, as {@link #matmul(Plan, CudaTensor, CudaTensor, CudaTensor, CudaTensor)}. */
  void matmul(Plan plan, float alpha, CudaTensor a, CudaTensor b, float beta, CudaTensor d, CudaTensor bias) {
    LtMatmulKey key = plan.key();
    if (key.epilogue().usesBias != (bias != null)) {
      throw new IllegalArgumentException(key.describe() + ": bias " + (bias == null ? "missing" : "not used"));
    }
    context.makeCurrent();
    if (bias != null) {
      // Set per call: the plan is per shape, the bias is per layer. The value is copied.
      Status.cublas(api.cublasLtMatmulDescSetAttribute(plan.desc(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias.address,
          Long.BYTES), "cublasLtMatmulDescSetAttribute(BIAS_POINTER) for " + key.describe());
    }
    Status.cublas(api.cublasLtMatmul(handle, plan.desc(), alpha, a.address, plan.a(), b.address, plan.b(), beta,
            d.address, plan.d(), d.address, plan.d(), plan.heuristic(), workspace.address,
            Cublas.WORKSPACE_BYTES, context.stream),
        "cublasLtMatmul(" + key.describe() + ")");
    context.afterOp("cublasLtMatmul");
  }

  /** How many shapes have been planned, for the backend's description. */
  int plannedShapes() {
    return plans.size();
  }

  /** Descriptors and the heuristic's first choice for {@code key}; null if cuBLASLt has none. */
  private Plan createPlan(LtMatmulKey key) {
    context.makeCurrent();
    String what = " for " + key.describe();
    long desc = 0, a = 0, b = 0, d = 0, preference = 0;
    long heuristic = api.newHeuristicResult();
    long[] out = new long[1];
    try {
      // BF16 inputs accumulate in FP32 (CUBLAS_COMPUTE_32F), whatever TF32 says of FP32 GEMMs.
      Status.cublas(api.cublasLtMatmulDescCreate(out, key.bf16() ? CUBLAS_COMPUTE_32F : computeType, CUDA_R_32F),
          "cublasLtMatmulDescCreate" + what);
      desc = out[0];
      setDescInt(desc, CUBLASLT_MATMUL_DESC_TRANSA, key.transA() ? CUBLAS_OP_T : CUBLAS_OP_N, "TRANSA" + what);
      setDescInt(desc, CUBLASLT_MATMUL_DESC_TRANSB, key.transB() ? CUBLAS_OP_T : CUBLAS_OP_N, "TRANSB" + what);
      setDescInt(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, key.epilogue().code, "EPILOGUE" + what);
      int inputs = key.bf16() ? CUDA_R_16BF : CUDA_R_32F;
      a = layout(inputs, key.aRows(), key.aCols(), key.lda(), "A" + what);
      b = layout(inputs, key.bRows(), key.bCols(), key.ldb(), "B" + what);
      d = layout(CUDA_R_32F, key.m(), key.n(), key.ldd(), "D" + what);
      Status.cublas(api.cublasLtMatmulPreferenceCreate(out), "cublasLtMatmulPreferenceCreate" + what);
      preference = out[0];
      setPreference(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, Cublas.WORKSPACE_BYTES, what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, key.alignA(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, key.alignB(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, key.alignD(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, key.alignD(), what);
      int[] found = new int[1];
      int rc = api.cublasLtMatmulAlgoGetHeuristic(handle, desc, a, b, d, d, preference, 1, heuristic, found);
      if (rc == CUBLAS_STATUS_NOT_SUPPORTED || (rc == 0 && found[0] == 0)) {
        destroy(new Plan(key, desc, a, b, d, heuristic));
        return null;
      }
      Status.cublas(rc, "cublasLtMatmulAlgoGetHeuristic" + what);
      Status.cublas(api.heuristicState(heuristic), "cublasLtMatmulAlgoGetHeuristic's algorithm" + what);
      return new Plan(key, desc, a, b, d, heuristic);
    } catch (RuntimeException e) {
      try {
        destroy(new Plan(key, desc, a, b, d, heuristic));
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    } finally {
      if (preference != 0) {
        Status.cublas(api.cublasLtMatmulPreferenceDestroy(preference), "cublasLtMatmulPreferenceDestroy" + what);
      }
    }
  }

  private long layout(int type, long rows, long cols, long ld, String what) {
    long[] out = new long[1];
    Status.cublas(api.cublasLtMatrixLayoutCreate(out, type, rows, cols, Math.max(1, ld)),
        "cublasLtMatrixLayoutCreate(" + what + ")");
    return out[0];
  }

  private void setDescInt(long desc, int attribute, int value, String what) {
    Status.cublas(api.cublasLtMatmulDescSetAttribute(desc, attribute, value, Integer.BYTES),
        "cublasLtMatmulDescSetAttribute(" + what + ")");
  }

  /** Sets a preference; the workspace size is a {@code uint64_t}, the alignments {@code uint32_t}. */
  private void setPreference(long pref, int attribute, long value, String what) {
    if (attribute == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES) {
      Status.cublas(api.cublasLtMatmulPreferenceSetAttribute(pref, attribute, value, Long.BYTES),
          "cublasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)" + what);
    } else {
      Status.cublas(api.cublasLtMatmulPreferenceSetAttribute(pref, attribute, Math.toIntExact(value), Integer.BYTES),
          "cublasLtMatmulPreferenceSetAttribute(" + attribute + ")" + what);
    }
  }

  /** Frees what a plan holds (parts never made are 0), then reports the first failure. */
  private void destroy(Plan plan) {
    int rc = 0;
    if (plan.d() != 0) rc = firstFailure(rc, api.cublasLtMatrixLayoutDestroy(plan.d()));
    if (plan.b() != 0) rc = firstFailure(rc, api.cublasLtMatrixLayoutDestroy(plan.b()));
    if (plan.a() != 0) rc = firstFailure(rc, api.cublasLtMatrixLayoutDestroy(plan.a()));
    if (plan.desc() != 0) rc = firstFailure(rc, api.cublasLtMatmulDescDestroy(plan.desc()));
    api.freeHeuristicResult(plan.heuristic());
    Status.cublas(rc, "destroying the plan of " + plan.key().describe());
  }

  private static int firstFailure(int sofar, int status) {
    return sofar != 0 ? sofar : status;
  }

  @Override
  public void close() {
    context.makeCurrent();
    plans.clear(this::destroy);
    Status.cublas(api.cublasLtDestroy(handle), "cublasLtDestroy");
  }
}
