package dev.vae4j.model.layer;

/**
 * The shape of one row's tensor between layers: {@code channels x height x width} (an image, as
 * PyTorch's NCHW without the batch), or a flat vector of {@code channels} values ({@code height =
 * width = 1}, made by {@link #flat}). A row is stored row-major, so a tensor of {@code rows} rows
 * holds {@code rows * size()} floats.
 */
public record Shape(int channels, int height, int width) {
  public Shape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("shape sizes must be > 0, got " + channels + "x" + height + "x" + width);
    }
  }

  /** A flat vector of {@code size} values. */
  public static Shape flat(int size) {
    return new Shape(size, 1, 1);
  }

  /** Whether this is a flat vector (what a {@link Linear} layer takes and gives). */
  public boolean isFlat() {
    return height == 1 && width == 1;
  }

  /** Floats per row. */
  public int size() {
    return Math.multiplyExact(Math.multiplyExact(channels, height), width);
  }

  /** E.g. {@code 400} (flat) or {@code 1x28x28}. */
  @Override
  public String toString() {
    return isFlat() ? Integer.toString(channels) : channels + "x" + height + "x" + width;
  }
}
