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
          + "of their logarithms, fitted on training images), likelihood-ratio (-ELBO minus that of the --background "
          + "model; Ren et al. 2019).")
  String score;

  @Option(names = "--background", paramLabel = "RUN",
      description = "likelihood-ratio: the background model's run folder ('vae4j train --background-of RUN').")
  java.nio.file.Path background;

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
    if (kind.needsBackground() && background == null) {
      throw new ParameterException(cli, "--score " + kind.cliName() + " needs --background RUN (a model from 'vae4j train --background-of RUN')");
    }
    if (!kind.needsBackground() && background != null) {
      throw new ParameterException(cli, "--background is for --score likelihood-ratio, not " + kind.cliName());
    }
    return kind;
  }

  /**
   * One score per image of {@code data} under the model of {@code run} (higher = more anomalous);
   * the latent-space scores read the run's training images (of its classes) for their codes.
   */
  double[] scores(ScoreKind kind, Run run, Vae model, Dataset data) throws IOException {
    Dataset training = kind.needsTrainingCodes() ? trainingImages(run) : null;
    try (ImageProgress progress = ImageProgress.start("scoring", data.count())) {
      if (kind.needsBackground()) return AnomalyScores.likelihoodRatio(model, backgroundModel(model), data, k, seed, progress);
      return AnomalyScores.of(kind, model, data, training, k, seed, progress);
    }
  }

  /** The --background run's model on {@code model}'s backend, refused unless it is a background model of the same shape. */
  private Vae backgroundModel(Vae model) throws IOException {
    Run run = Run.open(background);
    RunConfig config = RunConfig.read(background.resolve(RunDirectory.CONFIG));
    if (config.background() == null) {
      throw new IllegalArgumentException(background + " is not a background model (train it with 'vae4j train --background-of RUN')");
    }
    if (!config.model().sameModelAs(model.config())) {
      throw new IllegalArgumentException(background + " is a " + config.model().describe() + " model, the scored run a "
          + model.config().describe() + " one: train the background with --background-of that run");
    }
    return run.loadModel(model.backend(), note -> {});
  }

  /** The training split of the run's data, restricted to the classes it was trained on. */
  static Dataset trainingImages(Run run) throws IOException {
    DatasetSplit split = run.loadData();
    List<Integer> classes = RunConfig.read(run.path().resolve(RunDirectory.CONFIG)).classes();
    return classes == null ? split.train() : LabelFilter.onlyClasses(split.train(), new TreeSet<>(classes));
  }
}
