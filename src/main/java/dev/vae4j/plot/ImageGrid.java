package dev.vae4j.plot;

import dev.vae4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Grayscale images in a grid, as an 8-bit PNG: {@code cols} cells per row, {@code pad} pixels of
 * a mid-gray background between cells and around the edge, each pixel value {@code v} in [0, 1]
 * drawn as {@code round(255 v)} (values outside are clamped, NaN drawn black), each image pixel
 * enlarged to {@code scale x scale} screen pixels.
 */
public final class ImageGrid {
  /** The gray of the gaps between cells, distinct from both ink (white) and paper (black). */
  public static final int BACKGROUND = 96;

  private ImageGrid() {}

  /**
   * Renders {@code count} images of {@code height x width} values from {@code pixels} (row-major,
   * image after image) into a grid of {@code cols} columns.
   */
  public static BufferedImage render(float[] pixels, int count, int height, int width, int cols, int pad, int scale) {
    if (count <= 0 || height <= 0 || width <= 0 || cols <= 0 || pad < 0 || scale <= 0) {
      throw new IllegalArgumentException("bad grid: " + count + " images of " + height + "x" + width
          + ", " + cols + " columns, pad " + pad + ", scale " + scale);
    }
    if ((long) count * height * width > pixels.length) {
      throw new IllegalArgumentException(count + " images of " + height + "x" + width + " need more than " + pixels.length + " values");
    }
    int columns = Math.min(cols, count), rows = (count + cols - 1) / cols;
    int cellW = width * scale, cellH = height * scale;
    BufferedImage image = new BufferedImage(pad + columns * (cellW + pad), pad + rows * (cellH + pad), BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    int[] background = new int[image.getWidth()];
    java.util.Arrays.fill(background, BACKGROUND);
    for (int y = 0; y < image.getHeight(); y++) raster.setPixels(0, y, image.getWidth(), 1, background);
    for (int n = 0; n < count; n++) {
      int x0 = pad + (n % cols) * (cellW + pad), y0 = pad + (n / cols) * (cellH + pad);
      for (int y = 0; y < cellH; y++) {
        for (int x = 0; x < cellW; x++) {
          float v = pixels[n * height * width + (y / scale) * width + x / scale];
          raster.setSample(x0 + x, y0 + y, 0, toByte(v));
        }
      }
    }
    return image;
  }

  /** Renders a grid (see {@link #render}) and writes it as a PNG, atomically. */
  public static void write(Path file, float[] pixels, int count, int height, int width, int cols, int pad, int scale)
      throws IOException {
    writePng(file, render(pixels, count, height, width, cols, pad, scale));
  }

  /**
   * Originals above their reconstructions: {@code count} originals fill the first rows of a grid
   * of {@code cols} columns and their reconstructions as many rows below, so reconstruction i sits
   * in the same column as original i, one block of rows further down. Unused cells are black.
   */
  public static BufferedImage pairs(float[] originals, float[] reconstructions, int count, int height, int width,
      int cols, int pad, int scale) {
    int d = height * width, rowsPerBlock = (count + cols - 1) / cols, cells = rowsPerBlock * cols;
    float[] both = new float[2 * cells * d];
    java.util.Arrays.fill(both, Float.NaN);
    System.arraycopy(originals, 0, both, 0, count * d);
    System.arraycopy(reconstructions, 0, both, cells * d, count * d);
    return render(both, 2 * cells, height, width, cols, pad, scale);
  }

  /** Writes an image as a PNG, atomically. */
  public static void writePng(Path file, BufferedImage image) throws IOException {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available");
    });
  }

  static int toByte(float v) {
    if (!(v > 0f)) return 0; // also NaN
    return v >= 1f ? 255 : Math.round(v * 255f);
  }
}
