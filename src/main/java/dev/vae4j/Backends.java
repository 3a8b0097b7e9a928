package dev.vae4j;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.cpu.CpuBackend;
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

  /** The backend for {@code device}: {@code auto}, {@code cpu} or {@code cuda}. */
  public static Choice select(String device) {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> new Choice(new CpuBackend(), "cpu requested");
      case "auto" -> new Choice(new CpuBackend(), "no CUDA backend in this build yet");
      case "cuda" -> throw new BackendUnavailableException("CUDA backend not available yet");
      default -> throw new IllegalArgumentException(
          "unknown device '" + device + "' (expected auto, cpu or cuda)");
    };
  }

  /** The best available backend. */
  public static Choice auto() {
    return select("auto");
  }

  /** Thrown when the requested backend cannot run on this machine; the message says why. */
  public static final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
      super(message);
    }
  }
}
