package dev.vae4j.backend.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.Loader;

/**
 * Loads bytedeco's JNI bindings for the CUDA runtime/driver API and cuBLAS, once, and those of
 * cuDNN only when a model with convolutions first asks ({@link #cudnnFailure}): cuDNN 9 is a
 * separate install ({@code libcudnn*.so.9}) that dense models must not need. On a machine
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

  /**
   * Null when cuDNN's bindings and its libraries loaded, else a sentence naming the missing
   * library; loads them on the first call (only after {@link #failure} is null).
   */
  static String cudnnFailure() {
    return Cudnn.FAILURE;
  }

  /** The lazy holder: the JVM runs its initializer on the first {@link #cudnnFailure} call. */
  private static final class Cudnn {
    static final String FAILURE = loadCudnn();
  }

  private static String loadCudnn() {
    if (FAILURE != null) return FAILURE;
    try {
      Loader.load(cudnn.class);
      return null;
    } catch (Throwable t) { // UnsatisfiedLinkError, or NoClassDefFoundError after one
      return explainCudnn(t);
    }
  }

  private static final Pattern CUDNN_LIBRARY = Pattern.compile("libcudnn[A-Za-z_]*\\.so(\\.[0-9]+)*");

  /** A one-line reason from a failed cuDNN load, naming the missing library and where it comes from. */
  static String explainCudnn(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) root = root.getCause();
    String detail = String.valueOf(root.getMessage());
    Matcher m = CUDNN_LIBRARY.matcher(detail);
    if (!m.find()) return "cuDNN 9 could not be loaded: " + root.getClass().getSimpleName() + ": " + detail;
    return "cuDNN 9 library " + m.group() + " not found: install cuDNN 9 for CUDA 13 (the nvidia/cuda *-cudnn-runtime"
        + " images, the libcudnn9-cuda-13 package, or pip's nvidia-cudnn-cu13) and put its lib folder on"
        + " LD_LIBRARY_PATH";
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
