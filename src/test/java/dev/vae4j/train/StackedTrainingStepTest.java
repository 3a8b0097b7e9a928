package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.model.VaeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * M models trained together by {@link StackedTrainingStep} end, on the CPU, with exactly the
 * weights, loss sums and validation losses of M single {@link TrainingStep} runs (one batch part each, the stacked
 * step's arithmetic), each with its own initial weights, data order, seed, beta and Adam settings.
 */
class StackedTrainingStepTest {
  private static final int IMAGES = 200;
  private static final int BATCH = 48; // 4 full batches and one of 8 rows per epoch

  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"BERNOULLI", "GAUSSIAN"})
  void modelsTrainedTogetherEndAsTrainedAlone(Likelihood likelihood) {
    long seed = new Random().nextLong();
    VaeConfig config = VaeConfig.mlp(7 * 7, new int[] {30, 12}, 4, likelihood);
    int count = 3;
    long[] seeds = new long[count];
    float[] betas = {1f, 0.5f, 2f};
    AdamParams[] adam = {new AdamParams(1e-2, 0.9, 0.999, 1e-8, 0, false),
        new AdamParams(3e-3, 0.8, 0.99, 1e-6, 1e-2, true), new AdamParams(2e-2, 0.9, 0.999, 1e-8, 1e-3, false)};
    int[][] orders = new int[count][];
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      seeds[i] = random.nextLong();
      orders[i] = permutation(random);
    }
    StackModels constants = new StackModels(seeds, betas, adam);
    try (CpuBackend backend = new CpuBackend(1)) {
      assertEquals(1, backend.batchParts());
      Tensor images = backend.allocate((long) IMAGES * config.inputSize());
      backend.upload(Benchmark.syntheticImages(IMAGES, 7, 7, seed).pixels(), images);

      List<Vae> models = new ArrayList<>();
      for (int i = 0; i < count; i++) models.add(Vae.create(config, backend, seeds[i] ^ 0x5eed));
      StackedTrainingStep stacked = StackedTrainingStep.allocate(models, BATCH, constants);
      IndexTensor order = backend.allocateIndices(count * IMAGES);
      backend.uploadIndices(StackedTrainingStep.interleave(orders, BATCH), order);
      long step = 0;
      for (int epoch = 0; epoch < 2; epoch++) {
        for (int first = 0; first < IMAGES; first += BATCH) {
          stacked.run(images, order, first, Math.min(BATCH, IMAGES - first), ++step);
        }
      }
      float[] stackedSums = backend.download(stacked.lossSums());
      backend.fill(stacked.lossSums(), 0f);
      stacked.evaluate(images, order, 0, BATCH, 99);
      float[] stackedValidation = backend.download(stacked.lossSums());

      for (int i = 0; i < count; i++) {
        Vae alone = models.get(i);
        TrainingStep single = TrainingStep.allocate(alone, BATCH);
        IndexTensor own = backend.allocateIndices(IMAGES);
        backend.uploadIndices(orders[i], own);
        long s = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
          for (int first = 0; first < IMAGES; first += BATCH) {
            single.run(images, own, first, Math.min(BATCH, IMAGES - first), seeds[i], ++s, betas[i], adam[i]);
          }
        }
        float[] sums = backend.download(single.lossSums());
        backend.fill(single.lossSums(), 0f);
        single.evaluate(images, own, 0, BATCH, seeds[i], 99);
        float[] validation = backend.download(single.lossSums());
        String why = "model " + i + ", " + likelihood + " (seed " + seed + ")";
        assertTrue(Float.isFinite(sums[0]) && Float.isFinite(sums[1]), why);
        assertEquals(sums[0], stackedSums[2 * i], 0f, "reconstruction sum of " + why);
        assertEquals(sums[1], stackedSums[2 * i + 1], 0f, "KL sum of " + why);
        assertArrayEquals(alone.parameters(), stacked.parameters(i), 0f, "parameters of " + why);
        assertEquals(validation[0], stackedValidation[2 * i], 0f, "validation reconstruction sum of " + why);
        assertEquals(validation[1], stackedValidation[2 * i + 1], 0f, "validation KL sum of " + why);
        single.release();
      }
      stacked.release();
    }
  }

  @Test
  void refusesWhatItDoesNotTrain() {
    try (CpuBackend backend = new CpuBackend(1)) {
      VaeConfig config = VaeConfig.mlp(7 * 7, new int[] {8}, 2, Likelihood.CONTINUOUS_BERNOULLI);
      StackModels one = new StackModels(new long[] {1}, new float[] {1}, new AdamParams[] {AdamParams.pytorchDefaults(1e-3)});
      var e = assertThrows(IllegalArgumentException.class,
          () -> StackedTrainingStep.allocate(List.of(Vae.create(config, backend, 1)), 16, one));
      assertEquals("stacked training takes MLP models with bernoulli or gaussian likelihoods and Adam, not the "
          + Likelihood.CONTINUOUS_BERNOULLI.cliName() + " likelihood", e.getMessage());
      for (var activation : List.of(dev.vae4j.backend.ActivationFunction.of(dev.vae4j.backend.Activation.GELU),
          dev.vae4j.backend.ActivationFunction.leakyRelu(0.2f))) {
        VaeConfig other = VaeConfig.mlp(new dev.vae4j.model.layer.Shape(1, 7, 7), new int[] {8}, 2, Likelihood.BERNOULLI,
            activation);
        var refused = assertThrows(IllegalArgumentException.class,
            () -> StackedTrainingStep.allocate(List.of(Vae.create(other, backend, 1)), 16, one));
        assertTrue(refused.getMessage().startsWith("stacked training takes relu, elu, tanh or leaky-relu at its default"),
            refused.getMessage());
      }
    }
  }

  @Test
  void interleavesEachBatchModelAfterModel() {
    int[][] orders = {{0, 1, 2, 3, 4}, {10, 11, 12, 13, 14}};
    assertArrayEquals(new int[] {0, 1, 10, 11, 2, 3, 12, 13, 4, 14}, StackedTrainingStep.interleave(orders, 2));
  }

  private static int[] permutation(Random random) {
    int[] p = new int[IMAGES];
    for (int i = 0; i < IMAGES; i++) p[i] = i;
    for (int i = IMAGES - 1; i > 0; i--) {
      int j = random.nextInt(i + 1), t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
