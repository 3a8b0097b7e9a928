package dev.vae4j.data;

/**
 * Images in memory: {@code count} images of {@code height x width} pixels in [0, 1], row-major,
 * one after another, with optional integer labels.
 *
 * @param name where the images came from (for messages)
 * @param pixels {@code count * height * width} values
 * @param labels one per image, or null when the data has none
 */
public record Dataset(String name, float[] pixels, int[] labels, int count, int height, int width) {

  public Dataset {
    if (count <= 0) throw new IllegalArgumentException(name + ": no images");
    if (height <= 0 || width <= 0) throw new IllegalArgumentException(name + ": bad image size " + height + "x" + width);
    if ((long) count * height * width != pixels.length) {
      throw new IllegalArgumentException(name + ": " + pixels.length + " pixels for " + count + " images of " + height + "x" + width);
    }
    if (labels != null && labels.length != count) {
      throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + count + " images");
    }
  }

  /** Pixels per image. */
  public int features() {
    return height * width;
  }

  /** Whether every image has a label. */
  public boolean hasLabels() {
    return labels != null;
  }

  /** The images at {@code indices}, in that order, as a new dataset. */
  public Dataset subset(int[] indices, String subsetName) {
    int d = features();
    float[] p = new float[indices.length * d];
    int[] l = labels == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * d, p, i * d, d);
      if (l != null) l[i] = labels[indices[i]];
    }
    return new Dataset(subsetName, p, l, indices.length, height, width);
  }

  /** A copy of image {@code index}'s pixels. */
  public float[] image(int index) {
    float[] out = new float[features()];
    System.arraycopy(pixels, index * features(), out, 0, out.length);
    return out;
  }
}
