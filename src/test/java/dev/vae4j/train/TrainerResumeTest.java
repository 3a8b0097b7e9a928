package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resuming from any checkpointed state ends bit-identical to the uninterrupted run; divergence handling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerResumeTest {
  private static final VaeConfig SMALL = VaeConfig.mlp(784, new int[] {24}, 3, Likelihood.BERNOULLI);
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

  private static final class Recorder implements CheckpointSink {
    final List<TrainingState> states = new ArrayList<>();
    final int interval;

    Recorder(int interval) {
      this.interval = interval;
    }

    @Override
    public int stepInterval() {
      return interval;
    }

    @Override
    public void save(TrainingState state) {
      states.add(state);
    }
  }

  @Test
  void schedulesAndWarmUpResumeBitIdenticalFromEveryCheckpoint() {
    for (String schedule : java.util.List.of("cosine", "plateau:0:0.5", "step:1:0.5")) {
      // Warm-up over 50 steps spans the first epoch and part of the second (38 steps an epoch).
      TrainOptions options = new TrainOptions(3, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0)
          .withSchedule(LearningRateSchedule.parse(schedule, 50));
      Recorder all = new Recorder(13);
      Vae straight = Vae.create(SMALL, backend, 7);
      Trainer.Result expected = Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
      assertEquals(options.schedule().rateOfEpoch(3, 3, 2e-3, java.util.List.of(expected.epochs().get(0).valLoss(),
          expected.epochs().get(1).valLoss())), expected.epochs().get(2).learningRate(), schedule);
      for (TrainingState from : all.states) {
        Vae resumed = Vae.create(SMALL, backend, 999);
        Trainer.Result result = Trainer.fit(resumed, digits, options, new TrainingListener() {},
            new RunControl(from, CheckpointSink.none(), false));
        String where = schedule + ", resumed at epoch " + from.epoch() + ", batch " + from.batch();
        assertArrayEquals(straight.parameters(), resumed.parameters(), where);
        assertEquals(expected.epochs().size(), result.epochs().size(), where);
        for (int e = 0; e < expected.epochs().size(); e++) {
          assertEquals(expected.epochs().get(e).valLoss(), result.epochs().get(e).valLoss(), where);
          assertEquals(expected.epochs().get(e).learningRate(), result.epochs().get(e).learningRate(), where);
        }
      }
    }
    // A constant rate without warm-up is what every run had before: the same weights as the 11-option recipe.
    TrainOptions plain = new TrainOptions(1, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0);
    Vae a = Vae.create(SMALL, backend, 7), b = Vae.create(SMALL, backend, 7);
    Trainer.Result r = Trainer.fit(a, digits, plain, new TrainingListener() {});
    Trainer.fit(b, digits, plain.withSchedule(LearningRateSchedule.parse("constant", 0)), new TrainingListener() {});
    assertArrayEquals(a.parameters(), b.parameters());
    assertEquals(null, r.epochs().get(0).learningRate(), "no rate recorded at one rate throughout");
  }

  @Test
  void resumingFromAnyCheckpointEndsBitIdentical() {
    // Patience keeps best weights and early-stopping state in the checkpoints; 7503 training
    // images in batches of 200 leave a partial last batch; KL warm-up makes beta depend on the epoch.
    TrainOptions options = new TrainOptions(3, 200, 2e-3, 0, false, 1f, 2, 7, 0.1, false, 2);
    Recorder all = new Recorder(11);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.Result expected = Trainer.fit(straight, digits, options, new TrainingListener() {},
        new RunControl(null, all, false));
    int epochEnds = (int) all.states.stream().filter(s -> s.batch() == 0).count();
    assertEquals(3, epochEnds);
    assertTrue(all.states.size() > 8, "step checkpoints too: " + all.states.size());
    assertTrue(all.states.get(all.states.size() - 1).finished());

    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999); // different initial weights: the state must replace them
      Trainer.Result result = Trainer.fit(resumed, digits, options, new TrainingListener() {},
          new RunControl(from, CheckpointSink.none(), false));
      String where = "resumed at epoch " + from.epoch() + ", batch " + from.batch();
      assertArrayEquals(straight.parameters(), resumed.parameters(), where);
      assertEquals(expected.bestEpoch(), result.bestEpoch(), where);
      assertEquals(expected.epochs().size(), result.epochs().size(), where);
      for (int e = 0; e < expected.epochs().size(); e++) {
        assertEquals(expected.epochs().get(e).trainLoss(), result.epochs().get(e).trainLoss(), where);
        assertEquals(expected.epochs().get(e).valLoss(), result.epochs().get(e).valLoss(), where);
      }
    }
  }

  /** The same for the other update rules and an L1 term: their state lives in the moments' tensors. */
  @ParameterizedTest
  @CsvSource({"sgd:0.9,1e-3,0", "rmsprop,0,1e-4", "sgd:0.9,0,1e-4", "adamw,1e-2,1e-4", "sgd,0,1e-4"})
  void resumingWithAnotherOptimizerOrL1EndsBitIdentical(String optimizer, double weightDecay, double l1) {
    OptimizerChoice choice = OptimizerChoice.parse(optimizer).withL1(l1);
    TrainOptions options = new TrainOptions(2, 200, optimizer.startsWith("sgd") ? 1e-4 : 2e-3, weightDecay,
        choice.decoupled(), 1f, 0, 7, 0.1, false, 0, choice);
    Recorder all = new Recorder(17);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999);
      Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
      assertArrayEquals(straight.parameters(), resumed.parameters(),
          optimizer + " resumed at epoch " + from.epoch() + ", batch " + from.batch());
    }
  }

  /**
   * The same with ELU or tanh hidden layers ({@code --activation}), on the Vector API and the scalar
   * kernels: their transcendental loops must give the same bits on every run.
   */
  @ParameterizedTest
  @CsvSource({"elu,false", "tanh,false", "elu,true", "tanh,true", "leaky-relu,false", "leaky-relu:0.3,false",
      "leaky-relu:0.3,true", "gelu,false", "gelu,true"})
  void resumingWithAnotherActivationEndsBitIdentical(String activation, boolean scalar) {
    VaeConfig model = VaeConfig.mlp(Shape.flat(784), new int[] {24}, 3, Likelihood.BERNOULLI,
        dev.vae4j.model.HiddenActivations.parse(activation));
    Backend kernels = scalar ? scalarBackend() : backend;
    try {
      TrainOptions options = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 1, 7, 0.1, false, 0);
      Recorder all = new Recorder(13);
      Vae straight = Vae.create(model, kernels, 7);
      Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
      assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
      for (TrainingState from : all.states) {
        Vae resumed = Vae.create(model, kernels, 999);
        Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
        assertArrayEquals(straight.parameters(), resumed.parameters(),
            activation + " on " + kernels.name() + " resumed at epoch " + from.epoch() + ", batch " + from.batch());
      }
    } finally {
      if (kernels != backend) kernels.close();
    }
  }

  /** A CPU backend on the scalar loops, as ScalarCpuBackendTest makes one. */
  private static Backend scalarBackend() {
    System.setProperty("vae4j.scalar", "true");
    try {
      return new CpuBackend(2);
    } finally {
      System.clearProperty("vae4j.scalar");
    }
  }

  /** The same with class-balanced epochs: their draws are recomputed from the seed and the epoch alone. */
  @ParameterizedTest
  @CsvSource({"oversample", "undersample"})
  void resumingWithBalancedEpochsEndsBitIdentical(String balance) {
    TrainOptions options = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0)
        .withBalance(Balance.parse(balance));
    Recorder all = new Recorder(13);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.Result expected = Trainer.fit(straight, digits, options, new TrainingListener() {},
        new RunControl(null, all, false));
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999);
      Trainer.Result result = Trainer.fit(resumed, digits, options, new TrainingListener() {},
          new RunControl(from, CheckpointSink.none(), false));
      String where = balance + " resumed at epoch " + from.epoch() + ", batch " + from.batch();
      assertArrayEquals(straight.parameters(), resumed.parameters(), where);
      assertEquals(expected.epochs().get(1).trainLoss(), result.epochs().get(1).trainLoss(), where);
    }
  }

  /**
   * The same with gradient clipping (--clip-grad-norm), with and without L1: the clipped steps
   * resume bit for bit; the clipping binds (the weights differ from an unclipped run's) and each
   * epoch reports its mean norm before clipping, above MAX.
   */
  @ParameterizedTest
  @CsvSource({"adam,0,1.0", "sgd:0.9,1e-4,5.0"})
  void resumingWithClippingEndsBitIdentical(String optimizer, double l1, double max) {
    OptimizerChoice choice = OptimizerChoice.parse(optimizer).withL1(l1);
    TrainOptions unclipped = new TrainOptions(2, 200, optimizer.startsWith("sgd") ? 1e-4 : 2e-3, 0,
        choice.decoupled(), 1f, 0, 7, 0.1, false, 0, choice);
    TrainOptions options = unclipped.withClipGradNorm(max);
    Recorder all = new Recorder(17);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.Result expected =
        Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
    for (EpochMetrics m : expected.epochs()) {
      assertTrue(m.gradNorm() != null && m.gradNorm() > max, "epoch " + m.epoch() + " grad norm " + m.gradNorm());
    }
    Vae plain = Vae.create(SMALL, backend, 7);
    Trainer.Result free = Trainer.fit(plain, digits, unclipped, new TrainingListener() {}, RunControl.fresh());
    assertEquals(null, free.epochs().get(0).gradNorm(), "no grad norm without clipping");
    assertFalse(Arrays.equals(straight.parameters(), plain.parameters()), "clipping changed nothing");
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999);
      Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
      assertArrayEquals(straight.parameters(), resumed.parameters(),
          optimizer + " clipped to " + max + " resumed at epoch " + from.epoch() + ", batch " + from.batch());
    }
  }

  /** With dropout: the masks are keyed by (seed, step, layer, row, column), so a resumed run draws the same. */
  @Test
  void resumingWithDropoutEndsBitIdentical() {
    VaeConfig twoHidden = VaeConfig.mlp(784, new int[] {24, 16}, 3, Likelihood.BERNOULLI);
    TrainOptions options = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0).withDropout(0.3f);
    Recorder all = new Recorder(13);
    Vae straight = Vae.create(twoHidden, backend, 7);
    Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    Vae without = Vae.create(twoHidden, backend, 7);
    Trainer.fit(without, digits, options.withDropout(0), new TrainingListener() {});
    assertFalse(Arrays.equals(straight.parameters(), without.parameters()), "dropout changed nothing");
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(twoHidden, backend, 999);
      Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
      assertArrayEquals(straight.parameters(), resumed.parameters(),
          "dropout resumed at epoch " + from.epoch() + ", batch " + from.batch());
    }
  }

  /**
   * With class weights (--class-weights): each step gathers its rows' weights through the epoch
   * order, so a resumed run weighs the same rows alike. Weights of 1 are the unweighted run's bits
   * (a multiplication by 1 is exact); other weights change the run.
   */
  @ParameterizedTest
  @CsvSource({"auto", "'0.5,1,1,4,1,1,1,2,1,1'"})
  void resumingWithClassWeightsEndsBitIdentical(String weights) {
    TrainOptions plain = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0);
    TrainOptions options = plain.withClassWeights(ClassWeights.parse(weights));
    Recorder all = new Recorder(13);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.Result expected = Trainer.fit(straight, digits, options, new TrainingListener() {},
        new RunControl(null, all, false));
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    Vae unweighted = Vae.create(SMALL, backend, 7);
    Trainer.fit(unweighted, digits, plain, new TrainingListener() {});
    assertFalse(Arrays.equals(straight.parameters(), unweighted.parameters()), weights + " changed nothing");
    Vae ones = Vae.create(SMALL, backend, 7);
    Trainer.fit(ones, digits, plain.withClassWeights(ClassWeights.parse("1,1,1,1,1,1,1,1,1,1")), new TrainingListener() {});
    assertArrayEquals(unweighted.parameters(), ones.parameters(), "weights of 1 are the unweighted run");
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999);
      Trainer.Result result = Trainer.fit(resumed, digits, options, new TrainingListener() {},
          new RunControl(from, CheckpointSink.none(), false));
      String where = weights + " resumed at epoch " + from.epoch() + ", batch " + from.batch();
      assertArrayEquals(straight.parameters(), resumed.parameters(), where);
      assertEquals(expected.epochs().get(1).trainLoss(), result.epochs().get(1).trainLoss(), where);
    }
  }

  /**
   * A convolutional model with {@code --activation} on its dense layers and dropout after them
   * (not after the convolutions): resumed from every checkpoint, bit-identical.
   */
  @ParameterizedTest
  @CsvSource({"gelu", "leaky-relu:0.2"})
  void resumingAConvModelWithDenseActivationAndDropoutEndsBitIdentical(String activation) {
    VaeConfig conv = VaeConfig.conv(new dev.vae4j.model.layer.Shape(1, 28, 28), new int[] {4}, new int[] {12}, 3,
        Likelihood.BERNOULLI, dev.vae4j.model.HiddenActivations.parse(activation));
    TrainOptions options = new TrainOptions(1, 500, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0).withDropout(0.3f);
    Recorder all = new Recorder(4);
    Vae straight = Vae.create(conv, backend, 7);
    Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
    assertTrue(all.states.size() > 2, "step checkpoints too: " + all.states.size());
    Vae without = Vae.create(conv, backend, 7);
    Trainer.fit(without, digits, options.withDropout(0), new TrainingListener() {});
    assertFalse(Arrays.equals(straight.parameters(), without.parameters()), "dropout changed nothing");
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(conv, backend, 999);
      Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
      assertArrayEquals(straight.parameters(), resumed.parameters(),
          activation + " conv resumed at epoch " + from.epoch() + ", batch " + from.batch());
    }
  }

  /**
   * With bf16 GEMMs: the bfloat16 copies are functions of the float32 weights and activations
   * (rounded to nearest even), which a checkpoint holds, so a resumed run rounds the same.
   */
  @Test
  void resumingWithBf16GemmsEndsBitIdentical() {
    assumeTrue(CpuBackend.unsupportedReason(Precision.BF16) == null, "no native BF16 on this CPU");
    TrainOptions options = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0).withPrecision(Precision.BF16);
    try (CpuBackend bf16 = new CpuBackend(Precision.BF16)) {
      Recorder all = new Recorder(13);
      Vae straight = Vae.create(SMALL, bf16, 7);
      Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
      assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
      Vae fp32 = Vae.create(SMALL, backend, 7);
      Trainer.fit(fp32, digits, options.withPrecision(Precision.FP32), new TrainingListener() {});
      assertFalse(Arrays.equals(straight.parameters(), fp32.parameters()), "bf16 GEMMs changed nothing");
      for (TrainingState from : all.states) {
        Vae resumed = Vae.create(SMALL, bf16, 999);
        Trainer.fit(resumed, digits, options, new TrainingListener() {}, new RunControl(from, CheckpointSink.none(), false));
        assertArrayEquals(straight.parameters(), resumed.parameters(),
            "bf16 resumed at epoch " + from.epoch() + ", batch " + from.batch());
      }
    }
  }

  /**
   * On the importance-weighted bound with K = 5: the draws' noise is keyed by the step like the
   * ELBO's, and the third loss sum is checkpointed, so a run resumed at any step ends bit for bit
   * where the uninterrupted one does, with the same last epoch's bound; the bound (a loss, lower is
   * better) lies below the ELBO's loss, and the run differs from one on the ELBO.
   */
  @Test
  void resumingOnTheIwaeBoundEndsBitIdentical() {
    TrainOptions options = new TrainOptions(2, 200, 2e-3, 0, false, 1f, 0, 7, 0.1, false, 0).withIwaeK(5);
    Recorder all = new Recorder(5);
    Vae straight = Vae.create(SMALL, backend, 7);
    Trainer.Result done = Trainer.fit(straight, digits, options, new TrainingListener() {}, new RunControl(null, all, false));
    assertTrue(all.states.size() > 3, "step checkpoints too: " + all.states.size());
    for (EpochMetrics m : done.epochs()) {
      assertTrue(m.trainIwae() != null && m.trainIwae() < m.trainLoss(),
          "epoch " + m.epoch() + ": bound " + m.trainIwae() + ", ELBO loss " + m.trainLoss());
    }
    Vae elbo = Vae.create(SMALL, backend, 7);
    Trainer.Result plain = Trainer.fit(elbo, digits, options.withIwaeK(1), new TrainingListener() {});
    assertEquals(null, plain.epochs().get(0).trainIwae(), "no bound on the ELBO");
    assertFalse(Arrays.equals(straight.parameters(), elbo.parameters()), "the bound changed nothing");
    for (TrainingState from : all.states) {
      Vae resumed = Vae.create(SMALL, backend, 999);
      Trainer.Result again = Trainer.fit(resumed, digits, options, new TrainingListener() {},
          new RunControl(from, CheckpointSink.none(), false));
      String where = "iwae resumed at epoch " + from.epoch() + ", batch " + from.batch();
      assertArrayEquals(straight.parameters(), resumed.parameters(), where);
      assertEquals(done.epochs().get(1).trainIwae(), again.epochs().get(1).trainIwae(), where);
    }
  }

  @Test
  void divergenceStopsNamingTheStepAndKeepsTheLastGoodWeights() {
    TrainOptions options = new TrainOptions(2, 500, 1e30, 0, false, 1f, 0, 3, 0.1, false, 0);
    Vae model = Vae.create(SMALL, backend, 3);
    float[] initial = model.parameters();
    Recorder saved = new Recorder(0);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.fit(model, digits, options, new TrainingListener() {}, new RunControl(null, saved, false)));
    assertTrue(e.step() >= 1 && e.step() <= 16, e.getMessage());
    assertTrue(e.getMessage().contains("at step " + e.step() + " (epoch 1, batch " + e.step() + ")"), e.getMessage());
    assertTrue(saved.states.isEmpty(), "no non-finite state is ever checkpointed");
    assertArrayEquals(initial, model.parameters(), "the starting weights are the last good ones");
  }

  @Test
  void aPoisonedBatchIsNamedOrSkipped() {
    Dataset train = digits.train();
    float[] pixels = train.pixels().clone();
    int poisoned = 4321;
    Arrays.fill(pixels, poisoned * 784, poisoned * 784 + 784, Float.NaN);
    DatasetSplit data = new DatasetSplit("poisoned", new Dataset("poisoned", pixels, train.labels(), train.count(), 28, 28),
        digits.test());
    TrainOptions options = new TrainOptions(2, 400, 1e-3, 0, false, 1f, 0, 5, 0, true, 0);

    Vae stops = Vae.create(SMALL, backend, 5);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.fit(stops, data, options, new TrainingListener() {}, RunControl.fresh()));
    assertEquals(1, e.epoch(), e.getMessage());

    Vae skips = Vae.create(SMALL, backend, 5);
    Recorder saved = new Recorder(0);
    Trainer.Result result = Trainer.fit(skips, data, options, new TrainingListener() {}, new RunControl(null, saved, true));
    assertEquals(2, result.epochs().size());
    assertTrue(Double.isFinite(result.epochs().get(1).valLoss()));
    for (float p : skips.parameters()) assertFalse(Float.isNaN(p));
    assertTrue(saved.states.stream().allMatch(TrainingState::isFinite));
  }
}
