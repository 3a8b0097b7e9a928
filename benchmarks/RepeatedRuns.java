// Issue 21: Benchmark.run and Benchmark.breakdown three times in turn on one CPU backend, to show
// whether the first training run in a process is slower than the later ones (docs/benchmarks.md,
// "the first run's penalty"). Besides the times, each run's line gives the rate at which the JVM
// allocated (all threads) during the middle of its timed rounds: once its Vector API loops are
// compiled as intrinsics a training step allocates next to nothing, while a loop left on the API's
// Java fallback allocates every vector it makes, so the figure shows the effect even on a loaded
// machine, where times do not. A single-file program, not part of the JMH suite:
//   mvn -B -q package -DskipTests
//   java -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "target/classes:target/lib/*" \
//     benchmarks/RepeatedRuns.java FP32|BF16
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

public class RepeatedRuns {
  /** (nanoTime, bytes allocated by all threads so far), every 100 ms. */
  private static final List<long[]> SAMPLES = new ArrayList<>();

  public static void main(String[] args) {
    Thread sampler = new Thread(RepeatedRuns::sample);
    sampler.setDaemon(true);
    sampler.start();
    VaeConfig config = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);
    Dataset data = Benchmark.syntheticImages(8192, 28, 28, 7);
    try (CpuBackend backend = new CpuBackend(Precision.valueOf(args[0]))) {
      Benchmark.Options options = new Benchmark.Options(config, 128, 1000, 100, 1, 10, 5);
      for (int i = 0; i < 3; i++) {
        Benchmark.Result run = Benchmark.run(backend, data, options);
        long end = System.nanoTime();
        // The timed rounds end where the GEMM-only timing (its warm-up and timed steps) begins.
        double gemmSeconds = (options.warmupSteps() + options.steps()) * options.batchSize() / run.gemmOnlySamplesPerSecond();
        double roundsSeconds = run.msPerStep() * options.steps() / 1e3;
        long roundsEnd = end - (long) (gemmSeconds * 1e9), roundsStart = roundsEnd - (long) (roundsSeconds * 1e9);
        long margin = (roundsEnd - roundsStart) / 5;
        System.out.printf("run %d: %.3f ms/step, allocating %.1f MB/s in its timed rounds (%d warm-up steps)%n", i,
            run.msPerStep(), rate(roundsStart + margin, roundsEnd - margin) / 1e6, run.warmupSteps());
        System.out.printf("breakdown %d: %.3f ms/step%n", i, Benchmark.breakdown(backend, data, options).msPerStep());
      }
    }
  }

  private static void sample() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    while (true) {
      long total = 0;
      for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) total += Math.max(0, bytes);
      synchronized (SAMPLES) {
        SAMPLES.add(new long[] {System.nanoTime(), total});
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The allocation rate, bytes per second, between the samples nearest two times. */
  private static double rate(long from, long to) {
    synchronized (SAMPLES) {
      long[] first = null, last = null;
      for (long[] s : SAMPLES) {
        if (first == null && s[0] >= from) first = s;
        if (s[0] <= to) last = s;
      }
      if (first == null || last == null || last[0] <= first[0]) return Double.NaN;
      return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }
  }
}
