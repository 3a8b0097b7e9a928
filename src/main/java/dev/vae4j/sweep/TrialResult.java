package dev.vae4j.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One row of a sweep's table, read from the trial's run folder: its status, epochs trained, best
 * epoch (by validation loss), final training and validation loss, the metric, and the training
 * time (the epochs' seconds added, so a resumed trial counts only the work kept). The metric is
 * that of the weights the run kept: the best epoch's with {@code --patience}, else the last's.
 * {@code valIwae} is the run's validation IWAE bound ({@code val_iwae.json}), NaN when it has none.
 */
public record TrialResult(Trial trial, TrialStatus status, int epochs, int bestEpoch, double trainLoss, double valLoss,
    double metric, double seconds, String note, double valIwae) {
  /** Marker files the sweep writes into a trial's folder (no run file is named so). */
  public static final String FAILED_MARKER = "sweep-failed.txt";
  public static final String PRUNED_MARKER = "sweep-pruned.txt";
  /**
   * The lower-is-better numbers a sweep can be ranked by: those of metrics.jsonl, and {@link
   * #VAL_IWAE}, the validation IWAE bound the run wrote at its end ({@code train --val-iwae}).
   */
  public static final String VAL_IWAE = "val_iwae";
  public static final List<String> METRICS = List.of("val_loss", "val_recon", "val_kl", "train_loss", "train_recon", "train_kl",
      VAL_IWAE);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The row of {@code trial}, whose run folder is {@code dir/trial.name()}. */
  public static TrialResult read(Path sweep, Trial trial, String metric) throws IOException {
    Path dir = sweep.resolve(trial.name());
    TrialStatus status = Files.exists(dir.resolve(RunDirectory.MODEL)) ? TrialStatus.FINISHED
        : Files.exists(dir.resolve(PRUNED_MARKER)) ? TrialStatus.PRUNED
        : Files.exists(dir.resolve(FAILED_MARKER)) ? TrialStatus.FAILED
        : Files.exists(dir.resolve(RunDirectory.CONFIG)) ? TrialStatus.UNFINISHED : TrialStatus.PENDING;
    String note = status == TrialStatus.FAILED ? Files.readString(dir.resolve(FAILED_MARKER)).strip()
        : status == TrialStatus.PRUNED ? Files.readString(dir.resolve(PRUNED_MARKER)).strip() : "";
    Path metrics = dir.resolve(RunDirectory.METRICS);
    List<String> lines = Files.isRegularFile(metrics) ? Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).toList() : List.of();
    double bound = valIwae(dir);
    if (lines.isEmpty()) return new TrialResult(trial, status, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0, note, bound);
    JsonNode last = null, best = null;
    double seconds = 0;
    for (String line : lines) {
      last = JSON.readTree(line);
      seconds += last.path("seconds").asDouble(0);
      if (last.path("best").asBoolean(false)) best = last;
    }
    boolean keptBest = best != null && patience(dir) > 0;
    JsonNode kept = keptBest ? best : last;
    return new TrialResult(trial, status, last.path("epoch").asInt(), best == null ? 0 : best.path("epoch").asInt(),
        number(last, "train_loss"), number(last, "val_loss"), metric.equals(VAL_IWAE) ? bound : number(kept, metric),
        seconds, note, bound);
  }

  /**
   * The run's validation IWAE bound, of the weights it kept; NaN (missing, ranked last) when it has
   * none: unfinished, or trained without {@code --val-iwae}.
   */
  private static double valIwae(Path dir) throws IOException {
    Path file = dir.resolve(RunDirectory.VAL_IWAE);
    return Files.isRegularFile(file) ? number(JSON.readTree(file.toFile()), VAL_IWAE) : Double.NaN;
  }

  /** Metrics of every epoch so far, in order, of {@code metric} (the median-stopping rule compares them). */
  public static double[] history(Path runDir, String metric) throws IOException {
    Path metrics = runDir.resolve(RunDirectory.METRICS);
    if (!Files.isRegularFile(metrics)) return new double[0];
    List<String> lines = Files.readAllLines(metrics).stream().filter(l -> !l.isBlank()).toList();
    double[] values = new double[lines.size()];
    for (int i = 0; i < values.length; i++) values[i] = number(JSON.readTree(lines.get(i)), metric);
    return values;
  }

  private static int patience(Path dir) throws IOException {
    Path config = dir.resolve(RunDirectory.CONFIG);
    return Files.isRegularFile(config) ? JSON.readTree(config.toFile()).at("/training/patience").asInt(0) : 0;
  }

  private static double number(JsonNode line, String key) {
    JsonNode v = line.get(key);
    return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
  }
}
