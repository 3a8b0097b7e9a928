package dev.vae4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How well anomaly scores of a labelled test set single out the classes a model was not trained
 * on: for each held-out class, the ROC analysis of its images (positives) against the images of
 * the normal classes (negatives); and of all held-out images together.
 *
 * @param perClass held-out class to its ROC analysis, in class order
 * @param allHeldOut every held-out image against the normal ones
 */
public record AnomalyEvaluation(Map<Integer, Roc> perClass, Roc allHeldOut) {

  /** Evaluates {@code scores} of images with {@code labels}, the classes in {@code normal} being normal. */
  public static AnomalyEvaluation of(double[] scores, int[] labels, Set<Integer> normal) {
    if (labels == null) throw new IllegalArgumentException("anomaly evaluation needs labelled images");
    if (scores.length != labels.length) throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
    Set<Integer> present = new TreeSet<>();
    for (int l : labels) present.add(l);
    Set<Integer> heldOut = new TreeSet<>(present);
    heldOut.removeAll(normal);
    if (heldOut.isEmpty()) {
      throw new IllegalArgumentException("every class in the data (" + present + ") is among the normal classes; nothing is held out");
    }
    boolean anyNormal = false;
    for (int l : labels) anyNormal |= normal.contains(l);
    if (!anyNormal) throw new IllegalArgumentException("no image of the normal classes " + normal + " is in the data");
    Map<Integer, Roc> perClass = new LinkedHashMap<>();
    for (int c : heldOut) perClass.put(c, rocOf(scores, labels, normal, Set.of(c)));
    return new AnomalyEvaluation(perClass, rocOf(scores, labels, normal, heldOut));
  }

  private static Roc rocOf(double[] scores, int[] labels, Set<Integer> normal, Set<Integer> positives) {
    int[] keep = java.util.stream.IntStream.range(0, labels.length)
        .filter(i -> normal.contains(labels[i]) || positives.contains(labels[i])).toArray();
    double[] s = new double[keep.length];
    boolean[] p = new boolean[keep.length];
    for (int i = 0; i < keep.length; i++) {
      s[i] = scores[keep[i]];
      p[i] = positives.contains(labels[keep[i]]);
    }
    return Roc.of(s, p);
  }
}
