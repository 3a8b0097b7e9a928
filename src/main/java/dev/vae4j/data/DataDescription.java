package dev.vae4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The one line that says what {@code --data} was recognised as, for the report {@code train} prints. */
final class DataDescription {
  /** Class names shown before the list is cut short with "...". */
  private static final int NAMES_SHOWN = 6;

  private DataDescription() {}

  /**
   * {@code split} described as {@code kind} (e.g. "CSV file"), its image counts and size and its
   * classes; a split already described keeps its description.
   */
  static DatasetSplit described(DatasetSplit split, String kind) {
    if (split.detected() != null) return split;
    Dataset train = split.train(), test = split.test();
    String line = String.format(Locale.ROOT, "%s, %,d train / %,d test images of %dx%dx%d, %s", kind, train.count(),
        test == null ? 0 : test.count(), train.channels(), train.height(), train.width(), classes(train));
    return new DatasetSplit(split.source(), train, test, line);
  }

  /** The first few class names, "..." after them when there are more. */
  static String names(List<String> classes) {
    int shown = Math.min(classes.size(), NAMES_SHOWN);
    return String.join(", ", classes.subList(0, shown)) + (classes.size() > shown ? ", ..." : "");
  }

  private static String classes(Dataset data) {
    if (!data.hasLabels()) return "no labels";
    if (data.classNames() != null) {
      List<String> names = data.classNames();
      return names.size() + (names.size() == 1 ? " class (" : " classes (") + names(names) + ")";
    }
    int[] labels = data.labels();
    long distinct = Arrays.stream(labels).distinct().count();
    return distinct + (distinct == 1 ? " label" : " labels") + " (" + Arrays.stream(labels).min().orElse(0) + ".."
        + Arrays.stream(labels).max().orElse(0) + ")";
  }
}
