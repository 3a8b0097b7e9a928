package dev.vae4j.jmh;

import dev.vae4j.Vae;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training the default 784-400-20 model on Fashion-MNIST (60,000 images; uniform random images
 * of the same count when the dataset is not installed: {@code apt-get install
 * dataset-fashion-mnist}, or {@code -Dvae4j.fashion=DIR}), reported as samples/s: one optimizer
 * step per invocation ({@link #step}), or one whole epoch of full batches ({@link #epoch}).
 *
 * <p>Each trial first trains on {@value #UNTIMED_SAMPLES} images untimed (4,000 steps at batch 128,
 * 500 at 1024), because the CPU step keeps speeding up for its first 3,000-4,000 steps at batch
 * 128 (5-13 s on 2 cores) while C2 compiles its loops ({@code JitWarmup}); with JMH's 2 s warm-up
 * alone, the CPU rows at batch 128 came out as 31,000 ± 58,000 samples/s (2026-12-01). Done in the
 * setup rather than as longer JMH warm-up iterations, it costs the GPU runs, where device time is
 * scarce, under a second.
 */
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class TrainingBenchmark extends OnBackend {
  private static final Path FASHION = Path.of(System.getProperty("vae4j.fashion", "/usr/share/datasets/fashion-mnist"));

  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"128", "1024"})
  public int batch;

  static final int UNTIMED_SAMPLES = 512_000;

  private Benchmark.TrainingSteps steps;

  @Override
  protected void prepare() throws IOException {
    Dataset images = fashionMnistOrSynthetic();
    Vae vae = Vae.create(VaeConfig.mnistDefault(), device, 1);
    steps = new Benchmark.TrainingSteps(vae, images, batch, 1);
    steps.run(UNTIMED_SAMPLES / batch);
    finish();
  }

  @Override
  protected void cleanup() {
    steps.close();
  }

  @org.openjdk.jmh.annotations.Benchmark
  public void step(Counters.Samples samples) {
    steps.run(1);
    finish();
    samples.samples += batch;
  }

  @org.openjdk.jmh.annotations.Benchmark
  public void epoch(Counters.Samples samples) {
    steps.run(steps.stepsPerEpoch());
    finish();
    samples.samples += (double) batch * steps.stepsPerEpoch();
  }

  static Dataset fashionMnistOrSynthetic() throws IOException {
    if (Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz"))
        || Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte"))) {
      return Datasets.fromDirectory(FASHION).train();
    }
    System.out.println("vae4j-benchmarks: no Fashion-MNIST in " + FASHION + ": using synthetic images");
    return Benchmark.syntheticImages(60_000, 28, 28, 7);
  }
}
