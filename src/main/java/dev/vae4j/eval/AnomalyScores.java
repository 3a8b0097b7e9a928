package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import java.util.function.LongConsumer;

/**
 * Any {@link ScoreKind} of every image of a dataset under a model, higher meaning more anomalous.
 * The networks run batched on the model's backend ({@link LikelihoodEstimator}, {@link Encodings},
 * {@link Vae#decode}); the small per-image sums run in double on the host. Deterministic for a
 * seed: the draws (ELBO, IWAE, complexity) come from the estimator's Philox streams, the other
 * scores use none.
 */
public final class AnomalyScores {
  private AnomalyScores() {}

  /**
   * The {@code kind} scores of {@code data}.
   *
   * @param training the images the model was trained on, for the latent-space scores (their
   *     labels, where they have them, give Mahalanobis one Gaussian per class); may be null for the
   *     other scores
   * @param samples latent draws per image for the scores that draw
   * @param imagesDone told how many images of {@code data} are scored, now and then
   */
  public static double[] of(ScoreKind kind, Vae model, Dataset data, Dataset training, int samples, long seed,
      LongConsumer imagesDone) {
    if (kind.needsTrainingCodes() && training == null) {
      throw new IllegalArgumentException(kind.cliName() + " needs the training images' codes");
    }
    return switch (kind) {
      case ELBO, IWAE -> kind.scores(LikelihoodEstimator.estimate(model, data, samples, seed, imagesDone));
      case RECON_MSE -> ReconstructionError.meanSquared(model, data, Encodings.of(model, data), imagesDone);
      case MAHALANOBIS -> {
        LatentGaussians g = LatentGaussians.fit(Encodings.of(model, training), training.labels());
        yield g.distances(Encodings.of(model, data, imagesDone));
      }
      case KNN -> NearestNeighbours.meanDistances(Encodings.of(model, data, imagesDone), Encodings.of(model, training),
          NearestNeighbours.K);
      case COMPLEXITY -> complexity(model, data, LikelihoodEstimator.estimate(model, data, samples, seed, imagesDone));
      case COMBINED -> CombinedScore.of(model, data, training, imagesDone);
    };
  }

  /** Serr&agrave; et al.'s S(x) = -ELBO(x) in bits of 8-bit data - L(x), the DEFLATE length in bits. */
  static double[] complexity(Vae model, Dataset data, Estimates estimates) {
    double[] compressed = CompressedLength.bits(data), out = new double[compressed.length];
    int d = data.features();
    double perImage = d * model.config().likelihood().discretizationNatsPerValue();
    for (int i = 0; i < out.length; i++) out[i] = (estimates.negativeElbo(i) + perImage) / Math.log(2) - compressed[i];
    return out;
  }
}
