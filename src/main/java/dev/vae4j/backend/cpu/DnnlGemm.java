package dev.vae4j.backend.cpu;

import java.nio.FloatBuffer;
import java.util.Optional;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;

/**
 * oneDNN's {@code dnnl_sgemm}: one call per GEMM, threaded by oneDNN's OpenMP runtime over all
 * cores, with kernels JIT-generated for the CPU's widest vector ISA. On the 2-core Zen 5 dev VM
 * it runs the step's 128 x 400 x 784 GEMMs at about 330 GFLOP/s, against 115 for OpenBLAS with
 * the Haswell kernels the environment forces (on the Zen 4 one, whose cores do half the FP32
 * arithmetic per cycle, at 165; docs/benchmarks.md). OpenMP's usual
 * variables (OMP_NUM_THREADS, OMP_WAIT_POLICY) apply.
 */
final class DnnlGemm implements Gemm {
  private final String description;
  private final Optional<OpenMpThreads> openMp;

  private DnnlGemm(String description, Optional<OpenMpThreads> openMp) {
    this.description = description;
    this.openMp = openMp;
  }

  /** Loads oneDNN; throws {@link LinkageError} (or a runtime exception) when its natives are missing. */
  static DnnlGemm load() {
    dnnl_version_t v = dnnl.dnnl_version();
    String isa = isaName(dnnl.dnnl_get_effective_cpu_isa());
    return new DnnlGemm("oneDNN " + v.major() + "." + v.minor() + "." + v.patch() + " SGEMM (" + isa + ", OpenMP threads)",
        OpenMpThreads.find());
  }

  @Override
  public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatBuffer a, FloatBuffer b,
      float beta, FloatBuffer c, ParallelRanges parallel) {
    int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, alpha,
        a, transA ? m : k, b, transB ? k : n, beta, c, n);
    if (status != dnnl.dnnl_success) {
      throw new IllegalStateException("dnnl_sgemm failed with status " + status + " for " + m + "x" + n + "x" + k);
    }
  }

  @Override
  public boolean ownsTheCores() {
    return true;
  }

  @Override
  public boolean canConfine() {
    return openMp.isPresent();
  }

  @Override
  public void confine(int threads) {
    openMp.ifPresent(o -> o.confine(threads));
  }

  @Override
  public int threads() {
    return openMp.map(OpenMpThreads::usual).orElse(1);
  }

  @Override
  public String describe() {
    return description;
  }

  /** oneDNN's name of the ISA {@code value} ({@code dnnl_get_effective_cpu_isa}). */
  static String isaName(int value) {
    for (dnnl.cpu_isa isa : dnnl.cpu_isa.values()) {
      if (isa.value == value) return isa.name();
    }
    return "ISA 0x" + Integer.toHexString(value);
  }
}
