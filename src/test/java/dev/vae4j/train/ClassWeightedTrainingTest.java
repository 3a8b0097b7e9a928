package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What --class-weights is for: a class the data under-represents is learnt faster when its rows weigh more. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassWeightedTrainingTest {
  private static final int RARE = 3;
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {64}, 4, Likelihood.BERNOULLI);
  private Backend backend;
  private DatasetSplit digits;

  @BeforeAll
  void open() throws IOException {
    backend = new CpuBackend();
    digits = Datasets.bundledDigits();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The training digits with only every twentieth 3 kept (5%), and the test split as it is. */
  private DatasetSplit rareThrees() {
    Dataset train = digits.train();
    int[] labels = train.labels();
    int[] seen = {0};
    int[] kept = IntStream.range(0, train.count())
        .filter(i -> labels[i] != RARE || seen[0]++ % 20 == 0).toArray();
    return new DatasetSplit(digits.source(), train.subset(kept, "digits, 3 at 5%"), digits.test());
  }

  @Test
  void autoWeightsLowerTheRareClasssReconstructionLoss() {
    DatasetSplit data = rareThrees();
    int threes = (int) IntStream.of(data.train().labels()).filter(l -> l == RARE).count();
    System.out.println("ClassWeightedTrainingTest: " + threes + " threes among " + data.train().count() + " training images");
    TrainOptions plain = new TrainOptions(3, 64, 2e-3, 0, false, 1f, 0, 5, 0, false, 0);
    double without = rareTestLoss(data, plain);
    double with = rareTestLoss(data, plain.withClassWeights(ClassWeights.AUTO));
    System.out.printf("ClassWeightedTrainingTest: test 3s' reconstruction BCE %.2f without, %.2f with --class-weights auto%n",
        without, with);
    assertTrue(with < 0.9 * without, "weighted " + with + " vs " + without + " nats per image");
  }

  /** Mean reconstruction BCE (nats per image, double on the host) of the test split's rare digits after training. */
  private double rareTestLoss(DatasetSplit data, TrainOptions options) {
    Vae model = Vae.create(SMALL, backend, 5);
    Trainer.fit(model, data, options);
    Dataset test = data.test();
    int[] rare = IntStream.range(0, test.count()).filter(i -> test.labels()[i] == RARE).toArray();
    float[] x = test.subset(rare, "test 3s").pixels();
    float[] p = model.reconstruct(x, rare.length, 9);
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
      sum -= x[i] * Math.log(q) + (1 - x[i]) * Math.log(1 - q);
    }
    return sum / rare.length;
  }

  /** scikit-learn's "balanced": N / (C * n_c), a mean of 1 over the rows; a class absent from the rows weighs 1. */
  @Test
  void autoIsInverseFrequencyWithAMeanOfOne() {
    int[] labels = {0, 0, 0, 1, 2, 2, 0, 9};
    int[] rows = {0, 1, 2, 3, 4, 5, 6}; // label 9's image is held out
    float[] w = ClassWeights.AUTO.perClass(rows, labels, 4);
    assertArrayEquals(new float[] {7f / (3 * 4), 7f / 3, 7f / (3 * 2), 1f}, w, 1e-6f);
    double mean = IntStream.of(rows).mapToDouble(r -> w[labels[r]]).sum() / rows.length;
    assertEquals(1, mean, 1e-6);
    assertArrayEquals(new float[] {2f, 0.5f}, ClassWeights.parse("2,0.5").perClass(rows, new int[] {0, 1, 0, 1, 0, 1, 0}, 2));
  }

  @Test
  void badWeightsAndUnlabelledImagesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,0"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,NaN"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,,2"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,2").perClass(new int[] {0}, new int[] {0}, 3));
    Dataset train = digits.train();
    Dataset unlabelled = new Dataset("no labels", train.subset(IntStream.range(0, 300).toArray(), "x").pixels(), null,
        300, 28, 28);
    TrainOptions options = new TrainOptions(1, 100, 2e-3, 0, false, 1f, 0, 5, 0, false, 0).withClassWeights(ClassWeights.AUTO);
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.fit(Vae.create(SMALL, backend, 5), new DatasetSplit("x", unlabelled, null), options));
  }
}
