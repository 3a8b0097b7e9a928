package dev.vae4j.eval;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * Which per-image figure serves as the anomaly score; higher always means more anomalous. {@link
 * AnomalyScores#of} computes any of them; the latent-space ones also need the training images.
 */
public enum ScoreKind {
  /** The negative ELBO: reconstruction NLL (averaged over the draws) + KL, in nats. */
  ELBO,
  /** The negative IWAE estimate of {@code log p(x)}, in nats. */
  IWAE,
  /**
   * The classic autoencoder score: the mean over the pixels of {@code (x - x')^2}, where x' is the
   * decoder's pixel mean at the encoder's mean {@code z = mu(x)} (no draws). One encoder and one
   * decoder pass per image.
   */
  RECON_MSE,
  /**
   * Mahalanobis distance of the encoder's mean {@code mu(x)} to the Gaussian fitted to the training
   * images' means (mean and full covariance, in double); with labelled training images one Gaussian
   * per class and the smallest distance. See {@link LatentGaussians}.
   */
  MAHALANOBIS,
  /** Mean Euclidean distance of {@code mu(x)} to its {@link NearestNeighbours#K} nearest training means. */
  KNN,
  /**
   * Serr&agrave; et al. (ICLR 2020), "Input complexity and out-of-distribution detection with
   * likelihood-based generative models": the -ELBO in bits (of 8-bit data: plus ln 256 nats per
   * value for a density likelihood) minus the image's DEFLATE length in bits. See {@link
   * CompressedLength}.
   */
  COMPLEXITY,
  /**
   * {@link #RECON_MSE}, {@link #MAHALANOBIS} and {@link #KNN} as z-scores of their logarithms
   * (fitted on training images), added: see {@link CombinedScore}.
   */
  COMBINED,
  /**
   * Ren et al. (NeurIPS 2019), "Likelihood ratios for out-of-distribution detection": the -ELBO
   * under the model minus the -ELBO under a background model trained on the same data with noise
   * pixels ({@code train --background-of}), so what both models explain (how much ink, how smooth)
   * cancels. See {@link AnomalyScores#likelihoodRatio}.
   */
  LIKELIHOOD_RATIO;

  /** Whether the score needs the training images' latent codes. */
  public boolean needsTrainingCodes() {
    return this == MAHALANOBIS || this == KNN || this == COMBINED;
  }

  /** Whether the score needs a background model ({@link #LIKELIHOOD_RATIO}). */
  public boolean needsBackground() {
    return this == LIKELIHOOD_RATIO;
  }

  /** The scores of every image of {@code estimates}: only for {@link #ELBO} and {@link #IWAE}. */
  public double[] scores(Estimates estimates) {
    if (this != ELBO && this != IWAE) throw new IllegalStateException(cliName() + " is not computed from likelihood estimates alone");
    double[] s = new double[estimates.count()];
    for (int i = 0; i < s.length; i++) {
      s[i] = this == ELBO ? estimates.negativeElbo(i) : estimates.negativeLogLikelihood(i);
    }
    return s;
  }

  /** What the score is, for chart titles. */
  public String title() {
    return switch (this) {
      case ELBO -> "-ELBO";
      case IWAE -> "-log p(x) (IWAE)";
      case RECON_MSE -> "reconstruction MSE";
      case MAHALANOBIS -> "latent Mahalanobis distance";
      case KNN -> "latent " + NearestNeighbours.K + "-NN distance";
      case COMPLEXITY -> "-ELBO minus DEFLATE bits";
      case COMBINED -> "reconstruction + latent z-scores";
      case LIKELIHOOD_RATIO -> "-ELBO minus the background model's";
    };
  }

  /** The name on the command line: {@code elbo}, {@code recon-mse}, ... */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@link #cliName}s, separated by {@code separator}. */
  public static String names(String separator) {
    StringJoiner out = new StringJoiner(separator);
    for (ScoreKind k : values()) out.add(k.cliName());
    return out.toString();
  }

  /** {@code elbo}, {@code iwae}, {@code recon-mse}, ... case-insensitively, '-' or '_'. */
  public static ScoreKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown score '" + name + "' (expected one of " + names(", ") + ")");
    }
  }
}
