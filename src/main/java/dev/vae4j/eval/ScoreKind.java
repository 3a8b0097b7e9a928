package dev.vae4j.eval;

import java.util.Locale;

/** Which per-image figure serves as the anomaly score; higher always means more anomalous. */
public enum ScoreKind {
  /** The negative ELBO: reconstruction NLL (averaged over the draws) + KL, in nats. */
  ELBO,
  /** The negative IWAE estimate of {@code log p(x)}, in nats. */
  IWAE;

  /** The scores of every image of {@code estimates}. */
  public double[] scores(Estimates estimates) {
    double[] s = new double[estimates.count()];
    for (int i = 0; i < s.length; i++) {
      s[i] = this == ELBO ? estimates.negativeElbo(i) : estimates.negativeLogLikelihood(i);
    }
    return s;
  }

  /** {@code elbo} or {@code iwae}, case-insensitively. */
  public static ScoreKind parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown score '" + name + "' (expected elbo or iwae)");
    }
  }
}
