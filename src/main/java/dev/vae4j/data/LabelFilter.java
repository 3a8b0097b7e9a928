package dev.vae4j.data;

import java.util.Set;
import java.util.stream.IntStream;

/** Keeps only the images of chosen classes, e.g. to train an anomaly detector on the normal ones. */
public final class LabelFilter {
  private LabelFilter() {}

  /** The images of {@code split} (both parts) whose label is in {@code classes}, in their order. */
  public static DatasetSplit onlyClasses(DatasetSplit split, Set<Integer> classes) throws DataException {
    Dataset test = split.test() == null ? null : onlyClasses(split.test(), classes);
    return new DatasetSplit(split.source(), onlyClasses(split.train(), classes), test, split.detected());
  }

  /** The images of {@code data} whose label is in {@code classes}, in their order. */
  public static Dataset onlyClasses(Dataset data, Set<Integer> classes) throws DataException {
    if (!data.hasLabels()) throw new DataException(data.name() + " has no labels to choose classes " + classes + " by");
    int[] keep = IntStream.range(0, data.count()).filter(i -> classes.contains(data.labels()[i])).toArray();
    if (keep.length == 0) throw new DataException(data.name() + " has no images of the classes " + classes);
    return data.subset(keep, data.name() + " classes " + classes);
  }
}
