package dev.vae4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * The CPU backend's matrix multiply, behind one interface with two implementations picked at
 * start-up with the reason logged (as {@link LoopKernels} is): {@link DnnlGemm}, oneDNN's JIT
 * SGEMM, which picks AVX-512 or AVX2 kernels from the CPU itself; and {@link OpenBlasGemm}, whose
 * kernel choice follows {@code OPENBLAS_CORETYPE} (the machines this project runs on force the
 * Haswell kernels there, about a third of oneDNN's rate on the step's shapes; docs/benchmarks.md).
 * {@code -Dvae4j.gemm=openblas} or {@code =dnnl} forces one. Both pass the same contract tests
 * ({@code CpuBackendTest}, {@code OpenBlasCpuBackendTest}).
 */
interface Gemm {

  /**
   * C = alpha op(A) op(B) + beta C for row-major C [m, n] (leading dimension n), op(A) [m, k] and
   * op(B) [k, n], A and B stored row-major untransposed or transposed as the flags say. With beta =
   * 0, C's old contents (even NaN) are ignored. Implementations that split rows themselves do it on
   * {@code parallel}'s threads.
   */
  void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a, FloatBuffer b,
      float beta, FloatBuffer c, ParallelRanges parallel);

  /**
   * True when the library runs its own threads on every core. The elementwise loops then stay on
   * the calling thread: split across the cores between oneDNN's GEMMs they made a step slower, not
   * faster (19,000-35,000 samples/s against 41,000 on the dev machine, whether or not OpenMP's
   * workers were told to stop spinning; docs/benchmarks.md).
   */
  boolean ownsTheCores();

  /**
   * True when {@link #confine} works, so that a CPU backend can run the parts of a batch side by
   * side, each on its share of the cores ({@code Backend#batchParts}).
   */
  boolean canConfine();

  /**
   * Makes GEMMs called from the current thread use at most {@code threads} threads, or the usual
   * number again when {@code threads} is 0.
   */
  void confine(int threads);

  /** Threads a GEMM uses when not confined: what the parts of a batch running at once share. */
  int threads();

  /** Library, version and threading, for logs. */
  String describe();

  /** The implementation and the reason it was chosen. */
  record Choice(Gemm gemm, String reason) {}

  /** {@code wanted} is {@code auto} (oneDNN when it loads, else OpenBLAS), {@code dnnl} or {@code openblas}. */
  static Choice select(String wanted) {
    switch (wanted) {
      case "openblas":
        return new Choice(new OpenBlasGemm(), "forced by vae4j.gemm=openblas");
      case "dnnl":
        return new Choice(DnnlGemm.load(), "forced by vae4j.gemm=dnnl");
      case "auto":
        break;
      default:
        throw new IllegalArgumentException("vae4j.gemm must be auto, dnnl or openblas, got '" + wanted + "'");
    }
    try {
      return new Choice(DnnlGemm.load(), "oneDNN loaded");
    } catch (LinkageError | RuntimeException e) {
      return new Choice(new OpenBlasGemm(), "OpenBLAS: oneDNN unavailable (" + e + ")");
    }
  }
}
