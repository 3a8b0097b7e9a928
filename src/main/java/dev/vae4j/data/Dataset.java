package dev.vae4j.data;

import java.util.List;
import java.util.Objects;

/**
 * Images in memory: {@code count} images of {@code channels x height x width} pixels in [0, 1],
 * each image channel-major as PyTorch's NCHW (all of its red plane, then green, then blue; grey
 * images have one plane), rows top to bottom, one image after another, with optional integer labels
 * and, where the data names its classes, a name for each label. Pixels are held as floats, or as the 8-bit
 * values an IDX file stores (pixel = byte / 255), a quarter of the memory: Fashion-MNIST's 70,000
 * images take 55 MB instead of 220. Read them with {@link #copyPixels}, which converts as it copies.
 */
public final class Dataset {
  private final String name;
  private final float[] floats;
  private final byte[] bytes;
  private final int[] labels;
  private final List<String> classNames;
  private final int count;
  private final int channels;
  private final int height;
  private final int width;

  /**
   * Images with float pixels.
   *
   * @param name where the images came from (for messages)
   * @param pixels {@code count * height * width} values in [0, 1], kept (not copied)
   * @param labels one per image, or null when the data has none
   */
  public Dataset(String name, float[] pixels, int[] labels, int count, int height, int width) {
    this(name, pixels, labels, count, 1, height, width);
  }

  /** Images of {@code channels} planes with float pixels; {@code pixels} is kept (not copied). */
  public Dataset(String name, float[] pixels, int[] labels, int count, int channels, int height, int width) {
    this(name, Objects.requireNonNull(pixels, "pixels"), null, labels, null, count, channels, height, width);
  }

  /** Grey images with 8-bit pixels, value {@code (b & 0xff) / 255}; {@code pixels} is kept (not copied). */
  public static Dataset ofBytes(String name, byte[] pixels, int[] labels, int count, int height, int width) {
    return ofBytes(name, pixels, labels, count, 1, height, width);
  }

  /** Images of {@code channels} planes with 8-bit pixels; {@code pixels} is kept (not copied). */
  public static Dataset ofBytes(String name, byte[] pixels, int[] labels, int count, int channels, int height, int width) {
    return new Dataset(name, null, Objects.requireNonNull(pixels, "pixels"), labels, null, count, channels, height, width);
  }

  private Dataset(String name, float[] floats, byte[] bytes, int[] labels, List<String> classNames, int count,
      int channels, int height, int width) {
    int length = floats != null ? floats.length : bytes.length;
    if (count <= 0) throw new IllegalArgumentException(name + ": no images");
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(name + ": bad image size " + channels + "x" + height + "x" + width);
    }
    if ((long) count * channels * height * width != length) {
      throw new IllegalArgumentException(name + ": " + length + " pixels for " + count + " images of "
          + (channels == 1 ? "" : channels + "x") + height + "x" + width);
    }
    if (labels != null && labels.length != count) {
      throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + count + " images");
    }
    this.name = name;
    this.floats = floats;
    this.bytes = bytes;
    this.labels = labels;
    this.classNames = classNames == null ? null : List.copyOf(classNames);
    this.count = count;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /**
   * This dataset (sharing its pixels and labels) with a name for each label: label {@code i} is
   * class {@code classNames.get(i)}. Labels must lie in [0, classNames.size()).
   */
  public Dataset withClassNames(List<String> classNames) {
    Objects.requireNonNull(classNames, "classNames");
    if (labels == null) throw new IllegalArgumentException(name + ": class names for images without labels");
    for (int label : labels) {
      if (label < 0 || label >= classNames.size()) {
        throw new IllegalArgumentException(name + ": label " + label + " has no class name (" + classNames.size() + " names)");
      }
    }
    return new Dataset(name, floats, bytes, labels, classNames, count, channels, height, width);
  }

  /** Where the images came from (for messages). */
  public String name() {
    return name;
  }

  /** The labels, one per image, or null when the data has none. */
  public int[] labels() {
    return labels;
  }

  /** Number of images. */
  public int count() {
    return count;
  }

  /** Colour planes per image: 1 (grey) or 3 (red, green, blue). */
  public int channels() {
    return channels;
  }

  /** The class names, label {@code i} naming class {@code i}, or null when the data names none. */
  public List<String> classNames() {
    return classNames;
  }

  /** The name of {@code label}'s class, or the label itself as text where the data names none. */
  public String className(int label) {
    return classNames != null && label >= 0 && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
  }

  /** Image height in pixels. */
  public int height() {
    return height;
  }

  /** Image width in pixels. */
  public int width() {
    return width;
  }

  /** Values per image: channels * height * width. */
  public int features() {
    return channels * height * width;
  }

  /** Whether every image has a label. */
  public boolean hasLabels() {
    return labels != null;
  }

  /** Whether the pixels are held as 8-bit values ({@link #ofBytes}). */
  public boolean isEightBit() {
    return bytes != null;
  }

  /**
   * The 8-bit pixels themselves, not a copy (callers must not modify them), for uploads that keep
   * them as bytes; only for {@link #isEightBit} data.
   */
  public byte[] eightBitPixels() {
    if (bytes == null) throw new IllegalStateException(name + " holds float pixels, not 8-bit ones");
    return bytes;
  }

  /**
   * Every pixel as floats: the array itself for float data, a new array for 8-bit data. For large
   * data prefer {@link #copyPixels}, which needs no array of the whole set.
   */
  public float[] pixels() {
    if (floats != null) return floats;
    float[] out = new float[bytes.length];
    copyPixels(0, count, out, 0);
    return out;
  }

  /** Copies the pixels of images [first, first + images) into {@code dst} from {@code dstOffset}. */
  public void copyPixels(int first, int images, float[] dst, int dstOffset) {
    if (first < 0 || images < 0 || first + images > count) {
      throw new IndexOutOfBoundsException("images [" + first + ", " + (first + images) + ") of " + count);
    }
    int from = first * features(), n = images * features();
    if (floats != null) {
      System.arraycopy(floats, from, dst, dstOffset, n);
    } else {
      for (int i = 0; i < n; i++) dst[dstOffset + i] = (bytes[from + i] & 0xff) / 255f;
    }
  }

  /** Receives a run of consecutive images as floats: {@code images} images from {@code src[srcOffset]}. */
  @FunctionalInterface
  public interface Block {
    void accept(float[] src, int srcOffset, int firstImage, int images);
  }

  /** {@link #forEachBlock(int, Block)} in blocks of about 4 MB of floats. */
  public void forEachBlock(Block sink) {
    forEachBlock(1 << 20, sink);
  }

  /**
   * Hands every image to {@code sink}, in order, in blocks of at most {@code maxFloats} pixels (at
   * least one image each): float data straight from its array, 8-bit data converted into one reused
   * buffer, so the whole set never exists as floats twice.
   */
  public void forEachBlock(int maxFloats, Block sink) {
    int d = features(), block = Math.max(1, Math.min(count, maxFloats / d));
    float[] buffer = floats != null ? null : new float[block * d];
    for (int first = 0; first < count; first += block) {
      int n = Math.min(block, count - first);
      if (floats != null) {
        sink.accept(floats, first * d, first, n);
      } else {
        copyPixels(first, n, buffer, 0);
        sink.accept(buffer, 0, first, n);
      }
    }
  }

  /** The images at {@code indices}, in that order, as a new dataset holding its pixels as this one does. */
  public Dataset subset(int[] indices, String subsetName) {
    int d = features();
    int[] l = labels == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      if (l != null) l[i] = labels[indices[i]];
    }
    if (bytes != null) {
      byte[] p = new byte[indices.length * d];
      for (int i = 0; i < indices.length; i++) System.arraycopy(bytes, indices[i] * d, p, i * d, d);
      return new Dataset(subsetName, null, p, l, classNames, indices.length, channels, height, width);
    }
    float[] p = new float[indices.length * d];
    for (int i = 0; i < indices.length; i++) System.arraycopy(floats, indices[i] * d, p, i * d, d);
    return new Dataset(subsetName, p, null, l, classNames, indices.length, channels, height, width);
  }

  /** A copy of image {@code index}'s pixels. */
  public float[] image(int index) {
    float[] out = new float[features()];
    copyPixels(index, 1, out, 0);
    return out;
  }

  @Override
  public String toString() {
    return name + " (" + count + " images of " + (channels == 1 ? "" : channels + "x") + height + "x" + width
        + (labels == null ? "" : ", labelled") + ")";
  }
}
