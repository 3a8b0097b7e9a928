package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Members trained together by {@link StackedTrainer} end, on a one-part CPU backend (the stacked
 * step's arithmetic), exactly as {@link Trainer#fit} ends each alone: weights, every epoch's
 * metrics but the timing, every checkpoint, every listener call, and the exception of a member
 * that is stopped or diverges while the others go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StackedTrainerTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(7 * 7, new int[] {16}, 3, Likelihood.BERNOULLI);
  private static final int IMAGES = 230; // 207 training rows: 6 batches of 32 and one of 15; 23 validation rows
  private static final int BATCH = 32;
  private CpuBackend backend;
  private DatasetSplit data;
  private long seed;

  @BeforeAll
  void open() {
    seed = new Random().nextLong();
    System.out.println("StackedTrainerTest seed " + seed);
    backend = new CpuBackend(1);
    assertEquals(1, backend.batchParts());
    data = new DatasetSplit("synthetic", Benchmark.syntheticImages(IMAGES, 7, 7, seed), null);
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** One member's settings and the seed of its model's initial weights. */
  private record Spec(TrainOptions options, long modelSeed) {}

  /**
   * Three members differing in learning rate, beta, KL warm-up, seed, weight decay, patience and
   * schedule (cosine; plateau, which reads the member's own history). At a rate of 0.3 the
   * validation loss on these noise images soon stops improving: patience 1 then usually stops the
   * second member early, and the plateau schedule halves the third's rate.
   */
  private List<Spec> specs(int epochs) {
    Random random = new Random(seed);
    return List.of(
        new Spec(new TrainOptions(epochs, BATCH, 3e-3, 0, false, 1f, 0, random.nextLong(), 0.1, false, 0)
            .withSchedule(LearningRateSchedule.parse("cosine", 0)), random.nextLong()),
        new Spec(new TrainOptions(epochs, BATCH, 0.3, 1e-3, true, 0.5f, 2, random.nextLong(), 0.1, false, 1),
            random.nextLong()),
        new Spec(new TrainOptions(epochs, BATCH, 0.3, 0, false, 2f, 0, random.nextLong(), 0.1, false, 0)
            .withSchedule(LearningRateSchedule.parse("plateau:0:0.5", 0)), random.nextLong()));
  }

  /** What a member's run did: its model, outcome, checkpoints and listener calls. */
  private record Trial(Vae model, StackedTrainer.Outcome outcome, List<TrainingState> states, List<String> calls) {}

  private static final class Recorder implements CheckpointSink {
    final List<TrainingState> states = new ArrayList<>();

    @Override
    public void save(TrainingState state) {
      states.add(state);
    }
  }

  /** Every call a run makes to its listener, timings left out; step reports every 2 steps. */
  private static final class Trace implements TrainingListener {
    final List<String> calls = new ArrayList<>();

    @Override
    public void epochStarted(int epoch, int steps) {
      calls.add("started " + epoch + " of " + steps);
    }

    @Override
    public void stepFinished(int epoch, int step) {
      calls.add("step " + epoch + "." + step);
    }

    @Override
    public int stepReportInterval() {
      return 2;
    }

    @Override
    public void stepReported(StepMetrics m) {
      calls.add("report " + new StepMetrics(m.epoch(), m.step(), m.globalStep(), m.samples(), m.loss(), m.recon(), m.kl(),
          m.klWeight(), m.learningRate(), 0));
    }

    @Override
    public void epochFinished(EpochMetrics metrics, Vae model) {
      calls.add("finished " + untimed(metrics) + " weights " + Arrays.hashCode(model.parameters()));
    }
  }

  /** A control for a run: resuming from {@code resume} (or fresh), stopping when {@code stop} says so given its sink. */
  private static RunControl control(Recorder sink, TrainingState resume, Function<Recorder, BooleanSupplier> stop) {
    return new RunControl(resume, sink, false, stop == null ? null : stop.apply(sink));
  }

  /** {@code spec} trained alone by Trainer.fit. */
  private Trial alone(Spec spec, TrainingState resume, Function<Recorder, BooleanSupplier> stop) {
    return alone(spec, resume, stop, data);
  }

  private Trial alone(Spec spec, TrainingState resume, Function<Recorder, BooleanSupplier> stop, DatasetSplit data) {
    Vae model = Vae.create(CONFIG, backend, resume == null ? spec.modelSeed() : 999);
    Recorder sink = new Recorder();
    Trace trace = new Trace();
    StackedTrainer.Outcome outcome;
    try {
      outcome = new StackedTrainer.Outcome(Trainer.fit(model, data, spec.options(), trace, control(sink, resume, stop)),
          null);
    } catch (RuntimeException e) {
      outcome = new StackedTrainer.Outcome(null, e);
    }
    return new Trial(model, outcome, sink.states, trace.calls);
  }

  /** {@code specs} trained together; {@code resumes} and {@code stops} per member (null entries: fresh, never stopped). */
  private List<Trial> together(List<Spec> specs, List<TrainingState> resumes,
      List<Function<Recorder, BooleanSupplier>> stops) {
    return together(specs, resumes, stops, data);
  }

  private List<Trial> together(List<Spec> specs, List<TrainingState> resumes,
      List<Function<Recorder, BooleanSupplier>> stops, DatasetSplit data) {
    List<StackedTrainer.Member> members = new ArrayList<>();
    List<Recorder> sinks = new ArrayList<>();
    List<Trace> traces = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TrainingState resume = resumes == null ? null : resumes.get(i);
      Vae model = Vae.create(CONFIG, backend, resume == null ? specs.get(i).modelSeed() : 999);
      sinks.add(new Recorder());
      traces.add(new Trace());
      members.add(new StackedTrainer.Member(model, specs.get(i).options(), traces.get(i),
          control(sinks.get(i), resume, stops == null ? null : stops.get(i))));
    }
    List<StackedTrainer.Outcome> outcomes = StackedTrainer.fit(members, data);
    assertEquals(specs.size(), outcomes.size());
    List<Trial> trials = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      trials.add(new Trial(members.get(i).model(), outcomes.get(i), sinks.get(i).states, traces.get(i).calls));
    }
    return trials;
  }

  private void assertAsAlone(Trial alone, Trial stacked, String member) {
    String why = member + " (seed " + seed + ")";
    assertArrayEquals(alone.model().parameters(), stacked.model().parameters(), "final weights of " + why);
    StackedTrainer.Outcome a = alone.outcome(), s = stacked.outcome();
    if (a.failure() != null) {
      assertNull(s.result(), why);
      assertInstanceOf(a.failure().getClass(), s.failure(), why);
      assertEquals(a.failure().getMessage(), s.failure().getMessage(), why);
    } else {
      assertNull(s.failure(), () -> why + ": " + s.failure());
      assertEquals(untimed(a.result().epochs()), untimed(s.result().epochs()), "metrics of " + why);
      assertEquals(a.result().bestEpoch(), s.result().bestEpoch(), why);
      assertEquals(a.result().stoppedEarly(), s.result().stoppedEarly(), why);
    }
    assertEquals(alone.states().size(), stacked.states().size(), "checkpoints of " + why);
    for (int k = 0; k < alone.states().size(); k++) assertSameState(alone.states().get(k), stacked.states().get(k), why);
    assertEquals(alone.calls(), stacked.calls(), "listener calls of " + why);
  }

  private static void assertSameState(TrainingState a, TrainingState b, String why) {
    String at = "checkpoint after epoch " + a.epoch() + " of " + why;
    assertEquals(a.epoch(), b.epoch(), at);
    assertEquals(a.batch(), b.batch(), at);
    assertEquals(a.adamSteps(), b.adamSteps(), at);
    assertArrayEquals(a.parameters(), b.parameters(), at);
    assertArrayEquals(a.firstMoment(), b.firstMoment(), at);
    assertArrayEquals(a.secondMoment(), b.secondMoment(), at);
    assertArrayEquals(a.epochLossSums(), b.epochLossSums(), at);
    assertEquals(a.bestLoss(), b.bestLoss(), 0, at);
    assertEquals(a.bestEpoch(), b.bestEpoch(), at);
    assertEquals(a.sinceBest(), b.sinceBest(), at);
    assertArrayEquals(a.bestParameters(), b.bestParameters(), at);
    assertEquals(untimed(a.history()), untimed(b.history()), at);
    assertEquals(a.finished(), b.finished(), at);
  }

  private static List<EpochMetrics> untimed(List<EpochMetrics> epochs) {
    return epochs.stream().map(StackedTrainerTest::untimed).toList();
  }

  private static EpochMetrics untimed(EpochMetrics m) {
    return new EpochMetrics(m.epoch(), m.trainLoss(), m.trainRecon(), m.trainKl(), m.valLoss(), m.valRecon(), m.valKl(),
        0, 0, m.klWeight(), m.best(), m.learningRate(), m.gradNorm(), m.trainIwae());
  }

  @Test
  void membersTrainedTogetherEndAsTrainedAlone() {
    List<Spec> specs = specs(4);
    List<Trial> stacked = together(specs, null, null);
    for (int i = 0; i < specs.size(); i++) {
      Trial alone = alone(specs.get(i), null, null);
      assertTrue(alone.outcome().failure() == null, "member " + i + " trains: " + alone.outcome().failure());
      assertAsAlone(alone, stacked.get(i), "member " + i);
    }
    System.out.println("member 1 (patience 1) stopped early: " + stacked.get(1).outcome().result().stoppedEarly()
        + "; member 2's rates " + stacked.get(2).outcome().result().epochs().stream().map(EpochMetrics::learningRate).toList());
    // The members really differ (a stack that trained one model M times would fail the comparisons above anyway).
    assertNotEquals(Arrays.hashCode(stacked.get(0).model().parameters()), Arrays.hashCode(stacked.get(2).model().parameters()));
  }

  @Test
  void stoppedAfterAnEpochThenResumedEndsAsUninterrupted() {
    List<Spec> specs = specs(3);
    Function<Recorder, BooleanSupplier> afterFirst = sink -> () -> !sink.states.isEmpty();
    List<Trial> stopped = together(specs, null, List.of(afterFirst, afterFirst, afterFirst));
    List<TrainingState> resumes = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class,
          stopped.get(i).outcome().failure(), "member " + i);
      assertTrue(e.checkpointed());
      assertEquals(1, e.resumesFrom().epoch());
      assertEquals(1, stopped.get(i).states().size());
      assertTrue(stopped.get(i).calls().stream().noneMatch(c -> c.startsWith("started 2")), "member " + i + " stopped");
      resumes.add(e.resumesFrom());
    }
    List<Trial> resumed = together(specs, resumes, null);
    for (int i = 0; i < specs.size(); i++) {
      Trial straight = alone(specs.get(i), null, null);
      Trial again = resumed.get(i);
      String why = "member " + i + " resumed after epoch 1 (seed " + seed + ")";
      assertArrayEquals(straight.model().parameters(), again.model().parameters(), why);
      assertEquals(untimed(straight.outcome().result().epochs()), untimed(again.outcome().result().epochs()), why);
      assertEquals(straight.outcome().result().bestEpoch(), again.outcome().result().bestEpoch(), why);
      for (TrainingState state : again.states()) assertSameState(straight.states().get(state.epoch() - 1), state, why);
      // And alone from the stack's checkpoint: what `vae4j train --resume` of that run folder does.
      Trial aloneResumed = alone(specs.get(i), resumes.get(i), null);
      assertArrayEquals(straight.model().parameters(), aloneResumed.model().parameters(), why + ", alone");
      // From its last, finished state a run ends at once with the same result and weights (best ones with patience).
      TrainingState last = straight.states().get(straight.states().size() - 1);
      Trial done = together(List.of(specs.get(i)), List.of(last), null).get(0);
      assertArrayEquals(straight.model().parameters(), done.model().parameters(), why + ", finished");
      assertEquals(untimed(straight.outcome().result().epochs()), untimed(done.outcome().result().epochs()), why);
      assertEquals(straight.outcome().result().stoppedEarly(), done.outcome().result().stoppedEarly(), why);
      assertEquals(List.of(), done.calls(), why);
    }
  }

  @Test
  void validatingOnTheTestSplitOrNotAtAll() {
    Random random = new Random(seed);
    DatasetSplit split = new DatasetSplit("synthetic", data.train(), Benchmark.syntheticImages(50, 7, 7, seed + 1));
    for (boolean onTest : new boolean[] {true, false}) {
      List<Spec> specs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        // Without validation rows patience and plateau watch the training loss.
        specs.add(new Spec(new TrainOptions(3, BATCH, 1e-2 * (i + 1), 0, false, 1f, 0, random.nextLong(), onTest ? 0.1 : 0,
            onTest, i).withSchedule(LearningRateSchedule.parse("plateau:0:0.5", 0)), random.nextLong()));
      }
      DatasetSplit used = onTest ? split : data;
      List<Trial> stacked = together(specs, null, null, used);
      for (int i = 0; i < specs.size(); i++) {
        String why = "member " + i + (onTest ? " on the test split" : " without validation");
        assertAsAlone(alone(specs.get(i), null, null, used), stacked.get(i), why);
      }
    }
  }

  @Test
  void whatAListenerOrASinkThrowsEndsOnlyItsMember() {
    List<Spec> specs = specs(3);
    RuntimeException pruned = new IllegalStateException("pruned after epoch 2");
    TrainingListener pruning = new TrainingListener() {
      @Override
      public void epochFinished(EpochMetrics metrics, Vae model) {
        if (metrics.epoch() == 2) throw pruned;
      }
    };
    CheckpointSink full = state -> {
      throw new java.io.IOException("disk full");
    };
    Vae kept = Vae.create(CONFIG, backend, specs.get(0).modelSeed());
    List<StackedTrainer.Outcome> outcomes = StackedTrainer.fit(List.of(
        new StackedTrainer.Member(kept, specs.get(0).options(), new TrainingListener() {}, RunControl.fresh()),
        new StackedTrainer.Member(Vae.create(CONFIG, backend, 1), specs.get(1).options(), pruning, RunControl.fresh()),
        new StackedTrainer.Member(Vae.create(CONFIG, backend, 2), specs.get(2).options(), new TrainingListener() {},
            new RunControl(null, full, false))), data);
    assertEquals(pruned, outcomes.get(1).failure());
    assertInstanceOf(java.io.UncheckedIOException.class, outcomes.get(2).failure());
    assertEquals("disk full", outcomes.get(2).failure().getCause().getMessage());
    assertArrayEquals(alone(specs.get(0), null, null).model().parameters(), kept.parameters(), "seed " + seed);
  }

  @Test
  void aMemberStoppedLeavesWhileTheOthersGoOn() {
    List<Spec> specs = specs(3);
    Function<Recorder, BooleanSupplier> afterSecond = sink -> () -> sink.states.size() >= 2;
    // Asked from the start: the first step's pace is unknown, so the run stops after it without a checkpoint.
    Function<Recorder, BooleanSupplier> atOnce = sink -> () -> true;
    List<Function<Recorder, BooleanSupplier>> stops = Arrays.asList(afterSecond, null, atOnce);
    List<Trial> stacked = together(specs, null, stops);
    for (int i = 0; i < specs.size(); i++) assertAsAlone(alone(specs.get(i), null, stops.get(i)), stacked.get(i), "member " + i);
    TrainingInterruptedException second = assertInstanceOf(TrainingInterruptedException.class,
        stacked.get(0).outcome().failure());
    assertEquals(2, second.resumesFrom().epoch());
    TrainingInterruptedException first = assertInstanceOf(TrainingInterruptedException.class,
        stacked.get(2).outcome().failure());
    assertEquals(0, first.resumesFrom().epoch());
    assertEquals(false, first.checkpointed());
    assertEquals(List.of("started 1 of 7", "step 1.1"), stacked.get(2).calls());
    assertNull(stacked.get(1).outcome().failure());
  }

  @Test
  void aDivergingMemberFailsAloneTheOthersUnaffected() {
    List<Spec> base = specs(3);
    Spec diverging = new Spec(new TrainOptions(3, BATCH, 1e30, 0, false, 1f, 0, 3, 0.1, false, 0), 3);
    List<Spec> specs = List.of(base.get(0), diverging, base.get(2));
    List<Trial> stacked = together(specs, null, null);
    for (int i = 0; i < specs.size(); i++) assertAsAlone(alone(specs.get(i), null, null), stacked.get(i), "member " + i);
    TrainingDivergedException e = assertInstanceOf(TrainingDivergedException.class, stacked.get(1).outcome().failure());
    assertEquals(1, e.epoch(), e.getMessage());
    assertTrue(e.getMessage().contains("at step " + e.step() + " (epoch 1, batch " + e.step() + ")"), e.getMessage());
    assertArrayEquals(Vae.create(CONFIG, backend, 3).parameters(), stacked.get(1).model().parameters(), "last good weights");
    assertTrue(stacked.get(1).states().isEmpty());
  }

  @Test
  void saysWhatCannotStack() {
    TrainOptions plain = TrainOptions.defaults();
    RunControl fresh = RunControl.fresh();
    VaeConfig mlp = VaeConfig.mnistDefault();
    assertNull(StackedTrainer.whyNotStackable(mlp, plain, fresh));
    assertNull(StackedTrainer.whyNotStackable(mlp, plain.withSchedule(LearningRateSchedule.parse("step:2:0.5", 0))
        .withOptimizer(OptimizerChoice.adam(true)), fresh));
    assertEquals("--dropout", StackedTrainer.whyNotStackable(mlp, plain.withDropout(0.2f), fresh));
    assertEquals("--warmup-steps",
        StackedTrainer.whyNotStackable(mlp, plain.withSchedule(LearningRateSchedule.parse("constant", 10)), fresh));
    assertEquals("--optimizer sgd", StackedTrainer.whyNotStackable(mlp, plain.withOptimizer(OptimizerChoice.parse("sgd")), fresh));
    assertEquals("--l1", StackedTrainer.whyNotStackable(mlp, plain.withOptimizer(OptimizerChoice.ADAM.withL1(1e-4)), fresh));
    assertEquals("--clip-grad-norm", StackedTrainer.whyNotStackable(mlp, plain.withClipGradNorm(1), fresh));
    assertEquals("--balance", StackedTrainer.whyNotStackable(mlp, plain.withBalance(Balance.OVERSAMPLE), fresh));
    assertEquals("--iwae-k", StackedTrainer.whyNotStackable(mlp, plain.withIwaeK(5), fresh));
    assertEquals("--precision bf16", StackedTrainer.whyNotStackable(mlp, plain.withPrecision(Precision.BF16), fresh));
    assertEquals("--skip-nonfinite",
        StackedTrainer.whyNotStackable(mlp, plain, new RunControl(null, CheckpointSink.none(), true)));
    CheckpointSink everyTen = new CheckpointSink() {
      @Override
      public int stepInterval() {
        return 10;
      }

      @Override
      public void save(TrainingState state) {}
    };
    assertEquals("--checkpoint-every", StackedTrainer.whyNotStackable(mlp, plain, new RunControl(null, everyTen, false)));
    TrainingState inside = TrainingState.builder().parameters(new float[3]).batch(5).build();
    assertEquals("a resume from inside an epoch (in epoch 1 after batch 5, step 0)",
        StackedTrainer.whyNotStackable(mlp, plain, new RunControl(inside, CheckpointSink.none(), false)));
    assertTrue(StackedTrainer.whyNotStackable(VaeConfig.conv(new Shape(1, 28, 28), new int[] {8}, new int[] {16}, 4,
        Likelihood.BERNOULLI), plain, fresh).contains("convolutional"));
    assertTrue(StackedTrainer.whyNotStackable(VaeConfig.mlp(new Shape(1, 28, 28), new int[] {16}, 4, Likelihood.BERNOULLI,
        Activation.GELU), plain, fresh).contains("gelu"));
  }

  @Test
  void keysTellWhatMayStack() {
    TrainOptions a = new TrainOptions(5, 64, 1e-3, 0, false, 1f, 0, 1, 0.1, false, 0);
    Object key = StackedTrainer.stackKey(CONFIG, a);
    assertEquals(key, StackedTrainer.stackKey(CONFIG, new TrainOptions(5, 64, 3e-2, 1e-3, true, 0.25f, 3, 9, 0.1, false, 2)
        .withSchedule(LearningRateSchedule.parse("plateau:1:0.5", 0))));
    assertNotEquals(key, StackedTrainer.stackKey(CONFIG, new TrainOptions(5, 32, 1e-3, 0, false, 1f, 0, 1, 0.1, false, 0)));
    assertNotEquals(key, StackedTrainer.stackKey(CONFIG, a.withEpochs(6)));
    assertNotEquals(key, StackedTrainer.stackKey(CONFIG, new TrainOptions(5, 64, 1e-3, 0, false, 1f, 0, 1, 0.2, false, 0)));
    assertNotEquals(key, StackedTrainer.stackKey(CONFIG, new TrainOptions(5, 64, 1e-3, 0, false, 1f, 0, 1, 0.1, true, 0)));
    assertNotEquals(key, StackedTrainer.stackKey(VaeConfig.mlp(7 * 7, new int[] {17}, 3, Likelihood.BERNOULLI), a));
    assertEquals(0, StackedTrainer.startEpoch(RunControl.fresh()));
  }

  @Test
  void refusesMembersThatCannotStack() {
    TrainOptions a = new TrainOptions(2, BATCH, 1e-3, 0, false, 1f, 0, 1, 0.1, false, 0);
    StackedTrainer.Member first = new StackedTrainer.Member(Vae.create(CONFIG, backend, 1), a, new TrainingListener() {},
        RunControl.fresh());
    var batch = assertThrows(IllegalArgumentException.class, () -> StackedTrainer.fit(List.of(first,
        new StackedTrainer.Member(Vae.create(CONFIG, backend, 2), new TrainOptions(2, 16, 1e-3, 0, false, 1f, 0, 1, 0.1,
            false, 0), new TrainingListener() {}, RunControl.fresh())), data));
    assertEquals("member 1 differs from member 0 in --batch-size", batch.getMessage());
    var dropout = assertThrows(IllegalArgumentException.class, () -> StackedTrainer.fit(List.of(first,
        new StackedTrainer.Member(Vae.create(CONFIG, backend, 2), a.withDropout(0.1f), new TrainingListener() {},
            RunControl.fresh())), data));
    assertEquals("member 1 cannot train in a stack: --dropout", dropout.getMessage());
    TrainingState after1 = TrainingState.builder().parameters(Vae.create(CONFIG, backend, 3).parameters()).epoch(1)
        .history(List.of(new EpochMetrics(1, 1, 1, 0, 1, 1, 0, 1, 1, 1f, true))).build();
    var start = assertThrows(IllegalArgumentException.class, () -> StackedTrainer.fit(List.of(first,
        new StackedTrainer.Member(Vae.create(CONFIG, backend, 3), a, new TrainingListener() {},
            new RunControl(after1, CheckpointSink.none(), false))), data));
    assertEquals("member 1 starts after epoch 1, member 0 after epoch 0", start.getMessage());
    var twice = assertThrows(IllegalArgumentException.class, () -> StackedTrainer.fit(List.of(first, first), data));
    assertEquals("members 0 and 1 are one model", twice.getMessage());
  }
}
