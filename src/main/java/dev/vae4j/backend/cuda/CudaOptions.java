package dev.vae4j.backend.cuda;

/**
 * Settings of a {@link CudaBackend}.
 *
 * @param device the CUDA device ordinal
 * @param tf32 let cuBLAS use TF32 tensor cores for FP32 GEMMs (faster, ~1e-3 relative error);
 *     off by default so results match the CPU backend to float rounding
 * @param graphs capture {@link dev.vae4j.backend.Backend#recordStep} as a CUDA graph; when false
 *     a recorded step simply re-runs its body (the uncaptured path)
 * @param syncEveryOp wait after every op, so an asynchronous GPU fault is reported by the op that
 *     caused it (slow; for debugging)
 * @param epilogues fuse dense layers' bias, ReLU and bias gradient into cuBLASLt matmul epilogues;
 *     when false, plain SGEMMs and vae4j's kernels (to measure what the fusion is worth)
 */
public record CudaOptions(int device, boolean tf32, boolean graphs, boolean syncEveryOp, boolean epilogues) {
  /** The defaults for everything but these. */
  public CudaOptions(int device, boolean tf32, boolean graphs, boolean syncEveryOp) {
    this(device, tf32, graphs, syncEveryOp, true);
  }

  /**
   * Defaults, overridable by the system properties {@code vae4j.cuda.device}, {@code
   * vae4j.cuda.tf32}, {@code vae4j.cuda.graphs}, {@code vae4j.cuda.syncEveryOp} and {@code
   * vae4j.cuda.epilogues}.
   */
  public static CudaOptions fromSystemProperties() {
    return new CudaOptions(
        Integer.getInteger("vae4j.cuda.device", 0),
        Boolean.parseBoolean(System.getProperty("vae4j.cuda.tf32", "false")),
        Boolean.parseBoolean(System.getProperty("vae4j.cuda.graphs", "true")),
        Boolean.parseBoolean(System.getProperty("vae4j.cuda.syncEveryOp", "false")),
        Boolean.parseBoolean(System.getProperty("vae4j.cuda.epilogues", "true")));
  }
}
