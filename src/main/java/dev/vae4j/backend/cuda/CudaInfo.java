package dev.vae4j.backend.cuda;

import java.util.List;

/**
 * What this machine and this build offer the CUDA backend, for {@code vae4j info} and for backend
 * selection. Versions are "major.minor" strings, or null when they could not be read.
 *
 * @param available whether {@link CudaBackend} can run here
 * @param reason why not, when unavailable; null when available
 * @param driverVersion the CUDA version the installed driver supports
 * @param runtimeVersion the CUDA runtime library's version
 * @param gpus the visible GPUs
 * @param kernelsBuilt whether this build carries the compiled kernels
 * @param kernelArchitectures the GPU architectures the kernels were compiled for
 */
public record CudaInfo(
    boolean available,
    String reason,
    String driverVersion,
    String runtimeVersion,
    List<Gpu> gpus,
    boolean kernelsBuilt,
    List<String> kernelArchitectures) {

  public CudaInfo {
    gpus = List.copyOf(gpus);
    kernelArchitectures = List.copyOf(kernelArchitectures);
  }

  /**
   * One GPU.
   *
   * @param index the CUDA device ordinal
   * @param name the device's name, e.g. "NVIDIA H100 80GB HBM3"
   * @param memoryBytes its total memory
   * @param major compute capability, major
   * @param minor compute capability, minor
   * @param multiprocessors number of SMs
   */
  public record Gpu(int index, String name, long memoryBytes, int major, int minor, int multiprocessors) {
    /** For example {@code "NVIDIA H100 80GB HBM3 (79.2 GiB, compute 9.0, 132 SMs)"}. */
    public String summary() {
      return String.format(java.util.Locale.ROOT, "%s (%.1f GiB, compute %d.%d, %d SMs)",
          name, memoryBytes / (double) (1L << 30), major, minor, multiprocessors);
    }
  }

  /** CUDA's integer versions (1000 * major + 10 * minor) as "major.minor". */
  static String version(int encoded) {
    return (encoded / 1000) + "." + (encoded % 1000) / 10;
  }
}
