package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.LearningRateSchedule;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.StackedTrainer;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Members trained together by {@link StackedTrainer} on the GPU (strided-batched GEMMs, the
 * stacked kernels, one CUDA graph an epoch) end as {@link Trainer#fit} ends each alone on the CPU,
 * to float rounding: every epoch's training and validation losses, and the final weights on
 * average (Adam's sign-like first steps can flip single weights whose gradients are near zero, so
 * no weight-by-weight bound). GPU only.
 */
@RequiresGpu
class CudaStackedTrainerVsCpuTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(7 * 7, new int[] {32}, 4, Likelihood.BERNOULLI);

  @Test
  void membersTrainedTogetherOnTheGpuEndAsAloneOnTheCpu() {
    long seed = new Random().nextLong();
    DatasetSplit data = new DatasetSplit("synthetic", Benchmark.syntheticImages(600, 7, 7, seed), null);
    List<TrainOptions> options = List.of(
        new TrainOptions(3, 128, 1e-3, 0, false, 1f, 0, seed, 0.1, false, 0),
        new TrainOptions(3, 128, 3e-3, 1e-2, true, 0.5f, 2, seed + 1, 0.1, false, 0),
        new TrainOptions(3, 128, 2e-3, 0, false, 2f, 0, seed + 2, 0.1, false, 0)
            .withSchedule(LearningRateSchedule.parse("cosine", 0)));
    try (Backend gpu = new CudaBackend(CudaOptions.defaults()); CpuBackend cpu = new CpuBackend(1)) {
      List<StackedTrainer.Member> members = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        members.add(new StackedTrainer.Member(Vae.create(CONFIG, gpu, seed + 10 + i), options.get(i),
            new TrainingListener() {}, RunControl.fresh()));
      }
      List<StackedTrainer.Outcome> outcomes = StackedTrainer.fit(members, data);
      for (int i = 0; i < options.size(); i++) {
        String why = "member " + i + " (seed " + seed + ")";
        StackedTrainer.Outcome o = outcomes.get(i);
        assertNull(o.failure(), () -> why + ": " + o.failure());
        Vae alone = Vae.create(CONFIG, cpu, seed + 10 + i);
        Trainer.Result expected = Trainer.fit(alone, data, options.get(i));
        assertEquals(expected.epochs().size(), o.result().epochs().size(), why);
        for (int e = 0; e < expected.epochs().size(); e++) {
          EpochMetrics want = expected.epochs().get(e), got = o.result().epochs().get(e);
          assertEquals(want.trainLoss(), got.trainLoss(), 1e-3 * Math.abs(want.trainLoss()), "training loss, " + why);
          assertEquals(want.valLoss(), got.valLoss(), 1e-3 * Math.abs(want.valLoss()), "validation loss, " + why);
          assertEquals(want.klWeight(), got.klWeight(), why);
        }
        float[] want = alone.parameters(), got = members.get(i).model().parameters();
        double diff = 0;
        for (int j = 0; j < want.length; j++) diff += Math.abs(want[j] - got[j]);
        assertTrue(diff / want.length < 1e-3, why + ": mean weight difference " + diff / want.length);
      }
    }
  }
}
