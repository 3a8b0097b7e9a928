package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmark's training steps: how a caller asks for them does not change what they compute. */
class BenchmarkTrainingStepsTest {

  @Test
  void stepsTakenOneAtATimeMatchStepsTakenTogether() {
    long seed = new SplittableRandom().nextLong();
    Dataset images = Benchmark.syntheticImages(100, 6, 5, seed);
    VaeConfig config = VaeConfig.mlp(30, new int[] {8}, 3, Likelihood.BERNOULLI);
    int batch = 16, steps = 15; // 6 steps per epoch: two epoch boundaries inside the run
    try (CpuBackend backend = new CpuBackend()) {
      float[] together = trained(backend, images, config, batch, seed, new int[] {steps});
      int[] ones = new int[steps];
      Arrays.fill(ones, 1);
      float[] oneByOne = trained(backend, images, config, batch, seed, ones);
      float[] mixed = trained(backend, images, config, batch, seed, new int[] {4, 5, 1, 5});
      assertArrayEquals(together, oneByOne, 1e-6f);
      assertArrayEquals(together, mixed, 1e-6f);
    }
  }

  private static float[] trained(CpuBackend backend, Dataset images, VaeConfig config, int batch, long seed, int[] calls) {
    Vae vae = Vae.create(config, backend, seed);
    try (Benchmark.TrainingSteps steps = new Benchmark.TrainingSteps(vae, images, batch, seed)) {
      for (int n : calls) steps.run(n);
      backend.synchronize();
    }
    return vae.parameters();
  }
}
