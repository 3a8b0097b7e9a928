package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The imbalanced-digits set-up of the tests of the options meant for rare classes ({@code --balance},
 * {@code --class-weights}): the bundled digits with the 3s cut to 5%, a small model trained on them
 * on a CPU backend, and the test split's 3s' reconstruction loss that shows whether the option
 * helped. Open in a test class's {@code @BeforeAll}, close in its {@code @AfterAll}.
 */
final class RareDigits implements AutoCloseable {
  static final int RARE = 3;
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {64}, 4, Likelihood.BERNOULLI);

  private final String who;
  private final Backend backend;
  private final DatasetSplit digits;

  private RareDigits(String who, Backend backend, DatasetSplit digits) {
    this.who = who;
    this.backend = backend;
    this.digits = digits;
  }

  /** A CPU backend and the bundled digits; {@code who} prefixes what the fixture prints. */
  static RareDigits open(String who) throws IOException {
    return new RareDigits(who, new CpuBackend(), Datasets.bundledDigits());
  }

  /** Options of {@code epochs} epochs of {@code batch} images at lr 2e-3, seed 5, everything else off. */
  static TrainOptions options(int epochs, int batch) {
    return new TrainOptions(epochs, batch, 2e-3, 0, false, 1f, 0, 5, 0, false, 0);
  }

  /** A fresh small model (seed 5) on the fixture's backend. */
  Vae model() {
    return Vae.create(SMALL, backend, 5);
  }

  /** The training digits with only every twentieth 3 kept (5%), and the test split as it is; prints the 3s' count. */
  DatasetSplit rareThrees() {
    Dataset train = digits.train();
    int[] labels = train.labels();
    int[] seen = {0};
    int[] kept = IntStream.range(0, train.count())
        .filter(i -> labels[i] != RARE || seen[0]++ % 20 == 0).toArray();
    DatasetSplit data = new DatasetSplit(digits.source(), train.subset(kept, "digits, 3 at 5%"), digits.test());
    int threes = (int) IntStream.of(data.train().labels()).filter(l -> l == RARE).count();
    System.out.println(who + ": " + threes + " threes among " + data.train().count() + " training images");
    return data;
  }

  /** 300 training digits without their labels, and no test split: what the options for classes refuse. */
  DatasetSplit unlabelled() {
    Dataset train = digits.train();
    Dataset images = new Dataset("no labels", train.subset(IntStream.range(0, 300).toArray(), "x").pixels(), null,
        300, 28, 28);
    return new DatasetSplit("x", images, null);
  }

  /**
   * The rare 3s' test loss ({@link #rareTestLoss}) after 3 epochs of batch 64 on {@link #rareThrees},
   * without and with {@code option} ({@code flag} names it in the printed line): {without, with}.
   */
  double[] rareTestLossWithoutAndWith(UnaryOperator<TrainOptions> option, String flag) {
    DatasetSplit data = rareThrees();
    TrainOptions plain = options(3, 64);
    double without = rareTestLoss(data, plain), with = rareTestLoss(data, option.apply(plain));
    System.out.printf("%s: test 3s' reconstruction BCE %.2f without, %.2f with %s%n", who, without, with, flag);
    return new double[] {without, with};
  }

  /** Mean reconstruction BCE (nats per image, double on the host) of the test split's rare digits after training. */
  private double rareTestLoss(DatasetSplit data, TrainOptions options) {
    Vae model = model();
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

  @Override
  public void close() {
    backend.close();
  }
}
