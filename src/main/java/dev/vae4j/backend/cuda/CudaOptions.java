package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Precision;

/**
 * Settings of a {@link CudaBackend}, made by name: {@link #defaults()} (or {@link
 * #fromSystemProperties()}) and the {@code with...} methods, e.g. {@code
 * CudaOptions.defaults().withTf32(true).withGraphs(false)}.
 *
 * @param device the CUDA device ordinal (default 0)
 * @param tf32 let cuBLAS use TF32 tensor cores for FP32 GEMMs (faster, ~1e-3 relative error);
 *     off by default so results match the CPU backend to float rounding
 * @param graphs capture {@link dev.vae4j.backend.Backend#recordStep} as a CUDA graph (default on);
 *     when false a recorded step simply re-runs its body (the uncaptured path)
 * @param syncEveryOp wait after every op, so an asynchronous GPU fault is reported by the op that
 *     caused it (slow; for debugging; default off)
 * @param epilogues fuse dense layers' bias, ReLU and bias gradient into cuBLASLt matmul epilogues
 *     (default on); when false, plain SGEMMs and vae4j's kernels (to measure what the fusion is
 *     worth)
 * @param precision what the GEMMs read: FP32, or BF16 copies of their operands on BF16 tensor
 *     cores with FP32 accumulation ({@code --precision}; default FP32)
 */
public record CudaOptions(int device, boolean tf32, boolean graphs, boolean syncEveryOp, boolean epilogues,
    Precision precision) {
  private static final CudaOptions DEFAULTS = new CudaOptions(0, false, true, false, true, Precision.FP32);

  /** Device 0, FP32 GEMMs, graphs on, no sync after every op, cuBLASLt epilogues on. */
  public static CudaOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Defaults, overridable by the system properties {@code vae4j.cuda.device}, {@code
   * vae4j.cuda.tf32}, {@code vae4j.cuda.graphs}, {@code vae4j.cuda.syncEveryOp} and {@code
   * vae4j.cuda.epilogues}.
   */
  public static CudaOptions fromSystemProperties() {
    return defaults()
        .withDevice(Integer.getInteger("vae4j.cuda.device", 0))
        .withTf32(Boolean.parseBoolean(System.getProperty("vae4j.cuda.tf32", "false")))
        .withGraphs(Boolean.parseBoolean(System.getProperty("vae4j.cuda.graphs", "true")))
        .withSyncEveryOp(Boolean.parseBoolean(System.getProperty("vae4j.cuda.syncEveryOp", "false")))
        .withEpilogues(Boolean.parseBoolean(System.getProperty("vae4j.cuda.epilogues", "true")));
  }

  /** These options on CUDA device {@code device}. */
  public CudaOptions withDevice(int device) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }

  /** These options with TF32 GEMMs on or off. */
  public CudaOptions withTf32(boolean tf32) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }

  /** These options with recorded steps captured as CUDA graphs, or not. */
  public CudaOptions withGraphs(boolean graphs) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }

  /** These options waiting after every op, or not. */
  public CudaOptions withSyncEveryOp(boolean syncEveryOp) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }

  /** These options with cuBLASLt epilogues on or off. */
  public CudaOptions withEpilogues(boolean epilogues) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }

  /** These options with the GEMMs reading {@code precision}. */
  public CudaOptions withPrecision(Precision precision) {
    return new CudaOptions(device, tf32, graphs, syncEveryOp, epilogues, precision);
  }
}
