package dev.vae4j.bench;

import dev.vae4j.backend.cuda.CudaBackend;
import dev.vae4j.backend.cuda.CudaInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point: JMH's own command line, except that on a machine where CUDA cannot run
 * the CUDA parameters and the GPU-only benchmarks are left out, with one line saying why, so that
 * a CPU-only run reports them skipped instead of failing. Naming {@code -p backend=...} yourself
 * turns this off.
 */
public final class BenchLauncher {
  private BenchLauncher() {}

  public static void main(String[] args) throws Exception {
    List<String> jmhArgs = new ArrayList<>(List.of(args));
    boolean backendChosen = jmhArgs.stream().anyMatch(a -> a.startsWith("backend="));
    boolean listing = jmhArgs.stream().anyMatch(a -> a.equals("-l") || a.equals("-h") || a.equals("-lp"));
    if (!backendChosen && !listing) {
      CudaInfo cuda = CudaBackend.probe();
      if (!cuda.available()) {
        System.out.println("vae4j-benchmarks: CUDA benchmarks skipped: " + cuda.reason());
        jmhArgs.addAll(List.of("-p", "backend=cpu", "-e", CublasLtBenchmark.class.getSimpleName()));
      }
    }
    org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
  }
}
