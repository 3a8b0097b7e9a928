package dev.vae4j.jmh;

import dev.vae4j.backend.cuda.CudaBackend;
import dev.vae4j.backend.cuda.CudaInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jar's entry point: JMH's own command line, except that on a machine where CUDA cannot run
 * the CUDA parameters and the GPU-only benchmarks are left out, with one line saying why, so that
 * a CPU-only run reports them skipped instead of failing. Naming {@code -p backend=...} yourself
 * turns this off, except that the GPU-only benchmarks are still left out when cuda is not among the
 * backends named (JMH would otherwise run them on the named backend, where they cannot run).
 */
public final class BenchLauncher {
  private static final String GPU_ONLY = CublasLtBenchmark.class.getSimpleName();

  private BenchLauncher() {}

  public static void main(String[] args) throws Exception {
    List<String> jmhArgs = new ArrayList<>(List.of(args));
    Optional<String> backendsChosen = jmhArgs.stream().filter(a -> a.startsWith("backend="))
        .map(a -> a.substring("backend=".length())).findFirst();
    boolean listing = jmhArgs.stream().anyMatch(a -> a.equals("-l") || a.equals("-h") || a.equals("-lp"));
    if (listing) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    if (backendsChosen.isEmpty()) {
      CudaInfo cuda = CudaBackend.probe();
      if (!cuda.available()) {
        System.out.println("vae4j-benchmarks: CUDA benchmarks skipped: " + cuda.reason());
        jmhArgs.addAll(List.of("-p", "backend=cpu", "-e", GPU_ONLY));
      }
    } else if (!List.of(backendsChosen.get().split(",")).contains("cuda")) {
      System.out.println("vae4j-benchmarks: " + GPU_ONLY + " left out: it runs on cuda only");
      jmhArgs.addAll(List.of("-e", GPU_ONLY));
    }
    org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
  }
}
