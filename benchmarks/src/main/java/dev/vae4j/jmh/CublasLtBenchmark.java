package dev.vae4j.jmh;

import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_RELU_BIAS;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_BIAS_POINTER;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_EPILOGUE;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_TRANSA;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasLtCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmul;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulAlgoGetHeuristic;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutCreate;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;
import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.StepGemms;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.GemmShape;
import org.bytedeco.cuda.cublas.cublasLtContext;
import org.bytedeco.cuda.cublas.cublasLtMatmulDescOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulHeuristicResult_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulPreferenceOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatrixLayoutOpaque_t;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * GPU only: a forward layer {@code y = relu(x W^T + b)} of the default model at {@code batch} rows,
 * unfused (cuBLAS SGEMM, then vae4j's bias + ReLU kernel: two launches, y written and read back),
 * as vae4j runs it ({@code Backend.linearForward}: a cached cuBLASLt plan with the RELU_BIAS
 * epilogue), and as one bare cuBLASLt matmul with that epilogue; reported as GFLOP/s of the GEMM. The cuBLASLt side uses its own buffers in the same primary context. Written
 * without a GPU at hand: see docs/benchmarks.md for whether it has been run.
 */
public class CublasLtBenchmark extends OnBackend {
  @Param({"cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"enc1 forward", "dec1 forward", "dec.out forward"})
  public String role;

  @Param({"128", "1024"})
  public int batch;

  private static final long WORKSPACE_BYTES = 32L << 20;

  private GemmShape shape;
  private Tensor x, w, bias, y;
  private cublasLtContext lt;
  private cublasLtMatmulDescOpaque_t desc;
  private cublasLtMatrixLayoutOpaque_t aLayout, bLayout, cLayout;
  private cublasLtMatmulHeuristicResult_t heuristic;
  private final Pointer dx = new Pointer(), dw = new Pointer(), db = new Pointer(), dy = new Pointer();
  private final Pointer workspace = new Pointer();
  private final FloatPointer alpha = new FloatPointer(1f), beta = new FloatPointer(0f);

  @Override
  protected void finish() {
    super.finish();
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  }

  @Override
  protected void prepare() {
    shape = StepGemms.trainingStep(new ParameterLayout(VaeConfig.mnistDefault()), batch).stream()
        .filter(g -> g.role().equals(role)).findFirst().orElseThrow();
    int in = shape.k(), out = shape.n();
    x = random((long) batch * in, 0, 1);
    w = random((long) out * in, -0.05f, 0.05f);
    bias = random(out, -0.1f, 0.1f);
    y = random((long) batch * out, -1, 1);
    deviceCopy(dx, device.download(x));
    deviceCopy(dw, device.download(w));
    deviceCopy(db, device.download(bias));
    deviceCopy(dy, device.download(y));
    check(cudaMalloc(workspace, WORKSPACE_BYTES), "cudaMalloc(workspace)");

    lt = new cublasLtContext();
    check(cublasLtCreate(lt), "cublasLtCreate");
    PointerPointer<?> handle = new PointerPointer<>(1);
    check(cublasLtMatmulDescCreate(handle, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
    desc = new cublasLtMatmulDescOpaque_t(handle.get(0));
    // Column-major view of row-major data: y^T[out, batch] = W[out, in] (stored as col-major
    // [in, out], so transposed) times x^T[in, batch]; the bias runs along y^T's rows.
    setAttribute(CUBLASLT_MATMUL_DESC_TRANSA, new int[] {CUBLAS_OP_T});
    setAttribute(CUBLASLT_MATMUL_DESC_EPILOGUE, new int[] {CUBLASLT_EPILOGUE_RELU_BIAS});
    try (PointerPointer<?> biasPointer = new PointerPointer<>(1).put(0, db)) {
      check(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, biasPointer, Pointer.sizeof(PointerPointer.class)),
          "set bias pointer");
    }
    aLayout = layout(in, out, in);
    bLayout = layout(in, batch, in);
    cLayout = layout(out, batch, out);
    PointerPointer<?> prefHandle = new PointerPointer<>(1);
    check(cublasLtMatmulPreferenceCreate(prefHandle), "cublasLtMatmulPreferenceCreate");
    cublasLtMatmulPreferenceOpaque_t preference = new cublasLtMatmulPreferenceOpaque_t(prefHandle.get(0));
    try (LongPointer bytes = new LongPointer(1).put(WORKSPACE_BYTES)) {
      check(cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, bytes, 8),
          "set workspace preference");
    }
    heuristic = new cublasLtMatmulHeuristicResult_t();
    int[] found = new int[1];
    check(cublasLtMatmulAlgoGetHeuristic(lt, desc, aLayout, bLayout, cLayout, cLayout, preference, 1, heuristic, found),
        "cublasLtMatmulAlgoGetHeuristic");
    if (found[0] == 0) throw new IllegalStateException("cuBLASLt found no algorithm for " + shape.describe());
  }

  @Override
  protected void cleanup() {
    for (Tensor t : new Tensor[] {x, w, bias, y}) device.release(t);
    for (Pointer p : new Pointer[] {dx, dw, db, dy, workspace}) cudaFree(p);
    cublasLtDestroy(lt);
  }

  /** Unfused: one cuBLAS SGEMM, then the bias + ReLU kernel over y. */
  @Benchmark
  public void cublasThenKernel(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      device.gemm(false, true, batch, shape.n(), shape.k(), 1f, x, w, 0f, y);
      device.biasActivation(y, bias, batch, shape.n(), Activation.RELU);
    }
    finish();
    counter.gflop += reps * shape.flops() / 1e9;
  }

  /** vae4j's fused layer: the backend's cached cuBLASLt plan with the RELU_BIAS epilogue. */
  @Benchmark
  public void linearForward(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      device.linearForward(x, w, bias, y, batch, shape.k(), shape.n(), Activation.RELU);
    }
    finish();
    counter.gflop += reps * shape.flops() / 1e9;
  }

  /** One cuBLASLt matmul with the bias and ReLU fused into its epilogue. */
  @Benchmark
  public void cublasLtEpilogue(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      check(cublasLtMatmul(lt, desc, alpha, dw, aLayout, dx, bLayout, beta, dy, cLayout, dy, cLayout,
          heuristic.algo(), workspace, WORKSPACE_BYTES, (CUstream_st) null), "cublasLtMatmul");
    }
    finish();
    counter.gflop += reps * shape.flops() / 1e9;
  }

  private void setAttribute(int attribute, int[] value) {
    try (Pointer p = new org.bytedeco.javacpp.IntPointer(value)) {
      check(cublasLtMatmulDescSetAttribute(desc, attribute, p, 4), "cublasLtMatmulDescSetAttribute(" + attribute + ")");
    }
  }

  private static cublasLtMatrixLayoutOpaque_t layout(long rows, long cols, long ld) {
    PointerPointer<?> handle = new PointerPointer<>(1);
    check(cublasLtMatrixLayoutCreate(handle, CUDA_R_32F, rows, cols, ld), "cublasLtMatrixLayoutCreate");
    return new cublasLtMatrixLayoutOpaque_t(handle.get(0));
  }

  private static void deviceCopy(Pointer target, float[] host) {
    check(cudaMalloc(target, (long) host.length * Float.BYTES), "cudaMalloc");
    try (FloatPointer staging = new FloatPointer(host)) {
      check(cudaMemcpy(target, staging, (long) host.length * Float.BYTES, cudaMemcpyHostToDevice), "cudaMemcpy");
    }
  }

  private static void check(int status, String what) {
    if (status != 0) throw new IllegalStateException(what + " failed with status " + status);
  }
}
