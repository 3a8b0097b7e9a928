package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Trains several models of one MLP shape together, one {@link StackedTrainingStep} per optimizer
 * step for all of them ("many models at once", issue 18: a sweep's same-shape trials share the
 * GPU's steps), each member exactly as {@link Trainer#fit} trains it alone: its own held-out rows,
 * epoch orders, noise streams and Adam settings, its learning-rate schedule and KL warm-up read per
 * epoch, its early stopping, checkpoints, stop requests and divergence check. On the CPU backend
 * with one batch part (the stacked step's arithmetic) every member's weights, metrics and
 * checkpoints are bit for bit those of its run alone ({@code StackedTrainerTest}); on the GPU the
 * stacked kernels agree with the single ones to float rounding.
 *
 * <p>What a member shares with the others is its {@link #stackKey}; what the stacked step cannot
 * do, or what would need a per-step setting a recorded step cannot change, {@link
 * #whyNotStackable} names, and such a run trains alone.
 *
 * <p>A member that finishes, is stopped or diverges leaves with its {@link Outcome}; its listener
 * and checkpoint sink hear no more of the stack. One that leaves inside an epoch (a stop request)
 * is carried along, ignored, to the epoch's end; at each epoch start the stack is rebuilt without
 * the members that left. A rebuild allocates the stack's buffers again and uploads each remaining
 * member's parameters and both moments (three floats per parameter, what every epoch end already
 * downloads for the checkpoints), once per leaving, while a member kept would cost its full share
 * of every later step. Measured on the CPU (2 loaded vCPUs, 8 members of 784-400-20, batch 128):
 * a rebuild about 105 ms, one stacked step about 560 ms, an MNIST epoch 422 steps: a rebuild costs
 * under 0.05% of an epoch, a left member kept 1/8 of every step.
 */
public final class StackedTrainer {
  /** One model of the stack with its own options, progress listener and run control (checkpoint sink, resume state, stop requests). */
  public record Member(Vae model, TrainOptions options, TrainingListener listener, RunControl control) {}

  /**
   * How one member ended: its Result, or (result null) the exception Trainer.fit would have thrown
   * for it alone ({@link TrainingInterruptedException} when its control asked to stop, {@link
   * TrainingDivergedException} on a NaN, an {@link UncheckedIOException} from its checkpoint sink,
   * whatever its listener threw).
   */
  public record Outcome(Trainer.Result result, RuntimeException failure) {}

  /** What stacked members share: everything that shapes the step's buffers and the epochs' lengths. */
  private record Key(VaeConfig config, int epochs, int batchSize, double validationFraction,
      boolean validateOnTestSplit, Precision precision) {
    /** The components in which {@code other} differs, named as the options are. */
    String differences(Key other) {
      List<String> d = new ArrayList<>();
      if (!config.equals(other.config)) d.add("the model");
      if (epochs != other.epochs) d.add("--epochs");
      if (batchSize != other.batchSize) d.add("--batch-size");
      if (validationFraction != other.validationFraction || validateOnTestSplit != other.validateOnTestSplit) {
        d.add("--validation");
      }
      if (precision != other.precision) d.add("--precision");
      return String.join(", ", d);
    }
  }

  private final Backend backend;
  private final int epochs, batch;
  /** Rows an epoch trains on and rows validated on: the same for every member (their key fixes both). */
  private final int rows, validationRows;
  private final int stepsPerEpoch;
  private final Tensor images;
  private final List<Run> runs = new ArrayList<>();

  /**
   * The interleaved epoch and validation orders, sized for every member and allocated once: a
   * smaller stack fills a prefix.
   */
  private final IndexTensor trainOrder, validationOrder;

  // The stack of the members training in the current epoch, slot by slot; rebuilt when members leave.
  private List<Run> stacked = List.of();
  private StackedTrainingStep step;

  /** Null when a run with these settings can join a stack; else a one-line reason it trains alone (e.g. "--dropout"). */
  public static String whyNotStackable(VaeConfig config, TrainOptions options, RunControl control) {
    String model = StackedTrainingStep.unsupported(config);
    if (model != null) return model;
    OptimizerChoice optimizer = options.optimizer();
    if (optimizer.rule() != OptimizerChoice.Rule.ADAM && optimizer.rule() != OptimizerChoice.Rule.ADAMW) {
      return "--optimizer " + optimizer.rule().text();
    }
    if (optimizer.l1() > 0) return "--l1";
    if (options.clipGradNorm() > 0) return "--clip-grad-norm";
    if (options.dropout() > 0) return "--dropout";
    if (options.classWeights().enabled()) return "--class-weights";
    if (options.balance() != Balance.NONE) return "--balance";
    if (options.iwaeK() > 1) return "--iwae-k";
    if (options.precision() != Precision.FP32) return "--precision " + options.precision().text();
    // A warm-up gives every step its own rate; the stack's rates are set once an epoch, outside the recorded step.
    if (options.schedule().warmupSteps() > 0) return "--warmup-steps";
    if (control.skipNonFinite()) return "--skip-nonfinite";
    if (control.checkpoints().stepInterval() > 0) return "--checkpoint-every";
    TrainingState resume = control.resumeFrom();
    if (resume != null && resume.batch() > 0) return "a resume from inside an epoch (" + resume.position() + ")";
    return null;
  }

  /**
   * Members whose keys are equal may be stacked together: the same model configuration, epochs,
   * batch size, validation setup and precision. Learning rate, beta and its warm-up, seed, Adam
   * settings, patience and schedule may differ. A record.
   */
  public static Object stackKey(VaeConfig config, TrainOptions options) {
    return new Key(config, options.epochs(), options.batchSize(), options.validationFraction(),
        options.validateOnTestSplit(), options.precision());
  }

  /** The epoch a member's run starts after (0 fresh, else its resume state's epoch); members of one fit share it. */
  public static int startEpoch(RunControl control) {
    return control.resumeFrom() == null ? 0 : control.resumeFrom().epoch();
  }

  /**
   * Trains every member together on {@code data} (one DatasetSplit for all; all models on one
   * backend); one Outcome per member, in order. Each model ends as {@link Trainer#fit} leaves it
   * (the final or best weights; the last good ones after a divergence).
   *
   * @throws IllegalArgumentException for members that cannot stack (differing keys, start epochs or
   *     backends, unstackable settings, one model twice, more than {@link StackModels#MAX_MODELS}), or
   *     data that no member could train on (what {@code Trainer.fit} would refuse for each)
   */
  public static List<Outcome> fit(List<Member> members, DatasetSplit data) {
    requireStackable(members);
    StackedTrainer trainer = new StackedTrainer(members, data);
    try {
      return trainer.run();
    } finally {
      trainer.release();
    }
  }

  private static void requireStackable(List<Member> members) {
    if (members.isEmpty()) throw new IllegalArgumentException("no models to train");
    if (members.size() > StackModels.MAX_MODELS) {
      throw new IllegalArgumentException("a stack holds at most " + StackModels.MAX_MODELS + " models, got " + members.size());
    }
    Member first = members.get(0);
    Key key = (Key) stackKey(first.model().config(), first.options());
    IdentityHashMap<Vae, Integer> seen = new IdentityHashMap<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      String why = whyNotStackable(m.model().config(), m.options(), m.control());
      if (why != null) throw new IllegalArgumentException("member " + i + " cannot train in a stack: " + why);
      String differs = key.differences((Key) stackKey(m.model().config(), m.options()));
      if (!differs.isEmpty()) throw new IllegalArgumentException("member " + i + " differs from member 0 in " + differs);
      if (startEpoch(m.control()) != startEpoch(first.control())) {
        throw new IllegalArgumentException("member " + i + " starts after epoch " + startEpoch(m.control())
            + ", member 0 after epoch " + startEpoch(first.control()));
      }
      if (m.model().backend() != first.model().backend()) {
        throw new IllegalArgumentException("member " + i + "'s model is on another backend than member 0's");
      }
      Integer before = seen.put(m.model(), i);
      if (before != null) throw new IllegalArgumentException("members " + before + " and " + i + " are one model");
    }
  }

  private StackedTrainer(List<Member> members, DatasetSplit data) {
    Member first = members.get(0);
    TrainOptions shared = first.options();
    this.backend = first.model().backend();
    this.epochs = shared.epochs();
    this.batch = shared.batchSize();
    // The checks of Trainer's constructor, once for all: every member would fail them alike.
    Dataset train = data.train();
    int features = first.model().config().inputSize();
    if (train.features() != features) {
      throw new IllegalArgumentException("the model takes " + features + " pixels per image but "
          + train.name() + " has " + train.features());
    }
    Dataset test = shared.validateOnTestSplit() ? data.test() : null;
    if (shared.validateOnTestSplit() && test == null) {
      throw new IllegalArgumentException(train.name() + " has no test split to validate on");
    }
    if (test != null && test.features() != features) {
      throw new IllegalArgumentException("test images have " + test.features() + " pixels, training images " + features);
    }
    int testCount = test == null ? 0 : test.count();
    for (Member m : members) runs.add(new Run(m, Trainer.splitRows(train.count(), testCount, m.options())));
    this.rows = runs.get(0).trainRows.length;
    this.validationRows = runs.get(0).validationRows.length;
    if (batch > rows) {
      throw new IllegalArgumentException("batch size " + batch + " is larger than the " + rows + " training images");
    }
    this.stepsPerEpoch = (rows + batch - 1) / batch;
    this.trainOrder = backend.allocateIndices(runs.size() * rows);
    this.validationOrder = validationRows == 0 ? null : backend.allocateIndices(runs.size() * validationRows);
    this.images = test == null ? ResidentImages.upload(backend, features, train)
        : ResidentImages.upload(backend, features, train, test);
  }

  /** {@code orders} interleaved for the stack, padded to {@code order}'s length with row 0 (the slots no member holds). */
  private void uploadOrder(int[][] orders, IndexTensor order) {
    backend.uploadIndices(java.util.Arrays.copyOf(StackedTrainingStep.interleave(orders, batch), (int) order.length()), order);
  }

  private List<Outcome> run() {
    for (Run r : runs) r.guarded(r::begin);
    for (int epoch = startEpoch(runs.get(0).control) + 1; epoch <= epochs; epoch++) {
      List<Run> live = runs.stream().filter(Run::training).toList();
      if (live.isEmpty()) break;
      trainEpoch(epoch, live);
    }
    return runs.stream().map(r -> r.outcome).toList();
  }

  /** One epoch of every member in {@code live}: their steps in the stack, validation, then each member's epoch end. */
  private void trainEpoch(int epoch, List<Run> live) {
    long start = System.nanoTime();
    AdamParams[] adam = new AdamParams[live.size()];
    float[] betas = new float[live.size()];
    long[] seeds = new long[live.size()];
    for (int i = 0; i < live.size(); i++) {
      Run r = live.get(i);
      r.epochRate = r.options.schedule().rateOfEpoch(epoch, epochs, r.options.learningRate(), r.monitoredLosses());
      // whyNotStackable let only Adam and AdamW in.
      adam[i] = (AdamParams) r.options.optimizer().hyper(r.epochRate, r.options.weightDecay());
      betas[i] = r.options.betaAt(epoch);
      seeds[i] = r.options.seed();
    }
    stack(live, new StackModels(seeds, betas, adam));
    int[][] orders = new int[live.size()][];
    for (int i = 0; i < orders.length; i++) orders[i] = live.get(i).order.of(epoch);
    uploadOrder(orders, trainOrder);
    backend.fill(step.lossSums(), 0f);
    for (Run r : live) r.guarded(() -> r.epochStarted(epoch));
    long base = (long) (epoch - 1) * stepsPerEpoch;
    // Full batches as recorded steps (a CUDA graph on the GPU), the last partial one as a plain call: as Trainer.
    int fullBatches = rows / batch;
    try (Backend.RecordedStep recorded = backend.recordStep(k -> step.run(images, trainOrder, (int) k * batch, batch,
        base + k + 1))) {
      for (int b = 0; b < fullBatches; b++) {
        recorded.replay();
        stepDone(epoch, b + 1, base + b + 1);
      }
    }
    if (fullBatches < stepsPerEpoch) {
      step.run(images, trainOrder, fullBatches * batch, rows - fullBatches * batch, base + stepsPerEpoch);
      stepDone(epoch, stepsPerEpoch, base + stepsPerEpoch);
    }
    // Each member's sums, weights and moments, read once an epoch as Trainer reads them: for the
    // finiteness check and the checkpoint.
    float[] sums = backend.download(step.lossSums());
    float[][][] trained = new float[live.size()][][];
    for (int i = 0; i < live.size(); i++) {
      if (live.get(i).training()) {
        trained[i] = new float[][] {{sums[2 * i], sums[2 * i + 1]}, step.parameters(i), step.firstMoment(i),
            step.secondMoment(i)};
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double[][] validation = validate();
    checkDivergence(epoch, live, trained);
    for (int i = 0; i < live.size(); i++) {
      Run r = live.get(i);
      int slot = i;
      r.guarded(() -> r.epochFinished(epoch, trained[slot], validation[slot], seconds));
    }
  }

  /** After batch {@code batch} (1-based) of {@code epoch}, step {@code globalStep}: every member still training hears of it. */
  private void stepDone(int epoch, int batch, long globalStep) {
    for (Run r : stacked) {
      if (r.training()) r.guarded(() -> r.stepDone(epoch, batch, globalStep));
    }
  }

  /**
   * The members whose epoch went non-finite fail as {@link DivergenceGuard} fails a run alone (the
   * step found by replaying the epoch from their last good state, their models back at that state);
   * the replays run the whole stack, so the others' epoch-end states go back into it after.
   */
  private void checkDivergence(int epoch, List<Run> live, float[][][] trained) {
    boolean replayed = false;
    for (int i = 0; i < live.size(); i++) {
      Run r = live.get(i);
      if (trained[i] == null || DivergenceGuard.allFinite(trained[i])) continue;
      int slot = i;
      float[][] state = trained[i];
      replayed = true;
      r.guarded(() -> new DivergenceGuard(false, stepsPerEpoch).train(epoch, r.listener, new DivergenceGuard.Epoch() {
        @Override
        public float[][] train(TrainingListener listener) {
          return state;
        }

        @Override
        public long firstNonFiniteStep() {
          return replay(epoch, slot, r.lastGood);
        }

        @Override
        public TrainingState restoreLastGood() {
          r.model.setParameters(r.lastGood.parameters());
          return r.lastGood;
        }
      }));
      trained[i] = null;
    }
    if (!replayed) return;
    for (int i = 0; i < live.size(); i++) {
      if (trained[i] != null) step.restore(i, trained[i][1], trained[i][2], trained[i][3]);
    }
  }

  /**
   * Replays epoch {@code epoch} from {@code from} one step at a time, checking slot {@code slot}'s
   * loss sums and weights after each as {@code Trainer.firstNonFiniteStep} does: the step that first
   * went non-finite, or -1. The order of the epoch is still uploaded; the other slots train along.
   */
  private long replay(int epoch, int slot, TrainingState from) {
    step.restore(slot, from.parameters(), from.firstMoment(), from.secondMoment());
    backend.fill(step.lossSums(), 0f);
    long base = (long) (epoch - 1) * stepsPerEpoch;
    for (int b = 0; b < stepsPerEpoch; b++) {
      step.run(images, trainOrder, b * batch, Math.min(batch, rows - b * batch), base + b + 1);
      float[] sums = backend.download(step.lossSums());
      if (!DivergenceGuard.allFinite(new float[][] {{sums[2 * slot], sums[2 * slot + 1]}, step.parameters(slot)})) {
        return base + b + 1;
      }
    }
    return -1;
  }

  /** Each slot's mean validation reconstruction and KL per sample (NaN without validation rows), as Trainer's validate. */
  private double[][] validate() {
    double[][] out = new double[stacked.size()][];
    if (validationRows == 0) {
      for (int i = 0; i < out.length; i++) out[i] = new double[] {Double.NaN, Double.NaN};
      return out;
    }
    backend.fill(step.lossSums(), 0f);
    for (int s = 0, first = 0; first < validationRows; s++, first += batch) {
      step.evaluate(images, validationOrder, first, Math.min(batch, validationRows - first),
          Trainer.VALIDATION_STREAM_BASE + s);
    }
    float[] sums = backend.download(step.lossSums());
    for (int i = 0; i < out.length; i++) {
      out[i] = new double[] {sums[2 * i] / (double) validationRows, sums[2 * i + 1] / (double) validationRows};
    }
    return out;
  }

  /**
   * Makes {@code live} the stack, with {@code constants} as its settings: the same stack gets the
   * new settings; another is built and takes up each member's state at the epoch boundary, its
   * last good one (the start, the resumed state, or the last epoch's checkpoint).
   */
  private void stack(List<Run> live, StackModels constants) {
    if (live.equals(stacked)) {
      step.setModels(constants);
      return;
    }
    releaseStack();
    step = StackedTrainingStep.allocate(live.stream().map(r -> r.model).toList(), batch, constants);
    stacked = live;
    for (int i = 0; i < live.size(); i++) {
      TrainingState s = live.get(i).lastGood;
      step.restore(i, s.parameters(), s.firstMoment(), s.secondMoment());
      live.get(i).slot = i;
    }
    if (validationRows > 0) {
      int[][] orders = new int[live.size()][];
      for (int i = 0; i < orders.length; i++) orders[i] = live.get(i).validationRows;
      uploadOrder(orders, validationOrder);
    }
  }

  private void releaseStack() {
    if (step != null) step.release();
    step = null;
    stacked = List.of();
  }

  private void release() {
    releaseStack();
    backend.release(images);
    backend.release(trainOrder);
    if (validationOrder != null) backend.release(validationOrder);
  }

  /** One member's run: its rows and orders, and where it stands (what Trainer keeps for its one model). */
  private final class Run {
    final Vae model;
    final TrainOptions options;
    final TrainingListener listener;
    final RunControl control;
    final int[] trainRows, validationRows;
    final EpochOrder order;
    final EarlyStopping early;
    final StopTimer stop = new StopTimer();
    List<EpochMetrics> history = new ArrayList<>();
    TrainingState lastGood;
    boolean lastGoodSaved;
    /** The learning rate of the epoch being trained. */
    double epochRate;
    StepReporter reporter;
    /** Its place in the current stack. */
    int slot;
    /** How it ended; null while it trains. */
    Outcome outcome;

    Run(Member member, int[][] rows) {
      this.model = member.model();
      this.options = member.options();
      this.listener = member.listener();
      this.control = member.control();
      this.trainRows = rows[0];
      this.validationRows = rows[1];
      this.order = new EpochOrder(trainRows, options.seed());
      this.early = new EarlyStopping(options.patience());
    }

    boolean training() {
      return outcome == null;
    }

    /** Runs {@code action}; whatever it throws ends this member's run (as it would have ended Trainer.fit). */
    void guarded(Runnable action) {
      try {
        action.run();
      } catch (RuntimeException e) {
        outcome = new Outcome(null, e);
      }
    }

    /** Starts fresh or from the resume state; a state of a finished run ends it at once, as Trainer.fit. */
    void begin() {
      TrainingState resume = control.resumeFrom();
      if (resume != null) {
        if (resume.parameters().length != model.layout().size()) {
          throw new IllegalArgumentException("the training state holds " + resume.parameters().length
              + " parameters, the model " + model.layout().size());
        }
        if (resume.epoch() > epochs) {
          throw new IllegalArgumentException("the training state (epoch " + resume.epoch() + ", batch " + resume.batch()
              + ") lies outside this run of " + epochs + " epochs of " + stepsPerEpoch + " steps");
        }
        model.setParameters(resume.parameters());
        early.restore(resume);
        history = new ArrayList<>(resume.history());
        lastGood = resume;
        lastGoodSaved = true;
      } else {
        lastGood = TrainingState.start(model.parameters());
      }
      if (lastGood.finished() || lastGood.epoch() >= epochs) finish(lastGood.finished() && lastGood.epoch() < epochs);
    }

    void epochStarted(int epoch) {
      listener.epochStarted(epoch, stepsPerEpoch);
      reporter = new StepReporter(backend, backend.slice(step.lossSums(), 2L * slot, 2), listener, epoch, 0, batch, rows,
          options.betaAt(epoch), epochRate);
    }

    /** Progress, then a stop request: as Trainer, on to the epoch's end when that is within the grace time, else at once. */
    void stepDone(int epoch, int batchDone, long globalStep) {
      listener.stepFinished(epoch, batchDone);
      reporter.stepFinished(batchDone, stepsPerEpoch, globalStep);
      stop.stepFinished();
      if (control.stopRequested().getAsBoolean()
          && !stop.decided(() -> stepsPerEpoch - batchDone + (validationRows.length + batch - 1) / batch)) {
        model.setParameters(step.parameters(slot)); // the weights of the last step trained, as Trainer leaves them
        throw new TrainingInterruptedException(lastGood, lastGoodSaved);
      }
    }

    /** Trainer.run's epoch end: metrics, listener, early stopping, checkpoint, stop request. */
    void epochFinished(int epoch, float[][] trained, double[] val, double seconds) {
      if (!training()) return;
      double[] train = {trained[0][0] / (double) rows, trained[0][1] / (double) rows};
      double valLoss = val[0] + options.beta() * val[1];
      double monitored = validationRows.length == 0 ? train[0] + options.beta() * train[1] : valLoss;
      boolean improved = early.record(epoch, monitored, trained[1]);
      EpochMetrics metrics = new EpochMetrics(epoch, train[0] + options.beta() * train[1], train[0], train[1],
          valLoss, val[0], val[1], seconds, rows / seconds, options.betaAt(epoch), improved,
          options.schedule().isConstant() ? null : epochRate, null, null);
      history.add(metrics);
      model.setParameters(trained[1]); // listeners (TensorBoard, pruning) read the model
      listener.epochFinished(metrics, model);
      boolean stoppedEarly = early.stopsAfter(epoch, epochs);
      boolean finished = stoppedEarly || epoch == epochs;
      checkpoint(early.saveTo(TrainingState.builder())
          .epoch(epoch).batch(0).adamSteps((long) epoch * stepsPerEpoch)
          .parameters(trained[1]).firstMoment(trained[2]).secondMoment(trained[3])
          .history(history).finished(finished).build());
      if (finished) {
        finish(stoppedEarly);
      } else if (control.stopRequested().getAsBoolean()) {
        throw new TrainingInterruptedException(lastGood, true);
      }
    }

    private void checkpoint(TrainingState state) {
      try {
        control.checkpoints().save(state);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      lastGood = state;
      lastGoodSaved = true;
    }

    /** The run's result; the model takes the best weights when patience kept them. */
    private void finish(boolean stoppedEarly) {
      if (early.bestParameters() != null) model.setParameters(early.bestParameters());
      outcome = new Outcome(new Trainer.Result(List.copyOf(history), early.bestEpoch(), stoppedEarly), null);
    }

    /** The loss {@code --lr-schedule plateau} watches, of each epoch so far: validation, else training. */
    List<Double> monitoredLosses() {
      List<Double> losses = new ArrayList<>();
      for (EpochMetrics m : history) losses.add(validationRows.length == 0 ? m.trainLoss() : m.valLoss());
      return losses;
    }
  }
}
