package dev.vae4j.cli;

import dev.vae4j.Vae;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.sweep.MedianStopping;
import dev.vae4j.sweep.TrialResult;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code sweep --prune}: watches one trial's epochs and asks its training to stop when {@link
 * MedianStopping} says so. The finished trials are read from the sweep folder after every epoch, so
 * trials that other shards finished count too; the trial's own metric is read back from its {@code
 * metrics.jsonl}, which the run's progress listener has appended the epoch to (so this listener comes
 * after it), so a resumed trial is judged on the epochs its run kept. Training then stops at the
 * epoch's checkpoint as it does on Ctrl-C, and the sweep marks the trial pruned.
 */
final class TrialPruning implements TrainingListener {
  private final MedianStopping rule;
  private final String metric;
  private final Path trial;
  private final Supplier<List<Path>> finishedTrials;
  private volatile String reason;

  /**
   * @param trial the trial's run folder
   * @param finishedTrials the run folders of the sweep's other finished trials, read when asked
   */
  TrialPruning(MedianStopping rule, String metric, Path trial, Supplier<List<Path>> finishedTrials) {
    this.rule = rule;
    this.metric = metric;
    this.trial = trial;
    this.finishedTrials = finishedTrials;
  }

  /** The finished trials of {@code trials} (those whose run wrote its model, as TrialResult says), by their folders in {@code sweep}. */
  static List<Path> finished(Path sweep, List<dev.vae4j.sweep.Trial> trials) {
    return trials.stream().map(t -> sweep.resolve(t.name())).filter(d -> Files.exists(d.resolve(RunDirectory.MODEL))).toList();
  }

  @Override
  public void epochFinished(EpochMetrics m, Vae model) {
    try {
      double[] history = TrialResult.history(trial, metric);
      List<double[]> others = new ArrayList<>();
      for (Path dir : finishedTrials.get()) others.add(TrialResult.history(dir, metric));
      rule.judge(history, others, metric).ifPresent(r -> reason = r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once the rule stopped the trial. */
  boolean pruned() {
    return reason != null;
  }

  /** Why it was stopped (the marker file's line), or null. */
  String reason() {
    return reason;
  }
}
