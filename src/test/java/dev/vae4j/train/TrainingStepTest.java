package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch split into parts ({@link Backend#batchParts}) trains as the whole batch does: the same
 * losses and, up to float rounding, the same parameters after full and partial batches.
 */
class TrainingStepTest {
  private static final int IMAGES = 300;
  private static final int BATCH = 2 * VaeNetwork.MIN_ROWS_PER_PART + 3; // two parts, of different sizes

  @Test
  void partsOfABatchTrainAsTheWholeBatch() {
    long seed = new Random().nextLong();
    try (CpuBackend whole = new CpuBackend(1); CpuBackend split = new CpuBackend(2)) {
      assumeTrue(split.batchParts() == 2, "the GEMM library cannot be confined to one thread: " + split.description());
      assertEquals(1, whole.batchParts());
      Trained a = train(whole, seed), b = train(split, seed);
      for (int i = 0; i < 2; i++) {
        assertEquals(a.lossSums[i], b.lossSums[i], 1e-5 * Math.abs(a.lossSums[i]), "loss sum " + i + " (seed " + seed + ")");
      }
      for (int i = 0; i < a.params.length; i++) {
        assertEquals(a.params[i], b.params[i], 1e-6, "parameter " + i + " (seed " + seed + ")");
      }
    }
  }

  /**
   * A backend confined to one core (a sweep's trial beside others, {@code sweep --parallel}) splits
   * the batch as the machine's backend does and trains bit for bit as it does, its parts run in turn.
   */
  @Test
  void aBackendConfinedToOneCoreTrainsBitForBitAsTheWholeMachine() {
    long seed = new Random().nextLong();
    try (CpuBackend machine = new CpuBackend(); CpuBackend confined = CpuBackend.confined(1)) {
      assertEquals(machine.batchParts(), confined.batchParts(), confined.description());
      for (int hidden : new int[] {30, 400}) {
        Trained a = train(machine, seed, hidden), b = train(confined, seed, hidden);
        assertArrayEquals(a.lossSums, b.lossSums, "loss sums, hidden " + hidden + " (seed " + seed + ")");
        assertArrayEquals(a.params, b.params, "parameters, hidden " + hidden + " (seed " + seed + ")");
      }
    }
  }

  private record Trained(float[] lossSums, float[] params) {}

  /** Three full batches and one of a single row, then a validation pass over a full batch. */
  private static Trained train(Backend backend, long seed) {
    return train(backend, seed, 30);
  }

  private static Trained train(Backend backend, long seed, int hidden) {
    VaeConfig config = VaeConfig.mlp(7 * 7, new int[] {hidden}, 4, Likelihood.BERNOULLI);
    Vae model = Vae.create(config, backend, seed);
    Tensor images = backend.allocate((long) IMAGES * config.inputSize());
    backend.upload(Benchmark.syntheticImages(IMAGES, 7, 7, seed).pixels(), images);
    IndexTensor order = backend.allocateIndices(IMAGES);
    int[] permutation = new int[IMAGES];
    for (int i = 0; i < IMAGES; i++) permutation[i] = (i * 37) % IMAGES;
    backend.uploadIndices(permutation, order);
    // epsilon = 1 keeps Adam's step continuous in the gradient, so that rounding differences in
    // near-zero gradients do not flip whole steps (with 1e-8 the first step is lr * sign(g)).
    AdamParams hyper = new AdamParams(1e-2, 0.9, 0.999, 1, 0, false);
    TrainingStep step = TrainingStep.allocate(model, BATCH);
    assertEquals(backend.batchParts(), step.parts());
    try {
      for (int s = 1; s <= 3; s++) step.run(images, order, (s - 1) % 2 * BATCH, BATCH, seed, s, 1f, hyper);
      step.run(images, order, IMAGES - 1, 1, seed, 4, 1f, hyper);
      float[] trainingSums = backend.download(step.lossSums());
      assertTrue(Float.isFinite(trainingSums[0]) && Float.isFinite(trainingSums[1]));
      backend.fill(step.lossSums(), 0f);
      step.evaluate(images, order, 0, BATCH, seed, 99);
      return new Trained(backend.download(step.lossSums()), model.parameters());
    } finally {
      step.release();
    }
  }
}
