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
    return of(kind, model, data, training, null, samples, seed, imagesDone);
  }

  /**
   * {@link #of(ScoreKind, Vae, Dataset, Dataset, int, long, LongConsumer)} with the training images'
   * codes already computed ({@code trainingCodes}, {@code Encodings.of(model, training)}; null: computed
   * here), for a caller scoring several datasets or kinds under one model: the codes are the same
   * each time (no draws), and encoding a training set is most of a latent score's work.
   */
  public static double[] of(ScoreKind kind, Vae model, Dataset data, Dataset training, Encodings trainingCodes, int samples,
      long seed, LongConsumer imagesDone) {
    if (kind.needsTrainingCodes() && training == null) {
      throw new IllegalArgumentException(kind.cliName() + " needs the training images' codes");
    }
    Encodings codesOfTraining = trainingCodes != null || !kind.needsTrainingCodes() ? trainingCodes : Encodings.of(model, training);
    return switch (kind) {
      case ELBO, IWAE -> kind.scores(LikelihoodEstimator.estimate(model, data, samples, seed, imagesDone));
      case RECON_MSE -> ReconstructionError.meanSquared(model, data, Encodings.of(model, data), imagesDone);
      case MAHALANOBIS -> {
        LatentGaussians g = LatentGaussians.fit(codesOfTraining, training.labels());
        yield g.distances(Encodings.of(model, data, imagesDone));
      }
      case KNN -> NearestNeighbours.meanDistances(Encodings.of(model, data, imagesDone), codesOfTraining,
          NearestNeighbours.K);
      case COMPLEXITY -> complexity(model, data, LikelihoodEstimator.estimate(model, data, samples, seed, imagesDone));
      case COMBINED -> CombinedScore.of(model, data, training, codesOfTraining, imagesDone);
      case LIKELIHOOD_RATIO -> throw new IllegalArgumentException(kind.cliName() + " needs a background model (likelihoodRatio)");
    };
  }

  /**
   * Ren et al.'s likelihood-ratio score: {@code -ELBO(x) - (-ELBO_background(x))}, each with {@code
   * samples} draws of the same seed, in nats. High when the model explains the image much less well
   * than the background model, which knows only the data's low-level statistics.
   */
  public static double[] likelihoodRatio(Vae model, Vae background, Dataset data, int samples, long seed, LongConsumer imagesDone) {
    if (background.config().inputSize() != model.config().inputSize()) {
      throw new IllegalArgumentException("the background model takes " + background.config().inputSize()
          + " values per image, the model " + model.config().inputSize());
    }
    Estimates foreground = LikelihoodEstimator.estimate(model, data, samples, seed, imagesDone);
    Estimates back = LikelihoodEstimator.estimate(background, data, samples, seed, done -> {});
    double[] out = new double[data.count()];
    for (int i = 0; i < out.length; i++) out[i] = foreground.negativeElbo(i) - back.negativeElbo(i);
    return out;
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
