package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.ClassWeights;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --class-weights} on the GPU: the weights are gathered and applied on the device (in the
 * recorded step), so an epoch's weighted training loss and its unweighted validation loss agree
 * with the CPU's to float rounding.
 */
@RequiresGpu
class CudaClassWeightedTrainingVsCpuTest {
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.BERNOULLI);

  @ParameterizedTest
  @ValueSource(strings = {"auto", "0.5,1,1,4,1,1,1,2,1,1"})
  void aWeightedEpochMatchesTheCpus(String weights) throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    int[] labels = digits.train().labels();
    int[] seen = {0};
    int[] kept = IntStream.range(0, digits.train().count()).filter(i -> labels[i] != 3 || seen[0]++ % 20 == 0).toArray();
    DatasetSplit data = new DatasetSplit(digits.source(), digits.train().subset(kept, "3s at 5%"), null);
    TrainOptions options = new TrainOptions(1, 100, 1e-3, 0, false, 1f, 0, 3, 0.1, false, 0)
        .withClassWeights(ClassWeights.parse(weights));
    double[] train = new double[2], val = new double[2];
    int i = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        var epoch = Trainer.fit(Vae.create(SMALL, backend, 3), data, options).epochs().get(0);
        train[i] = epoch.trainLoss();
        val[i++] = epoch.valLoss();
      }
    }
    assertEquals(train[0], train[1], 1e-3 * Math.abs(train[0]), weights + ": CPU " + train[0] + ", CUDA " + train[1]);
    assertEquals(val[0], val[1], 1e-3 * Math.abs(val[0]), weights + " validation: CPU " + val[0] + ", CUDA " + val[1]);
  }
}
