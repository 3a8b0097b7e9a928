package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.AnomalyEvaluation;
import dev.vae4j.eval.Roc;
import dev.vae4j.eval.ScoreKind;
import dev.vae4j.plot.RocChart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vae4j anomaly-eval}: ROC AUC and average precision of the scores per held-out class. */
@Command(name = "anomaly-eval", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Prints ROC AUC and average precision of the anomaly scores per held-out class.",
        "Scores a labelled dataset with a model trained on the normal classes (it trains nothing) and, for each other",
        "class, ranks its images against the normal ones; writes the ROC curves as a PNG."})
final class AnomalyEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;
  @Mixin ScoringOptions scoring;

  @Option(names = "--normal-classes", required = true, split = ",", paramLabel = "C[,C...]",
      description = "The labels the model was trained on.")
  int[] normalClasses;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The ROC curve PNG to write.")
  Path out;

  @Option(names = "--json", description = "Print the figures as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ScoreKind kind = scoring.kind(spec.commandLine());
    Set<Integer> normal = new TreeSet<>();
    for (int c : normalClasses) normal.add(c);
    PrintWriter stdout = spec.commandLine().getOut();
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      if (!data.hasLabels()) throw new IllegalArgumentException(data.name() + " has no labels; anomaly-eval needs them");
      double[] scores = scoring.scores(kind, s.model(), data);
      AnomalyEvaluation result = AnomalyEvaluation.of(scores, data.labels(), normal);
      // The figures first: where the chart cannot be drawn (no font libraries) they are not lost.
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("data", data.name());
        o.put("normal_classes", normal);
        o.put("score", kind.name().toLowerCase(Locale.ROOT));
        o.put("k", scoring.k);
        Map<String, Object> classes = new LinkedHashMap<>();
        result.perClass().forEach((c, roc) -> classes.put(Integer.toString(c), figures(roc)));
        o.put("held_out", classes);
        o.put("all_held_out", figures(result.allHeldOut()));
        stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
      } else {
        stdout.printf(Locale.ROOT, "normal classes %s, score %s (k = %d), %s%n", normal, kind.name().toLowerCase(Locale.ROOT), scoring.k, data.name());
        stdout.printf(Locale.ROOT, "%-14s %9s %9s %8s %8s%n", "held-out", "anomalies", "normals", "ROC AUC", "AP");
        result.perClass().forEach((c, roc) -> row(stdout, "class " + c, roc));
        if (result.perClass().size() > 1) row(stdout, "all", result.allHeldOut());
      }
      stdout.flush();
      Map<String, Roc> curves = new LinkedHashMap<>();
      result.perClass().forEach((c, roc) -> curves.put("class " + c, roc));
      if (result.perClass().size() > 1) curves.put("all held-out", result.allHeldOut());
      String title = "Anomaly detection by " + (kind == ScoreKind.ELBO ? "-ELBO" : "-log p(x) (IWAE)")
          + ", normal classes " + normal;
      RocChart.write(out, curves, title);
      if (!json) stdout.printf("wrote ROC curves to %s%n", out);
    }
    return 0;
  }

  private static void row(PrintWriter out, String name, Roc roc) {
    out.printf(Locale.ROOT, "%-14s %9d %9d %8.4f %8.4f%n", name, roc.positives(), roc.negatives(), roc.auc(), roc.averagePrecision());
  }

  private static Map<String, Object> figures(Roc roc) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("anomalies", roc.positives());
    m.put("normals", roc.negatives());
    m.put("roc_auc", roc.auc());
    m.put("average_precision", roc.averagePrecision());
    return m;
  }
}
