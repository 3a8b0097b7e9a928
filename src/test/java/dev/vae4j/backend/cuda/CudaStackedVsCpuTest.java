package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.vae4j.train.StackedTrainingStep;
import dev.vae4j.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stacked step on the GPU ({@link CudaStacked}: strided-batched GEMMs, the stacked kernels)
 * trains each of its models as the CPU's single {@link TrainingStep} trains it alone, to float
 * rounding: the same losses and parameters after full and partial batches, the full ones also
 * as replays of a recorded step. GPU only.
 */
@RequiresGpu
class CudaStackedVsCpuTest {
  private static final int IMAGES = 300;
  private static final int BATCH = 128;
  private static final int MODELS = 4;

  @ParameterizedTest
  @CsvSource({"BERNOULLI,false", "GAUSSIAN,false", "BERNOULLI,true"})
  void eachModelTrainsAsAlone(Likelihood likelihood, boolean recorded) {
    long seed = new Random().nextLong();
    VaeConfig config = VaeConfig.mlp(7 * 7, new int[] {30}, 4, likelihood);
    Random random = new Random(seed);
    long[] seeds = new long[MODELS];
    float[] betas = new float[MODELS];
    AdamParams[] adam = new AdamParams[MODELS];
    int[][] orders = new int[MODELS][IMAGES];
    for (int i = 0; i < MODELS; i++) {
      seeds[i] = random.nextLong();
      betas[i] = 0.5f + i;
      // epsilon = 1 keeps Adam's step continuous in the gradient (see TrainingStepTest).
      adam[i] = new AdamParams(1e-2 * (i + 1), 0.9, 0.999, 1, i == 2 ? 1e-2 : 0, i == 2);
      for (int j = 0; j < IMAGES; j++) orders[i][j] = (j * (37 + 2 * i)) % IMAGES;
    }
    try (Backend gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true)); CpuBackend cpu = new CpuBackend(1)) {
      Tensor images = gpu.allocate((long) IMAGES * config.inputSize());
      float[] pixels = Benchmark.syntheticImages(IMAGES, 7, 7, seed).pixels();
      gpu.upload(pixels, images);
      List<Vae> models = new ArrayList<>();
      for (int i = 0; i < MODELS; i++) models.add(Vae.create(config, gpu, seeds[i] ^ 1));
      StackedTrainingStep stacked = StackedTrainingStep.allocate(models, BATCH, new StackModels(seeds, betas, adam));
      IndexTensor order = gpu.allocateIndices(MODELS * IMAGES);
      gpu.uploadIndices(StackedTrainingStep.interleave(orders, BATCH), order);
      long step = 0;
      if (recorded) { // the two full batches as replays of one CUDA graph, then the partial one
        try (Backend.RecordedStep graph = gpu.recordStep(k -> stacked.run(images, order, (int) k * BATCH, BATCH, 1 + k))) {
          graph.replay();
          graph.replay();
        }
        step = 2;
      }
      for (int first = (int) step * BATCH; first < IMAGES; first += BATCH) {
        stacked.run(images, order, first, Math.min(BATCH, IMAGES - first), ++step);
      }
      float[] sums = gpu.download(stacked.lossSums());

      Tensor cpuImages = cpu.allocate((long) IMAGES * config.inputSize());
      cpu.upload(pixels, cpuImages);
      for (int i = 0; i < MODELS; i++) {
        Vae alone = Vae.withParameters(config, cpu, models.get(i).parameters());
        // models.get(i) still holds its initial weights: the stack trained its own copy.
        TrainingStep single = TrainingStep.allocate(alone, BATCH);
        IndexTensor own = cpu.allocateIndices(IMAGES);
        cpu.uploadIndices(orders[i], own);
        long s = 0;
        for (int first = 0; first < IMAGES; first += BATCH) {
          single.run(cpuImages, own, first, Math.min(BATCH, IMAGES - first), seeds[i], ++s, betas[i], adam[i]);
        }
        float[] expected = cpu.download(single.lossSums());
        String why = "model " + i + ", " + likelihood + " (seed " + seed + ")";
        assertEquals(expected[0], sums[2 * i], 1e-4 * Math.abs(expected[0]), "reconstruction sum of " + why);
        assertEquals(expected[1], sums[2 * i + 1], 1e-4 * Math.abs(expected[1]) + 1e-4, "KL sum of " + why);
        float[] want = alone.parameters(), got = stacked.parameters(i);
        for (int j = 0; j < want.length; j++) assertEquals(want[j], got[j], 1e-5 + 1e-4 * Math.abs(want[j]), "parameter " + j + " of " + why);
        single.release();
      }
      stacked.release();
    }
  }
}
