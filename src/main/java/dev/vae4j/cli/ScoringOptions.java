package dev.vae4j.cli;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.LabelFilter;
import dev.vae4j.eval.AnomalyScores;
import dev.vae4j.eval.ScoreKind;
import dev.vae4j.run.Run;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How {@code score} and {@code anomaly-eval} score images: the score, its latent draws and their seed. */
final class ScoringOptions {
  @Option(names = "--score", defaultValue = "elbo", paramLabel = "NAME",
      description = "elbo (negative ELBO), iwae (negative IWAE estimate), recon-mse (pixel MSE of the reconstruction at "
          + "the encoder's mean), mahalanobis (latent distance to the training codes' Gaussian, per class), knn (mean "
          + "latent distance to the 5 nearest training codes), complexity (-ELBO in bits minus the DEFLATE length; "
          + "for density likelihoods such as continuous-bernoulli), combined (recon-mse + mahalanobis + knn as z-scores "
          + "of their logarithms, fitted on training images).")
  String score;

  @Option(names = "--k", defaultValue = "100", description = "Latent draws per image (elbo, iwae, complexity).")
  int k;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the latent draws.")
  long seed;

  /** The chosen score; a bad {@code --score} or {@code --k} is a usage error on {@code cli}. */
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

  /**
   * One score per image of {@code data} under the model of {@code run} (higher = more anomalous);
   * the latent-space scores read the run's training images (of its classes) for their codes.
   */
  double[] scores(ScoreKind kind, Run run, Vae model, Dataset data) throws IOException {
    Dataset training = kind.needsTrainingCodes() ? trainingImages(run) : null;
    try (ImageProgress progress = ImageProgress.start("scoring", data.count())) {
      return AnomalyScores.of(kind, model, data, training, k, seed, progress);
    }
  }

  /** The training split of the run's data, restricted to the classes it was trained on. */
  static Dataset trainingImages(Run run) throws IOException {
    DatasetSplit split = run.loadData();
    List<Integer> classes = RunConfig.read(run.path().resolve(RunDirectory.CONFIG)).classes();
    return classes == null ? split.train() : LabelFilter.onlyClasses(split.train(), new TreeSet<>(classes));
  }
}
