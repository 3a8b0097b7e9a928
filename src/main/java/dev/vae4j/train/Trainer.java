package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.AdamOptimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Vae} with Adam on minibatches of a dataset that lives in the backend's memory:
 * the images are uploaded once, each epoch uploads only a shuffled index permutation, and the loss
 * sums stay in the backend until the epoch ends. Same seed, configuration and data give
 * bit-identical weights on the CPU backend.
 */
public final class Trainer {
  /** Noise streams of training steps are the 1-based step numbers; validation uses its own range. */
  static final long VALIDATION_STREAM_BASE = 1L << 62;

  /**
   * The outcome of {@link #fit}.
   *
   * @param epochs every epoch's metrics, in order
   * @param bestEpoch the epoch with the lowest validation loss (training loss without validation)
   * @param stoppedEarly whether patience ended training before the last epoch
   */
  public record Result(List<EpochMetrics> epochs, int bestEpoch, boolean stoppedEarly) {}

  private final Vae model;
  private final Backend backend;
  private final TrainOptions options;
  private final Tensor images;
  /** With {@code --class-weights}: each training image's weight (its class's), resident like the images; else null. */
  private final Tensor imageWeights;
  private final int[] trainRows;
  private final int[] validationRows;
  private final IndexTensor trainOrder;
  private final IndexTensor validationOrder;
  private final TrainingStep training;
  /** A conditional model's labels of {@link #images}' rows, resident beside them; else null. */
  private final IndexTensor labels;
  private final int stepsPerEpoch;

  private final EpochOrder epochOrder;

  // Where the run stands; exported as a TrainingState at checkpoints, restored on resume.
  private List<EpochMetrics> history = new ArrayList<>();
  private final EarlyStopping early;
  /** The learning rate of the epoch being trained ({@code --lr-schedule}), before warm-up. */
  private double epochRate;
  private TrainingState lastGood;
  private boolean lastGoodSaved;
  private DivergenceGuard guard;
  private final StopTimer stop = new StopTimer();

  private Trainer(Vae model, DatasetSplit data, TrainOptions options) {
    this.model = model;
    this.backend = model.backend();
    this.options = options;
    Dataset train = data.train();
    int features = model.config().inputSize();
    if (train.features() != features) {
      throw new IllegalArgumentException("the model takes " + features + " pixels per image but "
          + train.name() + " has " + train.features());
    }
    // Validation rows: the dataset's test split appended after the training images, or a seeded
    // held-out part of the training images.
    Dataset test = options.validateOnTestSplit() ? data.test() : null;
    if (options.validateOnTestSplit() && test == null) {
      throw new IllegalArgumentException(train.name() + " has no test split to validate on");
    }
    int total = train.count() + (test == null ? 0 : test.count());
    if (test != null && test.features() != features) {
      throw new IllegalArgumentException("test images have " + test.features() + " pixels, training images " + features);
    }
    this.images = test == null ? ResidentImages.upload(backend, features, train)
        : ResidentImages.upload(backend, features, train, test);
    int[][] rows = splitRows(train.count(), total - train.count(), options);
    this.trainRows = rows[0];
    this.validationRows = rows[1];
    if (options.batchSize() > trainRows.length) {
      throw new IllegalArgumentException("batch size " + options.batchSize() + " is larger than the "
          + trainRows.length + " training images");
    }
    // The rows an epoch visits: each once, or class-balanced draws (whose count differs).
    this.epochOrder = EpochOrder.balanced(trainRows, train.labels(), options.balance(), options.seed());
    this.trainOrder = backend.allocateIndices(epochOrder.size());
    this.validationOrder = validationRows.length == 0 ? null : backend.allocateIndices(validationRows.length);
    if (validationOrder != null) backend.uploadIndices(validationRows, validationOrder);
    this.imageWeights = options.classWeights().enabled() ? uploadWeights(train, options.classWeights()) : null;
    this.training = TrainingStep.allocate(model, options.batchSize(), options.optimizer().l1(), options.clipGradNorm(),
        options.dropout(), imageWeights != null, options.iwaeK());
    int classes = model.config().classes();
    this.labels = classes == 0 ? null : test == null ? ResidentLabels.upload(backend, classes, train)
        : ResidentLabels.upload(backend, classes, train, test);
    if (labels != null) training.conditionOn(labels);
    this.stepsPerEpoch = (epochOrder.size() + options.batchSize() - 1) / options.batchSize();
    this.early = new EarlyStopping(options.patience());
  }

  /**
   * The training rows and the validation rows of {@code trainCount} training images, then (with
   * {@code validateOnTestSplit}) {@code testCount} test images counted after them: the test split,
   * or a held-out part of the training images shuffled by the seed ({@link StackedTrainer} splits
   * each member's rows with this too).
   */
  static int[][] splitRows(int trainCount, int testCount, TrainOptions options) {
    if (options.validateOnTestSplit()) {
      return new int[][] {EpochOrder.range(0, trainCount), EpochOrder.range(trainCount, trainCount + testCount)};
    }
    int[] shuffled = EpochOrder.shuffledRange(trainCount, new SplittableRandom(options.seed() ^ 0x5EEDL));
    int held = heldOut(trainCount, options);
    int[] trainRows = java.util.Arrays.copyOfRange(shuffled, held, shuffled.length);
    java.util.Arrays.sort(trainRows); // the epoch permutation alone decides the order
    return new int[][] {trainRows, java.util.Arrays.copyOfRange(shuffled, 0, held)};
  }

  /**
   * The images {@code fit} validates on with {@code options}, in its order: the test split with
   * {@code --validation test}, else the held-out part of the training images ({@link #splitRows});
   * null when there are none. {@code train --val-iwae} estimates the IWAE bound on exactly these.
   */
  public static Dataset validationImages(DatasetSplit data, TrainOptions options) {
    Dataset train = data.train();
    if (options.validateOnTestSplit()) return data.test();
    int[] held = splitRows(train.count(), 0, options)[1];
    return held.length == 0 ? null : train.subset(held, train.name() + " (validation)");
  }

  /** Each training image's class weight, on the backend (the weights from the training rows alone, not the held-out ones). */
  private Tensor uploadWeights(Dataset train, ClassWeights weights) {
    if (!train.hasLabels()) throw new IllegalArgumentException("--class-weights needs labelled training images");
    float[] perImage = weights.perImage(trainRows, train.labels(),
        ClassWeights.classCount(train.labels(), train.classNames()));
    Tensor t = backend.allocate(perImage.length);
    backend.upload(perImage, t);
    return t;
  }

  /** Trains {@code model} on {@code data} without progress reports; see the four-argument {@code fit}. */
  public static Result fit(Vae model, DatasetSplit data, TrainOptions options) {
    return fit(model, data, options, new TrainingListener() {});
  }

  /** Trains {@code model} on {@code data}; the model holds the final (or, with patience, best) weights. */
  public static Result fit(Vae model, DatasetSplit data, TrainOptions options, TrainingListener listener) {
    return fit(model, data, options, listener, RunControl.fresh());
  }

  /**
   * Trains {@code model} on {@code data}, starting from {@code control}'s state when it has one
   * (the run then continues exactly as if it had never stopped), handing states to its checkpoint
   * sink. A NaN or infinite loss or weight stops training with {@link TrainingDivergedException}
   * (the model keeps the last good weights) unless {@code control} skips such batches.
   */
  public static Result fit(Vae model, DatasetSplit data, TrainOptions options, TrainingListener listener,
      RunControl control) {
    Trainer trainer = new Trainer(model, data, options);
    try {
      return trainer.run(listener, control);
    } finally {
      trainer.releaseBuffers();
    }
  }

  /** How many images an epoch trains on: the training split less the held-out validation part. */
  public static int trainingImages(DatasetSplit data, TrainOptions options) {
    int count = data.train().count();
    return options.validateOnTestSplit() ? count : count - heldOut(count, options);
  }

  private static int heldOut(int count, TrainOptions options) {
    return (int) Math.round(count * options.validationFraction());
  }

  /** The epoch's mean pre-clipping gradient norm (one read of the device sums); null without clipping. */
  private Double meanGradNorm() {
    if (training.gradNormSums() == null) return null;
    float[] sums = backend.download(training.gradNormSums());
    return sums[0] / (double) sums[1];
  }

  private Result run(TrainingListener listener, RunControl control) {
    guard = new DivergenceGuard(control.skipNonFinite(), stepsPerEpoch);
    if (control.resumeFrom() != null) {
      restore(control.resumeFrom());
      lastGoodSaved = true;
    } else {
      lastGood = TrainingState.start(model.parameters());
    }
    boolean stoppedEarly = lastGood.finished() && lastGood.epoch() < options.epochs();
    for (int epoch = lastGood.epoch() + 1; epoch <= options.epochs() && !lastGood.finished(); epoch++) {
      long start = System.nanoTime();
      epochRate = options.schedule().rateOfEpoch(epoch, options.epochs(), options.learningRate(), monitoredLosses());
      OptimizerParams hyper = options.optimizer().hyper(epochRate, options.weightDecay());
      float[][] trained = trainEpochChecked(epoch, hyper, listener, control);
      double seconds = (System.nanoTime() - start) / 1e9;
      int n = epochOrder.size();
      double[] train = {trained[0][TrainingStep.RECON_SUM] / (double) n, trained[0][TrainingStep.KL_SUM] / (double) n};
      double[] val = validationRows.length == 0 ? new double[] {Double.NaN, Double.NaN} : validate();
      double valLoss = val[0] + options.beta() * val[1];
      double monitored = validationRows.length == 0 ? train[0] + options.beta() * train[1] : valLoss;
      boolean improved = early.record(epoch, monitored, trained[1]);
      EpochMetrics metrics = new EpochMetrics(epoch, train[0] + options.beta() * train[1], train[0], train[1],
          valLoss, val[0], val[1], seconds, n / seconds, options.betaAt(epoch), improved,
          options.schedule().isConstant() ? null : epochRate, meanGradNorm(),
          training.importanceWeighted() ? trained[0][TrainingStep.IWAE_SUM] / (double) n : null);
      history.add(metrics);
      listener.epochFinished(metrics, model);
      stoppedEarly = early.stopsAfter(epoch, options.epochs());
      boolean finished = stoppedEarly || epoch == options.epochs();
      checkpoint(control, early.saveTo(TrainingState.builder())
          .epoch(epoch).batch(0).adamSteps(training.optimizer().steps())
          .parameters(trained[1]).firstMoment(trained[2]).secondMoment(trained[3])
          .history(history).finished(finished).build());
      if (!finished && control.stopRequested().getAsBoolean()) throw new TrainingInterruptedException(lastGood, true);
    }
    if (early.bestParameters() != null) model.setParameters(early.bestParameters());
    return new Result(List.copyOf(history), early.bestEpoch(), stoppedEarly);
  }

  /**
   * Trains epoch {@code epoch} from where {@link #lastGood} stands, under the {@link
   * DivergenceGuard}. Returns the epoch's loss sums, then the parameters and both moments
   * (downloaded once per epoch: for the finiteness check and the checkpoint).
   */
  private float[][] trainEpochChecked(int epoch, OptimizerParams hyper, TrainingListener listener, RunControl control) {
    return guard.train(epoch, listener, new DivergenceGuard.Epoch() {
      @Override
      public float[][] train(TrainingListener current) {
        trainEpoch(epoch, lastGood.batch(), hyper, current, control);
        AdamOptimizer adam = training.optimizer();
        return new float[][] {backend.download(training.lossSums()), model.parameters(),
            backend.download(adam.firstMoment()), backend.download(adam.secondMoment())};
      }

      @Override
      public long firstNonFiniteStep() {
        return Trainer.this.firstNonFiniteStep(epoch, hyper);
      }

      @Override
      public TrainingState restoreLastGood() {
        restore(lastGood);
        return lastGood;
      }
    });
  }

  /**
   * Replays epoch {@code epoch} from {@link #lastGood} one step at a time, checking the loss sums
   * and the weights after each: the step that first went non-finite, or -1 if none did. Runs only
   * after a failed check, so the per-step device reads cost nothing in a healthy run.
   */
  private long firstNonFiniteStep(int epoch, OptimizerParams hyper) {
    restore(lastGood);
    backend.uploadIndices(epochOrder.of(epoch), trainOrder);
    int batch = options.batchSize(), n = epochOrder.size();
    float beta = options.betaAt(epoch);
    long base = (long) (epoch - 1) * stepsPerEpoch;
    for (int b = lastGood.batch(); b < stepsPerEpoch; b++) {
      long step = base + b + 1;
      if (guard.skips(step)) continue;
      trainStep(b * batch, Math.min(batch, n - b * batch), step, beta, hyper);
      if (!DivergenceGuard.allFinite(new float[][] {backend.download(training.lossSums()), model.parameters()})) {
        return step;
      }
    }
    return -1;
  }

  /**
   * Runs batches of epoch {@code epoch} from batch {@code from} (0-based) to its end. Batch b is
   * optimizer step {@code (epoch - 1) * stepsPerEpoch + b + 1}, which also names its noise stream,
   * so an epoch resumed at any batch continues exactly.
   */
  private void trainEpoch(int epoch, int from, OptimizerParams hyper, TrainingListener listener, RunControl control) {
    int batch = options.batchSize(), n = epochOrder.size(), steps = stepsPerEpoch;
    backend.uploadIndices(epochOrder.of(epoch), trainOrder);
    if (from == 0) backend.fill(training.lossSums(), 0f); // a resumed epoch continues the restored sums
    // The norms are not checkpointed: a resumed epoch's mean is over the steps run since the resume.
    if (training.gradNormSums() != null) backend.fill(training.gradNormSums(), 0f);
    float beta = options.betaAt(epoch);
    listener.epochStarted(epoch, steps);
    StepReporter reporter =
        new StepReporter(backend, training.lossSums(), listener, epoch, from, batch, n, beta, epochRate);
    long base = (long) (epoch - 1) * steps;
    // Full batches run as recorded steps (a CUDA graph on the GPU; plain calls on the CPU); only the
    // batch position, the noise stream and Adam's step count change from step to step. A skipped
    // batch ends one recording and starts the next after it.
    int fullBatches = n / batch;
    int b = from;
    // Warm-up steps each have a rate of their own, which a recording would freeze: they run as they are.
    for (; b < fullBatches && options.schedule().warmupFactor(base + b + 1) < 1; b++) {
      if (!guard.skips(base + b + 1)) trainStep(b * batch, batch, base + b + 1, beta, hyper);
      stepDone(epoch, b + 1, base + b + 1, listener, reporter, control);
    }
    while (b < fullBatches) {
      int first = b, end = b;
      while (end < fullBatches && !guard.skips(base + end + 1)) end++;
      if (end > first) {
        try (Backend.RecordedStep step = backend.recordStep(k -> trainStep((int) (first + k) * batch, batch,
            base + first + k + 1, beta, hyper))) {
          for (int s = first; s < end; s++) {
            step.replay();
            stepDone(epoch, s + 1, base + s + 1, listener, reporter, control);
          }
        }
      }
      if (end < fullBatches) stepDone(epoch, end + 1, base + end + 1, listener, reporter, control); // skipped
      b = end + 1;
    }
    if (fullBatches < steps && from <= fullBatches) {
      long step = base + steps;
      if (!guard.skips(step)) trainStep(fullBatches * batch, n - fullBatches * batch, step, beta, hyper);
      stepDone(epoch, steps, step, listener, reporter, control);
    }
    training.optimizer().setSteps(base + steps);
  }

  /** After batch {@code batch} (1-based) of {@code epoch}: progress, and a checkpoint at the step interval. */
  private void stepDone(int epoch, int batch, long step, TrainingListener listener, StepReporter reporter,
      RunControl control) {
    listener.stepFinished(epoch, batch);
    reporter.stepFinished(batch, stepsPerEpoch, step);
    int interval = control.checkpoints().stepInterval();
    boolean due = interval > 0 && step % interval == 0 && batch < stepsPerEpoch;
    if (due) {
      training.optimizer().setSteps(step);
      TrainingState state = early.saveTo(TrainingState.builder())
          .epoch(epoch - 1).batch(batch).adamSteps(step)
          .parameters(model.parameters())
          .firstMoment(backend.download(training.optimizer().firstMoment()))
          .secondMoment(backend.download(training.optimizer().secondMoment()))
          .epochLossSums(backend.download(training.lossSums()))
          .history(history).finished(false).build();
      if (!state.isFinite()) throw new DivergenceGuard.NonFiniteStep(step);
      checkpoint(control, state);
    }
    stop.stepFinished();
    if (control.stopRequested().getAsBoolean()) stopOrGoOn(due, batch, step, interval);
  }

  /**
   * Stopping on request after step {@code step} (batch {@code batch} of the epoch): at once when it
   * was just checkpointed or the next checkpoint is more than the grace time away (the steps since
   * the last checkpoint are given up), else on at most that long to the next checkpoint.
   */
  private void stopOrGoOn(boolean checkpointed, int batch, long step, int interval) {
    if (checkpointed || !stop.decided(() -> {
      long toEpochEnd = stepsPerEpoch - batch + (validationRows.length + options.batchSize() - 1) / options.batchSize();
      long toInterval = interval > 0 ? interval - step % interval : Long.MAX_VALUE;
      return Math.min(toEpochEnd, toInterval);
    })) {
      throw new TrainingInterruptedException(lastGood, lastGoodSaved);
    }
  }

  /** Hands a (finite) state to the sink; it becomes the state a divergence falls back to. */
  private void checkpoint(RunControl control, TrainingState state) {
    try {
      control.checkpoints().save(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastGood = state;
    lastGoodSaved = true;
  }

  /** Puts the model, the optimizer and the bookkeeping back to {@code state}. */
  private void restore(TrainingState state) {
    if (state.parameters().length != model.layout().size()) {
      throw new IllegalArgumentException("the training state holds " + state.parameters().length
          + " parameters, the model " + model.layout().size());
    }
    if (state.epoch() > options.epochs() || (state.batch() > 0 && state.batch() >= stepsPerEpoch)) {
      throw new IllegalArgumentException("the training state (epoch " + state.epoch() + ", batch " + state.batch()
          + ") lies outside this run of " + options.epochs() + " epochs of " + stepsPerEpoch + " steps");
    }
    model.setParameters(state.parameters());
    backend.upload(state.firstMoment(), training.optimizer().firstMoment());
    backend.upload(state.secondMoment(), training.optimizer().secondMoment());
    // A fresh start's state has two sums; a run on the importance-weighted bound keeps three.
    backend.upload(java.util.Arrays.copyOf(state.epochLossSums(), (int) training.lossSums().length()), training.lossSums());
    training.optimizer().setSteps(state.adamSteps());
    early.restore(state);
    history = new ArrayList<>(state.history());
    lastGood = state;
  }

  /**
   * One optimizer step on {@code rows} rows starting at position {@code first} of the epoch's
   * order; {@code step} is the 1-based update number, which also names the noise stream.
   */
  private void trainStep(int first, int rows, long step, float beta, OptimizerParams hyper) {
    double warmup = options.schedule().warmupFactor(step);
    OptimizerParams rate = warmup == 1 ? hyper : options.optimizer().hyper(epochRate * warmup, options.weightDecay());
    training.run(images, imageWeights, trainOrder, first, rows, options.seed(), step, beta, rate);
  }

  /** The loss {@code --lr-schedule plateau} watches, of each epoch so far: validation, else training. */
  private List<Double> monitoredLosses() {
    List<Double> losses = new ArrayList<>();
    for (EpochMetrics m : history) losses.add(validationRows.length == 0 ? m.trainLoss() : m.valLoss());
    return losses;
  }

  /** Mean reconstruction and KL per validation sample, with sampled latents (fixed noise). */
  private double[] validate() {
    int batch = options.batchSize(), n = validationRows.length;
    backend.fill(training.lossSums(), 0f);
    for (int s = 0, first = 0; first < n; s++, first += batch) {
      int rows = Math.min(batch, n - first);
      training.evaluate(images, validationOrder, first, rows, options.seed(), VALIDATION_STREAM_BASE + s);
    }
    float[] sums = backend.download(training.lossSums());
    return new double[] {sums[TrainingStep.RECON_SUM] / (double) n, sums[TrainingStep.KL_SUM] / (double) n};
  }

  private void releaseBuffers() {
    backend.release(images);
    if (imageWeights != null) backend.release(imageWeights);
    training.release();
    backend.release(trainOrder);
    if (validationOrder != null) backend.release(validationOrder);
    if (labels != null) backend.release(labels);
  }
}
