package dev.vae4j.train;

/**
 * Training produced a NaN or infinite loss or weight. The model then holds the last good weights
 * (those of the last state a {@link CheckpointSink} received, or the starting ones).
 */
public final class TrainingDivergedException extends RuntimeException {
  private final long step;
  private final int epoch;

  /** {@code step} is the 1-based optimizer step that first went non-finite, in {@code epoch}. */
  public TrainingDivergedException(String message, long step, int epoch) {
    super(message);
    this.step = step;
    this.epoch = epoch;
  }

  /** The 1-based optimizer step whose loss, gradients or update first became non-finite. */
  public long step() {
    return step;
  }

  /** The epoch of that step. */
  public int epoch() {
    return epoch;
  }
}
