package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.HiddenActivations;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --activation gelu} and {@code leaky-relu:SLOPE}, with dropout, on the GPU: an epoch of an
 * MLP and of a conv model (the activation on its dense layers, dropout after them) trains to the
 * CPU's losses within float rounding; GELU's kept pre-activation and the slope argument run in
 * the CUDA graph as on the CPU.
 */
@RequiresGpu
class CudaActivationTrainingVsCpuTest {

  @ParameterizedTest
  @CsvSource({"mlp,gelu,0", "mlp,gelu,0.2", "mlp,leaky-relu:0.2,0.2", "conv,gelu,0.2", "conv,leaky-relu:0.2,0"})
  void anEpochMatchesTheCpus(String kind, String activation, float dropout) throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    VaeConfig model = kind.equals("conv")
        ? VaeConfig.conv(new Shape(1, 28, 28), new int[] {8}, new int[] {32}, 3, Likelihood.BERNOULLI,
            HiddenActivations.parse(activation))
        : VaeConfig.mlp(Shape.flat(784), new int[] {64, 32}, 3, Likelihood.BERNOULLI, HiddenActivations.parse(activation));
    TrainOptions options = new TrainOptions(1, 100, 1e-3, 0, false, 1f, 0, 3, 0.1, false, 0).withDropout(dropout);
    double[] loss = new double[2];
    int i = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        loss[i++] = Trainer.fit(Vae.create(model, backend, 3), digits, options).epochs().get(0).trainLoss();
      }
    }
    assertEquals(loss[0], loss[1], 1e-3 * Math.abs(loss[0]),
        kind + " " + activation + " dropout " + dropout + ": CPU " + loss[0] + ", CUDA " + loss[1]);
  }
}
