package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --iwae-k} on the GPU against the CPU: the same noise (Philox, keyed per draw row), the
 * same ops, so one epoch's ELBO and IWAE losses agree to float rounding (the op-level comparison
 * is {@code IwaeOpsContract}, run by {@link CudaBackendContractTest}).
 */
@RequiresGpu
class CudaIwaeVsCpuTest {
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {64}, 5, Likelihood.BERNOULLI);

  @ParameterizedTest
  @ValueSource(ints = {2, 5})
  void anIwaeEpochMatchesTheCpus(int draws) throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    TrainOptions options = new TrainOptions(1, 100, 1e-3, 0, false, 1f, 0, 3, 0.1, false, 0).withIwaeK(draws);
    EpochMetrics[] epoch = new EpochMetrics[2];
    int i = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        epoch[i++] = Trainer.fit(Vae.create(SMALL, backend, 3), digits, options).epochs().get(0);
      }
    }
    assertEquals(epoch[0].trainIwae(), epoch[1].trainIwae(), 1e-3 * Math.abs(epoch[0].trainIwae()),
        "K " + draws + " bound: CPU " + epoch[0].trainIwae() + ", CUDA " + epoch[1].trainIwae());
    assertEquals(epoch[0].trainLoss(), epoch[1].trainLoss(), 1e-3 * Math.abs(epoch[0].trainLoss()),
        "K " + draws + " ELBO: CPU " + epoch[0].trainLoss() + ", CUDA " + epoch[1].trainLoss());
    assertEquals(epoch[0].valLoss(), epoch[1].valLoss(), 1e-3 * Math.abs(epoch[0].valLoss()), "K " + draws + " validation");
  }
}
