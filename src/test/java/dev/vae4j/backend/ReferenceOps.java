package dev.vae4j.backend;

/**
 * Double-precision references of the ops' per-value losses, written from the {@link Likelihood}
 * contracts: the contract tests check the backends against them, and {@code ReferenceVae} builds
 * the reference network's loss from them.
 */
public final class ReferenceOps {
  private ReferenceOps() {}

  /** The continuous Bernoulli NLL from its definition, -x log(lambda) - (1-x) log(1-lambda) - log C(lambda), via the logit. */
  public static double continuousBernoulliNll(double l, double x) {
    double bce = Math.max(l, 0) - l * x + Math.log1p(Math.exp(-Math.abs(l)));
    // C = 2 artanh(1 - 2 lambda) / (1 - 2 lambda), with 1 - 2 lambda = -tanh(l/2) and 2 artanh(..) = -l.
    double logNorm = Math.abs(l) < 1e-4 ? Math.log(2) + l * l / 12 : Math.log(l / Math.tanh(l / 2));
    return bce - logNorm;
  }

  /** The learned-variance Gaussian NLL with the log-variance clamped to [-7, 7]. */
  public static double learnedGaussianNll(double mu, double lv, double x) {
    double v = Math.min(7, Math.max(-7, lv));
    return 0.5 * (Math.log(2 * Math.PI) + v + (x - mu) * (x - mu) * Math.exp(-v));
  }

  /** The double reference NLL of one value from its decoder outputs {@code o} (1 or 2 of them). */
  public static double referenceNll(Likelihood likelihood, double[] o, double x) {
    return switch (likelihood) {
      case BERNOULLI -> Math.max(o[0], 0) - o[0] * x + Math.log1p(Math.exp(-Math.abs(o[0])));
      case CONTINUOUS_BERNOULLI -> continuousBernoulliNll(o[0], x);
      case GAUSSIAN -> 0.5 * (x - o[0]) * (x - o[0]) + 0.5 * Math.log(2 * Math.PI);
      case GAUSSIAN_LEARNED -> learnedGaussianNll(o[0], o[1], x);
    };
  }
}
