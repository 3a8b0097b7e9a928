package dev.vae4j.data;

import java.util.Locale;

/**
 * An image size the user asked for: {@code --image-size 64} (64x64), {@code 64x48} (height x
 * width) or {@code 28x28x3} (with channels, for CSV rows that are not grey images).
 *
 * @param height rows of pixels
 * @param width columns of pixels
 * @param channels 1 or 3, or 0 where not given
 */
public record ImageSize(int height, int width, int channels) {
  /** Largest height or width accepted (a 16384x16384 colour image is 805 MB of bytes). */
  public static final int MAX_SIDE = 16384;

  /** Checks the sizes. */
  public ImageSize {
    if (height <= 0 || width <= 0 || height > MAX_SIDE || width > MAX_SIDE) {
      throw new IllegalArgumentException("image size " + height + "x" + width + " is not within 1.." + MAX_SIDE);
    }
    if (channels != 0 && channels != 1 && channels != 3) {
      throw new IllegalArgumentException("image channels must be 1 or 3, got " + channels);
    }
  }

  /** Parses {@code N}, {@code HxW} or {@code HxWxC}; the message of a bad one names the forms. */
  public static ImageSize parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 1) {
        int side = Integer.parseInt(parts[0]);
        return new ImageSize(side, side, 0);
      }
      if (parts.length == 2 || parts.length == 3) {
        return new ImageSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
            parts.length == 3 ? Integer.parseInt(parts[2]) : 0);
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("image size '" + text + "' is not N, HxW or HxWxC (e.g. 64, 64x48, 28x28x3)");
  }

  @Override
  public String toString() {
    return height + "x" + width + (channels == 0 ? "" : "x" + channels);
  }
}
