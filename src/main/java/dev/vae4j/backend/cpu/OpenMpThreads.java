package dev.vae4j.backend.cpu;

import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads;

/**
 * {@code omp_set_num_threads} of the OpenMP runtime that oneDNN loaded, so that the threads
 * running the parts of a batch at once can each give their oneDNN calls a share of the cores (one
 * each on the 2-core dev machine; OpenMP keeps the setting per calling thread).
 *
 * <p>No preset binds OpenMP itself, so the function is looked up by name with JavaCPP's {@link
 * Loader#addressof} and called through the OpenBLAS preset's {@code SetNumThreads} pointer type,
 * whose signature, {@code void (int)}, is that of {@code omp_set_num_threads}: the way the
 * OpenBLAS preset itself reaches MKL's and OpenBLAS's thread-count functions.
 */
final class OpenMpThreads {
  private final SetNumThreads setNumThreads;
  private final int usual;

  private OpenMpThreads(SetNumThreads setNumThreads, int usual) {
    this.setNumThreads = setNumThreads;
    this.usual = usual;
  }

  /**
   * The runtime's function, once oneDNN's natives are loaded; empty when it cannot be found, or
   * when the OpenBLAS preset's natives, which the pointer type needs, are absent (a deployment
   * that carries only oneDNN's, as the GPU check's kit does): oneDNN then runs unconfined.
   */
  static Optional<OpenMpThreads> find() {
    Pointer address = Loader.addressof("omp_set_num_threads");
    if (address == null || address.isNull()) return Optional.empty();
    SetNumThreads function;
    try {
      function = new SetNumThreads() {}.put(address);
    } catch (LinkageError e) {
      return Optional.empty();
    }
    return Optional.of(new OpenMpThreads(function, usualThreads()));
  }

  /** Makes OpenMP regions started by the current thread use {@code threads} threads, or the usual number for 0. */
  void confine(int threads) {
    setNumThreads.call(threads == 0 ? usual : threads);
  }

  /** What OpenMP uses when not told otherwise. */
  int usual() {
    return usual;
  }

  /** What OpenMP uses when not told otherwise: OMP_NUM_THREADS's first number, else one thread per core. */
  private static int usualThreads() {
    String env = System.getenv("OMP_NUM_THREADS");
    if (env != null) {
      try {
        int n = Integer.parseInt(env.split(",")[0].trim());
        if (n > 0) return n;
      } catch (NumberFormatException ignored) {
        // OpenMP ignores a malformed value too
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }
}
