package dev.vae4j.cli;

import dev.vae4j.data.ClassNames;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.CsvTables;
import dev.vae4j.eval.Flagging;
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
        "Columns index[,label],score[,flag][,label_name], one row per image in file order, label_name where the data",
        "names its classes. The score is one of --score's (the negative ELBO by default, in nats)."})
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;
  @Mixin ScoringOptions scoring;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV to write.")
  Path out;

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
    ScoreKind kind = scoring.kind(spec.commandLine());
    if (flags != null && flags.contamination != null && !(flags.contamination > 0 && flags.contamination < 1)) {
      throw new ParameterException(spec.commandLine(), "--contamination must be in (0, 1), got " + flags.contamination);
    }
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      double[] scores = scoring.scores(kind, s.run(), s.model(), data);
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
      CsvTables.writeScores(out, scores, data.labels(), flagged, ClassNames.shown(data.classNames()));
      spec.commandLine().getOut().printf("wrote %s scores of %d images to %s%s%n",
          kind.cliName(), scores.length, out, note);
    }
    return 0;
  }
}
