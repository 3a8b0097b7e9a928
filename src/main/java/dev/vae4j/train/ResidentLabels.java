package dev.vae4j.train;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.Conditioning;
import java.util.List;

/**
 * The labels a conditional model's training steps read on the backend, uploaded once beside
 * {@link ResidentImages}' images (one dataset after another, in the same order), so that a step's
 * one-hot is gathered through the epoch order as its images are, with nothing sent per step.
 */
public final class ResidentLabels {
  private ResidentLabels() {}

  /**
   * What {@code --conditional} conditions a model on for {@code train}: as many classes as it
   * names, else its largest label + 1, with its class names if it has them.
   *
   * @throws IllegalArgumentException when the data have no labels
   */
  public static Conditioning conditioning(Dataset train) {
    int[] labels = train.labels();
    if (labels == null || labels.length == 0) {
      throw new IllegalArgumentException("--conditional needs labelled data, and " + train.name() + " has no labels");
    }
    List<String> names = train.classNames();
    if (names != null) return new Conditioning(names.size(), names);
    int max = 0;
    for (int label : labels) max = Math.max(max, label);
    return Conditioning.of(max + 1);
  }

  /**
   * The labels of {@code datasets}, in order, for a model of {@code classes} classes.
   *
   * @throws IllegalArgumentException when a dataset has no labels or one outside [0, classes)
   */
  public static IndexTensor upload(Backend backend, int classes, Dataset... datasets) {
    int total = 0;
    for (Dataset d : datasets) total += d.count();
    int[] all = new int[total];
    int at = 0;
    for (Dataset d : datasets) {
      int[] labels = d.labels();
      if (labels == null) throw new IllegalArgumentException("a conditional model needs labels, and " + d.name() + " has none");
      for (int label : labels) {
        if (label < 0 || label >= classes) {
          throw new IllegalArgumentException(d.name() + " has label " + label + ", but the model knows classes 0-" + (classes - 1));
        }
      }
      System.arraycopy(labels, 0, all, at, labels.length);
      at += labels.length;
    }
    IndexTensor out = backend.allocateIndices(total);
    backend.uploadIndices(all, out);
    return out;
  }
}
