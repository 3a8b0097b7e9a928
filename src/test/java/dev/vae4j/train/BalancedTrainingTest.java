package dev.vae4j.train;

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

/** What --balance is for: a class the data under-represents is learnt as if it were not rare. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BalancedTrainingTest {
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
  void oversamplingLowersTheRareClasssReconstructionLoss() {
    DatasetSplit data = rareThrees();
    int threes = (int) IntStream.of(data.train().labels()).filter(l -> l == RARE).count();
    System.out.println("BalancedTrainingTest: " + threes + " threes among " + data.train().count() + " training images");
    TrainOptions plain = new TrainOptions(3, 64, 2e-3, 0, false, 1f, 0, 5, 0, false, 0);
    double without = rareTestLoss(data, plain);
    double with = rareTestLoss(data, plain.withBalance(Balance.OVERSAMPLE));
    System.out.printf("BalancedTrainingTest: test 3s' reconstruction BCE %.2f without, %.2f with --balance oversample%n",
        without, with);
    assertTrue(with < 0.9 * without, "oversampled " + with + " vs " + without + " nats per image");
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

  @Test
  void anEpochHasEveryClassAtTheLargestsCountWhenOversampling() {
    DatasetSplit data = rareThrees();
    int[] perClass = new int[10];
    for (int l : data.train().labels()) perClass[l]++;
    int largest = IntStream.of(perClass).max().getAsInt();
    TrainOptions options = new TrainOptions(1, 500, 2e-3, 0, false, 1f, 0, 5, 0, false, 0).withBalance(Balance.OVERSAMPLE);
    int[] steps = {0};
    Trainer.fit(Vae.create(SMALL, backend, 5), data, options, new TrainingListener() {
      @Override
      public void epochStarted(int epoch, int stepsInEpoch) {
        steps[0] = stepsInEpoch;
      }
    });
    assertEquals((10 * largest + 499) / 500, steps[0], "ceil(classes * largest / batch) batches");
  }

  @Test
  void balancingUnlabelledImagesIsRefused() {
    Dataset train = digits.train();
    Dataset unlabelled = new Dataset("no labels", train.subset(IntStream.range(0, 300).toArray(), "x").pixels(), null,
        300, 28, 28);
    TrainOptions options = new TrainOptions(1, 100, 2e-3, 0, false, 1f, 0, 5, 0, false, 0).withBalance(Balance.UNDERSAMPLE);
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.fit(Vae.create(SMALL, backend, 5), new DatasetSplit("x", unlabelled, null), options));
  }
}
