package dev.vae4j.train;

/**
 * Training stopped because {@link RunControl#stopRequested} asked it to. The model holds the
 * weights of the last step trained; {@link #resumesFrom} is the last state handed to the
 * checkpoint sink (the run's start when none was), where {@code train --resume} picks up.
 */
public final class TrainingInterruptedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient TrainingState resumesFrom;
  private final boolean checkpointed;

  TrainingInterruptedException(TrainingState resumesFrom, boolean checkpointed) {
    super("training stopped on request");
    this.resumesFrom = resumesFrom;
    this.checkpointed = checkpointed;
  }

  /** The state a resumed run continues from. */
  public TrainingState resumesFrom() {
    return resumesFrom;
  }

  /** Whether that state was checkpointed (false: no checkpoint yet, a resumed run starts over). */
  public boolean checkpointed() {
    return checkpointed;
  }
}
