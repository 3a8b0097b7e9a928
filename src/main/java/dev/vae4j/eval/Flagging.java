package dev.vae4j.eval;

import java.util.Arrays;

/** Turns anomaly scores into flags (score above a threshold means anomalous). */
public final class Flagging {
  private Flagging() {}

  /** {@code score > threshold}. */
  public static boolean[] above(double[] scores, double threshold) {
    boolean[] flags = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) flags[i] = scores[i] > threshold;
    return flags;
  }

  /**
   * The threshold that flags the {@code round(contamination * n)} highest scores: the largest
   * score left unflagged (ties with it stay unflagged too, so at most that many are flagged).
   * {@code contamination} in (0, 1).
   */
  public static double thresholdForContamination(double[] scores, double contamination) {
    if (!(contamination > 0 && contamination < 1)) {
      throw new IllegalArgumentException("contamination must be in (0, 1), got " + contamination);
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int flagged = (int) Math.round(contamination * sorted.length);
    int kept = sorted.length - flagged;
    return kept == 0 ? Double.NEGATIVE_INFINITY : sorted[kept - 1];
  }
}
