package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import java.util.function.LongConsumer;

/**
 * The {@code combined} score: the reconstruction error, the latent Mahalanobis distance and the
 * latent k-NN distance, each as a z-score of its logarithm, added. The three fail on different
 * images (the pixel error on textured classes such as bags, the latent distances on classes whose
 * codes spread widely), so their sum ranks better than any of them (one-class Fashion-MNIST, conv
 * model: 0.899, 0.913 and 0.902 alone; see docs/benchmarks.md). Logarithms because the scores are
 * positive and right-skewed; z-scores so that no score dominates by its units.
 *
 * <p>The means and standard deviations come from normal images the scores are known for: an evenly
 * spaced sample of at most {@link #REFERENCE_IMAGES} training images, their k-NN distance taken
 * among the other training codes (without their own). Only the standard deviations change the
 * ranking (a mean shifts every image alike), so the in-sample bias of the reference scores (lower
 * than on unseen normal images) costs little. Nothing here draws: deterministic.
 */
public final class CombinedScore {
  /** Training images the z-scores are fitted on, at most. */
  public static final int REFERENCE_IMAGES = 2000;
  /** Floor under a score before its logarithm (a perfect reconstruction has error 0). */
  private static final double FLOOR = 1e-12;

  private CombinedScore() {}

  /** The combined scores of {@code data}, with {@code training} the images the model was trained on. */
  public static double[] of(Vae model, Dataset data, Dataset training, LongConsumer imagesDone) {
    return of(model, data, training, Encodings.of(model, training), imagesDone);
  }

  /** {@link #of(Vae, Dataset, Dataset, LongConsumer)} with {@code training}'s codes already computed. */
  public static double[] of(Vae model, Dataset data, Dataset training, Encodings trainingCodes, LongConsumer imagesDone) {
    LatentGaussians gaussians = LatentGaussians.fit(trainingCodes, training.labels());
    Dataset reference = training.subset(evenlySpaced(training.count(), REFERENCE_IMAGES), training.name() + " (reference)");
    Encodings referenceCodes = Encodings.of(model, reference);
    double[][] normal = {
        ReconstructionError.meanSquared(model, reference, referenceCodes, done -> {}),
        gaussians.distances(referenceCodes),
        NearestNeighbours.meanDistances(referenceCodes, trainingCodes, NearestNeighbours.K, 1)};
    Encodings codes = Encodings.of(model, data, imagesDone);
    double[][] scores = {
        ReconstructionError.meanSquared(model, data, codes, done -> {}),
        gaussians.distances(codes),
        NearestNeighbours.meanDistances(codes, trainingCodes, NearestNeighbours.K)};
    return sumOfLogZScores(scores, normal);
  }

  /** {@code sum_s (log scores[s][i] - mean_s) / sd_s}, the mean and sd of {@code log normal[s]}. */
  static double[] sumOfLogZScores(double[][] scores, double[][] normal) {
    double[] out = new double[scores[0].length];
    for (int s = 0; s < scores.length; s++) {
      double mean = 0, square = 0;
      for (double v : normal[s]) mean += log(v);
      mean /= normal[s].length;
      for (double v : normal[s]) square += (log(v) - mean) * (log(v) - mean);
      double sd = Math.sqrt(square / normal[s].length);
      if (!(sd > 0)) sd = 1; // every reference image scored alike: the score still counts, unscaled
      for (int i = 0; i < out.length; i++) out[i] += (log(scores[s][i]) - mean) / sd;
    }
    return out;
  }

  /** {@code min(count, max)} indices spread evenly over {@code [0, count)}. */
  static int[] evenlySpaced(int count, int max) {
    int n = Math.min(count, max);
    int[] at = new int[n];
    for (int i = 0; i < n; i++) at[i] = (int) ((long) i * count / n);
    return at;
  }

  private static double log(double v) {
    return Math.log(Math.max(v, FLOOR));
  }
}
