package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vae4j.data.ClassNames;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
      description = "The classes the model was trained on, by label or name (any case).")
  java.util.List<String> normalClasses;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The ROC curve PNG to write.")
  Path out;

  @Option(names = "--json", description = "Print the figures as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ScoreKind kind = scoring.kind(spec.commandLine());
    PrintWriter stdout = spec.commandLine().getOut();
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      if (!data.hasLabels()) throw new IllegalArgumentException(data.name() + " has no labels; anomaly-eval needs them");
      Set<Integer> normal;
      try {
        normal = ClassNames.labels(normalClasses, data.classNames());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--normal-classes: " + e.getMessage());
      }
      double[] scores = scoring.scores(kind, s.run(), s.model(), data);
      AnomalyEvaluation result = AnomalyEvaluation.of(scores, data.labels(), normal);
      // The figures first: where the chart cannot be drawn (no font libraries) they are not lost.
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("data", data.name());
        o.put("normal_classes", normal);
        if (normal.stream().anyMatch(c -> named(data, c) != null)) {
          o.put("normal_class_names", normal.stream().map(data::className).toList());
        }
        o.put("score", kind.cliName());
        o.put("k", scoring.k);
        Map<String, Object> classes = new LinkedHashMap<>();
        result.perClass().forEach((c, roc) -> classes.put(Integer.toString(c), figures(roc, named(data, c))));
        o.put("held_out", classes);
        o.put("all_held_out", figures(result.allHeldOut(), null));
        stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
      } else {
        stdout.printf(Locale.ROOT, "normal classes %s, score %s (k = %d), %s%n", describe(data, normal),
            kind.cliName(), scoring.k, data.name());
        int column = Math.max(14, result.perClass().keySet().stream().mapToInt(c -> heldOut(data, c).length()).max().orElse(0));
        stdout.printf(Locale.ROOT, "%-" + column + "s %9s %9s %8s %8s%n", "held-out", "anomalies", "normals", "ROC AUC", "AP");
        result.perClass().forEach((c, roc) -> row(stdout, column, heldOut(data, c), roc));
        if (result.perClass().size() > 1) row(stdout, column, "all", result.allHeldOut());
      }
      stdout.flush();
      Map<String, Roc> curves = new LinkedHashMap<>();
      result.perClass().forEach((c, roc) -> curves.put(heldOut(data, c), roc));
      if (result.perClass().size() > 1) curves.put("all held-out", result.allHeldOut());
      String title = "Anomaly detection by " + kind.title()
          + ", normal classes " + describe(data, normal);
      RocChart.write(out, curves, title);
      if (!json) stdout.printf("wrote ROC curves to %s%n", out);
    }
    return 0;
  }

  private static void row(PrintWriter out, int width, String name, Roc roc) {
    out.printf(Locale.ROOT, "%-" + width + "s %9d %9d %8.4f %8.4f%n", name, roc.positives(), roc.negatives(), roc.auc(),
        roc.averagePrecision());
  }

  /** A class's name where the data names it otherwise than by its number (Fashion-MNIST's "Trouser"), else null. */
  private static String named(Dataset data, int label) {
    String name = data.className(label);
    return name.equals(Integer.toString(label)) ? null : name;
  }

  /** "class 1", or "class 1 Trouser" where the data names it. */
  private static String heldOut(Dataset data, int label) {
    String name = named(data, label);
    return "class " + label + (name == null ? "" : " " + name);
  }

  /** "[0, 2]", or "[0 T-shirt/top, 2 Pullover]" where the data names them. */
  private static String describe(Dataset data, Set<Integer> labels) {
    java.util.StringJoiner out = new java.util.StringJoiner(", ", "[", "]");
    for (int c : labels) out.add(named(data, c) == null ? Integer.toString(c) : c + " " + named(data, c));
    return out.toString();
  }

  private static Map<String, Object> figures(Roc roc, String name) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (name != null) m.put("name", name);
    m.put("anomalies", roc.positives());
    m.put("normals", roc.negatives());
    m.put("roc_auc", roc.auc());
    m.put("average_precision", roc.averagePrecision());
    return m;
  }
}
