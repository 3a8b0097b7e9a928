package dev.vae4j.jmh;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.Tensor;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.StackedTrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many models at once (issue 18): one {@link StackedTrainingStep} of {@code models} default
 * 784-400-20 models at batch 128 per invocation, reported as aggregate samples/s ({@code models *
 * batch} per step), so that {@code models=32} against {@code models=1} (or {@code
 * TrainingBenchmark.step}) is the speed-up the bar asks of the GPU (at least 6x in FP32).
 * Synthetic images (60,000 of 28 x 28), each model its own order, seed and learning rate. On the
 * CPU the stacked ops are the single ops in a loop, so there it measures the loop's cost, not a
 * gain; a short untimed warm-up only (the bar is the GPU's).
 */
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class StackedTrainingBenchmark extends OnBackend {
  private static final int IMAGES = 60_000;

  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"1", "8", "32"})
  public int models;

  @Param({"128"})
  public int batch;

  private Tensor images;
  private IndexTensor order;
  private StackedTrainingStep step;
  private int first;
  private long steps;

  @Override
  protected void prepare() {
    images = device.allocate((long) IMAGES * 784);
    device.upload(Benchmark.syntheticImages(IMAGES, 28, 28, 7).pixels(), images);
    List<Vae> stack = new ArrayList<>();
    long[] seeds = new long[models];
    float[] betas = new float[models];
    AdamParams[] adam = new AdamParams[models];
    int[][] orders = new int[models][IMAGES];
    for (int i = 0; i < models; i++) {
      stack.add(Vae.create(VaeConfig.mnistDefault(), device, i + 1));
      seeds[i] = i + 1;
      betas[i] = 1f;
      adam[i] = AdamParams.pytorchDefaults(1e-3 * (1 + i % 4));
      for (int j = 0; j < IMAGES; j++) orders[i][j] = (int) ((j * (7919L + 2 * i)) % IMAGES);
    }
    step = StackedTrainingStep.allocate(stack, batch, new StackModels(seeds, betas, adam));
    order = device.allocateIndices(models * IMAGES);
    device.uploadIndices(StackedTrainingStep.interleave(orders, batch), order);
    for (int s = 0; s < 50; s++) once();
    finish();
  }

  private void once() {
    if (first + batch > IMAGES) first = 0;
    step.run(images, order, first, batch, ++steps);
    first += batch;
  }

  @Override
  protected void cleanup() {
    step.release();
    device.release(order);
  }

  @org.openjdk.jmh.annotations.Benchmark
  public void step(Counters.Samples samples) {
    once();
    finish();
    samples.samples += (double) models * batch;
  }
}
