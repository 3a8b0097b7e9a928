package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's stacked steps ({@code bench --models M} on the GPU, or {@code --models-mode
 * stacked}): each model trains exactly as the one-model benchmark trains it alone with its seed,
 * however the steps are asked for, and {@link ModelsAtOnce#runStacked} reports them consistently.
 */
class StackedStepsTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(30, new int[] {8}, 3, Likelihood.BERNOULLI);

  @Test
  void eachModelTrainsAsTheOneModelBenchmarkTrainsItAloneWhateverTheChunks() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("seed " + seed);
    Dataset images = Benchmark.syntheticImages(100, 6, 5, seed);
    int batch = 16, steps = 15, models = 3; // 6 steps per epoch: two epoch boundaries, two re-recordings
    // One batch part, as the stacked step runs each model: then the CPU's stacked ops are its single ops.
    try (CpuBackend backend = new CpuBackend(1)) {
      float[][] together = stacked(backend, images, batch, seed, models, new int[] {steps});
      float[][] mixed = stacked(backend, images, batch, seed, models, new int[] {4, 5, 1, 5});
      for (int i = 0; i < models; i++) {
        Vae alone = Vae.create(CONFIG, backend, seed + i);
        try (Benchmark.TrainingSteps one = new Benchmark.TrainingSteps(alone, images, batch, seed + i)) {
          one.run(steps);
        }
        assertArrayEquals(alone.parameters(), together[i], 0f, "model " + i + " against itself alone, seed " + seed);
        assertArrayEquals(together[i], mixed[i], 0f, "model " + i + " in other chunks, seed " + seed);
      }
      assertFalse(Arrays.equals(together[0], together[1]), "models seeded apart train apart");
    }
  }

  private static float[][] stacked(CpuBackend backend, Dataset images, int batch, long seed, int models, int[] calls) {
    try (StackedSteps steps = new StackedSteps(backend, CONFIG, images, models, batch, seed)) {
      assertEquals(6, steps.stepsPerEpoch());
      for (int n : calls) steps.run(n);
      float[][] out = new float[models][];
      for (int i = 0; i < models; i++) out[i] = steps.parameters(i);
      return out;
    }
  }

  @Test
  void runStackedReportsTheAggregateAsModelsTimesOneStackedStepsRate() {
    Dataset images = Benchmark.syntheticImages(200, 6, 5, 7);
    Benchmark.Options options = new Benchmark.Options(CONFIG, 16, 6, 2, 1, 0, 3);
    try (CpuBackend backend = new CpuBackend(1)) {
      ModelsAtOnce.Result r = ModelsAtOnce.runStacked(backend, images, options, 4, s -> {});
      assertEquals(ModelsAtOnce.STACKED, r.mode());
      assertEquals(4, r.models());
      assertEquals("30-8-3", r.model());
      assertEquals(16, r.batchSize());
      assertEquals(6, r.steps());
      assertTrue(r.msPerStep() > 0, r.toString());
      // M x batch samples per stacked step.
      assertEquals(4 * 16 / (r.msPerStep() / 1e3), r.aggregateSamplesPerSecond(), 1e-9 * r.aggregateSamplesPerSecond());
      for (double each : r.samplesPerSecond()) assertEquals(r.aggregateSamplesPerSecond() / 4, each, 1e-9 * each);
    }
  }

  @Test
  void aConvModelIsRefusedAsTheStepIsMade() {
    VaeConfig conv = VaeConfig.conv(new Shape(1, 8, 8), new int[] {4}, new int[] {8}, 3, Likelihood.BERNOULLI);
    try (CpuBackend backend = new CpuBackend(1)) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> new StackedSteps(backend, conv, Benchmark.syntheticImages(40, 8, 8, 1), 2, 8, 1));
      assertTrue(e.getMessage().contains("stacked training takes MLP models"), e.getMessage());
    }
  }
}
