package dev.vae4j;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.AdamOptimizer;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
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
  private static final long VALIDATION_STREAM_BASE = 1L << 62;

  private static final int RECON_SUM = 0;
  private static final int KL_SUM = 1;

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
  private final VaeNetwork network;
  private final TrainOptions options;
  private final Tensor images;
  private final int[] trainRows;
  private final int[] validationRows;
  private final IndexTensor trainOrder;
  private final IndexTensor validationOrder;
  private final Workspace workspace;
  private final AdamOptimizer optimizer;
  private final VaeNetwork.LayerGradients gradients;
  private final Tensor lossSums;

  private Trainer(Vae model, DatasetSplit data, TrainOptions options) {
    this.model = model;
    this.backend = model.backend();
    this.network = model.network();
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
    this.images = backend.allocate((long) total * features);
    backend.upload(train.pixels(), 0, images, 0, train.pixels().length);
    if (test != null) {
      if (test.features() != features) {
        throw new IllegalArgumentException("test images have " + test.features() + " pixels, training images " + features);
      }
      backend.upload(test.pixels(), 0, images, train.pixels().length, test.pixels().length);
      this.trainRows = range(0, train.count());
      this.validationRows = range(train.count(), total);
    } else {
      int[] shuffled = permutation(range(0, train.count()), new SplittableRandom(options.seed() ^ 0x5EEDL));
      int held = (int) Math.round(train.count() * options.validationFraction());
      this.validationRows = java.util.Arrays.copyOfRange(shuffled, 0, held);
      this.trainRows = java.util.Arrays.copyOfRange(shuffled, held, shuffled.length);
      java.util.Arrays.sort(this.trainRows); // the epoch permutation alone decides the order
    }
    if (options.batchSize() > trainRows.length) {
      throw new IllegalArgumentException("batch size " + options.batchSize() + " is larger than the "
          + trainRows.length + " training images");
    }
    this.trainOrder = backend.allocateIndices(trainRows.length);
    this.validationOrder = validationRows.length == 0 ? null : backend.allocateIndices(validationRows.length);
    if (validationOrder != null) backend.uploadIndices(validationRows, validationOrder);
    this.workspace = network.workspace(options.batchSize(), true);
    this.optimizer = new AdamOptimizer(backend, model.layout().size());
    this.gradients = network.new LayerGradients(optimizer.grads());
    this.lossSums = backend.allocate(2);
  }

  /** Trains {@code model} on {@code data} without progress reports; see the four-argument {@code fit}. */
  public static Result fit(Vae model, DatasetSplit data, TrainOptions options) {
    return fit(model, data, options, new TrainingListener() {});
  }

  /** Trains {@code model} on {@code data}; the model holds the final (or, with patience, best) weights. */
  public static Result fit(Vae model, DatasetSplit data, TrainOptions options, TrainingListener listener) {
    Trainer trainer = new Trainer(model, data, options);
    try {
      return trainer.run(listener);
    } finally {
      trainer.releaseBuffers();
    }
  }

  private Result run(TrainingListener listener) {
    List<EpochMetrics> history = new ArrayList<>();
    AdamParams hyper = new AdamParams(options.learningRate(), 0.9, 0.999, 1e-8,
        options.weightDecay(), options.decoupledWeightDecay());
    float[] best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0, sinceBest = 0;
    boolean stoppedEarly = false;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      long start = System.nanoTime();
      double[] train = trainEpoch(epoch, hyper, listener);
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] val = validationRows.length == 0 ? new double[] {Double.NaN, Double.NaN} : validate();
      double valLoss = val[0] + options.beta() * val[1];
      double monitored = validationRows.length == 0 ? train[0] + options.beta() * train[1] : valLoss;
      boolean improved = monitored < bestLoss;
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        sinceBest = 0;
        if (options.patience() > 0) best = model.parameters();
      } else {
        sinceBest++;
      }
      EpochMetrics metrics = new EpochMetrics(epoch, train[0] + options.beta() * train[1], train[0], train[1],
          valLoss, val[0], val[1], seconds, trainRows.length / seconds, options.betaAt(epoch), improved);
      history.add(metrics);
      listener.epochFinished(metrics, model);
      if (options.patience() > 0 && sinceBest >= options.patience()) {
        stoppedEarly = epoch < options.epochs();
        break;
      }
    }
    if (best != null) model.setParameters(best);
    return new Result(history, bestEpoch, stoppedEarly);
  }

  /** One pass over the training rows; returns mean reconstruction and KL per sample. */
  private double[] trainEpoch(int epoch, AdamParams hyper, TrainingListener listener) {
    int batch = options.batchSize(), n = trainRows.length;
    int steps = (n + batch - 1) / batch;
    backend.uploadIndices(permutation(trainRows, new SplittableRandom(mix(options.seed(), epoch))), trainOrder);
    backend.fill(lossSums, 0f);
    float beta = options.betaAt(epoch);
    listener.epochStarted(epoch, steps);
    StepReporter reporter = new StepReporter(backend, lossSums, listener, epoch, batch, n, beta, options.learningRate());
    // Full batches run as one recorded step (a CUDA graph on the GPU; plain calls on the CPU);
    // only the batch position, the noise stream and Adam's step count change from step to step.
    int fullBatches = n / batch;
    long done = optimizer.steps();
    try (Backend.RecordedStep step = backend.recordStep(k -> trainStep((int) k * batch, batch, done + k + 1, beta, hyper))) {
      for (int s = 0; s < fullBatches; s++) {
        step.replay();
        listener.stepFinished(epoch, s + 1);
        reporter.stepFinished(s + 1, steps, done + s + 1);
      }
    }
    optimizer.setSteps(done + fullBatches);
    if (fullBatches < steps) {
      trainStep(fullBatches * batch, n - fullBatches * batch, optimizer.steps() + 1, beta, hyper);
      optimizer.setSteps(optimizer.steps() + 1);
      listener.stepFinished(epoch, steps);
      reporter.stepFinished(steps, steps, optimizer.steps());
    }
    float[] sums = backend.download(lossSums);
    return new double[] {sums[RECON_SUM] / (double) n, sums[KL_SUM] / (double) n};
  }

  /**
   * One optimizer step on {@code rows} rows starting at position {@code first} of the epoch's
   * order; {@code step} is the 1-based update number, which also names the noise stream.
   */
  private void trainStep(int first, int rows, long step, float beta, AdamParams hyper) {
    int features = model.config().inputSize();
    backend.gatherRows(images, features, trainOrder, first, rows, workspace.input());
    backend.normalNoise(workspace.eps(), options.seed(), step);
    network.forward(workspace, rows);
    network.lossesAndGradients(workspace, rows, beta, gradients);
    backend.accumulateSum(workspace.reconPerRow(), rows, lossSums, RECON_SUM);
    backend.accumulateSum(workspace.klPerRow(), rows, lossSums, KL_SUM);
    backend.adamUpdate(network.params(), optimizer.grads(), optimizer.firstMoment(), optimizer.secondMoment(), hyper, step);
  }

  /** Mean reconstruction and KL per validation sample, with sampled latents (fixed noise). */
  private double[] validate() {
    int batch = options.batchSize(), n = validationRows.length, features = model.config().inputSize();
    backend.fill(lossSums, 0f);
    for (int s = 0, first = 0; first < n; s++, first += batch) {
      int rows = Math.min(batch, n - first);
      backend.gatherRows(images, features, validationOrder, first, rows, workspace.input());
      backend.normalNoise(workspace.eps(), options.seed(), VALIDATION_STREAM_BASE + s);
      network.forward(workspace, rows);
      network.losses(workspace, rows);
      backend.accumulateSum(workspace.reconPerRow(), rows, lossSums, RECON_SUM);
      backend.accumulateSum(workspace.klPerRow(), rows, lossSums, KL_SUM);
    }
    float[] sums = backend.download(lossSums);
    return new double[] {sums[RECON_SUM] / (double) n, sums[KL_SUM] / (double) n};
  }

  private void releaseBuffers() {
    backend.release(images);
    backend.release(lossSums);
    backend.release(optimizer.grads());
    backend.release(optimizer.firstMoment());
    backend.release(optimizer.secondMoment());
    workspace.release(backend);
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) r[i] = from + i;
    return r;
  }

  /** A Fisher-Yates shuffle of a copy of {@code rows}. */
  private static int[] permutation(int[] rows, SplittableRandom random) {
    int[] p = rows.clone();
    for (int i = p.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A well-mixed seed for epoch {@code epoch}'s shuffle, so any epoch's order can be recomputed. */
  private static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
