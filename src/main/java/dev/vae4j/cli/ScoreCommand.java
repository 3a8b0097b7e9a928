package dev.vae4j.cli;

import dev.vae4j.data.Dataset;
import dev.vae4j.eval.CsvTables;
import dev.vae4j.eval.Flagging;
import dev.vae4j.eval.LikelihoodEstimator;
import dev.vae4j.eval.ScoreKind;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j score}: per-image anomaly scores to CSV. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Writes one anomaly score per image (higher = more anomalous) as CSV.",
        "Columns index[,label],score[,flag], one row per image in file order. The score is the negative ELBO or the",
        "negative IWAE estimate of log p(x), in nats."})
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV to write.")
  Path out;

  @Option(names = "--score", defaultValue = "elbo", paramLabel = "elbo|iwae", description = "Negative ELBO or negative IWAE estimate.")
  String score;

  @Option(names = "--k", defaultValue = "100", description = "Latent draws per image.")
  int k;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the latent draws.")
  long seed;

  @ArgGroup(exclusive = true)
  Flags flags;

  static final class Flags {
    @Option(names = "--threshold", description = "Add a flag column: 1 where score > THRESHOLD.")
    Double threshold;

    @Option(names = "--contamination", paramLabel = "FRACTION",
        description = "Add a flag column marking the FRACTION of images with the highest scores.")
    Double contamination;
  }

  @Override
  public Integer call() throws Exception {
    ScoreKind kind;
    try {
      kind = ScoreKind.parse(score);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--score: " + e.getMessage());
    }
    if (k <= 0) throw new ParameterException(spec.commandLine(), "--k must be > 0, got " + k);
    if (flags != null && flags.contamination != null && !(flags.contamination > 0 && flags.contamination < 1)) {
      throw new ParameterException(spec.commandLine(), "--contamination must be in (0, 1), got " + flags.contamination);
    }
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      double[] scores = kind.scores(LikelihoodEstimator.estimate(s.model(), data, k, seed));
      boolean[] flagged = null;
      String note = "";
      if (flags != null) {
        double threshold = flags.threshold != null ? flags.threshold
            : Flagging.thresholdForContamination(scores, flags.contamination);
        flagged = Flagging.above(scores, threshold);
        int n = 0;
        for (boolean f : flagged) if (f) n++;
        note = String.format(Locale.ROOT, ", %d flagged (score > %.3f)", n, threshold);
      }
      CsvTables.writeScores(out, scores, data.labels(), flagged);
      spec.commandLine().getOut().printf("wrote %s scores of %d images to %s%s%n",
          kind.name().toLowerCase(Locale.ROOT), scores.length, out, note);
    }
    return 0;
  }
}
