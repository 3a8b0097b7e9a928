package dev.vae4j.backend.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS {@code cblas_sgemm}, single-threaded, with C's rows split across vae4j's own threads:
 * OpenBLAS's threads busy-wait between calls and would fight the elementwise loops for the cores.
 */
final class OpenBlasGemm implements Gemm {
  /** Multiply-adds below which a GEMM is not worth splitting across threads. */
  private static final long MIN_WORK_PER_THREAD = 1 << 18;

  OpenBlasGemm() {
    Loader.load(openblas_nolapack.class);
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
  }

  @Override
  public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a, FloatBuffer b,
      float beta, FloatBuffer c, ParallelRanges parallel) {
    int parts = (long) m * n * k < MIN_WORK_PER_THREAD ? 1 : Math.min(parallel.threads(), m);
    parallel.forChunks(m, parts, (from, to) -> {
      int aStart = transA ? from : from * k;
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
          to - from, n, k, alpha,
          a.slice(aStart, a.capacity() - aStart), transA ? m : k,
          b, transB ? k : n,
          beta, // OpenBLAS zeroes C itself when beta == 0, so NaN left in C does not propagate
          c.slice(from * n, (to - from) * n), n);
    });
  }

  @Override
  public boolean ownsTheCores() {
    return false;
  }

  /** Each call is single-threaded already (the constructor sets one OpenBLAS thread). */
  @Override
  public boolean canConfine() {
    return true;
  }

  @Override
  public void confine(int threads) {}

  /** One per call: a part's GEMMs are split over its thread alone (nested loops run inline). */
  @Override
  public int threads() {
    return 1;
  }

  @Override
  public String describe() {
    String core = System.getenv("OPENBLAS_CORETYPE");
    return "OpenBLAS " + openblas_nolapack.OPENBLAS_VERSION.replace("OpenBLAS", "").trim()
        + " SGEMM (rows split over vae4j's threads" + (core == null ? "" : ", OPENBLAS_CORETYPE=" + core) + ")";
  }
}
