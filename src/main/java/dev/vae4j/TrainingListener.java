package dev.vae4j;

/** Receives a training run's progress; every method has a do-nothing default. */
public interface TrainingListener {
  /** An epoch of {@code steps} steps begins. */
  default void epochStarted(int epoch, int steps) {}

  /** {@code step} (1-based within the epoch) finished. Cheap: called on every step. */
  default void stepFinished(int epoch, int step) {}

  /** An epoch ended; {@code model} holds its weights. */
  default void epochFinished(EpochMetrics metrics, Vae model) {}
}
