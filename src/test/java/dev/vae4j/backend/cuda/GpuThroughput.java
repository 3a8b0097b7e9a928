package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import java.util.Locale;

/**
 * Training throughput of the 784-400-20 VAE at batch 128 for the CUDA backend with and without
 * graph capture, with TF32, and for the CPU backend, each through {@link Benchmark#run} (the step
 * {@code Trainer} runs, data resident in the backend, losses summed on the device, warm-up steps
 * untimed), on MNIST-sized synthetic data. Run by {@code benchmarks/gpu-check.sh}; prints a
 * Markdown table. Lives with the tests so that a change to the model API breaks the build, not the
 * next GPU session.
 */
public final class GpuThroughput {
  private static final int BATCH = 128;
  /** An MNIST-sized epoch: 468 full batches, each epoch one recorded step (a CUDA graph). */
  private static final int IMAGES = 468 * BATCH;

  private static final VaeConfig CONFIG = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);

  private GpuThroughput() {}

  public static void main(String[] args) {
    Dataset data = Benchmark.syntheticImages(IMAGES, 28, 28, 7);
    System.out.println("| backend | mode | samples/s | us/step |");
    System.out.println("| --- | --- | ---: | ---: |");
    CudaInfo info = CudaBackend.probe();
    if (info.available()) {
      Benchmark.Options gpu = new Benchmark.Options(CONFIG, BATCH, 5000, 500, 1);
      row("cuda", "graph", new CudaBackend(CudaOptions.defaults()), data, gpu);
      row("cuda", "no graph", new CudaBackend(CudaOptions.defaults().withGraphs(false)), data, gpu);
      row("cuda", "graph, TF32", new CudaBackend(CudaOptions.defaults().withTf32(true)), data, gpu);
    } else {
      System.out.println("| cuda | unavailable: " + info.reason() + " | | |");
    }
    CpuBackend cpu = new CpuBackend();
    row("cpu", Runtime.getRuntime().availableProcessors() + " threads, " + cpu.batchParts() + " parts", cpu, data,
        new Benchmark.Options(CONFIG, BATCH, 300, 100, 1));
  }

  private static void row(String name, String mode, Backend backend, Dataset data, Benchmark.Options options) {
    try (backend) {
      Benchmark.Result r = Benchmark.run(backend, data, options);
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f |%n", name, mode, r.samplesPerSecond(),
          1e3 * r.msPerStep());
    }
  }
}
