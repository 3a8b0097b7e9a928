package dev.vae4j.eval;

/**
 * Per-image likelihood figures of a model on a dataset, in nats, from {@code samples} latent draws
 * per image.
 *
 * @param reconstruction reconstruction negative log-likelihood {@code -log p(x|z)}, averaged over
 *     the draws {@code z ~ q(z|x)}
 * @param kl {@code KL(q(z|x) || N(0, I))}, exact
 * @param logLikelihood the importance-weighted (IWAE) estimate of {@code log p(x)}: the
 *     log-mean-exp over the draws of {@code log p(x|z) + log p(z) - log q(z|x)}
 * @param samples latent draws per image
 */
public record Estimates(double[] reconstruction, double[] kl, double[] logLikelihood, int samples) {

  public Estimates {
    if (reconstruction.length != kl.length || kl.length != logLikelihood.length) {
      throw new IllegalArgumentException("per-image arrays differ in length");
    }
  }

  /** Number of images. */
  public int count() {
    return kl.length;
  }

  /** The negative ELBO of image {@code i}: reconstruction + KL. */
  public double negativeElbo(int i) {
    return reconstruction[i] + kl[i];
  }

  /** The negative IWAE estimate of image {@code i}: {@code -log p(x)}, at most the negative ELBO on average. */
  public double negativeLogLikelihood(int i) {
    return -logLikelihood[i];
  }

  /** Means over the images. */
  public Summary summary() {
    double recon = 0, klSum = 0, nll = 0;
    for (int i = 0; i < count(); i++) {
      recon += reconstruction[i];
      klSum += kl[i];
      nll -= logLikelihood[i];
    }
    int n = count();
    return new Summary(n, samples, recon / n, klSum / n, (recon + klSum) / n, nll / n);
  }

  /**
   * Dataset means, in nats per image.
   *
   * @param negativeElbo mean {@code reconstruction + kl}
   * @param negativeLogLikelihood mean IWAE estimate of {@code -log p(x)} with {@code samples} draws
   */
  public record Summary(int images, int samples, double reconstruction, double kl, double negativeElbo,
      double negativeLogLikelihood) {}
}
