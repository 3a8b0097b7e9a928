package dev.vae4j.train;

import java.util.function.BooleanSupplier;

/**
 * How a {@link Trainer} run starts, where its checkpoints go, what it does about non-finite
 * batches, and when it is asked to stop.
 *
 * @param resumeFrom the state to continue from bit-exactly, or null to start fresh
 * @param checkpoints receives the run's states
 * @param skipNonFinite skip a batch whose loss or update is NaN or infinite (its step number is
 *     used up, its update is not applied) instead of stopping with {@link TrainingDivergedException}
 * @param stopRequested polled after every step: once true, training goes on to the next checkpoint
 *     when that is due within {@link #STOP_GRACE_SECONDS}, else stops at once, and throws {@link
 *     TrainingInterruptedException} naming the checkpoint to resume from
 */
public record RunControl(TrainingState resumeFrom, CheckpointSink checkpoints, boolean skipNonFinite,
    BooleanSupplier stopRequested) {
  /** Most batches one epoch may skip before the run counts as diverged anyway. */
  public static final int MAX_SKIPPED_PER_EPOCH = 16;

  /** How long a stop request waits for a checkpoint that is nearly due rather than give up the steps since the last. */
  public static final double STOP_GRACE_SECONDS = 1.0;

  /** Checks the sink is there. */
  public RunControl {
    if (checkpoints == null) throw new IllegalArgumentException("checkpoints sink is required (CheckpointSink.none())");
    if (stopRequested == null) stopRequested = () -> false;
  }

  /** A run that is never asked to stop. */
  public RunControl(TrainingState resumeFrom, CheckpointSink checkpoints, boolean skipNonFinite) {
    this(resumeFrom, checkpoints, skipNonFinite, null);
  }

  /** A fresh run without checkpoints that stops on divergence. */
  public static RunControl fresh() {
    return new RunControl(null, CheckpointSink.none(), false);
  }
}
