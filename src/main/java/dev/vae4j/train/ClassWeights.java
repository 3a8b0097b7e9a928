package dev.vae4j.train;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Per-class loss weights for imbalanced labelled data ({@code train --class-weights}): each
 * training row's loss (reconstruction + beta * KL) and gradient are multiplied by its class's
 * weight. {@code auto} weighs class {@code c} by {@code N / (C * n_c)} (scikit-learn's "balanced":
 * {@code N} training rows, {@code C} classes present among them, {@code n_c} rows of class {@code
 * c}), so the mean weight over the training rows is 1; explicit weights are used as given, one per
 * class. Validation and evaluation losses stay unweighted.
 *
 * @param auto inverse-frequency weights, found from the training rows' labels
 * @param weights the explicit weights, label {@code i}'s at {@code i}; empty when {@code auto} or
 *     when the option is off
 */
public record ClassWeights(boolean auto, double[] weights) {
  /** The option off: every row's loss counts once. */
  public static final ClassWeights NONE = new ClassWeights(false, new double[0]);
  /** Inverse class frequencies, normalised to a mean of 1 over the training rows. */
  public static final ClassWeights AUTO = new ClassWeights(true, new double[0]);

  public ClassWeights {
    weights = weights.clone();
    if (auto && weights.length > 0) throw new IllegalArgumentException("auto class weights take no explicit weights");
    for (double w : weights) {
      if (!(w > 0 && Double.isFinite(w))) {
        throw new IllegalArgumentException("--class-weights must be auto, none or finite weights > 0, one per class, got " + w);
      }
    }
  }

  /** Whether rows are weighted at all. */
  public boolean enabled() {
    return auto || weights.length > 0;
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The option as the command line and config.json write it: {@code auto}, or the weights joined
   * by commas; empty when off.
   */
  public String text() {
    if (auto) return "auto";
    return Arrays.stream(weights).mapToObj(Double::toString).collect(Collectors.joining(","));
  }

  /**
   * {@code auto}, {@code W0,W1,...} or {@code none} (off, as a sweep's default); anything else
   * throws {@link IllegalArgumentException} naming the form.
   */
  public static ClassWeights parse(String text) {
    if (text.equals("auto")) return AUTO;
    if (text.equals("none")) return NONE;
    String[] parts = text.split(",", -1);
    double[] w = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        w[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--class-weights must be auto, none or finite weights > 0, one per class (W0,W1,...), got '" + text + "'");
      }
    }
    return new ClassWeights(false, w);
  }

  /**
   * Each class's weight for a training set whose rows have labels {@code labels[rows[i]]}, among
   * {@code classes} classes (labels in [0, classes)): explicit weights must number exactly {@code
   * classes}; {@code auto} gives a class absent from the rows weight 1 (it weighs no row).
   */
  public float[] perClass(int[] rows, int[] labels, int classes) {
    if (!enabled()) throw new IllegalStateException("class weights are off");
    if (labels == null) throw new IllegalArgumentException("--class-weights needs labelled training images");
    float[] perClass = new float[classes];
    if (!auto) {
      if (weights.length != classes) {
        throw new IllegalArgumentException("--class-weights gives " + weights.length + " weights for " + classes
            + " classes: it needs one weight > 0 per class, or auto");
      }
      for (int c = 0; c < classes; c++) perClass[c] = (float) weights[c];
      return perClass;
    }
    long[] counts = new long[classes];
    for (int r : rows) counts[labels[r]]++;
    long present = Arrays.stream(counts).filter(n -> n > 0).count();
    for (int c = 0; c < classes; c++) {
      perClass[c] = counts[c] == 0 ? 1f : (float) (rows.length / ((double) present * counts[c]));
    }
    return perClass;
  }

  /**
   * Every image's weight, image {@code i} (of {@code labels.length}) getting its label's: what
   * {@link Trainer} keeps resident beside the images and gathers per batch through the epoch order.
   */
  public float[] perImage(int[] rows, int[] labels, int classes) {
    float[] perClass = perClass(rows, labels, classes);
    float[] perImage = new float[labels.length];
    for (int i = 0; i < labels.length; i++) perImage[i] = perClass[labels[i]];
    return perImage;
  }

  /** The number of classes of labels {@code labels} named by {@code classNames} (null: labels 0 .. max). */
  public static int classCount(int[] labels, java.util.List<String> classNames) {
    if (classNames != null) return classNames.size();
    return Arrays.stream(labels).max().orElse(-1) + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassWeights c && c.auto == auto && Arrays.equals(c.weights, weights);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(auto) * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return enabled() ? text() : "none";
  }
}
