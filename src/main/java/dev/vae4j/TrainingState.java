package dev.vae4j;

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
 * @param epochLossSums reconstruction and KL sums over the batches done in the current epoch
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
    if (epochLossSums.length != 2) throw new IllegalArgumentException("expected 2 loss sums, got " + epochLossSums.length);
    if (history.size() != epoch) {
      throw new IllegalArgumentException(history.size() + " epochs of metrics for " + epoch + " completed epochs");
    }
    history = List.copyOf(history);
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
