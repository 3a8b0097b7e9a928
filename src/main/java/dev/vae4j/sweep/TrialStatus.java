package dev.vae4j.sweep;

import java.util.Locale;

/** Where a trial stands, as its run folder shows it. */
public enum TrialStatus {
  /** The run wrote its model. */
  FINISHED,
  /** The median-stopping rule stopped it (a marker file in its folder). */
  PRUNED,
  /** Its last attempt failed (a marker file with the error line); rerunning the sweep tries again. */
  FAILED,
  /** Started, not finished: rerunning the sweep resumes it. */
  UNFINISHED,
  /** Not started (no run folder, or an empty one). */
  PENDING;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
