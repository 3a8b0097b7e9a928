package dev.vae4j.train;

import java.io.IOException;

/** Where a {@link Trainer} sends its {@link TrainingState}s: at every epoch end and, if asked, every N steps. */
public interface CheckpointSink {
  /** Every how many optimizer steps to checkpoint inside an epoch too; 0 (the default) for epoch ends only. */
  default int stepInterval() {
    return 0;
  }

  /**
   * Keeps {@code state} (only states whose numbers are all finite arrive here). Called at every
   * epoch end ({@code state.batch() == 0}) and at the step interval inside epochs.
   */
  void save(TrainingState state) throws IOException;

  /** A sink that keeps nothing. */
  static CheckpointSink none() {
    return state -> {};
  }
}
