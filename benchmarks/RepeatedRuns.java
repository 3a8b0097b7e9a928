// Issue 21's lead: Benchmark.run and Benchmark.breakdown three times in turn on one CPU backend, to
// show that the first training run in a process is slower than the later ones (docs/benchmarks.md,
// "the first run's penalty"). A single-file program, not part of the JMH suite:
//   mvn -B -q package -DskipTests
//   java -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "target/classes:target/lib/*" \
//     benchmarks/RepeatedRuns.java FP32|BF16
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;

public class RepeatedRuns {
  public static void main(String[] args) {
    VaeConfig config = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);
    Dataset data = Benchmark.syntheticImages(8192, 28, 28, 7);
    try (CpuBackend backend = new CpuBackend(Precision.valueOf(args[0]))) {
      Benchmark.Options options = new Benchmark.Options(config, 128, 1000, 100, 1, 10, 5);
      for (int i = 0; i < 3; i++) {
        System.out.printf("run %d: %.3f ms/step%n", i, Benchmark.run(backend, data, options).msPerStep());
        System.out.printf("breakdown %d: %.3f ms/step%n", i, Benchmark.breakdown(backend, data, options).msPerStep());
      }
    }
  }
}
