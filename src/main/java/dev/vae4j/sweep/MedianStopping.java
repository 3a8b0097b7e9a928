package dev.vae4j.sweep;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The median-stopping rule of Google Vizier (Golovin et al., KDD 2017), for metrics where lower is
 * better: a trial is stopped after epoch e when its best value up to e is worse than the median,
 * over the finished trials that reached e, of their running averages of the metric over epochs 1
 * to e. Running averages rather than the finished trials' own values at e make the rule lenient
 * early on, when a slow starter may still catch up. It judges only once {@code minFinished}
 * finished trials reached epoch e, and never on a NaN value (e.g. {@code val_loss} without a
 * validation set).
 *
 * @param minFinished finished trials the median needs (`--prune median:N`; 3 by default)
 */
public record MedianStopping(int minFinished) {
  /** Finished trials the median needs unless {@code median:N} says otherwise. */
  public static final int DEFAULT_MIN_FINISHED = 3;

  public MedianStopping {
    if (minFinished < 1) throw new IllegalArgumentException("--prune median:N needs N >= 1, got " + minFinished);
  }

  /** {@code median} or {@code median:N}; anything else is refused naming the accepted forms. */
  public static MedianStopping parse(String text) {
    String[] parts = text.split(":", -1);
    if (!parts[0].equals("median") || parts.length > 2) {
      throw new IllegalArgumentException("--prune must be median or median:N (N finished trials the median needs), got '" + text + "'");
    }
    if (parts.length == 1) return new MedianStopping(DEFAULT_MIN_FINISHED);
    try {
      return new MedianStopping(Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--prune median:N needs a whole number N, got '" + parts[1] + "'");
    }
  }

  /**
   * Why the trial whose metric so far is {@code history} (epochs 1..e) should stop after its last
   * epoch, or empty when it goes on. {@code finished} holds each finished trial's metric per epoch.
   */
  public Optional<String> judge(double[] history, List<double[]> finished, String metric) {
    int e = history.length;
    if (e == 0 || Double.isNaN(history[e - 1])) return Optional.empty();
    double best = Arrays.stream(history).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    double[] averages = finished.stream().filter(h -> h.length >= e)
        .mapToDouble(h -> Arrays.stream(h, 0, e).average().orElse(Double.NaN))
        .filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (averages.length < minFinished) return Optional.empty();
    double median = median(averages);
    if (!(best > median)) return Optional.empty();
    return Optional.of(String.format(Locale.ROOT,
        "pruned after epoch %d: best %s %.4f is worse than %.4f, the median of %d finished trials' running averages to epoch %d",
        e, metric, best, median, averages.length, e));
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  @Override
  public String toString() {
    return "median:" + minFinished;
  }
}
