package dev.vae4j.backend.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Loads bytedeco's JNI bindings for the CUDA runtime/driver API and cuBLAS, once. On a machine
 * without the NVIDIA driver or the CUDA 13 libraries the load throws {@link UnsatisfiedLinkError}
 * (and later touches of the classes {@link NoClassDefFoundError}); the JVM survives, so the failure
 * is caught here, once, and kept as the reason the GPU is unavailable.
 */
final class CudaLibraries {
  private static final String FAILURE = load();

  private CudaLibraries() {}

  /** Null when the libraries loaded, else a sentence saying why not. */
  static String failure() {
    return FAILURE;
  }

  private static String load() {
    try {
      Loader.load(cudart.class);
    } catch (Throwable t) { // UnsatisfiedLinkError, or NoClassDefFoundError after one
      return explain(t);
    }
    try {
      Loader.load(cublas.class);
    } catch (Throwable t) {
      return explain(t);
    }
    return null;
  }

  /** A one-line reason from a failed load, naming the missing library and what to do. */
  static String explain(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) root = root.getCause();
    String detail = String.valueOf(root.getMessage());
    if (detail.contains("libcuda.so")) {
      return "no NVIDIA driver (libcuda.so.1 not found)";
    }
    for (String lib : new String[] {"libcudart.so", "libcublasLt.so", "libcublas.so"}) {
      if (detail.contains(lib)) {
        return "CUDA 13 library " + lib + ".13 not found: install the CUDA 13 runtime and cuBLAS, put"
            + " their lib folder on LD_LIBRARY_PATH, or build with -Predist";
      }
    }
    return "CUDA libraries could not be loaded: " + root.getClass().getSimpleName() + ": " + detail;
  }
}
