package dev.vae4j.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's table: one row per trial, best metric first (trials without one last, in the sweep's
 * order), written as {@code results.csv}, {@code results.md} and {@code results.json}, and {@code
 * best}, a file naming the best finished trial's folder.
 */
public record SweepResults(List<String> parameters, String metric, List<TrialResult> rows) {
  public static final String CSV = "results.csv", MARKDOWN = "results.md", JSON_FILE = "results.json", BEST = "best";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Reads every trial of {@code definition} from the folder {@code dir}, sorted. */
  public static SweepResults read(Path dir, SweepDefinition definition, String metric) throws IOException {
    List<TrialResult> rows = new ArrayList<>();
    for (Trial t : definition.space().trials()) rows.add(TrialResult.read(dir, t, metric));
    rows.sort(Comparator.comparingDouble(r -> Double.isNaN(r.metric()) ? Double.POSITIVE_INFINITY : r.metric()));
    List<String> parameters = new ArrayList<>(definition.space().parameters());
    parameters.remove("seed");
    return new SweepResults(parameters, metric, rows);
  }

  /** The best finished trial, or null when none has finished with a metric. */
  public TrialResult best() {
    for (TrialResult r : rows) {
      if (r.status() == TrialStatus.FINISHED && !Double.isNaN(r.metric())) return r;
    }
    return null;
  }

  /** How many trials have each status, e.g. "9 finished, 1 failed". */
  public String counts() {
    List<String> parts = new ArrayList<>();
    for (TrialStatus s : TrialStatus.values()) {
      long n = rows.stream().filter(r -> r.status() == s).count();
      if (n > 0) parts.add(n + " " + s);
    }
    return String.join(", ", parts);
  }

  private List<String> header() {
    List<String> h = new ArrayList<>(List.of("trial"));
    h.addAll(parameters);
    h.addAll(List.of("seed", "status", "epochs", "best_epoch", "train_loss", "val_loss"));
    if (boundColumn()) h.add(TrialResult.VAL_IWAE);
    h.addAll(List.of("metric_" + metric, "seconds"));
    return h;
  }

  /** Whether the tables show the validation IWAE bound beside another metric: some trial has one. */
  private boolean boundColumn() {
    return !metric.equals(TrialResult.VAL_IWAE) && rows.stream().anyMatch(r -> !Double.isNaN(r.valIwae()));
  }

  private List<String> cells(TrialResult r) {
    List<String> c = new ArrayList<>(List.of(r.trial().name()));
    for (String p : parameters) c.add(r.trial().parameters().getOrDefault(p, ""));
    c.addAll(List.of(Long.toString(r.trial().seed()), r.status().toString(), Integer.toString(r.epochs()),
        r.bestEpoch() == 0 ? "" : Integer.toString(r.bestEpoch()), number(r.trainLoss()), number(r.valLoss())));
    if (boundColumn()) c.add(number(r.valIwae()));
    c.addAll(List.of(number(r.metric()), String.format(Locale.ROOT, "%.1f", r.seconds())));
    return c;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** The table as aligned text, for the terminal. */
  public String text() {
    List<List<String>> table = new ArrayList<>();
    table.add(header());
    for (TrialResult r : rows) table.add(cells(r));
    int[] widths = new int[table.get(0).size()];
    for (List<String> row : table) {
      for (int i = 0; i < row.size(); i++) widths[i] = Math.max(widths[i], row.get(i).length());
    }
    StringBuilder s = new StringBuilder();
    for (List<String> row : table) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) line.append(String.format("%-" + widths[i] + "s  ", row.get(i)));
      s.append(line.toString().stripTrailing()).append('\n');
    }
    return s.toString();
  }

  /** Writes the three tables and {@code best} (removed while no trial has finished), each atomically. */
  public void write(Path dir) throws IOException {
    StringBuilder csv = new StringBuilder(String.join(",", header())).append('\n');
    for (TrialResult r : rows) csv.append(String.join(",", cells(r).stream().map(SweepResults::csvCell).toList())).append('\n');
    AtomicFiles.write(dir.resolve(CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
    StringBuilder md = new StringBuilder("| ").append(String.join(" | ", header())).append(" |\n|");
    for (int i = 0; i < header().size(); i++) md.append("---|");
    md.append('\n');
    for (TrialResult r : rows) md.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
    AtomicFiles.write(dir.resolve(MARKDOWN), md.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(dir.resolve(JSON_FILE), (JSON.writeValueAsString(json()) + "\n").getBytes(StandardCharsets.UTF_8));
    TrialResult best = best();
    if (best != null) AtomicFiles.write(dir.resolve(BEST), (best.trial().name() + "\n").getBytes(StandardCharsets.UTF_8));
    else java.nio.file.Files.deleteIfExists(dir.resolve(BEST));
  }

  private ObjectNode json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("metric", metric);
    TrialResult best = best();
    if (best == null) root.putNull("best");
    else root.put("best", best.trial().name());
    ArrayNode trials = root.putArray("trials");
    for (TrialResult r : rows) {
      ObjectNode t = trials.addObject();
      t.put("trial", r.trial().name());
      ObjectNode params = t.putObject("parameters");
      r.trial().parameters().forEach(params::put);
      t.put("seed", r.trial().seed());
      t.put("status", r.status().toString());
      t.put("epochs", r.epochs());
      t.put("best_epoch", r.bestEpoch());
      putNumber(t, "train_loss", r.trainLoss());
      putNumber(t, "val_loss", r.valLoss());
      if (!Double.isNaN(r.valIwae())) t.put(TrialResult.VAL_IWAE, r.valIwae()); // only where train --val-iwae wrote one
      putNumber(t, "metric", r.metric());
      t.put("seconds", r.seconds());
      if (!r.note().isEmpty()) t.put("note", r.note());
    }
    return root;
  }

  private static void putNumber(ObjectNode node, String key, double v) {
    if (Double.isFinite(v)) node.put(key, v);
    else node.putNull(key);
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
