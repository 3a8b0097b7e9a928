package dev.vae4j.backend.cuda;

/**
 * A failed CUDA runtime, driver or cuBLAS call. The message names the call, the op it served and
 * the library's own error string, so an out-of-memory or a kernel fault reads as a sentence rather
 * than a number (or a JVM crash).
 */
public final class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CudaException(String message) {
    super(message);
  }
}
