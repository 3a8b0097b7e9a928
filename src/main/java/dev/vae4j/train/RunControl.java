package dev.vae4j.train;

/**
 * How a {@link Trainer} run starts, where its checkpoints go, and what it does about non-finite
 * batches.
 *
 * @param resumeFrom the state to continue from bit-exactly, or null to start fresh
 * @param checkpoints receives the run's states
 * @param skipNonFinite skip a batch whose loss or update is NaN or infinite (its step number is
 *     used up, its update is not applied) instead of stopping with {@link TrainingDivergedException}
 */
public record RunControl(TrainingState resumeFrom, CheckpointSink checkpoints, boolean skipNonFinite) {
  /** Most batches one epoch may skip before the run counts as diverged anyway. */
  public static final int MAX_SKIPPED_PER_EPOCH = 16;

  /** Checks the sink is there. */
  public RunControl {
    if (checkpoints == null) throw new IllegalArgumentException("checkpoints sink is required (CheckpointSink.none())");
  }

  /** A fresh run without checkpoints that stops on divergence. */
  public static RunControl fresh() {
    return new RunControl(null, CheckpointSink.none(), false);
  }
}
