package dev.vae4j.train;

import dev.vae4j.Vae;
import java.util.List;

/** Receives a training run's progress; every method has a do-nothing default. */
public interface TrainingListener {
  /** An epoch of {@code steps} steps begins. */
  default void epochStarted(int epoch, int steps) {}

  /** {@code step} (1-based within the epoch) finished. Cheap: called on every step. */
  default void stepFinished(int epoch, int step) {}

  /**
   * Every how many steps {@link #stepReported} wants losses (and at each epoch's last step); 0,
   * the default, for never. Reading losses waits for the device, so keep it well above 1 on a GPU.
   */
  default int stepReportInterval() {
    return 0;
  }

  /** Losses over the steps since the previous report, at {@link #stepReportInterval}. */
  default void stepReported(StepMetrics metrics) {}

  /** An epoch ended; {@code model} holds its weights. */
  default void epochFinished(EpochMetrics metrics, Vae model) {}

  /**
   * One listener that forwards every call to each of {@code listeners} in order; step reports come
   * at the smallest positive interval any of them asks for.
   */
  static TrainingListener all(TrainingListener... listeners) {
    List<TrainingListener> each = List.of(listeners);
    int interval = each.stream().mapToInt(TrainingListener::stepReportInterval).filter(i -> i > 0).min().orElse(0);
    return new TrainingListener() {
      @Override
      public void epochStarted(int epoch, int steps) {
        each.forEach(l -> l.epochStarted(epoch, steps));
      }

      @Override
      public void stepFinished(int epoch, int step) {
        each.forEach(l -> l.stepFinished(epoch, step));
      }

      @Override
      public int stepReportInterval() {
        return interval;
      }

      @Override
      public void stepReported(StepMetrics metrics) {
        each.forEach(l -> l.stepReported(metrics));
      }

      @Override
      public void epochFinished(EpochMetrics metrics, Vae model) {
        each.forEach(l -> l.epochFinished(metrics, model));
      }
    };
  }
}
