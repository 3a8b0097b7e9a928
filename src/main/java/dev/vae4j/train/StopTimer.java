package dev.vae4j.train;

import java.util.function.LongSupplier;

/**
 * Times training steps, so that a stop request can tell whether the next checkpoint is due within
 * {@link RunControl#STOP_GRACE_SECONDS}. Reads the clock once per step; the arithmetic is untouched.
 */
final class StopTimer {
  private long lastNanos = -1;
  private double stepSeconds = Double.NaN;
  private Boolean goOn;

  /** A step has finished: updates the running mean of step times. */
  void stepFinished() {
    long now = System.nanoTime();
    if (lastNanos >= 0) {
      double seconds = (now - lastNanos) / 1e9;
      stepSeconds = Double.isNaN(stepSeconds) ? seconds : 0.8 * stepSeconds + 0.2 * seconds;
    }
    lastNanos = now;
  }

  /**
   * Whether to go on to the next checkpoint, {@code stepsLeft} steps away, decided at the first
   * request and kept: true when those steps take at most the grace time at the measured pace.
   */
  boolean decided(LongSupplier stepsLeft) {
    if (goOn == null) {
      double pace = Double.isNaN(stepSeconds) ? Double.POSITIVE_INFINITY : stepSeconds;
      goOn = stepsLeft.getAsLong() * pace <= RunControl.STOP_GRACE_SECONDS;
    }
    return goOn;
  }
}
