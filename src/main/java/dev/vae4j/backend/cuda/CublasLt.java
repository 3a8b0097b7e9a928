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
import static org.bytedeco.cuda.global.cublas.cublasLtCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmul;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulAlgoGetHeuristic;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutDestroy;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;

import org.bytedeco.cuda.cublas.cublasLtContext;
import org.bytedeco.cuda.cublas.cublasLtMatmulDescOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulHeuristicResult_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulPreferenceOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatrixLayoutOpaque_t;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * GEMMs with a fused epilogue on cuBLASLt (bias, bias + ReLU, bias gradient), so that a layer's
 * bias and activation, or its bias gradient, cost no kernel of their own. Each shape is planned
 * once ({@link LtPlanCache}: descriptors, layouts and the heuristic's best algorithm for the
 * preallocated workspace) and replayed from the cache; the workspace is cuBLAS' own, which is safe
 * because both libraries queue on the backend's one stream. FP32 unless TF32 is asked for.
 */
final class CublasLt implements AutoCloseable {
  private final CudaContext context;
  private final CudaTensor workspace;
  private final int computeType;
  private final cublasLtContext handle = new cublasLtContext();
  private final FloatPointer one = new FloatPointer(1f);
  private final FloatPointer zero = new FloatPointer(0f);
  private final LongPointer biasAddress = new LongPointer(1);
  private final LtPlanCache<Plan> plans = new LtPlanCache<>(this::createPlan);

  /** A planned matmul: its descriptor, the layouts of A, B and D, and the chosen algorithm. */
  record Plan(LtMatmulKey key, cublasLtMatmulDescOpaque_t desc, cublasLtMatrixLayoutOpaque_t a,
      cublasLtMatrixLayoutOpaque_t b, cublasLtMatrixLayoutOpaque_t d, cublasLtMatmulHeuristicResult_t heuristic) {}

  /** @param workspace device memory for the algorithms, of at least {@link Cublas#WORKSPACE_BYTES} */
  CublasLt(CudaContext context, CudaTensor workspace, boolean tf32) {
    this.context = context;
    this.workspace = workspace;
    this.computeType = tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    context.makeCurrent();
    Status.cublas(cublasLtCreate(handle), "cublasLtCreate");
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
    LtMatmulKey key = plan.key();
    if (key.epilogue().usesBias != (bias != null)) {
      throw new IllegalArgumentException(key.describe() + ": bias " + (bias == null ? "missing" : "not used"));
    }
    context.makeCurrent();
    if (bias != null) {
      // Set per call: the plan is per shape, the bias is per layer. The value is copied.
      biasAddress.put(0, bias.address);
      Status.cublas(cublasLtMatmulDescSetAttribute(plan.desc(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, biasAddress,
          Long.BYTES), "cublasLtMatmulDescSetAttribute(BIAS_POINTER) for " + key.describe());
    }
    Status.cublas(cublasLtMatmul(handle, plan.desc(), one, a.pointer, plan.a(), b.pointer, plan.b(), zero,
            d.pointer, plan.d(), d.pointer, plan.d(), plan.heuristic().algo(), workspace.pointer,
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
    cublasLtMatmulDescOpaque_t desc = null;
    cublasLtMatrixLayoutOpaque_t a = null, b = null, d = null;
    cublasLtMatmulPreferenceOpaque_t preference = null;
    cublasLtMatmulHeuristicResult_t heuristic = new cublasLtMatmulHeuristicResult_t();
    try (PointerPointer<?> out = new PointerPointer<>(1)) {
      Status.cublas(cublasLtMatmulDescCreate(out, computeType, CUDA_R_32F), "cublasLtMatmulDescCreate" + what);
      desc = new cublasLtMatmulDescOpaque_t(out.get(0));
      setDescInt(desc, CUBLASLT_MATMUL_DESC_TRANSA, key.transA() ? CUBLAS_OP_T : CUBLAS_OP_N, "TRANSA" + what);
      setDescInt(desc, CUBLASLT_MATMUL_DESC_TRANSB, key.transB() ? CUBLAS_OP_T : CUBLAS_OP_N, "TRANSB" + what);
      setDescInt(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, key.epilogue().code, "EPILOGUE" + what);
      a = layout(key.aRows(), key.aCols(), key.lda(), "A" + what);
      b = layout(key.bRows(), key.bCols(), key.ldb(), "B" + what);
      d = layout(key.m(), key.n(), key.ldd(), "D" + what);
      Status.cublas(cublasLtMatmulPreferenceCreate(out), "cublasLtMatmulPreferenceCreate" + what);
      preference = new cublasLtMatmulPreferenceOpaque_t(out.get(0));
      setPreference(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, Cublas.WORKSPACE_BYTES, what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, key.alignA(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, key.alignB(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, key.alignD(), what);
      setPreference(preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, key.alignD(), what);
      int[] found = new int[1];
      int rc = cublasLtMatmulAlgoGetHeuristic(handle, desc, a, b, d, d, preference, 1, heuristic, found);
      if (rc == CUBLAS_STATUS_NOT_SUPPORTED || (rc == 0 && found[0] == 0)) {
        destroy(new Plan(key, desc, a, b, d, heuristic));
        return null;
      }
      Status.cublas(rc, "cublasLtMatmulAlgoGetHeuristic" + what);
      Status.cublas(heuristic.state(), "cublasLtMatmulAlgoGetHeuristic's algorithm" + what);
      return new Plan(key, desc, a, b, d, heuristic);
    } catch (RuntimeException e) {
      try {
        destroy(new Plan(key, desc, a, b, d, heuristic));
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    } finally {
      if (preference != null) {
        Status.cublas(cublasLtMatmulPreferenceDestroy(preference), "cublasLtMatmulPreferenceDestroy" + what);
      }
    }
  }

  private static cublasLtMatrixLayoutOpaque_t layout(long rows, long cols, long ld, String what) {
    try (PointerPointer<?> out = new PointerPointer<>(1)) {
      Status.cublas(cublasLtMatrixLayoutCreate(out, CUDA_R_32F, rows, cols, Math.max(1, ld)),
          "cublasLtMatrixLayoutCreate(" + what + ")");
      return new cublasLtMatrixLayoutOpaque_t(out.get(0));
    }
  }

  private static void setDescInt(cublasLtMatmulDescOpaque_t desc, int attribute, int value, String what) {
    try (IntPointer p = new IntPointer(1)) {
      p.put(0, value);
      Status.cublas(cublasLtMatmulDescSetAttribute(desc, attribute, p, Integer.BYTES),
          "cublasLtMatmulDescSetAttribute(" + what + ")");
    }
  }

  /** Sets a preference; the workspace size is a {@code uint64_t}, the alignments {@code uint32_t}. */
  private static void setPreference(cublasLtMatmulPreferenceOpaque_t pref, int attribute, long value, String what) {
    if (attribute == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES) {
      try (LongPointer p = new LongPointer(1)) {
        p.put(0, value);
        Status.cublas(cublasLtMatmulPreferenceSetAttribute(pref, attribute, p, Long.BYTES),
            "cublasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)" + what);
      }
    } else {
      try (IntPointer p = new IntPointer(1)) {
        p.put(0, Math.toIntExact(value));
        Status.cublas(cublasLtMatmulPreferenceSetAttribute(pref, attribute, p, Integer.BYTES),
            "cublasLtMatmulPreferenceSetAttribute(" + attribute + ")" + what);
      }
    }
  }

  /** Frees what a plan holds (parts never made are null), then reports the first failure. */
  private static void destroy(Plan plan) {
    int rc = 0;
    if (plan.d() != null) rc = firstFailure(rc, cublasLtMatrixLayoutDestroy(plan.d()));
    if (plan.b() != null) rc = firstFailure(rc, cublasLtMatrixLayoutDestroy(plan.b()));
    if (plan.a() != null) rc = firstFailure(rc, cublasLtMatrixLayoutDestroy(plan.a()));
    if (plan.desc() != null) rc = firstFailure(rc, cublasLtMatmulDescDestroy(plan.desc()));
    plan.heuristic().close();
    Status.cublas(rc, "destroying the plan of " + plan.key().describe());
  }

  private static int firstFailure(int sofar, int status) {
    return sofar != 0 ? sofar : status;
  }

  @Override
  public void close() {
    context.makeCurrent();
    plans.clear(CublasLt::destroy);
    one.close();
    zero.close();
    biasAddress.close();
    Status.cublas(cublasLtDestroy(handle), "cublasLtDestroy");
  }
}
