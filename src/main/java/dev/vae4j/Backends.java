package dev.vae4j;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.backend.cuda.CudaBackend;
import dev.vae4j.backend.cuda.CudaException;
import dev.vae4j.backend.cuda.CudaInfo;
import dev.vae4j.backend.cuda.CudaOptions;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Picks the backend for a run. This is the only class that knows which backends exist; everything
 * else talks to {@link Backend}. Every choice comes with the reason it was made, which the CLI
 * prints in one line.
 */
public final class Backends {
  /** JavaCPP's choice of logger: SLF4J (the no-op provider this library depends on) unless the user names another. */
  static final String JAVACPP_LOGGER = "org.bytedeco.javacpp.logger";

  static {
    quietJavaCpp();
  }

  /**
   * Routes JavaCPP's logging to SLF4J unless a logger is named already, before any native library
   * loads. JavaCPP would print "Warning: Versions of org.bytedeco:javacpp:1.5.14 and
   * org.bytedeco:openblas:0.3.31-1.5.13 do not match" (and the same for opencl) at every start:
   * the presets are pinned to those versions on purpose (pom.xml: no openblas or opencl build for
   * JavaCPP 1.5.14 is published), JavaCPP has no switch for that check but its logger, and a
   * native library that fails to load is reported by vae4j itself (the CPU backend's GEMM choice,
   * {@code vae4j info}). {@code -Dorg.bytedeco.javacpp.logger=} brings JavaCPP's own messages back.
   */
  static void quietJavaCpp() {
    if (System.getProperty(JAVACPP_LOGGER) == null) System.setProperty(JAVACPP_LOGGER, "slf4j");
  }

  private Backends() {}

  /** A backend and why it was chosen. */
  public record Choice(Backend backend, String reason) {}

  /**
   * How a GPU backend runs; the CPU ignores these.
   *
   * @param tf32 let FP32 GEMMs use TF32 tensor cores: faster, with about 1e-3 relative error per
   *     product instead of float rounding (see docs/gpu-results.md for what it costs a step)
   * @param graphs replay each recorded training step as one CUDA graph; false runs every op from
   *     the host, the uncaptured path for debugging
   */
  public record GpuOptions(boolean tf32, boolean graphs) {
    /** FP32 and graphs, unless the system properties {@code vae4j.cuda.tf32} / {@code vae4j.cuda.graphs} say otherwise. */
    public static GpuOptions defaults() {
      CudaOptions o = CudaOptions.fromSystemProperties();
      return new GpuOptions(o.tf32(), o.graphs());
    }
  }

  /**
   * The backend for {@code device}: {@code cpu}; {@code cuda}, which throws {@link
   * BackendUnavailableException} with the reason when this machine or build cannot run it; or
   * {@code auto}, which takes CUDA when a usable GPU and the kernels are present and the CPU
   * otherwise, saying why.
   */
  public static Choice select(String device) {
    return select(device, GpuOptions.defaults());
  }

  /** As {@link #select(String)}, with a GPU backend set up as {@code gpu} says. */
  public static Choice select(String device, GpuOptions gpu) {
    return select(device, gpu, false);
  }

  /**
   * As {@link #select(String, GpuOptions)}, for a model that has convolutions when {@code
   * convolutions}: those need cuDNN on the GPU, a separate install, so without it {@code auto}
   * takes the CPU, saying why, and {@code cuda} throws {@link BackendUnavailableException} naming
   * the missing library. cuDNN is only looked for when {@code convolutions}.
   */
  public static Choice select(String device, GpuOptions gpu, boolean convolutions) {
    return select(device, gpu, convolutions, Precision.FP32, 0);
  }

  /**
   * As {@link #select(String, GpuOptions, boolean)}, a CPU backend confined to {@code cpuCores}
   * threads when that is not 0 ({@link CpuBackend#confined}: the same arithmetic, for models
   * trained side by side); the GPU ignores it.
   */
  public static Choice select(String device, GpuOptions gpu, boolean convolutions, int cpuCores) {
    return select(device, gpu, convolutions, Precision.FP32, cpuCores);
  }

  /**
   * As {@link #select(String, GpuOptions, boolean)}, the backend's GEMMs reading {@code precision};
   * throws {@link PrecisionUnavailableException} when the chosen backend cannot run them so.
   */
  public static Choice select(String device, GpuOptions gpu, boolean convolutions, Precision precision) {
    return select(device, gpu, convolutions, precision, 0);
  }

  /** As {@link #select(String, GpuOptions, boolean, Precision)} on {@code cpuCores} CPU cores (0: all). */
  public static Choice select(String device, GpuOptions gpu, boolean convolutions, Precision precision, int cpuCores) {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> new Choice(cpu(precision, cpuCores), "cpu requested");
      case "cuda" -> cuda(gpu, convolutions, precision);
      case "auto" -> auto(gpu, convolutions, precision, cpuCores);
      default -> throw new IllegalArgumentException(
          "unknown device '" + device + "' (expected auto, cpu or cuda)");
    };
  }

  private static CpuBackend cpu(Precision precision, int cores) {
    String unsupported = CpuBackend.unsupportedReason(precision);
    if (unsupported != null) throw new PrecisionUnavailableException(unsupported);
    return cores == 0 ? new CpuBackend(precision) : CpuBackend.confined(cores, precision);
  }

  /** The best available backend: CUDA if it can run here, else the CPU with the reason. */
  public static Choice auto() {
    return auto(GpuOptions.defaults());
  }

  private static Choice auto(GpuOptions gpu) {
    return auto(gpu, false, Precision.FP32, 0);
  }

  private static Choice auto(GpuOptions gpu, boolean convolutions, Precision precision, int cpuCores) {
    String unavailable = gpuUnavailable(CudaBackend.probe(), convolutions, CudaBackend::convolutionsUnavailableReason);
    if (unavailable != null) return new Choice(cpu(precision, cpuCores), "using the CPU: " + unavailable);
    String noPrecision = CudaBackend.unsupportedReason(precision);
    if (noPrecision != null) return new Choice(cpu(precision, cpuCores), "using the CPU: " + noPrecision);
    try {
      CudaBackend cuda = new CudaBackend(cudaOptions(gpu).withPrecision(precision));
      return new Choice(cuda, "using CUDA: found " + cuda.gpu().summary());
    } catch (CudaException e) {
      // The probe passed but the GPU could not be set up (busy, out of memory, driver trouble).
      return new Choice(cpu(precision, cpuCores), "using the CPU: CUDA failed to start: " + e.getMessage());
    }
  }

  private static Choice cuda(GpuOptions gpu, boolean convolutions, Precision precision) {
    String unavailable = gpuUnavailable(CudaBackend.probe(), convolutions, CudaBackend::convolutionsUnavailableReason);
    if (unavailable != null) throw new BackendUnavailableException(unavailable);
    String noPrecision = CudaBackend.unsupportedReason(precision);
    if (noPrecision != null) throw new PrecisionUnavailableException(noPrecision);
    try {
      CudaBackend cuda = new CudaBackend(cudaOptions(gpu).withPrecision(precision));
      return new Choice(cuda, "cuda requested: " + cuda.gpu().summary());
    } catch (CudaException e) {
      throw new BackendUnavailableException("CUDA failed to start: " + e.getMessage());
    }
  }

  /**
   * Why the GPU cannot run a model, or null when it can: CUDA itself ({@code info}), then, only for
   * a model with convolutions, cuDNN ({@code cudnnFailure}, which loads it: a dense model never
   * does).
   */
  static String gpuUnavailable(CudaInfo info, boolean convolutions, Supplier<String> cudnnFailure) {
    if (!info.available()) return "CUDA unavailable: " + info.reason();
    String noCudnn = convolutions ? cudnnFailure.get() : null;
    return noCudnn == null ? null : "the model's convolutions need cuDNN on the GPU: " + noCudnn;
  }

  /** The device and debugging switches from the system properties, TF32 and graphs from {@code gpu}. */
  private static CudaOptions cudaOptions(GpuOptions gpu) {
    CudaOptions base = CudaOptions.fromSystemProperties();
    return base.withTf32(gpu.tf32()).withGraphs(gpu.graphs());
  }

  /**
   * What this machine and build offer, for bug reports ({@code vae4j info}).
   *
   * @param cpu the CPU backend's description (BLAS, threads, which elementwise loops)
   * @param cudaDriver the CUDA driver version, or null when none was found
   * @param cudaRuntime the CUDA runtime version, or null when none was found
   * @param kernelArchitectures the GPU architectures this build's kernels were compiled for; empty
   *     when the build has no CUDA kernels
   * @param gpus one summary per GPU (name, memory, compute capability)
   * @param cudaUnavailable why the CUDA backend cannot run here, or null when it can
   */
  public record Inventory(String cpu, String cudaDriver, String cudaRuntime, List<String> kernelArchitectures,
      List<String> gpus, String cudaUnavailable) {}

  /** The total memory of the GPU {@code backend} runs on, in bytes; 0 when it is no GPU's. */
  public static long gpuMemoryBytes(Backend backend) {
    return backend instanceof CudaBackend cuda ? cuda.gpu().memoryBytes() : 0;
  }

  /** Why the CUDA backend cannot run on this machine and build, or null when it can. */
  public static String cudaUnavailableReason() {
    return cudaUnavailableReason(false);
  }

  /**
   * Why the CUDA backend cannot run a model on this machine and build, or null when it can; with
   * {@code convolutions}, cuDNN is needed too (and loaded to find out).
   */
  public static String cudaUnavailableReason(boolean convolutions) {
    CudaInfo cuda = CudaBackend.probe();
    if (!cuda.available()) return cuda.reason();
    return gpuUnavailable(cuda, convolutions, CudaBackend::convolutionsUnavailableReason);
  }

  /** Takes stock of both backends without choosing one. */
  public static Inventory inventory() {
    String cpu;
    try (Backend backend = new CpuBackend()) {
      cpu = backend.description();
    }
    CudaInfo cuda = CudaBackend.probe();
    return new Inventory(cpu, cuda.driverVersion(), cuda.runtimeVersion(),
        cuda.kernelsBuilt() ? List.copyOf(cuda.kernelArchitectures()) : List.of(),
        cuda.gpus().stream().map(CudaInfo.Gpu::summary).toList(),
        cuda.available() ? null : cuda.reason());
  }

  /**
   * Thrown when the chosen backend cannot run its GEMMs in the requested {@link Precision} here (a
   * CPU without native BF16, a GPU before compute capability 8.0); the message says why, in one
   * line that names the option.
   */
  public static final class PrecisionUnavailableException extends RuntimeException {
    /** An exception whose message says why the precision cannot run. */
    public PrecisionUnavailableException(String message) {
      super(message);
    }
  }

  /** Thrown when the requested backend cannot run on this machine; the message says why. */
  public static final class BackendUnavailableException extends RuntimeException {
    /** An exception whose message says why the backend cannot run. */
    public BackendUnavailableException(String message) {
      super(message);
    }
  }
}
