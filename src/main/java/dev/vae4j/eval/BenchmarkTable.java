package dev.vae4j.eval;

import dev.vae4j.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of an anomaly benchmark: for each case (a class of a one-class or leave-one-out
 * protocol, or the one out-of-distribution set) and score, the ROC analysis; the mean over the
 * cases per score. Rows keep the order they were added in.
 */
public final class BenchmarkTable {
  private final List<ScoreKind> scores;
  /** Case label (the class number, or "ood") to its name for people ("0 T-shirt/top"). */
  private final Map<String, String> names = new LinkedHashMap<>();
  private final Map<String, Map<ScoreKind, Roc>> rows = new LinkedHashMap<>();

  public BenchmarkTable(List<ScoreKind> scores) {
    this.scores = List.copyOf(scores);
  }

  /** Adds a case's ROC analysis under one score. */
  public void put(String label, String name, ScoreKind score, Roc roc) {
    names.put(label, name);
    rows.computeIfAbsent(label, c -> new LinkedHashMap<>()).put(score, roc);
  }

  public List<ScoreKind> scores() {
    return scores;
  }

  /** The case labels, in order. */
  public List<String> cases() {
    return new ArrayList<>(rows.keySet());
  }

  public String name(String label) {
    return names.get(label);
  }

  public Roc roc(String label, ScoreKind score) {
    return rows.get(label).get(score);
  }

  /** The mean ROC AUC over the cases under {@code score}. */
  public double meanAuc(ScoreKind score) {
    return rows.values().stream().mapToDouble(m -> m.get(score).auc()).average().orElse(Double.NaN);
  }

  /** The mean average precision over the cases under {@code score}. */
  public double meanAveragePrecision(ScoreKind score) {
    return rows.values().stream().mapToDouble(m -> m.get(score).averagePrecision()).average().orElse(Double.NaN);
  }

  /** {@code class,score,roc_auc,average_precision}: one row per case and score, then a {@code mean} row per score. */
  public void writeCsv(Path file) throws IOException {
    StringBuilder s = new StringBuilder("class,score,roc_auc,average_precision\n");
    rows.forEach((label, m) -> m.forEach((score, roc) ->
        s.append(CsvTables.cell(label)).append(',').append(score.cliName()).append(',').append(roc.auc()).append(',')
            .append(roc.averagePrecision()).append('\n')));
    for (ScoreKind score : scores) {
      s.append("mean,").append(score.cliName()).append(',').append(meanAuc(score)).append(',')
          .append(meanAveragePrecision(score)).append('\n');
    }
    write(file, s.toString());
  }

  /** A Markdown table, ROC AUC / AP per score as columns, the mean last; {@code heading} above it. */
  public String markdown(String heading) {
    StringBuilder s = new StringBuilder(heading).append("\n\n| class |");
    for (ScoreKind score : scores) s.append(' ').append(score.cliName()).append(" AUC | AP |");
    s.append("\n|---|");
    for (int i = 0; i < scores.size(); i++) s.append("---:|---:|");
    s.append('\n');
    for (String label : rows.keySet()) {
      s.append("| ").append(names.get(label).replace("|", "\\|")).append(" |");
      for (ScoreKind score : scores) {
        Roc roc = roc(label, score);
        s.append(String.format(Locale.ROOT, " %.3f | %.3f |", roc.auc(), roc.averagePrecision()));
      }
      s.append('\n');
    }
    s.append("| **mean** |");
    for (ScoreKind score : scores) {
      s.append(String.format(Locale.ROOT, " **%.3f** | %.3f |", meanAuc(score), meanAveragePrecision(score)));
    }
    return s.append('\n').toString();
  }

  /** The table for a terminal: one line per case, ROC AUC and AP per score, the mean last. */
  public String text() {
    int width = Math.max(5, names.values().stream().mapToInt(String::length).max().orElse(0));
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "class"));
    for (ScoreKind score : scores) s.append(String.format(Locale.ROOT, " %12s %6s", score.cliName() + " AUC", "AP"));
    s.append('\n');
    for (String label : rows.keySet()) {
      s.append(String.format(Locale.ROOT, "%-" + width + "s", names.get(label)));
      for (ScoreKind score : scores) {
        s.append(String.format(Locale.ROOT, " %12.4f %6.4f", roc(label, score).auc(), roc(label, score).averagePrecision()));
      }
      s.append('\n');
    }
    s.append(String.format(Locale.ROOT, "%-" + width + "s", "mean"));
    for (ScoreKind score : scores) s.append(String.format(Locale.ROOT, " %12.4f %6.4f", meanAuc(score), meanAveragePrecision(score)));
    return s.append('\n').toString();
  }

  static void write(Path file, String text) throws IOException {
    AtomicFiles.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      w.write(text);
      w.flush();
    });
  }

  /** Writes {@link #markdown} to {@code file}, atomically. */
  public void writeMarkdown(Path file, String heading) throws IOException {
    write(file, markdown(heading));
  }
}
