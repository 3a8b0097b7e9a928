package dev.vae4j.train;

/**
 * The best monitored loss of a run so far, and whether patience has run out: after {@code
 * patience} epochs without a lower loss training stops, and the weights of the best epoch (kept
 * only when there is a patience) go back into the model.
 */
final class EarlyStopping {
  private final int patience;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int bestEpoch;
  private int sinceBest;
  private float[] bestParameters;

  /** Stops after {@code patience} epochs without improvement; 0 never stops. */
  EarlyStopping(int patience) {
    if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
    this.patience = patience;
  }

  /**
   * Records epoch {@code epoch}'s monitored loss: whether it improved on the best so far. {@code
   * parameters} are the epoch's weights, copied when patience keeps the best ones.
   */
  boolean record(int epoch, double monitored, float[] parameters) {
    if (monitored < bestLoss) {
      bestLoss = monitored;
      bestEpoch = epoch;
      sinceBest = 0;
      if (patience > 0) bestParameters = parameters.clone();
      return true;
    }
    sinceBest++;
    return false;
  }

  /** Whether patience ends training after epoch {@code epoch} of {@code epochs} (never after the last). */
  boolean stopsAfter(int epoch, int epochs) {
    return patience > 0 && sinceBest >= patience && epoch < epochs;
  }

  /** Takes up the bookkeeping a {@link TrainingState} recorded. */
  void restore(TrainingState state) {
    bestLoss = state.bestLoss();
    bestEpoch = state.bestEpoch();
    sinceBest = state.sinceBest();
    bestParameters = state.bestParameters() == null ? null : state.bestParameters().clone();
  }

  /** Puts this bookkeeping into a state being built (what {@link #restore} takes up again). */
  TrainingState.Builder saveTo(TrainingState.Builder state) {
    return state.bestLoss(bestLoss).bestEpoch(bestEpoch).sinceBest(sinceBest).bestParameters(bestParameters);
  }

  /** The lowest monitored loss so far (infinity before the first epoch). */
  double bestLoss() {
    return bestLoss;
  }

  /** The epoch that reached it (0 before the first). */
  int bestEpoch() {
    return bestEpoch;
  }

  /** Epochs since the loss last improved. */
  int sinceBest() {
    return sinceBest;
  }

  /** The best epoch's weights when patience keeps them, else null (not a copy: never written to). */
  float[] bestParameters() {
    return bestParameters;
  }
}
