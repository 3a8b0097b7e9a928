package dev.vae4j.train;

import java.util.List;

/**
 * Everything a {@link Trainer} needs to continue a run bit-exactly: the weights, Adam's moments
 * and step count (which is also the position of the Philox noise stream), where in the epoch
 * order it stands, the running loss sums of a partly done epoch, and the early-stopping state.
 * The epoch's shuffle is recomputed from the seed and the epoch number, so it needs no storage.
 *
 * @param epoch epochs completed
 * @param batch batches of epoch {@code epoch + 1} completed (0 at an epoch boundary)
 * @param adamSteps optimizer updates issued so far (skipped non-finite batches count too)
 * @param parameters the model's flat parameters
 * @param firstMoment Adam's first moment, same layout
 * @param secondMoment Adam's second moment, same layout
 * @param epochLossSums reconstruction and KL sums over the batches done in the current epoch, and with
 *     {@code --iwae-k} the sum of the rows' losses on the importance-weighted bound
 * @param bestLoss the lowest monitored loss so far (infinity before the first epoch)
 * @param bestEpoch the epoch that reached it (0 before the first epoch)
 * @param sinceBest epochs since it improved
 * @param bestParameters the weights of the best epoch when patience keeps them, else null
 * @param history every completed epoch's metrics, in order
 * @param finished whether training has ended (every epoch done, or stopped early)
 */
public record TrainingState(
    int epoch,
    int batch,
    long adamSteps,
    float[] parameters,
    float[] firstMoment,
    float[] secondMoment,
    float[] epochLossSums,
    double bestLoss,
    int bestEpoch,
    int sinceBest,
    float[] bestParameters,
    List<EpochMetrics> history,
    boolean finished) {

  /** Checks that the pieces fit together. */
  public TrainingState {
    if (epoch < 0 || batch < 0 || adamSteps < 0 || bestEpoch < 0 || sinceBest < 0) {
      throw new IllegalArgumentException("negative training position: epoch " + epoch + ", batch " + batch
          + ", step " + adamSteps);
    }
    if (firstMoment.length != parameters.length || secondMoment.length != parameters.length
        || (bestParameters != null && bestParameters.length != parameters.length)) {
      throw new IllegalArgumentException("optimizer state and parameters differ in size");
    }
    if (epochLossSums.length != 2 && epochLossSums.length != 3) { // 3: with the importance-weighted bound's
      throw new IllegalArgumentException("expected 2 or 3 loss sums, got " + epochLossSums.length);
    }
    if (history.size() != epoch) {
      throw new IllegalArgumentException(history.size() + " epochs of metrics for " + epoch + " completed epochs");
    }
    history = List.copyOf(history);
  }

  /** Where a fresh run starts: {@code parameters}, zero moments, nothing trained yet. */
  public static TrainingState start(float[] parameters) {
    return builder().parameters(parameters).build();
  }

  /**
   * A state field by field: {@code parameters} are required; the moments default to zeros of
   * their length, the loss sums to zeros, the best loss to infinity, the history to none and
   * every count to 0.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TrainingState} from named fields (see {@link #builder}). */
  public static final class Builder {
    private int epoch;
    private int batch;
    private long adamSteps;
    private float[] parameters;
    private float[] firstMoment;
    private float[] secondMoment;
    private float[] epochLossSums = new float[2];
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;
    private float[] bestParameters;
    private List<EpochMetrics> history = List.of();
    private boolean finished;

    private Builder() {}

    /** Epochs completed. */
    public Builder epoch(int epoch) {
      this.epoch = epoch;
      return this;
    }

    /** Batches of the next epoch completed. */
    public Builder batch(int batch) {
      this.batch = batch;
      return this;
    }

    /** Optimizer updates issued so far. */
    public Builder adamSteps(long adamSteps) {
      this.adamSteps = adamSteps;
      return this;
    }

    /** The model's flat parameters. */
    public Builder parameters(float[] parameters) {
      this.parameters = parameters;
      return this;
    }

    /** Adam's first moment. */
    public Builder firstMoment(float[] firstMoment) {
      this.firstMoment = firstMoment;
      return this;
    }

    /** Adam's second moment. */
    public Builder secondMoment(float[] secondMoment) {
      this.secondMoment = secondMoment;
      return this;
    }

    /** Reconstruction and KL sums of the current epoch so far. */
    public Builder epochLossSums(float[] epochLossSums) {
      this.epochLossSums = epochLossSums;
      return this;
    }

    /** The lowest monitored loss so far. */
    public Builder bestLoss(double bestLoss) {
      this.bestLoss = bestLoss;
      return this;
    }

    /** The epoch that reached it. */
    public Builder bestEpoch(int bestEpoch) {
      this.bestEpoch = bestEpoch;
      return this;
    }

    /** Epochs since it improved. */
    public Builder sinceBest(int sinceBest) {
      this.sinceBest = sinceBest;
      return this;
    }

    /** The best epoch's weights, or null. */
    public Builder bestParameters(float[] bestParameters) {
      this.bestParameters = bestParameters;
      return this;
    }

    /** Every completed epoch's metrics. */
    public Builder history(List<EpochMetrics> history) {
      this.history = history;
      return this;
    }

    /** Whether training has ended. */
    public Builder finished(boolean finished) {
      this.finished = finished;
      return this;
    }

    /** The state; the record's checks apply. */
    public TrainingState build() {
      if (parameters == null) throw new IllegalArgumentException("a training state needs parameters");
      return new TrainingState(epoch, batch, adamSteps, parameters,
          firstMoment != null ? firstMoment : new float[parameters.length],
          secondMoment != null ? secondMoment : new float[parameters.length],
          epochLossSums, bestLoss, bestEpoch, sinceBest, bestParameters, history, finished);
    }
  }

  /**
   * Where this state stands, counted as the epoch table counts, from 1: {@code after epoch 4, step
   * 236} at an epoch's end, {@code in epoch 2 after batch 41, step 100} inside one.
   */
  public String position() {
    if (batch == 0) return "after epoch " + epoch + ", step " + adamSteps;
    return "in epoch " + (epoch + 1) + " after batch " + batch + ", step " + adamSteps;
  }

  /**
   * This state of a finished run as one that goes on: a run of more epochs had the same state
   * after the same epochs, only not finished (its shuffles, noise and warm-up depend on the epoch
   * and step numbers, not on how many epochs it has).
   */
  public TrainingState unfinished() {
    return new TrainingState(epoch, batch, adamSteps, parameters, firstMoment, secondMoment, epochLossSums, bestLoss,
        bestEpoch, sinceBest, bestParameters, history, false);
  }

  /** Whether every number that training produced is finite (a state worth keeping). */
  public boolean isFinite() {
    return allFinite(parameters) && allFinite(firstMoment) && allFinite(secondMoment) && allFinite(epochLossSums);
  }

  private static boolean allFinite(float[] values) {
    for (float v : values) {
      if (!Float.isFinite(v)) return false;
    }
    return true;
  }
}
