package dev.vae4j;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.backend.cuda.CudaBackend;
import dev.vae4j.backend.cuda.CudaException;
import dev.vae4j.backend.cuda.CudaInfo;
import java.util.Locale;

/**
 * Picks the backend for a run. This is the only class that knows which backends exist; everything
 * else talks to {@link Backend}. Every choice comes with the reason it was made, which the CLI
 * prints in one line.
 */
public final class Backends {
  private Backends() {}

  /** A backend and why it was chosen. */
  public record Choice(Backend backend, String reason) {}

  /**
   * The backend for {@code device}: {@code cpu}; {@code cuda}, which throws {@link
   * BackendUnavailableException} with the reason when this machine or build cannot run it; or
   * {@code auto}, which takes CUDA when a usable GPU and the kernels are present and the CPU
   * otherwise, saying why.
   */
  public static Choice select(String device) {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> new Choice(new CpuBackend(), "cpu requested");
      case "cuda" -> cuda();
      case "auto" -> auto();
      default -> throw new IllegalArgumentException(
          "unknown device '" + device + "' (expected auto, cpu or cuda)");
    };
  }

  /** The best available backend: CUDA if it can run here, else the CPU with the reason. */
  public static Choice auto() {
    CudaInfo info = CudaBackend.probe();
    if (!info.available()) {
      return new Choice(new CpuBackend(), "using the CPU: CUDA unavailable: " + info.reason());
    }
    try {
      CudaBackend cuda = new CudaBackend();
      return new Choice(cuda, "using CUDA: found " + cuda.gpu().summary());
    } catch (CudaException e) {
      // The probe passed but the GPU could not be set up (busy, out of memory, driver trouble).
      return new Choice(new CpuBackend(), "using the CPU: CUDA failed to start: " + e.getMessage());
    }
  }

  private static Choice cuda() {
    CudaInfo info = CudaBackend.probe();
    if (!info.available()) {
      throw new BackendUnavailableException("CUDA unavailable: " + info.reason());
    }
    try {
      CudaBackend cuda = new CudaBackend();
      return new Choice(cuda, "cuda requested: " + cuda.gpu().summary());
    } catch (CudaException e) {
      throw new BackendUnavailableException("CUDA failed to start: " + e.getMessage());
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
