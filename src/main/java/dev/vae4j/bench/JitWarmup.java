package dev.vae4j.bench;

import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * The end of a benchmark's warm-up: when the JIT compiler has gone quiet. On the 2-core dev
 * machine a CPU training step kept getting faster for 3,000-4,000 steps (5-13 s) while C2 compiled
 * the step's loops (about 4.5 s of compilation, competing with training for the two cores), so a
 * fixed 100-step warm-up timed the compiler as much as vae4j: 784-128-2 trained at 119,000-123,000
 * samples/s after 100 steps and 142,000-181,000 after 1,000-6,000 (docs/benchmarks.md).
 *
 * <p>The rule: train in stretches of at least {@link #STRETCH_SECONDS}; the warm-up is over after
 * {@link #QUIET_STRETCHES} stretches in a row during which compilation took under {@link
 * #QUIET_FRACTION} of the stretch's wall time, or when the time allowed runs out.
 */
final class JitWarmup {
  static final double STRETCH_SECONDS = 0.5;
  static final double QUIET_FRACTION = 0.01;
  static final int QUIET_STRETCHES = 2;

  /** Runs {@code steps} training steps and returns their wall-clock seconds. */
  @FunctionalInterface
  interface TimedSteps {
    double run(int steps);
  }

  /**
   * What the warm-up took.
   *
   * @param steps training steps run
   * @param seconds their wall-clock time
   * @param quiet whether the compiler went quiet (else the time allowed ran out first)
   */
  record Outcome(long steps, double seconds, boolean quiet) {}

  private JitWarmup() {}

  /**
   * Trains until the compiler, whose total compilation time in milliseconds {@code compileMillis}
   * reports, has gone quiet, or for about {@code maxSeconds} (a stretch started before then is
   * finished).
   */
  static Outcome run(TimedSteps steps, LongSupplier compileMillis, double maxSeconds) {
    return run(steps, compileMillis, maxSeconds, seconds -> {});
  }

  /** {@link #run(TimedSteps, LongSupplier, double)}, telling {@code secondsSpent} the time spent after every stretch. */
  static Outcome run(TimedSteps steps, LongSupplier compileMillis, double maxSeconds, DoubleConsumer secondsSpent) {
    long taken = 0;
    double spent = 0;
    int stretch = 1;
    int quiet = 0;
    while (spent < maxSeconds) {
      long compiledBefore = compileMillis.getAsLong();
      double seconds = steps.run(stretch);
      long compiled = compileMillis.getAsLong() - compiledBefore;
      taken += stretch;
      spent += seconds;
      secondsSpent.accept(spent);
      if (seconds >= STRETCH_SECONDS) {
        quiet = compiled < QUIET_FRACTION * seconds * 1e3 ? quiet + 1 : 0;
        if (quiet == QUIET_STRETCHES) return new Outcome(taken, spent, true);
      }
      // Size the next stretch to last a little over STRETCH_SECONDS at this stretch's pace.
      double perStep = Math.max(seconds, 1e-9) / stretch;
      stretch = (int) Math.min(1 << 24, Math.max(1, Math.ceil(1.1 * STRETCH_SECONDS / perStep)));
    }
    return new Outcome(taken, spent, false);
  }
}
