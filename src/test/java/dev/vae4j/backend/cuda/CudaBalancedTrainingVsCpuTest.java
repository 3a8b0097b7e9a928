package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.Balance;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --balance} on the GPU: the class-balanced order is drawn on the host, so an epoch on the
 * CUDA backend visits the same rows in the same steps as on the CPU, and its losses agree to float
 * rounding.
 */
@RequiresGpu
class CudaBalancedTrainingVsCpuTest {
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.BERNOULLI);

  @ParameterizedTest
  @EnumSource(value = Balance.class, names = {"OVERSAMPLE", "UNDERSAMPLE"})
  void aBalancedEpochMatchesTheCpus(Balance balance) throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    int[] labels = digits.train().labels();
    int[] seen = {0};
    int[] kept = IntStream.range(0, digits.train().count()).filter(i -> labels[i] != 3 || seen[0]++ % 20 == 0).toArray();
    DatasetSplit data = new DatasetSplit(digits.source(), digits.train().subset(kept, "3s at 5%"), null);
    TrainOptions options = new TrainOptions(1, 100, 1e-3, 0, false, 1f, 0, 3, 0.1, false, 0).withBalance(balance);
    double[] loss = new double[2];
    int i = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        loss[i++] = Trainer.fit(Vae.create(SMALL, backend, 3), data, options).epochs().get(0).trainLoss();
      }
    }
    assertEquals(loss[0], loss[1], 1e-3 * Math.abs(loss[0]), balance + ": CPU " + loss[0] + ", CUDA " + loss[1]);
  }
}
