package dev.vae4j.train;

import java.util.HashSet;
import java.util.Set;

/**
 * What a run does when its loss or weights become NaN or infinite: it finds the step that first
 * went non-finite by replaying the epoch step by step from the last good state, then either stops
 * with {@link TrainingDivergedException} (the model back at that state) or, when non-finite
 * batches are skipped, remembers the step and has the epoch trained again from the last good state
 * without it, up to {@link RunControl#MAX_SKIPPED_PER_EPOCH} skipped steps an epoch.
 */
final class DivergenceGuard {
  private final boolean skipNonFinite;
  private final int stepsPerEpoch;
  /** Steps (1-based) whose non-finite batch is skipped. */
  private final Set<Long> skipped = new HashSet<>();

  /** One epoch's training, as the guard drives it. */
  interface Epoch {
    /**
     * Trains the epoch from the last good state, reporting to {@code listener}; returns the
     * numbers to check (loss sums, parameters, moments), or throws {@link NonFiniteStep}.
     */
    float[][] train(TrainingListener listener);

    /** Replays the epoch from the last good state one step at a time: the first non-finite step, or -1. */
    long firstNonFiniteStep();

    /** Puts the model and the optimizer back to the last good state and returns it. */
    TrainingState restoreLastGood();
  }

  /** A guard for a run of {@code stepsPerEpoch} steps an epoch that skips non-finite batches or not. */
  DivergenceGuard(boolean skipNonFinite, int stepsPerEpoch) {
    this.skipNonFinite = skipNonFinite;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  /** Whether step {@code step} (1-based) is to be skipped. */
  boolean skips(long step) {
    return skipped.contains(step);
  }

  /**
   * Trains epoch {@code epoch} until its numbers are all finite, replaying it from the last good
   * state with non-finite batches skipped when allowed (the replays report to no listener: they
   * repeat steps {@code listener} has already seen). Returns what {@link Epoch#train} returned.
   */
  float[][] train(int epoch, TrainingListener listener, Epoch work) {
    TrainingListener current = listener;
    Set<Long> skippedBefore = Set.copyOf(skipped);
    while (true) {
      Long bad = null;
      try {
        float[][] state = work.train(current);
        if (allFinite(state)) return state;
      } catch (NonFiniteStep e) {
        bad = e.step;
      }
      long found = work.firstNonFiniteStep();
      if (found >= 0 || bad == null) bad = found;
      TrainingState lastGood = work.restoreLastGood();
      long inEpoch = bad - (long) (epoch - 1) * stepsPerEpoch;
      String where = "step " + bad + " (epoch " + epoch + ", batch " + inEpoch + ")";
      long skippedNow = skipped.stream().filter(s -> !skippedBefore.contains(s)).count();
      if (!skipNonFinite || bad < 0 || skippedNow >= RunControl.MAX_SKIPPED_PER_EPOCH) {
        throw new TrainingDivergedException("training diverged: the loss or the weights became NaN or infinite at "
            + (bad < 0 ? "epoch " + epoch : where) + (skippedNow > 0 ? " after skipping " + skippedNow + " batches" : "")
            + "; the model holds the last good weights (" + lastGood.position() + ")",
            bad, epoch);
      }
      skipped.add(bad);
      current = new TrainingListener() {};
    }
  }

  /** Whether every number in {@code arrays} is finite. */
  static boolean allFinite(float[][] arrays) {
    for (float[] a : arrays) {
      for (float v : a) {
        if (!Float.isFinite(v)) return false;
      }
    }
    return true;
  }

  /** A step checkpoint found non-finite numbers; the epoch's check takes over from there. */
  static final class NonFiniteStep extends RuntimeException {
    private final long step;

    /** At the 1-based step {@code step}. */
    NonFiniteStep(long step) {
      super(null, null, false, false);
      this.step = step;
    }
  }
}
