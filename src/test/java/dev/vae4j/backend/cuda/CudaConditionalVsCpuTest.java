package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.ResidentLabels;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The conditional VAE on the GPU ({@code onehot.cu}) against the CPU: the one-hot append (with an
 * order and without) and its backward exactly, and an epoch of a conditional MLP and conv model
 * (validating on the labelled test split, whose labels sit after the training ones) to float
 * rounding.
 */
@RequiresGpu
class CudaConditionalVsCpuTest {

  @Test
  void theOpsMatchTheCpusExactly() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int width = 37, classes = 7, rows = 300, count = 1000, first = 123;
    float[] src = new float[rows * width], wide = new float[rows * (width + classes)];
    for (int i = 0; i < src.length; i++) src[i] = (float) random.nextGaussian();
    for (int i = 0; i < wide.length; i++) wide[i] = (float) random.nextGaussian();
    int[] labels = new int[count], order = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = random.nextInt(classes);
      order[i] = random.nextInt(count);
    }
    float[][] out = new float[2][], back = new float[2][], plain = new float[2][];
    int b = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        IndexTensor lab = backend.allocateIndices(count), ord = backend.allocateIndices(count);
        backend.uploadIndices(labels, lab);
        backend.uploadIndices(order, ord);
        Tensor s = backend.allocate(src.length), d = backend.allocate(wide.length), w = backend.allocate(wide.length);
        backend.upload(src, s);
        backend.upload(wide, w);
        backend.appendOneHot(s, width, lab, ord, first, rows, classes, d);
        out[b] = backend.download(d);
        backend.appendOneHot(s, width, lab, null, first, rows, classes, d);
        plain[b] = backend.download(d);
        backend.appendOneHotBackward(w, width, classes, rows, s);
        back[b++] = backend.download(s);
      }
    }
    assertArrayEquals(out[0], out[1], "seed " + seed);
    assertArrayEquals(plain[0], plain[1], "seed " + seed);
    assertArrayEquals(back[0], back[1], "seed " + seed);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aConditionalEpochMatchesTheCpus(boolean conv) throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    VaeConfig model = conv
        ? VaeConfig.conv(new dev.vae4j.model.layer.Shape(1, 28, 28), new int[] {8}, new int[] {32}, 3, Likelihood.BERNOULLI)
        : VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.BERNOULLI);
    VaeConfig config = model.withConditioning(ResidentLabels.conditioning(digits.train()));
    TrainOptions options = new TrainOptions(1, 100, 1e-3, 0, false, 1f, 0, 3, 0, true, 0);
    double[][] loss = new double[2][];
    int i = 0;
    for (Backend backend : new Backend[] {new CpuBackend(), new CudaBackend(CudaOptions.defaults())}) {
      try (backend) {
        var m = Trainer.fit(Vae.create(config, backend, 3), digits, options).epochs().get(0);
        loss[i++] = new double[] {m.trainLoss(), m.valLoss()};
      }
    }
    assertEquals(loss[0][0], loss[1][0], 1e-3 * Math.abs(loss[0][0]), "train: CPU " + loss[0][0] + ", CUDA " + loss[1][0]);
    assertEquals(loss[0][1], loss[1][1], 1e-3 * Math.abs(loss[0][1]), "validation: CPU " + loss[0][1] + ", CUDA " + loss[1][1]);
  }
}
