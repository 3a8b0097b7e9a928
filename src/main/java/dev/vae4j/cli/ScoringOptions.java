package dev.vae4j.cli;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.LikelihoodEstimator;
import dev.vae4j.eval.ScoreKind;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How {@code score} and {@code anomaly-eval} score images: the estimate, its latent draws and their seed. */
final class ScoringOptions {
  @Option(names = "--score", defaultValue = "elbo", paramLabel = "elbo|iwae", description = "Negative ELBO or negative IWAE estimate.")
  String score;

  @Option(names = "--k", defaultValue = "100", description = "Latent draws per image.")
  int k;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the latent draws.")
  long seed;

  /** The chosen estimate; a bad {@code --score} or {@code --k} is a usage error on {@code cli}. */
  ScoreKind kind(CommandLine cli) {
    ScoreKind kind;
    try {
      kind = ScoreKind.parse(score);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, "--score: " + e.getMessage());
    }
    if (k <= 0) throw new ParameterException(cli, "--k must be > 0, got " + k);
    return kind;
  }

  /** One score per image of {@code data} under {@code model} (higher = more anomalous). */
  double[] scores(ScoreKind kind, Vae model, Dataset data) {
    try (ImageProgress progress = ImageProgress.start("scoring", data.count())) {
      return kind.scores(LikelihoodEstimator.estimate(model, data, k, seed, progress));
    }
  }
}
